package api_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"zhuxiang"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

// TestNeedTransitions drives every step of the need lifecycle through the
// API, and every kind of refusal: wrong role (403), out of scope (404 for a
// need the caller may not see, 403 for a public one), wrong state (409),
// missing reason (422), stale version (409), no credentials (401).
func TestNeedTransitions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		v1, v2 := f.village1, f.village2
		cases := []struct {
			name            string
			role            string // "" for anonymous
			county, village string
			from            zhuxiang.NeedStatus
			step            string
			body            any // nil: no body at all
			stale           bool
			status          int
			field           string // of the error, when there is one
			after           zhuxiang.NeedStatus
		}{
			{"village submits its draft", "village", hejing, v1, zhuxiang.NeedDraft, "submit", nil, false, 200, "", zhuxiang.NeedSubmitted},
			{"village resubmits a returned need", "village", hejing, v1, zhuxiang.NeedRejected, "submit", map[string]any{}, false, 200, "", zhuxiang.NeedSubmitted},
			{"county submits a county-level draft", "county_hejing", hejing, "", zhuxiang.NeedDraft, "submit", nil, false, 200, "", zhuxiang.NeedSubmitted},
			{"admin submits anywhere", "admin", ruoqiang, v2, zhuxiang.NeedDraft, "submit", nil, false, 200, "", zhuxiang.NeedSubmitted},
			{"village submits another village's draft", "village", ruoqiang, v2, zhuxiang.NeedDraft, "submit", nil, false, 404, "", zhuxiang.NeedDraft},
			{"department submits", "department", hejing, v1, zhuxiang.NeedDraft, "submit", nil, false, 404, "", zhuxiang.NeedDraft},
			{"organization submits", "org", hejing, v1, zhuxiang.NeedDraft, "submit", nil, false, 404, "", zhuxiang.NeedDraft},
			{"submit a submitted need", "village", hejing, v1, zhuxiang.NeedSubmitted, "submit", nil, false, 409, "status", zhuxiang.NeedSubmitted},
			{"anonymous submits", "", hejing, v1, zhuxiang.NeedDraft, "submit", nil, false, 401, "", zhuxiang.NeedDraft},

			{"county approves", "county_hejing", hejing, v1, zhuxiang.NeedSubmitted, "approve", nil, false, 200, "", zhuxiang.NeedOpen},
			{"admin approves with the current version", "admin", hejing, v1, zhuxiang.NeedSubmitted, "approve", "version", false, 200, "", zhuxiang.NeedOpen},
			{"approve from a stale version", "county_hejing", hejing, v1, zhuxiang.NeedSubmitted, "approve", "version", true, 409, "version", zhuxiang.NeedSubmitted},
			{"village approves its own need", "village", hejing, v1, zhuxiang.NeedSubmitted, "approve", nil, false, 403, "", zhuxiang.NeedSubmitted},
			{"other county approves an unpublished need", "county_ruoqiang", hejing, v1, zhuxiang.NeedSubmitted, "approve", nil, false, 404, "", zhuxiang.NeedSubmitted},
			{"county approves a draft", "county_hejing", hejing, v1, zhuxiang.NeedDraft, "approve", nil, false, 409, "status", zhuxiang.NeedDraft},
			{"county approves an open need", "county_hejing", hejing, v1, zhuxiang.NeedOpen, "approve", nil, false, 409, "status", zhuxiang.NeedOpen},
			{"department approves a public need", "department", hejing, v1, zhuxiang.NeedOpen, "approve", nil, false, 403, "", zhuxiang.NeedOpen},

			{"county rejects without a reason", "county_hejing", hejing, v1, zhuxiang.NeedSubmitted, "reject", map[string]any{}, false, 422, "reason", zhuxiang.NeedSubmitted},
			{"county rejects with a blank reason", "county_hejing", hejing, v1, zhuxiang.NeedSubmitted, "reject", map[string]any{"reason": "  "}, false, 422, "reason", zhuxiang.NeedSubmitted},
			{"county rejects with a reason", "county_hejing", hejing, v1, zhuxiang.NeedSubmitted, "reject", map[string]any{"reason": "预算依据不足"}, false, 200, "", zhuxiang.NeedRejected},
			{"village rejects", "village", hejing, v1, zhuxiang.NeedSubmitted, "reject", map[string]any{"reason": "x"}, false, 403, "", zhuxiang.NeedSubmitted},

			{"village closes its open need", "village", hejing, v1, zhuxiang.NeedOpen, "close", map[string]any{"reason": "已自行解决"}, false, 200, "", zhuxiang.NeedClosed},
			{"county closes a draft", "county_hejing", hejing, v1, zhuxiang.NeedDraft, "close", map[string]any{"reason": "重复"}, false, 200, "", zhuxiang.NeedClosed},
			{"close without a reason", "village", hejing, v1, zhuxiang.NeedOpen, "close", nil, false, 422, "reason", zhuxiang.NeedOpen},
			{"other county closes a public need", "county_ruoqiang", hejing, v1, zhuxiang.NeedOpen, "close", map[string]any{"reason": "x"}, false, 403, "", zhuxiang.NeedOpen},
			{"village closes its county's own need", "village", hejing, "", zhuxiang.NeedOpen, "close", map[string]any{"reason": "x"}, false, 403, "", zhuxiang.NeedOpen},
			{"organization closes", "org", hejing, v1, zhuxiang.NeedOpen, "close", map[string]any{"reason": "x"}, false, 403, "", zhuxiang.NeedOpen},
			{"close a matched need", "county_hejing", hejing, v1, zhuxiang.NeedMatched, "close", map[string]any{"reason": "x"}, false, 409, "status", zhuxiang.NeedMatched},
			{"close a closed need", "county_hejing", hejing, v1, zhuxiang.NeedClosed, "close", map[string]any{"reason": "x"}, false, 409, "status", zhuxiang.NeedClosed},

			{"village confirms done", "village", hejing, v1, zhuxiang.NeedMatched, "done", nil, false, 200, "", zhuxiang.NeedDone},
			{"done before matching", "village", hejing, v1, zhuxiang.NeedOpen, "done", nil, false, 409, "status", zhuxiang.NeedOpen},
			{"other county confirms done", "county_ruoqiang", hejing, v1, zhuxiang.NeedMatched, "done", nil, false, 403, "", zhuxiang.NeedMatched},
			{"paired organization confirms done", "org", hejing, v1, zhuxiang.NeedMatched, "done", nil, false, 403, "", zhuxiang.NeedMatched},
			{"done twice", "county_hejing", hejing, v1, zhuxiang.NeedDone, "done", nil, false, 409, "status", zhuxiang.NeedDone},

			{"malformed body", "village", hejing, v1, zhuxiang.NeedDraft, "submit", "{", false, 400, "", zhuxiang.NeedDraft},
			{"unknown field", "village", hejing, v1, zhuxiang.NeedDraft, "submit", map[string]any{"why": "x"}, false, 422, "why", zhuxiang.NeedDraft},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				n := f.newNeed(t, c.county, c.village, c.from)
				body := c.body
				switch body {
				case nil:
					body = ""
				case "version":
					v := n.Version
					if c.stale {
						v--
					}
					body = map[string]any{"version": v}
				}
				r := f.do(t, request{method: "POST", path: "/api/v1/needs/" + n.ID + "/" + c.step, token: f.tokens[c.role], body: body})
				if r.status != c.status {
					t.Fatalf("%s = %s, want %d", c.step, r, c.status)
				}
				if r.status >= 400 {
					code, msg, field := errorOf(t, r)
					if field != c.field || !hasHan(msg) || (r.status != 400 && code != string(codeFor(r.status))) {
						t.Errorf("error = %s, want field %q", r.body, c.field)
					}
					if r.status == 404 {
						assertNeedAbsent(t, r, n)
					}
				} else {
					m := r.json(t)
					if m["status"] != string(c.after) || m["version"] != float64(n.Version+1) {
						t.Errorf("answer = %s", r.body)
					}
					if c.step == "reject" && m["reason"] != "预算依据不足" {
						t.Errorf("reason not kept: %v", m["reason"])
					}
					if c.step == "submit" && m["reason"] != "" {
						t.Errorf("a resubmitted need still shows the old reason %v", m["reason"])
					}
					if (c.step == "approve" || c.step == "reject") && (m["reviewed_at"] == "" || m["reviewed_by"] == "") {
						t.Errorf("review not recorded: %s", r.body)
					}
				}
				if got := f.currentNeed(t, n.ID).Status; got != c.after {
					t.Errorf("need is %s after, want %s", got, c.after)
				}
			})
		}

		n := f.newNeed(t, hejing, v1, zhuxiang.NeedDraft)
		r := f.do(t, request{method: "POST", path: "/api/v1/needs/" + n.ID + "/publish", token: f.tokens["admin"], body: ""})
		if code, _, _ := errorOf(t, r); r.status != 404 || code != "not_found" {
			t.Errorf("unknown step = %s", r)
		}
		r = f.do(t, request{method: "GET", path: "/api/v1/needs/" + n.ID + "/submit", token: f.tokens["admin"]})
		if r.status != 405 || r.header.Get("Allow") != "POST" {
			t.Errorf("GET on a step = %s %v", r, r.header)
		}
		// The steps a caller may take are announced with the need.
		for role, want := range map[string]string{"village": "[submit close]", "county_hejing": "[submit close]", "department": "", "org": ""} {
			r := f.do(t, request{method: "GET", path: "/api/v1/needs/" + n.ID, token: f.tokens[role]})
			if want == "" {
				if r.status != 404 {
					t.Errorf("%s reads a draft: %s", role, r)
				}
				continue
			}
			if got := fmt.Sprint(r.json(t)["actions"]); got != want {
				t.Errorf("%s actions = %s, want %s", role, got, want)
			}
		}
		sub := f.newNeed(t, hejing, v1, zhuxiang.NeedSubmitted)
		r = f.do(t, request{method: "GET", path: "/api/v1/needs/" + sub.ID, token: f.tokens["county_hejing"]})
		if got := fmt.Sprint(r.json(t)["actions"]); got != "[approve reject close]" || r.json(t)["editable"] != false {
			t.Errorf("county's actions on a submitted need = %s", got)
		}
	})
}

