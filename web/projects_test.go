package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"zhuxiang"
	"zhuxiang/sheet"
	"zhuxiang/store"
)

// project creates a project led by org through the store, as its staff
// member lead would, and walks it to status as the admin.
func (f *fixture) project(lead string, orgID, name string, status zhuxiang.ProjectStatus) *zhuxiang.Project {
	f.t.Helper()
	ctx := context.Background()
	p := &zhuxiang.Project{Name: name, Action: zhuxiang.ActionIndustry, Villages: []string{f.village},
		Parties:   []zhuxiang.ProjectParty{{OrgID: orgID, Role: zhuxiang.PartyLead, AmountFen: 500000}},
		Budget:    []zhuxiang.ProjectBudget{{Source: zhuxiang.FundOwn, OriginalFen: 500000}, {Source: zhuxiang.FundSpecial, OriginalFen: 200000, RevisedFen: 250000}},
		People:    []zhuxiang.ProjectPeople{{Category: "低收入人口", Target: 120, Reached: 30}},
		StartDate: "2026-03-01", EndDate: "2026-12-31"}
	if _, err := f.st.CreateProject(ctx, f.actor(lead), p); err != nil {
		f.t.Fatalf("create project: %v", err)
	}
	steps := map[zhuxiang.ProjectStatus][]string{
		zhuxiang.ProjectSubmitted: {"submit"},
		zhuxiang.ProjectReturned:  {"submit", "return"},
		zhuxiang.ProjectApproved:  {"submit", "approve"},
		zhuxiang.ProjectRunning:   {"submit", "approve", "start"},
		zhuxiang.ProjectAwaiting:  {"submit", "approve", "start", "request_acceptance"},
		zhuxiang.ProjectCompleted: {"submit", "approve", "start", "request_acceptance", "complete"},
		zhuxiang.ProjectStopped:   {"submit", "approve", "stop"},
	}[status]
	for _, s := range steps {
		if err := f.st.TransitionProject(ctx, f.actor("admin1"), p.ID, s, "预算表缺少明细", 0); err != nil {
			f.t.Fatalf("%s: %v", s, err)
		}
	}
	got, err := f.st.Project(ctx, zhuxiang.SystemActor, p.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return got
}

// projectStatus reads a project's status as the system.
func (f *fixture) projectStatus(id string) zhuxiang.ProjectStatus {
	f.t.Helper()
	p, err := f.st.Project(context.Background(), zhuxiang.SystemActor, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return p.Status
}

// TestProjectListScope: each role's list shows the projects of its scope
// only (the county its county's, an organization those it takes part in),
// and the filters narrow it.
func TestProjectListScope(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		f := newFixtureOn(t, engine)
		org2 := f.env.org("和静县农业技术协会", "652827", 41)
		f.orgUser("orguser2", org2.ID)
		own := f.project("orguser", f.org.ID, "红枣加工车间建设", zhuxiang.ProjectRunning)
		other := f.project("orguser2", org2.ID, "农机合作社培训", zhuxiang.ProjectSubmitted)
		if err := f.st.SetProjectKey(context.Background(), f.actor("admin1"), own.ID, true); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			user, path string
			want, not  []string
		}{
			{"hejing", "/projects", []string{own.Name, other.Name, "共 <span class=\"num\">2</span> 个项目", "重点项目", "实施中", "待审批"}, nil},
			{"ruoqiang", "/projects", []string{"没有符合条件的项目"}, []string{own.Name, other.Name}},
			{"orguser", "/projects", []string{own.Name, "¥7,500.00"}, []string{other.Name}},
			{"orguser2", "/projects", []string{other.Name}, []string{own.Name}},
			{"cun", "/projects", []string{own.Name, other.Name}, nil},
			{"admin1", "/projects?status=submitted", []string{other.Name}, []string{own.Name}},
			{"admin1", "/projects?key=1", []string{own.Name}, []string{other.Name}},
			{"admin1", "/projects?q=" + url.QueryEscape("农机"), []string{other.Name}, []string{own.Name}},
		}
		for _, tc := range tests {
			r := f.as(tc.user).get(tc.path)
			mustStatus(t, r, http.StatusOK)
			mustContain(t, r, tc.want...)
			mustContain(t, r, `href="/projects"`) // the menu entry
			mustNotContain(t, r, tc.not...)
		}
		// The list is kept in the response cache; a write shows at once,
		// and two users of one scope share it without seeing each other.
		hj := f.as("hejing")
		mustNotContain(t, hj.get("/projects"), "香梨冷库建设")
		f.project("orguser", f.org.ID, "香梨冷库建设", zhuxiang.ProjectDraft)
		mustContain(t, hj.get("/projects"), "香梨冷库建设")
		mustContain(t, f.as("orguser").get("/projects"), "香梨冷库建设", "orguser姓名")
		mustNotContain(t, f.as("orguser2").get("/projects"), "香梨冷库建设")
		// Another county's user cannot open the project either.
		mustStatus(t, f.as("ruoqiang").get("/projects/"+own.ID), http.StatusNotFound)
		mustStatus(t, f.as("orguser2").get("/projects/"+own.ID), http.StatusNotFound)
	})
}

