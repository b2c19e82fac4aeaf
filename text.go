package zhuxiang

import (
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// One rule for the text people send, whichever door it comes through (a
// page, the API, a spreadsheet): it must be valid UTF-8 and hold no control
// characters but tab, and line breaks only where the field has lines.
// PostgreSQL refuses a NUL byte and invalid UTF-8 outright, while SQLite
// stores them; refusing them here, with a message naming the field, is what
// makes both engines answer alike. Control characters are refused rather
// than stripped, so that what is stored is exactly what was sent.

// Limits of the free-text fields that no record type owns.
const (
	MaxReasonRunes = 500 // a reason given for a lifecycle step
	MaxNoteRunes   = 500 // a note on an interest or a pairing
	MaxQueryRunes  = 100 // a search in a list
	MaxParamRunes  = 200 // any other query parameter
	MaxNameRunes   = 100 // names of regions, departments and files
)

// Integer limits. PostgreSQL's INTEGER is 32 bits, and counts and amounts
// beyond these are typing errors, not data; amounts in fen are kept far below
// what a BIGINT sum over every record could overflow.
const (
	MaxInt32    = math.MaxInt32
	MaxPeople   = 10_000_000
	MaxQuantity = 1_000_000_000_000
	MaxFen      = 10_000_000_000_000 // 1000 亿元
)

// CheckLine checks a one-line text field: valid UTF-8, no control
// characters (tab aside), no line break, at most max characters. label is
// the field's Chinese name for the message.
func CheckLine(field, label, s string, max int) error { return checkText(field, label, s, max, false) }

// CheckText checks a text field that may hold several lines, like
// CheckLine but allowing line breaks.
func CheckText(field, label, s string, max int) error { return checkText(field, label, s, max, true) }

func checkText(field, label, s string, max int, lines bool) error {
	if !utf8.ValidString(s) {
		return Errorf(EInvalid, field, "%s不是有效的UTF-8文本", label)
	}
	n := 0
	for _, r := range s {
		n++
		switch {
		case r == '\t':
		case r == '\n' || r == '\r':
			if !lines {
				return Errorf(EInvalid, field, "%s不能换行", label)
			}
		case r < 0x20, r >= 0x7f && r < 0xa0:
			return Errorf(EInvalid, field, "%s含有不可见的控制字符", label)
		}
	}
	if max > 0 && n > max {
		return Errorf(EInvalid, field, "%s不能超过%d个字", label, max)
	}
	return nil
}

// IsID reports whether s could be the id or code of a stored record: ids
// are hexadecimal (secure.NewID) and region codes digits or a county's local
// letters and digits, so anything else (a NUL byte, other characters, a
// kilobyte) names nothing and is answered "not found" without asking the
// database, which on PostgreSQL would fail on a NUL instead.
func IsID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// CheckRef checks a reference to another record (an id or a region code)
// before it reaches the database: empty, or something IsID accepts.
// what names the record in the message.
func CheckRef(field, what, s string) error {
	if s != "" && !IsID(s) {
		return Errorf(EInvalid, field, "%s不存在", what)
	}
	return nil
}

// CheckVersion checks the version a client read, which is compared with a
// 32-bit column.
func CheckVersion(v int) error {
	if v < 0 || v > MaxInt32 {
		return Errorf(EInvalid, "version", "version应为正整数（不超过%d）", MaxInt32)
	}
	return nil
}

// CheckParam checks one query parameter of a list (a page or the API):
// text rules as for a one-line field, and a bound on length.
func CheckParam(name, v string) error {
	max := MaxParamRunes
	switch name {
	case "q":
		max = MaxQueryRunes
	case "cursor":
		max = 1000 // a name in base64 beside an id
	}
	return checkText(name, "查询参数“"+name+"”", v, max, false)
}

// Elapsed says how long something took the way people read it: under a
// second in milliseconds ("0.00 秒" tells nothing), else in seconds.
func Elapsed(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return "不到 1 毫秒"
	case d < time.Second:
		return strconv.FormatInt(d.Milliseconds(), 10) + " 毫秒"
	}
	return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + " 秒"
}
