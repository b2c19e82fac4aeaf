package web

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"zhuxiang"
	"zhuxiang/store/storetest"
)

// servedEnv is an env behind the *http.Server that NewServer configures,
// so that its timeouts are the ones a test meets.
type servedEnv struct {
	*env
	hs *http.Server
}

func newServedEnv(t *testing.T, engine string, opts Options) *servedEnv {
	t.Helper()
	st := storetest.Open(t, engine)
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	hs, err := NewServer(st, opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(hs.Handler)
	ts.Config = hs
	ts.Start()
	t.Cleanup(ts.Close)
	return &servedEnv{env: &env{t: t, st: st, srv: ts}, hs: hs}
}

// slowClient is a connection that sends its request a byte a second, as
// a client on a bad line (or an attacker) would.
type slowClient struct {
	conn  net.Conn
	ended chan time.Time // when the server closed the connection
}

// openSlow sends head at once, then one byte of filler a second until the
// server gives up on the connection.
func openSlow(t *testing.T, addr, head string) *slowClient {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	s := &slowClient{conn: c, ended: make(chan time.Time, 1)}
	if _, err := io.WriteString(c, head); err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			time.Sleep(time.Second)
			if _, err := c.Write([]byte("a")); err != nil {
				return
			}
		}
	}()
	go func() {
		io.Copy(io.Discard, c)
		s.ended <- time.Now()
	}()
	// Closing from our side ends the drip too; it runs before the test
	// server's Close, which waits for active connections.
	t.Cleanup(func() { c.Close() })
	return s
}

// timedGet fetches path and fails the test when it takes longer than a
// page's generous liveness bound.
func timedGet(t *testing.T, c *client, path string) {
	t.Helper()
	const bound = 3 * time.Second
	start := time.Now()
	r := c.get(path)
	if took := time.Since(start); took > bound {
		t.Errorf("GET %s took %v while slow clients were connected (bound %v)", path, took.Round(time.Millisecond), bound)
	}
	mustStatus(t, r, http.StatusOK)
}

// Two slow anonymous clients used to freeze every page: the admission
// queue let one request per core run, and a login whose body trickled in
// held its place for as long as the client kept sending. Now fifty such
// clients are connected while pages answer in their usual time, and the
// server hangs up on each once the request's read deadline has passed.
func TestSlowClientsDoNotStallPages(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		t.Parallel()
		e := newServedEnv(t, engine, Options{})
		e.user("admin1", zhuxiang.RoleAdmin, "")
		admin := e.client()
		admin.signIn("admin1")
		anon := e.client()
		admin.hc.Timeout = 30 * time.Second
		anon.hc.Timeout = 30 * time.Second
		timedGet(t, anon, "/public/needs")
		timedGet(t, admin, "/orgs")

		addr := strings.TrimPrefix(e.srv.URL, "http://")
		start := time.Now()
		var bodies []*slowClient
		for range 50 {
			bodies = append(bodies, openSlow(t, addr, fmt.Sprintf("POST /login HTTP/1.1\r\nHost: %s\r\n"+
				"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\nn", addr)))
		}
		var headers []*slowClient
		for range 5 {
			headers = append(headers, openSlow(t, addr, "GET /public/needs HTTP/1.1\r\nHost: "+addr+"\r\nX-Slow: "))
		}
		// Every slow client has sent its headers and is now in a handler
		// (or the header reader) waiting for more.
		time.Sleep(2 * time.Second)
		for range 3 {
			timedGet(t, anon, "/public/needs")
			timedGet(t, admin, "/orgs")
			timedGet(t, admin, "/needs")
		}
		for i, s := range bodies {
			select {
			case at := <-s.ended:
				t.Fatalf("slow client %d was cut after %v, before the pages were checked", i, at.Sub(start))
			default:
			}
		}

		// The server hangs up on them once their deadline has passed: the
		// header deadline for the header trickle, the whole request's for
		// the body trickle.
		wait := func(what string, cs []*slowClient, limit time.Duration) {
			timeout := time.After(time.Until(start.Add(limit)))
			for i, s := range cs {
				select {
				case <-s.ended:
				case <-timeout:
					t.Fatalf("%s client %d still connected %v after it started", what, i, limit)
				}
			}
		}
		wait("slow-header", headers, 15*time.Second)
		wait("slow-body", bodies, 30*time.Second)
	})
}

