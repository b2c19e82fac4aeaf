package store_test

import (
	"slices"
	"strings"
	"testing"

	"zhuxiang"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

// projectFixture is the match fixture with a department that leads the
// industry action (it reviews industry projects) and its user.
type projectFixture struct {
	*matchFixture
	leadDept zhuxiang.Actor
}

func newProjectFixture(t *testing.T, st *store.Store) *projectFixture {
	t.Helper()
	f := &projectFixture{matchFixture: newMatchFixture(t, st)}
	d := &zhuxiang.Department{Name: "测试商务局", Roles: []zhuxiang.DepartmentRole{{Action: zhuxiang.ActionIndustry, Lead: true}}}
	if err := st.SaveDepartment(ctx, zhuxiang.SystemActor, d); err != nil {
		t.Fatal(err)
	}
	f.leadDept = mustUser(t, st, store.NewUser{Name: "shangwu", Role: zhuxiang.RoleDepartment, DepartmentID: d.ID})
	return f
}

// draft is a valid project of org1 in village1, not yet saved.
func (f *projectFixture) draft() *zhuxiang.Project {
	return &zhuxiang.Project{Name: "红枣加工车间", Action: zhuxiang.ActionIndustry, Villages: []string{f.village1},
		Parties:   []zhuxiang.ProjectParty{{OrgID: f.org1.ID, Role: zhuxiang.PartyLead, AmountFen: 500000}},
		Budget:    []zhuxiang.ProjectBudget{{Source: zhuxiang.FundOwn, OriginalFen: 500000}, {Source: zhuxiang.FundSpecial, OriginalFen: 200000}},
		People:    []zhuxiang.ProjectPeople{{Category: "村民", Target: 120}},
		StartDate: "2026-03-01", EndDate: "2026-12-31"}
}

// project creates a project of org1 and walks it to status with the admin.
func (f *projectFixture) project(t *testing.T, status zhuxiang.ProjectStatus, edit func(*zhuxiang.Project)) *zhuxiang.Project {
	t.Helper()
	p := f.draft()
	if edit != nil {
		edit(p)
	}
	if _, err := f.st.CreateProject(ctx, f.orgU1, p); err != nil {
		t.Fatalf("create project: %v", err)
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
		if err := f.st.TransitionProject(ctx, f.admin, p.ID, s, "测试理由", 0); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	got, err := f.st.Project(ctx, f.admin, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != status {
		t.Fatalf("fixture project is %s, want %s", got.Status, status)
	}
	return got
}

func TestProjectTransitionsStored(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newProjectFixture(t, st)
		type actor func() zhuxiang.Actor
		org1, org2 := actor(func() zhuxiang.Actor { return f.orgU1 }), actor(func() zhuxiang.Actor { return f.orgU2 })
		county1, county2 := actor(func() zhuxiang.Actor { return f.county1 }), actor(func() zhuxiang.Actor { return f.county2 })
		vil1, admin := actor(func() zhuxiang.Actor { return f.vil1 }), actor(func() zhuxiang.Actor { return f.admin })
		lead, dept := actor(func() zhuxiang.Actor { return f.leadDept }), actor(func() zhuxiang.Actor { return f.dept })
		cases := []struct {
			name   string
			from   zhuxiang.ProjectStatus
			actor  actor
			step   string
			reason string
			want   zhuxiang.ErrorCode // "" = allowed
			to     zhuxiang.ProjectStatus
		}{
			{"lead org submits a draft", zhuxiang.ProjectDraft, org1, "submit", "", "", zhuxiang.ProjectSubmitted},
			{"lead org resubmits a returned project", zhuxiang.ProjectReturned, org1, "submit", "", "", zhuxiang.ProjectSubmitted},
			{"county approves", zhuxiang.ProjectSubmitted, county1, "approve", "", "", zhuxiang.ProjectApproved},
			{"the action's lead department approves", zhuxiang.ProjectSubmitted, lead, "approve", "", "", zhuxiang.ProjectApproved},
			{"admin approves", zhuxiang.ProjectSubmitted, admin, "approve", "", "", zhuxiang.ProjectApproved},
			{"county returns with a reason", zhuxiang.ProjectSubmitted, county1, "return", "预算偏高", "", zhuxiang.ProjectReturned},
			{"lead department returns with a reason", zhuxiang.ProjectSubmitted, lead, "return", "请补充受益人数", "", zhuxiang.ProjectReturned},
			{"return without a reason", zhuxiang.ProjectSubmitted, county1, "return", "", zhuxiang.EInvalid, zhuxiang.ProjectSubmitted},
			{"lead org starts", zhuxiang.ProjectApproved, org1, "start", "", "", zhuxiang.ProjectRunning},
			{"lead org asks for acceptance", zhuxiang.ProjectRunning, org1, "request_acceptance", "", "", zhuxiang.ProjectAwaiting},
			{"county accepts", zhuxiang.ProjectAwaiting, county1, "complete", "", "", zhuxiang.ProjectCompleted},
			{"admin accepts", zhuxiang.ProjectAwaiting, admin, "complete", "", "", zhuxiang.ProjectCompleted},
			{"county stops an approved project", zhuxiang.ProjectApproved, county1, "stop", "资金未到位", "", zhuxiang.ProjectStopped},
			{"county stops a running project", zhuxiang.ProjectRunning, county1, "stop", "村里已另有安排", "", zhuxiang.ProjectStopped},
			{"admin stops a project awaiting acceptance", zhuxiang.ProjectAwaiting, admin, "stop", "发现虚报", "", zhuxiang.ProjectStopped},
			{"stop without a reason", zhuxiang.ProjectRunning, county1, "stop", "", zhuxiang.EInvalid, zhuxiang.ProjectRunning},
			// wrong state
			{"a draft cannot be stopped", zhuxiang.ProjectDraft, county1, "stop", "不做了", zhuxiang.EConflict, zhuxiang.ProjectDraft},
			{"a completed project cannot be stopped", zhuxiang.ProjectCompleted, county1, "stop", "不做了", zhuxiang.EConflict, zhuxiang.ProjectCompleted},
			{"a running project is not submitted", zhuxiang.ProjectRunning, org1, "submit", "", zhuxiang.EConflict, zhuxiang.ProjectRunning},
			{"a draft is not approved", zhuxiang.ProjectDraft, county1, "approve", "", zhuxiang.EConflict, zhuxiang.ProjectDraft},
			{"a running project is not completed before acceptance is asked", zhuxiang.ProjectRunning, county1, "complete", "", zhuxiang.EConflict, zhuxiang.ProjectRunning},
			{"a stopped project does not start", zhuxiang.ProjectStopped, org1, "start", "", zhuxiang.EConflict, zhuxiang.ProjectStopped},
			// wrong role
			{"the lead org does not approve its own project", zhuxiang.ProjectSubmitted, org1, "approve", "", zhuxiang.EForbidden, zhuxiang.ProjectSubmitted},
			{"the lead org does not accept its own project", zhuxiang.ProjectAwaiting, org1, "complete", "", zhuxiang.EForbidden, zhuxiang.ProjectAwaiting},
			{"the lead org does not stop it", zhuxiang.ProjectRunning, org1, "stop", "不做了", zhuxiang.EForbidden, zhuxiang.ProjectRunning},
			{"the county does not submit for the org", zhuxiang.ProjectDraft, county1, "submit", "", zhuxiang.EForbidden, zhuxiang.ProjectDraft},
			{"the county does not start it", zhuxiang.ProjectApproved, county1, "start", "", zhuxiang.EForbidden, zhuxiang.ProjectApproved},
			{"the village does not approve", zhuxiang.ProjectSubmitted, vil1, "approve", "", zhuxiang.EForbidden, zhuxiang.ProjectSubmitted},
			{"the village does not submit", zhuxiang.ProjectDraft, vil1, "submit", "", zhuxiang.EForbidden, zhuxiang.ProjectDraft},
			{"the lead department does not accept completion", zhuxiang.ProjectAwaiting, lead, "complete", "", zhuxiang.EForbidden, zhuxiang.ProjectAwaiting},
			// out of scope
			{"another county does not approve", zhuxiang.ProjectSubmitted, county2, "approve", "", zhuxiang.ENotFound, zhuxiang.ProjectSubmitted},
			{"another org does not submit", zhuxiang.ProjectDraft, org2, "submit", "", zhuxiang.ENotFound, zhuxiang.ProjectDraft},
			{"a department leading another action does not approve", zhuxiang.ProjectSubmitted, dept, "approve", "", zhuxiang.ENotFound, zhuxiang.ProjectSubmitted},
			{"unknown step", zhuxiang.ProjectDraft, org1, "launch", "", zhuxiang.EInvalid, zhuxiang.ProjectDraft},
		}
		allowed := map[string]bool{}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				p := f.project(t, c.from, nil)
				err := st.TransitionProject(ctx, c.actor(), p.ID, c.step, c.reason, 0)
				if got := zhuxiang.ErrorCodeOf(err); got != c.want {
					t.Fatalf("%s: got %v (%s), want %q", c.step, err, got, c.want)
				}
				got, err := st.Project(ctx, f.admin, p.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.Status != c.to {
					t.Fatalf("status %s, want %s", got.Status, c.to)
				}
				if c.want == "" {
					allowed[c.step] = true
					if got.Version != p.Version+1 {
						t.Errorf("version %d, want %d", got.Version, p.Version+1)
					}
					if tr, _ := zhuxiang.FindProjectTransition(c.step); tr.Reason && got.Reason != c.reason {
						t.Errorf("reason %q, want %q", got.Reason, c.reason)
					}
				}
			})
		}
		for _, tr := range zhuxiang.ProjectTransitions {
			if !allowed[tr.Name] {
				t.Errorf("no allowed case takes step %s", tr.Name)
			}
		}
	})
}

