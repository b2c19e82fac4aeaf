package importer

import (
	"bytes"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"zhuxiang"
	"zhuxiang/sheet"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

// projectWorld is the pairing world with a staff account for the 和静县
// organization and a county account for 和静县.
type projectWorld struct {
	*pairingWorld
	orgUser, county zhuxiang.Actor
}

func newProjectWorld(t *testing.T, st *store.Store) *projectWorld {
	t.Helper()
	w := &projectWorld{pairingWorld: newPairingWorld(t, st)}
	for _, nu := range []store.NewUser{
		{Name: "taizhang", Role: zhuxiang.RoleOrg, OrgID: w.hejingOrg.ID, Password: "Zhuxiang#2026test"},
		{Name: "hejing", Role: zhuxiang.RoleCounty, RegionCode: hejing, Password: "Zhuxiang#2026test"},
	} {
		u, err := st.CreateUser(bg, zhuxiang.SystemActor, nu)
		if err != nil {
			t.Fatal(err)
		}
		if nu.Role == zhuxiang.RoleOrg {
			w.orgUser = u.Actor()
		} else {
			w.county = u.Actor()
		}
	}
	return w
}

var projectHeader = []string{"编号", "项目名称", "牵头单位", "县市", "村", "行动", "开始日期", "结束日期", "预算-自有资金（元）", "调整后预算-自有资金（元）", "受益人群", "项目简介"}

func (w *projectWorld) importProjects(t *testing.T, a zhuxiang.Actor, rows [][]string, mode zhuxiang.ImportMode) *zhuxiang.ImportResult {
	t.Helper()
	data := sheetXLSX(t, append([][]string{projectHeader}, rows...))
	tab, err := sheet.Read(bytes.NewReader(data), "台账.xlsx", sheet.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	res, err := Projects(bg, w.st, a, tab, mode)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return res
}

func (w *projectWorld) projects(t *testing.T) []*zhuxiang.Project {
	t.Helper()
	page, err := w.st.ListProjects(bg, zhuxiang.SystemActor, store.ProjectFilter{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	return page.Projects
}

// TestImportProjects: an organization imports its ledger (its own
// organization leads, named or not), the rows become drafts with several
// villages, budget and people; importing the same file again, or the
// export of it, changes nothing; a row naming a draft by its number
// updates it; a submitted project is not changed by an import; on both
// engines.
func TestImportProjects(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := newProjectWorld(t, st)
		if _, err := st.ImportRegions(bg, zhuxiang.SystemActor, []store.RegionRow{{Row: 2, County: "和静县", Township: "和静镇", Village: "台账二村"}}, zhuxiang.ImportAll); err != nil {
			t.Fatal(err)
		}
		rows := [][]string{
			{"", "红枣烘干房建设", "", "和静县", "结对一村、和静镇/台账二村", "产业发展", "2026-03-01", "2026-12-31", "50000", "", "村民 120/30；留守儿童 20", "建烘干房两座"},
			{"", "村史馆布展", w.hejingOrg.CreditCode, "652827", w.village1, "文化润疆", "2026/4/1", "", "1234.5", "1500", "", ""},
		}
		res := w.importProjects(t, w.orgUser, rows, zhuxiang.ImportAll)
		if !res.Stored || res.Created != 2 || len(res.Rejected) != 0 {
			t.Fatalf("first import: %+v", res)
		}
		ps := w.projects(t)
		if len(ps) != 2 {
			t.Fatalf("%d projects", len(ps))
		}
		hongzao := ps[1]
		if hongzao.Name != "红枣烘干房建设" || hongzao.Status != zhuxiang.ProjectDraft || hongzao.LeadOrgID() != w.hejingOrg.ID || len(hongzao.Villages) != 2 ||
			hongzao.CountyCode != hejing || len(hongzao.People) != 2 || hongzao.People[0].Reached != 30 || hongzao.BudgetFen() != 5000000 {
			t.Fatalf("imported %+v", hongzao)
		}
		if b := ps[0].Budget; len(b) != 1 || b[0].OriginalFen != 123450 || b[0].RevisedFen != 150000 {
			t.Errorf("budget %+v", b)
		}
		// The same file again: nothing changes.
		if res := w.importProjects(t, w.orgUser, rows, zhuxiang.ImportAll); res.Unchanged != 2 || res.Created+res.Updated != 0 {
			t.Fatalf("second import: %+v", res)
		}
		// The export imports back unchanged, even with a second 结对一村 in
		// the county: it names each village with its township.
		if _, err := st.ImportRegions(bg, zhuxiang.SystemActor, []store.RegionRow{{Row: 2, County: "和静县", Township: "巴伦台镇", Village: "结对一村"}}, zhuxiang.ImportAll); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := ExportProjects(bg, st, w.orgUser, store.ProjectFilter{}, &buf); err != nil {
			t.Fatal(err)
		}
		tab, err := sheet.Read(&buf, "export.xlsx", sheet.DefaultLimits())
		if err != nil {
			t.Fatal(err)
		}
		if res, err := Projects(bg, st, w.orgUser, tab, zhuxiang.ImportAll); err != nil || res.Unchanged != 2 || len(res.Rejected) != 0 {
			t.Fatalf("export imported back: %v %+v", err, res)
		}
		// By number: the draft is renamed; then submitted, it is not
		// changed by an import, and the row says why.
		seq := func(p *zhuxiang.Project) string { return strconv.FormatInt(p.Seq, 10) }
		renamed := slices.Clone(rows[0])
		renamed[0], renamed[1] = seq(hongzao), "红枣烘干房建设（二期）"
		renamed[4] = "和静镇/结对一村、和静镇/台账二村" // 结对一村 alone is ambiguous now
		if res := w.importProjects(t, w.orgUser, [][]string{renamed}, zhuxiang.ImportAll); res.Updated != 1 {
			t.Fatalf("rename by number: %+v", res)
		}
		if err := st.TransitionProject(bg, w.orgUser, hongzao.ID, "submit", "", 0); err != nil {
			t.Fatal(err)
		}
		renamed[8] = "60000"
		res = w.importProjects(t, w.orgUser, [][]string{renamed}, zhuxiang.ImportAll)
		if res.Stored || len(res.Rejected) != 1 || !strings.Contains(res.Rejected[0].Message, "待审批") {
			t.Fatalf("update of a submitted project: %+v", res)
		}
		if got := w.projects(t); len(got) != 2 || got[1].Name != "红枣烘干房建设（二期）" || got[1].BudgetFen() != 5000000 {
			t.Errorf("after the refused import: %+v", got[1])
		}
	})
}

// TestImportProjectsBadRows: every bad row is reported with its row and
// its column in Chinese, and nothing is stored; an organization may not
// import another's projects, a county none outside its county.
func TestImportProjectsBadRows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := newProjectWorld(t, st)
		good := []string{"", "红枣烘干房建设", "", "和静县", "结对一村", "产业发展", "2026-03-01", "", "", "", "", ""}
		row := func(edit func(r []string)) []string { r := slices.Clone(good); edit(r); return r }
		rows := [][]string{
			good,
			row(func(r []string) { r[1] = "" }), // 3 项目名称
			row(func(r []string) { r[1], r[4] = "乙", "不存在村" }),                   // 4 村
			row(func(r []string) { r[1], r[4] = "丙", "结对一村、"+w.village2 }),       // 5 村: another county
			row(func(r []string) { r[1], r[5] = "丁", "扶贫" }),                     // 6 行动
			row(func(r []string) { r[1], r[6] = "戊", "明年" }),                     // 7 开始日期
			row(func(r []string) { r[1], r[8] = "己", "五万" }),                     // 8 预算
			row(func(r []string) { r[1], r[10] = "庚", "老人 5" }),                  // 9 受益人群
			row(func(r []string) { r[1], r[2] = "辛", w.ruoqiangOrg.CreditCode }), // 10 牵头单位: not the importer's
			row(func(r []string) { r[1], r[0] = "壬", "99999" }),                  // 11 编号
			row(func(r []string) {}),                                             // 12 项目名称: same as row 2
			row(func(r []string) { r[1], r[7] = "癸", "2025-01-01" }),             // 13 结束日期
		}
		res := w.importProjects(t, w.orgUser, rows, zhuxiang.ImportAll)
		want := "3:项目名称 4:村 5:村 6:行动 7:开始日期 8:预算-自有资金（元） 9:受益人群 10:牵头单位 11:编号 12:项目名称 13:结束日期"
		if got := rejectedRows(res); got != want || res.Stored || res.Created != 0 {
			t.Fatalf("rejected %s (stored %v), want %s", got, res.Stored, want)
		}
		han := regexp.MustCompile(`\p{Han}`)
		for _, r := range res.Rejected {
			if !han.MatchString(r.Message) {
				t.Errorf("row %d: message %q", r.Row, r.Message)
			}
		}
		if n := len(w.projects(t)); n != 0 {
			t.Fatalf("a refused file stored %d projects", n)
		}
		// A county imports for an organization by its credit code, in its
		// county only; the system (the command line) must name the lead.
		countyRows := [][]string{row(func(r []string) { r[2] = w.hejingOrg.CreditCode }), row(func(r []string) {
			r[1], r[2], r[3], r[4] = "若羌项目", w.ruoqiangOrg.CreditCode, "若羌县", "结对二村"
		})}
		if got := rejectedRows(w.importProjects(t, w.county, countyRows, zhuxiang.ImportAll)); got != "3:县市" {
			t.Errorf("county import rejected %q, want 3:县市", got)
		}
		if got := rejectedRows(w.importProjects(t, zhuxiang.SystemActor, [][]string{good}, zhuxiang.ImportDryRun)); got != "2:牵头单位" {
			t.Errorf("system import without a lead rejected %q", got)
		}
		res = w.importProjects(t, w.county, countyRows, zhuxiang.ImportPartial)
		if res.Created != 1 || len(w.projects(t)) != 1 {
			t.Errorf("partial county import: %+v", res)
		}
		// Village users import nothing.
		vil, err := st.CreateUser(bg, zhuxiang.SystemActor, store.NewUser{Name: "cun", Role: zhuxiang.RoleVillage, RegionCode: w.village1, Password: "Zhuxiang#2026test"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Projects(bg, st, vil.Actor(), &sheet.Table{Header: projectHeader}, zhuxiang.ImportAll); zhuxiang.ErrorCodeOf(err) != zhuxiang.EForbidden {
			t.Errorf("village import: %v", err)
		}
	})
}

// TestProjectTemplate: the template's headers are the import's, and the
// template imported as it is stores nothing (its sample row is skipped).
func TestProjectTemplate(t *testing.T) {
	var buf bytes.Buffer
	if err := ProjectTemplate(&buf); err != nil {
		t.Fatal(err)
	}
	tab, err := sheet.Read(&buf, "template.xlsx", sheet.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	l, err := mapColumns(tab, projectColumns)
	if err != nil || len(l) != len(projectColumns) {
		t.Fatalf("template columns %v: %v", tab.Header, err)
	}
	for _, r := range tab.Rows {
		if !isProjectSample(l, r) {
			t.Errorf("row %d of the template is not the sample: %v", r.Num, r.Cells)
		}
	}
}

// FuzzParseProjectRow: the ledger row parser never panics; a refusal
// names one of the columns and says why in Chinese; an accepted row has a
// name, a county, one or more villages, one of the five actions, dates in
// order as YYYY-MM-DD, amounts within bounds and known categories of
// people, each once.
func FuzzParseProjectRow(f *testing.F) {
	f.Add("", "红枣烘干房建设", "", "和静县", "结对一村、和静镇/台账二村", "产业发展", "2026-03-01", "2026-12-31", "50000", "", "村民 120/30；留守儿童 20", "")
	f.Add("12", "x", "51652827MJ0000001X", "652827", "652827100201", "culture", "2026年3月1日", "", "1,234.5元", "-1", "老人 5", "简介")
	f.Add("0", "", "", "", "、、/", "扶贫", "明年", "2025-01-01", "五万", "1e9", "村民 1/2/3；村民 4", "")
	tab := &sheet.Table{Header: projectHeader}
	l, err := mapColumns(tab, projectColumns)
	if err != nil {
		f.Fatal(err)
	}
	keys := map[string]bool{}
	for _, c := range projectColumns {
		keys[c.key] = true
	}
	han := regexp.MustCompile(`\p{Han}`)
	isoDate := regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	f.Fuzz(func(t *testing.T, seq, name, lead, county, villages, action, start, end, own, ownRevised, people, desc string) {
		cells := []string{seq, name, lead, county, villages, action, start, end, own, ownRevised, people, desc}
		it, err := parseProjectRow(l, sheet.Row{Num: 9, Cells: cells})
		if it.Row != 9 || it.Project == nil {
			t.Fatalf("row %d, project %v", it.Row, it.Project)
		}
		if err != nil {
			if zhuxiang.ErrorCodeOf(err) != zhuxiang.EInvalid || !keys[zhuxiang.ErrorField(err)] || !han.MatchString(zhuxiang.ErrorMessage(err)) {
				t.Fatalf("error %v (field %q): want an invalid-cell error naming a column", err, zhuxiang.ErrorField(err))
			}
			return
		}
		p := it.Project
		if p.Name == "" || it.County == "" || len(it.Villages) == 0 || it.Seq < 0 {
			t.Fatalf("accepted a row without its required cells: %+v", it)
		}
		for _, v := range it.Villages {
			if v.Name == "" || strings.ContainsAny(v.Name, "、/") {
				t.Fatalf("village %+v", v)
			}
		}
		if _, ok := zhuxiang.ParseAction(string(p.Action)); !ok {
			t.Fatalf("action %q", p.Action)
		}
		if !isoDate.MatchString(p.StartDate) || (p.EndDate != "" && (!isoDate.MatchString(p.EndDate) || p.EndDate < p.StartDate)) {
			t.Fatalf("dates %q–%q", p.StartDate, p.EndDate)
		}
		for _, b := range p.Budget {
			if b.OriginalFen < 0 || b.OriginalFen > zhuxiang.MaxFen || b.RevisedFen < 0 || b.RevisedFen > zhuxiang.MaxFen {
				t.Fatalf("budget %+v", b)
			}
		}
		seen := map[string]bool{}
		for _, pp := range p.People {
			if !slices.Contains(zhuxiang.BeneficiaryCategories, pp.Category) || seen[pp.Category] || pp.Target < 0 || pp.Reached < 0 {
				t.Fatalf("people %+v", p.People)
			}
			seen[pp.Category] = true
		}
		// What it accepted, written as the export writes it, reads back the same.
		if got, err := parsePeople(peopleText(p.People)); err != nil || !slices.Equal(got, p.People) {
			t.Fatalf("people %+v read back as %+v (%v)", p.People, got, err)
		}
	})
}

// sheetXLSX writes rows (the header first) as a workbook, every cell text,
// as a spreadsheet program saves a ledger typed into it.
func sheetXLSX(t testing.TB, rows [][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sh := f.GetSheetName(0)
	for i, r := range rows {
		for j, c := range r {
			cell, err := excelize.CoordinatesToCellName(j+1, i+1)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.SetCellStr(sh, cell, c); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
