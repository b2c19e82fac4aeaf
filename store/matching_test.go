package store_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"zhuxiang"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

// matchFixture is a small prefecture: two counties with a key village each,
// an organization in each, one flagged, and a user for every side.
type matchFixture struct {
	st                       *store.Store
	village1, village2       string // 和静县 (lifted), 若羌县 (key)
	org1, org2, flagged      *zhuxiang.Org
	admin, county1, county2  zhuxiang.Actor
	vil1, vil2, orgU1, orgU2 zhuxiang.Actor
	dept                     zhuxiang.Actor
}

func newMatchFixture(t *testing.T, st *store.Store) *matchFixture {
	t.Helper()
	sys := zhuxiang.SystemActor
	res, err := st.ImportRegions(ctx, sys, []store.RegionRow{
		{Row: 2, Code: "652827100", Name: "和静镇", Level: "township", Parent: "652827"},
		{Row: 3, Code: "652824100", Name: "若羌镇", Level: "township", Parent: "652824"},
	}, zhuxiang.ImportAll)
	if err != nil || len(res.Rejected) > 0 {
		t.Fatalf("townships: %v %+v", err, res)
	}
	res, err = st.ImportRegions(ctx, sys, []store.RegionRow{
		{Row: 2, County: "和静县", Township: "和静镇", Village: "一村", Code: "652827100201", Tags: "脱贫村"},
		{Row: 3, County: "若羌县", Township: "若羌镇", Village: "二村", Code: "652824100202", Tags: "乡村振兴重点村"},
	}, zhuxiang.ImportAll)
	if err != nil || len(res.Rejected) > 0 {
		t.Fatalf("villages: %v %+v", err, res)
	}
	f := &matchFixture{st: st, village1: "652827100201", village2: "652824100202"}
	f.org1 = mustOrg(t, st, sys, "和静县农业协会", "652827", 1)
	f.org2 = mustOrg(t, st, sys, "若羌县红枣商会", "652824", 2)
	f.flagged = mustOrg(t, st, sys, "异常协会", "652827", 3)
	f.flagged.Flags = []zhuxiang.OrgFlag{{Kind: zhuxiang.FlagAbnormal, Source: "州民政局", Date: "2026-01-05"}}
	if _, err := st.UpdateOrg(ctx, sys, f.flagged); err != nil {
		t.Fatal(err)
	}
	d := &zhuxiang.Department{Name: "测试主管单位"}
	if err := st.SaveDepartment(ctx, sys, d); err != nil {
		t.Fatal(err)
	}
	f.admin = mustUser(t, st, store.NewUser{Name: "admin1", Role: zhuxiang.RoleAdmin})
	f.county1 = mustUser(t, st, store.NewUser{Name: "hejing", Role: zhuxiang.RoleCounty, RegionCode: "652827"})
	f.county2 = mustUser(t, st, store.NewUser{Name: "ruoqiang", Role: zhuxiang.RoleCounty, RegionCode: "652824"})
	f.vil1 = mustUser(t, st, store.NewUser{Name: "cun1", Role: zhuxiang.RoleVillage, RegionCode: f.village1})
	f.vil2 = mustUser(t, st, store.NewUser{Name: "cun2", Role: zhuxiang.RoleVillage, RegionCode: f.village2})
	f.orgU1 = mustUser(t, st, store.NewUser{Name: "org1", Role: zhuxiang.RoleOrg, OrgID: f.org1.ID})
	f.orgU2 = mustUser(t, st, store.NewUser{Name: "org2", Role: zhuxiang.RoleOrg, OrgID: f.org2.ID})
	f.dept = mustUser(t, st, store.NewUser{Name: "dept", Role: zhuxiang.RoleDepartment, DepartmentID: d.ID})
	return f
}

