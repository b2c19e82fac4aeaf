package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"zhuxiang"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

// TestOffers checks publishing, editing and the offer status lifecycle:
// only the organization (or the admin) maintains an offer, a closed offer
// stays closed and disappears for everyone else.
func TestOffers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		do := func(role, method, path string, body any) response {
			t.Helper()
			return f.do(t, request{method: method, path: path, token: f.tokens[role], body: body})
		}
		body := func(set map[string]any) map[string]any {
			b := map[string]any{"action": "tech", "kind": "training", "title": "农技培训", "description": "每月两次", "capacity": 2,
				"amount_fen": 2_000_000, "area": "counties", "counties": []string{hejing, ruoqiang}, "valid_from": "2026-01-01", "valid_to": "2026-12-31"}
			for k, v := range set {
				b[k] = v
			}
			return b
		}
		r := do("org", "POST", "/api/v1/offers", body(map[string]any{"org_id": f.org2.ID}))
		o := r.json(t)
		if r.status != 201 || o["org_id"] != f.org1.ID || o["org"] != f.org1.Name || o["version"] != float64(1) || o["remaining"] != float64(2) ||
			fmt.Sprint(o["next_statuses"]) != "[paused closed]" || o["editable"] != true || fmt.Sprint(o["counties"]) != "["+hejing+" "+ruoqiang+"]" {
			t.Fatalf("org's offer = %s", r)
		}
		path := "/api/v1/offers/" + o["id"].(string)
		for name, c := range map[string]struct {
			role  string
			set   map[string]any
			code  int
			field string
		}{
			"zero capacity":         {"org", map[string]any{"capacity": 0}, 422, "capacity"},
			"counties missing":      {"org", map[string]any{"counties": []string{}}, 422, "counties"},
			"unknown county":        {"org", map[string]any{"counties": []string{"110101"}}, 422, "counties"},
			"unknown kind":          {"org", map[string]any{"kind": "cash"}, 422, "kind"},
			"unknown area":          {"org", map[string]any{"area": "xinjiang"}, 422, "area"},
			"period backwards":      {"org", map[string]any{"valid_to": "2025-01-01"}, 422, "valid_to"},
			"admin names no org":    {"admin", map[string]any{}, 422, "org"},
			"county publishes":      {"county_hejing", map[string]any{}, 403, ""},
			"village publishes":     {"village", map[string]any{}, 403, ""},
			"department publishes":  {"department", map[string]any{}, 403, ""},
			"read-only field typed": {"org", map[string]any{"in_use": "x"}, 201, ""},
		} {
			r := do(c.role, "POST", "/api/v1/offers", body(c.set))
			if r.status != c.code {
				t.Errorf("%s = %s, want %d", name, r, c.code)
				continue
			}
			if c.code >= 400 {
				if _, _, field := errorOf(t, r); field != c.field {
					t.Errorf("%s: field %q, want %q", name, field, c.field)
				}
			}
		}

		// Editing: the GET answer goes back as is; versions guard it.
		got := do("org", "GET", path, nil).json(t)
		got["title"], got["capacity"] = "农技培训（扩大）", 5
		r = do("org", "PUT", path, got)
		if m := r.json(t); r.status != 200 || m["title"] != "农技培训（扩大）" || m["capacity"] != float64(5) || m["version"] != float64(2) {
			t.Errorf("round trip PUT = %s", r)
		}
		if r := do("org", "PUT", path, got); r.status != 409 {
			t.Errorf("stale PUT = %s", r)
		}
		got["version"] = 2
		if r := do("org2", "PUT", path, got); r.status != 403 {
			t.Errorf("another org's PUT = %s", r)
		}
		if r := do("admin", "PUT", path, got); r.status != 200 {
			t.Errorf("admin's PUT = %s", r)
		}

		// Status: open ⇄ paused, then closed for good.
		status := func(role, to string) response {
			t.Helper()
			return do(role, "POST", path+"/status", map[string]any{"status": to})
		}
		if r := status("org", "paused"); r.status != 200 || r.json(t)["status"] != "paused" || fmt.Sprint(r.json(t)["next_statuses"]) != "[open closed]" {
			t.Errorf("pause = %s", r)
		}
		if r := status("org", "paused"); r.status != 409 {
			t.Errorf("pause twice = %s", r)
		}
		if r := status("org2", "open"); r.status != 403 {
			t.Errorf("another org resumes = %s", r)
		}
		if r := status("org", "draft"); r.status != 422 {
			t.Errorf("unknown status = %s", r)
		}
		if r := status("org", "open"); r.status != 200 {
			t.Errorf("resume = %s", r)
		}
		if r := status("org", "closed"); r.status != 200 || r.json(t)["editable"] != false || fmt.Sprint(r.json(t)["next_statuses"]) != "[]" {
			t.Errorf("close = %s", r)
		}
		if r := status("org", "open"); r.status != 409 {
			t.Errorf("reopen = %s", r)
		}
		got["version"] = 5
		if _, _, field := errorOf(t, do("org", "PUT", path, got)); field != "status" {
			t.Errorf("PUT a closed offer: field %q", field)
		}
		// A closed offer is the organization's and the admin's only; to
		// everyone else it does not exist, whatever they try.
		for _, role := range []string{"org2", "county_hejing", "village", "department"} {
			for _, rq := range []request{{method: "GET", path: path}, {method: "PUT", path: path, body: got}, {method: "POST", path: path + "/status", body: map[string]any{"status": "open"}}} {
				rq.token = f.tokens[role]
				if r := f.do(t, rq); r.status != 404 {
					t.Errorf("%s %s %s on a closed offer = %s", role, rq.method, rq.path, r)
				}
			}
		}
		if r := do("admin", "GET", path, nil); r.status != 200 {
			t.Errorf("admin reads a closed offer = %s", r)
		}

		// Filters and paging.
		for i := 0; i < 3; i++ {
			f.newOffer(t, f.org2)
		}
		for q, n := range map[string]int{"": 5, "org=" + f.org2.ID: 3, "kind=sales": 3, "kind=培训": 2, "action=tech": 2, "status=closed": 1,
			"county=" + ruoqiang: 5, "q=" + f.org2.Name: 3, "q=扩大": 1} {
			r := do("admin", "GET", "/api/v1/offers?"+escapeQuery(q), nil)
			if got := len(items(t, r)); r.status != 200 || got != n {
				t.Errorf("?%s: %d offers, want %d", q, got, n)
			}
		}
		if n := len(items(t, do("org2", "GET", "/api/v1/offers?limit=200", nil))); n != 4 {
			t.Errorf("org2 sees %d offers, want 4 (not the other's closed one)", n)
		}
		r = do("admin", "GET", "/api/v1/offers?limit=4", nil)
		next, _ := r.json(t)["next_cursor"].(string)
		r2 := do("admin", "GET", "/api/v1/offers?limit=4&cursor="+next, nil)
		if len(items(t, r)) != 4 || len(items(t, r2)) != 1 || r2.json(t)["next_cursor"] != "" || r.json(t)["total"] != float64(5) {
			t.Errorf("pages: %s / %s", r, r2)
		}
		for q, field := range map[string]string{"kind=cash": "kind", "status=draft": "status", "county=x": "county", "limit=0": "limit", "action=x": "action"} {
			if _, _, fl := errorOf(t, do("admin", "GET", "/api/v1/offers?"+q, nil)); fl != field {
				t.Errorf("?%s: field %q", q, fl)
			}
		}
		if r := f.do(t, request{method: "GET", path: "/api/v1/offers"}); r.status != 401 {
			t.Errorf("anonymous offers = %s", r)
		}
	})
}

