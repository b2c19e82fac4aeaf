package zhuxiang

import (
	"slices"
	"strings"
	"testing"
)

func TestProjectValidateReportsEveryField(t *testing.T) {
	p := &Project{Name: "  ", Action: "nothing", Villages: nil,
		Parties:   []ProjectParty{{OrgID: "o1", Role: PartyPartner}},
		Budget:    []ProjectBudget{{Source: "gold", OriginalFen: 1}},
		People:    []ProjectPeople{{Category: "外星人", Target: 1}},
		StartDate: "2026-13-01", EndDate: "not a date", PairingID: "bad id!"}
	err := p.Validate()
	want := map[string]string{
		"name":       "项目名称不能为空",
		"action":     "请选择五项行动之一",
		"parties":    "参与单位中应有且只有一个牵头单位",
		"villages":   "请选择项目所在的村（至少一个）",
		"pairing":    "结对不存在",
		"budget":     "资金来源“gold”无效",
		"people":     "未知的受益人群类别“外星人”",
		"start_date": "日期“2026-13-01”格式不正确",
		"end_date":   "日期“not a date”格式不正确",
	}
	got := map[string]string{}
	for _, f := range FieldErrors(err) {
		got[f.Field] = f.Message
	}
	for field, msg := range want {
		if !strings.Contains(got[field], msg) {
			t.Errorf("%s: got %q, want %q", field, got[field], msg)
		}
	}
	if len(got) != len(want) {
		t.Errorf("fields %v", got)
	}
}

func TestProjectValidateCases(t *testing.T) {
	ok := func() *Project {
		return &Project{Name: "红枣加工", Action: ActionIndustry, Villages: []string{"652827100201"},
			Parties: []ProjectParty{{OrgID: "o1", Role: PartyLead}}, StartDate: "2026/3/1"}
	}
	cases := []struct {
		name  string
		edit  func(*Project)
		field string // "" = valid
		msg   string
	}{
		{"valid", func(*Project) {}, "", ""},
		{"two leads", func(p *Project) { p.Parties = append(p.Parties, ProjectParty{OrgID: "o2", Role: PartyLead}) }, "parties", "有且只有一个牵头单位"},
		{"an org twice", func(p *Project) { p.Parties = append(p.Parties, ProjectParty{OrgID: "o1", Role: PartyDonor}) }, "parties", "只能出现一次"},
		{"unknown role", func(p *Project) { p.Parties[0].Role = "boss" }, "parties", "角色“boss”无效"},
		{"negative amount", func(p *Project) { p.Parties[0].AmountFen = -1 }, "parties", "投入金额"},
		{"village twice", func(p *Project) { p.Villages = append(p.Villages, p.Villages[0]) }, "villages", "重复"},
		{"ends before it starts", func(p *Project) { p.EndDate = "2026-01-01" }, "end_date", "不能早于开始日期"},
		{"no start", func(p *Project) { p.StartDate = "" }, "start_date", "请填写开始日期"},
		{"source twice", func(p *Project) { p.Budget = []ProjectBudget{{Source: FundOwn}, {Source: FundOwn}} }, "budget", "资金来源“自有资金”重复"},
		{"name with a line break", func(p *Project) { p.Name = "红枣\n加工" }, "name", "项目名称不能换行"},
		{"name too long", func(p *Project) { p.Name = strings.Repeat("枣", 61) }, "name", "项目名称不能超过60个字"},
		{"control character in the description", func(p *Project) { p.Description = "a\x00b" }, "description", "项目简介含有不可见的控制字符"},
		{"people out of range", func(p *Project) { p.People = []ProjectPeople{{Category: "村民", Target: MaxPeople + 1}} }, "people", "受益人数应为0至"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := ok()
			c.edit(p)
			err := p.Validate()
			if c.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				if p.StartDate != "2026-03-01" {
					t.Errorf("date not normalized: %s", p.StartDate)
				}
				return
			}
			if ErrorField(err) != c.field || !strings.Contains(ErrorMessage(err), c.msg) {
				t.Fatalf("got %v, want %q on %s", err, c.msg, c.field)
			}
		})
	}
}

func TestProjectSpendingValidate(t *testing.T) {
	e := &ProjectSpending{Source: "x", AmountFen: 0, Note: "a\nb"}
	got := map[string]bool{}
	for _, f := range FieldErrors(e.Validate()) {
		got[f.Field] = true
	}
	for _, f := range []string{"date", "source", "amount", "note"} {
		if !got[f] {
			t.Errorf("no problem on %s: %v", f, got)
		}
	}
}

