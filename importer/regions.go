package importer

import (
	"context"

	"zhuxiang"
	"zhuxiang/sheet"
	"zhuxiang/store"
)

var regionCodedColumns = []column{
	{"code", "区划代码", []string{"code", "代码"}, true, "652827", ""},
	{"name", "名称", []string{"name", "区划名称"}, true, "和静县", ""},
	{"level", "层级", []string{"level", "级别"}, true, "county", ""},
	{"parent", "上级代码", []string{"parent_code", "上级区划代码"}, false, "652800", ""},
	{"tags", "标签", []string{"tags", "村标签"}, false, "", ""},
}

var villageColumns = []column{
	{"county", "县市", []string{"县", "所属县市", "county"}, true, "焉耆县", "县市名称（全称或简称）或6位代码"},
	{"township", "乡镇", []string{"乡镇（街道）", "township"}, true, "七个星镇", "乡镇名称或9位代码"},
	{"village", "村", []string{"村名", "村名称", "行政村", "village"}, true, "示例村", "村（社区）名称"},
	{"code", "村代码", []string{"区划代码", "12位代码", "code"}, false, "", "12位统计用区划代码，没有可留空"},
	{"tags", "标签", []string{"村标签", "类别", "tags"}, false, "脱贫村、乡村振兴示范村", "脱贫村、乡村振兴重点村、乡村振兴示范村，可多选，用“、”分隔"},
}

// VillageTemplate writes the key-village import template.
func VillageTemplate(w interface{ Write([]byte) (int, error) }) error {
	var cols []sheet.Column
	for _, c := range villageColumns {
		cols = append(cols, sheet.Column{Header: c.header, Required: c.required, Example: c.example, Help: c.help})
	}
	return sheet.WriteTemplate(w, "村", cols)
}

// Regions imports regions from t in either layout: the statistical list
// (code, name, level, parent_code — as in the prefecture's regions file) or a
// village list (county, township, village, optional code, tags).
func Regions(ctx context.Context, st *store.Store, a zhuxiang.Actor, t *sheet.Table, mode zhuxiang.ImportMode) (*zhuxiang.ImportResult, error) {
	cols := villageColumns
	if t.Col("level", "层级", "级别") >= 0 {
		cols = regionCodedColumns
	}
	parse := func(l layout, r sheet.Row) (store.RegionRow, error) {
		return store.RegionRow{Row: r.Num, Code: l.get(r, "code"), Name: l.get(r, "name"), Level: l.get(r, "level"),
			Parent: l.get(r, "parent"), County: l.get(r, "county"), Township: l.get(r, "township"), Village: l.get(r, "village"), Tags: l.get(r, "tags")}, nil
	}
	return run(t, cols, nil, parse, func(items []store.RegionRow, _ []zhuxiang.RowError, _ int) (*zhuxiang.ImportResult, error) {
		return st.ImportRegions(ctx, a, items, mode)
	})
}