// An import is a large body that may take longer to arrive than a form: its
// route lifts the read deadline, so a file that trickles in for longer
// than the server's ReadTimeout is still read and imported.
func TestSlowUploadGetsItsOwnDeadline(t *testing.T) {
	t.Parallel()
	e := newServedEnv(t, "sqlite", Options{})
	e.user("admin1", zhuxiang.RoleAdmin, "")
	c := e.client()
	c.signIn("admin1")
	c.hc.Timeout = 2 * time.Minute

	csv := "组织名称,统一社会信用代码,登记县市\n和静县好协会," + creditCode(t, '1', 7) + ",和静县\n"
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		mw.WriteField("csrf", c.csrf)
		fw, _ := mw.CreateFormFile("file", "orgs.csv")
		// The file arrives over a little longer than the whole-request
		// deadline that ordinary requests get.
		b := []byte(csv)
		pause := (e.hs.ReadTimeout + 2*time.Second) / time.Duration(len(b))
		for i := range b {
			if _, err := fw.Write(b[i : i+1]); err != nil {
				pw.CloseWithError(err)
				return
			}
			time.Sleep(pause)
		}
		mw.Close()
		pw.Close()
	}()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/import/orgs", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	start := time.Now()
	r := c.finish(c.do(req))
	wg.Wait()
	if took := time.Since(start); took < e.hs.ReadTimeout {
		t.Fatalf("the upload took %v, less than the ReadTimeout %v it is meant to outlast", took, e.hs.ReadTimeout)
	}
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, "导入成功")
}

func TestParseBaseURL(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"https://zhuxiang.example.gov.cn", "https://zhuxiang.example.gov.cn"},
		{"https://zhuxiang.example.gov.cn/", "https://zhuxiang.example.gov.cn"},
		{"HTTPS://ZhuXiang.Example.gov.cn:8443", "https://zhuxiang.example.gov.cn:8443"},
		{"http://10.1.2.3:8080", "http://10.1.2.3:8080"},
		{"http://[::1]:8080", "http://[::1]:8080"},
		{"", ""},
		{"zhuxiang.example.gov.cn", ""},
		{"//zhuxiang.example.gov.cn", ""},
		{"ftp://zhuxiang.example.gov.cn", ""},
		{"https://", ""},
		{"https://:8443", ""},
		{"https://user:pw@zhuxiang.example.gov.cn", ""},
		{"https://zhuxiang.example.gov.cn/zhuxiang", ""},
		{"https://zhuxiang.example.gov.cn?a=1", ""},
		{"https://zhuxiang.example.gov.cn#top", ""},
		{"https://zhuxiang.example.gov.cn:0", ""},
		{"https://zhuxiang.example.gov.cn:70000", ""},
		{"https://zhuxiang.example.gov.cn:", ""},
		{"mailto:admin@example.gov.cn", ""},
	} {
		u, err := ParseBaseURL(c.in)
		switch {
		case c.want == "" && err == nil:
			t.Errorf("%q accepted as %v", c.in, u)
		case c.want == "":
			if zhuxiang.ErrorCodeOf(err) != zhuxiang.EInvalid || zhuxiang.ErrorField(err) != "base-url" || !strings.Contains(zhuxiang.ErrorMessage(err), "--base-url") {
				t.Errorf("%q: error %v (code %v, field %q)", c.in, err, zhuxiang.ErrorCodeOf(err), zhuxiang.ErrorField(err))
			}
		case err != nil:
			t.Errorf("%q refused: %v", c.in, err)
		case u.String() != c.want:
			t.Errorf("%q gives %q, want %q", c.in, u, c.want)
		}
	}
}

