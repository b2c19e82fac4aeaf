package store_test

import (
	"bytes"
	"image"
	"image/jpeg"
	"strings"
	"testing"
	"time"

	"zhuxiang"
	"zhuxiang/attach"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

// caseFixture is the project fixture with a call open today, a closed one,
// and a project of org1 (in county1) to link.
type caseFixture struct {
	*projectFixture
	open, closed *zhuxiang.CaseCall
	linked       *zhuxiang.Project
}

func day(offset int) string {
	return time.Now().In(zhuxiang.Shanghai).AddDate(0, 0, offset).Format(zhuxiang.DateLayout)
}

func newCaseFixture(t *testing.T, st *store.Store) *caseFixture {
	t.Helper()
	f := &caseFixture{projectFixture: newProjectFixture(t, st)}
	f.open = &zhuxiang.CaseCall{Theme: "2026年度典型案例征集", Description: "征集五大行动中的好做法", OpensOn: day(-10), ClosesOn: day(30)}
	f.closed = &zhuxiang.CaseCall{Theme: "2025年度典型案例征集", OpensOn: "2025-03-01", ClosesOn: "2025-09-30"}
	for _, c := range []*zhuxiang.CaseCall{f.open, f.closed} {
		if _, err := st.CreateCall(ctx, f.admin, c); err != nil {
			t.Fatal(err)
		}
	}
	f.linked = f.project(t, zhuxiang.ProjectRunning, nil)
	return f
}

func (f *caseFixture) draftCase() *zhuxiang.Case {
	return &zhuxiang.Case{CallID: f.open.ID, Title: "红枣加工车间带动百户增收", Body: "和静县一村的红枣过去只能卖鲜果。\n\n协会建起加工车间后，村民在家门口就业。",
		ProjectIDs: []string{f.linked.ID}}
}

// kase creates a case of org1 and walks it to status.
func (f *caseFixture) kase(t *testing.T, status zhuxiang.CaseStatus) *zhuxiang.Case {
	t.Helper()
	c := f.draftCase()
	if _, err := f.st.CreateCase(ctx, f.orgU1, c); err != nil {
		t.Fatalf("create case: %v", err)
	}
	step := func(a zhuxiang.Actor, name string) {
		t.Helper()
		if err := f.st.TransitionCase(ctx, a, c.ID, name, "测试理由", 0); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	score := func() {
		t.Helper()
		if err := f.st.ScoreCase(ctx, f.admin, c.ID, &zhuxiang.CaseScore{Points: map[string]int{"impact": 35, "innovation": 15, "sustainability": 16, "demonstration": 18}}); err != nil {
			t.Fatalf("score: %v", err)
		}
	}
	switch status {
	case zhuxiang.CaseSubmitted:
		step(f.orgU1, "submit")
	case zhuxiang.CaseSelected:
		step(f.orgU1, "submit")
		score()
		step(f.admin, "select")
	case zhuxiang.CasePublished:
		step(f.orgU1, "submit")
		score()
		step(f.admin, "select")
		step(f.admin, "publish")
	case zhuxiang.CaseNotSelected:
		step(f.orgU1, "submit")
		step(f.admin, "not_select")
	}
	got, err := f.st.Case(ctx, f.admin, c.ID)
	if err != nil || got.Status != status {
		t.Fatalf("fixture case: %v %+v", err, got)
	}
	return got
}

func TestCaseTransitionsStored(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newCaseFixture(t, st)
		type actor func() zhuxiang.Actor
		org1, org2 := actor(func() zhuxiang.Actor { return f.orgU1 }), actor(func() zhuxiang.Actor { return f.orgU2 })
		county1, admin := actor(func() zhuxiang.Actor { return f.county1 }), actor(func() zhuxiang.Actor { return f.admin })
		dept, vil1 := actor(func() zhuxiang.Actor { return f.dept }), actor(func() zhuxiang.Actor { return f.vil1 })
		unscored := func(c *zhuxiang.Case) {
			if _, err := st.WriteDB().ExecContext(ctx, `DELETE FROM case_scores WHERE case_id = $1`, c.ID); err != nil {
				t.Fatal(err)
			}
		}
		closeCall := func(*zhuxiang.Case) {
			c := *f.open
			c.ClosesOn, c.Version = day(-1), 0
			if err := st.UpdateCall(ctx, f.admin, &c); err != nil {
				t.Fatal(err)
			}
		}
		reopen := func() {
			c := *f.open
			c.Version = 0
			if err := st.UpdateCall(ctx, f.admin, &c); err != nil {
				t.Fatal(err)
			}
		}
		cases := []struct {
			name   string
			from   zhuxiang.CaseStatus
			before func(*zhuxiang.Case)
			actor  actor
			step   string
			reason string
			want   zhuxiang.ErrorCode
			to     zhuxiang.CaseStatus
		}{
			{"the organization submits its draft", zhuxiang.CaseDraft, nil, org1, "submit", "", "", zhuxiang.CaseSubmitted},
			{"the organization withdraws while the call is open", zhuxiang.CaseSubmitted, nil, org1, "withdraw", "", "", zhuxiang.CaseDraft},
			{"the admin selects a scored case", zhuxiang.CaseSubmitted, func(c *zhuxiang.Case) {
				if err := st.ScoreCase(ctx, f.dept, c.ID, &zhuxiang.CaseScore{Points: map[string]int{"impact": 30, "innovation": 10, "sustainability": 10, "demonstration": 10}}); err != nil {
					t.Fatal(err)
				}
			}, admin, "select", "", "", zhuxiang.CaseSelected},
			{"the admin does not select it with a reason", zhuxiang.CaseSubmitted, nil, admin, "not_select", "成效数据不足", "", zhuxiang.CaseNotSelected},
			{"the admin publishes a selected case", zhuxiang.CaseSelected, nil, admin, "publish", "", "", zhuxiang.CasePublished},
			// refusals: the call closed
			{"no submission after the call closed", zhuxiang.CaseDraft, closeCall, org1, "submit", "", zhuxiang.EConflict, zhuxiang.CaseDraft},
			{"no withdrawal after the call closed", zhuxiang.CaseSubmitted, closeCall, org1, "withdraw", "", zhuxiang.EConflict, zhuxiang.CaseSubmitted},
			// wrong state
			{"an unscored case is not selected", zhuxiang.CaseSubmitted, nil, admin, "select", "", zhuxiang.EConflict, zhuxiang.CaseSubmitted},
			{"a draft is not published", zhuxiang.CaseDraft, nil, admin, "publish", "", zhuxiang.EConflict, zhuxiang.CaseDraft},
			{"a submitted case is not published before selection", zhuxiang.CaseSubmitted, nil, admin, "publish", "", zhuxiang.EConflict, zhuxiang.CaseSubmitted},
			{"a published case is not withdrawn", zhuxiang.CasePublished, nil, org1, "withdraw", "", zhuxiang.EConflict, zhuxiang.CasePublished},
			{"a case not selected is not published", zhuxiang.CaseNotSelected, nil, admin, "publish", "", zhuxiang.EConflict, zhuxiang.CaseNotSelected},
			{"a selected case is not withdrawn", zhuxiang.CaseSelected, nil, org1, "withdraw", "", zhuxiang.EConflict, zhuxiang.CaseSelected},
			{"not selected needs a reason", zhuxiang.CaseSubmitted, nil, admin, "not_select", "", zhuxiang.EInvalid, zhuxiang.CaseSubmitted},
			// wrong role
			{"the county does not submit the organization's case", zhuxiang.CaseDraft, nil, county1, "submit", "", zhuxiang.EForbidden, zhuxiang.CaseDraft},
			{"the organization does not select its own case", zhuxiang.CaseSubmitted, unscored, org1, "select", "", zhuxiang.EForbidden, zhuxiang.CaseSubmitted},
			{"a department reviews but does not publish", zhuxiang.CaseSelected, nil, dept, "publish", "", zhuxiang.EForbidden, zhuxiang.CaseSelected},
			{"the admin does not submit for the organization", zhuxiang.CaseDraft, nil, admin, "submit", "", zhuxiang.EForbidden, zhuxiang.CaseDraft},
			// out of scope: another organization does not see the draft
			{"another organization cannot submit it", zhuxiang.CaseDraft, nil, org2, "submit", "", zhuxiang.ENotFound, zhuxiang.CaseDraft},
			{"a village cannot withdraw it", zhuxiang.CaseSubmitted, nil, vil1, "withdraw", "", zhuxiang.ENotFound, zhuxiang.CaseSubmitted},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				defer reopen()
				c := f.kase(t, tc.from)
				if tc.before != nil {
					tc.before(c)
				}
				err := st.TransitionCase(ctx, tc.actor(), c.ID, tc.step, tc.reason, 0)
				if got := zhuxiang.ErrorCodeOf(err); got != tc.want {
					t.Fatalf("%s: got %q (%v), want %q", tc.step, got, err, tc.want)
				}
				after, err := st.Case(ctx, f.admin, c.ID)
				if err != nil {
					t.Fatal(err)
				}
				if after.Status != tc.to {
					t.Fatalf("status %s, want %s", after.Status, tc.to)
				}
				if tc.to == zhuxiang.CasePublished && after.PublishedOn != day(0) {
					t.Errorf("published on %q, want today", after.PublishedOn)
				}
			})
		}
	})
}

