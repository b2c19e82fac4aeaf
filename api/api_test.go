package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"testing"
	"unicode"

	"zhuxiang"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func TestAuthentication(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		orgs := "/api/v1/orgs"

		r := f.do(t, request{method: "GET", path: orgs})
		if code, _, _ := errorOf(t, r); r.status != 401 || code != "unauthorized" || r.header.Get("WWW-Authenticate") == "" {
			t.Errorf("no credentials = %s %v", r, r.header)
		}
		r = f.do(t, request{method: "GET", path: orgs, token: "zx_not-a-token"})
		if code, _, _ := errorOf(t, r); r.status != 401 || code != "unauthorized" {
			t.Errorf("bad token = %s", r)
		}
		for _, h := range []string{"Basic dTpw", "Bearer", "Bearer   ", f.tokens["admin"]} {
			req := request{method: "GET", path: orgs}
			rr := f.doHeader(t, req, "Authorization", h)
			if rr.status != 401 {
				t.Errorf("Authorization %q = %s", h, rr)
			}
		}
		// A wrong token is refused even with a valid session beside it.
		sess := f.session(t, "admin", true)
		if r := f.do(t, request{method: "GET", path: orgs, token: "zx_wrong", cookie: sess}); r.status != 401 {
			t.Errorf("bad token with good cookie = %s", r)
		}
		if r := f.do(t, request{method: "GET", path: orgs, cookie: "nonsense"}); r.status != 401 {
			t.Errorf("bad cookie = %s", r)
		}
		// The openapi document needs no credentials.
		if r := f.do(t, request{method: "GET", path: "/api/v1/openapi.json"}); r.status != 200 {
			t.Errorf("openapi without auth = %d", r.status)
		}
	})
}

// doHeader sends rq with one extra header, for malformed Authorization.
func (f *fixture) doHeader(t *testing.T, rq request, name, value string) response {
	t.Helper()
	h := f.h
	f.h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Set(name, value)
		h.ServeHTTP(w, r)
	})
	defer func() { f.h = h }()
	return f.do(t, rq)
}

// session signs role in through the store as the pages would; with changed
// the initial password has been replaced first.
func (f *fixture) session(t *testing.T, role string, changed bool) string {
	t.Helper()
	u := f.users[role]
	if changed && u.MustChangePassword {
		sess, err := f.st.CreateSession(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.st.ChangePassword(ctx, u.Actor(), sess.Token, testPassword, testPassword+"x"); err != nil {
			t.Fatal(err)
		}
		u.MustChangePassword = false
		return sess.Token
	}
	sess, err := f.st.CreateSession(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	return sess.Token
}

func TestSessionCookie(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		if !f.users["county_hejing"].MustChangePassword {
			t.Fatal("fixture: CreateUser no longer marks new users must-change; this test needs one that is")
		}
		fresh := f.session(t, "county_hejing", false)
		r := f.do(t, request{method: "GET", path: "/api/v1/orgs", cookie: fresh})
		if code, msg, _ := errorOf(t, r); r.status != 403 || code != "forbidden" || msg != "请先修改初始密码" {
			t.Errorf("session before password change = %s", r)
		}
		ok := f.session(t, "county_hejing", true)
		r = f.do(t, request{method: "GET", path: "/api/v1/orgs", cookie: ok})
		if r.status != 200 || !strings.Contains(string(r.body), f.org1.ID) || strings.Contains(string(r.body), f.org2.ID) {
			t.Errorf("session after password change = %s", r)
		}
		// Bearer tokens belong to systems, which have no password to change.
		if r := f.do(t, request{method: "GET", path: "/api/v1/orgs", token: f.tokens["department"]}); r.status != 200 {
			t.Errorf("token of a must-change user = %s", r)
		}
	})
}