func (f *matchFixture) need(t *testing.T, a zhuxiang.Actor, village string, action zhuxiang.Action, status zhuxiang.NeedStatus) *zhuxiang.Need {
	t.Helper()
	n := &zhuxiang.Need{VillageCode: village, Action: action, Title: "需求" + village, Contact: "王五", Phone: "13987654321", Status: zhuxiang.NeedDraft}
	if _, err := f.st.CreateNeed(ctx, a, n); err != nil {
		t.Fatalf("create need: %v", err)
	}
	steps := map[zhuxiang.NeedStatus][]string{
		zhuxiang.NeedSubmitted: {"submit"},
		zhuxiang.NeedRejected:  {"submit", "reject"},
		zhuxiang.NeedOpen:      {"submit", "approve"},
		zhuxiang.NeedClosed:    {"close"},
	}[status]
	for _, s := range steps {
		if err := f.st.TransitionNeed(ctx, f.admin, n.ID, s, "测试理由", 0); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	got, err := f.st.Need(ctx, f.admin, n.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func (f *matchFixture) offer(t *testing.T, a zhuxiang.Actor, action zhuxiang.Action, capacity int) *zhuxiang.Offer {
	t.Helper()
	o := &zhuxiang.Offer{Action: action, Kind: zhuxiang.OfferSales, Title: "销售渠道", Capacity: capacity, Area: zhuxiang.AreaPrefecture}
	if _, err := f.st.CreateOffer(ctx, a, o); err != nil {
		t.Fatalf("create offer: %v", err)
	}
	return o
}

func TestNeedTransitionsStored(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newMatchFixture(t, st)
		cases := []struct {
			name   string
			from   zhuxiang.NeedStatus
			actor  func() zhuxiang.Actor
			step   string
			reason string
			want   zhuxiang.ErrorCode // "" = allowed
			to     zhuxiang.NeedStatus
		}{
			{"village submits", zhuxiang.NeedDraft, func() zhuxiang.Actor { return f.vil1 }, "submit", "", "", zhuxiang.NeedSubmitted},
			{"county approves", zhuxiang.NeedSubmitted, func() zhuxiang.Actor { return f.county1 }, "approve", "", "", zhuxiang.NeedOpen},
			{"county rejects with reason", zhuxiang.NeedSubmitted, func() zhuxiang.Actor { return f.county1 }, "reject", "预算偏高", "", zhuxiang.NeedRejected},
			{"reject without reason", zhuxiang.NeedSubmitted, func() zhuxiang.Actor { return f.county1 }, "reject", "", zhuxiang.EInvalid, zhuxiang.NeedSubmitted},
			{"village resubmits", zhuxiang.NeedRejected, func() zhuxiang.Actor { return f.vil1 }, "submit", "", "", zhuxiang.NeedSubmitted},
			{"village cannot approve", zhuxiang.NeedSubmitted, func() zhuxiang.Actor { return f.vil1 }, "approve", "", zhuxiang.EForbidden, zhuxiang.NeedSubmitted},
			{"other county cannot approve", zhuxiang.NeedSubmitted, func() zhuxiang.Actor { return f.county2 }, "approve", "", zhuxiang.ENotFound, zhuxiang.NeedSubmitted},
			{"other county may not act on a public need", zhuxiang.NeedOpen, func() zhuxiang.Actor { return f.county2 }, "close", "不需要了", zhuxiang.EForbidden, zhuxiang.NeedOpen},
			{"org cannot submit", zhuxiang.NeedDraft, func() zhuxiang.Actor { return f.orgU1 }, "submit", "", zhuxiang.ENotFound, zhuxiang.NeedDraft},
			{"department cannot approve", zhuxiang.NeedSubmitted, func() zhuxiang.Actor { return f.dept }, "approve", "", zhuxiang.ENotFound, zhuxiang.NeedSubmitted},
			{"cannot approve an open need", zhuxiang.NeedOpen, func() zhuxiang.Actor { return f.county1 }, "approve", "", zhuxiang.EConflict, zhuxiang.NeedOpen},
			{"village closes with reason", zhuxiang.NeedOpen, func() zhuxiang.Actor { return f.vil1 }, "close", "已自行解决", "", zhuxiang.NeedClosed},
			{"closed stays closed", zhuxiang.NeedClosed, func() zhuxiang.Actor { return f.county1 }, "submit", "", zhuxiang.EConflict, zhuxiang.NeedClosed},
			{"its author withdraws a submission", zhuxiang.NeedSubmitted, func() zhuxiang.Actor { return f.vil1 }, "withdraw", "", "", zhuxiang.NeedDraft},
			{"the county cannot withdraw it", zhuxiang.NeedSubmitted, func() zhuxiang.Actor { return f.county1 }, "withdraw", "", zhuxiang.EForbidden, zhuxiang.NeedSubmitted},
			{"cannot withdraw an approved need", zhuxiang.NeedOpen, func() zhuxiang.Actor { return f.vil1 }, "withdraw", "", zhuxiang.EConflict, zhuxiang.NeedOpen},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				n := f.need(t, f.vil1, f.village1, zhuxiang.ActionIndustry, c.from)
				err := st.TransitionNeed(ctx, c.actor(), n.ID, c.step, c.reason, 0)
				if got := zhuxiang.ErrorCodeOf(err); (err == nil) != (c.want == "") || (err != nil && got != c.want) {
					t.Fatalf("TransitionNeed = %v (%s), want %q", err, got, c.want)
				}
				after, _ := st.Need(ctx, f.admin, n.ID)
				if after.Status != c.to {
					t.Fatalf("status %s, want %s", after.Status, c.to)
				}
				if c.step == "reject" && c.want == "" && after.Reason != c.reason {
					t.Fatalf("reason %q not kept for the author", after.Reason)
				}
			})
		}
		// A stale version is refused.
		n := f.need(t, f.vil1, f.village1, zhuxiang.ActionIndustry, zhuxiang.NeedSubmitted)
		if err := st.TransitionNeed(ctx, f.county1, n.ID, "approve", "", n.Version-1); zhuxiang.ErrorCodeOf(err) != zhuxiang.EConflict {
			t.Fatalf("stale version: %v", err)
		}
	})
}

