package sheet

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"zhuxiang"
)

const (
	// sniffLen is how much of a file is inspected to decide whether it is
	// text; enough to cover a header and a few rows.
	sniffLen = 8 << 10
	// maxCols is Excel's own column limit: a wider "table" cannot have been
	// produced or checked by a person, and the bound keeps a one-line CSV
	// of commas from allocating millions of empty cells.
	maxCols = excelize.MaxColumns
	// maxCells bounds rows × header width, because short rows are padded
	// and a wide header over many short rows would otherwise amplify a
	// small file into gigabytes of empty strings.
	maxCells = 10_000_000
	// maxTableBytes bounds the memory a Table holds (a string header per
	// cell and the text of each), because a read must stay within 256 MB
	// of the server's baseline and the garbage collector lets the heap
	// grow to about twice what is live; the bound still holds a 200 000-row
	// import of typical columns.
	maxTableBytes = 96 * mib
	// maxZipEntries is far above any real workbook (a few dozen parts, a
	// few hundred with pictures) and stops a central directory of millions
	// of empty entries from being expanded by excelize.
	maxZipEntries = 10_000
	// bombRatio and bombMinSize describe an entry that is compressed better
	// than any real spreadsheet part: XML compresses about 10:1, deflate
	// cannot exceed about 1032:1, so > 1000:1 on a large part is a bomb.
	bombRatio   = 1000
	bombMinSize = 10 * mib
	// shortDate is how Excel on Chinese Windows shows the built-in date
	// format 14, so dates read back look as the user saw them. The zh-CN
	// locale tag does not change the text; without a tag excelize scans
	// all its locales for every date cell, which makes dates much slower.
	shortDate = "[$-804]yyyy/m/d"
)

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")
	utf8BOM  = []byte("\xEF\xBB\xBF")
)

// binaryKinds name common files that users upload by mistake, so that the
// refusal can say what the file actually is.
var binaryKinds = []struct {
	magic, kind string
}{
	{"%PDF-", "PDF 文件"},
	{"\x89PNG\r\n\x1a\n", "图片"},
	{"\xFF\xD8\xFF", "图片"},
	{"GIF87a", "图片"},
	{"GIF89a", "图片"},
	{"PK\x05\x06", "压缩包"},
	{"PK\x07\x08", "压缩包"},
	{"Rar!\x1a\x07", "压缩包"},
	{"7z\xBC\xAF\x27\x1C", "压缩包"},
	{"\x1F\x8B", "压缩包"},
	{"{\\rtf", "RTF 文档"},
}

// Read reads the first sheet of an uploaded XLSX or CSV file. The format is
// decided by the content, never by name, which is only used to make error
// messages recognisable. Errors a user can act on are *zhuxiang.Error with
// Field "file" (EInvalid for a file that is not a readable spreadsheet,
// ETooLarge for one over lim); any other error is an I/O failure of r.
func Read(r io.Reader, name string, lim Limits) (*Table, error) {
	lim = lim.withDefaults()
	// Reading one byte more than allowed is how an oversized upload is told
	// apart from one of exactly MaxBytes without trusting a declared length.
	data, err := io.ReadAll(io.LimitReader(r, lim.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("sheet: read upload: %w", err)
	}
	if int64(len(data)) > lim.MaxBytes {
		return nil, tooLarge("文件超过 %s，请拆分后分批导入", sizeText(lim.MaxBytes))
	}
	subject := subjectOf(name)
	switch {
	case bytes.HasPrefix(data, zipMagic):
		return readXLSX(data, subject, lim)
	case bytes.HasPrefix(data, oleMagic):
		return nil, invalid("%s不是 XLSX 或 CSV 表格：它是旧版 Excel（.xls）文件或加密的工作簿，请在 Excel 中“另存为” .xlsx 或 CSV（如设有打开密码请先取消）后再上传", subject)
	}
	for _, b := range binaryKinds {
		if bytes.HasPrefix(data, []byte(b.magic)) {
			return nil, notSpreadsheet(subject, "它是"+b.kind)
		}
	}
	return readText(data, subject, lim)
}

// subjectOf names the file in messages; browsers on Windows may send a
// full client path, of which only the last element means anything here.
func subjectOf(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return "文件"
	}
	return "文件“" + name + "”"
}

