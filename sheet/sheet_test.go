package sheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"zhuxiang"
)

func gbk(t testing.TB, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func utf16le(t testing.TB, s string) []byte {
	t.Helper()
	b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func rows(nums []int, cells ...[]string) []Row {
	out := make([]Row, len(nums))
	for i := range nums {
		out[i] = Row{Num: nums[i], Cells: cells[i]}
	}
	return out
}

func TestReadCSV(t *testing.T) {
	tests := []struct {
		name       string
		data       []byte
		wantEnc    string
		wantHeader []string
		wantRows   []Row
	}{
		{
			name:       "utf-8",
			data:       []byte("名称,代码\n社会组织甲,1\n社会组织乙,2\n"),
			wantEnc:    "utf-8",
			wantHeader: []string{"名称", "代码"},
			wantRows:   rows([]int{2, 3}, []string{"社会组织甲", "1"}, []string{"社会组织乙", "2"}),
		},
		{
			name:       "utf-8 with BOM",
			data:       []byte("\xEF\xBB\xBF名称,代码\r\n甲,1\r\n"),
			wantEnc:    "utf-8-bom",
			wantHeader: []string{"名称", "代码"},
			wantRows:   rows([]int{2}, []string{"甲", "1"}),
		},
		{
			name:       "gbk as written by Excel on Chinese Windows",
			data:       gbk(t, "名称,统一社会信用代码,负责人\r\n福州市鼓楼区助老协会,51350102MJ0000000X,张三\r\n"),
			wantEnc:    "gb18030",
			wantHeader: []string{"名称", "统一社会信用代码", "负责人"},
			wantRows:   rows([]int{2}, []string{"福州市鼓楼区助老协会", "51350102MJ0000000X", "张三"}),
		},
		{
			name:       "tab-separated",
			data:       []byte("名称\t代码\n甲\t1\n"),
			wantEnc:    "utf-8",
			wantHeader: []string{"名称", "代码"},
			wantRows:   rows([]int{2}, []string{"甲", "1"}),
		},
		{
			name:       "tab-separated with a quoted comma in the header",
			data:       []byte("\"名称,简称\"\t代码\n甲\t1\n"),
			wantEnc:    "utf-8",
			wantHeader: []string{"名称,简称", "代码"},
			wantRows:   rows([]int{2}, []string{"甲", "1"}),
		},
		{
			name:       "utf-16le unicode text",
			data:       utf16le(t, "名称\t代码\r\n甲\t1\r\n"),
			wantEnc:    "utf-16le",
			wantHeader: []string{"名称", "代码"},
			wantRows:   rows([]int{2}, []string{"甲", "1"}),
		},
		{
			name:       "quoted fields with commas, quotes and newlines",
			data:       []byte("名称,地址\n\"甲,乙\",\"第一行\n第二行\"\n\"说\"\"好\"\"的\",丁\n"),
			wantEnc:    "utf-8",
			wantHeader: []string{"名称", "地址"},
			wantRows:   rows([]int{2, 3}, []string{"甲,乙", "第一行\n第二行"}, []string{"说\"好\"的", "丁"}),
		},
		{
			name:       "blank rows are skipped but counted",
			data:       []byte("a,b\n\n1,2\n,\n \t \n3,4\n"),
			wantEnc:    "utf-8",
			wantHeader: []string{"a", "b"},
			wantRows:   rows([]int{3, 6}, []string{"1", "2"}, []string{"3", "4"}),
		},
		{
			name:       "numbering after a multi-line cell and a blank line",
			data:       []byte("a\n\"x\r\ny\"\n\nz\n"),
			wantEnc:    "utf-8",
			wantHeader: []string{"a"},
			wantRows:   rows([]int{2, 4}, []string{"x\ny"}, []string{"z"}),
		},
		{
			name:       "blank lines above the header",
			data:       []byte("\n,,\na,b\n1,2"),
			wantEnc:    "utf-8",
			wantHeader: []string{"a", "b"},
			wantRows:   rows([]int{4}, []string{"1", "2"}),
		},
		{
			name:       "padding, trailing empty header cells, extra cells dropped",
			data:       []byte("a,b,,\n1\n1,2,3,4\n,,x\n"),
			wantEnc:    "utf-8",
			wantHeader: []string{"a", "b"},
			wantRows:   rows([]int{2, 3}, []string{"1", ""}, []string{"1", "2"}),
		},
		{
			name:       "trimming of ASCII, full-width and zero-width space",
			data:       []byte(" a ,\u3000b\u200b\n 1 ,\u3000２\u3000\n"),
			wantEnc:    "utf-8",
			wantHeader: []string{"a", "b"},
			wantRows:   rows([]int{2}, []string{"1", "２"}),
		},
		{
			name:       "bare quotes are taken literally",
			data:       []byte("a,b\n5\"3,x\"y\n"),
			wantEnc:    "utf-8",
			wantHeader: []string{"a", "b"},
			wantRows:   rows([]int{2}, []string{"5\"3", "x\"y"}),
		},
		{
			name:       "header only",
			data:       []byte("a,b\n"),
			wantEnc:    "utf-8",
			wantHeader: []string{"a", "b"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab, err := Read(bytes.NewReader(tt.data), "名单.csv", Limits{})
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if tab.Format != "csv" || tab.Encoding != tt.wantEnc {
				t.Errorf("format %q encoding %q, want csv %q", tab.Format, tab.Encoding, tt.wantEnc)
			}
			if !reflect.DeepEqual(tab.Header, tt.wantHeader) {
				t.Errorf("header %q, want %q", tab.Header, tt.wantHeader)
			}
			if !reflect.DeepEqual(tab.Rows, tt.wantRows) {
				t.Errorf("rows %v, want %v", tab.Rows, tt.wantRows)
			}
		})
	}
}

func TestCol(t *testing.T) {
	tab := &Table{Header: []string{"名称 *", "统一社会信用代码（必填）", "ＩＤ", " 备 注 ", "*联系电话", "负责人(必填) *"}}
	tests := []struct {
		names []string
		want  int
	}{
		{[]string{"名称"}, 0},
		{[]string{"名称 *"}, 0},
		{[]string{"统一社会信用代码"}, 1},
		{[]string{"id"}, 2},
		{[]string{"备注"}, 3},
		{[]string{"电话", "联系电话"}, 4},
		{[]string{"负责人"}, 5},
		{[]string{"地址"}, -1},
		{[]string{""}, -1},
		{nil, -1},
	}
	for _, tt := range tests {
		if got := tab.Col(tt.names...); got != tt.want {
			t.Errorf("Col(%q) = %d, want %d", tt.names, got, tt.want)
		}
	}
}

func TestXLSXRoundTrip(t *testing.T) {
	day := time.Date(2024, 1, 15, 0, 0, 0, 0, time.Local)
	at := time.Date(2024, 3, 5, 14, 30, 0, 0, time.Local)
	var buf bytes.Buffer
	err := WriteXLSX(&buf,
		Sheet{
			Name:   "社会组织/名单",
			Header: []string{"名称", "数量", "金额", "成立日期", "更新时间", "代码", "证件号", "空"},
			Rows: [][]any{
				{"甲协会", 42, 3.5, day, at, "0012", int64(110101199003071234), nil},
				{},
				{"乙协会", int64(-7), float32(0.25), time.Time{}, (*time.Time)(nil), "=1+1", "x", ptr("p")},
			},
		},
		Sheet{Name: "第二页", Header: []string{"x"}, Rows: [][]any{{1}}},
	)
	if err != nil {
		t.Fatal(err)
	}

	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{"社会组织_名单", "第二页"}) {
		t.Errorf("sheets %q", got)
	}
	for _, cell := range []string{"B2", "C2", "D2", "B4"} {
		if ct, _ := f.GetCellType("社会组织_名单", cell); ct != excelize.CellTypeUnset && ct != excelize.CellTypeNumber {
			t.Errorf("%s has cell type %v, want a number", cell, ct)
		}
	}
	if panes, _ := f.GetPanes("社会组织_名单"); !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("header not frozen: %+v", panes)
	}

	tab, err := Read(bytes.NewReader(buf.Bytes()), "export.xlsx", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if tab.Format != "xlsx" || tab.Encoding != "" {
		t.Errorf("format %q encoding %q", tab.Format, tab.Encoding)
	}
	wantHeader := []string{"名称", "数量", "金额", "成立日期", "更新时间", "代码", "证件号", "空"}
	if !reflect.DeepEqual(tab.Header, wantHeader) {
		t.Errorf("header %q", tab.Header)
	}
	want := rows([]int{2, 4},
		[]string{"甲协会", "42", "3.5", "2024-01-15", "2024-03-05 14:30:00", "0012", "110101199003071234", ""},
		[]string{"乙协会", "-7", "0.25", "", "", "=1+1", "x", "p"},
	)
	if !reflect.DeepEqual(tab.Rows, want) {
		t.Errorf("rows\n got %v\nwant %v", tab.Rows, want)
	}
}

func ptr[T any](v T) *T { return &v }

// TestReadXLSXDisplayedValues uses a workbook written the way Excel does
// (numbers as numbers, dates as serials with a date format) to check that
// dates read as shown and long numbers keep their digits.
func TestReadXLSXDisplayedValues(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	const s = "Sheet1"
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetRow(s, "A1", &[]any{"证件号", "成立日期", "电话", "文本", "科学计数", "金额"}))
	must(f.SetCellValue(s, "A2", 123456789012345678))         // 18 digits stored as a number
	must(f.SetCellValue(s, "A3", 1.2345678901234567e17))      // kept to 15 digits, as Excel does
	must(f.SetCellDefault(s, "A4", "1.2345678901234568E+17")) // 17 digits in E notation
	must(f.SetCellFloat(s, "B2", 45306, -1, 64))              // 2024-01-15
	date, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	must(err)
	must(f.SetCellStyle(s, "B2", "B2", date))
	must(f.SetCellValue(s, "C2", 13812345678))
	must(f.SetCellValue(s, "D2", "1E5"))
	sci := "0.00E+00"
	sciStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &sci})
	must(err)
	must(f.SetCellValue(s, "E2", 12345))
	must(f.SetCellStyle(s, "E2", "E2", sciStyle))
	must(f.SetCellValue(s, "F2", 1234.5))
	must(f.SetCellValue(s, "A6", "最后"))
	var buf bytes.Buffer
	must(f.Write(&buf))

	tab, err := Read(&buf, "", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := rows([]int{2, 3, 4, 6},
		[]string{"123456789012345678", "2024/1/15", "13812345678", "1E5", "12345", "1234.5"},
		[]string{"123456789012345000", "", "", "", "", ""},
		[]string{"123456789012345680", "", "", "", "", ""},
		[]string{"最后", "", "", "", "", ""},
	)
	if !reflect.DeepEqual(tab.Rows, want) {
		t.Errorf("rows\n got %v\nwant %v", tab.Rows, want)
	}
}

