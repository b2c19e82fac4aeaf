package api_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"zhuxiang"
	"zhuxiang/store/storetest"
)

// fuzzRoutes are the requests FuzzAPI varies: a method, a path with the
// fuzzed text in place of %s (escaped as a path segment, or raw as a query
// string), whether a body is sent, and who asks.
var fuzzRoutes = []struct {
	method, path string
	body         bool
	role         string
}{
	{"GET", "/api/v1/needs?%s", false, "admin"},
	{"GET", "/api/v1/public/needs?%s", false, ""},
	{"GET", "/api/v1/orgs?%s", false, "admin"},
	{"GET", "/api/v1/offers?%s", false, "admin"},
	{"GET", "/api/v1/matches?%s", false, "admin"},
	{"GET", "/api/v1/pairings?%s", false, "admin"},
	{"GET", "/api/v1/regions?%s", false, "admin"},
	{"GET", "/api/v1/plans?%s", false, "admin"},
	{"GET", "/api/v1/needs/%s", false, "admin"},
	{"GET", "/api/v1/orgs/%s", false, "admin"},
	{"GET", "/api/v1/regions/%s", false, "admin"},
	{"GET", "/api/v1/offers/%s/proposals", false, "admin"},
	{"POST", "/api/v1/needs", true, "admin"},
	{"PUT", "/api/v1/needs/{need}", true, "admin"},
	{"POST", "/api/v1/needs/{need}/%s", true, "admin"},
	{"POST", "/api/v1/orgs", true, "admin"},
	{"PUT", "/api/v1/orgs/{org}", true, "admin"},
	{"POST", "/api/v1/offers", true, "admin"},
	{"PUT", "/api/v1/offers/{offer}", true, "admin"},
	{"POST", "/api/v1/matches", true, "org"},
	{"POST", "/api/v1/pairings", true, "admin"},
	{"PATCH", "/api/v1/regions/{village}", true, "admin"},
}

// FuzzAPI sends fuzzed query strings, path values and JSON bodies to the
// API on SQLite and, with ZHUXIANG_TEST_PG set, on PostgreSQL, and fails on
// any 5xx or on the engines answering different statuses: bad input must
// be the same 4xx on both. Bodies and paths may name the fixture's records
// as {need}, {org}, {offer}, {village}, each engine's own.
//
// The seeds are the reproductions of the defects it guards against; go
// test runs only them. To search: go test -run '^$' -fuzz FuzzAPI ./api
func FuzzAPI(f *testing.F) {
	need := `{"village_code":"{village}","action":"industry","title":"红枣销售","description":"说明","people":12,"urgency":1,"version":1}`
	for _, s := range []struct {
		route      int
		text, body string
	}{
		{0, "q=%00", ""},
		{0, "q=%FF%FE&cursor=zz", ""},
		{1, "q=红枣&limit=2", ""},
		{2, "cursor=nAAAAAAAAAA", ""},
		{2, "cursor=n__8AYWJj&q=", ""},
		{2, "q=协会&cursor=s1", ""},
		{3, "cursor=-1&kind=funds", ""},
		{5, "cursor=zzzzzzzzzzzzzzzzzzzzzzz", ""},
		{8, "\x00", ""},
		{9, strings.Repeat("a", 200), ""},
		{10, "\xff", ""},
		{11, "{offer}", ""},
		{12, "", need},
		{12, "", strings.Replace(need, "红枣销售", `红枣\u0000销售`, 1)},
		{12, "", strings.Replace(need, `"people":12`, `"people":2147483648`, 1)},
		{12, "", strings.Replace(need, `"people":12`, `"people":1e400`, 1)},
		{13, "", need},
		{14, "close", `{"reason":"不再需要\u0000","version":2147483648}`},
		{15, "", `{"name":"协会","credit_code":"x","intro":"\u0000","rating":9223372036854775807}`},
		{16, "", `{"intro":"简介\u0000","version":1}`},
		{17, "", `{"org_id":"{org}","action":"industry","kind":"sales","title":"资源","capacity":2147483648,"area":"prefecture"}`},
		{18, "", `{"action":"industry","kind":"sales","title":"资源","capacity":1,"area":"counties","counties":["\u0000"],"version":1}`},
		{19, "", `{"need_id":"{need}","offer_id":"{offer}","note":"\u0000"}`},
		{20, "", `{"org_id":"{org}","village_code":"{village}","start_date":"2026-01-01","note":"\u0001","agreement":{"name":"\u0000","data":""}}`},
		{21, "", `{"name":"村\u0000","version":2147483648}`},
	} {
		f.Add(uint8(s.route), s.text, s.body)
	}
	type engine struct {
		name string
		f    *fixture
		ids  *strings.Replacer
	}
	var engines []engine
	for _, name := range storetest.Engines(f) {
		fx := newFixture(f, storetest.Open(f, name))
		n := fx.newNeed(f, hejing, fx.village1, zhuxiang.NeedDraft)
		o := fx.newOffer(f, fx.org1)
		engines = append(engines, engine{name, fx, strings.NewReplacer("{need}", n.ID, "{org}", fx.org1.ID, "{offer}", o.ID, "{village}", fx.village1)})
	}
	f.Fuzz(func(t *testing.T, route uint8, text, body string) {
		rt := fuzzRoutes[int(route)%len(fuzzRoutes)]
		var first string
		var firstStatus int
		for _, e := range engines {
			path, b := e.ids.Replace(rt.path), e.ids.Replace(body)
			if strings.Contains(path, "?%s") {
				path = strings.Replace(path, "%s", e.ids.Replace(text), 1)
			} else {
				path = strings.Replace(path, "%s", url.PathEscape(e.ids.Replace(text)), 1)
			}
			req, err := http.NewRequestWithContext(ctx, rt.method, "http://zx"+path, nil)
			if err != nil {
				return // not a request a client could send
			}
			if rt.body {
				req = httptest.NewRequestWithContext(ctx, rt.method, req.URL.String(), strings.NewReader(b))
				req.Header.Set("Content-Type", "application/json")
			}
			if rt.role != "" {
				req.Header.Set("Authorization", "Bearer "+e.f.tokens[rt.role])
			}
			rec := httptest.NewRecorder()
			e.f.h.ServeHTTP(rec, req)
			if rec.Code >= 500 {
				t.Fatalf("%s: %s %q with %q = %d %s", e.name, rt.method, path, b, rec.Code, rec.Body)
			}
			if first == "" {
				first, firstStatus = e.name, rec.Code
			} else if rec.Code != firstStatus {
				t.Fatalf("%s %q with %q: %s answers %d, %s %d %s", rt.method, path, b, first, firstStatus, e.name, rec.Code, rec.Body)
			}
		}
	})
}
