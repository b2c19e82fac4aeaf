package web

import (
	"strconv"
	"strings"

	"zhuxiang"
)

// parseYuan reads an amount in yuan into fen (zhuxiang.ParseYuan).
func parseYuan(field, s string) (int64, error) { return zhuxiang.ParseYuan(field, s) }

// yuanInput shows fen as the form field shows it: plain yuan without a
// sign or separators, so that it parses back unchanged; zero is blank.
func yuanInput(fen int64) string {
	if fen == 0 {
		return ""
	}
	s := strconv.FormatInt(fen/100, 10)
	if c := fen % 100; c != 0 {
		s += "." + strconv.FormatInt(c/10, 10) + strconv.FormatInt(c%10, 10)
	}
	return s
}

// yuan shows fen as ¥1,234.56, the way DESIGN §5a writes money.
func yuan(fen int64) string {
	neg := fen < 0
	if neg {
		fen = -fen
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	b.WriteString("¥")
	b.WriteString(thousands(fen / 100))
	c := fen % 100
	b.WriteByte('.')
	b.WriteByte(byte('0' + c/10))
	b.WriteByte(byte('0' + c%10))
	return b.String()
}

// thousands writes a whole number with thousands separators: 12,345.
func thousands(n int64) string {
	whole := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && r != '-' && whole[i-1] != '-' && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// parseCount reads a whole number of things (people, capacity, quantity)
// typed into a form; empty is zero.
func parseCount(field, label, s string) (int64, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, ",", ""))
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > 1_000_000_000 {
		return 0, zhuxiang.Errorf(zhuxiang.EInvalid, field, "%s应为不小于0的整数", label)
	}
	return n, nil
}

// wan shows fen in 万元 with at most two decimals, rounded half up, as the
// public site states large sums ("128.5"); zero is "0".
func wan(fen int64) string {
	h := (fen + 5000) / 10000 // hundredths of 万元
	s := strconv.FormatInt(h/100, 10)
	if c := h % 100; c != 0 {
		s += strings.TrimRight("."+strconv.FormatInt(c/10, 10)+strconv.FormatInt(c%10, 10), "0")
	}
	return s
}