func TestReadRefused(t *testing.T) {
	rnd := make([]byte, 4096)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range rnd {
		rnd[i] = byte(r.UintN(256))
	}
	var plainZip bytes.Buffer
	zw := zip.NewWriter(&plainZip)
	w, _ := zw.Create("说明.txt")
	io.WriteString(w, "名称,代码\n")
	zw.Close()
	var emptyZip bytes.Buffer
	zip.NewWriter(&emptyZip).Close()

	tests := []struct {
		name string
		data []byte
		want string // part of the message
	}{
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"), "不是 XLSX 或 CSV"},
		{"jpeg", []byte("\xFF\xD8\xFF\xE0\x00\x10JFIF"), "图片"},
		{"pdf", []byte("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"), "PDF"},
		{"random bytes", rnd, "不是 XLSX 或 CSV"},
		{"old xls", append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), make([]byte, 504)...), "另存为” .xlsx 或 CSV"},
		{"zip that is not an xlsx", plainZip.Bytes(), "ZIP"},
		{"empty zip", emptyZip.Bytes(), "不是 XLSX 或 CSV"},
		{"broken xlsx", []byte("PK\x03\x04garbage"), "损坏"},
		{"html saved as xls", []byte("<html><body><table><tr><td>名称</td></tr></table></body></html>"), "HTML"},
		{"invalid gbk", []byte("名称\n\xFF\xFE\xFD,\x81\x20"), "编码"},
		{"invalid utf-8 after BOM", []byte("\xEF\xBB\xBFa,b\n\xC3\x28,1\n"), "UTF-8"},
		{"empty file", nil, "没有表头"},
		{"blank lines only", []byte("\r\n , \n\t\n"), "没有表头"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(bytes.NewReader(tt.data), "上传.xlsx", Limits{})
			var ze *zhuxiang.Error
			if !errors.As(err, &ze) {
				t.Fatalf("err = %v, want *zhuxiang.Error", err)
			}
			if ze.Code != zhuxiang.EInvalid || ze.Field != "file" {
				t.Errorf("code %q field %q, want invalid/file", ze.Code, ze.Field)
			}
			if !strings.Contains(ze.Message, tt.want) {
				t.Errorf("message %q does not mention %q", ze.Message, tt.want)
			}
		})
	}
}

