package sheet

import (
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/width"

	"zhuxiang"
)

// Sheet is one worksheet to write.
type Sheet struct {
	// Name is the tab name; characters Excel forbids are replaced, it is
	// cut to 31 characters and made unique, so callers may pass any title.
	Name   string
	Header []string
	// Rows hold the cell values. Numbers stay numbers, except integers of
	// 16 digits or more, which are written as text because Excel keeps only
	// 15 significant digits. time.Time becomes a date cell (a date-time
	// cell when it has a clock part); nil pointers and zero times are
	// blank; other values are written as text.
	Rows [][]any
	// Widths are column widths in Excel's character units; a missing or
	// zero width is estimated from the header and the first rows.
	Widths []float64
}

// Column describes one column of an import template.
type Column struct {
	Header   string
	Required bool
	Example  string
	Help     string
}

const (
	helpSheetName = "填写说明"
	// widthSample is how many rows feed the width estimate: enough to see
	// typical values, few enough to stay free for 100 000-row exports.
	widthSample = 100
	// maxExact is the largest magnitude Excel stores without losing digits.
	maxExact = 999_999_999_999_999
)

// styles are created once per workbook: excelize deduplicates styles, but
// building them per cell would still cost a lookup for every cell.
type styles struct {
	header, required, date, dateTime, text, wrap int
}

func newStyles(f *excelize.File) (styles, error) {
	var s styles
	border := []excelize.Border{
		{Type: "left", Color: "BFBFBF", Style: 1},
		{Type: "right", Color: "BFBFBF", Style: 1},
		{Type: "top", Color: "BFBFBF", Style: 1},
		{Type: "bottom", Color: "BFBFBF", Style: 1},
	}
	// ISO order reads unambiguously in every locale; the zh-CN tag changes
	// nothing visible but lets excelize skip a scan of all its locales for
	// every date cell when the file is imported again.
	dateFmt, dateTimeFmt := "[$-804]yyyy-mm-dd", "[$-804]yyyy-mm-dd hh:mm:ss"
	specs := []struct {
		id    *int
		style *excelize.Style
	}{
		{&s.header, &excelize.Style{
			Font:      &excelize.Font{Bold: true},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Border:    border,
			Alignment: &excelize.Alignment{Vertical: "center"},
		}},
		// Required columns get a warmer fill so that the asterisk is not
		// the only hint, which matters for users who print the template.
		{&s.required, &excelize.Style{
			Font:      &excelize.Font{Bold: true, Color: "C00000"},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FCE4D6"}},
			Border:    border,
			Alignment: &excelize.Alignment{Vertical: "center"},
		}},
		{&s.date, &excelize.Style{CustomNumFmt: &dateFmt}},
		{&s.dateTime, &excelize.Style{CustomNumFmt: &dateTimeFmt}},
		// Number format 49 is "@" (text): without it Excel turns a typed
		// ID card or credit code into 1.23457E+17 and drops digits.
		{&s.text, &excelize.Style{NumFmt: 49}},
		{&s.wrap, &excelize.Style{NumFmt: 49, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}},
	}
	for _, sp := range specs {
		id, err := f.NewStyle(sp.style)
		if err != nil {
			return s, fmt.Errorf("sheet: style: %w", err)
		}
		*sp.id = id
	}
	return s, nil
}