// TestProjectDetailButtons: the detail page offers each role the steps
// the lifecycle lets it take in each state, and the key toggle to the
// admin alone.
func TestProjectDetailButtons(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		f := newFixtureOn(t, engine)
		byStatus := map[zhuxiang.ProjectStatus]*zhuxiang.Project{}
		for i, s := range zhuxiang.ProjectStatuses {
			byStatus[s] = f.project("orguser", f.org.ID, "项目"+strconv.Itoa(i), s)
		}
		all := []string{"提交审批", "批准立项", "退回修改", "开始实施", "申请验收", "验收完成", "终止项目", "设为重点项目"}
		tests := []struct {
			user   string
			status zhuxiang.ProjectStatus
			want   []string
		}{
			{"orguser", zhuxiang.ProjectDraft, []string{"提交审批"}},
			{"orguser", zhuxiang.ProjectReturned, []string{"提交审批"}},
			{"orguser", zhuxiang.ProjectSubmitted, nil},
			{"orguser", zhuxiang.ProjectApproved, []string{"开始实施"}},
			{"orguser", zhuxiang.ProjectRunning, []string{"申请验收"}},
			{"orguser", zhuxiang.ProjectAwaiting, nil},
			{"hejing", zhuxiang.ProjectSubmitted, []string{"批准立项", "退回修改"}},
			{"hejing", zhuxiang.ProjectRunning, []string{"终止项目"}},
			{"hejing", zhuxiang.ProjectAwaiting, []string{"验收完成", "终止项目"}},
			{"hejing", zhuxiang.ProjectCompleted, nil},
			{"cun", zhuxiang.ProjectSubmitted, nil},
			{"cun", zhuxiang.ProjectAwaiting, nil},
			{"admin1", zhuxiang.ProjectSubmitted, []string{"批准立项", "退回修改", "设为重点项目"}},
		}
		for _, tc := range tests {
			p := byStatus[tc.status]
			r := f.as(tc.user).get("/projects/" + p.ID)
			mustStatus(t, r, http.StatusOK)
			mustContain(t, r, p.Name, tc.status.Label(), "和静县电子商务促进会", "牵头单位", "测试一村", "自有资金", "¥2,500.00", "低收入人口")
			for _, b := range all {
				has := strings.Contains(r.Body, ">"+b+"<")
				want := false
				for _, w := range tc.want {
					want = want || w == b
				}
				if has != want {
					t.Errorf("%s on a %s project: button %s shown %v, want %v", tc.user, tc.status, b, has, want)
				}
			}
		}
		// Irreversible steps are links to their confirmation.
		r := f.as("hejing").get("/projects/" + byStatus[zhuxiang.ProjectSubmitted].ID)
		mustContain(t, r, `href="/projects/`+byStatus[zhuxiang.ProjectSubmitted].ID+`/confirm?action=approve"`)
	})
}