func TestRequestBodies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		admin := f.tokens["admin"]
		put := "/api/v1/orgs/" + f.org1.ID

		// Form bodies are what a cross-site HTML form can send.
		for _, ct := range []string{"application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain", "application/json; charset=gbk"} {
			r := f.do(t, request{method: "POST", path: "/api/v1/orgs", token: admin, body: "name=x&credit_code=y", contentType: ct})
			if code, _, _ := errorOf(t, r); r.status != 415 || code != "invalid" {
				t.Errorf("POST as %s = %s", ct, r)
			}
		}
		if r := f.do(t, request{method: "PUT", path: put, token: admin, body: "{}", contentType: "text/plain"}); r.status != 415 {
			t.Errorf("PUT as text/plain = %s", r)
		}
		if r := f.do(t, request{method: "PATCH", path: "/api/v1/regions/" + f.village1, token: admin, body: `{"name":"x"}`, contentType: "application/x-www-form-urlencoded"}); r.status != 415 {
			t.Errorf("PATCH as form = %s", r)
		}
		if r := f.do(t, request{method: "POST", path: "/api/v1/orgs", token: admin, body: "{}", contentType: "application/json; charset=UTF-8"}); r.status != 422 {
			t.Errorf("POST with charset=UTF-8 should pass the media check: %s", r)
		}

		body := newOrgBody(t, "多了字段的协会", hejing)
		body["nickname"] = "小名"
		r := f.do(t, request{method: "POST", path: "/api/v1/orgs", token: admin, body: body})
		if code, msg, field := errorOf(t, r); r.status != 422 || code != "invalid" || field != "nickname" || !strings.Contains(msg, "nickname") {
			t.Errorf("unknown field = %s", r)
		}
		r = f.do(t, request{method: "PATCH", path: "/api/v1/regions/" + f.village1, token: admin, body: `{"level":"county"}`})
		if _, _, field := errorOf(t, r); r.status != 422 || field != "level" {
			t.Errorf("unknown field in region patch = %s", r)
		}
		r = f.do(t, request{method: "POST", path: "/api/v1/orgs", token: admin, body: `{"name":"x","flags":[{"kind":"abnormal","why":"?"}]}`})
		if _, _, field := errorOf(t, r); r.status != 422 || field != "why" {
			t.Errorf("unknown nested field = %s", r)
		}

		for _, bad := range []string{`{"name":`, `not json`, `{"name":"a"} {"name":"b"}`, ``} {
			r := f.do(t, request{method: "POST", path: "/api/v1/orgs", token: admin, body: bad})
			if code, msg, _ := errorOf(t, r); r.status != 400 || code != "invalid" || msg != "请求体不是有效的JSON" {
				t.Errorf("malformed %q = %s", bad, r)
			}
		}
		r = f.do(t, request{method: "POST", path: "/api/v1/orgs", token: admin, body: `{"name":"x","rating":"5A"}`})
		if _, msg, field := errorOf(t, r); r.status != 422 || field != "rating" || !hasHan(msg) {
			t.Errorf("wrong type = %s", r)
		}

		big := `{"intro":"` + strings.Repeat("长", 400_000) + `"}`
		r = f.do(t, request{method: "POST", path: "/api/v1/orgs", token: admin, body: big})
		if code, _, _ := errorOf(t, r); r.status != 413 || code != "too_large" {
			t.Errorf("1.2 MB body = %d %s", r.status, r.body[:min(len(r.body), 200)])
		}

		body = newOrgBody(t, "校验位错误的协会", hejing)
		body["credit_code"] = badCheckChar(body["credit_code"].(string))
		r = f.do(t, request{method: "POST", path: "/api/v1/orgs", token: admin, body: body})
		if code, msg, field := errorOf(t, r); r.status != 422 || code != "invalid" || field != "credit_code" || !strings.Contains(msg, "统一社会信用代码") {
			t.Errorf("invalid credit code = %s", r)
		}
		body["credit_code"] = f.org2.CreditCode
		if r := f.do(t, request{method: "POST", path: "/api/v1/orgs", token: admin, body: body}); r.status != 409 {
			t.Errorf("duplicate credit code = %s", r)
		}

		// A credit code saying 社会团体 with legal form 基金会 is saved, with a warning.
		body = newOrgBody(t, "法人类型不一致的基金会", hejing)
		body["legal_form"] = "foundation"
		r = f.do(t, request{method: "POST", path: "/api/v1/orgs", token: f.tokens["county_hejing"], body: body})
		if m := r.json(t); r.status != 201 || !hasHan(fmt.Sprint(m["warning"])) || m["legal_form_label"] != "基金会" {
			t.Errorf("legal form mismatch = %s", r)
		}

		// Versions: a stale one is a conflict, a missing one is refused.
		cur := f.current(t, f.org1.ID)
		stale := putBody(cur, "第一次修改")
		if r := f.do(t, request{method: "PUT", path: put, token: admin, body: stale}); r.status != 200 {
			t.Fatalf("first PUT = %s", r)
		}
		stale["intro"] = "基于旧版本的修改"
		r = f.do(t, request{method: "PUT", path: put, token: admin, body: stale})
		if code, msg, field := errorOf(t, r); r.status != 409 || code != "conflict" || field != "version" || !hasHan(msg) {
			t.Errorf("stale version = %s", r)
		}
		noVersion := putBody(f.current(t, f.org1.ID), "没有版本")
		delete(noVersion, "version")
		if r := f.do(t, request{method: "PUT", path: put, token: admin, body: noVersion}); r.status != 422 {
			t.Errorf("PUT without version = %s", r)
		}
		reg, _ := st.Region(ctx, zhuxiang.SystemActor, f.village1)
		r = f.do(t, request{method: "PATCH", path: "/api/v1/regions/" + f.village1, token: admin, body: map[string]any{"name": "改名村", "version": reg.Version + 5}})
		if _, _, field := errorOf(t, r); r.status != 409 || field != "version" {
			t.Errorf("stale region version = %s", r)
		}

		// A GET answer can be changed and PUT back as is.
		r = f.do(t, request{method: "GET", path: put, token: admin})
		var got map[string]any
		json.Unmarshal(r.body, &got)
		got["intro"] = "原样提交"
		r = f.do(t, request{method: "PUT", path: put, token: admin, body: got})
		if r.status != 200 || r.json(t)["intro"] != "原样提交" {
			t.Errorf("round trip PUT = %s", r)
		}
		got["id"] = f.org2.ID
		if r := f.do(t, request{method: "PUT", path: put, token: admin, body: got}); r.status != 422 {
			t.Errorf("PUT with another id in the body = %s", r)
		}
	})
}