func TestProjectNotifications(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newProjectFixture(t, st)
		p := f.project(t, zhuxiang.ProjectDraft, nil)
		steps := []struct {
			actor zhuxiang.Actor
			step  string
			told  []zhuxiang.Actor
		}{
			{f.orgU1, "submit", []zhuxiang.Actor{f.county1}},
			{f.county1, "approve", []zhuxiang.Actor{f.orgU1, f.vil1}},
			{f.orgU1, "start", []zhuxiang.Actor{f.county1, f.vil1}},
			{f.orgU1, "request_acceptance", []zhuxiang.Actor{f.county1}},
			{f.county1, "complete", []zhuxiang.Actor{f.orgU1, f.vil1}},
		}
		for _, s := range steps {
			if err := st.TransitionProject(ctx, s.actor, p.ID, s.step, "", 0); err != nil {
				t.Fatalf("%s: %v", s.step, err)
			}
			tr, _ := zhuxiang.FindProjectTransition(s.step)
			for _, u := range s.told {
				ns, err := st.Notifications(ctx, u, 50)
				if err != nil {
					t.Fatal(err)
				}
				found := slices.ContainsFunc(ns, func(n zhuxiang.Notification) bool {
					return strings.Contains(n.Text, tr.Label) && strings.Contains(n.Text, p.Name)
				})
				if !found {
					t.Errorf("%s: %s was not told (%+v)", s.step, u.Name, ns)
				}
			}
		}
		// The other county hears nothing of it.
		if ns, _ := st.Notifications(ctx, f.county2, 50); len(ns) != 0 {
			t.Errorf("county2 told: %+v", ns)
		}
	})
}

