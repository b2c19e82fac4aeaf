package store

import (
	"context"
	"strconv"
	"sync"
)

// Gen is the data generation: the change counters that every write bumps in
// its own transaction (see entityGens in write.go). Two reads that return
// the same Gen saw the same organizations, departments, needs, offers,
// pairings, regions and settings, in this process or any other on the same
// database, so a value derived from data read under one Gen may be reused
// for as long as the Gen stays the same. It says nothing about users,
// sessions or notifications, which are not counted. interests counts the
// writes to interests (matches), which no derived input reads but the work
// bench counts.
type Gen struct {
	orgs, match, interests int64
}

// genColumns reads a Gen as three columns of a larger statement.
const genColumns = `(SELECT value FROM counters WHERE name = 'orgs_gen'), (SELECT value FROM counters WHERE name = 'match_gen'),
	(SELECT value FROM counters WHERE name = 'interests_gen')`

// String spells the generation for a cache key.
func (g Gen) String() string {
	return strconv.FormatInt(g.orgs, 10) + "." + strconv.FormatInt(g.match, 10) + "." + strconv.FormatInt(g.interests, 10)
}

// genCache keeps the last generation read on SQLite with the data version
// it was read under, as sessionCache keeps sessions: while no connection of
// any process has committed since, the counters cannot have moved.
type genCache struct {
	mu      sync.Mutex
	ok      bool
	version int64
	gen     Gen
}

// Generation returns the current data generation. A request with a
// session has it already, read with the session (Session.Gen). On SQLite
// it costs a look at the data version while nothing was written; otherwise
// one indexed read.
func (s *Store) Generation(ctx context.Context) (Gen, error) {
	// The data version is read before the counters, so that a commit
	// between the two leaves the entry stale rather than wrong.
	version, cacheable := s.sessions.version(ctx)
	if cacheable {
		s.gen.mu.Lock()
		g, ok := s.gen.gen, s.gen.ok && s.gen.version == version
		s.gen.mu.Unlock()
		if ok {
			return g, nil
		}
	}
	var g Gen
	if err := s.queryRow(ctx, `SELECT `+genColumns).Scan(&g.orgs, &g.match, &g.interests); err != nil {
		return Gen{}, err
	}
	if cacheable {
		s.gen.mu.Lock()
		s.gen.ok, s.gen.version, s.gen.gen = true, version, g
		s.gen.mu.Unlock()
	}
	return g, nil
}