// codeFor is the error code an API status stands for.
func codeFor(status int) zhuxiang.ErrorCode {
	for _, c := range []zhuxiang.ErrorCode{zhuxiang.ENotFound, zhuxiang.EForbidden, zhuxiang.EInvalid, zhuxiang.EConflict, zhuxiang.EUnauthorized, zhuxiang.ETooLarge} {
		if c.HTTPStatus() == status {
			return c
		}
	}
	return zhuxiang.EInternal
}

// TestMatchLifecycle follows interests through the API: an organization's
// interest accepted by the county and confirmed makes a pairing and the
// need matched in one step; a second accepted match on the same need can
// then not be confirmed; declining needs a reason; only the initiator
// withdraws; closing a need withdraws what still waits on it.
func TestMatchLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		tok := f.tokens
		need := f.newNeed(t, hejing, f.village1, zhuxiang.NeedOpen)
		offerA, offerB := f.newOffer(t, f.org1), f.newOffer(t, f.org2)
		post := func(role, path string, body any) response {
			t.Helper()
			if body == nil {
				body = ""
			}
			return f.do(t, request{method: "POST", path: path, token: tok[role], body: body})
		}
		interest := func(role, needID, offerID string) response {
			t.Helper()
			return post(role, "/api/v1/matches", map[string]any{"need_id": needID, "offer_id": offerID, "note": "我们有销售渠道"})
		}
		expect := func(what string, r response, status int, field string) map[string]any {
			t.Helper()
			if r.status != status {
				t.Fatalf("%s = %s, want %d", what, r, status)
			}
			if status >= 400 {
				if _, msg, fl := errorOf(t, r); fl != field || !hasHan(msg) {
					t.Errorf("%s: error %s, want field %q", what, r.body, field)
				}
				return nil
			}
			return r.json(t)
		}

		expect("org's interest with another org's offer", interest("org", need.ID, offerB.ID), 403, "")
		expect("interest without an offer", post("org", "/api/v1/matches", map[string]any{"need_id": need.ID}), 422, "offer_id")
		expect("interest in an unknown need", interest("org", "nope", offerA.ID), 404, "")
		a := expect("org's interest", interest("org", need.ID, offerA.ID), 201, "")
		if a["initiator"] != "org" || a["status"] != "pending" || a["note"] != "我们有销售渠道" || a["score"].(float64) < 100 || len(a["reasons"].([]any)) == 0 {
			t.Errorf("interest = %v", a)
		}
		expect("the same interest again", interest("org", need.ID, offerA.ID), 409, "offer")
		b := expect("county's interest in org2's offer", interest("county_hejing", need.ID, offerB.ID), 201, "")
		if b["initiator"] != "county" {
			t.Errorf("county's interest = %v", b)
		}
		ma, mb := "/api/v1/matches/"+a["id"].(string), "/api/v1/matches/"+b["id"].(string)

		expect("initiator accepts its own interest", post("org", ma+"/accept", nil), 403, "")
		expect("decline without a reason", post("county_hejing", ma+"/decline", map[string]any{}), 422, "reason")
		expect("other county accepts", post("county_ruoqiang", ma+"/accept", nil), 404, "")
		expect("village accepts", post("village", ma+"/accept", nil), 403, "")
		expect("department accepts", post("department", ma+"/accept", nil), 404, "")
		expect("confirm before acceptance", post("county_hejing", ma+"/confirm", nil), 409, "status")
		acc := expect("county accepts", post("county_hejing", ma+"/accept", nil), 200, "")
		if acc["status"] != "accepted" || !slices.Contains(anyStrings(acc["actions"]), "confirm") {
			t.Errorf("accepted = %v", acc)
		}
		expect("org2 accepts the county's interest", post("org2", mb+"/accept", nil), 200, "")
		expect("org confirms", post("org", ma+"/confirm", nil), 403, "")

		conf := expect("county confirms", post("county_hejing", ma+"/confirm", nil), 200, "")
		pid, _ := conf["pairing_id"].(string)
		if conf["status"] != "confirmed" || pid == "" || len(anyStrings(conf["actions"])) != 0 {
			t.Fatalf("confirmed = %v", conf)
		}
		n := expect("need after confirmation", f.do(t, request{method: "GET", path: "/api/v1/needs/" + need.ID, token: tok["county_hejing"]}), 200, "")
		if n["status"] != "matched" || fmt.Sprint(n["matched_orgs"]) != "["+f.org1.Name+"]" {
			t.Errorf("need after confirmation = %v", n)
		}
		p := expect("the pairing", f.do(t, request{method: "GET", path: "/api/v1/pairings/" + pid, token: tok["org"]}), 200, "")
		if p["source"] != "match" || p["need_id"] != need.ID || p["match_id"] != a["id"] || p["village_code"] != f.village1 || p["action"] != "industry" {
			t.Errorf("pairing = %v", p)
		}
		// The paired organization now needs the village's contact; the
		// one that only expressed interest still does not see it.
		if m := expect("need as the paired org", f.do(t, request{method: "GET", path: "/api/v1/needs/" + need.ID, token: tok["org"]}), 200, ""); m["phone"] != need.Phone {
			t.Errorf("paired org does not see the phone: %v", m["phone"])
		}
		if m := expect("need as the other org", f.do(t, request{method: "GET", path: "/api/v1/needs/" + need.ID, token: tok["org2"]}), 200, ""); m["phone"] != "" {
			t.Errorf("unpaired org sees the phone: %v", m["phone"])
		}
		if o := expect("offer after confirmation", f.do(t, request{method: "GET", path: "/api/v1/offers/" + offerA.ID, token: tok["org"]}), 200, ""); o["in_use"] != float64(1) || o["remaining"] != float64(9) {
			t.Errorf("offer in use = %v", o)
		}
		// The confirmation withdrew the other match still waiting on the need.
		if m := expect("the other match", f.do(t, request{method: "GET", path: mb, token: tok["org2"]}), 200, ""); m["status"] != "withdrawn" {
			t.Errorf("other match after the confirmation = %v", m)
		}
		expect("confirm a second match on a matched need", post("county_hejing", mb+"/confirm", nil), 409, "status")
		expect("interest in a matched need", interest("org2", need.ID, offerB.ID), 409, "status")
		if got := f.currentNeed(t, need.ID).Status; got != zhuxiang.NeedMatched {
			t.Errorf("need is %s", got)
		}

		// Withdrawing is the initiator's alone.
		need2 := f.newNeed(t, hejing, f.village1, zhuxiang.NeedOpen)
		c := expect("county's interest", interest("county_hejing", need2.ID, offerA.ID), 201, "")
		mc := "/api/v1/matches/" + c["id"].(string)
		if got := anyStrings(expect("match as org", f.do(t, request{method: "GET", path: mc, token: tok["org"]}), 200, "")["actions"]); fmt.Sprint(got) != "[accept decline]" {
			t.Errorf("org's actions on the county's interest = %v", got)
		}
		expect("org withdraws the county's interest", post("org", mc+"/withdraw", nil), 403, "")
		expect("org declines without a reason", post("org", mc+"/decline", nil), 422, "reason")
		w := expect("county withdraws its interest", post("county_hejing", mc+"/withdraw", nil), 200, "")
		if w["status"] != "withdrawn" {
			t.Errorf("withdrawn = %v", w)
		}
		expect("withdraw twice", post("county_hejing", mc+"/withdraw", nil), 409, "status")
		d := expect("county's interest again", interest("county_hejing", need2.ID, offerA.ID), 201, "")
		dec := expect("org declines with a reason", post("org", "/api/v1/matches/"+d["id"].(string)+"/decline", map[string]any{"reason": "今年名额已满"}), 200, "")
		if dec["status"] != "declined" || dec["reason"] != "今年名额已满" {
			t.Errorf("declined = %v", dec)
		}
		e := expect("org's interest", interest("org", need2.ID, offerA.ID), 201, "")
		me := "/api/v1/matches/" + e["id"].(string)
		expect("county accepts", post("county_hejing", me+"/accept", nil), 200, "")
		expect("refuse without a reason", post("county_hejing", me+"/refuse", nil), 422, "reason")
		if ref := expect("county refuses", post("county_hejing", me+"/refuse", map[string]any{"reason": "与村里计划不符"}), 200, ""); ref["status"] != "declined" {
			t.Errorf("refused = %v", ref)
		}

		// Closing a need ends the interests still waiting on it.
		g := expect("org's interest", interest("org", need2.ID, offerA.ID), 201, "")
		expect("village closes the need", post("village", "/api/v1/needs/"+need2.ID+"/close", map[string]any{"reason": "村里已解决"}), 200, "")
		if m := expect("match after close", f.do(t, request{method: "GET", path: "/api/v1/matches/" + g["id"].(string), token: tok["org"]}), 200, ""); m["status"] != "withdrawn" {
			t.Errorf("live match after the need closed = %v", m)
		}

		// The lists show each side its own.
		r := f.do(t, request{method: "GET", path: "/api/v1/matches?need_id=" + need.ID, token: tok["org2"]})
		if got := items(t, r); len(got) != 1 || got[0]["id"] != b["id"] {
			t.Errorf("org2's matches on the need = %s", r.body)
		}
		r = f.do(t, request{method: "GET", path: "/api/v1/matches?live=true&limit=1", token: tok["county_hejing"]})
		if got := items(t, r); r.status != 200 || len(got) != 0 || r.json(t)["truncated"] != false {
			t.Errorf("live matches = %s", r.body)
		}
		for q, field := range map[string]string{"status=bad": "status", "live=maybe": "live", "limit=201": "limit"} {
			if _, _, fl := errorOf(t, f.do(t, request{method: "GET", path: "/api/v1/matches?" + q, token: tok["admin"]})); fl != field {
				t.Errorf("?%s: field %q", q, fl)
			}
		}
		expect("village marks the need done", post("village", "/api/v1/needs/"+need.ID+"/done", nil), 200, "")
	})
}

func anyStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

// TestNeedBodies checks creating and editing needs: defaults of place by
// role, validation with the field named, optimistic locking, and that only
// drafts and returned needs change.
func TestNeedBodies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		post := func(role string, body any) response {
			return f.do(t, request{method: "POST", path: "/api/v1/needs", token: f.tokens[role], body: body})
		}
		body := needBody("")
		delete(body, "village_code")
		r := post("village", body)
		if m := r.json(t); r.status != 201 || m["village_code"] != f.village1 || m["county_code"] != hejing || m["village"] != "测试村" {
			t.Errorf("village's need without a place = %s", r)
		}
		body = needBody("")
		body["status"] = "submitted"
		r = post("county_hejing", body)
		if m := r.json(t); r.status != 201 || m["village_code"] != "" || m["county_code"] != hejing || m["status"] != "submitted" {
			t.Errorf("county's need without a place = %s", r)
		}
		body = needBody(f.village2)
		body["action"] = "文化润疆"
		if m := post("admin", body).json(t); m["action"] != "culture" || m["action_label"] != "文化润疆帮扶行动" || m["county_code"] != ruoqiang {
			t.Errorf("Chinese action name = %v", m)
		}

		for name, c := range map[string]struct {
			set    map[string]any
			status int
			field  string
		}{
			"phone in the description":  {map[string]any{"description": "请联系13912345678"}, 422, "description"},
			"unknown action":            {map[string]any{"action": "教育"}, 422, "action"},
			"empty title":               {map[string]any{"title": " "}, 422, "title"},
			"negative budget":           {map[string]any{"budget_fen": -1}, 422, "budget"},
			"budget as text":            {map[string]any{"budget_fen": "一万"}, 422, "budget_fen"},
			"unknown people kind":       {map[string]any{"people_kinds": []string{"外地人"}}, 422, "people_kinds"},
			"bad date":                  {map[string]any{"wanted_by": "明年"}, 422, "wanted_by"},
			"open at once":              {map[string]any{"status": "open"}, 422, "status"},
			"unknown field":             {map[string]any{"budget": 1}, 422, "budget"},
			"village of another county": {map[string]any{"county_code": ruoqiang}, 422, "village"},
			"no such village":           {map[string]any{"village_code": "652827999999"}, 422, "village"},
		} {
			b := needBody(f.village1)
			for k, v := range c.set {
				b[k] = v
			}
			r := post("admin", b)
			if _, msg, field := errorOf(t, r); r.status != c.status || field != c.field || !hasHan(msg) {
				t.Errorf("%s = %s, want %d field %q", name, r, c.status, c.field)
			}
		}
		// Refused roles learn so before their body is looked at.
		for _, role := range []string{"department", "org"} {
			if r := post(role, map[string]any{}); r.status != 403 {
				t.Errorf("%s posts an empty need = %s", role, r)
			}
		}

		// A GET answer can be changed and PUT back as is.
		n := f.newNeed(t, hejing, f.village1, zhuxiang.NeedRejected)
		path := "/api/v1/needs/" + n.ID
		got := f.do(t, request{method: "GET", path: path, token: f.tokens["village"]}).json(t)
		got["title"] = "补充说明后再提交"
		got["county_code"] = ruoqiang // the place of a need does not move; not an error
		r = f.do(t, request{method: "PUT", path: path, token: f.tokens["village"], body: got})
		if m := r.json(t); r.status != 200 || m["title"] != "补充说明后再提交" || m["county_code"] != hejing || m["status"] != "rejected" {
			t.Errorf("round trip PUT = %s", r)
		}
		r = f.do(t, request{method: "PUT", path: path, token: f.tokens["village"], body: got})
		if _, _, field := errorOf(t, r); r.status != 409 || field != "version" {
			t.Errorf("stale PUT = %s", r)
		}
		delete(got, "version")
		if r := f.do(t, request{method: "PUT", path: path, token: f.tokens["village"], body: got}); r.status != 422 {
			t.Errorf("PUT without version = %s", r)
		}
		got["version"], got["id"] = 2, "other"
		if r := f.do(t, request{method: "PUT", path: path, token: f.tokens["village"], body: got}); r.status != 422 {
			t.Errorf("PUT with another id = %s", r)
		}
		open := f.newNeed(t, hejing, f.village1, zhuxiang.NeedOpen)
		r = f.do(t, request{method: "PUT", path: "/api/v1/needs/" + open.ID, token: f.tokens["county_hejing"], body: needPutBody(open, "公开后改标题")})
		if _, _, field := errorOf(t, r); r.status != 409 || field != "status" {
			t.Errorf("PUT an open need = %s", r)
		}
		r = f.do(t, request{method: "PUT", path: "/api/v1/needs/" + open.ID, token: f.tokens["county_ruoqiang"], body: needPutBody(open, "外县改标题")})
		if r.status != 403 {
			t.Errorf("other county PUTs a public need = %s", r)
		}
		draft := f.newNeed(t, hejing, f.village1, zhuxiang.NeedDraft)
		r = f.do(t, request{method: "PUT", path: "/api/v1/needs/" + draft.ID, token: f.tokens["county_ruoqiang"], body: needPutBody(draft, "外县改草稿")})
		if r.status != 404 {
			t.Errorf("other county PUTs an unpublished need = %s (must not betray that it exists)", r)
		}
	})
}

