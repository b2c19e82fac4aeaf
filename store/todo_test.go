package store_test

import (
	"testing"
	"time"

	"zhuxiang"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

// TestTodos counts the work bench of every kind of actor on both engines:
// each sees the to-dos of its own scope only (a county its county's, an
// organization its own, a village its own, a department the organizations
// it supervises), and the prefecture admin's table per county says what
// each county user sees.
func TestTodos(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		clock := time.Date(2026, 12, 3, 10, 0, 0, 0, zhuxiang.Shanghai)
		st.Now = func() time.Time { return clock }
		f := newMatchFixture(t, st)
		sys := zhuxiang.SystemActor
		dept := f.dept.DepartmentID
		// The department supervises org1, whose rating lapsed long ago, and
		// the flagged organization, whose rating lapses within 60 days.
		f.org1.DepartmentID, f.org1.Rating, f.org1.RatingDate = dept, 3, "2015-06-01"
		f.flagged.DepartmentID, f.flagged.Rating, f.flagged.RatingDate = dept, 2, "2022-01-10"
		for _, o := range []*zhuxiang.Org{f.org1, f.flagged} {
			if _, err := st.UpdateOrg(ctx, sys, o); err != nil {
				t.Fatal(err)
			}
		}
		f.need(t, f.vil1, f.village1, zhuxiang.ActionIndustry, zhuxiang.NeedSubmitted)
		f.need(t, f.vil2, f.village2, zhuxiang.ActionCulture, zhuxiang.NeedSubmitted)
		f.need(t, f.vil1, f.village1, zhuxiang.ActionCulture, zhuxiang.NeedRejected)
		f.need(t, f.vil1, f.village1, zhuxiang.ActionCulture, zhuxiang.NeedDraft)
		open1 := f.need(t, f.vil1, f.village1, zhuxiang.ActionIndustry, zhuxiang.NeedOpen)
		open1b := f.need(t, f.vil1, f.village1, zhuxiang.ActionIndustry, zhuxiang.NeedOpen)
		open2 := f.need(t, f.vil2, f.village2, zhuxiang.ActionIndustry, zhuxiang.NeedOpen)
		o1 := f.offer(t, f.orgU1, zhuxiang.ActionIndustry, 5)
		o2 := f.offer(t, f.orgU2, zhuxiang.ActionIndustry, 5)
		interest := func(a zhuxiang.Actor, n *zhuxiang.Need, o *zhuxiang.Offer) string {
			t.Helper()
			id, err := st.ExpressInterest(ctx, a, n.ID, o.ID, "")
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		// org1's interest in open1, accepted and confirmed: a pairing
		// without an agreement file, a need the village confirms done.
		paired := interest(f.orgU1, open1, o1)
		for _, step := range []string{"accept", "confirm"} {
			if err := st.TransitionMatch(ctx, f.county1, paired, step, ""); err != nil {
				t.Fatal(err)
			}
		}
		interest(f.orgU1, open1b, o1) // county 1 answers
		interest(f.orgU2, open2, o2)  // county 2 answers
		// The county's interest of 25 days ago: org2 answers, within 5 days.
		st.Now = func() time.Time { return clock.Add(-25 * 24 * time.Hour) }
		interest(f.county1, open1b, o2)
		st.Now = func() time.Time { return clock }

		// A call open on the day (2026-11-01 to 2026-12-31) and a case of
		// org1 submitted to it, which the admin has scored: the department
		// still has it to review.
		call := &zhuxiang.CaseCall{Theme: "2026年度案例征集", OpensOn: "2026-11-01", ClosesOn: "2026-12-31"}
		if _, err := st.CreateCall(ctx, f.admin, call); err != nil {
			t.Fatal(err)
		}
		kase := &zhuxiang.Case{CallID: call.ID, Title: "红枣合作社", Body: "正文"}
		if _, err := st.CreateCase(ctx, f.orgU1, kase); err != nil {
			t.Fatal(err)
		}
		if err := st.TransitionCase(ctx, f.orgU1, kase.ID, "submit", "", 0); err != nil {
			t.Fatal(err)
		}
		if err := st.ScoreCase(ctx, f.admin, kase.ID, &zhuxiang.CaseScore{Points: map[string]int{"impact": 30, "innovation": 10, "sustainability": 10, "demonstration": 10}}); err != nil {
			t.Fatal(err)
		}

		counts := func(a zhuxiang.Actor) map[string]int {
			t.Helper()
			ts, err := st.Todos(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]int{}
			for _, td := range ts {
				out[td.Key] = td.Count
			}
			return out
		}
		want := map[string]map[string]int{
			"admin":   {"review": 2, "answer": 2, "lapsing": 1, "agreement": 1, "project_review": 0, "project_acceptance": 0, "report_pending": 0, "case_review": 0},
			"county1": {"review": 1, "answer": 1, "lapsing": 1, "agreement": 1, "project_review": 0, "project_acceptance": 0, "report_pending": 0, "case_call": 1},
			"county2": {"review": 1, "answer": 1, "lapsing": 0, "agreement": 0, "project_review": 0, "project_acceptance": 0, "report_pending": 0, "case_call": 1},
			"org1":    {"answer": 0, "lapsing": 0, "project_returned": 0, "report_disputed": 0, "case_call": 1},
			"org2":    {"answer": 1, "lapsing": 1, "project_returned": 0, "report_disputed": 0, "case_call": 1},
			"vil1":    {"done": 1, "rejected": 1, "draft": 1, "report_pending": 0},
			"vil2":    {"done": 0, "rejected": 0, "draft": 0, "report_pending": 0},
			"dept":    {"rating_lapsed": 1, "rating_expiring": 1, "inspection_overdue": 2, "inspection_due": 0, "flagged": 1, "project_review": 0, "case_review": 1},
		}
		actors := map[string]zhuxiang.Actor{"admin": f.admin, "county1": f.county1, "county2": f.county2, "org1": f.orgU1, "org2": f.orgU2,
			"vil1": f.vil1, "vil2": f.vil2, "dept": f.dept}
		check := func(want map[string]map[string]int) {
			t.Helper()
			for name, w := range want {
				got := counts(actors[name])
				if len(got) != len(w) {
					t.Errorf("%s has the to-dos %v, want %v", name, got, w)
					continue
				}
				for k, n := range w {
					if got[k] != n {
						t.Errorf("%s: %s = %d, want %d", name, k, got[k], n)
					}
				}
			}
		}
		check(want)

		// The lapsing interest is named with its days left.
		ts, err := st.Todos(ctx, f.orgU2)
		if err != nil {
			t.Fatal(err)
		}
		for _, td := range ts {
			if td.Key == "lapsing" && (len(td.Items) != 1 || td.Items[0].Note != "还剩 5 天") {
				t.Errorf("org2's lapsing interests: %+v", td.Items)
			}
		}

		// The admin's table: every county, each as its county user sees it.
		rows, err := st.Backlog(ctx, f.admin)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 9 {
			t.Fatalf("backlog has %d counties, want 9", len(rows))
		}
		for _, row := range rows {
			w := map[string]int{}
			switch row.Code {
			case "652827":
				w = want["county1"]
			case "652824":
				w = want["county2"]
			}
			for _, td := range row.Todos {
				if td.Count != w[td.Key] {
					t.Errorf("backlog of %s: %s = %d, want %d", row.Name, td.Key, td.Count, w[td.Key])
				}
				if td.Link == "" || td.Link[len(td.Link)-6:] != row.Code {
					t.Errorf("backlog of %s: %s links to %q", row.Name, td.Key, td.Link)
				}
			}
		}
		// Nobody else gets the admin's table.
		if rows, err := st.Backlog(ctx, f.county1); err != nil || len(rows) != 1 || rows[0].Code != "652827" {
			t.Errorf("county 1's backlog: %+v %v", rows, err)
		}

		// In April last year's inspections fall due: org1 has its 2024
		// one (due: 2025's), the flagged organization none (overdue).
		clock = time.Date(2026, 4, 15, 10, 0, 0, 0, zhuxiang.Shanghai)
		f.org1.Inspections = []zhuxiang.Inspection{{Year: 2024, Result: zhuxiang.InspectionPass}}
		if _, err := st.UpdateOrg(ctx, sys, f.org1); err != nil {
			t.Fatal(err)
		}
		check(map[string]map[string]int{
			"dept": {"rating_lapsed": 1, "rating_expiring": 0, "inspection_overdue": 1, "inspection_due": 1, "flagged": 1, "project_review": 0, "case_review": 1},
			// In April the call has not opened yet.
			"org1": {"answer": 0, "lapsing": 0, "project_returned": 0, "report_disputed": 0, "case_call": 0},
		})
	})
}