func TestProjectKeyOnlyPrefecture(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newProjectFixture(t, st)
		p := f.project(t, zhuxiang.ProjectRunning, nil)
		for _, a := range []zhuxiang.Actor{f.county1, f.orgU1, f.vil1, f.leadDept} {
			if err := st.SetProjectKey(ctx, a, p.ID, true); zhuxiang.ErrorCodeOf(err) != zhuxiang.EForbidden {
				t.Errorf("%s marked a key project: %v", a.Role, err)
			}
		}
		if err := st.SetProjectKey(ctx, f.admin, p.ID, true); err != nil {
			t.Fatal(err)
		}
		got, _ := st.Project(ctx, f.county1, p.ID)
		if !got.Key {
			t.Fatal("not marked key")
		}
		page, err := st.ListProjects(ctx, f.county1, store.ProjectFilter{Key: true})
		if err != nil || len(page.Projects) != 1 {
			t.Fatalf("key filter: %v %+v", err, page)
		}
		// Creating or editing cannot set it.
		q := f.draft()
		q.Key = true
		if _, err := st.CreateProject(ctx, f.orgU1, q); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.Project(ctx, f.admin, q.ID); got.Key {
			t.Error("an organization made its project key by creating it so")
		}
		if err := st.SetProjectKey(ctx, f.admin, p.ID, false); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.Project(ctx, f.admin, p.ID); got.Key {
			t.Error("key not cleared")
		}
	})
}