// TestProjectStepsThroughPages: the county approves with the confirmation
// (a POST without it asks and changes nothing), returns with a reason, the
// organization resubmits; stopping needs its reason on the confirmation;
// the admin marks a key project, an organization cannot.
func TestProjectStepsThroughPages(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		f := newFixtureOn(t, engine)
		p := f.project("orguser", f.org.ID, "红枣加工车间建设", zhuxiang.ProjectSubmitted)
		county, org := f.as("hejing"), f.as("orguser")
		base := "/projects/" + p.ID

		r := county.get(base + "/confirm?action=approve")
		mustStatus(t, r, http.StatusOK)
		mustContain(t, r, "批准后项目立项", `action="`+base+`/transition"`, `name="confirm" value="1"`, ">返回</a>")
		r = county.post(base+"/transition", url.Values{"name": {"return"}, "version": {strconv.Itoa(p.Version)}})
		mustStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r, "请填写“退回修改”的理由")
		r = county.post(base+"/transition", url.Values{"name": {"return"}, "version": {strconv.Itoa(p.Version)}, "reason": {"请补充预算明细"}})
		mustStatus(t, r, http.StatusSeeOther)
		mustContain(t, county.follow(r), "已退回修改", "退回理由：请补充预算明细")
		r = org.post(base+"/transition", url.Values{"name": {"submit"}})
		mustStatus(t, r, http.StatusSeeOther)
		if got := f.projectStatus(p.ID); got != zhuxiang.ProjectSubmitted {
			t.Fatalf("after resubmitting: %s", got)
		}

		// Approve: without the confirmation nothing happens.
		r = county.post(base+"/transition", url.Values{"name": {"approve"}})
		mustStatus(t, r, http.StatusOK)
		mustContain(t, r, "尚未执行", "批准后项目立项")
		if got := f.projectStatus(p.ID); got != zhuxiang.ProjectSubmitted {
			t.Fatalf("approved without the confirmation: %s", got)
		}
		r = county.post(base+"/transition", url.Values{"name": {"approve"}, "confirm": {"1"}})
		mustStatus(t, r, http.StatusSeeOther)
		mustContain(t, county.follow(r), "已批准立项")
		if got := f.projectStatus(p.ID); got != zhuxiang.ProjectApproved {
			t.Fatalf("after approving: %s", got)
		}
		// The organization was told, with a link to the page.
		r = org.get("/notifications")
		mustContain(t, r, "项目“红枣加工车间建设”批准立项")
		m := regexp.MustCompile(`action="(/notifications/[0-9a-f]+/open)"`).FindStringSubmatch(r.Body)
		if m == nil {
			t.Fatal("no notification to open")
		}
		if r = org.post(m[1], nil); r.Location != base {
			t.Fatalf("the notification leads to %q, want %q", r.Location, base)
		}
		// The organization may not approve: the step is refused.
		r = org.post(base+"/transition", url.Values{"name": {"complete"}, "confirm": {"1"}})
		if r.Status < 400 {
			t.Fatalf("an organization completed a project: %d", r.Status)
		}

		// Stop: the confirmation keeps asking for the reason.
		r = county.post(base+"/transition", url.Values{"name": {"stop"}, "confirm": {"1"}})
		mustStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r, "请填写“终止项目”的理由", "终止后项目不再实施")
		r = county.post(base+"/transition", url.Values{"name": {"stop"}, "confirm": {"1"}, "reason": {"村里已另行安排"}})
		mustStatus(t, r, http.StatusSeeOther)
		mustContain(t, county.follow(r), "终止理由：村里已另行安排")

		// The key flag: the admin alone.
		mustStatus(t, org.post(base+"/key", url.Values{"key": {"1"}}), http.StatusForbidden)
		admin := f.as("admin1")
		r = admin.post(base+"/key", url.Values{"key": {"1"}})
		mustStatus(t, r, http.StatusSeeOther)
		mustContain(t, admin.follow(r), "取消重点项目", "badge-key")
	})
}