func TestNeedVisibility(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newMatchFixture(t, st)
		draft := f.need(t, f.vil1, f.village1, zhuxiang.ActionIndustry, zhuxiang.NeedDraft)
		open := f.need(t, f.vil1, f.village1, zhuxiang.ActionTech, zhuxiang.NeedOpen)
		// Creating for another village or county is refused.
		for _, c := range []struct {
			a       zhuxiang.Actor
			village string
		}{{f.vil1, f.village2}, {f.county1, f.village2}, {f.orgU1, f.village1}, {f.dept, f.village1}} {
			n := &zhuxiang.Need{VillageCode: c.village, Action: zhuxiang.ActionTech, Title: "越权"}
			if _, err := st.CreateNeed(ctx, c.a, n); zhuxiang.ErrorCodeOf(err) != zhuxiang.EForbidden {
				t.Errorf("%s created a need for %s: %v", c.a.Name, c.village, err)
			}
		}
		cases := []struct {
			name      string
			a         zhuxiang.Actor
			seesDraft bool
			seesPhone bool
		}{
			{"own village", f.vil1, true, true},
			{"own county", f.county1, true, true},
			{"admin", f.admin, true, true},
			{"other village", f.vil2, false, false},
			{"other county", f.county2, false, false},
			{"organization", f.orgU1, false, false},
			{"anonymous", zhuxiang.Actor{}, false, false},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				page, err := st.ListNeeds(ctx, c.a, store.NeedFilter{})
				if err != nil {
					t.Fatal(err)
				}
				var sawDraft, sawOpen bool
				for _, n := range page.Needs {
					sawDraft = sawDraft || n.ID == draft.ID
					sawOpen = sawOpen || n.ID == open.ID
					if n.ID == open.ID && (n.Phone != "") != c.seesPhone {
						t.Errorf("phone shown = %v, want %v", n.Phone != "", c.seesPhone)
					}
				}
				if !sawOpen || sawDraft != c.seesDraft {
					t.Errorf("open seen %v, draft seen %v (want %v)", sawOpen, sawDraft, c.seesDraft)
				}
				_, err = st.Need(ctx, c.a, draft.ID)
				if (err == nil) != c.seesDraft {
					t.Errorf("Need(draft) = %v", err)
				}
				got, err := st.Need(ctx, c.a, open.ID)
				if err != nil || (got.Phone != "") != c.seesPhone {
					t.Errorf("Need(open) = %+v, %v", got, err)
				}
			})
		}
		// Filters.
		page, _ := st.ListNeeds(ctx, f.admin, store.NeedFilter{Tag: zhuxiang.TagLifted, Action: zhuxiang.ActionTech})
		if len(page.Needs) != 1 || page.Needs[0].ID != open.ID {
			t.Errorf("tag+action filter = %d needs", len(page.Needs))
		}
		page, _ = st.ListNeeds(ctx, f.admin, store.NeedFilter{Tag: zhuxiang.TagKey})
		if len(page.Needs) != 0 {
			t.Errorf("key-village filter found %d needs of a lifted village", len(page.Needs))
		}
		// Only a draft or a returned need can be edited.
		open.Title = "改了"
		if err := st.UpdateNeed(ctx, f.vil1, open); zhuxiang.ErrorCodeOf(err) != zhuxiang.EConflict {
			t.Errorf("edit of an open need: %v", err)
		}
		draft.Title = "改过的标题"
		if err := st.UpdateNeed(ctx, f.vil2, draft); zhuxiang.ErrorCodeOf(err) != zhuxiang.ENotFound { // a draft elsewhere does not exist for it
			t.Errorf("edit by another village: %v", err)
		}
		if err := st.UpdateNeed(ctx, f.vil1, draft); err != nil {
			t.Errorf("edit own draft: %v", err)
		}
	})
}