// TestProposals checks that proposals are scored, explained and never
// include what may not be paired: an offer of another action, or of a
// flagged organization.
func TestProposals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		need := f.newNeed(t, hejing, f.village1, zhuxiang.NeedOpen)
		good := f.newOffer(t, f.org1)
		far := f.newOffer(t, f.org2)
		flagged := f.mustOrg(t, "和静县被列入异常名录的协会", hejing, "")
		flaggedOffer := f.newOffer(t, flagged)
		cur := f.current(t, flagged.ID)
		cur.Flags = []zhuxiang.OrgFlag{{Kind: zhuxiang.FlagAbnormal, Source: "测试公告", Date: "2026-01-01"}}
		if _, err := st.UpdateOrg(ctx, zhuxiang.SystemActor, cur); err != nil {
			t.Fatal(err)
		}
		other := &zhuxiang.Offer{OrgID: f.org1.ID, Action: zhuxiang.ActionCulture, Kind: zhuxiang.OfferVolunteers, Title: "文艺演出", Capacity: 1, Area: zhuxiang.AreaAnywhere}
		if _, err := st.CreateOffer(ctx, zhuxiang.SystemActor, other); err != nil {
			t.Fatal(err)
		}
		r := f.do(t, request{method: "GET", path: "/api/v1/needs/" + need.ID + "/proposals", token: f.tokens["county_ruoqiang"]})
		list := items(t, r)
		if r.status != 200 || len(list) != 2 || list[0]["offer_id"] != good.ID || list[1]["offer_id"] != far.ID ||
			list[0]["score"].(float64) <= list[1]["score"].(float64) || !strings.Contains(fmt.Sprint(list[0]["reasons"]), "同县") {
			t.Errorf("proposals = %s", r)
		}
		// An organization is proposed its own offers only
		// (zhuxiang.ProposedOfferScope), as on the need's page.
		r = f.do(t, request{method: "GET", path: "/api/v1/needs/" + need.ID + "/proposals", token: f.tokens["org2"]})
		if list := items(t, r); r.status != 200 || len(list) != 1 || list[0]["offer_id"] != far.ID {
			t.Errorf("an organization's proposals = %s", r)
		}
		for _, id := range []string{flaggedOffer.ID, other.ID} {
			if strings.Contains(string(r.body), id) {
				t.Errorf("proposals include ineligible offer %s", id)
			}
		}
		if r := f.do(t, request{method: "GET", path: "/api/v1/needs/" + need.ID + "/proposals?limit=1", token: f.tokens["village"]}); len(items(t, r)) != 1 {
			t.Errorf("limit=1: %s", r)
		}
		if r := f.do(t, request{method: "GET", path: "/api/v1/needs/" + need.ID + "/proposals?limit=51", token: f.tokens["village"]}); r.status != 422 {
			t.Errorf("limit=51: %s", r)
		}
		r = f.do(t, request{method: "GET", path: "/api/v1/offers/" + good.ID + "/proposals", token: f.tokens["org"]})
		if list := items(t, r); len(list) != 1 || list[0]["need_id"] != need.ID || list[0]["place"] != "和静县 测试村" || strings.Contains(string(r.body), need.Phone) {
			t.Errorf("offer proposals = %s", r)
		}
		draft := f.newNeed(t, hejing, f.village1, zhuxiang.NeedDraft)
		if r := f.do(t, request{method: "GET", path: "/api/v1/needs/" + draft.ID + "/proposals", token: f.tokens["org"]}); r.status != 404 {
			t.Errorf("proposals for a draft the org may not see = %s", r)
		}
		if r := f.do(t, request{method: "GET", path: "/api/v1/needs/" + draft.ID + "/proposals", token: f.tokens["village"]}); r.status != 200 || len(items(t, r)) != 0 {
			t.Errorf("proposals for an own draft = %s", r)
		}
		// An interest with the flagged organization's offer is refused with why.
		r = f.do(t, request{method: "POST", path: "/api/v1/matches", token: f.tokens["county_hejing"], body: map[string]any{"need_id": need.ID, "offer_id": flaggedOffer.ID}})
		if _, msg, field := errorOf(t, r); r.status != 409 || field != "offer" || !strings.Contains(msg, "活动异常") {
			t.Errorf("interest with a flagged org = %s", r)
		}
	})
}