func TestProjectNoCompletionWhileDisputed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newProjectFixture(t, st)
		p := f.project(t, zhuxiang.ProjectAwaiting, nil)
		w := storetestWriter(t, st)
		if _, err := w.Exec(`INSERT INTO project_reports (id, project_id, status, text, dispute_reason, created_at, updated_at)
			VALUES ('r1', $1, 'disputed', '完成车间建设', '车间尚未通电', '2026-06-01T00:00:00.000000Z', '2026-06-01T00:00:00.000000Z')`, p.ID); err != nil {
			t.Fatal(err)
		}
		err := st.TransitionProject(ctx, f.county1, p.ID, "complete", "", 0)
		if zhuxiang.ErrorCodeOf(err) != zhuxiang.EConflict || !strings.Contains(zhuxiang.ErrorMessage(err), "异议") {
			t.Fatalf("completed with a disputed report: %v", err)
		}
		if _, err := w.Exec(`UPDATE project_reports SET status = 'confirmed' WHERE id = 'r1'`); err != nil {
			t.Fatal(err)
		}
		if err := st.TransitionProject(ctx, f.county1, p.ID, "complete", "", 0); err != nil {
			t.Fatalf("a confirmed report blocks completion: %v", err)
		}
	})
}

func TestProjectCompletionMarksNeedsDone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newProjectFixture(t, st)
		paired := f.need(t, f.vil1, f.village1, zhuxiang.ActionIndustry, zhuxiang.NeedOpen)
		open := f.need(t, f.vil1, f.village1, zhuxiang.ActionIndustry, zhuxiang.NeedOpen)
		if _, err := storetestWriter(t, st).Exec(`UPDATE needs SET status = 'matched' WHERE id = $1`, paired.ID); err != nil {
			t.Fatal(err)
		}
		p := f.project(t, zhuxiang.ProjectAwaiting, func(p *zhuxiang.Project) { p.NeedIDs = []string{paired.ID, open.ID} })
		if !slices.Equal(p.NeedIDs, sortedIDs(paired.ID, open.ID)) {
			t.Fatalf("needs %v", p.NeedIDs)
		}
		if err := st.TransitionProject(ctx, f.county1, p.ID, "complete", "", 0); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			id   string
			want zhuxiang.NeedStatus
		}{{paired.ID, zhuxiang.NeedDone}, {open.ID, zhuxiang.NeedOpen}} {
			n, err := st.Need(ctx, f.admin, c.id)
			if err != nil {
				t.Fatal(err)
			}
			if n.Status != c.want {
				t.Errorf("need %s is %s, want %s", c.id, n.Status, c.want)
			}
		}
		entries, err := st.ListAudit(ctx, f.admin, zhuxiang.AuditFilter{Entity: "need", EntityID: paired.ID, Op: "done"})
		if err != nil || len(entries) != 1 {
			t.Errorf("need's completion not audited: %v %d", err, len(entries))
		}
	})
}

func sortedIDs(s ...string) []string { slices.Sort(s); return s }