// TestNeedLists checks the list's filters, paging and refusals.
func TestNeedLists(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		for _, s := range []zhuxiang.NeedStatus{zhuxiang.NeedDraft, zhuxiang.NeedOpen, zhuxiang.NeedOpen, zhuxiang.NeedMatched} {
			f.newNeed(t, hejing, f.village1, s)
		}
		f.newNeed(t, ruoqiang, f.village2, zhuxiang.NeedOpen)
		f.newNeed(t, ruoqiang, f.village2, zhuxiang.NeedSubmitted)
		count := func(role, q string) int {
			t.Helper()
			r := f.do(t, request{method: "GET", path: "/api/v1/needs?" + q, token: f.tokens[role]})
			if r.status != 200 {
				t.Fatalf("?%s as %s = %s", q, role, r)
			}
			return len(items(t, r))
		}
		for _, c := range []struct {
			role, q string
			n       int
		}{
			{"admin", "", 6},
			{"admin", "status=open", 3},
			{"admin", "county=" + ruoqiang, 2},
			{"admin", "village=" + f.village1, 4},
			{"admin", "action=industry", 6},
			{"admin", "action=welfare", 0},
			{"admin", "q=" + "测试需求", 6},
			{"county_hejing", "", 5},
			{"county_hejing", "mine=true", 4},
			{"county_ruoqiang", "mine=1", 2},
			{"department", "", 4},
			{"department", "mine=true", 0},
			{"village", "status=draft", 1},
		} {
			if got := count(c.role, escapeQuery(c.q)); got != c.n {
				t.Errorf("?%s as %s: %d needs, want %d", c.q, c.role, got, c.n)
			}
		}
		var ids []string
		path := "/api/v1/needs?limit=4"
		for page := 0; path != ""; page++ {
			r := f.do(t, request{method: "GET", path: path, token: f.tokens["admin"]})
			m := r.json(t)
			if m["total"] != float64(6) || m["total_capped"] != false {
				t.Fatalf("page %d = %s", page, r)
			}
			for _, it := range items(t, r) {
				ids = append(ids, it["id"].(string))
			}
			path = ""
			if next := m["next_cursor"].(string); next != "" {
				path = "/api/v1/needs?limit=4&cursor=" + next
			}
			if page > 3 {
				t.Fatal("pagination does not end")
			}
		}
		if len(ids) != 6 || len(slices.Compact(slices.Sorted(slices.Values(ids)))) != 6 {
			t.Errorf("paged through %v", ids)
		}
		for q, field := range map[string]string{"limit=201": "limit", "status=published": "status", "tag=poor": "tag", "action=教育": "action",
			"county=和静县": "county", "county=652827100": "county", "mine=yes": "mine", "cursor=!!": "cursor"} {
			r := f.do(t, request{method: "GET", path: "/api/v1/needs?" + escapeQuery(q), token: f.tokens["admin"]})
			if _, msg, fl := errorOf(t, r); r.status != 422 || fl != field || !hasHan(msg) {
				t.Errorf("?%s = %s", q, r)
			}
		}
		if r := f.do(t, request{method: "GET", path: "/api/v1/needs/nope", token: f.tokens["admin"]}); r.status != 404 {
			t.Errorf("unknown need = %s", r)
		}
		r := f.do(t, request{method: "GET", path: "/api/v1/needs?limit=1", token: f.tokens["admin"]})
		keys := strings.Join(sortedKeys(items(t, r)[0]), " ")
		if want := "action action_label actions budget_fen category contact county county_code created_at created_by description editable id people people_kinds phone quantity reason reviewed_at reviewed_by status status_label title unit updated_at updated_by urgency urgency_label version village village_code village_tags wanted_by"; keys != want {
			t.Errorf("need list item fields = %s", keys)
		}
		if r.header.Get("Cache-Control") != "no-store" || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") || r.status != http.StatusOK {
			t.Errorf("headers = %v", r.header)
		}
	})
}
