// Package web serves the platform's pages: server-rendered Chinese HTML that
// works without JavaScript, on a 375 px phone as on a desktop, with every
// template, stylesheet and script embedded in the binary so that it runs on
// a government intranet with no outside URL.
//
// Handlers only translate between HTTP and the store: every read and write
// goes through a store method that takes the signed-in user's actor, so the
// scope rules live in one place and a page that forgets a check still cannot
// show another county's records.
package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"zhuxiang"
	"zhuxiang/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Options configure the web handler.
type Options struct {
	// Logger receives request failures and panics; nil means slog.Default.
	Logger *slog.Logger
	// BaseURL is the address users reach the platform at, such as
	// https://zhuxiang.example.gov.cn, as ParseBaseURL returns it (nil when
	// not known). An https base URL marks cookies Secure, which browsers
	// drop on plain http, so it is the only way to set them. Links that
	// must be absolute are built from it, never from the request's Host
	// or X-Forwarded-* headers, which any client can forge.
	BaseURL *url.URL
	// VerifyAudit checks the audit log for the audit page's 校验 button:
	// the server passes one that checks the chain against its signed
	// checkpoints (the key and the file are the server's, not the
	// database's). Nil means the chain alone (store.VerifyAudit).
	VerifyAudit func(context.Context) (store.AuditVerifyResult, error)

	// jobHook, for tests only, is called on a job's goroutine after each
	// of its progress reports (jobRegistry.hook).
	jobHook func(j *job, step zhuxiang.Step, done, total int)
}

// server holds what every handler shares. It keeps no per-user state: the
// database is the only memory, so several processes can serve one site.
type server struct {
	st          *store.Store
	verifyAudit func(context.Context) (store.AuditVerifyResult, error)
	log         *slog.Logger
	secure      bool
	base        *url.URL // nil when Options.BaseURL is empty
	pages       map[string]*template.Template
	assets      map[string]*asset
	loc         *time.Location
	nav         sync.Map // nav cache key → template.HTML
	cache       *respCache
	jobs        *jobRegistry // long work running in this process (jobs.go)
}

// New returns the handler for every page, the static files and /healthz,
// wrapped in the security middleware.
func New(st *store.Store, opts Options) (http.Handler, error) {
	s := &server{st: st, log: opts.Logger, loc: shanghai(), cache: newRespCache(respCacheBytes)}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.verifyAudit = opts.VerifyAudit
	if s.verifyAudit == nil {
		s.verifyAudit = st.VerifyAudit
	}
	s.jobs = newJobRegistry(s.log)
	s.jobs.hook = opts.jobHook
	var err error
	if opts.BaseURL != nil {
		s.base, s.secure = opts.BaseURL, opts.BaseURL.Scheme == "https"
	}
	if s.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if s.pages, err = s.parseTemplates(); err != nil {
		return nil, err
	}
	return s.routes()
}

// shanghai is where users read times. China has kept one offset without
// daylight saving since 1991, so a fixed zone is a safe fallback on a host
// without the time zone database.
func shanghai() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}

// parseTemplates parses the layout once and every page on a clone of it, so
// that each page may define its own "content" block and a request only
// executes.
func (s *server) parseTemplates() (map[string]*template.Template, error) {
	// Files named _*.html hold pieces that several pages share (the
	// picker); they are parsed into the layout's set, never served alone.
	base, err := template.New("").Funcs(s.funcs()).ParseFS(templateFS, "templates/layout.html", "templates/_*.html")
	if err != nil {
		return nil, err
	}
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" || strings.HasPrefix(name, "_") {
			continue
		}
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.ParseFS(templateFS, f); err != nil {
			return nil, fmt.Errorf("模板 %s: %w", f, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// asset is one embedded static file with the hash that makes its URL
// change whenever its content does, so browsers may cache it for a year.
type asset struct {
	name, hash, ctype string
	body              []byte
	gz                []byte // gzip of body, sent to browsers that accept it
}

func loadAssets() (map[string]*asset, error) {
	out := map[string]*asset{}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		name := strings.TrimPrefix(p, "static/")
		ctype := "application/octet-stream"
		switch path.Ext(name) {
		case ".css":
			ctype = "text/css; charset=utf-8"
		case ".js":
			ctype = "text/javascript; charset=utf-8"
		case ".svg":
			ctype = "image/svg+xml"
		case ".ico":
			ctype = "image/x-icon"
		}
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		zw.Write(b)
		zw.Close()
		a := &asset{name: name, hash: hex.EncodeToString(sum[:6]), ctype: ctype, body: b}
		if gz.Len() < len(b) {
			a.gz = gz.Bytes()
		}
		out[name] = a
		return nil
	})
	return out, err
}