// TestProjectForm: the lead organization's form shows every problem at
// once beside its field and keeps what was typed; a good form saves a
// draft or submits; a returned project is edited and resubmitted; a
// village cannot start projects.
func TestProjectForm(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		f := newFixtureOn(t, engine)
		org := f.as("orguser")
		r := org.get("/projects/new")
		mustStatus(t, r, http.StatusOK)
		mustContain(t, r, `name="name"`, `name="village"`, `name="budget_own"`, "低收入人口", "保存草稿", "提交审批", "和静县电子商务促进会")
		mustNotContain(t, r, `name="lead"`) // an organization leads its own projects
		mustStatus(t, f.as("cun").get("/projects/new"), http.StatusForbidden)

		r = org.post("/projects/new", url.Values{"name": {""}, "budget_own": {"十万"}, "people_1": {"-3"}, "end_date": {"2026-13-01"},
			"description": {"保留的简介"}, "op": {"draft"}})
		mustStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r, "项目名称不能为空", "请选择五项行动之一", "请选择项目所在的村", "请填写开始日期", "自有资金：金额", "目标人数应为不小于0的整数",
			"保留的简介", `value="十万"`, `class="field-error"`)

		form := url.Values{"name": {"红枣加工车间建设"}, "action": {string(zhuxiang.ActionIndustry)}, "village": {"测试一村"},
			"budget_own": {"5000"}, "budget_special": {"1234.5"}, "people_1": {"120"}, "start_date": {"2026-03-01"}, "end_date": {"2026-12-31"}, "op": {"submit"}}
		r = org.post("/projects/new", form)
		mustStatus(t, r, http.StatusSeeOther)
		r = org.follow(r)
		mustContain(t, r, "已提交审批。", "待审批", "红枣加工车间建设", "测试一村", "¥5,000.00", "¥1,234.50", "120")
		page, err := f.st.ListProjects(context.Background(), f.actor("hejing"), store.ProjectFilter{})
		if err != nil || len(page.Projects) != 1 {
			t.Fatalf("projects: %v %v", page, err)
		}
		p := page.Projects[0]
		if p.LeadOrgID() != f.org.ID || p.Status != zhuxiang.ProjectSubmitted {
			t.Fatalf("saved lead %s status %s", p.LeadOrgID(), p.Status)
		}
		if err := f.st.TransitionProject(context.Background(), f.actor("hejing"), p.ID, "return", "请写明加工规模", 0); err != nil {
			t.Fatal(err)
		}
		r = org.get("/projects/" + p.ID + "/edit")
		mustStatus(t, r, http.StatusOK)
		mustContain(t, r, `value="红枣加工车间建设"`, `value="5000"`, `value="120"`)
		form.Set("name", "红枣加工车间建设（年产500吨）")
		form.Set("version", strconv.Itoa(p.Version+1))
		mustContain(t, r, `value="测试一村（和静县 巴伦台镇）"`)
		form.Set("village_id", f.village)
		form.Set("village", "测试一村（和静县 巴伦台镇）")
		r = org.post("/projects/"+p.ID+"/edit", form)
		mustStatus(t, r, http.StatusSeeOther)
		mustContain(t, org.follow(r), "红枣加工车间建设（年产500吨）", "待审批")
		// The county may not edit it.
		mustStatus(t, f.as("hejing").get("/projects/"+p.ID+"/edit"), http.StatusForbidden)

		// The admin names the lead.
		admin := f.as("admin1")
		mustContain(t, admin.get("/projects/new"), `name="lead"`)
		form.Del("version")
		form.Del("csrf") // the organization's
		form.Set("lead", "和静县电子商务促进会")
		form.Set("op", "draft")
		r = admin.post("/projects/new", form)
		mustStatus(t, r, http.StatusSeeOther)
		mustContain(t, admin.follow(r), "已保存。", "草稿")
	})
}