// deflateBomb returns a workbook whose first sheet inflates to about size
// bytes of pattern repeated inside its sheetData; see repeatDeflate for how
// it is built in milliseconds.
func deflateBomb(t testing.TB, size int64, pattern string) []byte {
	t.Helper()
	return pkg(t, part{name: "xl/worksheets/sheet1.xml", head: `<worksheet ` + nsMain + `><sheetData>`, repeat: pattern, size: size, tail: `</sheetData></worksheet>`})
}

func TestZipBomb(t *testing.T) {
	start := time.Now()
	bomb := deflateBomb(t, 700<<20, "<row/>")
	t.Logf("built a %d-byte zip declaring 700 MiB in %v", len(bomb), time.Since(start))

	// The bomb must be real, not just a lying header: its start inflates.
	zr, err := zip.NewReader(bytes.NewReader(bomb), int64(len(bomb)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.File[len(zr.File)-1].Open()
	if err != nil {
		t.Fatal(err)
	}
	head := make([]byte, 3<<20)
	if _, err := io.ReadFull(rc, head); err != nil || !bytes.Contains(head[:200], []byte("<sheetData><row/><row/>")) || bytes.Count(head, []byte("<row/>")) < len(head)/6-100 {
		t.Fatalf("bomb does not inflate: %v", err)
	}
	rc.Close()

	tests := []struct {
		name string
		data []byte
		lim  Limits
		want string
	}{
		{"700 MiB sheet", bomb, Limits{}, ""},
		// Raise the size caps so only the compression ratio can refuse it.
		// Go's deflate reaches about 685:1 on "<row/>" but 1026:1 on a
		// single repeated byte, the classic bomb.
		{"ratio alone", deflateBomb(t, 64<<20, "0"), Limits{MaxUncompressed: 4 << 30, MaxPart: 4 << 30}, "压缩比"},
		{"total alone", deflateBomb(t, 12<<20, "<row/>"), Limits{MaxUncompressed: 10 << 20}, "解压后过大"},
		{"part alone", deflateBomb(t, 12<<20, "<row/>"), Limits{MaxPart: 10 << 20}, "组成部分"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			_, err := Read(bytes.NewReader(tt.data), "bomb.xlsx", tt.lim)
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			if code := zhuxiang.ErrorCodeOf(err); code != zhuxiang.ETooLarge {
				t.Fatalf("err = %v, want too_large", err)
			}
			if !strings.Contains(zhuxiang.ErrorMessage(err), tt.want) {
				t.Errorf("message %q does not mention %q", zhuxiang.ErrorMessage(err), tt.want)
			}
			allocated := after.TotalAlloc - before.TotalAlloc
			t.Logf("refused in %v after allocating %d KiB: %v", elapsed, allocated>>10, err)
			if allocated > 100<<20 {
				t.Errorf("Read allocated %d MiB for a %d-byte bomb", allocated>>20, len(tt.data))
			}
			if elapsed > 2*time.Second {
				t.Errorf("Read took %v to refuse a bomb", elapsed)
			}
		})
	}
}

func TestTooLarge(t *testing.T) {
	var csvData bytes.Buffer
	csvData.WriteString("名称,代码\n")
	sh := Sheet{Header: []string{"名称", "代码"}}
	for i := range 5 {
		csvData.WriteString("组织" + strconv.Itoa(i) + "," + strconv.Itoa(i) + "\n\n")
		sh.Rows = append(sh.Rows, []any{"组织" + strconv.Itoa(i), i}, nil)
	}
	var xlsx bytes.Buffer
	if err := WriteXLSX(&xlsx, sh); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		lim  Limits
		want zhuxiang.ErrorCode
	}{
		{"csv rows over", csvData.Bytes(), Limits{MaxRows: 4}, zhuxiang.ETooLarge},
		{"csv rows at limit", csvData.Bytes(), Limits{MaxRows: 5}, ""},
		{"xlsx rows over", xlsx.Bytes(), Limits{MaxRows: 4}, zhuxiang.ETooLarge},
		{"xlsx rows at limit", xlsx.Bytes(), Limits{MaxRows: 5}, ""},
		{"bytes over", csvData.Bytes(), Limits{MaxBytes: int64(csvData.Len()) - 1}, zhuxiang.ETooLarge},
		{"bytes at limit", csvData.Bytes(), Limits{MaxBytes: int64(csvData.Len())}, ""},
		{"csv columns over Excel's", []byte(strings.Repeat(",", maxCols) + "a\n"), Limits{}, zhuxiang.EInvalid},
		{"csv data row columns over Excel's", []byte("a\n" + strings.Repeat("\"x\",", maxCols) + "\n"), Limits{}, zhuxiang.EInvalid},
		{"csv many quoted columns within Excel's", []byte("a\n\"" + strings.Repeat(",", 3*maxCols) + "\"\n"), Limits{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab, err := Read(bytes.NewReader(tt.data), "", tt.lim)
			if code := zhuxiang.ErrorCodeOf(err); code != tt.want {
				t.Fatalf("err = %v, want code %q", err, tt.want)
			}
			if err != nil {
				if f := zhuxiang.ErrorField(err); f != "file" {
					t.Errorf("field %q", f)
				}
				t.Log(err)
				return
			}
			if len(tab.Rows) == 0 || tab.Rows[len(tab.Rows)-1].Num < len(tab.Rows)+1 {
				t.Errorf("rows %v", tab.Rows)
			}
		})
	}
}

