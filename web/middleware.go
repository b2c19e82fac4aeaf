package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"runtime/debug"
	"slices"
	"strings"

	"zhuxiang"
	"zhuxiang/api"
	"zhuxiang/store"
)

// sessionCookie names the session cookie; the token in it is only a key,
// the session itself lives in the database.
const sessionCookie = "zx_session"

// maxFormBytes bounds ordinary form posts. The longest field (an
// organization's introduction) is 2000 characters, far below this.
const maxFormBytes = 1 << 20

// contentSecurityPolicy allows nothing but this site's own files, which is
// why templates carry no inline script or style attribute.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// csrfExpired is what a user sees when a form's token does not match: most
// often a page left open across a new login.
const csrfExpired = "请求已过期，请刷新页面后重试"

// request is what the middleware learned about the signed-in user, handed
// to handlers so that they never read the session themselves.
type request struct {
	token string
	sess  *store.Session
	user  *zhuxiang.User
	actor zhuxiang.Actor
	// mr is the rest of a multipart upload whose csrf field has already
	// been read and checked.
	mr *multipart.Reader

	countyList []*zhuxiang.Region
}

// counties loads the nine counties once per request: the layout, filters
// and tables all need their names and they are a handful of rows. They come
// in pinyin order, the order people look a name up in a select.
func (q *request) counties(ctx context.Context, st *store.Store) ([]*zhuxiang.Region, error) {
	if q.countyList != nil {
		return q.countyList, nil
	}
	c, err := st.ListRegions(ctx, q.actor, store.RegionFilter{Level: zhuxiang.LevelCounty})
	if err != nil {
		return nil, err
	}
	c = slices.Clone(c)
	if c == nil {
		c = []*zhuxiang.Region{}
	}
	zhuxiang.SortByPinyin(c, func(r *zhuxiang.Region) string { return r.Name })
	q.countyList = c
	return c, nil
}

// countyNames maps county codes to names for tables.
func (q *request) countyNames(ctx context.Context, st *store.Store) (map[string]string, error) {
	c, err := q.counties(ctx, st)
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(c))
	for _, r := range c {
		m[r.Code] = r.Name
	}
	return m, nil
}

type ctxKey struct{}

func reqOf(r *http.Request) *request {
	q, _ := r.Context().Value(ctxKey{}).(*request)
	return q
}

// securityHeaders sets the headers every response carries, errors and
// static files included.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// recoverer turns a panic into a plain 500 page; the detail goes to the
// log, never to the user.
func (s *server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
			s.renderError(w, r, http.StatusInternalServerError, zhuxiang.ErrorMessage(errors.New("panic")))
		}()
		next.ServeHTTP(w, r)
	})
}

// handlerFunc is a page handler that may fail; the wrapper turns the error
// into the matching page.
type handlerFunc func(w http.ResponseWriter, r *http.Request, q *request) error

// routeOpt tunes the authentication wrapper for one route.
type routeOpt int

const (
	// upload marks a route that takes multipart uploads; others refuse
	// them, so a file cannot be posted where nobody checks its size.
	upload routeOpt = iota + 1
	// agreementUpload marks a form with one agreement file (at most
	// zhuxiang.AgreementMaxBytes): its body is cut far sooner than an
	// import's, so a stray 50 MB video is refused before it is read.
	agreementUpload
	// reportUpload marks a progress report's form: several photos or PDFs
	// of at most attach.MaxBytes each (maxReportBytes in all).
	reportUpload
	// attachmentUpload marks a form with one attachment that package
	// attach vets (a brand's logo): bounded as an agreement is.
	attachmentUpload
)

// maxAgreementBytes bounds a request carrying an agreement file: the file's
// 10 MB plus room for the other fields and the multipart framing.
const maxAgreementBytes = zhuxiang.AgreementMaxBytes + 1<<20

