package web

import (
	"context"
	"database/sql"
	"errors"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zhuxiang"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

// TestRespCacheMakesOnce checks that many requests for content nobody has
// kept build it once, and that when the one building fails, the others
// build their own rather than share the error.
func TestRespCacheMakesOnce(t *testing.T) {
	for _, fail := range []bool{false, true} {
		c := newRespCache(1 << 20)
		var builds atomic.Int32
		release := make(chan struct{})
		build := func() (template.HTML, error) {
			if builds.Add(1) == 1 {
				<-release
				if fail {
					return "", errors.New("cancelled")
				}
			}
			return "<p>和静县协会</p>", nil
		}
		var wg sync.WaitGroup
		leaderErr := make(chan error, 1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.do("k", build)
			leaderErr <- err
		}()
		for builds.Load() == 0 {
			time.Sleep(time.Millisecond)
		}
		bodies := make([]template.HTML, 20)
		errs := make([]error, 20)
		for i := range bodies {
			wg.Add(1)
			go func() {
				defer wg.Done()
				bodies[i], errs[i] = c.do("k", build)
			}()
		}
		time.Sleep(20 * time.Millisecond) // let them wait; late ones take the cache or build
		close(release)
		wg.Wait()
		if err := <-leaderErr; (err != nil) != fail {
			t.Fatalf("fail=%t: leader got %v", fail, err)
		}
		for i, b := range bodies {
			if errs[i] != nil || b != "<p>和静县协会</p>" {
				t.Fatalf("fail=%t: request %d got %q, %v", fail, i, b, errs[i])
			}
		}
		if got := builds.Load(); !fail && got != 1 {
			t.Errorf("21 requests built the content %d times, want 1", got)
		}
		if got := builds.Load(); fail && got < 2 {
			t.Errorf("after a failed build, %d builds; the others must build their own", got)
		}
		// A failed build is not kept: the next request builds again.
		before := builds.Load()
		c.do("k", build)
		if got := builds.Load(); fail && got != before+1 || !fail && got != before {
			t.Errorf("fail=%t: a later request built %d times, want %d", fail, got-before, map[bool]int32{true: 1, false: 0}[fail])
		}
	}
}

// TestRespCacheBounded checks that the cache keeps no more than its bound
// and lets go of the entry used least recently.
func TestRespCacheBounded(t *testing.T) {
	c := newRespCache(30)
	body := func(s string) func() (template.HTML, error) {
		return func() (template.HTML, error) { return template.HTML(strings.Repeat(s, 10)), nil }
	}
	c.do("a", body("a"))
	c.do("b", body("b"))
	c.do("c", body("c"))
	c.do("a", body("x")) // a is used again, b is now the oldest
	c.do("d", body("d"))
	if c.size > 30 || len(c.items) != 3 {
		t.Fatalf("size %d with %d entries, want at most 30 bytes in 3", c.size, len(c.items))
	}
	if _, ok := c.items["b"]; ok {
		t.Error("the least recently used entry was kept")
	}
	if got, _ := c.do("a", body("y")); got != template.HTML(strings.Repeat("a", 10)) {
		t.Errorf("entry a = %q, want the kept one", got)
	}
	c.do("big", body(strings.Repeat("z", 10)))
	if _, ok := c.items["big"]; ok || len(c.items) == 0 {
		t.Error("an entry larger than the whole cache was kept, or emptied it")
	}
}

// twoProcesses is a server on one database and a second store and a raw
// connection on the same database, as a command-line tool or a second
// server behind the load balancer would have.
type twoProcesses struct {
	*env
	other *store.Store
	raw   *sql.DB
}

func newTwoProcesses(t *testing.T, engine string) *twoProcesses {
	t.Helper()
	dsn, two := storetest.OpenTwice(t, engine, 2)
	st, other := two[0], two[1]
	driver := "sqlite"
	if engine == "postgres" {
		driver = "pgx"
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	h, err := New(st, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &twoProcesses{env: &env{t: t, st: st, srv: srv}, other: other, raw: raw}
}

// TestListPageFollowsWrites checks that a list page kept in the response
// cache never outlives a write made by another process: a new
// organization and a renamed one, in the list and in a search.
func TestListPageFollowsWrites(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		e := newTwoProcesses(t, engine)
		ctx := context.Background()
		e.user("admin1", zhuxiang.RoleAdmin, "")
		c := e.client()
		c.signIn("admin1")
		o := e.org("和静县养殖协会", "652827", 1)
		r := c.get("/orgs")
		mustContain(t, r, "和静县养殖协会")
		if again := c.get("/orgs"); again.Body != r.Body {
			t.Fatal("two reads with nothing written between differ")
		}

		// Another process registers an organization.
		n := &zhuxiang.Org{Name: "和静县红枣协会", CreditCode: creditCode(t, '1', 2), LegalForm: zhuxiang.LegalAssociation, RegCounty: "652827",
			Kinds: []zhuxiang.OrgKind{zhuxiang.KindAgri}, Contact: "李四", Phone: "13912345678"}
		if _, err := e.other.CreateOrg(ctx, zhuxiang.SystemActor, n); err != nil {
			t.Fatal(err)
		}
		mustContain(t, c.get("/orgs"), "和静县养殖协会", "和静县红枣协会")
		mustContain(t, c.get("/orgs?q="+"养殖"), "和静县养殖协会")

		// Another process renames one.
		got, err := e.other.Org(ctx, zhuxiang.SystemActor, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		got.Name = "和静县畜牧协会"
		if _, err := e.other.UpdateOrg(ctx, zhuxiang.SystemActor, got); err != nil {
			t.Fatal(err)
		}
		r = c.get("/orgs")
		mustContain(t, r, "和静县畜牧协会")
		if strings.Contains(r.Body, "和静县养殖协会") {
			t.Error("the list still shows the old name after another process renamed the organization")
		}
		if r := c.get("/orgs?q=" + "养殖"); strings.Contains(r.Body, "和静县畜牧协会") || strings.Contains(r.Body, "和静县养殖协会") {
			t.Error("a search kept from before the rename still finds the old name")
		}
	})
}

// TestListPageKeepsScopes checks that a page kept for one scope is never
// served to another: a county user never gets another county's list, and
// an organization user never gets the admin's (nor the admin's filter by
// supervising department), although all ask for the same URL after the
// other filled the cache.
func TestListPageKeepsScopes(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		e := newTwoProcesses(t, engine)
		e.org("和静县养殖协会", "652827", 1)
		e.org("若羌县枣业协会", "652824", 2)
		own := e.org("库尔勒市农技协会", "652801", 3)
		e.user("admin1", zhuxiang.RoleAdmin, "")
		e.user("hejing", zhuxiang.RoleCounty, "652827")
		e.user("ruoqiang", zhuxiang.RoleCounty, "652824")
		if _, err := e.st.CreateUser(context.Background(), zhuxiang.SystemActor, store.NewUser{Name: "orguser", Role: zhuxiang.RoleOrg, OrgID: own.ID, Password: initialPassword}); err != nil {
			t.Fatal(err)
		}
		clients := map[string]*client{}
		for _, name := range []string{"admin1", "hejing", "ruoqiang", "orguser"} {
			clients[name] = e.client()
			clients[name].signIn(name)
		}
		for _, path := range []string{"/orgs", "/orgs?kind=agri"} {
			r := clients["admin1"].get(path)
			mustContain(t, r, "和静县养殖协会", "若羌县枣业协会", "库尔勒市农技协会", "新增社会组织", `<select name="dept">`)
			for _, tc := range []struct {
				user      string
				want, not []string
			}{
				{"hejing", []string{"和静县养殖协会"}, []string{"若羌县枣业协会", "库尔勒市农技协会"}},
				{"ruoqiang", []string{"若羌县枣业协会"}, []string{"和静县养殖协会", "库尔勒市农技协会"}},
				{"orguser", []string{"库尔勒市农技协会"}, []string{"和静县养殖协会", "若羌县枣业协会", "新增社会组织", `<select name="dept">`}},
			} {
				// Twice: the second is served from the cache.
				for range 2 {
					r := clients[tc.user].get(path)
					mustStatus(t, r, http.StatusOK)
					mustContain(t, r, tc.want...)
					for _, n := range tc.not {
						if strings.Contains(r.Body, n) {
							t.Errorf("%s %s: page shows %q from another scope", tc.user, path, n)
						}
					}
				}
			}
		}
	})
}