func invalid(format string, args ...any) error {
	return zhuxiang.Errorf(zhuxiang.EInvalid, "file", format, args...)
}

func tooLarge(format string, args ...any) error {
	return zhuxiang.Errorf(zhuxiang.ETooLarge, "file", format, args...)
}

func notSpreadsheet(subject, why string) error {
	return invalid("%s不是 XLSX 或 CSV 表格（%s），请上传 Excel 工作簿（.xlsx）或 CSV 文件", subject, why)
}

// sizeText renders a byte bound the way people talk about file sizes.
func sizeText(n int64) string {
	switch {
	case n >= mib && n%mib == 0:
		return fmt.Sprintf("%d MB", n/mib)
	case n >= mib:
		return fmt.Sprintf("%.1f MB", float64(n)/mib)
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	default:
		return fmt.Sprintf("%d 字节", n)
	}
}

// builder collects rows from either format so that header detection,
// trimming, padding and the row limits behave identically for both.
type builder struct {
	t       *Table
	lim     Limits
	scratch []string
	slab    []string
	size    int // memory the rows hold, as maxTableBytes counts it
}

// add takes the cells of Excel row num; it reports whether a data row was
// appended (false for blank rows and for the header).
func (b *builder) add(num int, raw []string) (bool, error) {
	if b.t.Header == nil {
		h := make([]string, len(raw))
		last := -1
		for i, c := range raw {
			if h[i] = clean(c); h[i] != "" {
				last = i
			}
		}
		if last < 0 {
			// Blank rows above the header are tolerated: they are
			// invisible in Excel and users do not understand why a file
			// that "starts with the header" would be refused.
			return false, nil
		}
		if last >= maxCols {
			return false, invalid("第%d行（表头）超过 %d 列，不是有效的表格", num, maxCols)
		}
		b.t.Header = h[: last+1 : last+1]
		b.scratch = make([]string, last+1)
		return false, nil
	}
	w := len(b.t.Header)
	blank := true
	for i := range b.scratch {
		b.scratch[i] = ""
		if i < len(raw) {
			if b.scratch[i] = clean(raw[i]); b.scratch[i] != "" {
				blank = false
			}
		}
	}
	if blank {
		return false, nil
	}
	if len(b.t.Rows) >= b.lim.MaxRows {
		return false, tooLarge("数据行超过 %d 行，请拆分文件后分批导入", b.lim.MaxRows)
	}
	if (len(b.t.Rows)+1)*w > maxCells {
		return false, tooLarge("表格数据量过大（行数×列数超过 %d 个单元格），请拆分文件后分批导入", maxCells)
	}
	cost := 16 * w // a string header per cell, blank or not
	for _, c := range b.scratch {
		cost += len(c)
	}
	if b.size += cost; b.size > maxTableBytes {
		return false, tooLarge("表格数据量过大（超过 %s），请拆分文件后分批导入", sizeText(maxTableBytes))
	}
	// Cells come from a shared slab so that 200 000 rows cost a few
	// hundred allocations instead of 200 000; the three-index slice keeps
	// a caller's append from overwriting the next row.
	if len(b.slab) < w {
		b.slab = make([]string, max(w, 64<<10))
	}
	cells := b.slab[:w:w]
	b.slab = b.slab[w:]
	copy(cells, b.scratch)
	b.t.Rows = append(b.t.Rows, Row{Num: num, Cells: cells})
	return true, nil
}

// finish turns "nothing but blank rows" into the error users understand.
func (b *builder) finish() (*Table, error) {
	if b.t.Header == nil {
		return nil, invalid("文件没有表头行：第一个非空行应当是列名")
	}
	return b.t, nil
}