func TestProjectAuthz(t *testing.T) {
	p := &Project{CountyCode: "652827", Villages: []string{"652827100201"}, Action: ActionIndustry, Status: ProjectSubmitted,
		Parties:         []ProjectParty{{OrgID: "o1", Role: PartyLead}, {OrgID: "o2", Role: PartyDonor, Department: "d2"}},
		LeadDepartments: []string{"d1"}}
	admin := Actor{UserID: "a", Role: RoleAdmin}
	county := Actor{UserID: "c", Role: RoleCounty, RegionCode: "652827", CountyCode: "652827"}
	otherCounty := Actor{UserID: "c2", Role: RoleCounty, RegionCode: "652824", CountyCode: "652824"}
	village := Actor{UserID: "v", Role: RoleVillage, RegionCode: "652827100201", CountyCode: "652827"}
	lead := Actor{UserID: "o", Role: RoleOrg, OrgID: "o1"}
	donor := Actor{UserID: "o2", Role: RoleOrg, OrgID: "o2"}
	leadDept := Actor{UserID: "d", Role: RoleDepartment, DepartmentID: "d1"}
	superDept := Actor{UserID: "d2", Role: RoleDepartment, DepartmentID: "d2"}
	otherDept := Actor{UserID: "d3", Role: RoleDepartment, DepartmentID: "d3"}
	anon := Actor{Role: RoleAdmin}
	cases := []struct {
		name                   string
		a                      Actor
		see, review, key, edit bool
	}{
		{"admin", admin, true, true, true, false},
		{"county", county, true, true, false, false},
		{"other county", otherCounty, false, false, false, false},
		{"village", village, true, false, false, false},
		{"lead org", lead, true, false, false, false},
		{"donor org", donor, true, false, false, false},
		{"lead department", leadDept, true, true, false, false},
		{"supervising department", superDept, true, false, false, false},
		{"other department", otherDept, false, false, false, false},
		{"admin role without an account", anon, false, false, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := CanSeeProject(c.a, p); got != c.see {
				t.Errorf("see %v", got)
			}
			if got := CanReviewProject(c.a, p) == nil; got != c.review {
				t.Errorf("review %v", got)
			}
			// The work bench's list of projects to approve (ProjectReviewScope,
			// spelt in SQL by the store) says the same as the rule.
			rs := ProjectReviewScope(c.a)
			if got := rs.All || (rs.County != "" && rs.County == p.CountyCode) || (rs.Department != "" && slices.Contains(p.LeadDepartments, rs.Department)); got != c.review {
				t.Errorf("ProjectReviewScope %+v lists it: %v", rs, got)
			}
			if got := CanMarkKeyProject(c.a) == nil; got != c.key {
				t.Errorf("only the prefecture marks key projects: %v", got)
			}
			if got := CanEditProject(c.a, p) == nil; got != c.edit {
				t.Errorf("edit a submitted project %v", got)
			}
		})
	}
	draft := *p
	draft.Status = ProjectDraft
	for _, a := range []Actor{admin, lead} {
		if err := CanEditProject(a, &draft); err != nil {
			t.Errorf("%s cannot edit its draft: %v", a.Role, err)
		}
	}
	if CanEditProject(donor, &draft) == nil {
		t.Error("a donor edits the lead's draft")
	}
	if CanCreateProject(donor, &draft) == nil || CanCreateProject(lead, &draft) != nil || CanCreateProjects(county) == nil {
		t.Error("create rules")
	}
}

// TestProjectActions reads the lifecycle table for every status and side:
// which steps each may take, as the API's "actions" and later the buttons
// show them.
func TestProjectActions(t *testing.T) {
	lead := Actor{UserID: "o", Role: RoleOrg, OrgID: "o1"}
	county := Actor{UserID: "c", Role: RoleCounty, RegionCode: "652827", CountyCode: "652827"}
	dept := Actor{UserID: "d", Role: RoleDepartment, DepartmentID: "d1"}
	village := Actor{UserID: "v", Role: RoleVillage, RegionCode: "652827100201", CountyCode: "652827"}
	admin := Actor{UserID: "a", Role: RoleAdmin}
	cases := []struct {
		status                           ProjectStatus
		lead, county, dept, admin, other string
	}{
		{ProjectDraft, "submit", "", "", "submit", ""},
		{ProjectSubmitted, "", "approve return", "approve return", "approve return", ""},
		{ProjectReturned, "submit", "", "", "submit", ""},
		{ProjectApproved, "start", "stop", "", "start stop", ""},
		{ProjectRunning, "request_acceptance", "stop", "", "request_acceptance stop", ""},
		{ProjectAwaiting, "", "complete stop", "", "complete stop", ""},
		{ProjectCompleted, "", "", "", "", ""},
		{ProjectStopped, "", "", "", "", ""},
	}
	names := func(a Actor, p *Project) string {
		var out []string
		for _, tr := range ProjectActions(a, p) {
			out = append(out, tr.Name)
		}
		return strings.Join(out, " ")
	}
	for _, c := range cases {
		p := &Project{CountyCode: "652827", Villages: []string{"652827100201"}, Action: ActionIndustry, Status: c.status,
			Parties: []ProjectParty{{OrgID: "o1", Role: PartyLead}}, LeadDepartments: []string{"d1"}}
		for _, x := range []struct {
			who  string
			a    Actor
			want string
		}{{"lead", lead, c.lead}, {"county", county, c.county}, {"lead department", dept, c.dept}, {"admin", admin, c.admin}, {"village", village, c.other}} {
			if got := names(x.a, p); got != x.want {
				t.Errorf("%s, %s: %q, want %q", c.status, x.who, got, x.want)
			}
		}
	}
}
