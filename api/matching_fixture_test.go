package api_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"testing"

	"zhuxiang"
	"zhuxiang/store"
)

// Helpers that put needs, offers, matches and pairings into a fixture
// through the store, acting as the system (or as an organization, where the
// store must see an organization act), so that API tests start from any
// state without depending on the API they test.

// newNeed creates a need in village (or, with village empty, a county-level
// need in county) and moves it to status through the lifecycle. Titles and
// phone numbers are unique, so that a test can look for them in a body.
func (f *fixture) newNeed(t testing.TB, county, village string, status zhuxiang.NeedStatus) *zhuxiang.Need {
	t.Helper()
	sys := zhuxiang.SystemActor
	k := serial.Add(1)
	n := &zhuxiang.Need{CountyCode: county, VillageCode: village, Action: zhuxiang.ActionIndustry, Category: "特色产业",
		Title: fmt.Sprintf("测试需求%d号", k), Description: "需要帮助销售农产品", BudgetFen: 1_234_56, People: 30,
		PeopleKinds: []string{"村民"}, Contact: fmt.Sprintf("联系人%d", k), Phone: fmt.Sprintf("139%08d", 10_000_000+k)}
	id, err := f.st.CreateNeed(ctx, sys, n)
	if err != nil {
		t.Fatalf("create need: %v", err)
	}
	var steps []string
	switch status {
	case zhuxiang.NeedDraft:
	case zhuxiang.NeedSubmitted:
		steps = []string{"submit"}
	case zhuxiang.NeedRejected:
		steps = []string{"submit", "reject"}
	case zhuxiang.NeedOpen:
		steps = []string{"submit", "approve"}
	case zhuxiang.NeedClosed:
		steps = []string{"close"}
	case zhuxiang.NeedMatched, zhuxiang.NeedDone:
		steps = []string{"submit", "approve"}
	default:
		t.Fatalf("newNeed: status %s", status)
	}
	for _, s := range steps {
		if err := f.st.TransitionNeed(ctx, sys, id, s, "测试理由", 0); err != nil {
			t.Fatalf("need %s: %v", s, err)
		}
	}
	if status == zhuxiang.NeedMatched || status == zhuxiang.NeedDone {
		org := f.org1
		if n.CountyCode == ruoqiang {
			org = f.org2
		}
		o := f.newOffer(t, org)
		m := f.interest(t, orgActor(org), id, o.ID)
		for _, s := range []string{"accept", "confirm"} {
			if err := f.st.TransitionMatch(ctx, sys, m, s, ""); err != nil {
				t.Fatalf("match %s: %v", s, err)
			}
		}
		if status == zhuxiang.NeedDone {
			if err := f.st.TransitionNeed(ctx, sys, id, "done", "", 0); err != nil {
				t.Fatalf("need done: %v", err)
			}
		}
	}
	saved, err := f.st.Need(ctx, sys, id)
	if err != nil || saved.Status != status {
		t.Fatalf("need %s: %v %+v", status, err, saved)
	}
	return saved
}

// newOffer creates an open industry offer of org serving the whole
// prefecture, with room for ten needs.
func (f *fixture) newOffer(t testing.TB, org *zhuxiang.Org) *zhuxiang.Offer {
	t.Helper()
	o := &zhuxiang.Offer{OrgID: org.ID, Action: zhuxiang.ActionIndustry, Kind: zhuxiang.OfferSales, Title: fmt.Sprintf("测试资源%d号", serial.Add(1)),
		Capacity: 10, AmountFen: 500_000_00, Area: zhuxiang.AreaPrefecture}
	id, err := f.st.CreateOffer(ctx, zhuxiang.SystemActor, o)
	if err != nil {
		t.Fatalf("create offer: %v", err)
	}
	saved, err := f.st.Offer(ctx, zhuxiang.SystemActor, id)
	if err != nil {
		t.Fatal(err)
	}
	return saved
}

// orgActor acts for org's staff; org2 has a user too, but the store needs
// only the role and the organization.
func orgActor(o *zhuxiang.Org) zhuxiang.Actor {
	return zhuxiang.Actor{UserID: "staff-" + o.ID, Name: o.Name + "工作人员", Role: zhuxiang.RoleOrg, OrgID: o.ID}
}

// countyActor acts for a county's civil-affairs office.
func countyActor(county string) zhuxiang.Actor {
	return zhuxiang.Actor{UserID: "county-" + county, Name: county + "民政局", Role: zhuxiang.RoleCounty, RegionCode: county, CountyCode: county}
}

