package store_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zhuxiang"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

// TestWritePath checks the one write helper: a change with no audit entry is
// refused and leaves nothing behind, an unknown entity is refused, and each
// entity bumps exactly the generations entityGens names for it.
func TestWritePath(t *testing.T) {
	const stmt = `UPDATE counters SET value = value + 1 WHERE name = 'needs'`
	cases := []struct {
		name, entity, stmt string
		ok                 bool
		match, orgs, audit int64 // expected increments
	}{
		{"unaudited change refused", "", stmt, false, 0, 0, 0},
		{"unknown entity refused", "no_such_entity", stmt, false, 0, 0, 0},
		{"nothing written, nothing recorded", "", "", true, 0, 0, 0},
		{"need bumps the match input", "need", stmt, true, 1, 0, 1},
		{"org bumps the organizations", "org", stmt, true, 0, 1, 1},
		{"department bumps the organizations", "department", stmt, true, 0, 1, 1},
		{"interest bumps nothing", "match", stmt, true, 0, 0, 1},
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				read := func() (needs, match, orgs, audit int64) {
					var err error
					for _, p := range []struct {
						name string
						v    *int64
					}{{"needs", &needs}, {"match_gen", &match}, {"orgs_gen", &orgs}} {
						if *p.v, err = st.Counter(ctx, p.name); err != nil {
							t.Fatal(err)
						}
					}
					if err := st.DB().QueryRow(`SELECT count(*) FROM audit_log`).Scan(&audit); err != nil {
						t.Fatal(err)
					}
					return
				}
				n0, m0, o0, a0 := read()
				err := st.WriteRaw(ctx, zhuxiang.SystemActor, c.entity, c.stmt)
				if (err == nil) != c.ok {
					t.Fatalf("err = %v, want ok=%v", err, c.ok)
				}
				n1, m1, o1, a1 := read()
				wantN := n0
				if c.ok && c.stmt != "" {
					wantN++
				}
				if n1 != wantN || m1-m0 != c.match || o1-o0 != c.orgs || a1-a0 != c.audit {
					t.Errorf("after write: needs %d→%d (want %d), match_gen +%d (want %d), orgs_gen +%d (want %d), audit +%d (want %d)",
						n0, n1, wantN, m1-m0, c.match, o1-o0, c.orgs, a1-a0, c.audit)
				}
			})
		}
		if res, err := st.VerifyAudit(ctx); err != nil || res.BrokenAt != 0 {
			t.Errorf("chain after the writes: %+v, %v", res, err)
		}
	})
}

// TestWriteRefusesBadValuesAlike checks the write path's safety net: a value
// PostgreSQL refuses (a NUL in text) that slipped past the validators is the
// same invalid-input error users see elsewhere, not an internal error.
func TestWriteRefusesBadValuesAlike(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		err := st.WriteRaw(ctx, zhuxiang.SystemActor, "need", `UPDATE counters SET value = value WHERE name = $1`, "a\x00b")
		if st.Dialect() == store.SQLite {
			if err != nil {
				t.Fatalf("SQLite: %v", err)
			}
			return
		}
		if zhuxiang.ErrorCodeOf(err) != zhuxiang.EInvalid {
			t.Errorf("PostgreSQL: %v, want an invalid-input error", err)
		}
	})
}

// TestWritesGoThroughWritePath keeps every transaction in the store on the
// write path: only write.go begins transactions (and the migration runner,
// which changes the schema, not records), and only the session functions
// write outside a transaction, because a session row is not a record.
func TestWritesGoThroughWritePath(t *testing.T) {
	allowed := map[string]map[string]bool{
		"BeginTx": {"write.go": true, "store.go:Migrate": true},
		"ExecContext": {"store.go:Migrate": true, "users.go:CreateSession": true, "users.go:SessionUser": true,
			"personal.go:scrub": true}, // VACUUM and a WAL checkpoint: the file, not the records
		// Reads on the writer, to see the newest committed state.
		"QueryRowContext": {"personal.go:firstSealedKeyID": true, "personal.go:prepareFieldKey": true, "personal.go:scrub": true},
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				// s.w.X(...): a call on the write pool itself.
				recv, ok := sel.X.(*ast.SelectorExpr)
				if !ok || recv.Sel.Name != "w" {
					return true
				}
				where := allowed[sel.Sel.Name]
				if sel.Sel.Name == "PingContext" || sel.Sel.Name == "Close" || sel.Sel.Name == "QueryRowContext" && name == "store.go" {
					return true
				}
				if where[name] || where[name+":"+fn.Name.Name] {
					return true
				}
				t.Errorf("%s: %s calls s.w.%s outside the write path (store/write.go)", fset.Position(call.Pos()), fn.Name.Name, sel.Sel.Name)
				return true
			})
		}
	}
}
