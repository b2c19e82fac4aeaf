package sheet

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"zhuxiang"
)

const (
	nsMain = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	nsRel  = `xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
)

// part is one entry of a hand-made package: either plain text, or a body
// repeated to a large size (built cheaply, see repeatDeflate).
type part struct {
	name         string
	text         string
	head, repeat string
	size         int64 // inflated size of the repeated body
	tail         string
	// declared overrides the uncompressed size written in the archive.
	declared uint64
}

// pkg builds an XLSX package from parts. The plumbing parts (content
// types, relations, a workbook with one sheet) are added unless given.
func pkg(t testing.TB, parts ...part) []byte {
	t.Helper()
	have := map[string]bool{}
	for _, p := range parts {
		have[p.name] = true
	}
	plumbing := []part{
		{name: "[Content_Types].xml", text: `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`},
		{name: "_rels/.rels", text: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{name: "xl/workbook.xml", text: `<?xml version="1.0" encoding="UTF-8"?><workbook ` + nsMain + ` ` + nsRel + `><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{name: "xl/_rels/workbook.xml.rels", text: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`},
	}
	var all []part
	for _, p := range plumbing {
		if !have[p.name] {
			all = append(all, p)
		}
	}
	all = append(all, parts...)
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, p := range all {
		if p.repeat == "" {
			if p.declared == 0 {
				w, err := zw.Create(p.name)
				if err != nil {
					t.Fatal(err)
				}
				io.WriteString(w, p.text)
				continue
			}
			p.head, p.repeat, p.size = p.text, " ", 0
		}
		raw, crc, n := repeatDeflate(p.head, p.repeat, p.size, p.tail)
		declared := n
		if p.declared != 0 {
			declared = p.declared
		}
		w, err := zw.CreateRaw(&zip.FileHeader{
			Name: p.name, Method: zip.Deflate, CRC32: crc,
			CompressedSize64: uint64(len(raw)), UncompressedSize64: declared,
		})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(raw)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// repeatDeflate returns a deflate stream of head, repeat repeated to about
// size bytes, and tail, with its CRC and length. As in deflateBomb, a 1 MiB
// chunk is compressed once with a sync flush and its blocks repeated, so a
// bomb of hundreds of MB costs milliseconds to build.
func repeatDeflate(head, repeat string, size int64, tail string) ([]byte, uint32, uint64) {
	var out bytes.Buffer
	crc := crc32.NewIEEE()
	var n uint64
	fw, _ := flate.NewWriter(&out, flate.BestCompression)
	put := func(fw *flate.Writer, s []byte) {
		fw.Write(s)
		crc.Write(s)
		n += uint64(len(s))
	}
	put(fw, []byte(head))
	fw.Flush()
	if size > 0 {
		chunk := bytes.Repeat([]byte(repeat), max(1, (1<<20)/len(repeat)))
		var block bytes.Buffer
		bw, _ := flate.NewWriter(&block, flate.BestCompression)
		bw.Write(chunk)
		bw.Flush()
		for k := int64(0); k < size/int64(len(chunk)); k++ {
			out.Write(block.Bytes())
			crc.Write(chunk)
			n += uint64(len(chunk))
		}
	}
	fw2, _ := flate.NewWriter(&out, flate.BestCompression)
	put(fw2, []byte(tail))
	fw2.Close()
	return out.Bytes(), crc.Sum32(), n
}

// noise is n letters that do not repeat within deflate's window, so that a
// part made of them inflates at about 100:1 and only the size bounds, not
// the compression ratio, can refuse it.
func noise(n int) string {
	b := make([]byte, n)
	x := uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = 'a' + byte(x%26)
	}
	return string(b)
}

// sheetXML is a worksheet whose rows are given as <row> contents.
func sheetXML(rows ...string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet ` + nsMain + `><sheetData>`)
	for i, r := range rows {
		fmt.Fprintf(&b, `<row r="%d">%s</row>`, i+1, r)
	}
	b.WriteString(`</sheetData></worksheet>`)
	return b.String()
}

func inline(col string, row int, text string) string {
	return fmt.Sprintf(`<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>`, col, row, text)
}

