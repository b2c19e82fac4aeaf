package sheet

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// The package vetting below exists because excelize trusts the archive: it
// allocates each part at its declared size, parses styles, the workbook and
// small shared-string tables wholly into structs (about 60 bytes of memory
// per byte of a style bomb), indexes large shared-string tables with one
// slice per string, and its row iterator stops silently at the first XML
// error. So before excelize sees anything, every part it will read is
// inflated once through a meter that counts real bytes, and parsed once
// with a strict tokenizer that counts the elements whose number drives
// excelize's memory and work. Only those parts are handed on: media, other
// sheets, drawings, calcChain and the theme are dropped unread, so nothing
// they declare or contain can cost anything.
const (
	// maxSmallPart bounds the package's plumbing (content types, relations,
	// the workbook): real ones are a few KB, even with thousands of names.
	maxSmallPart = 4 * mib
	// maxStylesPart and maxStyleElems bound styles.xml, which excelize
	// parses wholly into structs at about 300 bytes per element. Excel
	// itself stops at about 64 000 cell
	// formats; a workbook at that limit has about 200 000 elements.
	maxStylesPart = 16 * mib
	maxStyleElems = 300_000
	// maxSharedStrings bounds the shared-string table: excelize keeps an
	// index entry (about 48 bytes, twice that while it grows the index) or
	// a struct (about 250 bytes, below xmlSpillSize) per string, so the
	// heap grows with the count.
	maxSharedStrings = 1_000_000
	// xmlSpillSize is the size above which excelize reads the sheet and the
	// shared strings from temporary files instead of memory; small enough
	// that a table of tiny strings parsed into structs stays in budget.
	xmlSpillSize = 2 * mib
	// maxSheetRows is Excel's own row limit (excelize.TotalRows); counting
	// <row> elements against it is what stops a sheet of millions of blank
	// rows after a few MB instead of after minutes of parsing.
	maxSheetRows = excelize.TotalRows
	// maxSheetCells bounds the <c> elements of the sheet, blank or not, so
	// the work of reading it is bounded whatever the rows look like: the
	// table itself may hold no more cells.
	maxSheetCells = maxCells
	// maxRun bounds the bytes between two tags. Excel's longest cell is
	// 32 767 characters, a few hundred KB escaped; a longer run of text or
	// a longer tag is made to inflate into one huge token.
	maxRun = 4 * mib
	// maxDepth is far deeper than any SpreadsheetML part nests.
	maxDepth = 64
)

// partKind says what a kept part is, which decides its bounds and checks.
type partKind int

const (
	partSmall partKind = iota
	partStyles
	partStrings
	partSheet
)

// vetted is what the vetting learned about the sheet, for the cross-check
// after excelize has read it.
type vetted struct {
	lastRow int // Excel number of the sheet's last <row>, 0 if none
}

