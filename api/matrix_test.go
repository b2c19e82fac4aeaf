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
			// The page offers this filter to the admin and county users
			// (web deptFilter); a filter only narrows the caller's scope.
			{"list orgs by department", func(t *testing.T, f *fixture, s side) request {
				return request{method: "GET", path: "/api/v1/orgs?limit=500&department=" + f.dept}
			}, checkOrgDepartmentFilter},
		}

		want := map[string][]int{
			//                 listR getR patchIn patchOut listO getIn getOut createIn createOut putIn putOut openapi byDept
			"admin":           {200, 200, 200, 200, 200, 200, 200, 201, 201, 200, 200, 200, 200},
			"county_hejing":   {200, 200, 200, 403, 200, 200, 404, 201, 403, 200, 404, 200, 200},
			"county_ruoqiang": {200, 200, 200, 403, 200, 200, 404, 201, 403, 200, 404, 200, 200},
			"department":      {200, 200, 403, 403, 200, 200, 404, 403, 403, 403, 404, 200, 200},
			"org":             {200, 200, 403, 403, 200, 200, 404, 403, 403, 200, 404, 200, 200},
			"village":         {200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403},
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

// checkOrgDepartmentFilter: a department filter narrows the caller's scope
// and never widens it; whoever may see the supervised organization finds it.
func checkOrgDepartmentFilter(t *testing.T, f *fixture, role string, s side, r response) {
	if r.status != http.StatusOK {
		return
	}
	var page struct {
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal(r.body, &page); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, it := range page.Items {
		if !inScope(f, role, it) || it["department_id"] != f.dept {
			t.Errorf("%s filtering by department sees %v (county %v, department %v)", role, it["name"], it["reg_county"], it["department_id"])
		}
		found = found || it["id"] == f.org1.ID
	}
	// org1 is in 和静县 and supervised by the department.
	if want := role != "county_ruoqiang"; found != want {
		t.Errorf("%s filtering by department finds %s: %v, want %v", role, f.org1.Name, found, want)
	}
	if role != "admin" {
		assertAbsent(t, r, s.awayOrg)
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

// mside is a role's side for the matching endpoints: its own records and
// the other county's, created once for reading; endpoints that change a
// record create a fresh one per cell, so that cells do not depend on order.
type mside struct {
	side
	draft, countyDraft, submitted, open *zhuxiang.Need
	awayDraft, awaySubmitted, awayOpen  *zhuxiang.Need
	offer, awayOffer, awayClosedOffer   *zhuxiang.Offer
	awayMatch                           string
	awayPairing                         *zhuxiang.Pairing
	plan                                string
}

// matchingFixture is a fixture with, in each county, needs in every
// reading state, an open and a closed offer of its organization, a pending
// match and a pairing; and one saved plan.
type matchingFixture struct {
	*fixture
	hj, rq mside
	// base lists the needs no cell changes, for the leak checks.
	base []*zhuxiang.Need
}

func newMatchingFixture(t *testing.T, st *store.Store) *matchingFixture {
	f := &matchingFixture{fixture: newFixture(t, st)}
	type place struct {
		county, village string
		org             *zhuxiang.Org
	}
	build := func(p place) (draft, countyDraft, submitted, open *zhuxiang.Need, offer, closed *zhuxiang.Offer, match string, pairing *zhuxiang.Pairing) {
		draft = f.newNeed(t, p.county, p.village, zhuxiang.NeedDraft)
		countyDraft = f.newNeed(t, p.county, "", zhuxiang.NeedDraft)
		submitted = f.newNeed(t, p.county, p.village, zhuxiang.NeedSubmitted)
		open = f.newNeed(t, p.county, p.village, zhuxiang.NeedOpen)
		offer = f.newOffer(t, p.org)
		closed = f.newOffer(t, p.org)
		if err := st.SetOfferStatus(ctx, zhuxiang.SystemActor, closed.ID, zhuxiang.OfferClosed); err != nil {
			t.Fatal(err)
		}
		match = f.interest(t, orgActor(p.org), open.ID, offer.ID)
		pairing = f.newPairing(t, p.org, p.village)
		f.base = append(f.base, draft, countyDraft, submitted, open)
		return
	}
	hj, rq := place{hejing, f.village1, f.org1}, place{ruoqiang, f.village2, f.org2}
	var hjMatch, rqMatch string
	var hjClosed, rqClosed *zhuxiang.Offer
	var hjPairing, rqPairing *zhuxiang.Pairing
	f.hj.side = side{hejing, ruoqiang, f.org1, f.org2, f.village1, f.village2}
	f.rq.side = side{ruoqiang, hejing, f.org2, f.org1, f.village2, f.village1}
	f.hj.draft, f.hj.countyDraft, f.hj.submitted, f.hj.open, f.hj.offer, hjClosed, hjMatch, hjPairing = build(hj)
	f.rq.draft, f.rq.countyDraft, f.rq.submitted, f.rq.open, f.rq.offer, rqClosed, rqMatch, rqPairing = build(rq)
	f.hj.awayDraft, f.hj.awaySubmitted, f.hj.awayOpen, f.hj.awayOffer, f.hj.awayClosedOffer, f.hj.awayMatch, f.hj.awayPairing =
		f.rq.draft, f.rq.submitted, f.rq.open, f.rq.offer, rqClosed, rqMatch, rqPairing
	f.rq.awayDraft, f.rq.awaySubmitted, f.rq.awayOpen, f.rq.awayOffer, f.rq.awayClosedOffer, f.rq.awayMatch, f.rq.awayPairing =
		f.hj.draft, f.hj.submitted, f.hj.open, f.hj.offer, hjClosed, hjMatch, hjPairing
	p, _, err := st.Allocate(ctx, zhuxiang.SystemActor)
	if err != nil {
		t.Fatal(err)
	}
	f.hj.plan, f.rq.plan = p.ID, p.ID
	return f
}

// mendpoint is one column of the matching matrix.
type mendpoint struct {
	name  string
	req   func(t *testing.T, f *matchingFixture, s mside) request
	check func(t *testing.T, f *matchingFixture, role string, s mside, r response)
}

// TestMatchingScopeMatrix is the role × endpoint matrix for needs, offers,
// proposals, matches, plans and pairings, with anonymous callers as a
// seventh role: every status, and for every answer that nothing outside the
// caller's scope appears in it — no draft of another place, no contact
// phone of a need the caller does not work for.
func TestMatchingScopeMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newMatchingFixture(t, st)
		sides := map[string]mside{"admin": f.hj, "county_hejing": f.hj, "county_ruoqiang": f.rq, "department": f.hj, "org": f.hj, "village": f.hj, "anonymous": f.hj}
		roles := []string{"admin", "county_hejing", "county_ruoqiang", "department", "org", "village", "anonymous"}
		get := func(path string) func(*testing.T, *matchingFixture, mside) request {
			return func(*testing.T, *matchingFixture, mside) request { return request{method: "GET", path: path} }
		}
		step := func(path string, body any) request {
			if body == nil {
				body = "" // no body, but still declared JSON: the API refuses any other POST
			}
			return request{method: "POST", path: path, body: body}
		}

		endpoints := []mendpoint{
			{"list needs", get("/api/v1/needs?limit=200"), checkNeedListScope},
			{"get own draft need", func(t *testing.T, f *matchingFixture, s mside) request {
				return request{method: "GET", path: "/api/v1/needs/" + s.draft.ID}
			}, func(t *testing.T, f *matchingFixture, role string, s mside, r response) {
				if r.status == http.StatusOK {
					if m := r.json(t); m["phone"] != s.draft.Phone || m["contact"] != s.draft.Contact || fmt.Sprint(m["actions"]) != "[submit close]" || m["editable"] != true {
						t.Errorf("own draft = %s", r.body)
					}
				} else {
					assertNeedAbsent(t, r, s.draft)
				}
			}},
			{"get away draft need", func(t *testing.T, f *matchingFixture, s mside) request {
				return request{method: "GET", path: "/api/v1/needs/" + s.awayDraft.ID}
			}, func(t *testing.T, f *matchingFixture, role string, s mside, r response) {
				if r.status != http.StatusOK {
					assertNeedAbsent(t, r, s.awayDraft)
				}
			}},
			{"get away open need", func(t *testing.T, f *matchingFixture, s mside) request {
				return request{method: "GET", path: "/api/v1/needs/" + s.awayOpen.ID}
			}, func(t *testing.T, f *matchingFixture, role string, s mside, r response) {
				if r.status != http.StatusOK {
					return
				}
				m := r.json(t)
				if role == "admin" {
					if m["phone"] != s.awayOpen.Phone {
						t.Errorf("admin sees phone %v", m["phone"])
					}
					return
				}
				if m["phone"] != "" || m["contact"] != "" || strings.Contains(string(r.body), s.awayOpen.Phone) || fmt.Sprint(m["actions"]) != "[]" {
					t.Errorf("%s sees personal data or actions of another county's need: %s", role, r.body)
				}
			}},
			{"create need in own place", func(t *testing.T, f *matchingFixture, s mside) request {
				return request{method: "POST", path: "/api/v1/needs", body: needBody(s.village)}
			}, checkNeedCreated},
			{"create need in away place", func(t *testing.T, f *matchingFixture, s mside) request {
				return request{method: "POST", path: "/api/v1/needs", body: needBody(s.awayVillage)}
			}, checkNeedCreated},
			{"put own draft", func(t *testing.T, f *matchingFixture, s mside) request {
				n := f.newNeed(t, s.county, s.village, zhuxiang.NeedDraft)
				return request{method: "PUT", path: "/api/v1/needs/" + n.ID, body: needPutBody(n, "改过的标题")}
			}, func(t *testing.T, f *matchingFixture, role string, s mside, r response) {
				if r.status == http.StatusOK && (r.json(t)["title"] != "改过的标题" || r.json(t)["version"] != float64(2)) {
					t.Errorf("put = %s", r.body)
				}
			}},
			{"submit own draft", func(t *testing.T, f *matchingFixture, s mside) request {
				return step("/api/v1/needs/"+f.newNeed(t, s.county, s.village, zhuxiang.NeedDraft).ID+"/submit", nil)
			}, wantNeedStatus(zhuxiang.NeedSubmitted)},
			{"withdraw the village's submission", func(t *testing.T, f *matchingFixture, s mside) request {
				// Written by the village account in 和静县: only its author
				// withdraws it (zhuxiang.IsNeedAuthor).
				n := &zhuxiang.Need{VillageCode: f.village1, Action: zhuxiang.ActionIndustry, Title: "村里提交的需求", Status: zhuxiang.NeedSubmitted}
				id, err := f.st.CreateNeed(ctx, f.users["village"].Actor(), n)
				if err != nil {
					t.Fatal(err)
				}
				return step("/api/v1/needs/"+id+"/withdraw", nil)
			}, wantNeedStatus(zhuxiang.NeedDraft)},
			{"approve own submitted", func(t *testing.T, f *matchingFixture, s mside) request {
				return step("/api/v1/needs/"+f.newNeed(t, s.county, s.village, zhuxiang.NeedSubmitted).ID+"/approve", map[string]any{})
			}, wantNeedStatus(zhuxiang.NeedOpen)},
			{"approve away submitted", func(t *testing.T, f *matchingFixture, s mside) request {
				return step("/api/v1/needs/"+f.newNeed(t, s.awayCounty, s.awayVillage, zhuxiang.NeedSubmitted).ID+"/approve", nil)
			}, wantNeedStatus(zhuxiang.NeedOpen)},
			{"close away open", func(t *testing.T, f *matchingFixture, s mside) request {
				return step("/api/v1/needs/"+f.newNeed(t, s.awayCounty, s.awayVillage, zhuxiang.NeedOpen).ID+"/close", map[string]any{"reason": "重复发布"})
			}, wantNeedStatus(zhuxiang.NeedClosed)},
			{"need proposals", func(t *testing.T, f *matchingFixture, s mside) request {
				return request{method: "GET", path: "/api/v1/needs/" + s.awayOpen.ID + "/proposals"}
			}, func(t *testing.T, f *matchingFixture, role string, s mside, r response) {
				if r.status == http.StatusOK && len(items(t, r)) == 0 {
					t.Errorf("no proposals for an open need with open offers: %s", r.body)
				}
			}},
			{"public list needs", get("/api/v1/public/needs?limit=200"), checkPublicNeeds},
			{"public get draft", func(t *testing.T, f *matchingFixture, s mside) request {
				return request{method: "GET", path: "/api/v1/public/needs/" + s.draft.ID}
			}, func(t *testing.T, f *matchingFixture, role string, s mside, r response) {
				assertNeedAbsent(t, r, s.draft)
			}},
			{"public get open", func(t *testing.T, f *matchingFixture, s mside) request {
				return request{method: "GET", path: "/api/v1/public/needs/" + s.open.ID}
			}, checkPublicNeeds},

			{"list offers", get("/api/v1/offers?limit=200"), checkOfferListScope},
			{"get away closed offer", func(t *testing.T, f *matchingFixture, s mside) request {
				return request{method: "GET", path: "/api/v1/offers/" + s.awayClosedOffer.ID}
			}, nil},
			{"create offer", func(t *testing.T, f *matchingFixture, s mside) request {
				return request{method: "POST", path: "/api/v1/offers", body: map[string]any{"org_id": s.org.ID, "action": "产业发展", "kind": "销售渠道",
					"title": "接口发布的资源", "capacity": 3, "amount_fen": 100, "area": "counties", "counties": []string{s.county}}}
			}, func(t *testing.T, f *matchingFixture, role string, s mside, r response) {
				if r.status != http.StatusCreated {
					return
				}
				// Chinese names in, codes out; an organization user's offer is
				// its own whatever org_id says.
				if m := r.json(t); m["org_id"] != s.org.ID || m["action"] != "industry" || m["kind"] != "sales" || m["status"] != "open" ||
					r.header.Get("Location") != "/api/v1/offers/"+fmt.Sprint(m["id"]) {
					t.Errorf("created offer = %s", r.body)
				}
			}},
			{"put away offer", func(t *testing.T, f *matchingFixture, s mside) request {
				return request{method: "PUT", path: "/api/v1/offers/" + s.awayOffer.ID, body: offerPutBody(f.currentOffer(t, s.awayOffer.ID), "由接口修改的资源")}
			}, nil},
			{"pause own offer", func(t *testing.T, f *matchingFixture, s mside) request {
				return step("/api/v1/offers/"+f.newOffer(t, s.org).ID+"/status", map[string]any{"status": "paused"})
			}, func(t *testing.T, f *matchingFixture, role string, s mside, r response) {
				if r.status == http.StatusOK && r.json(t)["status"] != "paused" {
					t.Errorf("paused offer = %s", r.body)
				}
			}},
			{"offer proposals", func(t *testing.T, f *matchingFixture, s mside) request {
				return request{method: "GET", path: "/api/v1/offers/" + s.offer.ID + "/proposals?limit=50"}
			}, func(t *testing.T, f *matchingFixture, role string, s mside, r response) {
				if r.status != http.StatusOK {
					return
				}
				// Proposals name open needs only, never a draft, never a phone.
				for _, n := range f.base {
					if n.Status != zhuxiang.NeedOpen {
						assertNeedAbsent(t, r, n)
					} else if strings.Contains(string(r.body), n.Phone) {
						t.Errorf("proposal leaks phone %s", n.Phone)
					}
				}
			}},

			{"list matches", get("/api/v1/matches?limit=200"), checkMatchListScope},
			{"interest with own offer", func(t *testing.T, f *matchingFixture, s mside) request {
				n := f.newNeed(t, s.county, s.village, zhuxiang.NeedOpen)
				return request{method: "POST", path: "/api/v1/matches", body: map[string]any{"need_id": n.ID, "offer_id": s.offer.ID, "note": "愿意帮助"}}
			}, checkMatchCreated},
			{"interest with away offer", func(t *testing.T, f *matchingFixture, s mside) request {
				n := f.newNeed(t, s.county, s.village, zhuxiang.NeedOpen)
				return request{method: "POST", path: "/api/v1/matches", body: map[string]any{"need_id": n.ID, "offer_id": s.awayOffer.ID}}
			}, checkMatchCreated},
			{"get away match", func(t *testing.T, f *matchingFixture, s mside) request {
				return request{method: "GET", path: "/api/v1/matches/" + s.awayMatch}
			}, func(t *testing.T, f *matchingFixture, role string, s mside, r response) {
				if r.status != http.StatusOK && strings.Contains(string(r.body), s.awayMatch) {
					t.Errorf("refusal names the match: %s", r.body)
				}
			}},
			{"accept org's interest", func(t *testing.T, f *matchingFixture, s mside) request {
				n := f.newNeed(t, s.county, s.village, zhuxiang.NeedOpen)
				return step("/api/v1/matches/"+f.interest(t, orgActor(s.org), n.ID, s.offer.ID)+"/accept", nil)
			}, wantMatchStatus(zhuxiang.MatchAccepted)},
			{"withdraw org's interest", func(t *testing.T, f *matchingFixture, s mside) request {
				n := f.newNeed(t, s.county, s.village, zhuxiang.NeedOpen)
				return step("/api/v1/matches/"+f.interest(t, orgActor(s.org), n.ID, s.offer.ID)+"/withdraw", nil)
			}, wantMatchStatus(zhuxiang.MatchWithdrawn)},

			{"list plans", get("/api/v1/plans"), nil},
			{"run plan", func(t *testing.T, f *matchingFixture, s mside) request { return step("/api/v1/plans", nil) },
				func(t *testing.T, f *matchingFixture, role string, s mside, r response) {
					if r.status == http.StatusCreated && r.json(t)["items"] == nil {
						t.Errorf("run plan without items: %s", r.body)
					}
				}},
			{"get plan", func(t *testing.T, f *matchingFixture, s mside) request {
				return request{method: "GET", path: "/api/v1/plans/" + s.plan}
			}, nil},

			{"list pairings", get("/api/v1/pairings?limit=500"), checkPairingListScope},
			{"get away pairing", func(t *testing.T, f *matchingFixture, s mside) request {
				return request{method: "GET", path: "/api/v1/pairings/" + s.awayPairing.ID}
			}, func(t *testing.T, f *matchingFixture, role string, s mside, r response) {
				if r.status != http.StatusOK && strings.Contains(string(r.body), s.awayPairing.ID) {
					t.Errorf("refusal names the pairing: %s", r.body)
				}
			}},
			{"create pairing in own county", func(t *testing.T, f *matchingFixture, s mside) request {
				return request{method: "POST", path: "/api/v1/pairings", body: map[string]any{"org_id": s.org.ID, "village_code": s.village, "start_date": "2026-01-01"}}
			}, nil},
			{"create pairing in away county", func(t *testing.T, f *matchingFixture, s mside) request {
				return request{method: "POST", path: "/api/v1/pairings", body: map[string]any{"org_id": s.org.ID, "village_code": s.awayVillage, "start_date": "2026-01-01"}}
			}, nil},
			{"upload agreement to own pairing", func(t *testing.T, f *matchingFixture, s mside) request {
				p := f.newPairing(t, s.org, s.village)
				return request{method: "PUT", path: "/api/v1/pairings/" + p.ID + "/agreement", body: agreementBody("协议.pdf", matrixPDF)}
			}, func(t *testing.T, f *matchingFixture, role string, s mside, r response) {
				if r.status != http.StatusOK {
					return
				}
				if ag, _ := r.json(t)["agreement"].(map[string]any); ag["name"] != "协议.pdf" || ag["type"] != "application/pdf" {
					t.Errorf("pairing after upload = %s", r.body)
				}
			}},
			{"upload agreement to away pairing", func(t *testing.T, f *matchingFixture, s mside) request {
				p := f.newPairing(t, s.awayOrg, s.awayVillage)
				return request{method: "PUT", path: "/api/v1/pairings/" + p.ID + "/agreement", body: agreementBody("冒名.pdf", matrixPDF)}
			}, nil},
			{"correct own pairing", func(t *testing.T, f *matchingFixture, s mside) request {
				p := f.newPairing(t, s.org, s.village)
				return request{method: "PATCH", path: "/api/v1/pairings/" + p.ID, body: map[string]any{"note": "接口更正的备注", "end_date": "2027-12-31"}}
			}, func(t *testing.T, f *matchingFixture, role string, s mside, r response) {
				if r.status != http.StatusOK {
					return
				}
				if m := r.json(t); m["note"] != "接口更正的备注" || m["end_date"] != "2027-12-31" || m["start_date"] != "2025-03-01" || m["version"] != float64(2) {
					t.Errorf("corrected pairing = %s", r.body)
				}
			}},
			{"agreement versions of own pairing", func(t *testing.T, f *matchingFixture, s mside) request {
				return request{method: "GET", path: "/api/v1/pairings/" + f.pairingWithVersions(t, s.org, s.village) + "/agreements"}
			}, func(t *testing.T, f *matchingFixture, role string, s mside, r response) {
				if r.status != http.StatusOK {
					return
				}
				vs := items(t, r)
				if len(vs) != 2 || vs[0]["current"] != true || vs[0]["version"] != float64(2) || vs[1]["name"] != "初稿.pdf" || vs[1]["replaced_at"] == "" {
					t.Errorf("versions = %s", r.body)
				}
			}},
			{"agreement versions of away pairing", func(t *testing.T, f *matchingFixture, s mside) request {
				return request{method: "GET", path: "/api/v1/pairings/" + f.pairingWithVersions(t, s.awayOrg, s.awayVillage) + "/agreements"}
			}, nil},
		}

		want := map[string][]int{
			//                 lsN  own  awD  awO  crO  crA  put  sub  wdN  apO  apA  clA  prN  pub  pDr  pOp  lsF  clF  crF  puF  pau  prF  lsM  iOw  iAw  awM  acc  wdr  lsP  run  gtP  lsR  awR  crR  crA  upO  upA  fix  vsO  vsA
			"admin":           {200, 200, 200, 200, 201, 201, 200, 200, 403, 200, 200, 200, 200, 200, 404, 200, 200, 200, 201, 200, 200, 200, 200, 201, 201, 200, 200, 403, 200, 201, 200, 200, 200, 201, 201, 200, 200, 200, 200, 200},
			"county_hejing":   {200, 200, 404, 200, 201, 403, 200, 200, 403, 200, 404, 403, 200, 200, 404, 200, 200, 404, 403, 403, 403, 200, 200, 201, 201, 404, 200, 403, 200, 403, 200, 200, 404, 201, 403, 200, 404, 200, 200, 404},
			"county_ruoqiang": {200, 200, 404, 200, 201, 403, 200, 200, 404, 200, 404, 403, 200, 200, 404, 200, 200, 404, 403, 403, 403, 200, 200, 201, 201, 404, 200, 403, 200, 403, 200, 200, 404, 201, 403, 200, 404, 200, 200, 404},
			"department":      {200, 404, 404, 200, 403, 403, 404, 404, 404, 404, 404, 403, 200, 200, 404, 200, 200, 404, 403, 403, 403, 200, 200, 403, 403, 404, 404, 404, 403, 403, 403, 200, 404, 403, 403, 403, 404, 403, 200, 404},
			"org":             {200, 404, 404, 200, 403, 403, 404, 404, 404, 404, 404, 403, 200, 200, 404, 200, 200, 404, 201, 403, 200, 200, 200, 201, 403, 404, 403, 200, 403, 403, 403, 200, 404, 403, 403, 200, 404, 200, 200, 404},
			"village":         {200, 200, 404, 200, 201, 403, 200, 200, 200, 403, 404, 403, 200, 200, 404, 200, 200, 404, 403, 403, 403, 200, 200, 403, 403, 404, 403, 403, 403, 403, 403, 200, 404, 403, 403, 200, 404, 200, 200, 404},
			"anonymous":       {401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 200, 404, 200, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401},
		}
		cells := 0
		for _, role := range roles {
			s := sides[role]
			if len(want[role]) != len(endpoints) {
				t.Fatalf("want[%s] has %d columns for %d endpoints", role, len(want[role]), len(endpoints))
			}
			for i, ep := range endpoints {
				t.Run(role+"/"+ep.name, func(t *testing.T) {
					rq := ep.req(t, f, s)
					rq.token = f.tokens[role]
					r := f.do(t, rq)
					if r.status != want[role][i] {
						t.Fatalf("%s %s as %s = %s, want %d", rq.method, rq.path, role, r, want[role][i])
					}
					if r.status >= 400 {
						errorOf(t, r)
					}
					if r.status == http.StatusUnauthorized && r.header.Get("WWW-Authenticate") == "" {
						t.Error("401 without WWW-Authenticate")
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

// needInScope says whether role works for a need at county and village,
// and so may see its drafts and its contact details.
func needInScope(f *matchingFixture, role, county, village string) bool {
	switch role {
	case "admin":
		return true
	case "county_hejing":
		return county == hejing
	case "county_ruoqiang":
		return county == ruoqiang
	case "village":
		return village != "" && village == f.village1
	}
	return false
}

func publicStatus(s any) bool {
	return zhuxiang.NeedStatus(fmt.Sprint(s)).Public()
}

func checkNeedListScope(t *testing.T, f *matchingFixture, role string, s mside, r response) {
	if r.status != http.StatusOK {
		return
	}
	seen := map[any]bool{}
	for _, it := range items(t, r) {
		seen[it["id"]] = true
		in := needInScope(f, role, fmt.Sprint(it["county_code"]), fmt.Sprint(it["village_code"]))
		if !in && !publicStatus(it["status"]) {
			t.Errorf("%s sees %s need %v of %v %v", role, it["status"], it["title"], it["county_code"], it["village_code"])
		}
		if !in && (it["contact"] != "" || it["phone"] != "" || it["reason"] != "" || it["created_by"] != "") {
			t.Errorf("%s sees personal or review data of need %v: %v %v", role, it["title"], it["contact"], it["phone"])
		}
	}
	for _, n := range f.base {
		in := needInScope(f, role, n.CountyCode, n.VillageCode)
		switch {
		case in && !seen[n.ID]:
			t.Errorf("%s does not see need %s (%s) in its scope", role, n.Title, n.Status)
		case !in:
			if !n.Status.Public() {
				assertNeedAbsent(t, r, n)
			}
			if strings.Contains(string(r.body), n.Phone) {
				t.Errorf("%s: list leaks the phone of out-of-scope need %s", role, n.Title)
			}
		}
	}
	// A village user works for its village, not for the county's own needs.
	if role == "village" {
		assertNeedAbsent(t, r, f.hj.countyDraft)
	}
}

// assertNeedAbsent checks that nothing identifying n appears in the answer.
func assertNeedAbsent(t *testing.T, r response, n *zhuxiang.Need) {
	t.Helper()
	for _, s := range []string{n.ID, n.Title, n.Phone} {
		if strings.Contains(string(r.body), s) {
			t.Errorf("answer (%d) leaks %q of need %s", r.status, s, n.Title)
		}
	}
}

// checkPublicNeeds checks a public answer: public needs only, and no field
// that could carry personal data, whoever asked.
func checkPublicNeeds(t *testing.T, f *matchingFixture, role string, s mside, r response) {
	if r.status != http.StatusOK {
		return
	}
	list := items(t, r)
	if list == nil {
		list = []map[string]any{r.json(t)}
	}
	for _, it := range list {
		if !publicStatus(it["status"]) {
			t.Errorf("public answer holds a %v need", it["status"])
		}
		for _, k := range []string{"contact", "phone", "reason", "created_by", "updated_by", "reviewed_by", "actions", "version"} {
			if _, ok := it[k]; ok {
				t.Errorf("public need has field %s", k)
			}
		}
	}
	for _, n := range f.base {
		if !n.Status.Public() {
			assertNeedAbsent(t, r, n)
		}
		if strings.Contains(string(r.body), n.Phone) || strings.Contains(string(r.body), n.Contact) {
			t.Errorf("public answer leaks the contact of %s", n.Title)
		}
	}
}

func checkNeedCreated(t *testing.T, f *matchingFixture, role string, s mside, r response) {
	if r.status != http.StatusCreated {
		return
	}
	m := r.json(t)
	if r.header.Get("Location") != "/api/v1/needs/"+fmt.Sprint(m["id"]) || m["status"] != "draft" || m["version"] != float64(1) ||
		m["budget_fen"] != float64(880000) || m["wanted_by"] != "2026-12-31" || m["urgency_label"] != "较急" || m["county"] == "" {
		t.Errorf("created need = %s (Location %q)", r.body, r.header.Get("Location"))
	}
}

func wantNeedStatus(st zhuxiang.NeedStatus) func(*testing.T, *matchingFixture, string, mside, response) {
	return func(t *testing.T, f *matchingFixture, role string, s mside, r response) {
		if r.status == http.StatusOK && r.json(t)["status"] != string(st) {
			t.Errorf("status after step = %v, want %s", r.json(t)["status"], st)
		}
	}
}

func wantMatchStatus(st zhuxiang.MatchStatus) func(*testing.T, *matchingFixture, string, mside, response) {
	return func(t *testing.T, f *matchingFixture, role string, s mside, r response) {
		if r.status == http.StatusOK && r.json(t)["status"] != string(st) {
			t.Errorf("status after step = %v, want %s", r.json(t)["status"], st)
		}
	}
}

func checkMatchCreated(t *testing.T, f *matchingFixture, role string, s mside, r response) {
	if r.status != http.StatusCreated {
		return
	}
	m := r.json(t)
	wantSide := "county"
	if role == "org" {
		wantSide = "org"
	}
	if m["status"] != "pending" || m["initiator"] != wantSide || r.header.Get("Location") != "/api/v1/matches/"+fmt.Sprint(m["id"]) ||
		fmt.Sprint(m["actions"]) != "[withdraw]" {
		t.Errorf("created match = %s", r.body)
	}
}

func checkOfferListScope(t *testing.T, f *matchingFixture, role string, s mside, r response) {
	if r.status != http.StatusOK {
		return
	}
	n := 0
	for _, it := range items(t, r) {
		if it["status"] == "closed" && role != "admin" && !(role == "org" && it["org_id"] == f.org1.ID) {
			t.Errorf("%s sees closed offer %v of %v", role, it["title"], it["org"])
		}
		n++
	}
	if n == 0 {
		t.Errorf("%s sees no offers", role)
	}
	if role != "admin" {
		if strings.Contains(string(r.body), s.awayClosedOffer.ID) {
			t.Errorf("%s sees the other organization's closed offer", role)
		}
	}
}

func checkMatchListScope(t *testing.T, f *matchingFixture, role string, s mside, r response) {
	if r.status != http.StatusOK {
		return
	}
	list := items(t, r)
	for _, it := range list {
		var in bool
		switch role {
		case "admin":
			in = true
		case "county_hejing", "county_ruoqiang":
			in = it["county_code"] == s.county
		case "village":
			in = it["village_code"] == f.village1
		case "org":
			in = it["org_id"] == f.org1.ID
		}
		if !in {
			t.Errorf("%s sees match %v (%v, %v)", role, it["id"], it["place"], it["org"])
		}
	}
	if role != "admin" && strings.Contains(string(r.body), s.awayMatch) {
		t.Errorf("%s sees the other county's match", role)
	}
	if role != "department" && len(list) == 0 {
		t.Errorf("%s sees no matches", role)
	}
}

func checkPairingListScope(t *testing.T, f *matchingFixture, role string, s mside, r response) {
	if r.status != http.StatusOK {
		return
	}
	list := items(t, r)
	for _, it := range list {
		var in bool
		switch role {
		case "admin":
			in = true
		case "county_hejing", "county_ruoqiang":
			in = it["county_code"] == s.county
		case "village":
			in = it["village_code"] == f.village1
		case "org", "department":
			in = it["org_id"] == f.org1.ID // the department supervises org1 only
		}
		if !in {
			t.Errorf("%s sees pairing %v (%v, %v)", role, it["id"], it["place"], it["org"])
		}
	}
	if role != "admin" && strings.Contains(string(r.body), s.awayPairing.ID) {
		t.Errorf("%s sees the other county's pairing", role)
	}
	if len(list) == 0 {
		t.Errorf("%s sees no pairings", role)
	}
	var page struct {
		Total int `json:"total"`
	}
	json.Unmarshal(r.body, &page)
	if page.Total != len(list) {
		t.Errorf("total = %d, items = %d", page.Total, len(list))
	}
}