// interest records an interest as a and returns the match's id.
func (f *fixture) interest(t testing.TB, a zhuxiang.Actor, needID, offerID string) string {
	t.Helper()
	id, err := f.st.ExpressInterest(ctx, a, needID, offerID, "希望对接")
	if err != nil {
		t.Fatalf("interest: %v", err)
	}
	return id
}

// newPairing enters a pairing of org with village directly.
func (f *fixture) newPairing(t *testing.T, org *zhuxiang.Org, village string) *zhuxiang.Pairing {
	t.Helper()
	p := &zhuxiang.Pairing{OrgID: org.ID, VillageCode: village, Action: zhuxiang.ActionIndustry, StartDate: "2025-03-01", Note: "测试结对"}
	id, err := f.st.CreatePairing(ctx, zhuxiang.SystemActor, p, nil)
	if err != nil {
		t.Fatalf("create pairing: %v", err)
	}
	saved, err := f.st.Pairing(ctx, zhuxiang.SystemActor, id)
	if err != nil {
		t.Fatal(err)
	}
	return saved
}

// matrixPDF is the smallest file the store takes for a PDF; matrixPNG a PNG.
var (
	matrixPDF = []byte("%PDF-1.4\n%%EOF\n")
	matrixPNG = scanPNG(160)
)

// agreementBody is the body of a PUT uploading an agreement.
func agreementBody(name string, data []byte) map[string]any {
	return map[string]any{"name": name, "data": base64.StdEncoding.EncodeToString(data)}
}

// pairingWithVersions makes a pairing whose agreement was uploaded and then
// replaced, and returns its id.
func (f *fixture) pairingWithVersions(t *testing.T, org *zhuxiang.Org, village string) string {
	t.Helper()
	p := f.newPairing(t, org, village)
	for _, ag := range []*store.Agreement{{Name: "初稿.pdf", Data: matrixPDF}, {Name: "签字页.png", Data: matrixPNG}} {
		if err := f.st.UploadAgreement(ctx, zhuxiang.SystemActor, p.ID, ag); err != nil {
			t.Fatal(err)
		}
	}
	return p.ID
}

// needBody is the body of a POST creating a need in village.
func needBody(village string) map[string]any {
	k := serial.Add(1)
	return map[string]any{"village_code": village, "action": "industry", "title": fmt.Sprintf("接口发布的需求%d号", k),
		"description": "需要农技培训", "budget_fen": 880000, "people": 12, "people_kinds": []string{"村民", "留守儿童"},
		"urgency": 2, "wanted_by": "2026/12/31", "contact": "村主任", "phone": fmt.Sprintf("138%08d", 10_000_000+k)}
}

// needPutBody is n as a client would PUT it back, with the title changed.
func needPutBody(n *zhuxiang.Need, title string) map[string]any {
	return map[string]any{"county_code": n.CountyCode, "village_code": n.VillageCode, "action": string(n.Action), "category": n.Category,
		"title": title, "description": n.Description, "budget_fen": n.BudgetFen, "people": n.People, "people_kinds": n.PeopleKinds,
		"urgency": n.Urgency, "contact": n.Contact, "phone": n.Phone, "version": n.Version}
}

// offerPutBody is o as a client would PUT it back, with the title changed.
func offerPutBody(o *zhuxiang.Offer, title string) map[string]any {
	return map[string]any{"action": string(o.Action), "kind": string(o.Kind), "title": title, "description": o.Description,
		"capacity": o.Capacity, "amount_fen": o.AmountFen, "area": string(o.Area), "counties": o.Counties, "version": o.Version}
}

// items decodes a list answer's items.
func items(t *testing.T, r response) []map[string]any {
	t.Helper()
	var page struct {
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal(r.body, &page); err != nil {
		t.Fatalf("not a list: %v\n%s", err, r.body)
	}
	return page.Items
}

// currentNeed reads a need as the system.
func (f *fixture) currentNeed(t *testing.T, id string) *zhuxiang.Need {
	t.Helper()
	n, err := f.st.Need(ctx, zhuxiang.SystemActor, id)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// currentOffer reads an offer as the system.
func (f *fixture) currentOffer(t *testing.T, id string) *zhuxiang.Offer {
	t.Helper()
	o, err := f.st.Offer(ctx, zhuxiang.SystemActor, id)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// scanPNG is a real PNG (a small grey square of the given shade), as a
// photographed agreement page would be: agreements are vetted by decoding
// them, so the bytes must be an image, and different shades make
// different files.
func scanPNG(shade uint8) []byte {
	img := image.NewGray(image.Rect(0, 0, 4, 4))
	for i := range img.Pix {
		img.Pix[i] = shade
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}
