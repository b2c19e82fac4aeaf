package sheet

import (
	"bytes"
	"io"
	"strconv"
	"testing"
	"time"
)

const benchRows = 100_000

// benchSheet is 100 000 rows × 10 columns shaped like an organisation
// export: names, codes, numbers, a date and free text.
func benchSheet() Sheet {
	s := Sheet{Name: "社会组织", Header: []string{"名称", "统一社会信用代码", "类型", "登记机关", "负责人", "联系电话", "成员数", "注册资金", "成立日期", "备注"}}
	day := time.Date(2020, 1, 1, 0, 0, 0, 0, time.Local)
	for i := range benchRows {
		n := strconv.Itoa(i)
		s.Rows = append(s.Rows, []any{
			"福州市鼓楼区第" + n + "社区助老服务协会", "51350102MJ" + n + "X", "社会团体", "鼓楼区民政局", "张" + n,
			"1380000" + n, i % 500, float64(i) * 1.5, day.AddDate(0, 0, i%3000), "备注：" + n,
		})
	}
	return s
}

func benchCSV() []byte {
	s := benchSheet()
	var b bytes.Buffer
	for i, h := range s.Header {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(h)
	}
	b.WriteString("\r\n")
	for _, r := range s.Rows {
		for i, v := range r {
			if i > 0 {
				b.WriteByte(',')
			}
			switch x := v.(type) {
			case string:
				b.WriteString(x)
			case int:
				b.WriteString(strconv.Itoa(x))
			case float64:
				b.WriteString(strconv.FormatFloat(x, 'f', -1, 64))
			case time.Time:
				b.WriteString(x.Format("2006-01-02"))
			}
		}
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

func BenchmarkReadCSV100k(b *testing.B) {
	data := benchCSV()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		tab, err := Read(bytes.NewReader(data), "bench.csv", Limits{})
		if err != nil || len(tab.Rows) != benchRows {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchRows, "ns/row")
}

func BenchmarkWriteXLSX100k(b *testing.B) {
	s := benchSheet()
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteXLSX(io.Discard, s); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchRows, "ns/row")
}

// BenchmarkReadXLSX100k reads back what BenchmarkWriteXLSX100k writes, the
// usual path for a user who edits an export and re-imports it.
func BenchmarkReadXLSX100k(b *testing.B) {
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, benchSheet()); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		tab, err := Read(bytes.NewReader(data), "bench.xlsx", Limits{})
		if err != nil || len(tab.Rows) != benchRows {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchRows, "ns/row")
}
