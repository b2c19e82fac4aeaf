package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"zhuxiang"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

// side is where a role's "own" records are: its county, the organization
// and the village registered there, and the other county's.
type side struct {
	county, awayCounty   string
	org, awayOrg         *zhuxiang.Org
	village, awayVillage string
}

// endpoint is one column of the matrix: a request built for a role's side,
// and an optional check of the answer beyond its status.
type endpoint struct {
	name  string
	req   func(t *testing.T, f *fixture, s side) request
	check func(t *testing.T, f *fixture, role string, s side, r response)
}

// TestRoleEndpointScopeMatrix asks every endpoint as every role and checks
// the status, and for lists that nothing outside the role's scope appears
// anywhere in the answer — the API must show no more than the store allows.
func TestRoleEndpointScopeMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		hj := side{hejing, ruoqiang, f.org1, f.org2, f.village1, f.village2}
		rq := side{ruoqiang, hejing, f.org2, f.org1, f.village2, f.village1}
		sides := map[string]side{"admin": hj, "county_hejing": hj, "county_ruoqiang": rq, "department": hj, "org": hj, "village": hj}
		roles := []string{"admin", "county_hejing", "county_ruoqiang", "department", "org", "village"}

		endpoints := []endpoint{
			{"list regions", func(t *testing.T, f *fixture, s side) request {
				return request{method: "GET", path: "/api/v1/regions?level=village"}
			}, func(t *testing.T, f *fixture, role string, s side, r response) {
				// Region names and codes are public to every signed-in user.
				for _, c := range []string{f.village1, f.village2} {
					if !strings.Contains(string(r.body), `"`+c+`"`) {
						t.Errorf("village %s missing from region list", c)
					}
				}
			}},
			{"get region", func(t *testing.T, f *fixture, s side) request {
				return request{method: "GET", path: "/api/v1/regions/" + s.village}
			}, nil},
			{"patch in-scope village", func(t *testing.T, f *fixture, s side) request {
				return request{method: "PATCH", path: "/api/v1/regions/" + s.village, body: map[string]any{"tags": []string{"key", "model"}}}
			}, func(t *testing.T, f *fixture, role string, s side, r response) {
				if r.status == http.StatusOK {
					if tags := fmt.Sprint(r.json(t)["tags"]); tags != "[key model]" {
						t.Errorf("tags after patch = %s", tags)
					}
				}
			}},
			{"patch out-of-scope village", func(t *testing.T, f *fixture, s side) request {
				return request{method: "PATCH", path: "/api/v1/regions/" + s.awayVillage, body: map[string]any{"tags": []string{"lifted"}}}
			}, nil},
			{"list orgs", func(t *testing.T, f *fixture, s side) request {
				return request{method: "GET", path: "/api/v1/orgs?limit=500"}
			}, checkOrgListScope},
			{"get in-scope org", func(t *testing.T, f *fixture, s side) request {
				return request{method: "GET", path: "/api/v1/orgs/" + s.org.ID}
			}, func(t *testing.T, f *fixture, role string, s side, r response) {
				if r.status != http.StatusOK {
					return
				}
				// Only those who may edit see a person's phone number whole.
				wantFull := role != "department"
				phone := r.json(t)["phone"]
				if full := phone == s.org.Phone; full != wantFull {
					t.Errorf("phone = %v, want full: %v", phone, wantFull)
				}
				if phone != s.org.Phone && phone != zhuxiang.MaskPhone(s.org.Phone) {
					t.Errorf("phone = %v is neither full nor masked", phone)
				}
			}},
			{"get out-of-scope org", func(t *testing.T, f *fixture, s side) request {
				return request{method: "GET", path: "/api/v1/orgs/" + s.awayOrg.ID}
			}, func(t *testing.T, f *fixture, role string, s side, r response) {
				if r.status != http.StatusOK {
					assertAbsent(t, r, s.awayOrg)
				}
			}},
			{"create org in own county", func(t *testing.T, f *fixture, s side) request {
				return request{method: "POST", path: "/api/v1/orgs", body: newOrgBody(t, "本县新登记协会"+fmt.Sprint(serial.Add(1)), s.county)}
			}, checkCreated},
			{"create org in other county", func(t *testing.T, f *fixture, s side) request {
				return request{method: "POST", path: "/api/v1/orgs", body: newOrgBody(t, "外县新登记协会"+fmt.Sprint(serial.Add(1)), s.awayCounty)}
			}, checkCreated},
			{"put in-scope org", func(t *testing.T, f *fixture, s side) request {
				return request{method: "PUT", path: "/api/v1/orgs/" + s.org.ID, body: putBody(f.current(t, s.org.ID), "由接口修改的简介")}
			}, checkPut},
			{"put out-of-scope org", func(t *testing.T, f *fixture, s side) request {
				return request{method: "PUT", path: "/api/v1/orgs/" + s.awayOrg.ID, body: putBody(f.current(t, s.awayOrg.ID), "由接口修改的简介")}
			}, func(t *testing.T, f *fixture, role string, s side, r response) {
				if r.status != http.StatusOK {
					assertAbsent(t, r, s.awayOrg)
				}
				checkPut(t, f, role, s, r)
			}},
			{"openapi", func(t *testing.T, f *fixture, s side) request {
				return request{method: "GET", path: "/api/v1/openapi.json"}
			}, nil},
		}

		want := map[string][]int{
			//                 listR getR patchIn patchOut listO getIn getOut createIn createOut putIn putOut openapi
			"admin":           {200, 200, 200, 200, 200, 200, 200, 201, 201, 200, 200, 200},
			"county_hejing":   {200, 200, 200, 403, 200, 200, 404, 201, 403, 200, 404, 200},
			"county_ruoqiang": {200, 200, 200, 403, 200, 200, 404, 201, 403, 200, 404, 200},
			"department":      {200, 200, 403, 403, 200, 200, 404, 403, 403, 403, 404, 200},
			"org":             {200, 200, 403, 403, 200, 200, 404, 403, 403, 200, 404, 200},
			"village":         {200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200},
		}
		cells := 0
		for _, role := range roles {
			s := sides[role]
			for i, ep := range endpoints {
				t.Run(role+"/"+ep.name, func(t *testing.T) {
					rq := ep.req(t, f, s)
					rq.token = f.tokens[role]
					r := f.do(t, rq)
					if r.status != want[role][i] {
						t.Fatalf("%s %s as %s = %s, want %d", rq.method, rq.path, role, r, want[role][i])
					}
					if r.status >= 400 {
						errorOf(t, r) // every refusal is in the error shape
					}
					if ep.check != nil {
						ep.check(t, f, role, s, r)
					}
				})
				cells++
			}
		}
		if cells != len(roles)*len(endpoints) || len(want) != len(roles) {
			t.Fatalf("matrix incomplete: %d cells", cells)
		}
	})
}

