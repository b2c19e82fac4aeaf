package importer

import (
	"context"
	"io"
	"strings"
	"unicode/utf8"

	"zhuxiang"
	"zhuxiang/sheet"
	"zhuxiang/store"
)

// pairingColumns is the layout of the plan's existing pairings, as the
// counties keep them: who, where, since when. Organizations and places are
// named as people write them; the store resolves them, because only it
// knows which organizations and villages exist.
var pairingColumns = []column{
	{"org", "社会组织", []string{"社会组织名称", "组织名称", "结对组织", "结对社会组织", "统一社会信用代码", "信用代码"}, true,
		"巴州示范农业技术协会", "统一社会信用代码（18位）或登记的组织全称；有同名组织时须填信用代码。组织须已在平台登记"},
	{"county", "县市", []string{"县", "所属县市", "结对县市", "county"}, true, "和静县", "县市名称（全称或简称）或6位区划代码"},
	{"township", "乡镇", []string{"乡镇（街道）", "所属乡镇", "township"}, false, "和静镇", "村名在县市内重名时填写，名称或9位代码；与县市结对时留空"},
	{"village", "村", []string{"村名", "结对村", "行政村", "村（社区）", "village"}, false, "示例村", "村名称或12位代码；与县市整体结对时留空"},
	{"action", "行动", []string{"帮扶行动", "五项行动", "所属行动"}, false, "产业发展", "产业发展、科技兴农、文化润疆、扶弱济困、乡村治理之一（也可填全称）；不确定可留空"},
	{"start_date", "开始日期", []string{"结对日期", "起始日期", "结对时间"}, true, "2025-03-01", "如 2025-03-01、2025/3/1 或 2025年3月1日"},
	{"end_date", "结束日期", []string{"截止日期", "终止日期"}, false, "2027-02-28", "长期结对留空；不能早于开始日期"},
	{"note", "备注", []string{"说明"}, false, "", "不超过500字"},
}

// maxPairingNote bounds a note: it is shown in lists, and a longer text is
// a pasted document rather than a note.
const maxPairingNote = 500

// PairingTemplate writes the pairing import template: the columns with
// one sample row, which an import skips, and a sheet explaining each column.
func PairingTemplate(w io.Writer) error {
	var cols []sheet.Column
	for _, c := range pairingColumns {
		cols = append(cols, sheet.Column{Header: c.header, Required: c.required, Example: c.example, Help: c.help})
	}
	return sheet.WriteTemplate(w, "结对帮扶", cols)
}

// Pairings imports the plan's existing pairings from t. By default nothing
// is stored when any row is bad; mode can ask for a dry run or for the good
// rows only. Rows already on the platform (same organization, place and
// start date) are accepted without being stored twice, so a corrected file
// can be imported again as a whole.
func Pairings(ctx context.Context, st *store.Store, a zhuxiang.Actor, t *sheet.Table, mode zhuxiang.ImportMode) (*zhuxiang.ImportResult, error) {
	return run(t, pairingColumns, isPairingSample, parsePairingRow, func(items []store.PairingImport, rejected []zhuxiang.RowError, rows int) (*zhuxiang.ImportResult, error) {
		return st.ImportPairings(ctx, a, items, rejected, rows, mode)
	})
}

// isPairingSample recognises the template's sample row, which people often
// leave in: it names an organization that does not exist, so importing it
// would only produce a confusing rejection.
func isPairingSample(l layout, r sheet.Row) bool {
	return l.get(r, "org") == pairingColumns[0].example && l.get(r, "start_date") == pairingColumns[5].example
}

// parsePairingRow checks what can be checked without the database: the
// required cells, the action, the dates and their order. Errors name the
// column in the message as well as in the field, because the message is
// what people read in the import report.
func parsePairingRow(l layout, r sheet.Row) (store.PairingImport, error) {
	it := store.PairingImport{Row: r.Num, Org: l.get(r, "org"), County: l.get(r, "county"), Township: l.get(r, "township"), Village: l.get(r, "village")}
	p := &zhuxiang.Pairing{Note: l.get(r, "note")}
	it.Pairing = p
	if it.Org == "" {
		return it, zhuxiang.Errorf(zhuxiang.EInvalid, "org", "“社会组织”不能为空，请填写统一社会信用代码或组织全称")
	}
	if it.County == "" {
		return it, zhuxiang.Errorf(zhuxiang.EInvalid, "county", "“县市”不能为空")
	}
	// A pairing is with a county or with a village; a township alone would
	// silently become a county-level pairing.
	if it.Township != "" && it.Village == "" {
		return it, zhuxiang.Errorf(zhuxiang.EInvalid, "village", "填写了“乡镇”但“村”为空：结对对象是县市或村，与县市结对时乡镇也请留空")
	}
	if v := l.get(r, "action"); v != "" {
		a, ok := zhuxiang.ParseAction(v)
		if !ok {
			return it, zhuxiang.Errorf(zhuxiang.EInvalid, "action", "“行动”的值“%s”无效，应为产业发展、科技兴农、文化润疆、扶弱济困或乡村治理", v)
		}
		p.Action = a
	}
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
	if utf8.RuneCountInString(p.Note) > maxPairingNote {
		return it, zhuxiang.Errorf(zhuxiang.EInvalid, "note", "“备注”不超过%d字", maxPairingNote)
	}
	return it, nil
}

// parseDateCell reads a date cell. The domain's message ("日期…格式不正确")
// does not say which of two date columns is wrong, so it is replaced by one
// that does.
func parseDateCell(v, field, header string) (string, error) {
	d, err := zhuxiang.ParseDate(field, v)
	if err != nil {
		return "", zhuxiang.Errorf(zhuxiang.EInvalid, field, "“%s”的值“%s”不是有效日期，应如2025-03-01", header, strings.TrimSpace(v))
	}
	return d, nil
}
