package store_test

import (
	"bytes"
	"strings"
	"testing"

	"zhuxiang"
	"zhuxiang/attach/attachtest"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

// report submits a report on p as org1, with the files given.
func (f *projectFixture) report(t *testing.T, p *zhuxiang.Project, ups ...store.ReportUpload) *zhuxiang.ProjectReport {
	t.Helper()
	r := &zhuxiang.ProjectReport{Date: "2026-06-30", Text: "车间主体完工，设备进场", People: []zhuxiang.ReportPeople{{Category: "村民", Reached: 80}}}
	if _, err := f.st.CreateReport(ctx, f.orgU1, p.ID, r, ups); err != nil {
		t.Fatalf("create report: %v", err)
	}
	return r
}

func countRows(t *testing.T, st *store.Store, table string) int {
	t.Helper()
	var n int
	if err := st.DB().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestReportCreate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newProjectFixture(t, st)
		p := f.project(t, zhuxiang.ProjectRunning, nil)
		r := &zhuxiang.ProjectReport{Date: "2026/6/30", Text: "车间主体完工",
			People:   []zhuxiang.ReportPeople{{Category: "村民", Reached: 80}, {Category: "留守儿童", Reached: 12}},
			Spending: []zhuxiang.ProjectSpending{{Date: "2026-06-20", Source: zhuxiang.FundOwn, AmountFen: 1200000, Note: "设备"}}}
		id, err := st.CreateReport(ctx, f.orgU1, p.ID, r, []store.ReportUpload{
			{Name: "现场.jpg", Data: attachtest.GPSJPEG(64, 48)}, {Name: "验收单.pdf", Data: attachtest.PDF()}})
		if err != nil {
			t.Fatal(err)
		}
		got, err := st.Project(ctx, f.vil1, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		reached := map[string]int{}
		for _, pp := range got.People {
			reached[pp.Category] = pp.Reached
		}
		if reached["村民"] != 80 || reached["留守儿童"] != 12 {
			t.Errorf("people reached %+v", got.People)
		}
		if got.SpentFen() != 1200000 {
			t.Errorf("spent %d, want the report's entry in the project's spending", got.SpentFen())
		}
		rs, err := st.ProjectReports(ctx, f.vil1, got)
		if err != nil || len(rs) != 1 || rs[0].ID != id {
			t.Fatalf("reports %v %+v", err, rs)
		}
		rep := rs[0]
		if rep.Date != "2026-06-30" || rep.Status != zhuxiang.ReportSubmitted || len(rep.Files) != 2 || len(rep.Spending) != 1 || !rep.VillageAccount {
			t.Fatalf("report %+v", rep)
		}
		if rep.Files[0].ThumbSHA == "" || rep.Files[1].ThumbSHA != "" || rep.Files[1].Type != "application/pdf" {
			t.Errorf("files %+v", rep.Files)
		}
		photo, err := st.ReportFile(ctx, f.vil1, p.ID, id, 1, false)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(photo.Data, []byte(attachtest.Secret)) || bytes.Contains(photo.Data, []byte("Exif")) {
			t.Error("the stored photo kept its EXIF location")
		}
		if _, err := st.ReportFile(ctx, f.vil1, p.ID, id, 1, true); err != nil {
			t.Errorf("thumbnail: %v", err)
		}
		if _, err := st.ReportFile(ctx, f.vil1, p.ID, id, 2, true); zhuxiang.ErrorCodeOf(err) != zhuxiang.ENotFound {
			t.Errorf("a PDF's thumbnail: %v", err)
		}
		if _, err := st.ReportFile(ctx, f.vil1, p.ID, id, 3, false); zhuxiang.ErrorCodeOf(err) != zhuxiang.ENotFound {
			t.Errorf("file 3 of 2: %v", err)
		}
		// Another village, another county: the project is not theirs.
		for _, a := range []zhuxiang.Actor{f.vil2, f.county2, f.orgU2} {
			if _, err := st.ReportFile(ctx, a, p.ID, id, 1, false); zhuxiang.ErrorCodeOf(err) != zhuxiang.ENotFound {
				t.Errorf("%s read a file of another's project: %v", a.Name, err)
			}
		}
		if files, _ := st.UnreferencedFiles(ctx); len(files) != 0 {
			t.Errorf("unreferenced files %v", files)
		}
	})
}

func TestReportCreateRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newProjectFixture(t, st)
		running := f.project(t, zhuxiang.ProjectRunning, nil)
		approved := f.project(t, zhuxiang.ProjectApproved, nil)
		completed := f.project(t, zhuxiang.ProjectCompleted, nil)
		good := func() *zhuxiang.ProjectReport { return &zhuxiang.ProjectReport{Date: "2026-06-30", Text: "进展"} }
		big := append(attachtest.JPEG(8, 8), make([]byte, 11<<20)...)
		cases := []struct {
			name  string
			a     zhuxiang.Actor
			p     *zhuxiang.Project
			r     *zhuxiang.ProjectReport
			ups   []store.ReportUpload
			code  zhuxiang.ErrorCode
			field string
		}{
			{"a PDF named .jpg", f.orgU1, running, good(), []store.ReportUpload{{Name: "照片.jpg", Data: attachtest.JPEG(8, 8)}, {Name: "x.jpg", Data: attachtest.PDF()}}, zhuxiang.EInvalid, "files"},
			{"a zip named .jpg", f.orgU1, running, good(), []store.ReportUpload{{Name: "x.jpg", Data: []byte("PK\x03\x04zipzip")}}, zhuxiang.EInvalid, "files"},
			{"11 MB", f.orgU1, running, good(), []store.ReportUpload{{Name: "大.jpg", Data: big}}, zhuxiang.EInvalid, "files"},
			{"too many files", f.orgU1, running, good(), make([]store.ReportUpload, zhuxiang.MaxReportFiles+1), zhuxiang.EInvalid, "files"},
			{"no text", f.orgU1, running, &zhuxiang.ProjectReport{Date: "2026-06-30"}, nil, zhuxiang.EInvalid, "text"},
			{"bad date", f.orgU1, running, &zhuxiang.ProjectReport{Date: "六月", Text: "进展"}, nil, zhuxiang.EInvalid, "date"},
			{"bad spending", f.orgU1, running, &zhuxiang.ProjectReport{Date: "2026-06-30", Text: "进展", Spending: []zhuxiang.ProjectSpending{{Date: "2026-06-01", Source: zhuxiang.FundOwn}}}, nil, zhuxiang.EInvalid, "spending"},
			{"unknown category", f.orgU1, running, &zhuxiang.ProjectReport{Date: "2026-06-30", Text: "进展", People: []zhuxiang.ReportPeople{{Category: "游客", Reached: 3}}}, nil, zhuxiang.EInvalid, "people"},
			{"not started yet", f.orgU1, approved, good(), nil, zhuxiang.EConflict, "status"},
			{"completed", f.orgU1, completed, good(), nil, zhuxiang.EConflict, "status"},
			{"the village does not report", f.vil1, running, good(), nil, zhuxiang.EForbidden, ""},
			{"the county does not report", f.county1, running, good(), nil, zhuxiang.EForbidden, ""},
			{"another organization", f.orgU2, running, good(), nil, zhuxiang.ENotFound, ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				reports, files, spending := countRows(t, st, "project_reports"), countRows(t, st, "files"), countRows(t, st, "project_spending")
				_, err := st.CreateReport(ctx, c.a, c.p.ID, c.r, c.ups)
				if zhuxiang.ErrorCodeOf(err) != c.code || zhuxiang.ErrorField(err) != c.field {
					t.Fatalf("got %v (%s, %q), want %s on %q", err, zhuxiang.ErrorCodeOf(err), zhuxiang.ErrorField(err), c.code, c.field)
				}
				if countRows(t, st, "project_reports") != reports || countRows(t, st, "files") != files || countRows(t, st, "project_spending") != spending {
					t.Error("a refused report left rows behind")
				}
			})
		}
	})
}