// TestCaseRules: who writes cases, which projects they may link, drafts on
// a closed call, and who reads what.
func TestCaseRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newCaseFixture(t, st)
		other := f.draft()
		other.Name, other.Villages = "若羌冷库", []string{f.village2}
		other.Parties = []zhuxiang.ProjectParty{{OrgID: f.org2.ID, Role: zhuxiang.PartyLead}}
		if _, err := st.CreateProject(ctx, f.orgU2, other); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name  string
			actor zhuxiang.Actor
			edit  func(*zhuxiang.Case)
			want  zhuxiang.ErrorCode
			field string
		}{
			{"an organization links its own project", f.orgU1, nil, "", ""},
			{"a county links its county's project", f.county1, nil, "", ""},
			{"an organization may not link another's project", f.orgU1, func(c *zhuxiang.Case) { c.ProjectIDs = []string{other.ID} }, zhuxiang.EInvalid, "projects"},
			{"a county may not link another county's project", f.county1, func(c *zhuxiang.Case) { c.ProjectIDs = []string{other.ID} }, zhuxiang.EInvalid, "projects"},
			{"no draft on a closed call", f.orgU1, func(c *zhuxiang.Case) { c.CallID = f.closed.ID }, zhuxiang.EInvalid, "call"},
			{"a title is required", f.orgU1, func(c *zhuxiang.Case) { c.Title = " " }, zhuxiang.EInvalid, "title"},
			{"the admin does not write cases", f.admin, nil, zhuxiang.EForbidden, ""},
			{"a department does not write cases", f.dept, nil, zhuxiang.EForbidden, ""},
			{"a village does not write cases", f.vil1, nil, zhuxiang.EForbidden, ""},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				c := f.draftCase()
				if tc.edit != nil {
					tc.edit(c)
				}
				_, err := st.CreateCase(ctx, tc.actor, c)
				if got := zhuxiang.ErrorCodeOf(err); got != tc.want {
					t.Fatalf("got %q (%v), want %q", got, err, tc.want)
				}
				if tc.field != "" && !hasField(err, tc.field) {
					t.Fatalf("no error on %s: %v", tc.field, err)
				}
			})
		}
		// Who reads a draft, a submitted case, a published one.
		draft, sub, pub := f.kase(t, zhuxiang.CaseDraft), f.kase(t, zhuxiang.CaseSubmitted), f.kase(t, zhuxiang.CasePublished)
		reads := []struct {
			name  string
			actor zhuxiang.Actor
			see   []*zhuxiang.Case
			not   []*zhuxiang.Case
		}{
			{"the submitter reads its own", f.orgU1, []*zhuxiang.Case{draft, sub, pub}, nil},
			{"the county reads its county's", f.county1, []*zhuxiang.Case{draft, sub, pub}, nil},
			{"another county reads the published only", f.county2, []*zhuxiang.Case{pub}, []*zhuxiang.Case{draft, sub}},
			{"another organization reads the published only", f.orgU2, []*zhuxiang.Case{pub}, []*zhuxiang.Case{draft, sub}},
			{"a reviewer reads the submitted, not drafts", f.dept, []*zhuxiang.Case{sub, pub}, []*zhuxiang.Case{draft}},
			{"the public reads the published only", zhuxiang.Actor{}, []*zhuxiang.Case{pub}, []*zhuxiang.Case{draft, sub}},
		}
		for _, tc := range reads {
			t.Run(tc.name, func(t *testing.T) {
				page, err := st.ListCases(ctx, tc.actor, store.CaseFilter{Limit: 200})
				if err != nil {
					t.Fatal(err)
				}
				listed := map[string]bool{}
				for _, c := range page.Cases {
					listed[c.ID] = true
				}
				for _, c := range tc.see {
					if _, err := st.Case(ctx, tc.actor, c.ID); err != nil || !listed[c.ID] {
						t.Errorf("%s case not seen: %v listed=%v", c.Status, err, listed[c.ID])
					}
				}
				for _, c := range tc.not {
					if _, err := st.Case(ctx, tc.actor, c.ID); zhuxiang.ErrorCodeOf(err) != zhuxiang.ENotFound || listed[c.ID] {
						t.Errorf("%s case seen: %v listed=%v", c.Status, err, listed[c.ID])
					}
				}
			})
		}
		// Only the admin opens calls.
		if _, err := st.CreateCall(ctx, f.county1, &zhuxiang.CaseCall{Theme: "县里的征集", OpensOn: day(0), ClosesOn: day(9)}); zhuxiang.ErrorCodeOf(err) != zhuxiang.EForbidden {
			t.Errorf("a county opened a call: %v", err)
		}
		if _, err := st.CreateCall(ctx, f.admin, &zhuxiang.CaseCall{Theme: "倒过来的日期", OpensOn: day(9), ClosesOn: day(0)}); !hasField(err, "closes_on") {
			t.Errorf("a call closing before it opens: %v", err)
		}
	})
}