// WriteXLSX writes sheets as one workbook. Rows go through excelize's
// StreamWriter, which spills to a temporary file, so a 100 000-row export
// does not hold the whole worksheet as objects. Each header row is bold on
// a fill and frozen so that it stays visible while scrolling.
func WriteXLSX(w io.Writer, sheets ...Sheet) error {
	if len(sheets) == 0 {
		sheets = []Sheet{{}} // Excel refuses a workbook without a sheet.
	}
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	names := sheetNames(sheets)
	for i, s := range sheets {
		if err := addSheet(f, i, names[i]); err != nil {
			return err
		}
		if err := writeSheet(f, names[i], s, st); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	if err := f.Write(w); err != nil {
		return fmt.Errorf("sheet: write workbook: %w", err)
	}
	return nil
}

// addSheet reuses the default first sheet of a new file so that the
// workbook has no stray empty "Sheet1".
func addSheet(f *excelize.File, i int, name string) error {
	var err error
	if i == 0 {
		err = f.SetSheetName(f.GetSheetName(0), name)
	} else {
		_, err = f.NewSheet(name)
	}
	if err != nil {
		return fmt.Errorf("sheet: add sheet %q: %w", name, err)
	}
	return nil
}

func writeSheet(f *excelize.File, name string, s Sheet, st styles) error {
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return fmt.Errorf("sheet: stream %q: %w", name, err)
	}
	ncol := max(len(s.Header), len(s.Widths))
	for c := range ncol {
		wd := 0.0
		if c < len(s.Widths) {
			wd = s.Widths[c]
		}
		if wd <= 0 {
			wd = estimateWidth(s, c)
		}
		if err := sw.SetColWidth(c+1, c+1, min(wd, excelize.MaxColumnWidth)); err != nil {
			return fmt.Errorf("sheet: column width: %w", err)
		}
	}
	row := 1
	if len(s.Header) > 0 {
		if err := freezeHeader(sw); err != nil {
			return err
		}
		hdr := make([]any, len(s.Header))
		for i, h := range s.Header {
			hdr[i] = excelize.Cell{StyleID: st.header, Value: h}
		}
		if err := sw.SetRow("A1", hdr); err != nil {
			return fmt.Errorf("sheet: header: %w", err)
		}
		row++
	}
	var buf []any
	for _, r := range s.Rows {
		if row > excelize.TotalRows {
			return zhuxiang.Errorf(zhuxiang.ETooLarge, "", "导出数据超过 Excel 单个工作表 %d 行的上限，请缩小导出范围", excelize.TotalRows)
		}
		buf = buf[:0]
		for _, v := range r {
			buf = append(buf, cellValue(v, st))
		}
		if err := sw.SetRow("A"+strconv.Itoa(row), buf); err != nil {
			return fmt.Errorf("sheet: row %d: %w", row, err)
		}
		row++
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("sheet: flush %q: %w", name, err)
	}
	return nil
}

func freezeHeader(sw *excelize.StreamWriter) error {
	err := sw.SetPanes(&excelize.Panes{
		Freeze:      true,
		YSplit:      1,
		TopLeftCell: "A2",
		ActivePane:  "bottomLeft",
		Selection:   []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	})
	if err != nil {
		return fmt.Errorf("sheet: freeze header: %w", err)
	}
	return nil
}

// cellValue maps a Go value to what the stream writer should store.
func cellValue(v any, st styles) any {
	switch x := v.(type) {
	case nil:
		return nil
	case string, float64, float32, bool, excelize.Cell:
		return v
	case int:
		return bigInt(int64(x), v)
	case int64:
		return bigInt(x, v)
	case uint:
		return bigUint(uint64(x), v)
	case uint64:
		return bigUint(x, v)
	case int8, int16, int32, uint8, uint16, uint32:
		return v
	case []byte:
		return string(x)
	case time.Time:
		if x.IsZero() {
			return nil
		}
		style := st.date
		if h, m, s := x.Clock(); h != 0 || m != 0 || s != 0 || x.Nanosecond() != 0 {
			style = st.dateTime
		}
		return excelize.Cell{StyleID: style, Value: x}
	}
	// Nullable database columns arrive as pointers; a nil one is an empty
	// cell, anything else is written as what it points to.
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil
		}
		return cellValue(rv.Elem().Interface(), st)
	}
	return fmt.Sprint(v)
}

// bigInt keeps integers Excel would round (IDs, codes stored as numbers)
// as exact text.
func bigInt(n int64, v any) any {
	if n > maxExact || n < -maxExact {
		return strconv.FormatInt(n, 10)
	}
	return v
}

func bigUint(n uint64, v any) any {
	if n > maxExact {
		return strconv.FormatUint(n, 10)
	}
	return v
}

// estimateWidth sizes a column from its header and the first rows, counting
// CJK characters double as Excel renders them.
func estimateWidth(s Sheet, c int) float64 {
	w := 0
	if c < len(s.Header) {
		w = displayWidth(s.Header[c])
	}
	for _, r := range s.Rows[:min(len(s.Rows), widthSample)] {
		if c < len(r) {
			switch v := r[c].(type) {
			case string:
				w = max(w, displayWidth(v))
			case time.Time:
				w = max(w, 19)
			case nil:
			default:
				w = max(w, displayWidth(fmt.Sprint(v)))
			}
		}
	}
	return float64(min(max(w+2, 8), 60))
}