// TestProjectTodos: an organization's returned projects are those it
// leads, not those it is a partner or donor of; a department gets the
// submitted projects of the actions it leads to approve, not those of the
// organizations it supervises; each count is its list's (the filter the
// link names), on both engines.
func TestProjectTodos(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newProjectFixture(t, st)
		// The plain department supervises org1: it sees org1's projects,
		// approves none of them.
		f.org1.DepartmentID = f.dept.DepartmentID
		if _, err := st.UpdateOrg(ctx, zhuxiang.SystemActor, f.org1); err != nil {
			t.Fatal(err)
		}
		donated := func(p *zhuxiang.Project) {
			p.Parties = append(p.Parties, zhuxiang.ProjectParty{OrgID: f.org2.ID, Role: zhuxiang.PartyDonor, AmountFen: 100000})
		}
		f.project(t, zhuxiang.ProjectReturned, donated)  // org1 leads, org2 donates
		f.project(t, zhuxiang.ProjectSubmitted, donated) // industry: the lead department approves
		f.project(t, zhuxiang.ProjectSubmitted, func(p *zhuxiang.Project) { p.Action = zhuxiang.ActionWelfare })
		want := map[string]struct {
			a    zhuxiang.Actor
			kind string
			n    int
			f    store.ProjectFilter
		}{
			"lead org's returned":      {f.orgU1, "project_returned", 1, store.ProjectFilter{Status: zhuxiang.ProjectReturned, Mine: true}},
			"donor's returned":         {f.orgU2, "project_returned", 0, store.ProjectFilter{Status: zhuxiang.ProjectReturned, Mine: true}},
			"lead department's review": {f.leadDept, "project_review", 1, store.ProjectFilter{Status: zhuxiang.ProjectSubmitted, Review: true}},
			"supervisor's review":      {f.dept, "project_review", 0, store.ProjectFilter{Status: zhuxiang.ProjectSubmitted, Review: true}},
			"county's review":          {f.county1, "project_review", 2, store.ProjectFilter{Status: zhuxiang.ProjectSubmitted, Review: true}},
			"other county's review":    {f.county2, "project_review", 0, store.ProjectFilter{Status: zhuxiang.ProjectSubmitted, Review: true}},
			"admin's review":           {f.admin, "project_review", 2, store.ProjectFilter{Status: zhuxiang.ProjectSubmitted, Review: true}},
		}
		for name, w := range want {
			ts, err := st.Todos(ctx, w.a)
			if err != nil {
				t.Fatal(err)
			}
			got := -1
			for _, td := range ts {
				if td.Key == w.kind {
					got = td.Count
				}
			}
			if got != w.n {
				t.Errorf("%s: %s = %d, want %d", name, w.kind, got, w.n)
			}
			page, err := st.ListProjects(ctx, w.a, w.f)
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != w.n || len(page.Projects) != w.n {
				t.Errorf("%s: the list shows %d, the work bench %d", name, page.Total, w.n)
			}
			for _, p := range page.Projects {
				if w.f.Review && zhuxiang.CanReviewProject(w.a, p) != nil {
					t.Errorf("%s: listed %q, which the actor may not approve", name, p.Name)
				}
				if w.f.Mine && p.LeadOrgID() != w.a.OrgID {
					t.Errorf("%s: listed %q, which the actor does not lead", name, p.Name)
				}
			}
		}
		// Both departments see the industry project; only one approves it.
		for _, a := range []zhuxiang.Actor{f.dept, f.leadDept} {
			page, err := st.ListProjects(ctx, a, store.ProjectFilter{Status: zhuxiang.ProjectSubmitted, Action: zhuxiang.ActionIndustry})
			if err != nil || page.Total != 1 {
				t.Errorf("department %s sees %v %v", a.DepartmentID, page, err)
			}
		}
	})
}
