// Package sheet is the spreadsheet adapter: it turns an uploaded XLSX or CSV
// file into a Table of trimmed strings that importers can validate row by row,
// and writes XLSX files (exports and blank import templates) that open cleanly
// in Excel on Chinese Windows.
//
// Reading is deliberately defensive because files come from outside: the
// format is sniffed from the content (users rename files freely), the cost of
// a file is bounded by Limits before any expensive work starts, and every
// failure a user can fix is reported as a *zhuxiang.Error with a Chinese
// message and Field "file".
package sheet

import (
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

const mib = 1 << 20

// Limits bound what a file may cost to read. A zero field means "use the
// default", so callers can override one bound with a keyed literal.
type Limits struct {
	// MaxBytes bounds the size of the uploaded file itself.
	MaxBytes int64
	// MaxRows bounds the number of non-blank data rows (the header excluded).
	MaxRows int
	// MaxUncompressed bounds the uncompressed size of the parts of an XLSX
	// file together, which is what a zip bomb inflates: the sizes the
	// archive declares, and the bytes actually inflated.
	MaxUncompressed int64
	// MaxPart bounds the uncompressed size of any single part of an XLSX
	// file, declared and actual. Parts that excelize parses wholly in
	// memory (styles, the workbook) have smaller fixed bounds.
	MaxPart int64
}

// DefaultLimits returns the bounds used for uploads: a 50 MiB file, 200 000
// data rows, 500 MiB uncompressed in total and 300 MiB for any single part.
func DefaultLimits() Limits {
	return Limits{
		MaxBytes:        50 * mib,
		MaxRows:         200_000,
		MaxUncompressed: 500 * mib,
		MaxPart:         300 * mib,
	}
}

// withDefaults fills the zero (or nonsensical negative) fields so that the
// reader never has to special-case an unset bound.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxBytes <= 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.MaxRows <= 0 {
		l.MaxRows = d.MaxRows
	}
	if l.MaxUncompressed <= 0 {
		l.MaxUncompressed = d.MaxUncompressed
	}
	if l.MaxPart <= 0 {
		l.MaxPart = d.MaxPart
	}
	if l.MaxPart > l.MaxUncompressed {
		l.MaxPart = l.MaxUncompressed
	}
	return l
}

// Table is the first sheet of a file. Header is the first non-blank row
// (normally row 1), trimmed, without trailing empty cells; Rows are the data
// rows below it that are not entirely blank.
type Table struct {
	Header []string
	Rows   []Row
	// Format is "xlsx" or "csv" (tab-separated text counts as "csv").
	Format string
	// Encoding is how a text file was decoded: "utf-8", "utf-8-bom",
	// "gb18030", "utf-16le" or "utf-16be"; empty for XLSX.
	Encoding string
}

// Row is one data row.
type Row struct {
	// Num is the row number the user sees in Excel (the header is normally
	// 1, the first data row 2); blank rows are skipped but still counted so
	// that error messages point at the right line.
	Num int
	// Cells are trimmed and always exactly len(Header) long: short rows are
	// padded with "", cells right of the last header are dropped because no
	// importer could name them.
	Cells []string
}

// Col returns the index of the first header that matches any of names, or
// -1. Matching ignores surrounding and inner white space, full-/half-width
// differences, ASCII case and the required-column markers that templates add
// ("名称 *", "*名称", "名称（必填）"), so that importers can look columns up
// by their plain name whatever the user's copy of the template looks like.
func (t *Table) Col(names ...string) int {
	if t == nil {
		return -1
	}
	want := make([]string, 0, len(names))
	for _, n := range names {
		if k := headerKey(n); k != "" {
			want = append(want, k)
		}
	}
	for i, h := range t.Header {
		k := headerKey(h)
		if k == "" {
			continue
		}
		for _, w := range want {
			if k == w {
				return i
			}
		}
	}
	return -1
}

// headerKey normalises a header for comparison; see Col.
func headerKey(s string) string {
	s = width.Fold.String(s)
	s = strings.Map(func(r rune) rune {
		if isSpace(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
	for {
		n := len(s)
		s = strings.TrimSuffix(s, "(必填)")
		s = strings.Trim(s, "*")
		if len(s) == n {
			return s
		}
	}
}

// isSpace also treats the BOM and zero-width characters as space: they slip
// into cells pasted from web pages and Word and are invisible to the user.
func isSpace(r rune) bool {
	return unicode.IsSpace(r) || r == '\uFEFF' || r == '\u200B' || r == '\u200C' || r == '\u200D'
}

// clean trims a cell and removes control characters other than tab and line
// breaks, which PostgreSQL rejects (NUL) or which only confuse validation.
func clean(s string) string {
	s = strings.TrimFunc(s, isSpace)
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f {
			s = strings.Map(func(r rune) rune {
				if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f {
					return -1
				}
				return r
			}, s)
			return strings.TrimFunc(s, isSpace)
		}
	}
	return s
}