// tenRows is a header and ten data rows (Excel rows 1–11); bad replaces the
// name in row 6 when given.
func tenRows(bad string) []string {
	rows := []string{inline("A", 1, "名称") + inline("B", 1, "代码")}
	for r := 2; r <= 11; r++ {
		name := fmt.Sprintf("组织%d", r)
		if r == 6 && bad != "" {
			name = bad
		}
		rows = append(rows, inline("A", r, name)+inline("B", r, fmt.Sprint(r)))
	}
	return rows
}

func sheetPart(rows ...string) part {
	return part{name: "xl/worksheets/sheet1.xml", text: sheetXML(rows...)}
}

// TestHandMadePackage checks the fixture itself: a well-formed package of
// ten rows reads whole, so the refusals below are about what was broken.
func TestHandMadePackage(t *testing.T) {
	tab, err := Read(bytes.NewReader(pkg(t, sheetPart(tenRows("")...))), "ok.xlsx", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(tab.Rows) != 10 || tab.Rows[9].Num != 11 || tab.Rows[4].Cells[0] != "组织6" {
		t.Fatalf("rows %v", tab.Rows)
	}
}

// TestUnreadPartsRefuseNothing: a picture or another part that the import
// never reads is never inflated, so its size does not count against the
// limits, which bound what is read.
func TestUnreadPartsRefuseNothing(t *testing.T) {
	picture := part{name: "xl/media/image1.png", head: "\x89PNG\r\n\x1a\n", repeat: "IDATpixels", size: 20 << 20}
	lim := Limits{MaxUncompressed: 10 << 20, MaxPart: 10 << 20}
	tab, err := Read(bytes.NewReader(pkg(t, sheetPart(tenRows("")...), picture)), "有图片.xlsx", lim)
	if err != nil {
		t.Fatal(err)
	}
	if len(tab.Rows) != 10 {
		t.Fatalf("rows %v", tab.Rows)
	}
}

// TestMalformedSheet: a parse error anywhere refuses the whole file and
// names the row; before the vetting excelize stopped at the error and the
// rows read so far were imported as if the file ended there.
func TestMalformedSheet(t *testing.T) {
	good := sheetXML(tenRows("")...)
	cut := good[:strings.Index(good, "组织6")+3] // inside row 6
	sst := func(row6 string) part {
		return part{name: "xl/sharedStrings.xml", text: `<sst ` + nsMain + `><si><t>甲</t></si><si><t>` + row6 + `</t></si><si><t>丙</t></si></sst>`}
	}
	shared := func(i int) string { return fmt.Sprintf(`<c r="A6" t="s"><v>%d</v></c>`, i) }
	rowsWith6 := func(cell string) []string {
		r := tenRows("")
		r[5] = cell
		return r
	}
	tests := []struct {
		name  string
		parts []part
		want  []string
	}{
		{"U+0001 in a cell", []part{sheetPart(tenRows("坏\x01字")...)}, []string{"第6行", "控制字符"}},
		{"&#1; in a cell", []part{sheetPart(tenRows("坏&#1;字")...)}, []string{"第6行"}},
		{"unknown entity", []part{sheetPart(tenRows("坏&bogus;字")...)}, []string{"第6行", "转义符"}},
		{"invalid UTF-8", []part{sheetPart(tenRows("坏\xff字")...)}, []string{"第6行"}},
		{"truncated sheet XML", []part{{name: "xl/worksheets/sheet1.xml", text: cut}}, []string{"第6行", "中断"}},
		{"mismatched end tag", []part{sheetPart(rowsWith6(`<c r="A6" t="inlineStr"><is><t>x</t></is></v>`)...)}, []string{"第6行"}},
		{"garbage after the sheet", []part{{name: "xl/worksheets/sheet1.xml", text: good + "<worksheet/>"}}, []string{"无法读取"}},
		{"row numbers going back", []part{sheetPart(rowsWith6(`</row><row r="3">` + inline("A", 3, "x"))...)}, []string{"第6行之后", "行号"}},
		{"bad shared string used in row 6", []part{sheetPart(rowsWith6(shared(1))...), sst("坏\x01字")}, []string{"第6行", "共享字符串"}},
		{"bad shared string nobody uses", []part{sheetPart(rowsWith6(shared(0))...), sst("坏&bogus;")}, []string{"共享字符串"}},
		{"broken styles", []part{sheetPart(tenRows("")...), {name: "xl/styles.xml", text: `<styleSheet ` + nsMain + `><cellXfs>&bogus;</cellXfs></styleSheet>`}}, []string{"styles.xml"}},
		{"broken workbook", []part{sheetPart(tenRows("")...), {name: "xl/workbook.xml", text: `<workbook ` + nsMain + `><sheets>`}}, []string{"workbook.xml"}},
		{"missing sheet", []part{{name: "xl/worksheets/other.xml", text: good}}, []string{"工作表缺失"}},
		{"DOCTYPE", []part{{name: "xl/worksheets/sheet1.xml", text: `<!DOCTYPE x [<!ENTITY a "b">]>` + good}}, []string{"无法读取"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab, err := Read(bytes.NewReader(pkg(t, tt.parts...)), "坏.xlsx", Limits{})
			if err == nil {
				t.Fatalf("accepted %d rows, want a refusal", len(tab.Rows))
			}
			var ze *zhuxiang.Error
			if code := zhuxiang.ErrorCodeOf(err); code != zhuxiang.EInvalid || zhuxiang.ErrorField(err) != "file" {
				t.Fatalf("err = %#v (%v), want invalid on file", err, ze)
			}
			for _, w := range tt.want {
				if !strings.Contains(zhuxiang.ErrorMessage(err), w) {
					t.Errorf("message %q does not mention %q", zhuxiang.ErrorMessage(err), w)
				}
			}
		})
	}
}

// TestCorruptDeflate flips bytes inside the compressed sheet: archive/zip
// notices through the checksum, and excelize, which ignores read errors,
// never sees the part.
func TestCorruptDeflate(t *testing.T) {
	var rows []string
	for r := 1; r <= 2000; r++ {
		rows = append(rows, inline("A", r, fmt.Sprintf("组织%d号", r*7919)))
	}
	data := pkg(t, sheetPart(rows...))
	zr, _ := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	var off int64
	for _, f := range zr.File {
		if f.Name == "xl/worksheets/sheet1.xml" {
			off, _ = f.DataOffset()
			off += int64(f.CompressedSize64) / 2
		}
	}
	bad := bytes.Clone(data)
	for i := range int64(8) {
		bad[off+i] ^= 0x55
	}
	_, err := Read(bytes.NewReader(bad), "坏.xlsx", Limits{})
	if zhuxiang.ErrorCodeOf(err) != zhuxiang.EInvalid || !strings.Contains(zhuxiang.ErrorMessage(err), "损坏") {
		t.Fatalf("err = %v, want a refusal as damaged", err)
	}
}

// peakHeap runs f and samples the live heap every few milliseconds; it
// returns the highest sample above the heap before f started.
func peakHeap(f func()) (peak uint64) {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	base := read()
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			if v := read(); v > base && v-base > peak {
				peak = v - base
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	f()
	close(done)
	wg.Wait()
	return peak
}

// TestBombs: files of a few hundred KB whose parts inflate to hundreds of
// MB, each refused while reading, within a small fraction of the memory
// budget. Before the vetting the styles bomb took 18.9 GB in excelize.
func TestBombs(t *testing.T) {
	const big = 290_000_000
	sst := `<sst ` + nsMain + `>`
	styles := `<styleSheet ` + nsMain + `><cellXfs>`
	tests := []struct {
		name  string
		parts []part
		lim   Limits
		code  zhuxiang.ErrorCode
		want  string
	}{
		{"styles.xml of 290 MB", []part{sheetPart(tenRows("")...), {name: "xl/styles.xml", head: styles, repeat: `<xf numFmtId="0"/>`, size: big, tail: `</cellXfs></styleSheet>`}}, Limits{}, zhuxiang.ETooLarge, "styles.xml"},
		{"styles.xml within bytes, too many elements", []part{sheetPart(tenRows("")...), {name: "xl/styles.xml", head: styles, repeat: `<xf/>`, size: 12 << 20, tail: `</cellXfs></styleSheet>`}}, Limits{}, zhuxiang.ETooLarge, "元素过多"},
		{"sharedStrings.xml of 290 MB", []part{sheetPart(tenRows("")...), {name: "xl/sharedStrings.xml", head: sst, repeat: `<si><t>a</t></si>`, size: big, tail: `</sst>`}}, Limits{}, zhuxiang.ETooLarge, "共享字符串超过"},
		{"sharedStrings.xml over the part size", []part{sheetPart(tenRows("")...), {name: "xl/sharedStrings.xml", head: sst, repeat: `<si><t>` + noise(3000) + `</t></si>`, size: 20 << 20, tail: `</sst>`}}, Limits{MaxPart: 10 << 20}, zhuxiang.ETooLarge, "组成部分"},
		{"290 MB of blank rows", []part{{name: "xl/worksheets/sheet1.xml", head: `<worksheet ` + nsMain + `><sheetData><row><c t="inlineStr"><is><t>名称</t></is></c></row>`, repeat: `<row/>`, size: big, tail: `</sheetData></worksheet>`}}, Limits{}, zhuxiang.ETooLarge, "行数超过"},
		{"290 MB of blank cells", []part{{name: "xl/worksheets/sheet1.xml", head: `<worksheet ` + nsMain + `><sheetData>`, repeat: `<row>` + strings.Repeat(`<c/>`, 10_000) + `</row>`, size: big, tail: `</sheetData></worksheet>`}}, Limits{}, zhuxiang.ETooLarge, "单元格超过"},
		{"290 MB of spaces in a cell", []part{{name: "xl/worksheets/sheet1.xml", head: `<worksheet ` + nsMain + `><sheetData><row><c t="inlineStr"><is><t>`, repeat: noise(3000), size: big, tail: `</t></is></c></row></sheetData></worksheet>`}}, Limits{}, zhuxiang.EInvalid, "过长"},
		{"290 MB comment", []part{{name: "xl/worksheets/sheet1.xml", head: `<worksheet ` + nsMain + `><!--`, repeat: "<" + noise(3000), size: big, tail: `--><sheetData/></worksheet>`}}, Limits{}, zhuxiang.EInvalid, "过长"},
		{"sheet over the part size", []part{{name: "xl/worksheets/sheet1.xml", head: `<worksheet ` + nsMain + `><sheetData><row><c t="inlineStr"><is><t>名称</t></is></c></row>`, repeat: `<row/>`, size: 12 << 20, tail: `</sheetData></worksheet>`}}, Limits{MaxPart: 10 << 20}, zhuxiang.ETooLarge, "组成部分"},
		{"total over the package size", []part{{name: "xl/worksheets/sheet1.xml", head: `<worksheet ` + nsMain + `><sheetData><row><c t="inlineStr"><is><t>名称</t></is></c></row>`, repeat: `<row/>`, size: 12 << 20, tail: `</sheetData></worksheet>`}}, Limits{MaxUncompressed: 10 << 20}, zhuxiang.ETooLarge, "解压后过大"},
		// Declared sizes lie both ways: small to slip past the checks of
		// the central directory, large to make excelize allocate it.
		{"declared size too small", []part{{name: "xl/worksheets/sheet1.xml", head: `<worksheet ` + nsMain + `><sheetData>`, repeat: `<row/>`, size: 50 << 20, tail: `</sheetData></worksheet>`, declared: 1000}}, Limits{}, zhuxiang.EInvalid, "损坏"},
		{"declared size too large", []part{sheetPart(tenRows("")...), {name: "xl/styles.xml", text: `<styleSheet ` + nsMain + `/>`, declared: 5 << 20}}, Limits{}, zhuxiang.EInvalid, "损坏"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := pkg(t, tt.parts...)
			var err error
			start := time.Now()
			peak := peakHeap(func() { _, err = Read(bytes.NewReader(data), "炸弹.xlsx", tt.lim) })
			t.Logf("%d KB file refused in %v, peak heap +%d MB: %v", len(data)>>10, time.Since(start).Round(time.Millisecond), peak>>20, err)
			if code := zhuxiang.ErrorCodeOf(err); code != tt.code || zhuxiang.ErrorField(err) != "file" {
				t.Fatalf("err = %v, want %s on file", err, tt.code)
			}
			if !strings.Contains(zhuxiang.ErrorMessage(err), tt.want) {
				t.Errorf("message %q does not mention %q", zhuxiang.ErrorMessage(err), tt.want)
			}
			// A safety bound, not a performance claim: the budget for
			// any import is 256 MB above the server's baseline.
			if peak > 256<<20 {
				t.Errorf("peak heap +%d MB, over the 256 MB budget", peak>>20)
			}
		})
	}
}

// TestMemoryWorstAccepted reads the files that cost excelize the most memory
// while passing every bound, and reports the peak heap above the baseline.
func TestMemoryWorstAccepted(t *testing.T) {
	if testing.Short() {
		t.Skip("reads files built to the limits")
	}
	sst := `<sst ` + nsMain + `>`
	useString := sheetPart(inline("A", 1, "名称"), `<c r="A2" t="s"><v>0</v></c>`)
	tests := []struct {
		name  string
		parts []part
	}{
		{"styles.xml at the element bound", []part{sheetPart(tenRows("")...), {name: "xl/styles.xml", head: `<styleSheet ` + nsMain + `><cellXfs>`, repeat: `<xf/>`, size: 5 * (maxStyleElems - 10), tail: `</cellXfs></styleSheet>`}}},
		{"shared strings in memory", []part{useString, {name: "xl/sharedStrings.xml", head: sst, repeat: `<si><t>a</t></si>`, size: xmlSpillSize - 4<<10, tail: `</sst>`}}},
		{"shared strings at the count bound", []part{useString, {name: "xl/sharedStrings.xml", head: sst, repeat: `<si><t>a</t></si>`, size: 17 * (maxSharedStrings - 100_000), tail: `</sst>`}}},
	}
	var wide strings.Builder
	for c := range 10 {
		wide.WriteString(inline(string(rune('A'+c)), 1, noise(1000)))
	}
	tests = append(tests, struct {
		name  string
		parts []part
	}{"table at the memory bound", []part{{name: "xl/worksheets/sheet1.xml", head: `<worksheet ` + nsMain + `><sheetData><row>` + strings.Repeat(inline("A", 1, "x"), 10) + `</row>`,
		repeat: `<row>` + wide.String() + `</row>`, size: 150 << 20, tail: `</sheetData></worksheet>`}}})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := pkg(t, tt.parts...)
			var err error
			start := time.Now()
			peak := peakHeap(func() { _, err = Read(bytes.NewReader(data), "大.xlsx", Limits{}) })
			t.Logf("%d KB file read in %v, peak heap +%d MB: %v", len(data)>>10, time.Since(start).Round(time.Millisecond), peak>>20, err)
			if err != nil && zhuxiang.ErrorCodeOf(err) != zhuxiang.ETooLarge {
				t.Fatalf("refused a file within the bounds: %v", err)
			}
			if peak > 256<<20 {
				t.Errorf("peak heap +%d MB, over the 256 MB budget", peak>>20)
			}
		})
	}
}

// TestMemoryLargestCSV reads the largest CSV the upload limit lets in.
func TestMemoryLargestCSV(t *testing.T) {
	if testing.Short() {
		t.Skip("reads a 50 MB file")
	}
	// Rows of 250 bytes: at the row limit the file is 50 MB.
	var csv bytes.Buffer
	csv.WriteString("a,b,c,d,e,f,g,h,i,j\n")
	for r := 0; r < 200_000 && csv.Len() < 50<<20-300; r++ {
		for c := range 10 {
			if c > 0 {
				csv.WriteByte(',')
			}
			fmt.Fprintf(&csv, "%08d%016d", r, c)
		}
		csv.WriteByte('\n')
	}
	var err error
	var tab *Table
	peak := peakHeap(func() { tab, err = Read(bytes.NewReader(csv.Bytes()), "大.csv", Limits{}) })
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d KB CSV of %d rows read, peak heap +%d MB", csv.Len()>>10, len(tab.Rows), peak>>20)
	if peak > 256<<20 {
		t.Errorf("peak heap +%d MB, over the 256 MB budget", peak>>20)
	}
}