func TestProjectScopeAndList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newProjectFixture(t, st)
		// org2 is a donor of the project led by org1.
		p := f.project(t, zhuxiang.ProjectSubmitted, func(p *zhuxiang.Project) {
			p.Parties = append(p.Parties, zhuxiang.ProjectParty{OrgID: f.org2.ID, Role: zhuxiang.PartyDonor, AmountFen: 100000})
		})
		other := f.project(t, zhuxiang.ProjectDraft, func(p *zhuxiang.Project) {
			p.Action = zhuxiang.ActionWelfare
		})
		cases := []struct {
			who   string
			a     zhuxiang.Actor
			f     store.ProjectFilter
			wants []string
		}{
			{"admin", f.admin, store.ProjectFilter{}, []string{other.ID, p.ID}},
			{"county", f.county1, store.ProjectFilter{}, []string{other.ID, p.ID}},
			{"county filtered by status", f.county1, store.ProjectFilter{Status: zhuxiang.ProjectSubmitted}, []string{p.ID}},
			{"county filtered by action", f.county1, store.ProjectFilter{Action: zhuxiang.ActionWelfare}, []string{other.ID}},
			{"admin filtered by county", f.admin, store.ProjectFilter{County: "652824"}, nil},
			{"admin filtered by org", f.admin, store.ProjectFilter{Org: f.org2.ID}, []string{p.ID}},
			{"admin by name", f.admin, store.ProjectFilter{Q: "红枣"}, []string{other.ID, p.ID}},
			{"other county", f.county2, store.ProjectFilter{}, nil},
			{"village", f.vil1, store.ProjectFilter{}, []string{other.ID, p.ID}},
			{"other village", f.vil2, store.ProjectFilter{}, nil},
			{"lead org", f.orgU1, store.ProjectFilter{}, []string{other.ID, p.ID}},
			{"donor org", f.orgU2, store.ProjectFilter{}, []string{p.ID}},
			{"industry's lead department", f.leadDept, store.ProjectFilter{}, []string{p.ID}},
			{"department with no part", f.dept, store.ProjectFilter{}, nil},
		}
		for _, c := range cases {
			t.Run(c.who, func(t *testing.T) {
				page, err := st.ListProjects(ctx, c.a, c.f)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, x := range page.Projects {
					got = append(got, x.ID)
					if _, err := st.Project(ctx, c.a, x.ID); err != nil {
						t.Errorf("listed but not readable: %v", err)
					}
				}
				if !slices.Equal(got, c.wants) || page.Total != len(c.wants) {
					t.Fatalf("got %v (total %d), want %v", got, page.Total, c.wants)
				}
				for _, id := range []string{p.ID, other.ID} {
					_, err := st.Project(ctx, c.a, id)
					if c.f == (store.ProjectFilter{}) && (err == nil) != slices.Contains(c.wants, id) {
						t.Errorf("read %s: %v", id, err)
					}
				}
			})
		}
		got, err := st.Project(ctx, f.orgU2, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.LeadOrg() != f.org1.Name || got.County != "和静县" || len(got.VillageNames) != 1 || got.VillageNames[0] != "一村" {
			t.Errorf("read back %+v", got)
		}
		if got.BudgetFen() != 700000 || len(got.People) != 1 || got.People[0].Target != 120 {
			t.Errorf("budget or people %+v %+v", got.Budget, got.People)
		}
		// Paging: one a page, newest first, then the next.
		page, err := st.ListProjects(ctx, f.admin, store.ProjectFilter{Limit: 1})
		if err != nil || len(page.Projects) != 1 || page.Next == "" {
			t.Fatalf("page 1: %v %+v", err, page)
		}
		page, err = st.ListProjects(ctx, f.admin, store.ProjectFilter{Limit: 1, Cursor: page.Next})
		if err != nil || len(page.Projects) != 1 || page.Projects[0].ID != p.ID || page.Next != "" {
			t.Fatalf("page 2: %v %+v", err, page)
		}
	})
}