// serveStatic answers /static/{name}. A request carrying the current hash
// is cached as immutable; any other gets a short cache, so an old page
// asking for an old version still gets a working file.
func (s *server) serveStatic(w http.ResponseWriter, r *http.Request) {
	s.serveAsset(w, r, r.PathValue("name"))
}

// favicon answers /favicon.ico, which browsers and bookmarking tools ask for
// whatever the page links, with the icon the layout links.
func (s *server) favicon(w http.ResponseWriter, r *http.Request) {
	s.serveAsset(w, r, "favicon.svg")
}

// serveAsset sends one embedded static file, gzipped when the browser
// accepts it.
func (s *server) serveAsset(w http.ResponseWriter, r *http.Request, name string) {
	a := s.assets[name]
	if a == nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("Vary", "Accept-Encoding")
	body, etag := a.body, `"`+a.hash+`"`
	// Compressed once at start-up: the stylesheet shrinks to a quarter,
	// which counts on a village's mobile connection.
	if a.gz != nil && acceptsGzip(r) {
		body, etag = a.gz, `"`+a.hash+`-gz"`
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("ETag", etag)
	if r.URL.Query().Get("v") == a.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, max-age=300")
	}
	http.ServeContent(w, r, a.name, time.Time{}, bytes.NewReader(body))
}

// bufPool keeps rendering buffers between requests: a list page is tens of
// kilobytes and allocating that afresh for every request shows under load.
var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// view is what every page template receives: the layout's facts about the
// signed-in user and the page's own data in Data.
type view struct {
	Title string
	Nav   string // which navigation entry is current
	User  *zhuxiang.User
	Actor zhuxiang.Actor
	Scope string
	Year  int
	CSRF  string
	Flash string
	Warn  string
	Data  any
	// Unread counts the user's unread notifications for the top bar, up
	// to store.UnreadCap; UnreadLabel shows it ("99+" at the cap).
	Unread      int
	UnreadLabel string
	// Public marks a page for visitors without an account: the plain
	// layout, but as wide as a list needs.
	Public bool
	// Description is a public page's one-line summary, for search engines
	// and for the card WeChat and other apps show when the link is shared.
	Description string
	// Image is a public page's picture for a shared link's card (a path on
	// this site: a thumbnail), shown only when the server knows its address.
	Image string
	// NavHTML is the navigation, rendered once per role and page and
	// reused, because it is the same for every request that shares them.
	NavHTML template.HTML
	// Refresh, when set, reloads the page after that many seconds in a
	// browser without JavaScript (a job's progress page); with it, app.js
	// polls instead.
	Refresh int
}

// chrome is everything the layout shows around a page's content, and
// nothing else: the layout template is executed on this value, never on a
// page's data, so the value is by construction the exact key of the layout
// it renders. It is comparable, and the response cache keeps the rendered
// layout under it: executing the layout was half of a cached page's CPU.
type chrome struct {
	Title       string
	SignedIn    bool
	UserName    string
	Role        string
	MustChange  bool
	Scope       string
	Year        int
	Unread      int
	UnreadLabel string
	CSRF        string
	Nav         string // navKey: names the navigation, which is rendered from it
	Flash       string
	Warn        string
	Public      bool
	Refresh     int
	// Description and ShareURL describe a public page to apps that show a
	// shared link as a card; ShareURL is absolute only when the server
	// knows its address (--base-url).
	Description string
	ShareURL    string
	ImageURL    string
}

// chrome is what the layout shows for v.
func (s *server) chrome(v *view) chrome {
	c := chrome{Title: v.Title, Scope: v.Scope, Year: v.Year, Unread: v.Unread, UnreadLabel: v.UnreadLabel, CSRF: v.CSRF,
		Flash: v.Flash, Warn: v.Warn, Public: v.Public, Refresh: v.Refresh, Description: v.Description}
	if v.Public {
		c.Nav = v.Nav // the public site's own two entries
	}
	if u := v.User; u != nil {
		c.Nav = s.navKey(v)
		c.SignedIn, c.UserName, c.Role, c.MustChange = true, u.DisplayName, u.Role.Label(), u.MustChangePassword
	}
	return c
}

// contentMark is where the layout puts a page's content. html/template
// escapes "<" in every value it inserts, so the mark can only come from the
// layout's own text.
const contentMark = "<zx-content></zx-content>"

