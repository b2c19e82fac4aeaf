package store

import "database/sql"

// WriteDB exposes the write pool to tests that must go around the store to
// prove that verification notices.
func (s *Store) WriteDB() *sql.DB { return s.w }