func TestReportTransitionsStored(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newProjectFixture(t, st)
		cases := []struct {
			name   string
			from   zhuxiang.ReportStatus
			status zhuxiang.ProjectStatus // the project's, running when empty
			a      zhuxiang.Actor
			step   string
			reason string
			want   zhuxiang.ErrorCode
			to     zhuxiang.ReportStatus
		}{
			{"the village confirms", zhuxiang.ReportSubmitted, "", f.vil1, "confirm", "", "", zhuxiang.ReportConfirmed},
			{"the village disputes with a reason", zhuxiang.ReportSubmitted, "", f.vil1, "dispute", "设备尚未安装", "", zhuxiang.ReportDisputed},
			{"the village disputes while acceptance waits", zhuxiang.ReportSubmitted, zhuxiang.ProjectAwaiting, f.vil1, "dispute", "人数不符", "", zhuxiang.ReportDisputed},
			{"the lead answers a dispute", zhuxiang.ReportDisputed, "", f.orgU1, "answer", "设备已于7月2日安装", "", zhuxiang.ReportSubmitted},
			{"the village confirms after completion", zhuxiang.ReportSubmitted, zhuxiang.ProjectCompleted, f.vil1, "confirm", "", "", zhuxiang.ReportConfirmed},
			// no reason
			{"a dispute without a reason", zhuxiang.ReportSubmitted, "", f.vil1, "dispute", " ", zhuxiang.EInvalid, zhuxiang.ReportSubmitted},
			{"an answer without words", zhuxiang.ReportDisputed, "", f.orgU1, "answer", "", zhuxiang.EInvalid, zhuxiang.ReportDisputed},
			// wrong state
			{"a confirmed report stays confirmed", zhuxiang.ReportConfirmed, "", f.vil1, "dispute", "改主意了", zhuxiang.EConflict, zhuxiang.ReportConfirmed},
			{"confirmed twice", zhuxiang.ReportConfirmed, "", f.vil1, "confirm", "", zhuxiang.EConflict, zhuxiang.ReportConfirmed},
			{"a disputed report is answered, not confirmed", zhuxiang.ReportDisputed, "", f.vil1, "confirm", "", zhuxiang.EConflict, zhuxiang.ReportDisputed},
			{"nothing to answer", zhuxiang.ReportSubmitted, "", f.orgU1, "answer", "已处理", zhuxiang.EConflict, zhuxiang.ReportSubmitted},
			{"no dispute on a completed project", zhuxiang.ReportSubmitted, zhuxiang.ProjectCompleted, f.vil1, "dispute", "人数不符", zhuxiang.EConflict, zhuxiang.ReportSubmitted},
			// wrong role
			{"the lead does not confirm its own report", zhuxiang.ReportSubmitted, "", f.orgU1, "confirm", "", zhuxiang.EForbidden, zhuxiang.ReportSubmitted},
			{"the county does not speak for a village with an account", zhuxiang.ReportSubmitted, "", f.county1, "confirm", "", zhuxiang.EForbidden, zhuxiang.ReportSubmitted},
			{"nor the admin", zhuxiang.ReportSubmitted, "", f.admin, "dispute", "不符", zhuxiang.EForbidden, zhuxiang.ReportSubmitted},
			{"the village does not answer", zhuxiang.ReportDisputed, "", f.vil1, "answer", "已处理", zhuxiang.EForbidden, zhuxiang.ReportDisputed},
			{"the supervising department only reads", zhuxiang.ReportSubmitted, "", f.leadDept, "confirm", "", zhuxiang.EForbidden, zhuxiang.ReportSubmitted},
			// out of scope
			{"the village of another project", zhuxiang.ReportSubmitted, "", f.vil2, "confirm", "", zhuxiang.ENotFound, zhuxiang.ReportSubmitted},
			{"another county", zhuxiang.ReportSubmitted, "", f.county2, "dispute", "不符", zhuxiang.ENotFound, zhuxiang.ReportSubmitted},
			{"another organization answers", zhuxiang.ReportDisputed, "", f.orgU2, "answer", "已处理", zhuxiang.ENotFound, zhuxiang.ReportDisputed},
			{"unknown step", zhuxiang.ReportSubmitted, "", f.vil1, "approve", "", zhuxiang.EInvalid, zhuxiang.ReportSubmitted},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				p := f.project(t, zhuxiang.ProjectRunning, nil)
				r := f.report(t, p)
				switch c.from {
				case zhuxiang.ReportConfirmed:
					if err := st.TransitionReport(ctx, f.vil1, p.ID, r.ID, "confirm", "", 0); err != nil {
						t.Fatal(err)
					}
				case zhuxiang.ReportDisputed:
					if err := st.TransitionReport(ctx, f.vil1, p.ID, r.ID, "dispute", "人数不符", 0); err != nil {
						t.Fatal(err)
					}
				}
				var steps []string
				switch c.status {
				case zhuxiang.ProjectAwaiting:
					steps = []string{"request_acceptance"}
				case zhuxiang.ProjectCompleted:
					steps = []string{"request_acceptance", "complete"}
				}
				for _, s := range steps {
					if err := st.TransitionProject(ctx, f.admin, p.ID, s, "", 0); err != nil {
						t.Fatal(err)
					}
				}
				err := st.TransitionReport(ctx, c.a, p.ID, r.ID, c.step, c.reason, 0)
				if got := zhuxiang.ErrorCodeOf(err); got != c.want {
					t.Fatalf("%s: got %v (%s), want %q", c.step, err, got, c.want)
				}
				_, got, err := st.Report(ctx, f.admin, p.ID, r.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.Status != c.to {
					t.Errorf("status %s, want %s", got.Status, c.to)
				}
				if c.want == "" && c.step == "dispute" && got.Reason != c.reason {
					t.Errorf("reason %q", got.Reason)
				}
				if c.want == "" && c.step == "answer" && got.Answer != c.reason {
					t.Errorf("answer %q", got.Answer)
				}
			})
		}
		// A stale version is refused.
		p := f.project(t, zhuxiang.ProjectRunning, nil)
		r := f.report(t, p)
		if err := st.TransitionReport(ctx, f.vil1, p.ID, r.ID, "confirm", "", r.Version+1); zhuxiang.ErrorCodeOf(err) != zhuxiang.EConflict {
			t.Errorf("stale version: %v", err)
		}
	})
}

