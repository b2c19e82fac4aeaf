package importer_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zhuxiang"
	"zhuxiang/demo"
	"zhuxiang/importer"
	"zhuxiang/secure"
	"zhuxiang/sheet"
	"zhuxiang/store"
)

// orgCSV renders n demo organizations in the import layout, as an
// administrator's file would hold them.
func orgCSV(n int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	var b bytes.Buffer
	b.WriteString(strings.Join([]string{"组织名称", "统一社会信用代码", "法人类型", "组织类别", "业务主管单位", "评估等级", "评估日期", "年检年度", "年检结论", "列入名录", "列入来源", "列入日期", "登记县市", "州外登记地", "联系人", "联系电话", "地址", "简介"}, ","))
	b.WriteString("\n")
	for i := 0; i < n; i++ {
		it := demo.Org(i, rng, zhuxiang.SeedCounties, 0)
		row := importer.OrgRow(it.Org, func(string) string { return it.County })
		row[4] = it.Department
		for j, v := range row {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(fmt.Sprint(v))
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// BenchmarkImportOrgs100k imports 100 000 organizations from CSV into a
// fresh SQLite file: parsing, validation, pinyin keys, the rows with their
// indexes, and the audit entries (one per batch of 500 created rows).
// Reports rows/s; rows/s-searchable also counts building the search
// index afterwards, which the server does at its next search.
func BenchmarkImportOrgs100k(b *testing.B) {
	const n = 100_000
	data := orgCSV(n)
	var indexing time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st, err := store.Open(ctx, filepath.Join(b.TempDir(), fmt.Sprintf("bench%d.db", i)), store.WithFieldKey(secure.NewFieldKey()))
		if err != nil {
			b.Fatal(err)
		}
		if err := st.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		tab, err := sheet.Read(bytes.NewReader(data), "orgs.csv", sheet.DefaultLimits())
		if err != nil {
			b.Fatal(err)
		}
		res, err := importer.Orgs(ctx, st, zhuxiang.SystemActor, tab, zhuxiang.ImportAll)
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Rejected) > 0 || res.Created != n {
			b.Fatalf("rejected %d, created %d: %+v", len(res.Rejected), res.Created, res.Rejected[:min(3, len(res.Rejected))])
		}
		b.StopTimer()
		start := time.Now()
		if err := st.WarmSearch(ctx); err != nil {
			b.Fatal(err)
		}
		indexing += time.Since(start)
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(n*b.N)/(b.Elapsed()+indexing).Seconds(), "rows/s-searchable")
}
