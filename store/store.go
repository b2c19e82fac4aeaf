// Package store keeps the platform's data in SQL through database/sql, on
// SQLite (modernc.org/sqlite, pure Go) or PostgreSQL (pgx), from one set of
// migrations and, wherever the engines agree, one SQL text with $N
// placeholders. Every method that touches user data takes the acting
// zhuxiang.Actor and derives its filter from that actor's scope, so that a
// handler cannot forget one; every write commits together with its audit
// entry.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver

	"zhuxiang"
	"zhuxiang/secure"
)

// Dialect names the SQL engine behind a Store.
type Dialect string

// Supported engines.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Store is the platform's storage. It is safe for concurrent use.
type Store struct {
	r       *sql.DB // reads
	w       *sql.DB // writes: one connection on SQLite, the same pool on PostgreSQL
	dialect Dialect
	stmts   sync.Map // SQL text → *sql.Stmt on the read pool (SQLite only)
	nstmts  atomic.Int32
	ref     refCache
	// sessions short-cuts the session read on SQLite (nil on PostgreSQL).
	sessions *sessionCache
	// gen keeps the last generation read, with its data version (SQLite).
	gen genCache
	// matchCache keeps the last match input (proposals on every need and
	// offer page read it).
	matchCache matchCache
	// touching holds the digests of sessions whose last-seen time is being
	// written (SessionUser).
	touching sync.Map
	// index answers organization searches and filtered counts (SQLite).
	index orgIndex
	// Now is the clock; tests replace it to cross lockout and idle limits.
	Now func() time.Time
	// passwordChecks counts the password hashes Login compared, so that a
	// test can prove the lockout bounds them under parallel requests
	// without measuring time.
	passwordChecks atomic.Int64
	// key seals personal data at rest (personal.go); nil refuses to store
	// any.
	key *secure.FieldKey
}

// readConns sizes the SQLite read pool: two connections per core. More
// connections only contend on the engine's locks and lengthen the tail of
// the response times under load, and
// database/sql hands a freed connection to waiters in no particular order.
var readConns = max(4, 2*runtime.GOMAXPROCS(0))

//go:embed migrations/*.sql
var migrations embed.FS

// Open opens a database: a postgres:// URL selects PostgreSQL, anything else
// is a SQLite file path. It does not migrate; call Migrate. Options give
// it the field key (WithFieldKey).
func Open(ctx context.Context, dsn string, opts ...Option) (*Store, error) {
	s := &Store{Now: time.Now}
	for _, o := range opts {
		o(s)
	}
	if IsPostgresDSN(dsn) {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, err
		}
		db.SetMaxOpenConns(20)
		db.SetMaxIdleConns(20)
		db.SetConnMaxIdleTime(5 * time.Minute)
		s.r, s.w, s.dialect = db, db, Postgres
	} else {
		// WAL lets readers run beside the one writer; the busy timeout covers
		// a second process (a CLI import while the server runs); _txlock
		// makes every write transaction take the write lock up front so two
		// writers never deadlock upgrading a read lock.
		// The driver runs _pragma parameters in alphabetical order, so each
		// pool names its cache size once (a second cache_size would be
		// sorted and win or lose by its digits).
		base := "file:" + dsn + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=temp_store(MEMORY)"
		if err := createSQLite(dsn); err != nil {
			return nil, err
		}
		// The writer gets a larger page cache so that a 100 000-row import
		// does not spill pages to the WAL halfway through its transaction.
		w, err := sql.Open("sqlite", base+"&_pragma=cache_size(-262144)&_txlock=immediate")
		if err != nil {
			return nil, err
		}
		w.SetMaxOpenConns(1)
		r, err := sql.Open("sqlite", base+"&_pragma=cache_size(-32000)&_pragma=query_only(1)")
		if err != nil {
			w.Close()
			return nil, err
		}
		r.SetMaxOpenConns(readConns)
		r.SetMaxIdleConns(readConns)
		s.r, s.w, s.dialect = r, w, SQLite
		if s.sessions, err = newSessionCache(ctx, base+"&_pragma=cache_size(-32000)&_pragma=query_only(1)"); err != nil {
			s.Close()
			return nil, err
		}
	}
	if err := s.w.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("打开数据库失败: %w", err)
	}
	return s, nil
}

