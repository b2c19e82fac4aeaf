package store

import (
	"context"
	"strconv"
)

// Gen is the data generation: the change counters that every write bumps in
// its own transaction (see entityGens in write.go). Two reads that return
// the same Gen saw the same organizations, departments, needs, offers,
// pairings, regions and settings, in this process or any other on the same
// database, so a value derived from data read under one Gen may be reused
// for as long as the Gen stays the same. It says nothing about users,
// sessions or notifications, which are not counted.
type Gen struct {
	orgs, match int64
}

// genColumns reads a Gen as two columns of a larger statement.
const genColumns = `(SELECT value FROM counters WHERE name = 'orgs_gen'), (SELECT value FROM counters WHERE name = 'match_gen')`

// String spells the generation for a cache key.
func (g Gen) String() string {
	return strconv.FormatInt(g.orgs, 10) + "." + strconv.FormatInt(g.match, 10)
}

// Generation reads the current data generation: one indexed read. A
// request with a session has it already, read with the session (Session.Gen).
func (s *Store) Generation(ctx context.Context) (Gen, error) {
	var g Gen
	err := s.queryRow(ctx, `SELECT `+genColumns).Scan(&g.orgs, &g.match)
	return g, err
}