func TestProjectCreateAndUpdate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newProjectFixture(t, st)
		cases := []struct {
			name  string
			a     zhuxiang.Actor
			edit  func(*zhuxiang.Project)
			want  zhuxiang.ErrorCode
			field string
		}{
			{"org creates its own", f.orgU1, nil, "", ""},
			{"admin creates for any org", f.admin, nil, "", ""},
			{"org cannot lead another's", f.orgU2, nil, zhuxiang.EForbidden, "parties"},
			{"county cannot create", f.county1, nil, zhuxiang.EForbidden, ""},
			{"village cannot create", f.vil1, nil, zhuxiang.EForbidden, ""},
			{"villages of two counties", f.orgU1, func(p *zhuxiang.Project) { p.Villages = append(p.Villages, f.village2) }, zhuxiang.EInvalid, "villages"},
			{"a county is not a village", f.orgU1, func(p *zhuxiang.Project) { p.Villages = []string{"652827"} }, zhuxiang.EInvalid, "villages"},
			{"unknown organization", f.admin, func(p *zhuxiang.Project) { p.Parties[0].OrgID = "nosuchorg" }, zhuxiang.EInvalid, "parties"},
			{"unknown pairing", f.orgU1, func(p *zhuxiang.Project) { p.PairingID = "nosuchpairing" }, zhuxiang.EInvalid, "pairing"},
			{"unknown need", f.orgU1, func(p *zhuxiang.Project) { p.NeedIDs = []string{"nosuchneed"} }, zhuxiang.EInvalid, "needs"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				p := f.draft()
				if c.edit != nil {
					c.edit(p)
				}
				_, err := st.CreateProject(ctx, c.a, p)
				if zhuxiang.ErrorCodeOf(err) != c.want || (c.field != "" && zhuxiang.ErrorField(err) != c.field) {
					t.Fatalf("got %v, want %q on %q", err, c.want, c.field)
				}
				if c.want == "" {
					got, err := st.Project(ctx, c.a, p.ID)
					if err != nil || got.Status != zhuxiang.ProjectDraft || got.CountyCode != "652827" {
						t.Fatalf("read back: %v %+v", err, got)
					}
				}
			})
		}

		p := f.project(t, zhuxiang.ProjectDraft, nil)
		p.Name = "红枣加工车间（二期）"
		p.Budget[0].RevisedFen = 600000
		if err := st.UpdateProject(ctx, f.orgU1, p); err != nil {
			t.Fatal(err)
		}
		got, _ := st.Project(ctx, f.orgU1, p.ID)
		if got.Name != p.Name || got.Version != 2 || got.Budget[0].RevisedFen != 600000 {
			t.Fatalf("update not saved: %+v", got)
		}
		stale := *got
		stale.Version = 1
		if err := st.UpdateProject(ctx, f.orgU1, &stale); zhuxiang.ErrorCodeOf(err) != zhuxiang.EConflict {
			t.Errorf("stale version: %v", err)
		}
		handed := *got
		handed.Parties = []zhuxiang.ProjectParty{{OrgID: f.org2.ID, Role: zhuxiang.PartyLead}}
		if err := st.UpdateProject(ctx, f.orgU1, &handed); zhuxiang.ErrorCodeOf(err) != zhuxiang.EForbidden {
			t.Errorf("an org handed its project to another lead: %v", err)
		}
		if err := st.UpdateProject(ctx, f.orgU2, got); zhuxiang.ErrorCodeOf(err) != zhuxiang.ENotFound {
			t.Errorf("another org edited it: %v", err)
		}
		if err := st.TransitionProject(ctx, f.orgU1, p.ID, "submit", "", got.Version); err != nil {
			t.Fatal(err)
		}
		got, _ = st.Project(ctx, f.orgU1, p.ID)
		if err := st.UpdateProject(ctx, f.orgU1, got); zhuxiang.ErrorCodeOf(err) != zhuxiang.EConflict {
			t.Errorf("edited a submitted project: %v", err)
		}
		if err := st.TransitionProject(ctx, f.county1, p.ID, "approve", "", 1); zhuxiang.ErrorCodeOf(err) != zhuxiang.EConflict {
			t.Errorf("approved a version never seen: %v", err)
		}
	})
}

func TestProjectSpending(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newProjectFixture(t, st)
		draft := f.project(t, zhuxiang.ProjectDraft, nil)
		running := f.project(t, zhuxiang.ProjectRunning, nil)
		entry := func() *zhuxiang.ProjectSpending {
			return &zhuxiang.ProjectSpending{Date: "2026-05-01", Source: zhuxiang.FundOwn, AmountFen: 120000, Note: "购买设备"}
		}
		cases := []struct {
			name string
			a    zhuxiang.Actor
			id   string
			e    *zhuxiang.ProjectSpending
			want zhuxiang.ErrorCode
		}{
			{"lead org records", f.orgU1, running.ID, entry(), ""},
			{"not on a draft", f.orgU1, draft.ID, entry(), zhuxiang.EConflict},
			{"not by the county", f.county1, running.ID, entry(), zhuxiang.EForbidden},
			{"not by another org", f.orgU2, running.ID, entry(), zhuxiang.ENotFound},
			{"no amount", f.orgU1, running.ID, &zhuxiang.ProjectSpending{Date: "2026-05-01", Source: zhuxiang.FundOwn}, zhuxiang.EInvalid},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				if err := st.AddProjectSpending(ctx, c.a, c.id, c.e); zhuxiang.ErrorCodeOf(err) != c.want {
					t.Fatalf("got %v, want %q", err, c.want)
				}
			})
		}
		got, _ := st.Project(ctx, f.vil1, running.ID)
		if len(got.Spending) != 1 || got.SpentFen() != 120000 || got.Spending[0].Note != "购买设备" {
			t.Errorf("spending %+v", got.Spending)
		}
	})
}