// TestListPageOwnUser checks that the parts of a page that belong to the
// user (name, form token, unread count) are never taken from a page kept
// for another user of the same scope asking for the same URL.
func TestListPageOwnUser(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		e := newTwoProcesses(t, engine)
		e.org("和静县养殖协会", "652827", 1)
		e.user("hejing1", zhuxiang.RoleCounty, "652827")
		u2 := e.user("hejing2", zhuxiang.RoleCounty, "652827")
		if _, err := e.raw.Exec(`INSERT INTO notifications (id, user_id, at, text) VALUES ('n1', $1, '2026-11-28T08:00:00.000000Z', '测试')`, u2.ID); err != nil {
			t.Fatal(err)
		}
		c1, c2 := e.client(), e.client()
		c1.signIn("hejing1")
		c2.signIn("hejing2")
		token1, token2 := c1.csrf, c2.csrf
		if token1 == "" || token2 == "" || token1 == token2 {
			t.Fatalf("form tokens %q and %q", token1, token2)
		}
		r1 := c1.get("/orgs")
		mustContain(t, r1, "和静县养殖协会", "hejing1姓名", token1)
		if strings.Contains(r1.Body, "badge-count") {
			t.Error("user 1 has no unread notification but the page shows a count")
		}
		r2 := c2.get("/orgs")
		mustContain(t, r2, "和静县养殖协会", "hejing2姓名", token2, `aria-label="1条未读"`)
		for _, leak := range []string{"hejing1姓名", token1} {
			if strings.Contains(r2.Body, leak) {
				t.Errorf("user 2's page carries user 1's %q", leak)
			}
		}
		// And the other way round, now that user 2 filled the cache too.
		r1 = c1.get("/orgs")
		mustContain(t, r1, "hejing1姓名", token1)
		if strings.Contains(r1.Body, "hejing2姓名") || strings.Contains(r1.Body, token2) || strings.Contains(r1.Body, "badge-count") {
			t.Error("user 1's page carries user 2's name, token or unread count")
		}
	})
}