func TestMatchToPairing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newMatchFixture(t, st)
		n := f.need(t, f.vil1, f.village1, zhuxiang.ActionIndustry, zhuxiang.NeedOpen)
		o := f.offer(t, f.orgU1, zhuxiang.ActionIndustry, 1)
		other := f.offer(t, f.orgU2, zhuxiang.ActionCulture, 1)
		// Proposals name the offer with reasons.
		props, err := st.ProposalsForNeed(ctx, f.county1, n.ID, 10)
		if err != nil || len(props) != 1 || props[0].OfferID != o.ID {
			t.Fatalf("proposals = %+v, %v", props, err)
		}
		if !strings.Contains(strings.Join(props[0].Reasons, " "), "同县") {
			t.Errorf("reasons %v lack 同县", props[0].Reasons)
		}
		// Refusals when expressing interest.
		refusals := []struct {
			name  string
			a     zhuxiang.Actor
			offer string
			want  zhuxiang.ErrorCode
		}{
			{"another org's offer", f.orgU2, o.ID, zhuxiang.EForbidden},
			{"other action", f.orgU2, other.ID, zhuxiang.EConflict},
			{"village is not a side", f.vil1, o.ID, zhuxiang.EForbidden},
			{"other county", f.county2, o.ID, zhuxiang.EForbidden},
		}
		for _, r := range refusals {
			if _, err := st.ExpressInterest(ctx, r.a, n.ID, r.offer, ""); zhuxiang.ErrorCodeOf(err) != r.want {
				t.Errorf("%s: %v, want %s", r.name, err, r.want)
			}
		}
		id, err := st.ExpressInterest(ctx, f.orgU1, n.ID, o.ID, "我们有销售渠道")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.ExpressInterest(ctx, f.orgU1, n.ID, o.ID, ""); zhuxiang.ErrorCodeOf(err) != zhuxiang.EConflict {
			t.Errorf("second interest in the same pair: %v", err)
		}
		// The county is told.
		notes, _ := st.Notifications(ctx, f.county1, 10)
		if len(notes) == 0 || !strings.Contains(notes[0].Text, "希望对接") {
			t.Errorf("county notifications = %+v", notes)
		}
		if err := st.TransitionMatch(ctx, f.orgU1, id, "accept", ""); zhuxiang.ErrorCodeOf(err) != zhuxiang.EForbidden {
			t.Errorf("initiator accepted its own interest: %v", err)
		}
		if err := st.TransitionMatch(ctx, f.county1, id, "confirm", ""); zhuxiang.ErrorCodeOf(err) != zhuxiang.EConflict {
			t.Errorf("confirmed before acceptance: %v", err)
		}
		if err := st.TransitionMatch(ctx, f.county2, id, "accept", ""); zhuxiang.ErrorCodeOf(err) != zhuxiang.ENotFound {
			t.Errorf("other county answered: %v", err)
		}
		if err := st.TransitionMatch(ctx, f.county1, id, "accept", ""); err != nil {
			t.Fatal(err)
		}
		if err := st.TransitionMatch(ctx, f.county1, id, "confirm", ""); err != nil {
			t.Fatal(err)
		}
		after, _ := st.Need(ctx, f.vil1, n.ID)
		if after.Status != zhuxiang.NeedMatched || len(after.MatchedOrgs) != 1 {
			t.Fatalf("need after confirm: %s %v", after.Status, after.MatchedOrgs)
		}
		pairs, _ := st.ListPairings(ctx, f.orgU1, store.PairingFilter{})
		if pairs.Total != 1 || pairs.Pairings[0].VillageCode != f.village1 || pairs.Pairings[0].Source != zhuxiang.PairingFromMatch {
			t.Fatalf("pairings = %+v", pairs)
		}
		if p, _ := st.ListPairings(ctx, f.county2, store.PairingFilter{}); p.Total != 0 {
			t.Errorf("another county sees %d pairings", p.Total)
		}
		// The paired organization now sees the village's contact.
		if got, _ := st.Need(ctx, f.orgU1, n.ID); got.Phone == "" {
			t.Error("paired organization cannot see the contact")
		}
		// The offer's capacity is used: a second need finds no candidate.
		n2 := f.need(t, f.vil1, f.village1, zhuxiang.ActionIndustry, zhuxiang.NeedOpen)
		if props, _ := st.ProposalsForNeed(ctx, f.county1, n2.ID, 10); len(props) != 0 {
			t.Errorf("full offer still proposed: %+v", props)
		}
		if _, err := st.ExpressInterest(ctx, f.orgU1, n2.ID, o.ID, ""); zhuxiang.ErrorCodeOf(err) != zhuxiang.EConflict {
			t.Errorf("interest on a full offer: %v", err)
		}
		// The village confirms the work done; the organization's record counts it.
		if err := st.TransitionNeed(ctx, f.vil1, n.ID, "done", "", 0); err != nil {
			t.Fatal(err)
		}
		in, _ := st.MatchInput(ctx)
		if in.Track[f.org1.ID] != 1 {
			t.Errorf("track record = %d, want 1", in.Track[f.org1.ID])
		}
	})
}