// TestReportCountyForVillageWithoutAccount: a village without an account
// has its county (and the admin) confirm for it, and the county's work
// bench shows the report.
func TestReportCountyForVillageWithoutAccount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newProjectFixture(t, st)
		p := f.project(t, zhuxiang.ProjectRunning, nil)
		r := f.report(t, p)
		if n := todoCount(t, st, f.vil1, "report_pending"); n != 1 {
			t.Errorf("village's to-do %d, want 1", n)
		}
		if n := todoCount(t, st, f.county1, "report_pending"); n != 0 {
			t.Errorf("county's to-do %d while the village has an account", n)
		}
		if err := st.SetUserDisabled(ctx, f.admin, f.vil1.UserID, true); err != nil {
			t.Fatal(err)
		}
		if n := todoCount(t, st, f.county1, "report_pending"); n != 1 {
			t.Errorf("county's to-do %d, want 1 once the village has no account", n)
		}
		if err := st.TransitionReport(ctx, f.county2, p.ID, r.ID, "confirm", "", 0); zhuxiang.ErrorCodeOf(err) != zhuxiang.ENotFound {
			t.Errorf("another county confirmed: %v", err)
		}
		if err := st.TransitionReport(ctx, f.county1, p.ID, r.ID, "confirm", "", 0); err != nil {
			t.Fatalf("the county confirms for a village without an account: %v", err)
		}
		if n := todoCount(t, st, f.county1, "report_pending"); n != 0 {
			t.Errorf("county's to-do %d after confirming", n)
		}
	})
}

func todoCount(t *testing.T, st *store.Store, a zhuxiang.Actor, key string) int {
	t.Helper()
	todos, err := st.Todos(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	for _, td := range todos {
		if td.Key == key {
			return td.Count
		}
	}
	t.Fatalf("%s has no to-do %s", a.Name, key)
	return 0
}

// TestReportDisputeBlocksCompletion walks the whole way through the
// transitions: a dispute stops the county's acceptance until the lead
// organization answers it.
func TestReportDisputeBlocksCompletion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newProjectFixture(t, st)
		p := f.project(t, zhuxiang.ProjectRunning, nil)
		r := f.report(t, p)
		if err := st.TransitionReport(ctx, f.vil1, p.ID, r.ID, "dispute", "冷库尚未通电", 0); err != nil {
			t.Fatal(err)
		}
		if n := todoCount(t, st, f.orgU1, "report_disputed"); n != 1 {
			t.Errorf("lead's to-do %d, want 1", n)
		}
		if err := st.TransitionProject(ctx, f.orgU1, p.ID, "request_acceptance", "", 0); err != nil {
			t.Fatal(err)
		}
		err := st.TransitionProject(ctx, f.county1, p.ID, "complete", "", 0)
		if zhuxiang.ErrorCodeOf(err) != zhuxiang.EConflict || !strings.Contains(zhuxiang.ErrorMessage(err), "异议") {
			t.Fatalf("completed with a disputed report: %v", err)
		}
		if err := st.TransitionReport(ctx, f.orgU1, p.ID, r.ID, "answer", "已于7月2日通电", 0); err != nil {
			t.Fatal(err)
		}
		if err := st.TransitionReport(ctx, f.vil1, p.ID, r.ID, "confirm", "", 0); err != nil {
			t.Fatal(err)
		}
		if err := st.TransitionProject(ctx, f.county1, p.ID, "complete", "", 0); err != nil {
			t.Fatalf("completion after the dispute was settled: %v", err)
		}
		ns, err := st.Notifications(ctx, f.orgU1, 50)
		if err != nil {
			t.Fatal(err)
		}
		var told []string
		for _, n := range ns {
			told = append(told, n.Text)
		}
		if all := strings.Join(told, "\n"); !strings.Contains(all, "冷库尚未通电") || !strings.Contains(all, "确认报告") {
			t.Errorf("the lead was not told of the dispute and the confirmation: %s", all)
		}
	})
}