// auth wraps a handler for signed-in users: it finds the session, sends
// the user to the login page or to the password change when needed, checks
// the form token of every POST and maps the handler's error to a page.
func (s *server) auth(fn handlerFunc, opts ...routeOpt) http.Handler {
	var limit int64
	for _, o := range opts {
		switch o {
		case upload:
			limit = maxUploadBytes
		case agreementUpload, attachmentUpload:
			limit = maxAgreementBytes
		case reportUpload:
			limit = maxReportBytes
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q, err := s.session(r)
		if err != nil {
			if zhuxiang.ErrorCodeOf(err) != zhuxiang.EUnauthorized {
				s.fail(w, r, err)
				return
			}
			s.clearCookie(w)
			expired := ""
			if _, cerr := r.Cookie(sessionCookie); cerr == nil {
				expired = "1"
			}
			s.toLogin(w, r, expired)
			return
		}
		if q.user.MustChangePassword && r.URL.Path != "/password" && r.URL.Path != "/logout" {
			redirect(w, r, "/password")
			return
		}
		ctx := context.WithValue(r.Context(), ctxKey{}, q)
		r = r.WithContext(ctx)
		if limit > maxFormBytes || isDownload(r) {
			// Only now, with the user known: an anonymous client never
			// gets more than the server's short deadlines.
			api.LiftDeadlines(w)
		}
		if r.Method == http.MethodPost {
			if !s.checkCSRF(w, r, q, limit) {
				return
			}
		}
		if err := checkInput(r); err != nil {
			s.fail(w, r, err)
			return
		}
		if err := fn(w, r, q); err != nil {
			s.fail(w, r, err)
		}
	})
}

// anon wraps a page anyone may open without signing in: its input passes
// the same rules as a signed-in page's, and its errors render the same way.
func (s *server) anon(fn func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := checkInput(r)
		if err == nil {
			err = fn(w, r)
		}
		if err != nil {
			s.fail(w, r, err)
		}
	})
}

// session reads the cookie and asks the store for its user; the store
// applies the idle timeout.
func (s *server) session(r *http.Request) (*request, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, zhuxiang.Errorf(zhuxiang.EUnauthorized, "", "请先登录")
	}
	sess, err := s.st.SessionUser(r.Context(), c.Value)
	if err != nil {
		return nil, err
	}
	return &request{token: c.Value, sess: sess, user: sess.User, actor: sess.User.Actor()}, nil
}

// checkCSRF compares the form's csrf field with the session's token in
// constant time. For uploads the field must come first in the body, so the
// check happens before any of the file is read. uploadLimit bounds a
// multipart body; zero refuses multipart bodies altogether.
func (s *server) checkCSRF(w http.ResponseWriter, r *http.Request, q *request, uploadLimit int64) bool {
	ctype, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var token string
	if ctype == "multipart/form-data" {
		if uploadLimit == 0 {
			s.renderError(w, r, http.StatusUnsupportedMediaType, "此处不接受文件上传")
			return false
		}
		r.Body = http.MaxBytesReader(w, r.Body, uploadLimit)
		mr, err := r.MultipartReader()
		if err != nil {
			s.renderError(w, r, http.StatusBadRequest, "上传的内容无效，请重新选择文件")
			return false
		}
		part, err := mr.NextPart()
		if err == nil && part.FormName() == "csrf" {
			b, _ := io.ReadAll(io.LimitReader(part, 256))
			token = string(b)
		}
		q.mr = mr
	} else {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		if err := r.ParseForm(); err != nil {
			s.fail(w, r, err)
			return false
		}
		token = r.PostForm.Get("csrf")
	}
	if token == "" || subtle.ConstantTimeCompare([]byte(token), []byte(q.sess.CSRF)) != 1 {
		s.renderError(w, r, http.StatusForbidden, csrfExpired)
		return false
	}
	return true
}

// toLogin sends an unauthenticated browser to the login page, remembering
// where it wanted to go when that was a page it could simply reload.
func (s *server) toLogin(w http.ResponseWriter, r *http.Request, expired string) {
	v := url.Values{}
	if r.Method == http.MethodGet && r.URL.Path != "/" {
		v.Set("next", r.URL.RequestURI())
	}
	if expired != "" {
		v.Set("expired", expired)
	}
	to := "/login"
	if len(v) > 0 {
		to += "?" + v.Encode()
	}
	redirect(w, r, to)
}

func (s *server) setSessionCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
}

func (s *server) clearCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
}

// safeNext accepts only a path on this site as the page to return to after
// login, so that a crafted link cannot send a user elsewhere.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	if strings.ContainsAny(next, "\\\r\n\t") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	if strings.HasPrefix(u.Path, "/login") {
		return "/"
	}
	return next
}
