package importer

import (
	"context"
	"io"
	"slices"
	"strconv"
	"strings"

	"zhuxiang"
	"zhuxiang/sheet"
	"zhuxiang/store"
)

// projectColumns is the layout of a project ledger (项目台账) as the
// organizations keep it: one row per project. The export writes these
// columns too, with a few more that only report (status, key flag,
// spending, totals), so an exported file imports back unchanged.
var projectColumns = func() []column {
	cols := []column{
		{"seq", "编号", []string{"项目编号", "平台编号"}, false, "", "平台上的项目编号（导出的表中有）；新项目留空：按牵头单位和项目名称对应已有的项目"},
		{"name", "项目名称", []string{"名称"}, true, "示例：红枣加工车间建设", "不超过60字"},
		{"lead", "牵头单位", []string{"牵头单位信用代码", "牵头单位统一社会信用代码"}, false, "巴州示范农业技术协会",
			"统一社会信用代码（18位）或登记的组织全称；社会组织导入本组织的项目时可留空"},
		{"county", "县市", []string{"所属县市", "项目县市"}, true, "和静县", "县市名称（全称或简称）或6位区划代码"},
		{"villages", "村", []string{"项目所在村", "行政村", "村（社区）"}, true, "示例村",
			"一个或多个村，用“、”分隔，须在同一县市；县市内重名的村写成“乡镇/村”，也可填12位代码"},
		{"action", "行动", []string{"所属行动", "帮扶行动", "五项行动"}, true, "产业发展", "产业发展、科技兴农、文化润疆、扶弱济困、乡村治理之一（也可填全称）"},
		{"start_date", "开始日期", []string{"起始日期", "立项日期"}, true, "2026-03-01", "如 2026-03-01、2026/3/1 或 2026年3月1日"},
		{"end_date", "结束日期", []string{"截止日期", "完成日期"}, false, "2026-12-31", "不能早于开始日期"},
	}
	for _, f := range zhuxiang.FundSources {
		cols = append(cols, column{"budget_" + string(f), budgetHeader(f, false), nil, false, "", "元，最多两位小数；没有可留空"})
	}
	for _, f := range zhuxiang.FundSources {
		cols = append(cols, column{"revised_" + string(f), budgetHeader(f, true), nil, false, "", "批准后预算有调整时填写，未调整留空"})
	}
	return append(cols,
		column{"people", "受益人群", []string{"受益人群及人数"}, false, "村民 120/30；留守儿童 20",
			"“类别 目标人数/已受益人数”，多个用“；”分隔；类别为" + strings.Join(zhuxiang.BeneficiaryCategories, "、")},
		column{"description", "项目简介", []string{"简介", "项目内容"}, false, "", "不超过2000字"},
	)
}()

// budgetHeader is the header of a source's budget column.
func budgetHeader(f zhuxiang.FundSource, revised bool) string {
	if revised {
		return "调整后预算-" + f.Label() + "（元）"
	}
	return "预算-" + f.Label() + "（元）"
}

// ProjectTemplate writes the project import template: the columns with
// one sample row, which an import skips, and a sheet explaining each column.
func ProjectTemplate(w io.Writer) error {
	var cols []sheet.Column
	for _, c := range projectColumns {
		cols = append(cols, sheet.Column{Header: c.header, Required: c.required, Example: c.example, Help: c.help})
	}
	return sheet.WriteTemplate(w, "帮扶项目", cols)
}

// yuanCell is fen as a number of yuan for a sheet cell (blank for zero):
// exact, since fen/100 has at most two decimals and float64 keeps 15
// significant digits, more than any amount below MaxFen.
func yuanCell(fen int64) any {
	if fen == 0 {
		return ""
	}
	return float64(fen) / 100
}

// peopleText writes the people benefiting as the 受益人群 column reads
// them: "村民 120/30；留守儿童 20/0".
func peopleText(ps []zhuxiang.ProjectPeople) string {
	parts := make([]string, 0, len(ps))
	for _, p := range ps {
		parts = append(parts, p.Category+" "+strconv.Itoa(p.Target)+"/"+strconv.Itoa(p.Reached))
	}
	return strings.Join(parts, "；")
}

