package zhuxiang

import "strings"

// PhoneDigits normalises a phone number for exact look-up (the store's
// blind index): digits only, full-width digits folded, and the country
// code of a Chinese mobile dropped, so that "+86 138-1234-5678" and
// "13812345678" are the same number.
func PhoneDigits(p string) string {
	var b strings.Builder
	for _, r := range foldFullWidth(p) {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	d := b.String()
	if len(d) == 13 && strings.HasPrefix(d, "86") && d[2] == '1' {
		d = d[2:]
	}
	return d
}