// layout renders the layout for c with its navigation nav (which c.Nav
// names), or takes it from the response cache, and returns what goes
// before and after the content.
func (s *server) layout(c chrome, nav template.HTML) (head, tail string, err error) {
	h, err := s.cache.do(fmt.Sprintf("layout\x00%#v", c), func() (template.HTML, error) {
		var b bytes.Buffer
		data := struct {
			chrome
			NavHTML template.HTML
		}{c, nav}
		if err := s.pages["home"].ExecuteTemplate(&b, "layout", data); err != nil {
			return "", err
		}
		return template.HTML(b.String()), nil // html/template's own output
	})
	if err != nil {
		return "", "", err
	}
	head, tail, ok := strings.Cut(string(h), contentMark)
	if !ok {
		return "", "", errors.New("web: the layout has no content mark")
	}
	return head, tail, nil
}

// navKey names the navigation v shows: the current entry and the areas
// the user may open.
func (s *server) navKey(v *view) string {
	key := v.Nav
	for _, area := range []string{"orgs", "users", "audit", "import", "plan", "matches", "projects", "brands"} {
		if v.Can(area) {
			key += "|" + area
		}
	}
	return key
}

// render executes page into a pooled buffer and writes it only when it
// succeeded, so that a template error becomes a clean 500 and not half a
// page.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, name string, v *view) {
	t := s.pages[name]
	if t == nil {
		s.log.Error("missing template", "name", name)
		http.Error(w, "系统内部错误", http.StatusInternalServerError)
		return
	}
	if q := reqOf(r); q != nil && q.user != nil {
		v.User, v.Actor, v.CSRF = q.user, q.actor, q.sess.CSRF
		if v.Scope == "" {
			v.Scope = s.scopeName(r.Context(), q)
		}
	}
	v.Year = time.Now().In(s.loc).Year()
	if v.User != nil {
		v.NavHTML = s.navHTML(v)
		// The badge must be true on every page, or people stop trusting
		// it: the count is read with the session, at the request's start.
		if q := reqOf(r); q != nil && q.sess != nil {
			v.Unread, v.UnreadLabel = q.sess.Unread, strconv.Itoa(q.sess.Unread)
			if q.sess.Unread >= store.UnreadCap {
				v.UnreadLabel = strconv.Itoa(store.UnreadCap-1) + "+"
			}
		}
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= 1<<20 {
			bufPool.Put(buf)
		}
	}()
	h.Add("Vary", "Accept-Encoding")
	c := s.chrome(v)
	if v.Public && s.base != nil {
		// A shared public page names its address, which only --base-url
		// knows: the request's Host is whatever the client said.
		c.ShareURL = strings.TrimSuffix(s.base.String(), "/") + r.URL.RequestURI()
		if v.Image != "" {
			c.ImageURL = strings.TrimSuffix(s.base.String(), "/") + v.Image
		}
	}
	head, tail, err := s.layout(c, v.NavHTML)
	var start, end int
	cached, isCached := v.Data.(cachedPage)
	if err == nil {
		buf.WriteString(head)
		start = buf.Len()
		if isCached {
			buf.WriteString(string(cached.HTML)) // the "cached" template's content
		} else {
			err = t.ExecuteTemplate(buf, "content", v)
		}
		end = buf.Len()
		buf.WriteString(tail)
	}
	if err != nil {
		s.log.Error("render", "template", name, "err", err)
		http.Error(w, "系统内部错误", http.StatusInternalServerError)
		return
	}
	body := buf.Bytes()
	if len(body) >= gzipMin && acceptsGzip(r) {
		zb := bufPool.Get().(*bytes.Buffer)
		zb.Reset()
		defer func() {
			if zb.Cap() <= 1<<20 {
				bufPool.Put(zb)
			}
		}()
		gzipPage(zb, gzipPart{raw: body[:start]}, gzipPart{raw: body[start:end], z: cached.z}, gzipPart{raw: body[end:]})
		body = zb.Bytes()
		h.Set("Content-Encoding", "gzip")
	}
	// A known length spares the chunked encoding's extra writes.
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

// errorPage shows a refusal or failure in the site's layout.
type errorPage struct {
	Status  int
	Heading string
	Message string
}