// ExportProjects writes the projects of the list with filter f, as the
// actor may see them, one row per project: the import's columns (so the
// file imports back) and what a ledger reports beside them.
func ExportProjects(ctx context.Context, st *store.Store, a zhuxiang.Actor, f store.ProjectFilter, w io.Writer) error {
	header := []string{"编号", "项目名称", "牵头单位", "合作单位", "县市", "村", "行动", "状态", "重点项目"}
	for _, src := range zhuxiang.FundSources {
		header = append(header, budgetHeader(src, false))
	}
	for _, src := range zhuxiang.FundSources {
		header = append(header, budgetHeader(src, true))
	}
	header = append(header, "预算合计（元）", "实际支出（元）", "受益人群", "受益人数（目标）", "受益人数（已达）", "开始日期", "结束日期", "项目简介")
	var rows [][]any
	err := st.EachProject(ctx, a, f, func(p *zhuxiang.Project) error {
		var partners []string
		for _, pt := range p.Parties {
			if pt.Role != zhuxiang.PartyLead {
				partners = append(partners, pt.Org+"（"+pt.Role.Label()+"，"+yuanText(pt.AmountFen)+"元）")
			}
		}
		key := ""
		if p.Key {
			key = "是"
		}
		// Villages as 乡镇/村, as the import reads them: a county may have
		// two villages of one name, and the export must import back.
		villages := make([]string, len(p.VillageNames))
		for i, name := range p.VillageNames {
			villages[i] = name
			if i < len(p.VillageTowns) && p.VillageTowns[i] != "" {
				villages[i] = p.VillageTowns[i] + "/" + name
			}
		}
		row := []any{p.Seq, p.Name, p.LeadOrg(), strings.Join(partners, "；"), p.County, strings.Join(villages, "、"), p.Action.Label(), p.Status.Label(), key}
		for _, revised := range []bool{false, true} {
			for _, src := range zhuxiang.FundSources {
				var fen int64
				for _, b := range p.Budget {
					if b.Source == src {
						fen = b.OriginalFen
						if revised {
							fen = b.RevisedFen
						}
					}
				}
				row = append(row, yuanCell(fen))
			}
		}
		var target, reached int
		for _, pp := range p.People {
			target += pp.Target
			reached += pp.Reached
		}
		row = append(row, yuanCell(p.BudgetFen()), yuanCell(p.Spent), peopleText(p.People), target, reached, p.StartDate, p.EndDate, p.Description)
		rows = append(rows, row)
		return nil
	})
	if err != nil {
		return err
	}
	return sheet.WriteXLSX(w, sheet.Sheet{Name: "帮扶项目", Header: header, Rows: rows})
}

// yuanText is fen as plain yuan text: "2000", "2000.5".
func yuanText(fen int64) string {
	s := strconv.FormatInt(fen/100, 10)
	if c := fen % 100; c != 0 {
		s += strings.TrimRight("."+strconv.FormatInt(c/10, 10)+strconv.FormatInt(c%10, 10), "0")
	}
	return s
}

// Projects imports a project ledger from t for the actor: an organization
// its own projects, a county those in its county, the admin any (each row
// naming its lead organization by credit code or name). Rows create
// drafts or update the drafts and returned projects they name (by 编号,
// or by lead and name; see store.ImportProjects); by default nothing is
// stored when any row is bad.
func Projects(ctx context.Context, st *store.Store, a zhuxiang.Actor, t *sheet.Table, mode zhuxiang.ImportMode) (*zhuxiang.ImportResult, error) {
	return run(t, projectColumns, isProjectSample, parseProjectRow, func(items []store.ProjectImport, rejected []zhuxiang.RowError, rows int) (*zhuxiang.ImportResult, error) {
		return st.ImportProjects(ctx, a, items, rejected, rows, mode)
	})
}

// isProjectSample recognises the template's sample row.
func isProjectSample(l layout, r sheet.Row) bool {
	return l.get(r, "name") == projectColumns[1].example && l.get(r, "villages") == projectColumns[4].example
}

// villageSeparators split the 村 cell: people list villages with any of
// these.
var villageSeparators = strings.NewReplacer("，", "、", ",", "、", "；", "、", ";", "、", "\n", "、", "／", "/")

