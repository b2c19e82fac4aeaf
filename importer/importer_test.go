package importer_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"zhuxiang"
	"zhuxiang/importer"
	"zhuxiang/sheet"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

var ctx = context.Background()

func code(t testing.TB, n int) string { return storetest.CreditCode('1', "652827", n) }

var header = []string{"组织名称", "统一社会信用代码", "法人类型", "组织类别", "业务主管单位", "评估等级", "评估日期", "年检年度", "年检结论", "登记县市", "州外登记地", "联系人", "联系电话"}

func goodRows(t testing.TB, n int) [][]string {
	var rows [][]string
	for i := 1; i <= n; i++ {
		rows = append(rows, []string{fmt.Sprintf("和静县第%d养殖协会", i), code(t, i), "社会团体", "农业农村类、科技类", "自治州科协", "4A", "2024/6/30", "2025", "合格", "和静县", "", "张三", "13800000000"})
	}
	return rows
}

func xlsx(t testing.TB, rows [][]string) []byte {
	var anyRows [][]any
	for _, r := range rows {
		var a []any
		for _, c := range r {
			a = append(a, c)
		}
		anyRows = append(anyRows, a)
	}
	var buf bytes.Buffer
	if err := sheet.WriteXLSX(&buf, sheet.Sheet{Name: "社会组织", Header: header, Rows: anyRows}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func csvText(rows [][]string) string {
	var b strings.Builder
	b.WriteString(strings.Join(header, ",") + "\r\n")
	for _, r := range rows {
		b.WriteString(strings.Join(r, ",") + "\r\n")
	}
	return b.String()
}

func importOrgs(t *testing.T, st *store.Store, data []byte, name string, mode zhuxiang.ImportMode) (*zhuxiang.ImportResult, error) {
	t.Helper()
	tab, err := sheet.Read(bytes.NewReader(data), name, sheet.DefaultLimits())
	if err != nil {
		return nil, err
	}
	return importer.Orgs(ctx, st, zhuxiang.SystemActor, tab, mode)
}

func count(t *testing.T, st *store.Store) int {
	t.Helper()
	p, err := st.ListOrgs(ctx, zhuxiang.SystemActor, store.OrgFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return p.Total
}

func TestImportOrgs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		gbk, err := simplifiedchinese.GB18030.NewEncoder().String(csvText(goodRows(t, 5)))
		if err != nil {
			t.Fatal(err)
		}
		bad := goodRows(t, 6)
		bad[1][1] = bad[1][1][:17] + "0"          // row 3: wrong check character
		bad[3][9] = "北京县"                         // row 5: unknown county
		bad[4][5], bad[4][6] = "6A", "2024-01-01" // row 6: rating out of range
		cases := []struct {
			name        string
			data        []byte
			file        string
			wantStored  int
			wantRejects []int
			wantField   []string
		}{
			{"good xlsx", xlsx(t, goodRows(t, 4)), "orgs.xlsx", 4, nil, nil},
			{"gbk csv", []byte(gbk), "orgs.csv", 5, nil, nil},
			{"utf8 bom csv", append([]byte("\ufeff"), csvText(goodRows(t, 3))...), "orgs.csv", 3, nil, nil},
			{"three bad rows", xlsx(t, bad), "bad.xlsx", 0, []int{3, 5, 6}, []string{"统一社会信用代码", "登记县市", "评估等级"}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				st := storetest.Open(t, st.Dialect().String())
				res, err := importOrgs(t, st, c.data, c.file, zhuxiang.ImportAll)
				if err != nil {
					t.Fatal(err)
				}
				var rows []int
				var fields []string
				for _, r := range res.Rejected {
					rows = append(rows, r.Row)
					fields = append(fields, r.Field)
					if r.Message == "" {
						t.Errorf("row %d rejected without a message", r.Row)
					}
				}
				if fmt.Sprint(rows) != fmt.Sprint(c.wantRejects) && !(len(rows) == 0 && len(c.wantRejects) == 0) {
					t.Errorf("rejected rows %v, want %v (%+v)", rows, c.wantRejects, res.Rejected)
				}
				if c.wantField != nil && fmt.Sprint(fields) != fmt.Sprint(c.wantField) {
					t.Errorf("rejected fields %v, want %v", fields, c.wantField)
				}
				if got := count(t, st); got != c.wantStored {
					t.Errorf("stored %d, want %d", got, c.wantStored)
				}
			})
		}
	})
}

