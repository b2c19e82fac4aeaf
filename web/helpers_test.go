package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"zhuxiang"
	"zhuxiang/importer"
	"zhuxiang/sheet"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

const (
	initialPassword = "Zhuxiang#2026"
	newPassword     = "Xinmima#2027"
)

// env is one test's platform: a fresh SQLite store behind the real
// handler on a real listener.
type env struct {
	t   testing.TB
	st  *store.Store
	srv *httptest.Server
}

func newEnv(t testing.TB) *env { return newEnvOn(t, "sqlite") }

// eachEngine runs fn on SQLite and, when ZHUXIANG_TEST_PG is set, on
// PostgreSQL: the pages of the matching flow are tested on both databases
// (the store and API suites run everything on both).
func eachEngine(t *testing.T, fn func(t *testing.T, engine string)) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng, func(t *testing.T) { fn(t, eng) })
	}
}

// newEnvOn is newEnv on the given engine ("sqlite" or "postgres").
func newEnvOn(t testing.TB, engine string) *env {
	t.Helper()
	return newEnvWithOptions(t, engine, Options{})
}

// user creates an account with the initial password.
func (e *env) user(name string, role zhuxiang.Role, region string) *zhuxiang.User {
	e.t.Helper()
	u, err := e.st.CreateUser(context.Background(), zhuxiang.SystemActor, store.NewUser{
		Name: name, DisplayName: name + "姓名", Role: role, RegionCode: region, Password: initialPassword})
	if err != nil {
		e.t.Fatalf("create user %s: %v", name, err)
	}
	return u
}

// creditCode makes a valid credit code with legal-form digit f and serial n.
func creditCode(t testing.TB, f byte, n int) string {
	return storetest.CreditCode(f, fmt.Sprintf("6528%02d", 1+n%29), n)
}

// org registers an organization through the store, as an operator would.
func (e *env) org(name, county string, n int) *zhuxiang.Org {
	e.t.Helper()
	o := &zhuxiang.Org{Name: name, CreditCode: creditCode(e.t, '1', n), LegalForm: zhuxiang.LegalAssociation, RegCounty: county,
		Kinds: []zhuxiang.OrgKind{zhuxiang.KindAgri}, Contact: "李四", Phone: "13912345678"}
	if _, err := e.st.CreateOrg(context.Background(), zhuxiang.SystemActor, o); err != nil {
		e.t.Fatalf("create org %s: %v", name, err)
	}
	return o
}

// townships imports the prefecture's real township list, built into the
// project.
func (e *env) townships() {
	e.t.Helper()
	tab, err := sheet.Read(zhuxiang.PrefectureRegions(), zhuxiang.PrefectureRegionsFile, sheet.DefaultLimits())
	if err != nil {
		e.t.Fatal(err)
	}
	res, err := importer.Regions(context.Background(), e.st, zhuxiang.SystemActor, tab, zhuxiang.ImportAll)
	if err != nil || len(res.Rejected) > 0 {
		e.t.Fatalf("import regions: %v %+v", err, res)
	}
}

// village adds a village under a township of a county and returns its code.
func (e *env) village(county, township, name string) string {
	e.t.Helper()
	ctx := context.Background()
	res, err := e.st.ImportRegions(ctx, zhuxiang.SystemActor, []store.RegionRow{{Row: 2, County: county, Township: township, Village: name, Tags: "脱贫村"}}, zhuxiang.ImportAll)
	if err != nil || len(res.Rejected) > 0 {
		e.t.Fatalf("import village: %v %+v", err, res)
	}
	rs, err := e.st.ListRegions(ctx, zhuxiang.SystemActor, store.RegionFilter{Level: zhuxiang.LevelVillage, Q: name})
	if err != nil || len(rs) != 1 {
		e.t.Fatalf("find village %s: %v %d", name, err, len(rs))
	}
	return rs[0].Code
}