// parseProjectRow checks what can be checked without the database: the
// required cells, the number, the action, the dates, the amounts and the
// people; the store resolves the organization and the villages. Errors
// name the column in the message as well as in the field, because the
// message is what people read in the import report.
func parseProjectRow(l layout, r sheet.Row) (store.ProjectImport, error) {
	p := &zhuxiang.Project{Name: l.get(r, "name"), Description: l.get(r, "description")}
	it := store.ProjectImport{Row: r.Num, Lead: l.get(r, "lead"), County: l.get(r, "county"), Project: p}
	if v := l.get(r, "seq"); v != "" {
		n, err := strconv.ParseInt(strings.TrimSuffix(v, ".0"), 10, 64)
		if err != nil || n <= 0 {
			return it, zhuxiang.Errorf(zhuxiang.EInvalid, "seq", "“编号”的值“%s”无效，应为平台上的项目编号（正整数）；新项目请留空", v)
		}
		it.Seq = n
	}
	if p.Name == "" {
		return it, zhuxiang.Errorf(zhuxiang.EInvalid, "name", "“项目名称”不能为空")
	}
	if it.County == "" {
		return it, zhuxiang.Errorf(zhuxiang.EInvalid, "county", "“县市”不能为空")
	}
	for _, v := range strings.Split(villageSeparators.Replace(l.get(r, "villages")), "、") {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		town, name, ok := strings.Cut(v, "/")
		if !ok {
			town, name = "", v
		}
		town, name = strings.TrimSpace(town), strings.TrimSpace(name)
		if name == "" {
			return it, zhuxiang.Errorf(zhuxiang.EInvalid, "villages", "“村”的值“%s”无效，应为村名、“乡镇/村”或12位代码", v)
		}
		if len(it.Villages) == zhuxiang.MaxProjectVillages {
			return it, zhuxiang.Errorf(zhuxiang.EInvalid, "villages", "“村”不能超过%d个", zhuxiang.MaxProjectVillages)
		}
		it.Villages = append(it.Villages, store.VillageName{Township: town, Name: name})
	}
	if len(it.Villages) == 0 {
		return it, zhuxiang.Errorf(zhuxiang.EInvalid, "villages", "“村”不能为空，请填写项目所在的村（一个或多个，用“、”分隔）")
	}
	v := l.get(r, "action")
	act, ok := zhuxiang.ParseAction(v)
	if !ok {
		return it, zhuxiang.Errorf(zhuxiang.EInvalid, "action", "“行动”的值“%s”无效，应为产业发展、科技兴农、文化润疆、扶弱济困或乡村治理", v)
	}
	p.Action = act
	var err error
	if p.StartDate, err = parseDateCell(l.get(r, "start_date"), "start_date", "开始日期"); err != nil {
		return it, err
	}
	if p.StartDate == "" {
		return it, zhuxiang.Errorf(zhuxiang.EInvalid, "start_date", "“开始日期”不能为空")
	}
	if p.EndDate, err = parseDateCell(l.get(r, "end_date"), "end_date", "结束日期"); err != nil {
		return it, err
	}
	if p.EndDate != "" && p.EndDate < p.StartDate {
		return it, zhuxiang.Errorf(zhuxiang.EInvalid, "end_date", "“结束日期”%s早于“开始日期”%s", p.EndDate, p.StartDate)
	}
	for _, src := range zhuxiang.FundSources {
		var b [2]int64
		for i, key := range []string{"budget_" + string(src), "revised_" + string(src)} {
			fen, err := zhuxiang.ParseYuan(key, l.get(r, key))
			if err == nil && fen > zhuxiang.MaxFen {
				err = zhuxiang.Errorf(zhuxiang.EInvalid, key, "金额过大")
			}
			if err != nil {
				return it, zhuxiang.Errorf(zhuxiang.EInvalid, key, "“%s”：%s", budgetHeader(src, i == 1), zhuxiang.ErrorMessage(err))
			}
			b[i] = fen
		}
		if b[0] > 0 || b[1] > 0 {
			p.Budget = append(p.Budget, zhuxiang.ProjectBudget{Source: src, OriginalFen: b[0], RevisedFen: b[1]})
		}
	}
	if p.People, err = parsePeople(l.get(r, "people")); err != nil {
		return it, err
	}
	if n := len([]rune(p.Name)); n > 60 {
		return it, zhuxiang.Errorf(zhuxiang.EInvalid, "name", "“项目名称”不超过60字（现有%d字）", n)
	}
	return it, nil
}

// parsePeople reads the 受益人群 cell: "村民 120/30；留守儿童 20", each
// category once, from the known list.
func parsePeople(s string) ([]zhuxiang.ProjectPeople, error) {
	var out []zhuxiang.ProjectPeople
	bad := func(part string) error {
		return zhuxiang.Errorf(zhuxiang.EInvalid, "people", "“受益人群”的“%s”无效，应写成“类别 目标人数/已受益人数”，多个用“；”分隔，如：村民 120/30", part)
	}
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == '；' || r == ';' || r == '\n' }) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		i := strings.IndexAny(part, "0123456789")
		if i <= 0 {
			return nil, bad(part)
		}
		cat := strings.TrimRight(strings.TrimSpace(part[:i]), ":：")
		if !slices.Contains(zhuxiang.BeneficiaryCategories, cat) {
			return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "people", "“受益人群”的类别“%s”未知，应为%s之一", cat, strings.Join(zhuxiang.BeneficiaryCategories, "、"))
		}
		for _, pp := range out {
			if pp.Category == cat {
				return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "people", "“受益人群”的类别“%s”重复", cat)
			}
		}
		target, reached, _ := strings.Cut(strings.ReplaceAll(part[i:], " ", ""), "/")
		t, err1 := strconv.Atoi(target)
		r := 0
		var err2 error
		if reached != "" {
			r, err2 = strconv.Atoi(reached)
		}
		if err1 != nil || err2 != nil || t < 0 || r < 0 || t > zhuxiang.MaxPeople || r > zhuxiang.MaxPeople {
			return nil, bad(part)
		}
		out = append(out, zhuxiang.ProjectPeople{Category: cat, Target: t, Reached: r})
	}
	return out, nil
}
