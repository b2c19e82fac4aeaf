package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync/atomic"
	"testing"

	"zhuxiang"
	"zhuxiang/demo"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

// BenchmarkOrgList measures the organization list page end to end inside
// the process (handler, store, template), without the network. Set
// ZHUXIANG_BENCH_ORGS to the registry size (default 5000; the load test
// uses 100000). Figures belong in docs/PERFORMANCE.md, not in assertions.
func BenchmarkOrgList(b *testing.B) {
	n := 5000
	if v, err := strconv.Atoi(os.Getenv("ZHUXIANG_BENCH_ORGS")); err == nil && v > 0 {
		n = v
	}
	st := storetest.Open(b, "sqlite")
	ctx := context.Background()
	counties := []string{"652801", "652822", "652823", "652824", "652825", "652826", "652827", "652828", "652829"}
	names := []string{"农业技术协会", "养殖专业协会", "文化艺术团", "电子商务促进会", "志愿者协会", "社区服务中心", "慈善基金会", "职业培训学校"}
	items := make([]store.OrgImport, 0, n)
	for i := 0; i < n; i++ {
		c := counties[i%len(counties)]
		o := &zhuxiang.Org{Name: fmt.Sprintf("巴州%05d号%s", i, names[i%len(names)]), CreditCode: creditCode(b, '1', i+1),
			LegalForm: zhuxiang.LegalAssociation, Kinds: []zhuxiang.OrgKind{zhuxiang.KindAgri}, Contact: "李四", Phone: "13912345678"}
		items = append(items, store.OrgImport{Row: i + 2, Org: o, County: c})
	}
	if res, err := st.ImportOrgs(ctx, zhuxiang.SystemActor, items, nil, n, zhuxiang.ImportAll); err != nil || len(res.Rejected) > 0 {
		b.Fatalf("seed: %v %+v", err, res.Rejected[:min(3, len(res.Rejected))])
	}
	for _, u := range []struct {
		name   string
		role   zhuxiang.Role
		region string
	}{{"admin1", zhuxiang.RoleAdmin, ""}, {"hejing", zhuxiang.RoleCounty, "652827"}} {
		if _, err := st.CreateUser(ctx, zhuxiang.SystemActor, store.NewUser{Name: u.name, Role: u.role, RegionCode: u.region, Password: initialPassword}); err != nil {
			b.Fatal(err)
		}
	}
	h, err := New(st, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	session := func(name string) string {
		u, err := st.UserByName(ctx, name)
		if err != nil {
			b.Fatal(err)
		}
		if err := st.ChangePassword(ctx, u.Actor(), "", initialPassword, newPassword); err != nil {
			b.Fatal(err)
		}
		u.MustChangePassword = false
		s, err := st.CreateSession(ctx, u)
		if err != nil {
			b.Fatal(err)
		}
		return s.Token
	}
	admin, county := session("admin1"), session("hejing")
	var miss atomic.Int64
	for _, bc := range []struct{ name, token, path string }{
		{"admin/first", admin, "/orgs"},
		{"admin/pinyin", admin, "/orgs?q=nyjs"},
		{"admin/county", admin, "/orgs?county=652827&kind=agri"},
		{"county/first", county, "/orgs"},
		{"admin/miss", admin, "/orgs?q=nyjs"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					path := bc.path
					if bc.name == "admin/miss" {
						// A parameter the page ignores: the store's page
						// cache answers, the response cache misses, so
						// this measures rendering the content.
						path += "&n=" + strconv.FormatInt(miss.Add(1), 10)
					}
					req := httptest.NewRequest(http.MethodGet, path, nil)
					req.AddCookie(&http.Cookie{Name: sessionCookie, Value: bc.token})
					w := httptest.NewRecorder()
					h.ServeHTTP(w, req)
					if w.Code != http.StatusOK {
						b.Fatalf("%s: %d", bc.path, w.Code)
					}
				}
			})
		})
	}
}

// BenchmarkHome measures the work bench of every demo account inside the
// process: "hit" is the page kept in the response cache (what a request
// costs between writes), "miss" builds it afresh each time (a parameter the
// page ignores keys a new entry), as the first request after a write does.
// ZHUXIANG_BENCH_SCALE=region loads the 100 000-organization demo (default
// prefecture). Figures belong in docs/PERFORMANCE.md.
func BenchmarkHome(b *testing.B) {
	scale := os.Getenv("ZHUXIANG_BENCH_SCALE")
	if scale == "" {
		scale = "prefecture"
	}
	st := storetest.Open(b, "sqlite")
	ctx := context.Background()
	if _, err := demo.Load(ctx, st, scale, io.Discard); err != nil {
		b.Fatal(err)
	}
	h, err := New(st, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	var miss atomic.Int64
	for _, name := range []string{"admin", "hejing", "village", "org", "kexie"} {
		u, err := st.UserByName(ctx, name)
		if err != nil {
			b.Fatal(err)
		}
		s, err := st.CreateSession(ctx, u)
		if err != nil {
			b.Fatal(err)
		}
		for _, kind := range []string{"hit", "miss"} {
			b.Run(name+"/"+kind, func(b *testing.B) {
				b.ReportAllocs()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						path := "/"
						if kind == "miss" {
							path += "?n=" + strconv.FormatInt(miss.Add(1), 10)
						}
						req := httptest.NewRequest(http.MethodGet, path, nil)
						req.AddCookie(&http.Cookie{Name: sessionCookie, Value: s.Token})
						w := httptest.NewRecorder()
						h.ServeHTTP(w, req)
						if w.Code != http.StatusOK {
							b.Fatalf("%s: %d", name, w.Code)
						}
					}
				})
			})
		}
	}
}