func (s *server) renderError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	heading := map[int]string{
		http.StatusForbidden:             "无权访问",
		http.StatusNotFound:              "页面不存在",
		http.StatusConflict:              "内容已被修改",
		http.StatusRequestEntityTooLarge: "内容过大",
		http.StatusUnprocessableEntity:   "填写有误",
		http.StatusBadRequest:            "请求无效",
		http.StatusMethodNotAllowed:      "请求方式不正确",
		http.StatusUnsupportedMediaType:  "不支持的内容",
		http.StatusServiceUnavailable:    "服务器繁忙",
	}[status]
	if heading == "" {
		heading = "系统出错"
	}
	s.render(w, r, status, "error", &view{Title: heading, Data: errorPage{Status: status, Heading: heading, Message: msg}})
}

// fail maps an error from the store or a parser to the page a user should
// see. Internal errors are logged with their detail and shown generically.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		s.renderError(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("提交的内容超过%d MB，请缩小后重试", mbe.Limit>>20))
		return
	}
	msg := zhuxiang.ErrorMessage(err)
	switch code := zhuxiang.ErrorCodeOf(err); code {
	case zhuxiang.ENotFound, zhuxiang.EForbidden, zhuxiang.EInvalid, zhuxiang.EConflict, zhuxiang.ETooLarge:
		s.renderError(w, r, code.HTTPStatus(), msg)
	case zhuxiang.EUnauthorized:
		s.toLogin(w, r, "")
	case zhuxiang.ELocked:
		s.renderLogin(w, r, http.StatusLocked, loginForm{Error: msg})
	default:
		if errors.Is(err, context.Canceled) {
			return
		}
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		s.renderError(w, r, http.StatusInternalServerError, msg)
	}
}

// redirect answers a successful POST with 303 so that reloading the next
// page does not submit the form again.
func redirect(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// scopeName names the user's scope for the top bar: the county,
// organization, department or village the account works for.
func (s *server) scopeName(ctx context.Context, q *request) string {
	a := q.actor
	fallback := map[zhuxiang.Role]string{zhuxiang.RoleCounty: a.CountyCode, zhuxiang.RoleVillage: a.RegionCode}[a.Role]
	if q.sess == nil {
		name, err := s.lookupScopeName(ctx, q)
		if err != nil {
			return fallback
		}
		return name
	}
	// The name is read from the village, organization or department once
	// per data generation and scope: every page of these users shows it,
	// and reading it (an organization's row with its sealed phone) was most
	// of what a page served from the cache cost them. The cache keeps
	// template.HTML; the name goes back to being a string, which the layout
	// escapes. A failed read is not kept.
	name, err := s.cache.do(q.sess.Gen.String()+"\x00scope\x00"+scopeKey(a), func() (template.HTML, error) {
		name, err := s.lookupScopeName(ctx, q)
		return template.HTML(name), err
	})
	if err != nil {
		return fallback
	}
	return string(name)
}

// lookupScopeName reads the name of the actor's scope.
func (s *server) lookupScopeName(ctx context.Context, q *request) (string, error) {
	a := q.actor
	switch a.Role {
	case zhuxiang.RoleAdmin:
		return "全州", nil
	case zhuxiang.RoleCounty:
		c, err := q.counties(ctx, s.st)
		if err != nil {
			return "", err
		}
		for _, r := range c {
			if r.Code == a.CountyCode {
				return r.Name, nil
			}
		}
		return a.CountyCode, nil
	case zhuxiang.RoleVillage:
		v, err := s.st.Region(ctx, a, a.RegionCode)
		if err != nil {
			return "", err
		}
		return v.Name, nil
	case zhuxiang.RoleOrg:
		o, err := s.st.Org(ctx, a, a.OrgID)
		if err != nil {
			return "", err
		}
		return o.Name, nil
	case zhuxiang.RoleDepartment:
		d, err := s.st.Department(ctx, a, a.DepartmentID)
		if err != nil {
			return "", err
		}
		return d.Name, nil
	}
	return "", nil
}

// healthz answers load balancers: 200 when the database answers.
func (s *server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.st.DB().PingContext(ctx); err != nil {
		s.log.Error("healthz", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, "database unavailable")
		return
	}
	io.WriteString(w, "ok")
}

// navHTML renders the navigation for v's role and current page, once per
// combination: it is the largest part of every page's layout, and the same
// for everyone who may use the same areas.
func (s *server) navHTML(v *view) template.HTML {
	key := s.navKey(v)
	if h, ok := s.nav.Load(key); ok {
		return h.(template.HTML)
	}
	var b bytes.Buffer
	if err := s.pages["home"].ExecuteTemplate(&b, "nav", v); err != nil {
		s.log.Error("render nav", "err", err)
		return ""
	}
	h := template.HTML(b.String())
	s.nav.Store(key, h)
	return h
}
