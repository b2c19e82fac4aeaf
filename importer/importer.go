// Package importer turns spreadsheets into records: it maps the columns of
// a sheet.Table to domain values, collects every row's problem with the row
// number the user sees, and hands the batch to the store, which writes all
// of it or nothing. It also writes the matching templates and exports, so
// that a file exported here imports back unchanged.
package importer

import (
	"context"
	"io"
	"strconv"
	"strings"

	"zhuxiang"
	"zhuxiang/sheet"
	"zhuxiang/store"
)

// column is one column of an import layout: the header in the template, the
// other headers people use for it, and the help text in the template.
type column struct {
	key      string
	header   string
	aliases  []string
	required bool
	example  string
	help     string
}

var orgColumns = []column{
	{"name", "组织名称", []string{"名称", "社会组织名称", "单位名称"}, true, "巴州示范农业技术协会", "登记证书上的全称，不超过100字"},
	{"credit_code", "统一社会信用代码", []string{"信用代码", "社会信用代码"}, true, "51652800MJ0000001X", "18位，按GB 32100-2015校验；已存在的代码将更新该组织而不会重复"},
	{"legal_form", "法人类型", []string{"组织类型", "登记类型"}, false, "社会团体", "社会团体、社会服务机构（民办非企业单位）或基金会；不填时按信用代码第2位推断"},
	{"kinds", "组织类别", []string{"类别", "领域"}, false, "农业农村类、科技类", "可填多个，用“、”分隔：" + kindList()},
	{"department", "业务主管单位", []string{"主管单位", "业务主管单位（行业管理部门）"}, false, "自治州科协", "须与系统中“部门”名称一致"},
	{"rating", "评估等级", []string{"等级"}, false, "4A", "1A至5A，未评估留空"},
	{"rating_date", "评估日期", []string{"等级评定日期"}, false, "2024-06-30", "等级有效期5年；填了等级必须填日期"},
	{"inspection_year", "年检年度", nil, false, "2025", "最近一次年度检查的年度"},
	{"inspection_result", "年检结论", nil, false, "合格", "合格、基本合格或不合格"},
	{"flag", "列入名录", []string{"异常名录"}, false, "", "活动异常 或 严重违法失信；未列入留空"},
	{"flag_source", "列入来源", nil, false, "", "列入名录时必填，如“州民政局2025年第3号公告”"},
	{"flag_date", "列入日期", nil, false, "", "列入名录时必填"},
	{"county", "登记县市", []string{"登记机关所在县市", "所属县市", "县市"}, false, "和静县", "在本州登记的填县市名称或代码；州外登记的留空并填下一列"},
	{"reg_place", "州外登记地", []string{"登记地"}, false, "", "对口援疆省市等州外组织填登记地，如“河北省”"},
	{"contact", "联系人", nil, false, "张三", ""},
	{"phone", "联系电话", []string{"电话", "手机"}, false, "13800000000", "手机或座机"},
	{"address", "地址", []string{"住所"}, false, "库尔勒市人民东路1号", ""},
	{"intro", "简介", []string{"业务范围"}, false, "", "业务范围与专长，不超过2000字"},
}

func kindList() string {
	var s []string
	for _, k := range zhuxiang.OrgKinds {
		s = append(s, k.Label())
	}
	return strings.Join(s, "、")
}

// OrgTemplate writes the organization import template: the columns with one
// sample row, and a sheet explaining each column.
func OrgTemplate(w io.Writer) error {
	var cols []sheet.Column
	for _, c := range orgColumns {
		cols = append(cols, sheet.Column{Header: c.header, Required: c.required, Example: c.example, Help: c.help})
	}
	return sheet.WriteTemplate(w, "社会组织", cols)
}

// layout maps a table's headers to column keys.
type layout map[string]int

func mapColumns(t *sheet.Table, cols []column) (layout, error) {
	l := layout{}
	for _, c := range cols {
		i := t.Col(append([]string{c.header}, c.aliases...)...)
		if i < 0 {
			if c.required {
				return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "file", "表头缺少必填列“%s”，请使用导入模板", c.header)
			}
			continue
		}
		l[c.key] = i
	}
	return l, nil
}