func TestOrgUserKeepsRegistryFields(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		body := putBody(f.current(t, f.org1.ID), "我们的简介")
		body["credit_code"] = f.org2.CreditCode
		body["rating"] = 5
		body["reg_county"] = ruoqiang
		body["phone"] = "13800001111"
		r := f.do(t, request{method: "PUT", path: "/api/v1/orgs/" + f.org1.ID, token: f.tokens["org"], body: body})
		m := r.json(t)
		if r.status != 200 || m["credit_code"] != f.org1.CreditCode || m["rating"] != float64(3) || m["reg_county"] != hejing {
			t.Errorf("org user changed registry fields: %s", r)
		}
		if m["intro"] != "我们的简介" || m["phone"] != "13800001111" {
			t.Errorf("org user's own fields not saved: %s", r)
		}
	})
}

func TestListsAndFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		admin := f.tokens["admin"]
		for i := range 3 {
			o := &zhuxiang.Org{Name: fmt.Sprintf("和静县分页协会%d", i), CreditCode: creditCode(t), RegCounty: hejing, Kinds: []zhuxiang.OrgKind{zhuxiang.KindAgri}}
			if _, err := st.CreateOrg(ctx, zhuxiang.SystemActor, o); err != nil {
				t.Fatal(err)
			}
		}
		var ids []string
		path := "/api/v1/orgs?county=" + hejing + "&limit=2"
		for page := 0; path != ""; page++ {
			r := f.do(t, request{method: "GET", path: path, token: admin})
			var p struct {
				Items []struct {
					ID          string `json:"id"`
					RegCounty   string `json:"reg_county"`
					Inspections []any  `json:"inspections"`
				} `json:"items"`
				Next   string `json:"next_cursor"`
				Total  int    `json:"total"`
				Capped *bool  `json:"total_capped"`
			}
			if err := json.Unmarshal(r.body, &p); err != nil || r.status != 200 || p.Total != 4 || p.Capped == nil || *p.Capped {
				t.Fatalf("page %d = %s", page, r)
			}
			for _, it := range p.Items {
				if it.RegCounty != hejing || it.Inspections != nil {
					t.Errorf("item %+v", it)
				}
				ids = append(ids, it.ID)
			}
			path = ""
			if p.Next != "" {
				path = "/api/v1/orgs?county=" + hejing + "&limit=2&cursor=" + p.Next
			}
			if page > 3 {
				t.Fatal("pagination does not end")
			}
		}
		if len(ids) != 4 {
			t.Errorf("paged through %d orgs, want 4", len(ids))
		}

		for q, n := range map[string]int{"rating=3": 2, "rating=none": 3, "department=" + f.dept: 1, "kind=agri": 5, "flag=any": 0,
			"legal_form=association": 5, "county=outside": 0, "q=红枣": 1, "county=" + ruoqiang: 1} {
			r := f.do(t, request{method: "GET", path: "/api/v1/orgs?" + escapeQuery(q), token: admin})
			var p struct {
				Items []any `json:"items"`
			}
			json.Unmarshal(r.body, &p)
			if r.status != 200 || len(p.Items) != n {
				t.Errorf("?%s: %d items, want %d (%d)", q, len(p.Items), n, r.status)
			}
		}
		for q, field := range map[string]string{"limit=501": "limit", "limit=0": "limit", "limit=x": "limit", "rating=6": "rating",
			"flag=bad": "flag", "kind=bad": "kind", "legal_form=bad": "legal_form", "county=和静": "county", "cursor=@@": "cursor"} {
			r := f.do(t, request{method: "GET", path: "/api/v1/orgs?" + escapeQuery(q), token: admin})
			if _, msg, fl := errorOf(t, r); r.status != 422 || fl != field || !hasHan(msg) {
				t.Errorf("?%s = %s", q, r)
			}
		}

		r := f.do(t, request{method: "GET", path: "/api/v1/regions?county=" + hejing + "&level=township&limit=3", token: admin})
		var rl struct {
			Items     []map[string]any `json:"items"`
			Truncated bool             `json:"truncated"`
		}
		json.Unmarshal(r.body, &rl)
		if r.status != 200 || len(rl.Items) != 3 || !rl.Truncated || rl.Items[0]["county_code"] != hejing || rl.Items[0]["level"] != "township" {
			t.Errorf("regions page = %s", r)
		}
		r = f.do(t, request{method: "GET", path: "/api/v1/regions/" + f.village1, token: admin})
		keys := sortedKeys(r.json(t))
		if want := "code county_class county_code demo level name official parent_code tag_labels tags version"; strings.Join(keys, " ") != want {
			t.Errorf("region fields = %v", keys)
		}
		for q, field := range map[string]string{"level=x": "level", "tag=x": "tag", "limit=-1": "limit"} {
			r := f.do(t, request{method: "GET", path: "/api/v1/regions?" + q, token: admin})
			if _, _, fl := errorOf(t, r); r.status != 422 || fl != field {
				t.Errorf("regions ?%s = %s", q, r)
			}
		}
		if r := f.do(t, request{method: "GET", path: "/api/v1/regions/999999", token: admin}); r.status != 404 {
			t.Errorf("unknown region = %s", r)
		}

		r = f.do(t, request{method: "GET", path: "/api/v1/orgs/" + f.org1.ID, token: admin})
		keys = sortedKeys(r.json(t))
		want := "address contact created_at credit_code department department_id flags id inspections intro kind_labels kinds legal_form legal_form_label name phone rating rating_date rating_label rating_valid reg_county reg_place updated_at version"
		if strings.Join(keys, " ") != want {
			t.Errorf("org fields = %v", keys)
		}
		m := r.json(t)
		if m["rating_label"] != "3A" || m["rating_valid"] != true || m["department"] != "测试业务主管单位" ||
			fmt.Sprint(m["inspections"]) != "[map[result:合格 year:2025]]" || fmt.Sprint(m["kind_labels"]) != "[农业农村类]" {
			t.Errorf("org = %s", r)
		}
		if ts, _ := m["created_at"].(string); !strings.HasSuffix(ts, "Z") || len(ts) != len("2006-01-02T15:04:05Z") {
			t.Errorf("created_at = %v, want RFC 3339 UTC", m["created_at"])
		}
	})
}

