package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"zhuxiang"
	"zhuxiang/api"
	"zhuxiang/importer"
	"zhuxiang/sheet"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

var ctx = context.Background()

const (
	testPassword = "Zhuxiang#2026"
	hejing       = "652827" // 和静县
	ruoqiang     = "652824" // 若羌县
)

// fixture is two counties with an organization and a village each, a
// department supervising the 和静 organization, and a user of every role.
type fixture struct {
	st       *store.Store
	h        http.Handler
	org1     *zhuxiang.Org // registered in 和静县, supervised by dept
	org2     *zhuxiang.Org // registered in 若羌县
	dept     string
	village1 string // 和静县 测试村
	village2 string // 若羌县 测试村
	users    map[string]*zhuxiang.User
	tokens   map[string]string
}

var serial atomic.Int64

// creditCode makes a valid, unique credit code of a social association
// (second character 1).
func creditCode(t testing.TB) string {
	n := serial.Add(1)
	return storetest.CreditCode('1', fmt.Sprintf("6528%02d", 1+n%29), int(n))
}

// badCheckChar returns code with a wrong 18th character.
func badCheckChar(code string) string {
	last := byte('0')
	if code[17] == '0' {
		last = '1'
	}
	return code[:17] + string(last)
}

func newFixture(t testing.TB, st *store.Store) *fixture {
	t.Helper()
	sys := zhuxiang.SystemActor
	f := &fixture{st: st, h: api.NewHandler(st, api.Options{}), users: map[string]*zhuxiang.User{}, tokens: map[string]string{}}

	tab, err := sheet.Read(zhuxiang.PrefectureRegions(), zhuxiang.PrefectureRegionsFile, sheet.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if res, err := importer.Regions(ctx, st, sys, tab, zhuxiang.ImportAll); err != nil || len(res.Rejected) > 0 {
		t.Fatalf("import townships: %v %+v", err, res)
	}
	res, err := st.ImportRegions(ctx, sys, []store.RegionRow{
		{Row: 2, County: "和静县", Township: "和静镇", Village: "测试村"},
		{Row: 3, County: "若羌县", Township: "若羌镇", Village: "测试村"},
	}, zhuxiang.ImportAll)
	if err != nil || len(res.Rejected) > 0 {
		t.Fatalf("import villages: %v %+v", err, res)
	}
	f.village1 = villageCode(t, st, "652827100")
	f.village2 = villageCode(t, st, "652824100")

	d := &zhuxiang.Department{Name: "测试业务主管单位"}
	if err := st.SaveDepartment(ctx, sys, d); err != nil {
		t.Fatal(err)
	}
	f.dept = d.ID

	f.org1 = f.mustOrg(t, "和静县测试种植协会", hejing, d.ID)
	f.org2 = f.mustOrg(t, "若羌县测试红枣协会", ruoqiang, "")

	for key, nu := range map[string]store.NewUser{
		"admin":           {Role: zhuxiang.RoleAdmin},
		"county_hejing":   {Role: zhuxiang.RoleCounty, RegionCode: hejing},
		"county_ruoqiang": {Role: zhuxiang.RoleCounty, RegionCode: ruoqiang},
		"department":      {Role: zhuxiang.RoleDepartment, DepartmentID: d.ID},
		"org":             {Role: zhuxiang.RoleOrg, OrgID: f.org1.ID},
		"org2":            {Role: zhuxiang.RoleOrg, OrgID: f.org2.ID},
		"village":         {Role: zhuxiang.RoleVillage, RegionCode: f.village1},
	} {
		nu.Name, nu.Password = "u_"+key, testPassword
		u, err := st.CreateUser(ctx, sys, nu)
		if err != nil {
			t.Fatalf("user %s: %v", key, err)
		}
		f.users[key] = u
		if f.tokens[key], err = st.CreateAPIToken(ctx, sys, nu.Name); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func villageCode(t testing.TB, st *store.Store, township string) string {
	t.Helper()
	vs, err := st.ListRegions(ctx, zhuxiang.SystemActor, store.RegionFilter{Parent: township, Level: zhuxiang.LevelVillage})
	if err != nil || len(vs) != 1 || vs[0].Name != "测试村" {
		t.Fatalf("village under %s: %v %v", township, vs, err)
	}
	return vs[0].Code
}

func (f *fixture) mustOrg(t testing.TB, name, county, dept string) *zhuxiang.Org {
	t.Helper()
	o := &zhuxiang.Org{Name: name, CreditCode: creditCode(t), LegalForm: zhuxiang.LegalAssociation, RegCounty: county,
		DepartmentID: dept, Kinds: []zhuxiang.OrgKind{zhuxiang.KindAgri}, Contact: "李四", Phone: "13912345678",
		Rating: 3, RatingDate: "2024-06-01", Inspections: []zhuxiang.Inspection{{Year: 2025, Result: zhuxiang.InspectionPass}}}
	if _, err := f.st.CreateOrg(ctx, zhuxiang.SystemActor, o); err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return o
}

// current reads an organization as the system, for the version a PUT must
// carry and the fields it sends back.
func (f *fixture) current(t *testing.T, id string) *zhuxiang.Org {
	t.Helper()
	o, err := f.st.Org(ctx, zhuxiang.SystemActor, id)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// putBody is o as a client would PUT it back, with intro changed.
func putBody(o *zhuxiang.Org, intro string) map[string]any {
	ins := []map[string]any{}
	for _, in := range o.Inspections {
		ins = append(ins, map[string]any{"year": in.Year, "result": in.Result})
	}
	kinds := []string{}
	for _, k := range o.Kinds {
		kinds = append(kinds, string(k))
	}
	return map[string]any{"name": o.Name, "credit_code": o.CreditCode, "legal_form": string(o.LegalForm), "kinds": kinds,
		"department_id": o.DepartmentID, "rating": o.Rating, "rating_date": o.RatingDate, "inspections": ins,
		"reg_county": o.RegCounty, "reg_place": o.RegPlace, "contact": o.Contact, "phone": o.Phone, "address": o.Address,
		"intro": intro, "version": o.Version}
}

// newOrgBody is the body of a POST registering a new organization in county.
func newOrgBody(t *testing.T, name, county string) map[string]any {
	return map[string]any{"name": name, "credit_code": creditCode(t), "legal_form": "association", "kinds": []string{"agri"},
		"reg_county": county, "contact": "王五", "phone": "13812345678"}
}

type request struct {
	method, path string
	token        string // bearer token; empty for none
	cookie       string // session cookie
	body         any    // string: sent as is; nil: no body; otherwise JSON-encoded
	contentType  string // default application/json when there is a body
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) String() string { return fmt.Sprintf("%d %s", r.status, r.body) }

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("response is not a JSON object: %v\n%s", err, r.body)
	}
	return m
}

func (f *fixture) do(t *testing.T, rq request) response {
	t.Helper()
	var body io.Reader
	switch b := rq.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		body = bytes.NewReader(data)
	}
	req := httptest.NewRequestWithContext(ctx, rq.method, rq.path, body)
	if rq.body != nil {
		ct := rq.contentType
		if ct == "" {
			ct = "application/json"
		}
		req.Header.Set("Content-Type", ct)
	}
	if rq.token != "" {
		req.Header.Set("Authorization", "Bearer "+rq.token)
	}
	if rq.cookie != "" {
		req.AddCookie(&http.Cookie{Name: api.SessionCookie, Value: rq.cookie})
	}
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	return response{rec.Code, rec.Header(), rec.Body.Bytes()}
}

// errorOf decodes an error response and checks its shape on the way.
func errorOf(t *testing.T, r response) (code, message, field string) {
	t.Helper()
	var m struct {
		Error *struct {
			Code, Message, Field string
			Fields               []zhuxiang.FieldError
		}
	}
	if err := json.Unmarshal(r.body, &m); err != nil || m.Error == nil {
		t.Fatalf("not an error body: %v\n%s", err, r.body)
	}
	return m.Error.Code, m.Error.Message, m.Error.Field
}