func (l layout) get(r sheet.Row, key string) string {
	i, ok := l[key]
	if !ok || i >= len(r.Cells) {
		return ""
	}
	return strings.TrimSpace(r.Cells[i])
}

// Orgs imports organizations from t. By default nothing is stored when any
// row is bad; mode can ask for a dry run or for the good rows only.
func Orgs(ctx context.Context, st *store.Store, a zhuxiang.Actor, t *sheet.Table, mode zhuxiang.ImportMode) (*zhuxiang.ImportResult, error) {
	isSample := func(l layout, r sheet.Row) bool {
		return l.get(r, "name") == orgColumns[0].example && l.get(r, "credit_code") == orgColumns[1].example
	}
	return run(t, orgColumns, isSample, parseOrgRow, func(items []store.OrgImport, rejected []zhuxiang.RowError, rows int) (*zhuxiang.ImportResult, error) {
		return st.ImportOrgs(ctx, a, items, rejected, rows, mode)
	})
}

// run is every import's sheet side: it maps the headers, parses each data
// row (skipping the template's sample row, which people often leave in, and
// saying so), hands the parsed rows and the parser's rejections to the
// store's import runner, and names each problem's field by the column
// header the user sees. isSample may be nil.
func run[T any](t *sheet.Table, cols []column, isSample func(layout, sheet.Row) bool, parse func(layout, sheet.Row) (T, error),
	store func(items []T, rejected []zhuxiang.RowError, rows int) (*zhuxiang.ImportResult, error)) (*zhuxiang.ImportResult, error) {
	l, err := mapColumns(t, cols)
	if err != nil {
		return nil, err
	}
	items := make([]T, 0, len(t.Rows))
	var rejected, skipped []zhuxiang.RowError
	for _, r := range t.Rows {
		if isSample != nil && isSample(l, r) {
			skipped = append(skipped, zhuxiang.RowError{Row: r.Num, Field: cols[0].header, Message: "这是导入模板的示例行，已跳过"})
			continue
		}
		it, err := parse(l, r)
		if err != nil {
			rejected = append(rejected, zhuxiang.RowError{Row: r.Num, Field: zhuxiang.ErrorField(err), Message: zhuxiang.ErrorMessage(err)})
			continue
		}
		items = append(items, it)
	}
	res, err := store(items, rejected, len(t.Rows)-len(skipped))
	if err != nil {
		return nil, err
	}
	res.Warnings = append(skipped, res.Warnings...)
	for i := range res.Rejected {
		res.Rejected[i].Field = fieldHeader(cols, res.Rejected[i].Field)
	}
	for i := range res.Warnings {
		res.Warnings[i].Field = fieldHeader(cols, res.Warnings[i].Field)
	}
	return res, nil
}

// fieldHeader names a field by the column header the user sees.
func fieldHeader(cols []column, field string) string {
	switch field {
	case "inspections":
		return "年检结论"
	case "flags":
		return "列入名录"
	case "reg_county":
		return "登记县市"
	case "parties":
		return "牵头单位"
	case "budget":
		return "预算"
	}
	for _, c := range cols {
		if c.key == field {
			return c.header
		}
	}
	return field
}