func displayWidth(s string) int {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i] // a wrapped cell is as wide as its first line
	}
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// sheetNames turns arbitrary titles into names Excel accepts: no
// :\/?*[], no leading or trailing apostrophe, at most 31 UTF-16 units,
// not empty, and unique ignoring case.
func sheetNames(sheets []Sheet) []string {
	names := make([]string, len(sheets))
	used := map[string]bool{}
	for i, s := range sheets {
		base := strings.Map(func(r rune) rune {
			if strings.ContainsRune(`:\/?*[]`, r) || r < 0x20 {
				return '_'
			}
			return r
		}, strings.TrimSpace(s.Name))
		base = strings.Trim(base, "'")
		if base == "" {
			base = "Sheet" + strconv.Itoa(i+1)
		}
		name := truncUTF16(base, excelize.MaxSheetNameLength)
		for n := 2; used[strings.ToLower(name)]; n++ {
			suffix := "(" + strconv.Itoa(n) + ")"
			name = truncUTF16(base, excelize.MaxSheetNameLength-len(suffix)) + suffix
		}
		used[strings.ToLower(name)] = true
		names[i] = name
	}
	return names
}

func truncUTF16(s string, n int) string {
	units := 0
	for i, r := range s {
		units += len(utf16.Encode([]rune{r}))
		if units > n {
			return s[:i]
		}
	}
	return s
}

// WriteTemplate writes a blank import template: sheet 1 (sheetName) has the
// header row, required headers marked " *", and one sample row from the
// examples; sheet 2 "填写说明" explains each column (列名, 是否必填, 说明,
// 示例). Data columns are formatted as text so that what users type or
// paste (ID numbers, codes with leading zeros, phone numbers) survives.
func WriteTemplate(w io.Writer, sheetName string, cols []Column) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	names := sheetNames([]Sheet{{Name: sheetName}, {Name: helpSheetName}})
	if err := addSheet(f, 0, names[0]); err != nil {
		return err
	}
	if err := writeTemplateSheet(f, names[0], cols, st); err != nil {
		return err
	}
	if err := addSheet(f, 1, names[1]); err != nil {
		return err
	}
	if err := writeHelpSheet(f, names[1], cols, st); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	if err := f.Write(w); err != nil {
		return fmt.Errorf("sheet: write template: %w", err)
	}
	return nil
}

func writeTemplateSheet(f *excelize.File, name string, cols []Column, st styles) error {
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return fmt.Errorf("sheet: stream %q: %w", name, err)
	}
	hdr := make([]any, len(cols))
	sample := make([]any, len(cols))
	for i, c := range cols {
		h, style := c.Header, st.header
		if c.Required {
			h, style = h+" *", st.required
		}
		hdr[i] = excelize.Cell{StyleID: style, Value: h}
		sample[i] = excelize.Cell{StyleID: st.text, Value: c.Example}
		wd := float64(min(max(displayWidth(h), displayWidth(c.Example))+4, 60))
		if err := sw.SetColWidth(i+1, i+1, max(wd, 12)); err != nil {
			return fmt.Errorf("sheet: column width: %w", err)
		}
		if err := sw.SetColStyle(i+1, i+1, st.text); err != nil {
			return fmt.Errorf("sheet: column style: %w", err)
		}
	}
	if err := freezeHeader(sw); err != nil {
		return err
	}
	if err := sw.SetRow("A1", hdr); err != nil {
		return fmt.Errorf("sheet: header: %w", err)
	}
	if err := sw.SetRow("A2", sample); err != nil {
		return fmt.Errorf("sheet: sample row: %w", err)
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("sheet: flush %q: %w", name, err)
	}
	return nil
}

func writeHelpSheet(f *excelize.File, name string, cols []Column, st styles) error {
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return fmt.Errorf("sheet: stream %q: %w", name, err)
	}
	for i, wd := range []float64{24, 10, 60, 30} {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return fmt.Errorf("sheet: column width: %w", err)
		}
	}
	if err := freezeHeader(sw); err != nil {
		return err
	}
	hdr := []any{}
	for _, h := range []string{"列名", "是否必填", "说明", "示例"} {
		hdr = append(hdr, excelize.Cell{StyleID: st.header, Value: h})
	}
	if err := sw.SetRow("A1", hdr); err != nil {
		return fmt.Errorf("sheet: header: %w", err)
	}
	for i, c := range cols {
		req := "否"
		if c.Required {
			req = "是"
		}
		row := []any{
			excelize.Cell{StyleID: st.wrap, Value: c.Header},
			excelize.Cell{StyleID: st.wrap, Value: req},
			excelize.Cell{StyleID: st.wrap, Value: c.Help},
			excelize.Cell{StyleID: st.wrap, Value: c.Example},
		}
		if err := sw.SetRow("A"+strconv.Itoa(i+2), row); err != nil {
			return fmt.Errorf("sheet: help row: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("sheet: flush %q: %w", name, err)
	}
	return nil
}