// TestProjectFormLists: the form keeps several villages and partners with
// roles and amounts, the budget as approved and revised and the people
// target and reached, without JavaScript: "再加一个村" brings the form back
// with one more row and saves nothing; villages in two counties, a bad
// amount and a partner named by nothing come back each beside its field;
// an organization names its partner by credit code, and the edit form sent
// back unchanged keeps the partner it cannot search for.
func TestProjectFormLists(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		f := newFixtureOn(t, engine)
		ctx := context.Background()
		donor := f.env.org("和静县养蜂协会", "652827", 41)
		ruoqiang := f.env.village("若羌县", "若羌镇", "测试若羌村")
		org := f.as("orguser")
		base := url.Values{"name": {"庭院经济示范"}, "action": {string(zhuxiang.ActionIndustry)}, "start_date": {"2026-03-01"},
			"villages_n": {"2"}, "village": {"测试一村"}, "village_1": {""}, "partners_n": {"1"}, "partner_0": {""}, "op": {"more_villages"}}
		r := org.post("/projects/new", base)
		mustStatus(t, r, http.StatusOK)
		mustContain(t, r, `name="village_2"`, `name="villages_n" value="3"`, "已选：测试一村（和静县 巴伦台镇）")
		mustNotContain(t, r, `class="field-error"`)
		if page, _ := f.st.ListProjects(ctx, f.actor("hejing"), store.ProjectFilter{}); page.Total != 0 {
			t.Fatalf("adding a row saved a project")
		}

		bad := url.Values{}
		for k, v := range base {
			bad[k] = v
		}
		bad.Set("op", "draft")
		bad.Set("village_1", ruoqiang)
		bad.Set("partner_0_amount", "一万")
		bad.Set("partners_n", "2")
		bad.Set("partner_1_amount", "300")
		bad.Set("people_0_reached", "x")
		r = org.post("/projects/new", bad)
		mustStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r, "金额“一万”格式不正确", "填写了投入金额，请同时指定单位", "已受益人数应为不小于0的整数")
		bad.Set("partner_0_amount", "")
		bad.Set("partner_1_amount", "")
		bad.Set("people_0_reached", "")
		r = org.post("/projects/new", bad)
		mustStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r, "项目的村应在同一县市")

		good := url.Values{"name": {"庭院经济示范"}, "action": {string(zhuxiang.ActionIndustry)}, "start_date": {"2026-03-01"}, "op": {"draft"},
			"villages_n": {"3"}, "village": {"测试一村"}, "village_1": {"测试二村"}, "village_2": {""},
			"lead_amount": {"8000"}, "partners_n": {"2"}, "partner_0": {donor.CreditCode}, "partner_0_role": {"donor"}, "partner_0_amount": {"2000.5"},
			"partner_1": {""}, "budget_own": {"8000"}, "budget_own_revised": {"9000"}, "budget_donation": {"2000.5"},
			"people_0": {"100"}, "people_0_reached": {"40"}}
		r = org.post("/projects/new", good)
		mustStatus(t, r, http.StatusSeeOther)
		page, err := f.st.ListProjects(ctx, f.actor("hejing"), store.ProjectFilter{})
		if err != nil || page.Total != 1 {
			t.Fatalf("projects: %v %v", page, err)
		}
		p := page.Projects[0]
		wantParties := []zhuxiang.ProjectParty{{OrgID: f.org.ID, Role: zhuxiang.PartyLead, AmountFen: 800000}, {OrgID: donor.ID, Role: zhuxiang.PartyDonor, AmountFen: 200050}}
		if len(p.Parties) != 2 || len(p.Villages) != 2 || p.Villages[0] != f.village || p.Villages[1] != f.village2 {
			t.Fatalf("saved parties %+v villages %v", p.Parties, p.Villages)
		}
		for i, w := range wantParties {
			if g := p.Parties[i]; g.OrgID != w.OrgID || g.Role != w.Role || g.AmountFen != w.AmountFen {
				t.Errorf("party %d = %+v, want %+v", i, g, w)
			}
		}
		if len(p.Budget) != 2 || p.Budget[0] != (zhuxiang.ProjectBudget{Source: zhuxiang.FundOwn, OriginalFen: 800000, RevisedFen: 900000}) ||
			len(p.People) != 1 || p.People[0].Target != 100 || p.People[0].Reached != 40 {
			t.Errorf("saved budget %+v people %+v", p.Budget, p.People)
		}

		// The edit form shows it all, and sent back as shown changes nothing.
		r = org.get("/projects/" + p.ID + "/edit")
		mustStatus(t, r, http.StatusOK)
		mustContain(t, r, `value="测试二村（和静县 巴伦台镇）"`, `value="和静县养蜂协会"`, `value="2000.50"`, `value="9000"`, `value="40"`, `<option value="donor" selected>`)
		shown := formValues(r.Body)
		shown.Set("op", "draft")
		r = org.post("/projects/"+p.ID+"/edit", shown)
		mustStatus(t, r, http.StatusSeeOther)
		again, err := f.st.Project(ctx, zhuxiang.SystemActor, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(again.Parties) != 2 || again.Parties[1].OrgID != donor.ID || len(again.Villages) != 2 || again.Version != p.Version+1 {
			t.Errorf("after an unchanged edit: parties %+v villages %v", again.Parties, again.Villages)
		}
	})
}