func TestMatchDeclineWithdrawLapse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newMatchFixture(t, st)
		n := f.need(t, f.vil2, f.village2, zhuxiang.ActionIndustry, zhuxiang.NeedOpen)
		o := f.offer(t, f.orgU2, zhuxiang.ActionIndustry, 3)
		// The county initiates; the organization declines with a reason.
		id, err := st.ExpressInterest(ctx, f.county2, n.ID, o.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if err := st.TransitionMatch(ctx, f.orgU2, id, "decline", ""); zhuxiang.ErrorField(err) != "reason" {
			t.Errorf("decline without reason: %v", err)
		}
		if err := st.TransitionMatch(ctx, f.orgU2, id, "decline", "本季度名额已满"); err != nil {
			t.Fatal(err)
		}
		m, _ := st.Match(ctx, f.county2, id)
		if m.Status != zhuxiang.MatchDeclined || m.Reason != "本季度名额已满" {
			t.Errorf("declined match = %+v", m)
		}
		// Withdraw only by the initiator.
		id, _ = st.ExpressInterest(ctx, f.county2, n.ID, o.ID, "")
		if err := st.TransitionMatch(ctx, f.orgU2, id, "withdraw", ""); zhuxiang.ErrorCodeOf(err) != zhuxiang.EForbidden {
			t.Errorf("withdraw by the other side: %v", err)
		}
		if err := st.TransitionMatch(ctx, f.county2, id, "withdraw", ""); err != nil {
			t.Fatal(err)
		}
		// An unanswered interest lapses after 30 days, not before.
		id, _ = st.ExpressInterest(ctx, f.county2, n.ID, o.ID, "")
		now := time.Now()
		st.Now = func() time.Time { return now.Add(29 * 24 * time.Hour) }
		if k, err := st.LapseMatches(ctx); err != nil || k != 0 {
			t.Fatalf("lapsed %d after 29 days (%v)", k, err)
		}
		st.Now = func() time.Time { return now.Add(31 * 24 * time.Hour) }
		if k, err := st.LapseMatches(ctx); err != nil || k != 1 {
			t.Fatalf("lapsed %d after 31 days (%v)", k, err)
		}
		m, _ = st.Match(ctx, f.orgU2, id)
		if m.Status != zhuxiang.MatchLapsed {
			t.Errorf("status %s", m.Status)
		}
		if err := st.TransitionMatch(ctx, f.orgU2, id, "accept", ""); zhuxiang.ErrorCodeOf(err) != zhuxiang.EConflict {
			t.Errorf("accepted a lapsed interest: %v", err)
		}
		// Closing the need withdraws the interests still waiting on it.
		st.Now = time.Now
		id, _ = st.ExpressInterest(ctx, f.orgU2, n.ID, o.ID, "")
		if err := st.TransitionNeed(ctx, f.county2, n.ID, "close", "已由政府项目解决", 0); err != nil {
			t.Fatal(err)
		}
		if m, _ := st.Match(ctx, f.orgU2, id); m.Status != zhuxiang.MatchWithdrawn {
			t.Errorf("after close the interest is %s", m.Status)
		}
	})
}

