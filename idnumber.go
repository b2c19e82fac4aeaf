package zhuxiang

import (
	"strings"
	"time"
	"unicode/utf8"
)

// idNumberField is the field every ID-number error points at.
const idNumberField = "id_number"

// idNumberWeights are 2^(17-i) mod 11 for i = 1..17 (ISO 7064 MOD 11-2),
// written out so the table can be checked against GB 11643 at a glance.
var idNumberWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// idNumberChecks maps sum mod 11 to the check character; 10 is written X
// because the field has only one position.
const idNumberChecks = "10X98765432"

// Birth years outside this range cannot belong to a living resident or are
// typos of the century digits, which the check character would not catch if
// the digit sum happens to agree.
const (
	idNumberMinYear = 1900
	idNumberMaxYear = 2100
)

// NormalizeIDNumber brings a resident ID number into its stored form: blanks
// and full-width digits from Chinese input methods are removed, and the check
// character x is written as the standard's upper-case X.
func NormalizeIDNumber(s string) string {
	return strings.ReplaceAll(strings.TrimSpace(foldFullWidth(s)), "x", "X")
}

// ValidateIDNumber normalizes s and checks it against GB 11643-1999: length,
// digits, birth date and check character. It returns the normalized number
// or an *Error naming what is wrong, so the user can fix the one digit rather
// than retype all eighteen.
func ValidateIDNumber(s string) (string, error) {
	id := NormalizeIDNumber(s)
	if id == "" {
		return "", Errorf(EInvalid, idNumberField, "身份证号码不能为空")
	}
	if n := utf8.RuneCountInString(id); n != 18 {
		return "", Errorf(EInvalid, idNumberField, "身份证号码应为18位，实际为%d位", n)
	}
	pos := 0
	for _, r := range id {
		pos++
		if pos == 18 {
			if !(r >= '0' && r <= '9') && r != 'X' {
				return "", Errorf(EInvalid, idNumberField, "身份证号码第18位“%s”应为数字或X", displayRune(r))
			}
			break
		}
		if r < '0' || r > '9' {
			return "", Errorf(EInvalid, idNumberField, "身份证号码第%d位“%s”应为数字", pos, displayRune(r))
		}
	}
	if _, ok := parseIDBirthDate(id[6:14]); !ok {
		return "", Errorf(EInvalid, idNumberField, "身份证号码中的出生日期“%s”无效", id[6:14])
	}
	want := idNumberCheck(id[:17])
	if id[17] != want {
		return "", Errorf(EInvalid, idNumberField, "身份证号码校验位应为“%c”，实际为“%c”", want, id[17])
	}
	return id, nil
}

// IDNumberCheckChar computes the 18th character for the first 17 digits,
// which is how demo data and tests produce numbers that pass validation.
func IDNumberCheckChar(first17 string) (byte, error) {
	s := NormalizeIDNumber(first17)
	if n := utf8.RuneCountInString(s); n != 17 {
		return 0, Errorf(EInvalid, idNumberField, "身份证号码前17位应为17位，实际为%d位", n)
	}
	for i, r := range []rune(s) {
		if r < '0' || r > '9' {
			return 0, Errorf(EInvalid, idNumberField, "身份证号码第%d位“%s”应为数字", i+1, displayRune(r))
		}
	}
	return idNumberCheck(s), nil
}

// idNumberCheck computes the check character of 17 ASCII digits.
func idNumberCheck(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * idNumberWeights[i]
	}
	return idNumberChecks[sum%11]
}

// IDNumberBirthDate returns the birth date encoded in a valid ID number, at
// midnight UTC. Only fully valid numbers give a date: a number with a wrong
// check character may have the wrong date digits too.
func IDNumberBirthDate(id string) (time.Time, bool) {
	v, err := ValidateIDNumber(id)
	if err != nil {
		return time.Time{}, false
	}
	return parseIDBirthDate(v[6:14])
}

// parseIDBirthDate parses YYYYMMDD and insists on a real calendar date,
// because time.Date would quietly turn 0230 into 2 March.
func parseIDBirthDate(s string) (time.Time, bool) {
	t, err := time.Parse("20060102", s)
	if err != nil {
		return time.Time{}, false
	}
	if y := t.Year(); y < idNumberMinYear || y > idNumberMaxYear {
		return time.Time{}, false
	}
	return t, true
}

// MaskIDNumber hides an ID number for display, keeping the first 3 and last
// 4 characters: enough for a person to recognize their own number, not
// enough for anyone else to use it. Strings too short to keep anything
// secret are masked entirely.
func MaskIDNumber(id string) string {
	return maskMiddle(NormalizeIDNumber(id), 3, 4)
}

// MaskPhone hides a phone number for display: 138****5678 for an 11-digit
// mobile, as carriers and banks show it, and the first 3 and last 2
// characters for anything else.
func MaskPhone(p string) string {
	p = strings.TrimSpace(foldFullWidth(p))
	if len(p) == 11 && strings.Trim(p, "0123456789") == "" {
		return maskMiddle(p, 3, 4)
	}
	return maskMiddle(p, 3, 2)
}

// maskMiddle keeps head and tail runes and stars the rest; when nothing would
// be masked it masks everything, because showing all of a short value would
// defeat the purpose.
func maskMiddle(s string, head, tail int) string {
	r := []rune(s)
	if len(r) <= head+tail {
		return strings.Repeat("*", len(r))
	}
	return string(r[:head]) + strings.Repeat("*", len(r)-head-tail) + string(r[len(r)-tail:])
}
