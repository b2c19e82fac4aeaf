package zhuxiang

import "testing"

func TestCanNeed(t *testing.T) {
	admin := Actor{UserID: "a", Role: RoleAdmin}
	county := Actor{UserID: "c", Role: RoleCounty, RegionCode: "652827", CountyCode: "652827"}
	otherCounty := Actor{UserID: "c2", Role: RoleCounty, RegionCode: "652824", CountyCode: "652824"}
	village := Actor{UserID: "v", Role: RoleVillage, RegionCode: "652827100201", CountyCode: "652827"}
	otherVillage := Actor{UserID: "v2", Role: RoleVillage, RegionCode: "652827100202", CountyCode: "652827"}
	org := Actor{UserID: "o", Role: RoleOrg, OrgID: "org1"}
	dept := Actor{UserID: "d", Role: RoleDepartment, DepartmentID: "d1"}
	need := func(s NeedStatus) *Need {
		return &Need{CountyCode: "652827", VillageCode: "652827100201", Status: s}
	}
	cases := []struct {
		name   string
		actor  Actor
		status NeedStatus
		step   string
		want   ErrorCode // "" when allowed
	}{
		{"village submits its draft", village, NeedDraft, "submit", ""},
		{"village resubmits after rejection", village, NeedRejected, "submit", ""},
		{"county submits for a village", county, NeedDraft, "submit", ""},
		{"other village cannot submit", otherVillage, NeedDraft, "submit", EForbidden},
		{"org cannot submit", org, NeedDraft, "submit", EForbidden},
		{"cannot submit twice", village, NeedSubmitted, "submit", EConflict},
		{"county approves", county, NeedSubmitted, "approve", ""},
		{"admin approves", admin, NeedSubmitted, "approve", ""},
		{"village cannot approve its own need", village, NeedSubmitted, "approve", EForbidden},
		{"other county cannot approve", otherCounty, NeedSubmitted, "approve", EForbidden},
		{"department cannot approve", dept, NeedSubmitted, "approve", EForbidden},
		{"cannot approve a draft", county, NeedDraft, "approve", EConflict},
		{"county rejects", county, NeedSubmitted, "reject", ""},
		{"cannot reject an open need", county, NeedOpen, "reject", EConflict},
		{"village confirms done", village, NeedMatched, "done", ""},
		{"cannot finish an open need", village, NeedOpen, "done", EConflict},
		{"org cannot finish", org, NeedMatched, "done", EForbidden},
		{"village closes its open need", village, NeedOpen, "close", ""},
		{"cannot close a matched need", county, NeedMatched, "close", EConflict},
		{"cannot close twice", county, NeedClosed, "close", EConflict},
		{"unknown step", county, NeedOpen, "publish", EInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CanNeed(c.actor, need(c.status), c.step)
			if got := ErrorCodeOf(err); (err == nil) != (c.want == "") || (err != nil && got != c.want) {
				t.Fatalf("CanNeed = %v (code %q), want code %q", err, got, c.want)
			}
			if err != nil && ErrorMessage(err) == "" {
				t.Fatal("refusal without a message")
			}
		})
	}
}