// vetXLSX checks the package and writes the parts excelize needs to a new
// archive in a temporary file, copying their compressed bytes unchanged. The
// caller opens that file with excelize and removes it.
func vetXLSX(zr *zip.Reader, subject string, lim Limits) (tmp string, v vetted, err error) {
	byName := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		k := strings.ToLower(strings.ReplaceAll(f.Name, `\`, "/"))
		if _, dup := byName[k]; dup {
			// Two entries with one name are read differently by
			// different tools; a package Excel wrote never has them.
			return "", v, corrupt(subject)
		}
		byName[k] = f
	}
	m := &meter{lim: lim, subject: subject}
	keep := []*zip.File{}
	take := func(name string, kind partKind, required bool) ([]byte, error) {
		f := byName[name]
		if f == nil {
			if required {
				return nil, corrupt(subject)
			}
			return nil, nil
		}
		keep = append(keep, f)
		return m.small(f, kind)
	}
	if _, err := take("[content_types].xml", partSmall, true); err != nil {
		return "", v, err
	}
	pkgRels, err := take("_rels/.rels", partSmall, true)
	if err != nil {
		return "", v, err
	}
	wbPath := workbookPart(pkgRels)
	wb, err := take(strings.ToLower(wbPath), partSmall, true)
	if err != nil {
		return "", v, err
	}
	wbDir := path.Dir(wbPath)
	rels, err := take(strings.ToLower(path.Join(wbDir, "_rels", path.Base(wbPath)+".rels")), partSmall, true)
	if err != nil {
		return "", v, err
	}
	if _, err := take("xl/styles.xml", partStyles, false); err != nil {
		return "", v, err
	}
	sheetName, err := firstSheetPart(wb, rels, wbDir)
	if err != nil {
		return "", v, corrupt(subject)
	}
	sheet := byName[strings.ToLower(sheetName)]
	if sheet == nil {
		return "", v, invalid("%s中的第一个工作表缺失，文件可能已损坏，请用 Excel 打开后重新“另存为” .xlsx", subject)
	}
	badString := -1
	if f := byName["xl/sharedstrings.xml"]; f != nil {
		keep = append(keep, f)
		if badString, err = m.sharedStrings(f); err != nil {
			return "", v, err
		}
	}
	keep = append(keep, sheet)
	if v.lastRow, err = m.sheet(sheet, badString); err != nil {
		return "", v, err
	}
	if badString >= 0 {
		// The break lies in strings no cell uses; excelize would still
		// read the table up to it and lose the rest, so refuse the file.
		return "", v, invalid("%s的共享字符串表（sharedStrings.xml）已损坏，请用 Excel 打开后重新“另存为” .xlsx", subject)
	}
	tmp, err = writeKept(keep)
	return tmp, v, err
}

// workbookPart finds the workbook the way excelize does: the package's
// officeDocument relation, xl/workbook.xml when there is none.
func workbookPart(pkgRels []byte) string {
	for _, rel := range parseRels(pkgRels) {
		if strings.HasSuffix(rel.Type, "/officeDocument") {
			return strings.TrimPrefix(path.Clean(strings.ReplaceAll(rel.Target, `\`, "/")), "/")
		}
	}
	return "xl/workbook.xml"
}

type relation struct {
	ID     string `xml:"Id,attr"`
	Type   string `xml:"Type,attr"`
	Target string `xml:"Target,attr"`
}

func parseRels(data []byte) []relation {
	var r struct {
		Rels []relation `xml:"Relationship"`
	}
	_ = xml.Unmarshal(data, &r) // already checked to be well-formed
	return r.Rels
}

// firstSheetPart resolves the first <sheet> of the workbook to its part
// name the way excelize does: relative to the workbook unless absolute. The
// relation id is matched by local name so that Strict OOXML files, whose
// relationship namespace differs, resolve too.
func firstSheetPart(wb, rels []byte, wbDir string) (string, error) {
	var w struct {
		Sheets []struct {
			Attrs []xml.Attr `xml:",any,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := xml.Unmarshal(wb, &w); err != nil || len(w.Sheets) == 0 {
		return "", errors.New("no sheet")
	}
	id := ""
	for _, a := range w.Sheets[0].Attrs {
		if a.Name.Local == "id" && a.Name.Space != "" {
			id = a.Value
		}
	}
	for _, rel := range parseRels(rels) {
		if rel.ID == id && id != "" {
			t := strings.ReplaceAll(rel.Target, `\`, "/")
			if strings.HasPrefix(t, "/") {
				return strings.TrimPrefix(path.Clean(t), "/"), nil
			}
			return strings.TrimPrefix(path.Clean(wbDir+"/"+t), "/"), nil
		}
	}
	return "", errors.New("no relation")
}

// writeKept copies the kept entries, still compressed, into a new archive.
func writeKept(keep []*zip.File) (string, error) {
	f, err := os.CreateTemp("", "zhuxiang-xlsx-")
	if err != nil {
		return "", fmt.Errorf("sheet: temporary file: %w", err)
	}
	zw := zip.NewWriter(f)
	for _, e := range keep {
		if err = zw.Copy(e); err != nil {
			break
		}
	}
	if err == nil {
		err = zw.Close()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("sheet: write temporary file: %w", err)
	}
	return f.Name(), nil
}

// meter inflates parts and keeps the running total of real bytes.
type meter struct {
	lim     Limits
	subject string
	total   int64
}

// open returns a reader of the part's inflated bytes that fails with the
// user's refusal as soon as the part or the package grows past its bounds,
// whatever the archive declares.
func (m *meter) open(f *zip.File, kind partKind) (io.ReadCloser, error) {
	limit := m.lim.MaxPart
	switch kind {
	case partSmall:
		limit = min(limit, maxSmallPart)
	case partStyles:
		limit = min(limit, maxStylesPart)
	}
	// The declared size is checked first so that a lie in either
	// direction costs nothing: archive/zip refuses to inflate past it.
	if f.UncompressedSize64 > uint64(limit) {
		return nil, m.partTooLarge(f, limit)
	}
	if err := m.ratio(f, f.UncompressedSize64); err != nil {
		return nil, err
	}
	rc, err := f.Open()
	if err != nil {
		return nil, corrupt(m.subject)
	}
	return &countingReader{m: m, f: f, rc: rc, limit: limit}, nil
}

func (m *meter) partTooLarge(f *zip.File, limit int64) error {
	return tooLarge("%s解压后过大：其中的组成部分 %s 超过 %s，请删除无关的工作表、图片后重试，或拆分文件", m.subject, path.Base(f.Name), sizeText(limit))
}

// ratio refuses a part compressed better than any real spreadsheet part;
// see bombRatio. The compressed size is what archive/zip actually reads.
func (m *meter) ratio(f *zip.File, n uint64) error {
	if n > bombMinSize && n/bombRatio > f.CompressedSize64 {
		return tooLarge("%s中含有压缩比异常的内容（疑似压缩炸弹），已拒绝读取", m.subject)
	}
	return nil
}

type countingReader struct {
	m     *meter
	f     *zip.File
	rc    io.ReadCloser
	n     int64
	limit int64
	err   error // a refusal, kept so the XML decoder cannot hide it
}

func (c *countingReader) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.rc.Read(p)
	c.n += int64(n)
	c.m.total += int64(n)
	switch {
	case c.n > c.limit:
		c.err = c.m.partTooLarge(c.f, c.limit)
	case c.m.total > c.m.lim.MaxUncompressed:
		c.err = tooLarge("%s解压后过大（超过 %s），请删除无关的工作表、图片后重试，或拆分文件", c.m.subject, sizeText(c.m.lim.MaxUncompressed))
	default:
		c.err = c.m.ratio(c.f, uint64(c.n))
	}
	if c.err != nil {
		return 0, c.err
	}
	if err != nil && err != io.EOF {
		// A checksum or length mismatch: the part is damaged.
		c.err = corrupt(c.m.subject)
		return n, c.err
	}
	return n, err
}

func (c *countingReader) Close() error { return c.rc.Close() }

// refusal returns the user-facing error a read failed with, if any.
func (c *countingReader) refusal() error { return c.err }

// small reads a part whole after checking that it is well-formed XML with
// a bounded number of elements.
func (m *meter) small(f *zip.File, kind partKind) ([]byte, error) {
	rc, err := m.open(f, kind)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		return nil, m.failure(rc, err, f)
	}
	maxElems := 100_000
	if kind == partStyles {
		maxElems = maxStyleElems
	}
	sc := newScanner(bytes.NewReader(data))
	for {
		tok, err := sc.next()
		if err == io.EOF {
			return data, nil
		}
		if err != nil {
			return nil, m.broken(f, err)
		}
		if _, ok := tok.(xml.StartElement); ok && sc.elems > maxElems {
			return nil, tooLarge("%s的组成部分 %s 中的元素过多（超过 %d 个），不是正常的 Excel 文件", m.subject, path.Base(f.Name), maxElems)
		}
	}
}

// failure turns a read error into the refusal the meter decided on, or
// into "damaged".
func (m *meter) failure(rc io.ReadCloser, err error, f *zip.File) error {
	if c, ok := rc.(*countingReader); ok && c.refusal() != nil {
		return c.refusal()
	}
	return m.broken(f, err)
}

func (m *meter) broken(f *zip.File, err error) error {
	return invalid("%s的组成部分 %s 无法读取（%s），文件可能已损坏，请用 Excel 打开后重新“另存为” .xlsx", m.subject, path.Base(f.Name), xmlReason(err))
}

// sharedStrings checks the shared-string table. It returns the index of the
// first string that cannot be read (-1 if none), because the row to blame
// is the first one that uses it.
func (m *meter) sharedStrings(f *zip.File) (int, error) {
	rc, err := m.open(f, partStrings)
	if err != nil {
		return -1, err
	}
	defer rc.Close()
	sc := newScanner(rc)
	n := 0
	for {
		tok, err := sc.next()
		if err == io.EOF {
			return -1, nil
		}
		if err != nil {
			if r := rc.(*countingReader).refusal(); r != nil {
				return -1, r
			}
			if sc.depth >= 2 { // inside string n, which is index n-1
				return n - 1, nil
			}
			return n, nil
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "si" && sc.depth == 2 {
			if n++; n > maxSharedStrings {
				return -1, tooLarge("%s的共享字符串超过 %d 个，请拆分文件后分批导入", m.subject, maxSharedStrings)
			}
		}
	}
}

// sheet checks the worksheet: well-formed, rows and cells within Excel's
// limits and the budget, and no cell using a broken shared string. Errors
// name the row where they happen: the one being read, or the one after the
// last complete row.
func (m *meter) sheet(f *zip.File, badString int) (lastRow int, err error) {
	rc, err := m.open(f, partSheet)
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	sc := newScanner(rc)
	var (
		row, cells, rowCells int
		inData, sharedCell   bool
		inV                  bool
		v                    []byte
	)
	rowErr := func(format string, args ...any) error {
		return invalid("%s第%d行"+format, append([]any{m.subject, max(row, 1)}, args...)...)
	}
	for {
		tok, err := sc.next()
		if err == io.EOF {
			return row, nil
		}
		if err != nil {
			if r := rc.(*countingReader).refusal(); r != nil {
				return 0, r
			}
			if !inData || sc.depth < 3 { // between rows: blame the next one
				row++
			}
			return 0, rowErr("无法读取（%s），文件可能已损坏，请用 Excel 打开后重新“另存为” .xlsx", xmlReason(err))
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch {
			case t.Name.Local == "sheetData" && sc.depth == 2:
				inData = true
			case inData && t.Name.Local == "row" && sc.depth == 3:
				next := row + 1
				if r := attr(t, "r"); r != "" {
					if next, err = strconv.Atoi(r); err != nil || next <= row {
						return 0, invalid("%s第%d行之后的行号“%s”无效，文件可能已损坏，请用 Excel 打开后重新“另存为” .xlsx", m.subject, row, truncate(r))
					}
				}
				if next > maxSheetRows {
					row = next
					return 0, tooLarge("%s的行数超过 Excel 的上限 %d 行，不是正常的 Excel 文件", m.subject, maxSheetRows)
				}
				row, rowCells = next, 0
			case inData && t.Name.Local == "c" && sc.depth == 4:
				if rowCells++; rowCells > maxCols {
					return 0, rowErr("超过 %d 列，不是有效的表格", maxCols)
				}
				if cells++; cells > maxSheetCells {
					return 0, tooLarge("%s的单元格超过 %d 个，请拆分文件后分批导入", m.subject, maxSheetCells)
				}
				sharedCell = badString >= 0 && attr(t, "t") == "s"
			case sharedCell && t.Name.Local == "v" && sc.depth == 5:
				inV, v = true, v[:0]
			}
		case xml.CharData:
			if inV {
				v = append(v, t...)
			}
		case xml.EndElement:
			switch {
			case inV && sc.depth == 4:
				inV = false
				if i, err := strconv.Atoi(strings.TrimSpace(string(v))); err == nil && i >= badString {
					return 0, rowErr("引用的文字在共享字符串表（sharedStrings.xml）中已损坏，无法读取，请用 Excel 打开后重新“另存为” .xlsx")
				}
			case t.Name.Local == "sheetData" && sc.depth == 1:
				inData = false
			}
		}
	}
}

func attr(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}

func truncate(s string) string {
	if len(s) > 20 {
		return s[:20] + "…"
	}
	return s
}

// xmlReason says in Chinese what encoding/xml found wrong.
func xmlReason(err error) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "illegal character code"):
		return "含有不允许的控制字符"
	case strings.Contains(msg, "invalid character entity"):
		return "含有无法识别的转义符（如 &bogus;）"
	case strings.Contains(msg, "unexpected EOF"):
		return "内容在此处中断"
	case strings.Contains(msg, "invalid UTF-8"):
		return "含有无效的 UTF-8 字符"
	case errors.Is(err, errDepth):
		return "嵌套层次过深"
	case errors.Is(err, errRun):
		return "单个单元格或标记过长"
	}
	return "XML 格式错误"
}

var (
	errDepth = errors.New("sheet: XML nested too deeply")
	errRun   = errors.New("sheet: XML token too long")
)

// scanner is a strict XML tokenizer that also checks what RawToken leaves
// out (matching end tags, a single root, nothing after it) and bounds the
// size of every token before encoding/xml buffers it.
type scanner struct {
	d     *xml.Decoder
	run   *runGuard
	stack []string
	depth int
	elems int
	root  bool
}

func newScanner(r io.Reader) *scanner {
	g := &runGuard{r: r}
	d := xml.NewDecoder(g)
	d.Strict = true
	// A part that declares another encoding is not one Excel wrote;
	// refusing it keeps charset readers out of the path.
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		if strings.EqualFold(label, "utf-8") {
			return in, nil
		}
		return nil, fmt.Errorf("unsupported encoding %q", label)
	}
	return &scanner{d: d, run: g}
}

// next returns the next token; io.EOF only after a complete document.
func (s *scanner) next() (xml.Token, error) {
	tok, err := s.d.RawToken()
	if s.run.err != nil {
		return nil, s.run.err
	}
	if err == io.EOF {
		if !s.root || s.depth != 0 {
			return nil, io.ErrUnexpectedEOF
		}
		return nil, io.EOF
	}
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case xml.StartElement:
		if s.depth == 0 {
			if s.root {
				return nil, errors.New("XML syntax error: second root element")
			}
			s.root = true
		}
		if s.depth++; s.depth > maxDepth {
			return nil, errDepth
		}
		s.elems++
		if len(s.stack) < s.depth {
			s.stack = append(s.stack, "")
		}
		s.stack[s.depth-1] = t.Name.Local
	case xml.EndElement:
		if s.depth == 0 || s.stack[s.depth-1] != t.Name.Local {
			return nil, errors.New("XML syntax error: mismatched end element")
		}
		s.depth--
	case xml.CharData:
		if s.depth == 0 && len(bytes.TrimSpace(t)) > 0 {
			return nil, errors.New("XML syntax error: text outside the root element")
		}
	case xml.Directive:
		// DTDs are how entity bombs are declared; SpreadsheetML has none.
		return nil, errors.New("XML syntax error: DOCTYPE not allowed")
	}
	return tok, nil
}

// runGuard fails once more than maxRun bytes pass without a '<' that
// starts a tag, which bounds every token encoding/xml will buffer: text
// cannot contain a raw '<', and inside comments and CDATA (where '<' is
// allowed) the count is not reset.
type runGuard struct {
	r     io.Reader
	run   int
	state byte // 0 normal, '<' just saw '<', '!' inside <!...>
	tail  [2]byte
	err   error
}

func (g *runGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	for _, c := range p[:n] {
		g.run++
		switch g.state {
		case '!':
			if c == '>' && ((g.tail[0] == '-' && g.tail[1] == '-') || (g.tail[0] == ']' && g.tail[1] == ']')) {
				g.state = 0
			}
		case '<':
			g.state = 0
			if c == '!' {
				g.state = '!'
			}
		default:
			if c == '<' {
				g.run, g.state = 0, '<'
			}
		}
		g.tail[0], g.tail[1] = g.tail[1], c
		if g.run > maxRun {
			g.err = errRun
			return 0, g.err
		}
	}
	return n, err
}