// TestCaseScoring: each criterion within its range, reviewers only, while
// submitted; scoring again replaces the reviewer's scores; the case shows
// the mean of the reviewers' totals; withdrawing discards them.
func TestCaseScoring(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newCaseFixture(t, st)
		c := f.kase(t, zhuxiang.CaseSubmitted)
		pts := func(i, n, s, d int) *zhuxiang.CaseScore {
			return &zhuxiang.CaseScore{Points: map[string]int{"impact": i, "innovation": n, "sustainability": s, "demonstration": d}}
		}
		bad := []struct {
			name  string
			actor zhuxiang.Actor
			sc    *zhuxiang.CaseScore
			want  zhuxiang.ErrorCode
			field string
		}{
			{"impact over 40", f.admin, pts(41, 10, 10, 10), zhuxiang.EInvalid, "impact"},
			{"negative innovation", f.admin, pts(30, -1, 10, 10), zhuxiang.EInvalid, "innovation"},
			{"sustainability over 20", f.admin, pts(30, 10, 21, 10), zhuxiang.EInvalid, "sustainability"},
			{"a criterion left out", f.admin, &zhuxiang.CaseScore{Points: map[string]int{"impact": 30, "innovation": 10, "sustainability": 10}}, zhuxiang.EInvalid, "demonstration"},
			{"an unknown criterion", f.admin, &zhuxiang.CaseScore{Points: map[string]int{"impact": 30, "innovation": 10, "sustainability": 10, "demonstration": 10, "looks": 5}}, zhuxiang.EInvalid, "scores"},
			{"the submitter does not score", f.orgU1, pts(40, 20, 20, 20), zhuxiang.EForbidden, ""},
			{"a county does not score", f.county1, pts(40, 20, 20, 20), zhuxiang.EForbidden, ""},
		}
		for _, tc := range bad {
			err := st.ScoreCase(ctx, tc.actor, c.ID, tc.sc)
			if zhuxiang.ErrorCodeOf(err) != tc.want || (tc.field != "" && !hasField(err, tc.field)) {
				t.Errorf("%s: %v", tc.name, err)
			}
		}
		if err := st.ScoreCase(ctx, f.admin, c.ID, pts(30, 10, 10, 10)); err != nil {
			t.Fatal(err)
		}
		if err := st.ScoreCase(ctx, f.admin, c.ID, pts(40, 20, 20, 10)); err != nil { // replaces the 60
			t.Fatal(err)
		}
		if err := st.ScoreCase(ctx, f.dept, c.ID, pts(30, 10, 10, 10)); err != nil {
			t.Fatal(err)
		}
		got, err := st.Case(ctx, f.orgU1, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Scores != 2 || got.MeanScore != 75 || got.Mean() != "75.0" {
			t.Fatalf("%d score sets, mean %v; want 2 and (90+60)/2", got.Scores, got.MeanScore)
		}
		scores, err := st.CaseScores(ctx, f.admin, c.ID)
		if err != nil || len(scores) != 2 || scores[0].Total() != 90 || scores[0].ReviewerID != f.admin.UserID {
			t.Fatalf("scores %+v %v", scores, err)
		}
		if _, err := st.CaseScores(ctx, f.orgU1, c.ID); zhuxiang.ErrorCodeOf(err) != zhuxiang.EForbidden {
			t.Errorf("the submitter read the score sheets: %v", err)
		}
		// Submitting told the reviewers, the admin and the department.
		for _, who := range []zhuxiang.Actor{f.admin, f.dept} {
			ns, err := st.Notifications(ctx, who, 50)
			if err != nil {
				t.Fatal(err)
			}
			told := false
			for _, n := range ns {
				told = told || (n.Link == "/cases/"+c.ID && strings.Contains(n.Text, "请评审打分"))
			}
			if !told {
				t.Errorf("%s not told of the submission: %+v", who.Name, ns)
			}
		}
		// The reviewer's to-do: submitted cases it has not scored.
		other := f.kase(t, zhuxiang.CaseSubmitted)
		page, err := st.ListCases(ctx, f.admin, store.CaseFilter{Unscored: true})
		if err != nil || len(page.Cases) != 1 || page.Cases[0].ID != other.ID {
			t.Fatalf("unscored for the admin: %+v %v", page, err)
		}
		if err := st.TransitionCase(ctx, f.orgU1, c.ID, "withdraw", "", 0); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.Case(ctx, f.orgU1, c.ID); got.Scores != 0 {
			t.Errorf("withdrawn case keeps %d score sets", got.Scores)
		}
		if err := st.ScoreCase(ctx, f.admin, c.ID, pts(30, 10, 10, 10)); zhuxiang.ErrorCodeOf(err) != zhuxiang.ENotFound && zhuxiang.ErrorCodeOf(err) != zhuxiang.EConflict {
			t.Errorf("a draft was scored: %v", err)
		}
	})
}