// createSQLite makes a new SQLite file with 8 KB pages; an existing file is
// left as it is. The page size is fixed once the file is in WAL mode, and
// the driver would switch to WAL first (it runs _pragma parameters in
// alphabetical order). Large imports run faster than with 4 KB pages
// (fewer page splits and WAL frames); 16 KB gained nothing more.
func createSQLite(path string) error {
	if fi, err := os.Stat(path); err == nil && fi.Size() > 0 || path == ":memory:" {
		return nil
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.Exec(`PRAGMA page_size = 8192; PRAGMA journal_mode = WAL`)
	return err
}

// Close closes the database.
func (s *Store) Close() error {
	s.stmts.Range(func(_, v any) bool {
		v.(*sql.Stmt).Close()
		return true
	})
	err := s.w.Close()
	if e := s.sessions.close(); err == nil {
		err = e
	}
	if s.r != s.w {
		if e := s.r.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Dialect tells which engine the store runs on.
func (s *Store) Dialect() Dialect { return s.dialect }

// DB exposes the read pool for benchmarks and checks that need raw SQL.
func (s *Store) DB() *sql.DB { return s.r }

// Migrate applies the embedded migrations that have not run yet, in name
// order, each in its own transaction. A file named x.sqlite.sql or
// x.postgres.sql runs only on that engine; where the engines differ (full
// text indexes) the difference lives there and nowhere else. Then it checks
// the field key against the database and seals any plaintext personal data
// (prepareFieldKey): a wrong key stops it here, before anything is served.
func (s *Store) Migrate(ctx context.Context) error {
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return err
	}
	entries, err := fs.ReadDir(migrations, "migrations")
	if err != nil {
		return err
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		parts := strings.Split(n, ".")
		if len(parts) == 3 && parts[1] != string(s.dialect) {
			continue
		}
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		var one int
		err := s.w.QueryRowContext(ctx, `SELECT 1 FROM schema_migrations WHERE name = $1`, n).Scan(&one)
		if err == nil {
			continue
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		body, err := migrations.ReadFile(path.Join("migrations", n))
		if err != nil {
			return err
		}
		tx, err := s.w.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		for _, stmt := range splitSQL(string(body)) {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				tx.Rollback()
				return fmt.Errorf("migration %s: %w\n%s", n, err, stmt)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)`, n, ts(s.Now())); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	if err := s.seed(ctx); err != nil {
		return err
	}
	return s.prepareFieldKey(ctx)
}

// splitSQL splits a migration on lines that hold only "-- +split", so that
// trigger bodies with semicolons stay whole, and otherwise on semicolons at
// line ends.
func splitSQL(body string) []string {
	var out []string
	for _, chunk := range strings.Split(body, "-- +split") {
		if strings.Contains(chunk, "-- +whole") {
			if c := strings.TrimSpace(chunk); c != "" {
				out = append(out, c)
			}
			continue
		}
		for _, stmt := range strings.Split(chunk, ";\n") {
			if st := strings.TrimSpace(stmt); st != "" && !onlyComments(st) {
				out = append(out, st)
			}
		}
	}
	return out
}

func onlyComments(s string) bool {
	for _, line := range strings.Split(s, "\n") {
		if l := strings.TrimSpace(line); l != "" && !strings.HasPrefix(l, "--") {
			return false
		}
	}
	return true
}

// seed inserts the facts of the plan that every installation starts from:
// the prefecture, its nine counties and the departments of the five actions.
// It only adds what is missing, so an administrator's edits survive.
func (s *Store) seed(ctx context.Context) error {
	return s.write(ctx, zhuxiang.SystemActor, func(tx *writeTx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM regions`).Scan(&n); err != nil {
			return err
		}
		now := ts(s.Now())
		if n == 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO regions (code, name, level, parent_code, county_code, county_class, official, search, created_at, updated_at, updated_by)
				VALUES ($1, $2, 'prefecture', '650000', '', '', 1, $3, $4, $4, $5)`,
				zhuxiang.PrefectureCode, "巴音郭楞蒙古自治州", regionSearch("巴音郭楞蒙古自治州", zhuxiang.PrefectureCode), now, tx.actor.Name); err != nil {
				return err
			}
			for _, c := range zhuxiang.SeedCounties {
				if _, err := tx.ExecContext(ctx, `INSERT INTO regions (code, name, level, parent_code, county_code, county_class, official, search, created_at, updated_at, updated_by)
					VALUES ($1, $2, 'county', $3, $1, $4, 1, $5, $6, $6, $7)`,
					c.Code, c.Name, zhuxiang.PrefectureCode, string(c.Class), regionSearch(c.Name, c.Code), now, tx.actor.Name); err != nil {
					return err
				}
			}
			if err := tx.audit("seed", "region", "", map[string]int{"州": 1, "县市": len(zhuxiang.SeedCounties)}); err != nil {
				return err
			}
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM departments`).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			for _, d := range zhuxiang.SeedDepartments {
				id := secure.NewID()
				if _, err := tx.ExecContext(ctx, `INSERT INTO departments (id, name, note, created_at, updated_at, updated_by) VALUES ($1, $2, '', $3, $3, $4)`, id, d.Name, now, tx.actor.Name); err != nil {
					return err
				}
				for _, a := range d.Lead {
					if _, err := tx.ExecContext(ctx, `INSERT INTO department_actions (department_id, action, lead) VALUES ($1, $2, 1)`, id, string(a)); err != nil {
						return err
					}
				}
				for _, a := range d.Coop {
					if _, err := tx.ExecContext(ctx, `INSERT INTO department_actions (department_id, action, lead) VALUES ($1, $2, 0)`, id, string(a)); err != nil {
						return err
					}
				}
			}
			if err := tx.audit("seed", "department", "", map[string]int{"部门": len(zhuxiang.SeedDepartments)}); err != nil {
				return err
			}
		}
		return nil
	})
}