// TestPairings checks entering pairings directly, with and without an
// agreement file, and reading them back.
func TestPairings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		post := func(role string, body map[string]any) response {
			t.Helper()
			return f.do(t, request{method: "POST", path: "/api/v1/pairings", token: f.tokens[role], body: body})
		}
		r := post("county_hejing", map[string]any{"org_id": f.org2.ID, "start_date": "2025/3/1", "end_date": "2027-02-28", "action": "乡村治理", "note": "县级结对"})
		p := r.json(t)
		if r.status != 201 || p["county_code"] != hejing || p["village_code"] != "" || p["place"] != "和静县" || p["source"] != "direct" ||
			p["action"] != "governance" || p["start_date"] != "2025-03-01" || p["agreement"] != nil || r.header.Get("Location") != "/api/v1/pairings/"+fmt.Sprint(p["id"]) {
			t.Errorf("county-level pairing = %s", r)
		}

		pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("协议正文"), 200_000)...) // 2.4 MB: over the usual body limit
		r = post("admin", map[string]any{"org_id": f.org1.ID, "village_code": f.village2, "start_date": "2026-01-01", "agreement": map[string]any{"name": "结对协议.pdf", "data": pdf}})
		p = r.json(t)
		ag, _ := p["agreement"].(map[string]any)
		if r.status != 201 || p["county_code"] != ruoqiang || ag["name"] != "结对协议.pdf" || ag["type"] != "application/pdf" || ag["size"] != float64(len(pdf)) {
			t.Fatalf("pairing with agreement = %d %.300s", r.status, r.body)
		}
		r = f.do(t, request{method: "GET", path: ag["url"].(string), token: f.tokens["org"]})
		if r.status != 200 || !bytes.Equal(r.body, pdf) || r.header.Get("Content-Type") != "application/pdf" ||
			!strings.Contains(r.header.Get("Content-Disposition"), "attachment; filename*=utf-8''") {
			t.Errorf("agreement download = %d %v", r.status, r.header)
		}
		if r := f.do(t, request{method: "GET", path: ag["url"].(string), token: f.tokens["county_hejing"]}); r.status != 404 {
			t.Errorf("agreement of another county's pairing = %d", r.status)
		}
		if r := f.do(t, request{method: "GET", path: "/api/v1/pairings/" + p["id"].(string) + "/agreement", token: f.tokens["county_ruoqiang"]}); r.status != 200 {
			t.Errorf("agreement in scope = %d", r.status)
		}

		flagged := f.mustOrg(t, "和静县失信协会", hejing, "")
		cur := f.current(t, flagged.ID)
		cur.Flags = []zhuxiang.OrgFlag{{Kind: zhuxiang.FlagDishonest, Source: "测试公告", Date: "2026-01-01"}}
		if _, err := st.UpdateOrg(ctx, zhuxiang.SystemActor, cur); err != nil {
			t.Fatal(err)
		}
		for name, c := range map[string]struct {
			role   string
			body   map[string]any
			status int
			field  string
		}{
			"agreement that is not a PDF or image": {"admin", map[string]any{"org_id": f.org1.ID, "county_code": hejing, "start_date": "2026-01-01",
				"agreement": map[string]any{"name": "a.pdf", "data": []byte("just text")}}, 422, "file"},
			"agreement not base64":   {"admin", map[string]any{"org_id": f.org1.ID, "county_code": hejing, "start_date": "2026-01-01", "agreement": map[string]any{"data": "不是base64"}}, 422, "agreement.data"},
			"flagged organization":   {"admin", map[string]any{"org_id": flagged.ID, "county_code": hejing, "start_date": "2026-01-01"}, 409, "org"},
			"unknown organization":   {"admin", map[string]any{"org_id": "nope", "county_code": hejing, "start_date": "2026-01-01"}, 422, "org"},
			"no start date":          {"admin", map[string]any{"org_id": f.org1.ID, "county_code": hejing}, 422, "start_date"},
			"end before start":       {"admin", map[string]any{"org_id": f.org1.ID, "county_code": hejing, "start_date": "2026-01-01", "end_date": "2025-01-01"}, 422, "end_date"},
			"bad date":               {"admin", map[string]any{"org_id": f.org1.ID, "county_code": hejing, "start_date": "2026-02-30"}, 422, "start_date"},
			"village not in county":  {"admin", map[string]any{"org_id": f.org1.ID, "county_code": hejing, "village_code": f.village2, "start_date": "2026-01-01"}, 422, "village"},
			"not a county":           {"admin", map[string]any{"org_id": f.org1.ID, "county_code": "652827100", "start_date": "2026-01-01"}, 422, "county"},
			"unknown action":         {"admin", map[string]any{"org_id": f.org1.ID, "county_code": hejing, "start_date": "2026-01-01", "action": "x"}, 422, "action"},
			"need_id is not taken":   {"admin", map[string]any{"org_id": f.org1.ID, "county_code": hejing, "start_date": "2026-01-01", "need_id": "x"}, 422, "need_id"},
			"village enters":         {"village", map[string]any{"org_id": f.org1.ID, "village_code": f.village1, "start_date": "2026-01-01"}, 403, ""},
			"organization enters":    {"org", map[string]any{"org_id": f.org1.ID, "village_code": f.village1, "start_date": "2026-01-01"}, 403, ""},
			"other county's village": {"county_hejing", map[string]any{"org_id": f.org1.ID, "village_code": f.village2, "start_date": "2026-01-01"}, 403, ""},
		} {
			r := post(c.role, c.body)
			if _, msg, field := errorOf(t, r); r.status != c.status || field != c.field || !hasHan(msg) {
				t.Errorf("%s = %s, want %d field %q", name, r, c.status, c.field)
			}
		}

		for i := 0; i < 3; i++ {
			f.newPairing(t, f.org1, f.village1)
		}
		count := func(role, q string) (int, map[string]any) {
			t.Helper()
			r := f.do(t, request{method: "GET", path: "/api/v1/pairings?" + q, token: f.tokens[role]})
			if r.status != 200 {
				t.Fatalf("?%s = %s", q, r)
			}
			return len(items(t, r)), r.json(t)
		}
		for _, c := range []struct {
			role, q string
			n       int
		}{
			{"admin", "", 5}, {"admin", "source=direct", 5}, {"admin", "source=match", 0}, {"admin", "county=" + ruoqiang, 1},
			{"admin", "org=" + f.org2.ID, 1}, {"admin", "action=governance", 1}, {"admin", "q=" + url.QueryEscape("测试村"), 4},
			{"county_hejing", "", 4}, {"county_ruoqiang", "", 1}, {"village", "", 3}, {"org", "", 4}, {"org2", "", 1}, {"department", "", 4},
		} {
			if n, _ := count(c.role, c.q); n != c.n {
				t.Errorf("?%s as %s: %d pairings, want %d", c.q, c.role, n, c.n)
			}
		}
		var seen []string
		q := "limit=2"
		for page := 0; ; page++ {
			n, m := count("admin", q)
			if m["total"] != float64(5) || n == 0 {
				t.Fatalf("page %d: %v", page, m)
			}
			for _, it := range m["items"].([]any) {
				seen = append(seen, it.(map[string]any)["id"].(string))
			}
			next := m["next_cursor"].(string)
			if next == "" {
				break
			}
			q = "limit=2&cursor=" + next
			if page > 3 {
				t.Fatal("pagination does not end")
			}
		}
		if len(seen) != 5 {
			t.Errorf("paged through %d pairings", len(seen))
		}
		for q, field := range map[string]string{"source=x": "source", "cursor=-1": "cursor", "limit=501": "limit", "county=x": "county"} {
			r := f.do(t, request{method: "GET", path: "/api/v1/pairings?" + q, token: f.tokens["admin"]})
			if _, _, fl := errorOf(t, r); r.status != 422 || fl != field {
				t.Errorf("?%s = %s", q, r)
			}
		}
		first := f.newPairing(t, f.org1, f.village1)
		if r := f.do(t, request{method: "GET", path: "/api/v1/pairings/" + first.ID + "/agreement", token: f.tokens["admin"]}); r.status != 404 {
			t.Errorf("agreement of a pairing without one = %s", r)
		}
	})
}