func TestFlaggedOrgNeverPaired(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newMatchFixture(t, st)
		n := f.need(t, f.vil1, f.village1, zhuxiang.ActionIndustry, zhuxiang.NeedOpen)
		o := &zhuxiang.Offer{OrgID: f.flagged.ID, Action: zhuxiang.ActionIndustry, Kind: zhuxiang.OfferFunds, Title: "资金", Capacity: 5, Area: zhuxiang.AreaAnywhere}
		if _, err := st.CreateOffer(ctx, f.admin, o); err != nil {
			t.Fatal(err)
		}
		if props, _ := st.ProposalsForNeed(ctx, f.admin, n.ID, 10); len(props) != 0 {
			t.Errorf("flagged organization proposed: %+v", props)
		}
		if _, err := st.ExpressInterest(ctx, f.county1, n.ID, o.ID, ""); zhuxiang.ErrorCodeOf(err) != zhuxiang.EConflict {
			t.Errorf("interest with a flagged organization: %v", err)
		}
		p := &zhuxiang.Pairing{OrgID: f.flagged.ID, VillageCode: f.village1, StartDate: "2026-01-01"}
		if _, err := st.CreatePairing(ctx, f.county1, p, nil); zhuxiang.ErrorCodeOf(err) != zhuxiang.EConflict {
			t.Errorf("direct pairing with a flagged organization: %v", err)
		}
	})
}