func TestImportSameFileTwice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		data := xlsx(t, goodRows(t, 10))
		for i := 0; i < 2; i++ {
			res, err := importOrgs(t, st, data, "orgs.xlsx", zhuxiang.ImportAll)
			if err != nil || len(res.Rejected) > 0 {
				t.Fatalf("import %d: %v %+v", i, err, res)
			}
		}
		if n := count(t, st); n != 10 {
			t.Errorf("after importing twice: %d orgs, want 10", n)
		}
		// A changed row updates the organization by credit code.
		rows := goodRows(t, 10)
		rows[0][11] = "李四"
		res, err := importOrgs(t, st, xlsx(t, rows), "orgs.xlsx", zhuxiang.ImportAll)
		if err != nil || res.Updated != 1 || res.Created != 0 {
			t.Fatalf("re-import with one change: %v %+v", err, res)
		}
		p, _ := st.ListOrgs(ctx, zhuxiang.SystemActor, store.OrgFilter{Q: rows[0][1]})
		if len(p.Orgs) != 1 || p.Orgs[0].Contact != "李四" {
			t.Errorf("updated org: %+v", p.Orgs)
		}
		if n := count(t, st); n != 10 {
			t.Errorf("after update: %d orgs", n)
		}
	})
}

func TestImportDryRun(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	res, err := importOrgs(t, st, xlsx(t, goodRows(t, 3)), "orgs.xlsx", zhuxiang.ImportDryRun)
	if err != nil || res.Accepted != 3 || res.Stored {
		t.Fatalf("dry run: %v %+v", err, res)
	}
	if n := count(t, st); n != 0 {
		t.Errorf("dry run stored %d", n)
	}
}

func TestImportNotASpreadsheet(t *testing.T) {
	for name, data := range map[string][]byte{
		"photo.xlsx": {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13},
		"old.xls":    {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0},
		"report.pdf": []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00\x00"),
	} {
		_, err := sheet.Read(bytes.NewReader(data), name, sheet.DefaultLimits())
		if zhuxiang.ErrorCodeOf(err) != zhuxiang.EInvalid || !strings.Contains(zhuxiang.ErrorMessage(err), "") {
			t.Errorf("%s: %v, want an invalid-file error", name, err)
		}
	}
}

