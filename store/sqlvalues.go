package store

// Small conversions between Go values and what both engines store: times as
// fixed-width text, booleans as integers, empty strings as NULL, LIKE patterns.

import (
	"strconv"
	"strings"
	"time"

	"zhuxiang/secure"
)

// TimeLayout is how times are stored: fixed-width UTC text sorts and
// compares the same way on both engines.
const TimeLayout = secure.AuditTimeLayout

func ts(t time.Time) string { return t.UTC().Format(TimeLayout) }

// tsOrEmpty is ts, with the zero time (no such moment) as "", which
// parseTS reads back as the zero time.
func tsOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return ts(t)
}

func parseTS(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(TimeLayout, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// like escapes a user's text for a LIKE pattern with ESCAPE '\'.
func like(q string) string {
	return "%" + likeEscaper.Replace(q) + "%"
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// likeWordStart is a LIKE pattern (ESCAPE '\') for a text, with a blank
// put before it, that has a word starting with q: ' ' || search LIKE it.
func likeWordStart(q string) string {
	return "% " + likeEscaper.Replace(q) + "%"
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func splitComma(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// inList appends the value of each of vals to args and returns the
// placeholders that name them, "($3, $4, $5)", for an IN condition: the
// one way a page of records reads its lists in a single query.
func inList[T any](args *[]any, vals []T, val func(T) any) string {
	marks := make([]string, len(vals))
	for i, v := range vals {
		*args = append(*args, val(v))
		marks[i] = "$" + strconv.Itoa(len(*args))
	}
	return "(" + strings.Join(marks, ", ") + ")"
}