func TestWriteTemplate(t *testing.T) {
	cols := []Column{
		{Header: "名称", Required: true, Example: "福州市鼓楼区助老协会", Help: "与登记证书一致"},
		{Header: "统一社会信用代码", Required: true, Example: "51350102MJ0000000X", Help: "18 位"},
		{Header: "联系电话", Example: "059187654321", Help: "手机或座机"},
	}
	var buf bytes.Buffer
	if err := WriteTemplate(&buf, "社会组织", cols); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{"社会组织", "填写说明"}) {
		t.Fatalf("sheets %q", got)
	}
	got, err := f.GetRows("社会组织")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"名称 *", "统一社会信用代码 *", "联系电话"},
		{"福州市鼓楼区助老协会", "51350102MJ0000000X", "059187654321"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("sheet 1 = %q, want %q", got, want)
	}
	help, err := f.GetRows("填写说明")
	if err != nil {
		t.Fatal(err)
	}
	wantHelp := [][]string{
		{"列名", "是否必填", "说明", "示例"},
		{"名称", "是", "与登记证书一致", "福州市鼓楼区助老协会"},
		{"统一社会信用代码", "是", "18 位", "51350102MJ0000000X"},
		{"联系电话", "否", "手机或座机", "059187654321"},
	}
	if !reflect.DeepEqual(help, wantHelp) {
		t.Errorf("sheet 2 = %q, want %q", help, wantHelp)
	}

	// A filled-in template must read back with its plain column names.
	tab, err := Read(bytes.NewReader(buf.Bytes()), "模板.xlsx", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if tab.Col("统一社会信用代码") != 1 || tab.Col("联系电话") != 2 || len(tab.Rows) != 1 || tab.Rows[0].Cells[2] != "059187654321" {
		t.Errorf("template read back as %+v", tab)
	}
}

func TestSheetNames(t *testing.T) {
	got := sheetNames([]Sheet{{Name: "a"}, {Name: "A"}, {Name: ""}, {Name: "'x[1]'"}, {Name: strings.Repeat("长", 40)}, {Name: strings.Repeat("长", 40)}})
	want := []string{"a", "A(2)", "Sheet3", "x_1_", strings.Repeat("长", 31), strings.Repeat("长", 28) + "(2)"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("sheetNames = %q, want %q", got, want)
	}
}