// escapeQuery escapes the value of one name=value pair.
func escapeQuery(q string) string {
	name, value, _ := strings.Cut(q, "=")
	return name + "=" + url.QueryEscape(value)
}

func sortedKeys(m map[string]any) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestErrorShape checks that every kind of failure answers exactly
// {"error":{"code","message"[,"field"]}} with a JSON content type.
func TestErrorShape(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		admin := f.tokens["admin"]
		bad := newOrgBody(t, "", hejing)
		cases := []struct {
			name   string
			rq     request
			status int
			code   string
			field  string
		}{
			{"unauthorized", request{method: "GET", path: "/api/v1/orgs"}, 401, "unauthorized", ""},
			{"forbidden", request{method: "GET", path: "/api/v1/orgs", token: f.tokens["village"]}, 403, "forbidden", ""},
			{"not found", request{method: "GET", path: "/api/v1/orgs/nope", token: admin}, 404, "not_found", ""},
			{"invalid with field", request{method: "POST", path: "/api/v1/orgs", token: admin, body: bad}, 422, "invalid", "name"},
			{"malformed", request{method: "POST", path: "/api/v1/orgs", token: admin, body: "{"}, 400, "invalid", ""},
			{"media type", request{method: "POST", path: "/api/v1/orgs", token: admin, body: "a=b", contentType: "application/x-www-form-urlencoded"}, 415, "invalid", ""},
			{"unknown path", request{method: "GET", path: "/api/v1/nothing", token: admin}, 404, "not_found", ""},
			{"method", request{method: "DELETE", path: "/api/v1/orgs/" + f.org1.ID, token: admin}, 405, "invalid", ""},
		}
		for _, c := range cases {
			r := f.do(t, c.rq)
			if r.status != c.status {
				t.Errorf("%s: status %d, want %d: %s", c.name, r.status, c.status, r.body)
				continue
			}
			if ct := r.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
				t.Errorf("%s: Content-Type %q", c.name, ct)
			}
			var top map[string]json.RawMessage
			if err := json.Unmarshal(r.body, &top); err != nil || len(top) != 1 || top["error"] == nil {
				t.Errorf("%s: body %s", c.name, r.body)
				continue
			}
			var inner map[string]any
			if err := json.Unmarshal(top["error"], &inner); err != nil {
				t.Errorf("%s: error member %s", c.name, top["error"])
				continue
			}
			wantKeys := []string{"code", "message"}
			if c.field != "" {
				wantKeys = []string{"code", "field", "message"}
			}
			if keys := sortedKeys(inner); !reflect.DeepEqual(keys, wantKeys) {
				t.Errorf("%s: error keys %v, want %v", c.name, keys, wantKeys)
			}
			msg, _ := inner["message"].(string)
			if inner["code"] != c.code || (c.field != "" && inner["field"] != c.field) || !hasHan(msg) {
				t.Errorf("%s: %s", c.name, r.body)
			}
		}
		if r := f.do(t, cases[len(cases)-1].rq); r.header.Get("Allow") != "GET, PUT" {
			t.Errorf("405 Allow = %q", r.header.Get("Allow"))
		}
	})
}