// client is one browser: a cookie jar, the last page's form token, and no
// automatic redirects so that tests can see where a response points.
type client struct {
	t    testing.TB
	e    *env
	hc   *http.Client
	csrf string
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: e.t, e: e, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// resp is a response read whole.
type resp struct {
	Status   int
	Body     string
	Location string
	Header   http.Header
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (c *client) do(req *http.Request) *resp {
	c.t.Helper()
	res, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	r := &resp{Status: res.StatusCode, Body: string(b), Location: res.Header.Get("Location"), Header: res.Header}
	if m := csrfField.FindStringSubmatch(r.Body); m != nil {
		c.csrf = m[1]
	}
	return r
}

func (c *client) get(path string) *resp {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.e.srv.URL+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.do(req)
}

// post submits a form the way a browser on this site does, with the
// session's token unless the test set "csrf" itself.
func (c *client) post(path string, v url.Values, header ...string) *resp {
	c.t.Helper()
	if v == nil {
		v = url.Values{}
	}
	if _, ok := v["csrf"]; !ok && c.csrf != "" {
		v.Set("csrf", c.csrf)
	}
	req, err := http.NewRequest(http.MethodPost, c.e.srv.URL+path, strings.NewReader(v.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return c.do(req)
}

// follow walks redirects from r, as a browser would after a POST.
func (c *client) follow(r *resp) *resp {
	c.t.Helper()
	for i := 0; r.Location != "" && i < 10; i++ {
		r = c.get(r.Location)
	}
	return r
}

// login posts the login form and returns the response (a redirect on
// success).
func (c *client) login(name, password string) *resp {
	c.t.Helper()
	c.get("/login")
	return c.post("/login", url.Values{"name": {name}, "password": {password}, "next": {"/"}})
}

// signIn logs a new user in and makes the required first password change,
// ending on the home page.
func (c *client) signIn(name string) {
	c.t.Helper()
	r := c.login(name, initialPassword)
	if r.Status != http.StatusSeeOther || r.Location != "/password" {
		c.t.Fatalf("login %s: status %d location %q body %s", name, r.Status, r.Location, r.Body)
	}
	c.get("/password")
	r = c.post("/password", url.Values{"old_password": {initialPassword}, "password": {newPassword}, "repeat": {newPassword}})
	if r.Status != http.StatusSeeOther || r.Location != "/" {
		c.t.Fatalf("change password %s: status %d location %q body %s", name, r.Status, r.Location, r.Body)
	}
	c.get("/")
}

func mustContain(t testing.TB, r *resp, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(r.Body, w) {
			t.Errorf("status %d: body lacks %q\n%s", r.Status, w, excerpt(r.Body))
		}
	}
}

func mustStatus(t testing.TB, r *resp, want int) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("status %d, want %d (location %q)\n%s", r.Status, want, r.Location, excerpt(r.Body))
	}
}

// excerpt keeps failure output readable: the main column of a page.
func excerpt(body string) string {
	if i := strings.Index(body, `<main`); i >= 0 {
		body = body[i:]
	}
	if len(body) > 3000 {
		body = body[:3000] + "…"
	}
	return body
}

// orgUser creates an account for an organization's staff.
func (e *env) orgUser(name, orgID string) *zhuxiang.User {
	e.t.Helper()
	u, err := e.st.CreateUser(context.Background(), zhuxiang.SystemActor, store.NewUser{
		Name: name, DisplayName: name + "姓名", Role: zhuxiang.RoleOrg, OrgID: orgID, Password: initialPassword})
	if err != nil {
		e.t.Fatalf("create org user %s: %v", name, err)
	}
	return u
}

// actor returns the actor of an existing account, for setting up records
// through the store as that user would.
func (e *env) actor(name string) zhuxiang.Actor {
	e.t.Helper()
	u, err := e.st.UserByName(context.Background(), name)
	if err != nil {
		e.t.Fatalf("user %s: %v", name, err)
	}
	return u.Actor()
}

// need publishes a need through the store as a, with the given status
// reached by the lifecycle (draft, submitted or open).
func (e *env) need(a zhuxiang.Actor, village, title string, action zhuxiang.Action, status zhuxiang.NeedStatus) *zhuxiang.Need {
	e.t.Helper()
	ctx := context.Background()
	n := &zhuxiang.Need{VillageCode: village, Action: action, Title: title, Description: "村里需要帮助", Contact: "王村长",
		Phone: "13800138000", Urgency: zhuxiang.UrgencyHigh, People: 120}
	if village == "" {
		n.CountyCode = a.CountyCode
	}
	if status != zhuxiang.NeedDraft {
		n.Status = zhuxiang.NeedSubmitted
	}
	id, err := e.st.CreateNeed(ctx, a, n)
	if err != nil {
		e.t.Fatalf("create need %s: %v", title, err)
	}
	if status == zhuxiang.NeedOpen {
		if err := e.st.TransitionNeed(ctx, zhuxiang.SystemActor, id, "approve", "", 0); err != nil {
			e.t.Fatalf("approve need %s: %v", title, err)
		}
	}
	got, err := e.st.Need(ctx, zhuxiang.SystemActor, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return got
}

// offer publishes an open offer for an organization that serves the
// whole prefecture.
func (e *env) offer(orgID, title string, action zhuxiang.Action, kind zhuxiang.OfferKind) *zhuxiang.Offer {
	e.t.Helper()
	o := &zhuxiang.Offer{OrgID: orgID, Action: action, Kind: kind, Title: title, Capacity: 3, Area: zhuxiang.AreaPrefecture}
	if _, err := e.st.CreateOffer(context.Background(), zhuxiang.SystemActor, o); err != nil {
		e.t.Fatalf("create offer %s: %v", title, err)
	}
	return o
}

// mustNotContain fails when the body holds any of the strings.
func mustNotContain(t testing.TB, r *resp, not ...string) {
	t.Helper()
	for _, n := range not {
		if strings.Contains(r.Body, n) {
			t.Errorf("status %d: body contains %q\n%s", r.Status, n, excerpt(r.Body))
		}
	}
}

// idFrom takes the id out of a redirect such as /needs/{id}?done=submit.
func idFrom(t testing.TB, location, prefix string) string {
	t.Helper()
	if !strings.HasPrefix(location, prefix) {
		t.Fatalf("redirect %q does not start with %q", location, prefix)
	}
	id := strings.TrimPrefix(location, prefix)
	if i := strings.IndexAny(id, "?#/"); i >= 0 {
		id = id[:i]
	}
	return id
}