func TestDirectPairingAndAllocation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newMatchFixture(t, st)
		// A direct pairing with a PNG agreement, checked by content.
		p := &zhuxiang.Pairing{OrgID: f.org1.ID, VillageCode: f.village1, StartDate: "2026/3/1", Action: zhuxiang.ActionTech}
		if _, err := st.CreatePairing(ctx, f.county1, p, &store.Agreement{Name: "协议.pdf", Data: []byte("MZ\x90\x00not a pdf")}); zhuxiang.ErrorField(err) != "file" {
			t.Fatalf("executable accepted as agreement: %v", err)
		}
		if _, err := st.CreatePairing(ctx, f.county2, p, nil); zhuxiang.ErrorCodeOf(err) != zhuxiang.EForbidden {
			t.Fatalf("other county entered a pairing: %v", err)
		}
		png := scanPNG(90)
		id, err := st.CreatePairing(ctx, f.county1, p, &store.Agreement{Name: "协议.png", Data: png})
		if err != nil {
			t.Fatal(err)
		}
		ag, err := st.PairingAgreement(ctx, f.orgU1, id)
		if err != nil || ag.Type != "image/png" || string(ag.Data) != string(png) {
			t.Fatalf("agreement = %+v, %v", ag, err)
		}
		if _, err := st.PairingAgreement(ctx, f.orgU2, id); zhuxiang.ErrorCodeOf(err) != zhuxiang.ENotFound {
			t.Errorf("other org read the agreement: %v", err)
		}
		reached, total, err := st.KeyVillageCoverage(ctx)
		if err != nil || reached != 1 || total != 2 {
			t.Fatalf("coverage %d/%d, %v", reached, total, err)
		}
		// The plan: village1 is already reached, so the one offer goes to
		// village2's need, which adds coverage.
		f.need(t, f.vil1, f.village1, zhuxiang.ActionIndustry, zhuxiang.NeedOpen)
		n2 := f.need(t, f.vil2, f.village2, zhuxiang.ActionIndustry, zhuxiang.NeedOpen)
		f.offer(t, f.orgU1, zhuxiang.ActionIndustry, 1)
		if _, _, err := st.Allocate(ctx, f.county1); zhuxiang.ErrorCodeOf(err) != zhuxiang.EForbidden {
			t.Fatalf("county ran the plan: %v", err)
		}
		first, r, err := st.Allocate(ctx, f.admin)
		if err != nil {
			t.Fatal(err)
		}
		if r.Matched != 1 || r.KeyReached != 1 || len(first.Items) != 2 {
			t.Fatalf("plan: matched %d, key %d, items %d", r.Matched, r.KeyReached, len(first.Items))
		}
		for _, it := range first.Items {
			if (it.NeedID == n2.ID) != (it.OfferID != "") {
				t.Errorf("item %+v", it)
			}
			if it.OfferID == "" && len(it.Reasons) != 1 {
				t.Errorf("unmatched need without a reason: %+v", it)
			}
		}
		// A second plan after a new offer: the comparison names the change.
		f.offer(t, f.orgU2, zhuxiang.ActionIndustry, 1)
		second, _, err := st.Allocate(ctx, f.admin)
		if err != nil {
			t.Fatal(err)
		}
		// Both needs are now matched, each to the offer of its own county.
		changes := store.CompareAllocations(first, second)
		if len(changes) != 2 || changes[0].Before != "未匹配" || !strings.Contains(changes[1].After, "若羌县红枣商会") {
			t.Fatalf("changes = %+v", changes)
		}
		plans, _ := st.Allocations(ctx, f.county1, 10)
		if len(plans) != 2 {
			t.Errorf("plans listed: %d", len(plans))
		}
		if _, err := st.Allocations(ctx, f.orgU1, 10); zhuxiang.ErrorCodeOf(err) != zhuxiang.EForbidden {
			t.Errorf("organization read plans: %v", err)
		}
	})
}