// The base URL decides whether cookies are Secure and what the OpenAPI
// document names as the server; nothing a request says (Host,
// X-Forwarded-Proto) does.
func TestBaseURL(t *testing.T) {
	for _, c := range []struct {
		name   string
		base   string
		secure bool
		server string
	}{
		// (A subtest named "" would be "#00", and a SQLite path with a
		// "#" is cut there by the driver.)
		{"none", "", false, "/api/v1"},
		{"http", "http://10.1.2.3:8080", false, "http://10.1.2.3:8080/api/v1"},
		{"https", "https://zhuxiang.example.gov.cn", true, "https://zhuxiang.example.gov.cn/api/v1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var opts Options
			if c.base != "" {
				u, err := ParseBaseURL(c.base)
				if err != nil {
					t.Fatal(err)
				}
				opts.BaseURL = u
			}
			e := newServedEnv(t, "sqlite", opts)
			e.user("admin1", zhuxiang.RoleAdmin, "")
			post := func(path string, form url.Values, header ...string) *http.Response {
				t.Helper()
				req, _ := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				for i := 0; i+1 < len(header); i += 2 {
					req.Header.Set(header[i], header[i+1])
				}
				res, err := http.DefaultTransport.RoundTrip(req)
				if err != nil {
					t.Fatal(err)
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				return res
			}
			cookie := func(res *http.Response) *http.Cookie {
				t.Helper()
				for _, k := range res.Cookies() {
					if k.Name == sessionCookie {
						return k
					}
				}
				t.Fatalf("status %d: no session cookie set", res.StatusCode)
				return nil
			}
			login := url.Values{"name": {"admin1"}, "password": {initialPassword}, "next": {"/"}}
			// A client claiming https through X-Forwarded-Proto changes nothing.
			res := post("/login", login, "X-Forwarded-Proto", "https", "X-Forwarded-Host", "evil.example.com")
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("login: status %d", res.StatusCode)
			}
			sess := cookie(res)
			if sess.Secure != c.secure || !sess.HttpOnly || sess.SameSite != http.SameSiteLaxMode {
				t.Errorf("session cookie Secure=%v HttpOnly=%v SameSite=%v, want Secure=%v", sess.Secure, sess.HttpOnly, sess.SameSite, c.secure)
			}

			// Signing out clears the cookie with the same attributes, or a
			// browser would keep the Secure one.
			req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/password", nil)
			req.AddCookie(sess)
			res, err := http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			m := csrfField.FindSubmatch(body)
			if m == nil {
				t.Fatalf("no csrf token on /password (status %d)", res.StatusCode)
			}
			req, _ = http.NewRequest(http.MethodPost, e.srv.URL+"/logout", strings.NewReader(url.Values{"csrf": {string(m[1])}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(sess)
			res, err = http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if cleared := cookie(res); cleared.MaxAge >= 0 || cleared.Secure != c.secure {
				t.Errorf("logout cookie MaxAge=%d Secure=%v, want cleared with Secure=%v", cleared.MaxAge, cleared.Secure, c.secure)
			}

			// The OpenAPI document names where the API lives.
			res, err = http.Get(e.srv.URL + "/api/v1/openapi.json")
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Servers []struct{ URL string } `json:"servers"`
				Paths   map[string]any         `json:"paths"`
			}
			err = json.NewDecoder(res.Body).Decode(&doc)
			res.Body.Close()
			if err != nil || len(doc.Servers) != 1 || doc.Servers[0].URL != c.server || len(doc.Paths) == 0 {
				t.Errorf("openapi.json: err %v, servers %+v, %d paths; want server %q", err, doc.Servers, len(doc.Paths), c.server)
			}

			// A browser that sends Origin but not Sec-Fetch-Site, behind a
			// proxy that did not pass the Host header on: the base URL's
			// origin is the platform's own, anything else is refused.
			if c.base != "" {
				if res := post("/login", login, "Origin", c.base); res.StatusCode != http.StatusSeeOther {
					t.Errorf("login from the base URL's origin: status %d, want 303", res.StatusCode)
				}
			}
			if res := post("/login", login, "Origin", "https://evil.example.com"); res.StatusCode != http.StatusForbidden {
				t.Errorf("login from another origin: status %d, want 403", res.StatusCode)
			}
		})
	}
}

// Form posts are read into memory before they queue for a slot: the
// handler must meet the same bytes, and the same error past the limit, as
// if it had read the body itself.
func TestFormBodiesBeforeTheQueue(t *testing.T) {
	e := newServedEnv(t, "sqlite", Options{})
	e.user("admin1", zhuxiang.RoleAdmin, "")
	c := e.client()
	c.signIn("admin1")
	c.get("/password")

	// Within the limit: the csrf token is found in the replayed body and
	// the handler answers on the form's merits.
	r := c.post("/password", url.Values{"old_password": {"x"}, "password": {"a"}, "repeat": {"b"}, "pad": {strings.Repeat("z", maxFormBytes/2)}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "两次输入的新密码不一致")

	// Past it: the handler's own bound still reports the size.
	r = c.post("/password", url.Values{"old_password": {"x"}, "pad": {strings.Repeat("z", maxFormBytes+10)}})
	mustStatus(t, r, http.StatusRequestEntityTooLarge)
	mustContain(t, r, "提交的内容超过1 MB")

	// The login form has a smaller bound of its own.
	r = e.client().post("/login", url.Values{"name": {"admin1"}, "password": {newPassword}, "pad": {strings.Repeat("z", 100<<10)}})
	mustStatus(t, r, http.StatusBadRequest)
	r = e.client().post("/login", url.Values{"name": {"admin1"}, "password": {newPassword}, "next": {"/orgs"}})
	if r.Status != http.StatusSeeOther || r.Location != "/orgs" {
		t.Fatalf("login: status %d, location %q", r.Status, r.Location)
	}
}