func parseOrgRow(l layout, r sheet.Row) (store.OrgImport, error) {
	o := &zhuxiang.Org{Name: l.get(r, "name"), CreditCode: l.get(r, "credit_code"), Contact: l.get(r, "contact"), Phone: l.get(r, "phone"),
		Address: l.get(r, "address"), Intro: l.get(r, "intro"), RegPlace: l.get(r, "reg_place")}
	it := store.OrgImport{Row: r.Num, Org: o, Department: l.get(r, "department"), County: l.get(r, "county")}
	if v := l.get(r, "legal_form"); v != "" {
		f, ok := zhuxiang.ParseLegalForm(v)
		if !ok {
			return it, zhuxiang.Errorf(zhuxiang.EInvalid, "legal_form", "法人类型“%s”无效，应为社会团体、社会服务机构或基金会", v)
		}
		o.LegalForm = f
	}
	kinds, err := zhuxiang.ParseOrgKinds(l.get(r, "kinds"))
	if err != nil {
		return it, err
	}
	o.Kinds = kinds
	if o.Rating, err = zhuxiang.ParseRating(l.get(r, "rating")); err != nil {
		return it, err
	}
	if o.RatingDate, err = zhuxiang.ParseDate("rating_date", l.get(r, "rating_date")); err != nil {
		return it, err
	}
	year, result := l.get(r, "inspection_year"), l.get(r, "inspection_result")
	if year != "" || result != "" {
		y, err := strconv.Atoi(strings.TrimSuffix(year, "年"))
		if err != nil {
			return it, zhuxiang.Errorf(zhuxiang.EInvalid, "inspection_year", "年检年度“%s”应为四位年份", year)
		}
		res, ok := zhuxiang.ParseInspectionResult(result)
		if !ok {
			return it, zhuxiang.Errorf(zhuxiang.EInvalid, "inspection_result", "年检结论“%s”应为合格、基本合格或不合格", result)
		}
		o.Inspections = []zhuxiang.Inspection{{Year: y, Result: res}}
	}
	if v := l.get(r, "flag"); v != "" {
		k, ok := zhuxiang.ParseFlagKind(v)
		if !ok {
			return it, zhuxiang.Errorf(zhuxiang.EInvalid, "flag", "列入名录“%s”应为活动异常或严重违法失信", v)
		}
		d, err := zhuxiang.ParseDate("flag_date", l.get(r, "flag_date"))
		if err != nil {
			return it, err
		}
		if d == "" {
			return it, zhuxiang.Errorf(zhuxiang.EInvalid, "flag_date", "列入名录时须填写列入日期")
		}
		src := l.get(r, "flag_source")
		if src == "" {
			return it, zhuxiang.Errorf(zhuxiang.EInvalid, "flag_source", "列入名录时须填写来源")
		}
		o.Flags = []zhuxiang.OrgFlag{{Kind: k, Source: src, Date: d}}
	}
	if it.County != "" && o.RegPlace != "" {
		return it, zhuxiang.Errorf(zhuxiang.EInvalid, "reg_place", "“登记县市”和“州外登记地”只能填一个")
	}
	return it, nil
}

// OrgRow renders an organization as a row of the import layout, so that an
// export can be edited and imported back.
func OrgRow(o *zhuxiang.Org, countyName func(string) string) []any {
	var kinds []string
	for _, k := range o.Kinds {
		kinds = append(kinds, k.Label())
	}
	rating := ""
	if o.Rating > 0 {
		rating = o.RatingLabel()
	}
	var iy, ir string
	if in, ok := o.LatestInspection(); ok {
		iy, ir = strconv.Itoa(in.Year), in.Result
	}
	var fk, fs, fd string
	if len(o.Flags) > 0 {
		fk, fs, fd = o.Flags[0].Kind.Label(), o.Flags[0].Source, o.Flags[0].Date
	}
	return []any{o.Name, o.CreditCode, o.LegalForm.Label(), strings.Join(kinds, "、"), o.Department, rating, o.RatingDate,
		iy, ir, fk, fs, fd, countyName(o.RegCounty), o.RegPlace, o.Contact, o.Phone, o.Address, o.Intro}
}

// ExportOrgs writes the organizations that match f in the actor's scope as
// XLSX in the import layout.
func ExportOrgs(ctx context.Context, st *store.Store, a zhuxiang.Actor, f store.OrgFilter, w io.Writer) error {
	regions, err := st.ListRegions(ctx, a, store.RegionFilter{Level: zhuxiang.LevelCounty})
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, r := range regions {
		names[r.Code] = r.Name
	}
	var header []string
	for _, c := range orgColumns {
		header = append(header, c.header)
	}
	var rows [][]any
	err = st.EachOrg(ctx, a, f, func(o *zhuxiang.Org) error {
		rows = append(rows, OrgRow(o, func(c string) string { return names[c] }))
		return nil
	})
	if err != nil {
		return err
	}
	return sheet.WriteXLSX(w, sheet.Sheet{Name: "社会组织", Header: header, Rows: rows})
}