// TestProjectSpending: the lead organization records what a running
// project spent from its page; every problem comes back beside its field
// with what was typed kept; the county sees the entry and no form.
func TestProjectSpending(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		f := newFixtureOn(t, engine)
		p := f.project("orguser", f.org.ID, "红枣加工车间建设", zhuxiang.ProjectRunning)
		draft := f.project("orguser", f.org.ID, "香梨冷库建设", zhuxiang.ProjectDraft)
		org := f.as("orguser")
		mustContain(t, org.get("/projects/"+p.ID), "登记支出", `action="/projects/`+p.ID+`/spending"`)
		mustNotContain(t, org.get("/projects/"+draft.ID), `/spending"`)
		mustNotContain(t, f.as("hejing").get("/projects/"+p.ID), `/spending"`)

		r := org.post("/projects/"+p.ID+"/spending", url.Values{"amount": {"一千"}, "note": {"购买设备"}})
		mustStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r, "请填写支出日期", "请选择资金来源", "金额“一千”格式不正确", `value="购买设备"`)
		r = org.post("/projects/"+p.ID+"/spending", url.Values{"date": {"2026-04-02"}, "source": {"own"}, "amount": {"1200.5"}, "note": {"购买设备"}})
		mustStatus(t, r, http.StatusSeeOther)
		mustContain(t, org.follow(r), "已登记支出。", "2026-04-02", "¥1,200.50", "购买设备")
		mustContain(t, f.as("hejing").get("/projects/"+p.ID), "¥1,200.50", "购买设备")
		// Not on a draft.
		r = org.post("/projects/"+draft.ID+"/spending", url.Values{"date": {"2026-04-02"}, "source": {"own"}, "amount": {"10"}})
		mustStatus(t, r, http.StatusConflict)
		mustContain(t, r, "只有批准后、完成前的项目可以登记支出")
	})
}

var (
	formInput    = regexp.MustCompile(`<input\b[^>]*>`)
	formTextarea = regexp.MustCompile(`(?s)<textarea\b[^>]*\bname="([^"]*)"[^>]*>(.*?)</textarea>`)
	formSelect   = regexp.MustCompile(`(?s)<select\b[^>]*\bname="([^"]*)"[^>]*>(.*?)</select>`)
	formSelected = regexp.MustCompile(`<option value="([^"]*)" selected>`)
	formAttr     = regexp.MustCompile(`\b(name|value|type)="([^"]*)"`)
)

// formValues reads what a page's form would send as shown: its text and
// hidden inputs, textareas and the selected options (radio buttons and
// check boxes left out), the way a browser without JavaScript sends it.
func formValues(body string) url.Values {
	v := url.Values{}
	for _, tag := range formInput.FindAllString(body, -1) {
		attrs := map[string]string{}
		for _, m := range formAttr.FindAllStringSubmatch(tag, -1) {
			attrs[m[1]] = html.UnescapeString(m[2])
		}
		if attrs["name"] == "" || attrs["type"] == "radio" || attrs["type"] == "checkbox" {
			continue
		}
		v.Set(attrs["name"], attrs["value"])
	}
	for _, m := range formTextarea.FindAllStringSubmatch(body, -1) {
		v.Set(m[1], html.UnescapeString(m[2]))
	}
	for _, m := range formSelect.FindAllStringSubmatch(body, -1) {
		if sel := formSelected.FindStringSubmatch(m[2]); sel != nil {
			v.Set(m[1], sel[1])
		}
	}
	return v
}

// TestProjectExport: /projects links to the export with its filter; the
// workbook has one row per project of the list, with Chinese headers, the
// user's scope and the filter applied, money in yuan by source, the
// spending and the people benefiting.
func TestProjectExport(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		f := newFixtureOn(t, engine)
		ctx := context.Background()
		running := f.project("orguser", f.org.ID, "红枣加工车间建设", zhuxiang.ProjectRunning)
		f.project("orguser", f.org.ID, "香梨冷库建设", zhuxiang.ProjectDraft)
		if err := f.st.AddProjectSpending(ctx, f.actor("orguser"), running.ID, &zhuxiang.ProjectSpending{Date: "2026-04-01", Source: zhuxiang.FundOwn, AmountFen: 123456}); err != nil {
			t.Fatal(err)
		}
		read := func(c *client, path string) *sheet.Table {
			t.Helper()
			r := c.get(path)
			if r.Status != http.StatusOK || !strings.HasPrefix(r.Body, "PK") || !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
				t.Fatalf("%s: %d %q", path, r.Status, r.Header.Get("Content-Type"))
			}
			tab, err := sheet.Read(strings.NewReader(r.Body), "projects.xlsx", sheet.DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			return tab
		}
		c := f.as("hejing")
		mustContain(t, c.get("/projects?status=running"), `href="/projects/export.xlsx?status=running"`)
		tab := read(c, "/projects/export.xlsx?status=running")
		if len(tab.Rows) != 1 {
			t.Fatalf("export of running projects has %d rows", len(tab.Rows))
		}
		cell := func(header string) string {
			t.Helper()
			i := tab.Col(header)
			if i < 0 {
				t.Fatalf("no column %s in %v", header, tab.Header)
			}
			return tab.Rows[0].Cells[i]
		}
		want := map[string]string{"编号": strconv.FormatInt(running.Seq, 10), "项目名称": "红枣加工车间建设", "牵头单位": "和静县电子商务促进会", "县市": "和静县",
			"村": "巴伦台镇/测试一村", "状态": "实施中", "预算-自有资金（元）": "5000", "预算-专项资金（元）": "2000", "调整后预算-专项资金（元）": "2500",
			"实际支出（元）": "1234.56", "受益人数（目标）": "120", "受益人数（已达）": "30", "受益人群": "低收入人口 120/30", "开始日期": "2026-03-01", "结束日期": "2026-12-31"}
		for h, w := range want {
			if got := strings.ReplaceAll(cell(h), ",", ""); got != w && got != w+".00" {
				t.Errorf("%s = %q, want %q", h, got, w)
			}
		}
		if got := cell("合作单位"); got != "" {
			t.Errorf("合作单位 = %q", got)
		}
		if n := len(read(c, "/projects/export.xlsx").Rows); n != 2 {
			t.Errorf("the whole list exports %d rows, want 2", n)
		}
		// Another county's user exports nothing of 和静县's.
		if n := len(read(f.as("ruoqiang"), "/projects/export.xlsx").Rows); n != 0 {
			t.Errorf("若羌县 exports %d of 和静县's projects", n)
		}
		mustStatus(t, f.as("cun").get("/projects/export.xlsx"), http.StatusOK)
	})
}

