package zhuxiang

import (
	"regexp"
	"strconv"
	"strings"
)

// yuanPattern is an amount as people type it once the currency sign and
// thousands separators are gone: whole yuan and at most two decimals (fen).
var yuanPattern = regexp.MustCompile(`^(\d{1,13})(?:\.(\d{0,2}))?$`)

// ParseYuan reads an amount in yuan ("1234.56", "¥1,234.5", "1234元") into
// fen, for the forms and the imports alike. Money is stored as integer fen
// (DESIGN §4), so the text is split at the decimal point and read as
// integers: a float would turn 0.29 into 28 fen. Empty text is zero. field
// names the field in the error.
func ParseYuan(field, s string) (int64, error) {
	s = strings.TrimSpace(s)
	s = strings.NewReplacer("¥", "", "￥", "", ",", "", "，", "", " ", "", "元", "").Replace(s)
	if s == "" {
		return 0, nil
	}
	m := yuanPattern.FindStringSubmatch(s)
	if m == nil {
		if strings.HasPrefix(s, "-") {
			return 0, Errorf(EInvalid, field, "金额不能为负数")
		}
		return 0, Errorf(EInvalid, field, "金额“%s”格式不正确，应为元，最多两位小数，如 1234.56", s)
	}
	whole, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil {
		return 0, Errorf(EInvalid, field, "金额过大")
	}
	frac := m[2]
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	return whole*100 + f, nil
}
