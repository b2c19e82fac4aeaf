package store

// Keyset paging shared by every list: cursors, their strict reader, and the
// newest-first page over a table with a seq column.

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"unicode/utf8"

	"zhuxiang"
)

// CountCap bounds the count shown beside a list ("超过 1000 个"), so that
// counting a vague search over a national registry never costs more than
// the page itself: an exact count of thousands of matches costs many times
// the page.
const CountCap = 1000

// cursor is a position in a list: after (name, id) in name order, or
// before seq in a search's newest-first order.
type cursor struct {
	search   bool
	seq      int64
	name, id string
}

func encodeCursor(c cursor) string {
	if c.search {
		return "s" + strconv.FormatInt(c.seq, 36)
	}
	return "n" + base64.RawURLEncoding.EncodeToString([]byte(c.name+"\x00"+c.id))
}

// decodeCursor is the one reader of list cursors, and strict: a cursor
// is accepted only if encodeCursor could have written it, because its
// parts go to the database as they are, and PostgreSQL fails on what SQLite
// would quietly compare (a NUL byte, invalid UTF-8, a number past int64).
func decodeCursor(s string) (cursor, bool) {
	if strings.HasPrefix(s, "s") {
		n, ok := decodeSeq(s[1:])
		return cursor{search: true, seq: n}, ok
	}
	if !strings.HasPrefix(s, "n") {
		return cursor{}, false
	}
	b, err := base64.RawURLEncoding.DecodeString(s[1:])
	if err != nil {
		return cursor{}, false
	}
	name, id, ok := strings.Cut(string(b), "\x00")
	c := cursor{name: name, id: id}
	ok = ok && zhuxiang.IsID(id) && name != "" && utf8.ValidString(name)
	return c, ok && encodeCursor(c) == s
}

// decodeSeq reads a position in registration order as seqPage and the
// search cursor write it: a positive base-36 number, in its one spelling.
func decodeSeq(s string) (int64, bool) {
	n, err := strconv.ParseInt(s, 36, 64)
	return n, err == nil && n > 0 && strconv.FormatInt(n, 36) == s
}

// seqQuery is a newest-first list over a table with a seq column: the
// columns and FROM clause, the table's alias, the WHERE condition and its
// arguments, and where to continue.
type seqQuery struct {
	cols, from, alias, cond string
	args                    []any
	cursor                  string
	limit                   int
}

// seqPage counts the matches (up to CountCap) and reads one page of them,
// newest first, continuing after the cursor (keyset pagination: page 500
// costs what page 1 costs). It returns the cursor of the next page, or "".
func seqPage[T any](ctx context.Context, s *Store, q seqQuery, scan func(interface{ Scan(...any) error }) (T, error), seq func(T) int64) ([]T, string, int, error) {
	var total int
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1`+q.from+` WHERE `+q.cond+` LIMIT `+strconv.Itoa(CountCap)+`) t`, q.args...).Scan(&total); err != nil {
		return nil, "", 0, err
	}
	limit := q.limit
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	cond, args := q.cond, q.args
	if q.cursor != "" {
		after, ok := decodeSeq(q.cursor)
		if !ok {
			return nil, "", 0, zhuxiang.Errorf(zhuxiang.EInvalid, "cursor", "翻页参数无效")
		}
		args = append(args[:len(args):len(args)], after)
		cond += " AND " + q.alias + ".seq < $" + strconv.Itoa(len(args))
	}
	rows, err := s.query(ctx, `SELECT `+q.cols+q.from+` WHERE `+cond+` ORDER BY `+q.alias+`.seq DESC LIMIT `+strconv.Itoa(limit+1), args...)
	if err != nil {
		return nil, "", 0, err
	}
	defer rows.Close()
	var items []T
	for rows.Next() {
		it, err := scan(rows)
		if err != nil {
			return nil, "", 0, err
		}
		items = append(items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, "", 0, err
	}
	next := ""
	if len(items) > limit {
		items = items[:limit]
		next = strconv.FormatInt(seq(items[limit-1]), 36)
	}
	return items, next, total, nil
}
