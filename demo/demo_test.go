package demo_test

import (
	"context"
	"io"
	"slices"
	"strings"
	"testing"

	"zhuxiang"
	"zhuxiang/demo"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

func TestLoadPrefecture(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng, func(t *testing.T) { testLoadPrefecture(t, eng) })
	}
}

func testLoadPrefecture(t *testing.T, eng string) {
	ctx := context.Background()
	st := storetest.Open(t, eng)
	res, err := demo.Load(ctx, st, "prefecture", io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	sys := zhuxiang.SystemActor
	for tag, want := range map[zhuxiang.VillageTag]int{zhuxiang.TagLifted: 38, zhuxiang.TagKey: 10, zhuxiang.TagModel: 79, "any": 127} {
		vs, err := st.ListRegions(ctx, sys, store.RegionFilter{Tag: tag})
		if err != nil {
			t.Fatal(err)
		}
		if len(vs) != want {
			t.Errorf("villages tagged %s: %d, want %d", tag, len(vs), want)
		}
		for _, v := range vs {
			if !v.Demo {
				t.Errorf("invented village %s is not marked demo", v.Name)
				break
			}
		}
	}
	// The townships are the real ones, wherever the project was cloned.
	towns, err := st.ListRegions(ctx, sys, store.RegionFilter{Level: zhuxiang.LevelTownship})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(zhuxiang.PrefectureRegions())
	if want := strings.Count(string(data), ",township,"); len(towns) != want || res.Townships != want || want < 100 {
		t.Errorf("townships: %d listed, %d reported, want %d", len(towns), res.Townships, want)
	}
	names := map[string]string{}
	for _, tw := range towns {
		names[tw.Code] = tw.Name
		if tw.Demo {
			t.Errorf("real township %s %s marked demo", tw.Code, tw.Name)
		}
	}
	if names["652827100"] != "和静镇" {
		t.Errorf("township 652827100 is %q, want 和静镇", names["652827100"])
	}
	p, err := st.ListOrgs(ctx, sys, store.OrgFilter{})
	if err != nil || res.Orgs != 300 || p.Total != 300 {
		t.Errorf("orgs: made %d, listed %d (%v)", res.Orgs, p.Total, err)
	}
	// Every demo account signs in with the demo password and needs no change.
	if len(res.Accounts) != 7 {
		t.Fatalf("accounts: %+v", res.Accounts)
	}
	for _, a := range res.Accounts {
		u, err := st.Login(ctx, a.Name, demo.Password)
		if err != nil || u.MustChangePassword {
			t.Errorf("demo account %s: %v, must change %v", a.Name, err, u != nil && u.MustChangePassword)
		}
	}
	// Needs and offers give the plan something to do: it reaches key villages.
	open, err := st.ListNeeds(ctx, sys, store.NeedFilter{Status: zhuxiang.NeedOpen})
	if err != nil || open.Total < 100 {
		t.Errorf("open demo needs: %d (%v)", open.Total, err)
	}
	_, r, err := st.Allocate(ctx, sys)
	if err != nil || r.Matched == 0 || r.KeyReached == 0 || r.KeyReached > r.KeyVillages {
		t.Errorf("plan on demo data: %+v, %v", r, err)
	}
	checkProjects(ctx, t, st, res)
	checkBrands(ctx, t, st, res)
	checkCases(ctx, t, st, res)
	if _, err := demo.Load(ctx, st, "prefecture", io.Discard); err == nil {
		t.Error("loading demo data twice must be refused")
	}
	if r, err := st.VerifyAudit(ctx); err != nil || r.BrokenAt != 0 {
		t.Errorf("audit after demo: %+v %v", r, err)
	}
}

// checkProjects checks the demo's projects: every status, ten key
// projects or more, the needs of completed projects done, the villages of
// each project in one county, money and people filled in.
func checkProjects(ctx context.Context, t *testing.T, st *store.Store, res *demo.Result) {
	t.Helper()
	sys := zhuxiang.SystemActor
	page, err := st.ListProjects(ctx, sys, store.ProjectFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != res.Projects || page.Total < 30 {
		t.Errorf("projects: %d listed, %d reported", page.Total, res.Projects)
	}
	statuses := map[zhuxiang.ProjectStatus]int{}
	keys, keyCounties, completedNeeds, spent, partners := 0, map[string]bool{}, 0, 0, 0
	regions, err := st.ListRegions(ctx, sys, store.RegionFilter{Level: zhuxiang.LevelVillage})
	if err != nil {
		t.Fatal(err)
	}
	countyOf := map[string]string{}
	for _, v := range regions {
		countyOf[v.Code] = v.CountyCode
	}
	byStatus, photos := map[zhuxiang.ReportStatus]int{}, 0
	for _, listed := range page.Projects {
		p, err := st.Project(ctx, sys, listed.ID)
		if err != nil {
			t.Fatal(err)
		}
		statuses[p.Status]++
		if p.Key {
			keys++
			keyCounties[p.CountyCode] = true
		}
		if !strings.Contains(p.Name, "演示") || !strings.Contains(p.Description, "演示") {
			t.Errorf("project %q is not marked demo", p.Name)
		}
		for _, v := range p.Villages {
			if countyOf[v] != p.CountyCode {
				t.Errorf("project %q: village %s lies in %s, the project in %s", p.Name, v, countyOf[v], p.CountyCode)
			}
		}
		if p.LeadOrgID() == "" || len(p.Budget) == 0 || len(p.People) == 0 || p.StartDate < "2025" || p.EndDate > "2026-12-31" {
			t.Errorf("project %q: lead %q, budget %v, people %v, dates %s–%s", p.Name, p.LeadOrgID(), p.Budget, p.People, p.StartDate, p.EndDate)
		}
		if (p.Status == zhuxiang.ProjectReturned || p.Status == zhuxiang.ProjectStopped) && p.Reason == "" {
			t.Errorf("project %q %s without a reason", p.Name, p.Status)
		}
		if len(p.Spending) > 0 {
			spent++
		}
		if len(p.Parties) > 1 {
			partners++
		}
		reports, err := st.ProjectReports(ctx, sys, p)
		if err != nil {
			t.Fatal(err)
		}
		live := p.Status == zhuxiang.ProjectRunning || p.Status == zhuxiang.ProjectAwaiting
		if (live || p.Status == zhuxiang.ProjectCompleted) != (len(reports) > 0) || len(reports) > 3 {
			t.Errorf("project %q (%s) has %d reports", p.Name, p.Status, len(reports))
		}
		for _, r := range reports {
			byStatus[r.Status]++
			photos += len(r.Files)
			if r.Status == zhuxiang.ReportDisputed && (!live || r.Reason == "") {
				t.Errorf("project %q (%s): a disputed report, reason %q", p.Name, p.Status, r.Reason)
			}
		}
		if p.Status == zhuxiang.ProjectCompleted {
			for _, id := range p.NeedIDs {
				n, err := st.Need(ctx, sys, id)
				if err != nil || n.Status != zhuxiang.NeedDone {
					t.Errorf("completed project %q: need %s is %v (%v)", p.Name, id, n, err)
				} else {
					completedNeeds++
				}
			}
		}
	}
	for _, s := range zhuxiang.ProjectStatuses {
		if statuses[s] == 0 {
			t.Errorf("no demo project is %s (%v)", s, statuses)
		}
	}
	if keys < 10 || len(keyCounties) < 5 {
		t.Errorf("key projects: %d in %d counties", keys, len(keyCounties))
	}
	total := byStatus[zhuxiang.ReportSubmitted] + byStatus[zhuxiang.ReportConfirmed] + byStatus[zhuxiang.ReportDisputed]
	if total != res.Reports || byStatus[zhuxiang.ReportDisputed] == 0 || byStatus[zhuxiang.ReportDisputed] != res.Disputed ||
		byStatus[zhuxiang.ReportConfirmed] <= total/2 || photos == 0 {
		t.Errorf("reports %v (%d reported), %d photos", byStatus, res.Reports, photos)
	}
	if completedNeeds == 0 || spent == 0 || partners == 0 {
		t.Errorf("completed projects' needs done: %d; projects with spending: %d, with partners or donors: %d", completedNeeds, spent, partners)
	}
}

// checkBrands checks the demo's brands: at least six published (the
// plan's target), both levels, recognised in 2025–2026, each with a logo
// and its thumbnail and projects that may form a brand, a county brand's
// in its county, and figures to show.
func checkBrands(ctx context.Context, t *testing.T, st *store.Store, res *demo.Result) {
	t.Helper()
	all, err := st.ListBrands(ctx, zhuxiang.SystemActor, store.BrandFilter{})
	if err != nil {
		t.Fatal(err)
	}
	public, err := st.ListBrands(ctx, zhuxiang.Actor{}, store.BrandFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != res.Brands || len(public) < 6 {
		t.Errorf("brands: %d listed, %d reported, %d published; want at least 6 published", len(all), res.Brands, len(public))
	}
	levels := map[zhuxiang.BrandLevel]int{}
	for _, b := range all {
		levels[b.Level]++
		f := b.Figures()
		if b.Year < 2025 || b.Year > 2026 || !b.HasLogo() || b.Logo.ThumbSHA == "" || f.Projects == 0 || f.BudgetFen == 0 || f.PeopleTarget == 0 {
			t.Errorf("brand %q: year %d, logo %+v, figures %+v", b.Name, b.Year, b.Logo, f)
		}
		for _, p := range b.Projects {
			if !slices.Contains(zhuxiang.BrandProjectStatuses, p.Status) || b.Level == zhuxiang.BrandCounty && p.CountyCode != b.CountyCode {
				t.Errorf("brand %q has project %q (%s, %s)", b.Name, p.Name, p.Status, p.County)
			}
		}
		if _, err := st.BrandLogo(ctx, zhuxiang.SystemActor, b.ID, true); err != nil {
			t.Errorf("brand %q thumbnail: %v", b.Name, err)
		}
	}
	if levels[zhuxiang.BrandCounty] == 0 || levels[zhuxiang.BrandPrefecture] == 0 {
		t.Errorf("brand levels %v, want both", levels)
	}
}

// checkCases checks the demo's case collection: a closed call with at
// least five published cases, each with a few paragraphs, photos and a
// linked project, and an open call with submitted and draft cases; the
// public sees the published ones only.
func checkCases(ctx context.Context, t *testing.T, st *store.Store, res *demo.Result) {
	t.Helper()
	sys := zhuxiang.SystemActor
	calls, err := st.ListCalls(ctx, sys, false)
	if err != nil || len(calls) != 2 {
		t.Fatalf("calls: %d %v", len(calls), err)
	}
	today := st.Now().In(zhuxiang.Shanghai).Format(zhuxiang.DateLayout)
	statuses := map[zhuxiang.CallStatus]string{}
	for _, c := range calls {
		statuses[c.Status(today)] = c.ID
	}
	if statuses[zhuxiang.CallClosed] == "" || statuses[zhuxiang.CallOpen] == "" {
		t.Fatalf("want a closed and an open call: %v", statuses)
	}
	page, err := st.ListCases(ctx, sys, store.CaseFilter{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != res.Cases {
		t.Errorf("cases: %d listed, %d reported", page.Total, res.Cases)
	}
	byStatus := map[zhuxiang.CaseStatus]int{}
	for _, c := range page.Cases {
		byStatus[c.Status]++
		if !strings.Contains(c.Title+c.Body, "演示") {
			t.Errorf("case %q is not marked demo", c.Title)
		}
		if c.Status == zhuxiang.CasePublished {
			full, err := st.Case(ctx, zhuxiang.Actor{}, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if c.CallID != statuses[zhuxiang.CallClosed] || len(full.Photos) == 0 || len(full.Projects) == 0 || strings.Count(full.Body, "\n\n") < 2 || full.Scores < 2 {
				t.Errorf("published case %q: call %s, %d photos, %d projects, %d scores", c.Title, c.CallID, len(full.Photos), len(full.Projects), full.Scores)
			}
		}
	}
	if byStatus[zhuxiang.CasePublished] < 5 || byStatus[zhuxiang.CaseSubmitted] == 0 || byStatus[zhuxiang.CaseDraft] == 0 {
		t.Errorf("case statuses %v", byStatus)
	}
	public, err := st.ListCases(ctx, zhuxiang.Actor{}, store.CaseFilter{Limit: 200})
	if err != nil || public.Total != byStatus[zhuxiang.CasePublished] {
		t.Errorf("public cases %v %v", public, err)
	}
}