func TestImportMissingColumn(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	tab, err := sheet.Read(strings.NewReader("名称,电话\n某协会,123\n"), "x.csv", sheet.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	_, err = importer.Orgs(ctx, st, zhuxiang.SystemActor, tab, zhuxiang.ImportAll)
	if zhuxiang.ErrorCodeOf(err) != zhuxiang.EInvalid || !strings.Contains(zhuxiang.ErrorMessage(err), "统一社会信用代码") {
		t.Errorf("missing credit code column: %v", err)
	}
}

func TestImportRegionsBuiltIn(t *testing.T) {
	data, err := io.ReadAll(zhuxiang.PrefectureRegions())
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		tab, err := sheet.Read(bytes.NewReader(data), zhuxiang.PrefectureRegionsFile, sheet.DefaultLimits())
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ {
			res, err := importer.Regions(ctx, st, zhuxiang.SystemActor, tab, zhuxiang.ImportAll)
			if err != nil || len(res.Rejected) > 0 {
				t.Fatalf("import %d: %v %+v", i, err, res)
			}
			if res.Rows != len(tab.Rows) {
				t.Errorf("rows %d, want %d", res.Rows, len(tab.Rows))
			}
		}
		towns, _ := st.ListRegions(ctx, zhuxiang.SystemActor, store.RegionFilter{Level: zhuxiang.LevelTownship})
		want := strings.Count(string(data), ",township,")
		if len(towns) != want || want < 100 {
			t.Errorf("townships %d, want %d", len(towns), want)
		}
		// A village list naming the county by its short name, by code and
		// the township by name; plus the three kinds of bad row.
		town := towns[0]
		var townInYanqi *zhuxiang.Region
		for _, tw := range towns {
			if tw.CountyCode == "652826" {
				townInYanqi = tw
				break
			}
		}
		csv := "县市,乡镇,村,村代码,标签\n" +
			"焉耆县," + townInYanqi.Name + ",示例一村,,脱贫村、乡村振兴示范村\n" +
			town.CountyCode + "," + town.Code + ",示例二村," + town.Code + "201,乡村振兴重点村\n" +
			"焉耆县,不存在乡,示例三村,,\n" +
			"焉耆县," + townInYanqi.Name + ",示例四村,,贫困村\n" +
			town.CountyCode + "," + town.Code + ",示例五村," + town.Code + "201,\n"
		vt, err := sheet.Read(strings.NewReader(csv), "v.csv", sheet.DefaultLimits())
		if err != nil {
			t.Fatal(err)
		}
		res, err := importer.Regions(ctx, st, zhuxiang.SystemActor, vt, zhuxiang.ImportAll)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range res.Rejected {
			got = append(got, fmt.Sprintf("%d:%s", r.Row, r.Field))
		}
		if strings.Join(got, " ") != "4:乡镇 5:标签 6:村代码" {
			t.Errorf("rejected %v, want unknown township (4), unknown tag (5), duplicate code (6): %+v", got, res.Rejected)
		}
		if vs, _ := st.ListRegions(ctx, zhuxiang.SystemActor, store.RegionFilter{Level: zhuxiang.LevelVillage}); len(vs) != 0 {
			t.Errorf("a file with bad rows stored %d villages", len(vs))
		}
		// Without the bad rows it goes in, tags and all.
		lines := strings.Split(csv, "\n")
		vt, _ = sheet.Read(strings.NewReader(strings.Join(lines[:3], "\n")), "v.csv", sheet.DefaultLimits())
		if res, err := importer.Regions(ctx, st, zhuxiang.SystemActor, vt, zhuxiang.ImportAll); err != nil || len(res.Rejected) > 0 {
			t.Fatalf("%v %+v", err, res)
		}
		vs, _ := st.ListRegions(ctx, zhuxiang.SystemActor, store.RegionFilter{Tag: zhuxiang.TagModel})
		if len(vs) != 1 || vs[0].Name != "示例一村" || vs[0].CountyCode != "652826" || !vs[0].HasTag(zhuxiang.TagLifted) {
			t.Errorf("model villages: %+v", vs)
		}
	})
}

// TestImportTemplateAsIs imports the downloadable template unchanged: the
// sample row is recognised and skipped with a note, not stored and not an
// error; with one real row added, that row goes in.
func TestImportTemplateAsIs(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	var buf bytes.Buffer
	if err := importer.OrgTemplate(&buf); err != nil {
		t.Fatal(err)
	}
	res, err := importOrgs(t, st, buf.Bytes(), "template.xlsx", zhuxiang.ImportAll)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rejected) != 0 || res.Created != 0 || len(res.Warnings) != 1 || res.Warnings[0].Row != 2 {
		t.Errorf("template as is: %+v", res)
	}
	tab, err := sheet.Read(bytes.NewReader(buf.Bytes()), "template.xlsx", sheet.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	for i, h := range tab.Header {
		if strings.TrimSuffix(h, " *") == "登记县市" {
			tab.Rows[0].Cells[i] = "和静县"
		}
	}
	row := append([]string(nil), tab.Rows[0].Cells...)
	row[0], row[1] = "和静县新建协会", code(t, 77)
	tab.Rows = append(tab.Rows, sheet.Row{Num: 3, Cells: row})
	res, err = importer.Orgs(ctx, st, zhuxiang.SystemActor, tab, zhuxiang.ImportAll)
	if err != nil || res.Created != 1 || len(res.Rejected) != 0 {
		t.Errorf("template plus one row: %v %+v", err, res)
	}
}

// TestImportPartial stores the good rows of a file with bad ones when the
// user asks for it, and reports exactly the bad rows.
func TestImportPartial(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		rows := goodRows(t, 5)
		rows[1][1] = "123" // row 3
		rows[3][9] = "北京县" // row 5
		res, err := importOrgs(t, st, xlsx(t, rows), "orgs.xlsx", zhuxiang.ImportPartial)
		if err != nil {
			t.Fatal(err)
		}
		var bad []int
		for _, r := range res.Rejected {
			bad = append(bad, r.Row)
		}
		if fmt.Sprint(bad) != "[3 5]" || res.Created != 3 || !res.Stored {
			t.Errorf("partial import: rejected %v, %+v", bad, res)
		}
		if n := count(t, st); n != 3 {
			t.Errorf("stored %d, want 3", n)
		}
	})
}