func TestCanMatch(t *testing.T) {
	county := Actor{UserID: "c", Role: RoleCounty, CountyCode: "652827"}
	otherCounty := Actor{UserID: "c2", Role: RoleCounty, CountyCode: "652824"}
	org := Actor{UserID: "o", Role: RoleOrg, OrgID: "org1"}
	otherOrg := Actor{UserID: "o2", Role: RoleOrg, OrgID: "org2"}
	village := Actor{UserID: "v", Role: RoleVillage, RegionCode: "652827100201"}
	m := func(init Side, s MatchStatus) *Match {
		return &Match{CountyCode: "652827", VillageCode: "652827100201", OrgID: "org1", Initiator: init, Status: s}
	}
	cases := []struct {
		name  string
		actor Actor
		m     *Match
		step  string
		want  ErrorCode
	}{
		{"county accepts the org's interest", county, m(SideOrg, MatchPending), "accept", ""},
		{"org cannot accept its own interest", org, m(SideOrg, MatchPending), "accept", EForbidden},
		{"org accepts the county's interest", org, m(SideCounty, MatchPending), "accept", ""},
		{"another org cannot answer", otherOrg, m(SideCounty, MatchPending), "accept", EForbidden},
		{"another county cannot answer", otherCounty, m(SideOrg, MatchPending), "accept", EForbidden},
		{"village is not a side", village, m(SideOrg, MatchPending), "accept", EForbidden},
		{"county declines", county, m(SideOrg, MatchPending), "decline", ""},
		{"cannot accept twice", county, m(SideOrg, MatchAccepted), "accept", EConflict},
		{"county confirms", county, m(SideOrg, MatchAccepted), "confirm", ""},
		{"org cannot confirm", org, m(SideCounty, MatchAccepted), "confirm", EForbidden},
		{"cannot confirm before acceptance", county, m(SideOrg, MatchPending), "confirm", EConflict},
		{"county refuses at confirmation", county, m(SideOrg, MatchAccepted), "refuse", ""},
		{"initiator withdraws", org, m(SideOrg, MatchPending), "withdraw", ""},
		{"the other side cannot withdraw", county, m(SideOrg, MatchPending), "withdraw", EForbidden},
		{"cannot withdraw a lapsed interest", org, m(SideOrg, MatchLapsed), "withdraw", EConflict},
		{"unknown step", county, m(SideOrg, MatchPending), "merge", EInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CanMatch(c.actor, c.m, c.step)
			if got := ErrorCodeOf(err); (err == nil) != (c.want == "") || (err != nil && got != c.want) {
				t.Fatalf("CanMatch = %v (code %q), want code %q", err, got, c.want)
			}
		})
	}
}

func TestNeedValidate(t *testing.T) {
	ok := func() *Need {
		return &Need{CountyCode: "652827", Action: ActionIndustry, Title: "红枣销售渠道", Urgency: 1}
	}
	cases := []struct {
		name  string
		edit  func(n *Need)
		field string // "" when valid
	}{
		{"valid", func(n *Need) {}, ""},
		{"no action", func(n *Need) { n.Action = "" }, "action"},
		{"no title", func(n *Need) { n.Title = " " }, "title"},
		{"phone in description", func(n *Need) { n.Description = "请联系13912345678" }, "description"},
		{"id number in title", func(n *Need) { n.Title = "帮扶11010519491231002X" }, "description"},
		{"negative budget", func(n *Need) { n.BudgetFen = -1 }, "budget"},
		{"unknown people kind", func(n *Need) { n.PeopleKinds = []string{"游客"} }, "people_kinds"},
		{"bad date", func(n *Need) { n.WantedBy = "明年" }, "wanted_by"},
		{"bad urgency", func(n *Need) { n.Urgency = 7 }, "urgency"},
		{"no place", func(n *Need) { n.CountyCode = "" }, "region"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := ok()
			c.edit(n)
			err := n.Validate()
			if c.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if ErrorField(err) != c.field {
				t.Fatalf("Validate = %v, want an error on %q", err, c.field)
			}
		})
	}
}

func FuzzNeedValidate(f *testing.F) {
	f.Add("红枣销售", "说明", "2026-12-01", int64(100))
	f.Add("x", "13912345678", "2026/1/2", int64(-5))
	f.Fuzz(func(t *testing.T, title, desc, date string, budget int64) {
		n := &Need{CountyCode: "652827", Action: ActionTech, Title: title, Description: desc, WantedBy: date, BudgetFen: budget}
		if err := n.Validate(); err != nil {
			if ErrorMessage(err) == "" || ErrorCodeOf(err) != EInvalid {
				t.Fatalf("error without a message or code: %v", err)
			}
			return
		}
		if personalData.MatchString(n.Title + " " + n.Description) {
			t.Fatalf("accepted personal data in %q / %q", n.Title, n.Description)
		}
	})
}
