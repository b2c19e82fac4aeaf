package store

// PasswordChecks tells how many password hashes Login has compared since
// the store was opened.
func (s *Store) PasswordChecks() int64 { return s.passwordChecks.Load() }