// inScope says whether role may see an organization as listed.
func inScope(f *fixture, role string, item map[string]any) bool {
	switch role {
	case "admin":
		return true
	case "county_hejing":
		return item["reg_county"] == hejing
	case "county_ruoqiang":
		return item["reg_county"] == ruoqiang
	case "department":
		return item["department_id"] == f.dept
	case "org":
		return item["id"] == f.org1.ID
	}
	return false
}

func checkOrgListScope(t *testing.T, f *fixture, role string, s side, r response) {
	if r.status != http.StatusOK {
		return
	}
	var page struct {
		Items []map[string]any `json:"items"`
		Total int              `json:"total"`
	}
	if err := json.Unmarshal(r.body, &page); err != nil {
		t.Fatal(err)
	}
	seen := map[any]bool{}
	for _, it := range page.Items {
		seen[it["id"]] = true
		if !inScope(f, role, it) {
			t.Errorf("%s sees out-of-scope org %v (%v, county %v, department %v)", role, it["name"], it["id"], it["reg_county"], it["department_id"])
		}
	}
	if !seen[s.org.ID] {
		t.Errorf("%s does not see its own org %s", role, s.org.Name)
	}
	// The count must not betray how many records lie outside the scope.
	if page.Total != len(page.Items) {
		t.Errorf("total = %d, items = %d", page.Total, len(page.Items))
	}
	if role != "admin" {
		assertAbsent(t, r, s.awayOrg)
	}
	if role == "org" && len(page.Items) != 1 {
		t.Errorf("org user sees %d orgs, want only its own", len(page.Items))
	}
}

// assertAbsent checks that nothing identifying o appears in the answer.
func assertAbsent(t *testing.T, r response, o *zhuxiang.Org) {
	t.Helper()
	for _, s := range []string{o.ID, o.CreditCode, o.Name} {
		if strings.Contains(string(r.body), s) {
			t.Errorf("answer (%d) leaks %q of %s", r.status, s, o.Name)
		}
	}
}

func checkCreated(t *testing.T, f *fixture, role string, s side, r response) {
	if r.status != http.StatusCreated {
		return
	}
	m := r.json(t)
	if loc := r.header.Get("Location"); loc != "/api/v1/orgs/"+fmt.Sprint(m["id"]) {
		t.Errorf("Location = %q, id = %v", loc, m["id"])
	}
	if m["version"] != float64(1) || m["created_at"] == "" {
		t.Errorf("created org = %s", r.body)
	}
}

func checkPut(t *testing.T, f *fixture, role string, s side, r response) {
	if r.status != http.StatusOK {
		return
	}
	m := r.json(t)
	if m["intro"] != "由接口修改的简介" {
		t.Errorf("intro not saved: %v", m["intro"])
	}
}
