// Package storetest opens fresh databases for tests: a SQLite file in a
// temporary folder, and, where ZHUXIANG_TEST_PG names a PostgreSQL database,
// a fresh schema in it, so one test-suite runs against both engines.
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"zhuxiang"
	"zhuxiang/secure"
	"zhuxiang/store"
)

// Engines lists the engines the tests run on: always SQLite, and
// PostgreSQL when ZHUXIANG_TEST_PG is set. With CI=true a missing
// ZHUXIANG_TEST_PG fails the test instead of skipping PostgreSQL silently.
func Engines(t testing.TB) []string {
	out := []string{"sqlite"}
	if os.Getenv("ZHUXIANG_TEST_PG") != "" {
		out = append(out, "postgres")
	} else if os.Getenv("CI") == "true" {
		t.Fatal("CI=true but ZHUXIANG_TEST_PG is not set: the PostgreSQL half of the suite would not run")
	} else {
		t.Log("ZHUXIANG_TEST_PG is not set: skipping PostgreSQL (set it to a postgres:// URL of a UTF-8 database)")
	}
	return out
}

// Each runs fn once per engine, each time on a fresh, migrated store.
func Each(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	for _, eng := range Engines(t) {
		t.Run(eng, func(t *testing.T) { fn(t, Open(t, eng)) })
	}
}

var seq atomic.Int64

// Open returns a fresh migrated store on engine ("sqlite" or "postgres"),
// closed and removed when the test ends.
func Open(t testing.TB, engine string) *store.Store {
	t.Helper()
	_, st := OpenTwice(t, engine, 1)
	return st[0]
}

// OpenTwice opens one fresh database n times, as a server and a
// command-line tool (or two servers) would, with one field key as they
// would share one key file. It returns the database's address too, for
// tests that go around the store as an attacker or an older version would.
func OpenTwice(t testing.TB, engine string, n int) (string, []*store.Store) {
	t.Helper()
	ctx := context.Background()
	var dsn string
	switch engine {
	case "sqlite":
		dsn = filepath.Join(t.TempDir(), "test.db")
	case "postgres":
		dsn = FreshSchema(t)
	default:
		t.Fatalf("unknown engine %q", engine)
	}
	// Every test database gets a random field key, as a new installation
	// would.
	key := secure.NewFieldKey()
	var out []*store.Store
	for range n {
		st, err := store.Open(ctx, dsn, store.WithFieldKey(key))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		if err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		out = append(out, st)
	}
	return dsn, out
}

// FreshSchema creates an empty schema in the ZHUXIANG_TEST_PG database and
// returns a URL whose connections use it; the schema is dropped at cleanup.
func FreshSchema(t testing.TB) string {
	t.Helper()
	base := os.Getenv("ZHUXIANG_TEST_PG")
	if base == "" {
		t.Skip("ZHUXIANG_TEST_PG is not set")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, `CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public`); err != nil {
		t.Fatal(err)
	}
	schema := fmt.Sprintf("t_%d_%d_%s", os.Getpid(), seq.Add(1), secure.NewID()[:6])
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema + ",public"
}

// CreditCode makes a valid unified social credit code for tests: civil
// affairs (5), legal-form digit form ('1' association, '2' service, '3'
// foundation), a six-digit region code and serial n.
func CreditCode(form byte, region string, n int) string {
	first := fmt.Sprintf("5%c%sMJ%07d", form, region, n%10_000_000)
	c, err := zhuxiang.CreditCodeCheckChar(first)
	if err != nil {
		panic(fmt.Sprintf("storetest.CreditCode(%q, %q, %d): %v", form, region, n, err))
	}
	return first + string(c)
}
