//go:build !unix

package store

// LockSQLite does nothing where flock(2) is missing: there the operator
// must stop the server before a restore, as the README says.
func LockSQLite(path string, exclusive bool) (unlock func(), err error) {
	return func() {}, nil
}