// TestPublicNeeds checks the anonymous endpoints: public needs only, no
// personal data, whoever calls and whatever credentials come along.
func TestPublicNeeds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		open := f.newNeed(t, hejing, f.village1, zhuxiang.NeedOpen)
		matched := f.newNeed(t, ruoqiang, f.village2, zhuxiang.NeedMatched)
		var hidden []*zhuxiang.Need
		for _, s := range []zhuxiang.NeedStatus{zhuxiang.NeedDraft, zhuxiang.NeedSubmitted, zhuxiang.NeedRejected, zhuxiang.NeedClosed} {
			hidden = append(hidden, f.newNeed(t, hejing, f.village1, s))
		}
		for _, tok := range []string{"", f.tokens["admin"], f.tokens["village"]} {
			r := f.do(t, request{method: "GET", path: "/api/v1/public/needs", token: tok})
			list := items(t, r)
			if r.status != 200 || len(list) != 2 || r.json(t)["total"] != float64(2) {
				t.Errorf("public list = %s", r)
			}
			for _, n := range append(hidden, open, matched) {
				if strings.Contains(string(r.body), n.Phone) || strings.Contains(string(r.body), n.Contact) {
					t.Errorf("public list leaks the contact of %s", n.Title)
				}
			}
			for _, n := range hidden {
				assertNeedAbsent(t, r, n)
			}
			keys := strings.Join(sortedKeys(list[0]), " ")
			if want := "action action_label budget_fen category county county_code created_at description id people people_kinds quantity status status_label title unit updated_at urgency urgency_label village village_code village_tags wanted_by"; keys != want {
				t.Errorf("public item fields = %s", keys)
			}
		}
		r := f.do(t, request{method: "GET", path: "/api/v1/public/needs/" + matched.ID})
		if m := r.json(t); r.status != 200 || fmt.Sprint(m["matched_orgs"]) != "["+f.org2.Name+"]" || m["phone"] != nil {
			t.Errorf("public matched need = %s", r)
		}
		for _, n := range hidden {
			r := f.do(t, request{method: "GET", path: "/api/v1/public/needs/" + n.ID, token: f.tokens["admin"]})
			if r.status != 404 {
				t.Errorf("public %s need = %s", n.Status, r)
			}
		}
		for q, n := range map[string]int{"status=matched": 1, "county=" + hejing: 1, "action=welfare": 0, "q=" + open.Title: 1} {
			r := f.do(t, request{method: "GET", path: "/api/v1/public/needs?" + escapeQuery(q)})
			if len(items(t, r)) != n {
				t.Errorf("public ?%s: %s", q, r)
			}
		}
		for _, q := range []string{"status=draft", "status=closed", "limit=0"} {
			if r := f.do(t, request{method: "GET", path: "/api/v1/public/needs?" + q}); r.status != 422 {
				t.Errorf("public ?%s = %s", q, r)
			}
		}
		if r := f.do(t, request{method: "POST", path: "/api/v1/public/needs", body: needBody(f.village1)}); r.status != 405 {
			t.Errorf("POST to the public list = %s", r)
		}
	})
}

