package zhuxiang

import (
	"strings"
	"unicode"
)

// SearchTerms turns search text (a name, a credit code, pinyin keys) into
// the tokens of the full-text index. Each word is split into runs of ASCII
// (pinyin, digits, credit codes) and of other characters (Chinese):
//
//   - a Chinese run gives every pair of adjacent characters, then its last
//     character alone;
//   - an ASCII run gives every three adjacent characters, then its last two
//     and its last one.
//
// A query becomes a phrase of the same n-grams (SearchMatch), and a phrase
// of overlapping n-grams at consecutive positions is exactly a substring:
// "kel" is the token kel, 库尔勒 the phrase "库尔 尔勒". Pairs for Chinese
// because names are searched by two characters as often as by three (小麦,
// 红枣), which a trigram index cannot answer; triples for ASCII because 26
// letters make only 676 pairs, each in half the index, and phrase queries
// over such lists cost tens of milliseconds. The trailing short tokens let
// a query shorter than the n-gram match at the end of a run by prefix.
func SearchTerms(text string) string {
	var b strings.Builder
	b.Grow(len(text) * 3)
	for _, word := range strings.FieldsFunc(strings.ToLower(text), notWordRune) {
		for _, run := range scriptRuns(word) {
			n := 2
			if run[0] < 0x80 {
				n = 3
			}
			for i := 0; i+n <= len(run); i++ {
				writeToken(&b, run[i:i+n])
			}
			for k := min(n-1, len(run)); k >= 1; k-- {
				writeToken(&b, run[len(run)-k:])
			}
		}
	}
	return strings.TrimSuffix(b.String(), " ")
}

func writeToken(b *strings.Builder, rs []rune) {
	for _, r := range rs {
		b.WriteRune(r)
	}
	b.WriteByte(' ')
}

// scriptRuns splits a word into maximal runs of ASCII and non-ASCII runes.
func scriptRuns(word string) [][]rune {
	var out [][]rune
	var cur []rune
	for _, r := range word {
		if len(cur) > 0 && (cur[0] < 0x80) != (r < 0x80) {
			out = append(out, cur)
			cur = nil
		}
		cur = append(cur, r)
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

func notWordRune(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) }

// SearchMatch builds the FTS5 query for q (already normalized with
// SearchNormalize): every word must occur as a substring. A run shorter
// than its n-gram matches as a prefix. It returns "" when q holds nothing
// searchable.
func SearchMatch(q string) string {
	var parts []string
	for _, word := range strings.FieldsFunc(strings.ToLower(q), notWordRune) {
		for _, run := range scriptRuns(word) {
			n := 2
			if run[0] < 0x80 {
				n = 3
			}
			if len(run) < n {
				parts = append(parts, `"`+string(run)+`"*`)
				continue
			}
			var p []string
			for i := 0; i+n <= len(run); i++ {
				p = append(p, string(run[i:i+n]))
			}
			parts = append(parts, `"`+strings.Join(p, " ")+`"`)
		}
	}
	return strings.Join(parts, " AND ")
}