// readXLSX checks the archive before excelize sees it. The declared sizes
// of all entries are checked first because that costs nothing; then
// vetXLSX inflates and parses the parts excelize will read, counting real
// bytes and elements, and hands excelize only those parts.
func readXLSX(data []byte, subject string, lim Limits) (t *Table, err error) {
	// excelize is a large parser fed with untrusted input; a panic in it
	// must become a refusal of this file, not a failed request.
	defer func() {
		if r := recover(); r != nil {
			t, err = nil, corrupt(subject)
		}
	}()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, invalid("%s已损坏，无法作为 XLSX 打开，请用 Excel 打开后重新“另存为” .xlsx", subject)
	}
	if len(zr.File) > maxZipEntries {
		return nil, notSpreadsheet(subject, "压缩包中的文件过多")
	}
	workbook := false
	for _, f := range zr.File {
		if strings.EqualFold(strings.ReplaceAll(f.Name, `\`, "/"), "xl/workbook.xml") {
			workbook = true
			break
		}
	}
	if !workbook {
		return nil, notSpreadsheet(subject, "它是普通的 ZIP 压缩包，不是 Excel 工作簿")
	}
	// Sizes are bounded by the vetting, part by part as it inflates them,
	// and only for the parts that are read: a large picture or a second
	// sheet is never inflated, so it refuses nothing.
	tmp, vet, err := vetXLSX(zr, subject, lim)
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp) // also when excelize panics while opening it
	// excelize reads every kept part while opening, from the file rather
	// than from a second copy of the upload in memory.
	f, err := excelize.OpenFile(tmp, excelize.Options{
		UnzipSizeLimit: lim.MaxUncompressed,
		// Parts above UnzipXMLSizeLimit are not refused but spilled to
		// temporary files (worksheets and shared strings); the vetting has
		// bounded them, so the spill size is what bounds memory.
		UnzipXMLSizeLimit: min(lim.MaxPart, xmlSpillSize),
		ShortDatePattern:  shortDate,
		CultureInfo:       excelize.CultureNameZhCN,
	})
	os.Remove(tmp)
	if err != nil {
		if f != nil {
			_ = f.Close()
		}
		return nil, corrupt(subject)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, invalid("%s中没有工作表", subject)
	}
	b := &builder{t: &Table{Format: "xlsx"}, lim: lim}
	fixes, last, err := readRows(f, sheets[0], b, subject)
	if err != nil {
		return nil, err
	}
	if last != vet.lastRow {
		// The vetting read the whole sheet; excelize stopping elsewhere
		// means rows would be lost, which must never look like success.
		return nil, invalid("%s第%d行之后的内容无法读取，文件可能已损坏，请用 Excel 打开后重新“另存为” .xlsx", subject, last)
	}
	if len(fixes) > 0 {
		if err := fixScientific(f, sheets[0], b.t, fixes, subject); err != nil {
			return nil, err
		}
	}
	return b.finish()
}

func corrupt(subject string) error {
	return invalid("%s无法读取，可能已损坏或不是 Excel 保存的 .xlsx，请用 Excel 打开后重新“另存为” .xlsx 或 CSV", subject)
}

// cellRef locates a cell in Table.Rows for the raw-value second pass.
type cellRef struct{ row, col int }

// readRows streams the sheet. Row numbers come from counting Next calls:
// excelize's iterator yields every row number in turn, including the gaps
// of rows absent from the XML, which is exactly Excel's numbering.
func readRows(f *excelize.File, sheet string, b *builder, subject string) ([]cellRef, int, error) {
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, 0, corrupt(subject)
	}
	defer rows.Close()
	var fixes []cellRef
	num := 0
	for rows.Next() {
		num++
		cols, err := rows.Columns()
		if err != nil {
			return nil, 0, invalid("%s第%d行无法读取，文件可能已损坏，请用 Excel 打开后重新“另存为” .xlsx", subject, num)
		}
		added, err := b.add(num, cols)
		if err != nil {
			return nil, 0, err
		}
		if added {
			i := len(b.t.Rows) - 1
			for j, c := range b.t.Rows[i].Cells {
				if looksScientific(c) {
					fixes = append(fixes, cellRef{i, j})
				}
			}
		}
	}
	if rows.Error() != nil {
		return nil, 0, corrupt(subject)
	}
	return fixes, num, nil
}

// fixScientific re-reads only the rows that showed a number in scientific
// notation and replaces it by the stored digits. Excel shows an 18-digit
// credit code or ID number typed as a number as 1.23457E+17, which would
// destroy it on import; the stored value still has the digits. A second
// streaming pass is used because the first one cannot see both the
// formatted and the raw value, and most files never need it.
func fixScientific(f *excelize.File, sheet string, t *Table, fixes []cellRef, subject string) error {
	rows, err := f.Rows(sheet)
	if err != nil {
		return corrupt(subject)
	}
	defer rows.Close()
	num, k := 0, 0
	for k < len(fixes) && rows.Next() {
		num++
		if num < t.Rows[fixes[k].row].Num {
			continue // Next alone skips the row's cells cheaply.
		}
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return invalid("%s第%d行无法读取，文件可能已损坏，请用 Excel 打开后重新“另存为” .xlsx", subject, num)
		}
		for ; k < len(fixes) && t.Rows[fixes[k].row].Num == num; k++ {
			fx := fixes[k]
			if fx.col >= len(cols) {
				continue
			}
			cells := t.Rows[fx.row].Cells
			raw := clean(cols[fx.col])
			// Equal raw and shown values mean the cell is text that merely
			// looks like a number ("1E5" typed as text): keep it as typed.
			if raw == "" || raw == cells[fx.col] {
				continue
			}
			if strings.ContainsAny(raw, "eE") {
				if v, err := strconv.ParseFloat(raw, 64); err == nil {
					raw = strconv.FormatFloat(v, 'f', -1, 64)
				}
			}
			cells[fx.col] = raw
		}
	}
	return nil
}

// looksScientific reports whether s is a number in E notation such as
// "1.23457E+17" or "-4e-05".
func looksScientific(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if digits() == 0 {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		digits()
	}
	if i >= len(s) || (s[i] != 'e' && s[i] != 'E') {
		return false
	}
	i++
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	return digits() > 0 && i == len(s)
}

// readText decodes a text file and parses it as CSV. The decision order
// follows what Excel on Chinese Windows produces: "CSV UTF-8" (with BOM),
// plain "CSV" (GBK, a subset of GB18030) and "Unicode text" (UTF-16LE with
// BOM, tab-separated). Valid UTF-8 is tried before GB18030 because a GBK
// file is almost never valid UTF-8 while the reverse is common.
func readText(data []byte, subject string, lim Limits) (*Table, error) {
	var (
		text []byte
		enc  string
		err  error
	)
	switch {
	case bytes.HasPrefix(data, utf8BOM):
		text, enc = data[len(utf8BOM):], "utf-8-bom"
		if !utf8.Valid(text) {
			return nil, invalid("%s标明为 UTF-8 编码，但其中含有无效字符，请用 Excel 重新“另存为” CSV UTF-8 或 .xlsx", subject)
		}
	case bytes.HasPrefix(data, []byte("\xFF\xFE")):
		enc = "utf-16le"
		text, err = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(data)
	case bytes.HasPrefix(data, []byte("\xFE\xFF")):
		enc = "utf-16be"
		text, err = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder().Bytes(data)
	default:
		if bytes.IndexByte(data[:min(len(data), sniffLen)], 0) >= 0 {
			return nil, notSpreadsheet(subject, "内容不是文本")
		}
		if utf8.Valid(data) {
			text, enc = data, "utf-8"
			break
		}
		enc = "gb18030"
		text, err = simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		// The decoder substitutes U+FFFD for byte sequences GB18030 does
		// not define; binary data hits that within a few bytes.
		if err == nil && bytes.Contains(text, []byte("\uFFFD")) {
			return nil, notSpreadsheet(subject, "内容既不是 UTF-8 也不是 GBK 编码的文本")
		}
	}
	if err != nil {
		return nil, notSpreadsheet(subject, "无法识别文本编码")
	}
	if why := notText(text[:min(len(text), sniffLen)]); why != "" {
		return nil, notSpreadsheet(subject, why)
	}
	return parseCSV(text, enc, subject, lim)
}

// notText says why a decoded sample is not a table, or "" if it may be one.
func notText(sample []byte) string {
	ctrl := 0
	for _, c := range sample {
		switch {
		case c == 0:
			return "内容不是文本"
		case (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') || c == 0x7f:
			ctrl++
		}
	}
	// A few stray control characters occur in real exports; binary data
	// that happens to decode has them everywhere.
	if ctrl*20 > len(sample) {
		return "内容不是文本"
	}
	// HTML tables and "XML Spreadsheet 2003" files are commonly saved with
	// an .xls name by other systems; CSV parsing would turn them into tag
	// soup instead of telling the user how to fix it.
	if trimmed := bytes.TrimLeft(sample, " \t\r\n\f\v"); len(trimmed) > 0 && trimmed[0] == '<' {
		return "它是网页（HTML）或 XML 格式的文件，请用 Excel 打开后“另存为” .xlsx"
	}
	return ""
}

// parseCSV parses decoded text. Excel numbers CSV lines including blank
// ones and counts a quoted multi-line cell as one row; encoding/csv skips
// blank lines silently, so the gaps are recovered from FieldPos.
func parseCSV(text []byte, enc, subject string, lim Limits) (*Table, error) {
	delim := detectDelim(text)
	if line, ok := checkFieldCount(text, delim); !ok {
		return nil, invalid("第%d行超过 %d 列，不是有效的表格", line, maxCols)
	}
	cr := csv.NewReader(bytes.NewReader(text))
	cr.Comma = delim
	cr.LazyQuotes = true
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	b := &builder{t: &Table{Format: "csv", Encoding: enc}, lim: lim}
	num, prevEnd := 0, 0 // prevEnd: physical line on which the previous record ended
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, invalid("第%d行格式错误：%s", num+max(pe.StartLine-prevEnd, 1), csvReason(pe.Err))
			}
			return nil, invalid("%s无法按 CSV 格式读取", subject)
		}
		start, _ := cr.FieldPos(0)
		num += start - prevEnd
		lastLine, _ := cr.FieldPos(len(rec) - 1)
		prevEnd = lastLine + strings.Count(rec[len(rec)-1], "\n")
		if _, err := b.add(num, rec); err != nil {
			return nil, err
		}
	}
	return b.finish()
}

// csvReason translates encoding/csv's English errors for the user.
func csvReason(err error) string {
	switch {
	case errors.Is(err, csv.ErrQuote):
		return "引号不成对"
	case errors.Is(err, csv.ErrBareQuote):
		return "单元格中有多余的引号"
	case errors.Is(err, csv.ErrFieldCount):
		return "列数与表头不一致"
	default:
		return "无法解析"
	}
}

// detectDelim picks tab for Excel's "Unicode text" and other tab-separated
// exports: the header line has tabs and no commas. Separators inside
// quotes do not count, so a quoted header containing a comma does not
// hide a tab-separated file.
func detectDelim(text []byte) rune {
	tabs, commas, inQuote, content := 0, 0, false, false
	for _, c := range text {
		switch {
		case c == '"':
			inQuote, content = !inQuote, true
		case inQuote:
		case c == '\t':
			tabs++
		case c == ',':
			commas++
		case c == '\n':
			if content || tabs > 0 || commas > 0 {
				goto done
			}
		case c != ' ' && c != '\r':
			content = true
		}
	}
done:
	if tabs > 0 && commas == 0 {
		return '\t'
	}
	return ','
}

// checkFieldCount applies encoding/csv's own quoting rules (with
// LazyQuotes) to count the fields of every record before parsing, because
// encoding/csv has no field limit and a 50 MB line of commas would make it
// allocate gigabytes. It returns the physical line of the first record
// over maxCols.
func checkFieldCount(text []byte, delim rune) (int, bool) {
	d := byte(delim) // only ',' and '\t' are ever used
	line, recLine, fields := 1, 1, 1
	fieldStart, quoted := true, false
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c == '\n' {
			line++
		}
		switch {
		case quoted:
			if c != '"' {
				continue
			}
			switch {
			case i+1 < len(text) && text[i+1] == '"':
				i++ // escaped quote
			case i+1 < len(text) && text[i+1] == d:
				quoted = false
			case i+1 == len(text) || text[i+1] == '\n' || (text[i+1] == '\r' && i+2 < len(text) && text[i+2] == '\n'):
				quoted = false
			}
			// Otherwise a lazy bare quote: the field stays quoted.
		case c == '"' && fieldStart:
			quoted, fieldStart = true, false
		case c == d:
			if fields++; fields > maxCols {
				return recLine, false
			}
			fieldStart = true
		case c == '\n':
			fields, fieldStart, recLine = 1, true, line
		default:
			fieldStart = false
		}
	}
	return 0, true
}
