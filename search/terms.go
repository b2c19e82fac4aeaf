// Package search is the organization registry's substring index on SQLite:
// posting lists of n-grams and facets held in memory, rebuilt from the
// orgs table when the server starts and kept in step from its rev column.
//
// It replaced an FTS5 table. Keeping FTS5 in step took most of the single
// writer's time in a large import, while the same postings built in Go
// cost little and answer a search without touching the database. PostgreSQL keeps its
// trigram index (migrations/0002_search.postgres.sql) and does not use
// this package.
//
// The index only narrows: every candidate is verified against the text and
// facets it holds, so a posting left behind by an update can never produce
// a wrong answer, and the SQL that fetches the page still applies scope.
package search

import (
	"strings"
	"unicode"
)

// Terms calls fn with every index token of text, which must already be
// lower-cased. Each word is split into runs of ASCII (pinyin, digits,
// credit codes) and of other characters (Chinese):
//
//   - a Chinese run gives every pair of adjacent characters, then its last
//     character alone;
//   - an ASCII run gives every three adjacent characters, then its last two
//     and its last one.
//
// Pairs for Chinese because names are searched by two characters as often
// as by three (小麦, 红枣); triples for ASCII because 26 letters make only 676
// pairs, each in half the index. The trailing short tokens let a query
// shorter than the n-gram find a run that ends with it (prefix lookup).
// Tokens are substrings of text, so producing them allocates nothing.
func Terms(text string, fn func(tok string)) {
	eachRun(text, func(run string, ascii bool) {
		n := gram(ascii)
		// starts holds the byte offset of each rune of run, plus its end.
		var buf [64]int
		starts := buf[:0]
		for i := range run {
			starts = append(starts, i)
		}
		starts = append(starts, len(run))
		runes := len(starts) - 1
		for i := 0; i+n <= runes; i++ {
			fn(run[starts[i]:starts[i+n]])
		}
		for k := min(n-1, runes); k >= 1; k-- {
			fn(run[starts[runes-k]:])
		}
	})
}

// Runs splits a normalized query into the runs that must each occur in a
// matching text, in the same way Terms splits text. A query of punctuation
// alone has no runs.
func Runs(q string) []string {
	var out []string
	eachRun(strings.ToLower(q), func(run string, _ bool) { out = append(out, run) })
	return out
}

// gram is the n-gram length of a run.
func gram(ascii bool) int {
	if ascii {
		return 3
	}
	return 2
}

// eachRun calls fn with each maximal run of word characters of one script
// (ASCII or not) in text.
func eachRun(text string, fn func(run string, ascii bool)) {
	start, ascii := -1, false
	for i, r := range text {
		word := unicode.IsLetter(r) || unicode.IsNumber(r)
		switch {
		case !word:
			if start >= 0 {
				fn(text[start:i], ascii)
				start = -1
			}
		case start < 0:
			start, ascii = i, r < 0x80
		case (r < 0x80) != ascii:
			fn(text[start:i], ascii)
			start, ascii = i, r < 0x80
		}
	}
	if start >= 0 {
		fn(text[start:], ascii)
	}
}

// isShort reports whether a query run is shorter than its n-gram, so that
// it is looked up by prefix among the tokens.
func isShort(run string) bool {
	n := 0
	for range run {
		n++
	}
	return n < gram(run[0] < 0x80)
}
