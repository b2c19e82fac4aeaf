package importer_test

import (
	"bytes"
	"context"
	"testing"

	"zhuxiang"
	"zhuxiang/importer"
	"zhuxiang/sheet"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

type importFunc func(context.Context, *store.Store, zhuxiang.Actor, *sheet.Table, zhuxiang.ImportMode) (*zhuxiang.ImportResult, error)

// fuzzImport feeds arbitrary files through an importer in dry-run mode: it
// must never panic or fail internally, never store anything, and account
// for every row exactly once (accepted, or rejected with a row number that
// exists in the file and a message).
func fuzzImport(f *testing.F, run importFunc) {
	st := storetest.Open(f, "sqlite")
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, err := sheet.Read(bytes.NewReader(data), "fuzz.csv", sheet.Limits{MaxBytes: 1 << 20, MaxRows: 2000})
		if err != nil {
			if zhuxiang.ErrorCodeOf(err) == zhuxiang.EInternal {
				t.Fatalf("internal error for a user's file: %v", err)
			}
			return
		}
		res, err := run(ctx, st, zhuxiang.SystemActor, tab, zhuxiang.ImportDryRun)
		if err != nil {
			if zhuxiang.ErrorCodeOf(err) == zhuxiang.EInternal {
				t.Fatalf("internal error: %v", err)
			}
			return
		}
		if res.Stored {
			t.Fatal("dry run stored")
		}
		rows := map[int]bool{}
		for _, r := range tab.Rows {
			rows[r.Num] = true
		}
		bad := map[int]bool{}
		for _, r := range res.Rejected {
			if !rows[r.Row] || r.Message == "" {
				t.Fatalf("rejection %+v names no row of the file or has no message", r)
			}
			bad[r.Row] = true
		}
		if res.Accepted+len(bad) != res.Rows || res.Rows > len(tab.Rows) {
			t.Fatalf("accepted %d + rejected rows %d != rows %d (file has %d)", res.Accepted, len(bad), res.Rows, len(tab.Rows))
		}
	})
}

// FuzzImportOrgs fuzzes the organization importer (see fuzzImport).
func FuzzImportOrgs(f *testing.F) {
	f.Add([]byte(csvText(goodRows(f, 2))))
	f.Add([]byte("组织名称,统一社会信用代码\n某协会,51652827MJ0000001X\n,\n"))
	f.Add([]byte("组织名称,统一社会信用代码,评估等级,评估日期,列入名录\n甲,1,9A,2024-13-01,失信\n"))
	f.Add([]byte("\ufeff组织名称,统一社会信用代码,登记县市\n乙,51652827MJ0000001X,焉耆县\n丙,51652827MJ0000001X,\n"))
	fuzzImport(f, importer.Orgs)
}

// FuzzImportRegions fuzzes the region importer in both layouts (see
// fuzzImport).
func FuzzImportRegions(f *testing.F) {
	f.Add([]byte("code,name,level,parent_code\n652827100,巴伦台镇,township,652827\n652827100001,某村,village,652827100\n"))
	f.Add([]byte("县市,乡镇,村,村代码,标签\n焉耆县,七个星镇,示例村,,脱贫村、示范村\n652827,652827100,二村,652827100201,重点村\n"))
	f.Add([]byte("县市,乡镇,村\n北京县,无,\n,,\n"))
	f.Add([]byte("code,name,level,parent_code\n65,x,county,652800\n652801999,y,乡镇,652801\n"))
	fuzzImport(f, importer.Regions)
}

// FuzzImportProjects fuzzes the project ledger importer through the store
// (see fuzzImport): the system imports, so rows must name their lead.
func FuzzImportProjects(f *testing.F) {
	f.Add([]byte("项目名称,牵头单位,县市,村,行动,开始日期,预算-自有资金（元）,受益人群\n红枣烘干房,51652827MJ0000001X,和静县,一村、和静镇/二村,产业发展,2026-03-01,5000,村民 120/30\n"))
	f.Add([]byte("编号,项目名称,县市,村,行动,开始日期\n7,x,652827,652827100201,culture,2026年3月1日\n0,,北京县,,扶贫,明年\n"))
	f.Add([]byte("项目名称,县市,村,行动,开始日期,结束日期,受益人群\n甲,若羌,村,科技兴农,2026/1/1,2025/1/1,老人 5；村民 1/2/3\n"))
	fuzzImport(f, importer.Projects)
}
