package store

import (
	"context"
	"database/sql"

	"zhuxiang"
)

// WriteDB exposes the write pool to tests that must go around the store to
// prove that verification notices.
func (s *Store) WriteDB() *sql.DB { return s.w }

// SessionCacheHits tells how many sessions were served from the cache.
func (s *Store) SessionCacheHits() int64 {
	if s.sessions == nil {
		return 0
	}
	return s.sessions.hits.Load()
}

// RebuildSearch builds the search index afresh from the database and says
// how big it is.
func (s *Store) RebuildSearch(ctx context.Context) (docs, keys, postings int, err error) {
	s.index.mu.Lock()
	s.index.x = nil
	s.index.mu.Unlock()
	if err := s.syncIndex(ctx, 0); err != nil {
		return 0, 0, 0, err
	}
	docs, keys, postings = s.index.x.Stats()
	return docs, keys, postings, nil
}

// CachedStatements tells how many statements the read pool keeps prepared.
func (s *Store) CachedStatements() int { return int(s.nstmts.Load()) }

// WriteRaw runs one statement through the write path as a, recording an
// audit entry (op, entity) unless entity is empty, so tests can check what
// the write path refuses and which generations it bumps.
func (s *Store) WriteRaw(ctx context.Context, a zhuxiang.Actor, op, entity, stmt string, args ...any) error {
	return s.write(ctx, a, func(w *writeTx) error {
		if stmt != "" {
			if _, err := w.ExecContext(ctx, stmt, args...); err != nil {
				return err
			}
		}
		if entity == "" {
			return nil
		}
		return w.audit(op, entity, "", nil)
	})
}

// AuditedEntities lists the kinds of object the write path accepts in an
// audit entry (entityGens).
func AuditedEntities() []string {
	out := make([]string, 0, len(entityGens))
	for e := range entityGens {
		out = append(out, e)
	}
	return out
}

// Counter reads one row of the counters table.
func (s *Store) Counter(ctx context.Context, name string) (int64, error) {
	var v int64
	err := s.w.QueryRowContext(ctx, `SELECT value FROM counters WHERE name = $1`, name).Scan(&v)
	return v, err
}

// UnsealedProbes are the queries a start runs to ask whether any
// personal data is still in plaintext, one per sealed column.
func UnsealedProbes() []string {
	var qs []string
	for _, c := range sealedColumns {
		qs = append(qs, unsealedProbe(c))
	}
	return qs
}