// TestAllocations runs the plan through the API and reads it back.
func TestAllocations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		a := f.newNeed(t, hejing, f.village1, zhuxiang.NeedOpen)
		b := f.newNeed(t, ruoqiang, f.village2, zhuxiang.NeedOpen)
		f.newNeed(t, hejing, f.village1, zhuxiang.NeedDraft)
		offer := f.newOffer(t, f.org1)
		r := f.do(t, request{method: "POST", path: "/api/v1/plans", token: f.tokens["admin"], body: "{}"})
		p := r.json(t)
		if r.status != 201 || p["needs"] != float64(2) || p["matched"] != float64(2) || r.header.Get("Location") != "/api/v1/plans/"+fmt.Sprint(p["id"]) {
			t.Fatalf("run plan = %s", r)
		}
		var its []map[string]any
		raw, _ := json.Marshal(p["items"])
		json.Unmarshal(raw, &its)
		if len(its) != 2 || its[0]["offer_id"] != offer.ID || (its[0]["need_id"] != a.ID && its[0]["need_id"] != b.ID) || len(its[0]["reasons"].([]any)) == 0 {
			t.Errorf("plan items = %v", its)
		}
		if w := p["weights"].(map[string]any); w["action"] != float64(100) {
			t.Errorf("weights = %v", w)
		}
		if r := f.do(t, request{method: "POST", path: "/api/v1/plans", token: f.tokens["admin"], body: `{"weights":{}}`}); r.status != 422 {
			t.Errorf("plan with parameters = %s", r)
		}
		f.do(t, request{method: "POST", path: "/api/v1/plans", token: f.tokens["admin"], body: ""})
		r = f.do(t, request{method: "GET", path: "/api/v1/plans?limit=1", token: f.tokens["county_ruoqiang"]})
		list := items(t, r)
		if r.status != 200 || len(list) != 1 || list[0]["items"] != nil || r.json(t)["truncated"] != true {
			t.Errorf("plan list = %s", r)
		}
		r = f.do(t, request{method: "GET", path: "/api/v1/plans/" + p["id"].(string), token: f.tokens["county_hejing"]})
		if m := r.json(t); r.status != 200 || m["id"] != p["id"] || len(m["items"].([]any)) != 2 {
			t.Errorf("plan = %s", r)
		}
		if r := f.do(t, request{method: "GET", path: "/api/v1/plans/nope", token: f.tokens["admin"]}); r.status != 404 {
			t.Errorf("unknown plan = %s", r)
		}
		if r := f.do(t, request{method: "GET", path: "/api/v1/plans?limit=51", token: f.tokens["admin"]}); r.status != 422 {
			t.Errorf("limit=51 = %s", r)
		}
	})
}