// TestCasePhotos: photos are kept as files, only on a draft, only images,
// served as thumbnails to the public once published, and released when
// removed.
func TestCasePhotos(t *testing.T) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 640, 480)), nil); err != nil {
		t.Fatal(err)
	}
	photo, err := attach.Vet("车间.jpg", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := attach.Vet("说明.pdf", []byte("%PDF-1.4\n%%EOF\n"))
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newCaseFixture(t, st)
		c := f.kase(t, zhuxiang.CaseDraft)
		if err := st.AddCasePhoto(ctx, f.orgU1, c.ID, pdf); !hasField(err, "file") {
			t.Errorf("a PDF kept as a photo: %v", err)
		}
		if err := st.AddCasePhoto(ctx, f.orgU2, c.ID, photo); zhuxiang.ErrorCodeOf(err) != zhuxiang.ENotFound {
			t.Errorf("another organization added a photo: %v", err)
		}
		for range 2 {
			if err := st.AddCasePhoto(ctx, f.orgU1, c.ID, photo); err != nil {
				t.Fatal(err)
			}
		}
		got, _ := st.Case(ctx, f.orgU1, c.ID)
		if len(got.Photos) != 2 || got.Photos[0].ThumbSHA == "" || got.Photos[0].Width != 640 {
			t.Fatalf("photos %+v", got.Photos)
		}
		if _, err := st.CasePhoto(ctx, zhuxiang.Actor{}, c.ID, 0, true); zhuxiang.ErrorCodeOf(err) != zhuxiang.ENotFound {
			t.Errorf("the public saw a draft's photo: %v", err)
		}
		if err := st.RemoveCasePhoto(ctx, f.orgU1, c.ID, 1); err != nil {
			t.Fatal(err)
		}
		if left, err := st.UnreferencedFiles(ctx); err != nil || len(left) != 0 {
			t.Fatalf("files left: %v %v", left, err)
		}
		for _, step := range []struct {
			a    zhuxiang.Actor
			name string
		}{{f.orgU1, "submit"}} {
			if err := st.TransitionCase(ctx, step.a, c.ID, step.name, "", 0); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.AddCasePhoto(ctx, f.orgU1, c.ID, photo); zhuxiang.ErrorCodeOf(err) != zhuxiang.EConflict {
			t.Errorf("a photo added to a submitted case: %v", err)
		}
		if err := st.ScoreCase(ctx, f.admin, c.ID, &zhuxiang.CaseScore{Points: map[string]int{"impact": 30, "innovation": 10, "sustainability": 10, "demonstration": 10}}); err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{"select", "publish"} {
			if err := st.TransitionCase(ctx, f.admin, c.ID, s, "", 0); err != nil {
				t.Fatal(err)
			}
		}
		ns, err := st.Notifications(ctx, f.orgU1, 50)
		if err != nil {
			t.Fatal(err)
		}
		var texts []string
		for _, n := range ns {
			if n.Link == "/cases/"+c.ID {
				texts = append(texts, n.Text)
			}
		}
		if got := strings.Join(texts, "|"); !strings.Contains(got, "已发布") || !strings.Contains(got, "已入选") {
			t.Errorf("the submitter was told %q", got)
		}
		th, err := st.CasePhoto(ctx, zhuxiang.Actor{}, c.ID, 0, true)
		if err != nil || th.Type != attach.JPEG || !bytes.Equal(th.Data, photo.Thumb) {
			t.Fatalf("public thumbnail: %v", err)
		}
		if _, err := st.CasePhoto(ctx, zhuxiang.Actor{}, c.ID, 1, false); zhuxiang.ErrorCodeOf(err) != zhuxiang.ENotFound {
			t.Errorf("a removed photo served: %v", err)
		}
	})
}

// hasField says whether err names field among its problems.
func hasField(err error, field string) bool {
	for _, fe := range zhuxiang.FieldErrors(err) {
		if fe.Field == field {
			return true
		}
	}
	return false
}
