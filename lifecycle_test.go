package zhuxiang

import (
	"strings"
	"testing"
)

func TestCanNeed(t *testing.T) {
	admin := Actor{UserID: "a", Role: RoleAdmin}
	county := Actor{UserID: "c", Role: RoleCounty, RegionCode: "652827", CountyCode: "652827"}
	otherCounty := Actor{UserID: "c2", Role: RoleCounty, RegionCode: "652824", CountyCode: "652824"}
	village := Actor{UserID: "v", Role: RoleVillage, RegionCode: "652827100201", CountyCode: "652827"}
	otherVillage := Actor{UserID: "v2", Role: RoleVillage, RegionCode: "652827100202", CountyCode: "652827"}
	org := Actor{UserID: "o", Role: RoleOrg, OrgID: "org1"}
	dept := Actor{UserID: "d", Role: RoleDepartment, DepartmentID: "d1"}
	need := func(s NeedStatus) *Need {
		return &Need{CountyCode: "652827", VillageCode: "652827100201", Status: s, CreatedByID: village.UserID}
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
		{"village withdraws its submission", village, NeedSubmitted, "withdraw", ""},
		{"county cannot withdraw the village's submission", county, NeedSubmitted, "withdraw", EForbidden},
		{"admin cannot withdraw another's submission", admin, NeedSubmitted, "withdraw", EForbidden},
		{"other village cannot withdraw", otherVillage, NeedSubmitted, "withdraw", EForbidden},
		{"org cannot withdraw", org, NeedSubmitted, "withdraw", EForbidden},
		{"cannot withdraw a draft", village, NeedDraft, "withdraw", EConflict},
		{"cannot withdraw an approved need", village, NeedOpen, "withdraw", EConflict},
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

// TestConfirmedSteps pins which steps cannot be undone and so are asked
// first (the pages read Confirm), and checks that each summary is filled
// from the record: no placeholder left, the record named, and who is told.
func TestConfirmedSteps(t *testing.T) {
	var needSteps, matchSteps []string
	for _, tr := range NeedTransitions {
		if tr.Confirm != "" {
			needSteps = append(needSteps, tr.Name)
		}
	}
	for _, tr := range MatchTransitions {
		if tr.Confirm != "" {
			matchSteps = append(matchSteps, tr.Name)
		}
	}
	if got := strings.Join(needSteps, ","); got != "approve,done,close" {
		t.Errorf("need steps asked first: %s, want approve,done,close", got)
	}
	if got := strings.Join(matchSteps, ","); got != "confirm" {
		t.Errorf("match steps asked first: %s, want confirm", got)
	}

	villageNeed := &Need{Title: "红枣销售", County: "和静县", Village: "团结村", MatchedOrgs: []string{"电商协会"}}
	countyNeed := &Need{Title: "全县培训", County: "若羌县"}
	confirm, _ := FindMatchTransition("confirm")
	m := &Match{Org: "电商协会", Place: "和静县 团结村", County: "和静县", Village: "团结村", NeedTitle: "红枣销售", OfferTitle: "直播带货"}
	for _, c := range []struct {
		name string
		text string
		want []string
	}{
		{"approve", mustNeedStep(t, "approve").Summary(villageNeed), []string{"红枣销售", "公开", "服务和静县的社会组织", "团结村、和静县的用户会收到通知"}},
		{"approve county need", mustNeedStep(t, "approve").Summary(countyNeed), []string{"全县培训", "若羌县的用户会收到通知"}},
		{"done", mustNeedStep(t, "done").Summary(villageNeed), []string{"电商协会的资源释放一个承接名额", "不发送通知"}},
		{"close", mustNeedStep(t, "close").Summary(villageNeed), []string{"红枣销售", "对接意向将自动撤回", "“需求已关闭”的通知"}},
		{"close reason", mustNeedStep(t, "close").ReasonFor(villageNeed), []string{"关闭原因", "团结村、和静县的用户和州级管理员能看到", "社会组织看不到"}},
		{"reject reason", mustNeedStep(t, "reject").ReasonFor(villageNeed), []string{"退回理由", "团结村、和静县"}},
		{"submit reason (none)", mustNeedStep(t, "submit").ReasonFor(villageNeed), []string{"提交审核的理由"}},
		{"confirm pairing", confirm.Summary(m), []string{"电商协会与和静县 团结村结对帮扶", "“红枣销售”", "占用资源“直播带货”的一个承接名额", "将通知电商协会以及团结村、和静县的用户"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if strings.ContainsAny(c.text, "{}") {
				t.Errorf("placeholder left in %q", c.text)
			}
			for _, w := range c.want {
				if !strings.Contains(c.text, w) {
					t.Errorf("%q lacks %q", c.text, w)
				}
			}
		})
	}
	if s := mustNeedStep(t, "submit").Summary(villageNeed); s != "" {
		t.Errorf("submit has a summary: %q", s)
	}
}

func mustNeedStep(t *testing.T, name string) NeedTransition {
	t.Helper()
	tr, ok := FindNeedTransition(name)
	if !ok {
		t.Fatalf("no need step %s", name)
	}
	return tr
}