// TestErrorListsEveryField: invalid input with several bad fields answers
// every one of them in "fields", while "field" and "message" keep naming
// the first, as clients written before the list read them.
func TestErrorListsEveryField(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		for _, c := range []struct {
			name   string
			rq     request
			fields []string
		}{
			{"empty need", request{method: "POST", path: "/api/v1/needs", token: f.tokens["admin"], body: map[string]any{}},
				[]string{"action", "title", "region"}},
			{"organization", request{method: "POST", path: "/api/v1/orgs", token: f.tokens["admin"],
				body: map[string]any{"name": "", "credit_code": "123", "reg_county": hejing, "phone": "12"}}, []string{"name", "credit_code", "phone"}},
			{"one bad field has no list", request{method: "POST", path: "/api/v1/needs", token: f.tokens["county_hejing"],
				body: map[string]any{"action": "tech", "county_code": hejing, "title": ""}}, []string{"title"}},
		} {
			t.Run(c.name, func(t *testing.T) {
				r := f.do(t, c.rq)
				if r.status != 422 {
					t.Fatalf("status %d: %s", r.status, r.body)
				}
				var body struct {
					Error struct {
						Code, Message, Field string
						Fields               []zhuxiang.FieldError
					}
				}
				if err := json.Unmarshal(r.body, &body); err != nil {
					t.Fatal(err)
				}
				e := body.Error
				var got []string
				for _, fe := range e.Fields {
					got = append(got, fe.Field)
					if !hasHan(fe.Message) {
						t.Errorf("field %s: message %q", fe.Field, fe.Message)
					}
				}
				if len(c.fields) == 1 {
					if e.Fields != nil || e.Field != c.fields[0] || strings.Contains(string(r.body), `"fields"`) {
						t.Errorf("a single problem: %s", r.body)
					}
					return
				}
				if !reflect.DeepEqual(got, c.fields) || e.Code != "invalid" || e.Field != c.fields[0] || e.Message != e.Fields[0].Message {
					t.Errorf("fields %v, want %v: %s", got, c.fields, r.body)
				}
			})
		}
	})
}