// TestProjectImportPage: an organization's staff see the project ledger
// form alone on the import page, download its template, and upload a
// ledger that becomes drafts of their organization in a background job;
// a bad ledger comes back with every bad row named by row and column, and
// nothing stored.
func TestProjectImportPage(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		f := newFixtureOn(t, engine)
		c := f.as("orguser")
		r := c.get("/import")
		mustStatus(t, r, http.StatusOK)
		mustContain(t, r, `action="/import/projects"`, "/import/template/projects.xlsx", "只能导入本组织牵头的项目")
		mustNotContain(t, r, `action="/import/orgs"`, `action="/import/pairings"`)
		tpl := c.get("/import/template/projects.xlsx")
		if tpl.Status != http.StatusOK || !strings.HasPrefix(tpl.Body, "PK") {
			t.Fatalf("template: %d", tpl.Status)
		}
		ledger := func(rows ...[]any) []byte {
			var buf strings.Builder
			sh := sheet.Sheet{Name: "台账", Header: []string{"项目名称", "县市", "村", "行动", "开始日期", "预算-自有资金（元）", "受益人群"}, Rows: rows}
			if err := sheet.WriteXLSX(&buf, sh); err != nil {
				t.Fatal(err)
			}
			return []byte(buf.String())
		}
		bad := ledger([]any{"红枣烘干房建设", "和静县", "测试一村、测试二村", "产业发展", "2026-03-01", "5000", "村民 80/0"},
			[]any{"电商培训", "和静县", "测试九村", "扶贫", "2026-03-01", "", ""})
		r = c.finish(c.upload("/import/projects", "台账.xlsx", bad, "", c.csrf))
		mustStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r, "导入结果：帮扶项目", "全部未保存", `class="num">3</td><td data-label="列">行动</td>`, "“行动”的值“扶贫”无效")
		if page, _ := f.st.ListProjects(context.Background(), f.actor("orguser"), store.ProjectFilter{}); page.Total != 0 {
			t.Fatalf("a refused ledger stored %d projects", page.Total)
		}
		good := ledger([]any{"红枣烘干房建设", "和静县", "测试一村、测试二村", "产业发展", "2026-03-01", "5000", "村民 80/0"})
		r = c.finish(c.upload("/import/projects", "台账.xlsx", good, "", c.csrf))
		mustContain(t, r, "导入成功")
		page, err := f.st.ListProjects(context.Background(), f.actor("orguser"), store.ProjectFilter{})
		if err != nil || page.Total != 1 || page.Projects[0].Status != zhuxiang.ProjectDraft || len(page.Projects[0].Villages) != 2 || page.Projects[0].LeadOrgID() != f.org.ID {
			t.Fatalf("imported: %v %+v", err, page)
		}
		mustStatus(t, f.as("cun").get("/import"), http.StatusForbidden)
	})
}