// maxCachedStmts bounds the statement cache; list queries vary with their
// filters, but only over a few hundred combinations.
const maxCachedStmts = 512

// query runs a read on the read pool. On SQLite it reuses a prepared
// statement per SQL text: modernc.org/sqlite parses every query afresh
// otherwise, and parsing was a fifth of the list page's time. (pgx keeps
// its own per-connection statement cache.)
func (s *Store) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := s.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return s.r.QueryContext(ctx, q, args...)
}

// queryRow is query for one row.
func (s *Store) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if st := s.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return s.r.QueryRowContext(ctx, q, args...)
}

func (s *Store) stmt(ctx context.Context, q string) *sql.Stmt {
	if s.dialect != SQLite {
		return nil
	}
	if v, ok := s.stmts.Load(q); ok {
		return v.(*sql.Stmt)
	}
	if s.nstmts.Load() >= maxCachedStmts {
		return nil
	}
	st, err := s.r.PrepareContext(context.WithoutCancel(ctx), q)
	if err != nil {
		return nil // the plain query will report the error
	}
	if v, loaded := s.stmts.LoadOrStore(q, st); loaded {
		st.Close()
		return v.(*sql.Stmt)
	}
	s.nstmts.Add(1)
	return st
}

// forUpdate locks selected rows on PostgreSQL; SQLite's single writer
// already serializes.
func (s *Store) forUpdate() string {
	if s.dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// forUpdateOf locks only the rows of one table of a join on PostgreSQL.
func (s *Store) forUpdateOf(table string) string {
	if s.dialect == Postgres {
		return " FOR UPDATE OF " + table
	}
	return ""
}

func notFound(what string) error {
	return zhuxiang.Errorf(zhuxiang.ENotFound, "", "%s不存在或无权查看", what)
}

func forbidden(format string, args ...any) error {
	return zhuxiang.Errorf(zhuxiang.EForbidden, "", format, args...)
}

// String returns the engine's name as storetest.Open takes it.
func (d Dialect) String() string { return string(d) }