// TestProposalsFollowWrites checks that the cached match input never
// outlives a write: each change shows in the next proposals.
func TestProposalsFollowWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newMatchFixture(t, st)
		n := f.need(t, f.vil1, f.village1, zhuxiang.ActionIndustry, zhuxiang.NeedOpen)
		count := func() int {
			t.Helper()
			p, err := st.ProposalsForNeed(ctx, f.county1, n.ID, 10)
			if err != nil {
				t.Fatal(err)
			}
			return len(p)
		}
		if count() != 0 {
			t.Fatal("proposals before any offer")
		}
		o := f.offer(t, f.orgU1, zhuxiang.ActionIndustry, 1)
		if count() != 1 {
			t.Fatal("a new offer is not proposed")
		}
		if err := st.SetOfferStatus(ctx, f.orgU1, o.ID, zhuxiang.OfferPaused); err != nil {
			t.Fatal(err)
		}
		if count() != 0 {
			t.Fatal("a paused offer is still proposed")
		}
		if err := st.SetOfferStatus(ctx, f.orgU1, o.ID, zhuxiang.OfferOpen); err != nil {
			t.Fatal(err)
		}
		if count() != 1 {
			t.Fatal("a resumed offer is not proposed")
		}
		// A flag recorded on the organization (an orgs write) ends it.
		org, _ := st.Org(ctx, f.admin, f.org1.ID)
		org.Flags = []zhuxiang.OrgFlag{{Kind: zhuxiang.FlagDishonest, Source: "信用中国", Date: "2026-11-01"}}
		if _, err := st.UpdateOrg(ctx, f.admin, org); err != nil {
			t.Fatal(err)
		}
		if count() != 0 {
			t.Fatal("an organization flagged 失信 is still proposed")
		}
	})
}

// TestUnreadCountCapped checks that the unread count read with the session
// stops at store.UnreadCap and drops when notifications are read.
// TestProposalsForNeedByActor: an organization is proposed its own
// offers only (zhuxiang.ProposedOfferScope); the county, the admin and the
// village see every candidate.
func TestProposalsForNeedByActor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newMatchFixture(t, st)
		n := f.need(t, f.vil1, f.village1, zhuxiang.ActionIndustry, zhuxiang.NeedOpen)
		o1 := f.offer(t, f.orgU1, zhuxiang.ActionIndustry, 2)
		o2 := f.offer(t, f.orgU2, zhuxiang.ActionIndustry, 2)
		f.offer(t, f.orgU1, zhuxiang.ActionCulture, 2) // does not fit
		for _, c := range []struct {
			name  string
			actor zhuxiang.Actor
			want  []string
		}{
			{"its organization", f.orgU1, []string{o1.ID}},
			{"the other organization", f.orgU2, []string{o2.ID}},
			{"the county", f.county1, []string{o1.ID, o2.ID}},
			{"the admin", f.admin, []string{o1.ID, o2.ID}},
			{"the village", f.vil1, []string{o1.ID, o2.ID}},
		} {
			t.Run(c.name, func(t *testing.T) {
				props, err := st.ProposalsForNeed(ctx, c.actor, n.ID, 10)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, p := range props {
					got = append(got, p.OfferID)
					if p.Score <= 0 || len(p.Reasons) == 0 {
						t.Errorf("proposal %s without score or reasons", p.OfferID)
					}
				}
				if strings.Join(sorted(got), ",") != strings.Join(sorted(c.want), ",") {
					t.Fatalf("proposals %v, want %v", got, c.want)
				}
			})
		}
	})
}

func sorted(s []string) []string {
	s = append([]string(nil), s...)
	slices.Sort(s)
	return s
}

func TestUnreadCountCapped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newMatchFixture(t, st)
		u, err := st.Login(ctx, "hejing", testPassword)
		if err != nil {
			t.Fatal(err)
		}
		sess, err := st.CreateSession(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < store.UnreadCap+20; i++ {
			if _, err := st.WriteDB().Exec(`INSERT INTO notifications (id, user_id, at, text) VALUES ($1, $2, $3, '测试')`,
				fmt.Sprintf("n%04d", i), f.county1.UserID, "2026-11-28T08:00:00.000000Z"); err != nil {
				t.Fatal(err)
			}
		}
		got, err := st.SessionUser(ctx, sess.Token)
		if err != nil || got.Unread != store.UnreadCap {
			t.Fatalf("unread = %d (%v), want the cap %d", got.Unread, err, store.UnreadCap)
		}
		if err := st.MarkNotificationsRead(ctx, f.county1, ""); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.SessionUser(ctx, sess.Token); got.Unread != 0 {
			t.Fatalf("unread after reading all = %d", got.Unread)
		}
	})
}
