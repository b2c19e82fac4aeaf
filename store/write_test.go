package store_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"slices"
	"strconv"
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
		name, op, entity, stmt string
		ok                     bool
		match, orgs, audit     int64 // expected increments
	}{
		{"unaudited change refused", "update", "", stmt, false, 0, 0, 0},
		{"unknown entity refused", "update", "no_such_entity", stmt, false, 0, 0, 0},
		{"operation without Chinese words refused", "frobnicate", "need", stmt, false, 0, 0, 0},
		{"nothing written, nothing recorded", "update", "", "", true, 0, 0, 0},
		{"need bumps the match input", "update", "need", stmt, true, 1, 0, 1},
		{"org bumps the organizations", "update", "org", stmt, true, 0, 1, 1},
		{"department bumps the organizations", "update", "department", stmt, true, 0, 1, 1},
		{"interest bumps nothing", "update", "match", stmt, true, 0, 0, 1},
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
				err := st.WriteRaw(ctx, zhuxiang.SystemActor, c.op, c.entity, c.stmt)
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
		err := st.WriteRaw(ctx, zhuxiang.SystemActor, "update", "need", `UPDATE counters SET value = value WHERE name = $1`, "a\x00b")
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

// TestAuditLabels keeps the audit log readable: every operation and every
// kind of object the store records has Chinese words (zhuxiang.AuditOps,
// zhuxiang.AuditEntities). It reads the store's source for each audit call,
// so an entry no test happens to write is caught too; an operation that is
// not a literal must be one of the variables listed here, whose values are
// checked another way.
func TestAuditLabels(t *testing.T) {
	// Variables passed as the operation, and where their values come from.
	computedOps := map[string][]string{
		"name": func() []string { // a lifecycle transition's name
			var out []string
			for _, tr := range zhuxiang.NeedTransitions {
				out = append(out, tr.Name)
			}
			for _, tr := range zhuxiang.MatchTransitions {
				out = append(out, tr.Name)
			}
			return out
		}(),
		"op": {"create", "update"}, // a department saved
	}
	// Variables passed as the entity: an import kind's (its literal
	// `entity:` field is checked below) and auditAlone's parameter.
	computedEntities := map[string]bool{"k.entity": true, "entity": true}

	for _, e := range store.AuditedEntities() {
		if _, ok := zhuxiang.AuditEntityLabel(e); !ok {
			t.Errorf("entity %q (entityGens) has no label in zhuxiang.AuditEntities", e)
		}
	}
	for _, l := range zhuxiang.AuditEntities {
		if !slices.Contains(store.AuditedEntities(), l.Code) {
			t.Errorf("zhuxiang.AuditEntities offers %q, which the store never records (not in entityGens)", l.Code)
		}
	}
	for _, ops := range computedOps {
		for _, op := range ops {
			if _, ok := zhuxiang.AuditOpLabel(op, ""); !ok {
				t.Errorf("operation %q has no label in zhuxiang.AuditOps", op)
			}
		}
	}

	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	calls := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.KeyValueExpr: // an import kind's entity: "org"
				if k, ok := n.Key.(*ast.Ident); ok && k.Name == "entity" {
					if s, ok := stringLit(n.Value); ok {
						if _, ok := zhuxiang.AuditEntityLabel(s); !ok {
							t.Errorf("%s: entity %q has no label in zhuxiang.AuditEntities", fset.Position(n.Pos()), s)
						}
					}
				}
			case *ast.CallExpr:
				sel, ok := n.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				var op, entity ast.Expr
				switch {
				case sel.Sel.Name == "audit" && len(n.Args) == 4:
					op, entity = n.Args[0], n.Args[1]
				case sel.Sel.Name == "auditAlone" && len(n.Args) == 6:
					op, entity = n.Args[2], n.Args[3]
				default:
					return true
				}
				calls++
				pos := fset.Position(n.Pos())
				if s, ok := stringLit(op); ok {
					if _, ok := zhuxiang.AuditOpLabel(s, ""); !ok {
						t.Errorf("%s: operation %q has no label in zhuxiang.AuditOps", pos, s)
					}
				} else if id, ok := op.(*ast.Ident); !ok || computedOps[id.Name] == nil {
					t.Errorf("%s: the operation is neither a literal nor a variable TestAuditLabels knows; list its values there", pos)
				}
				if s, ok := stringLit(entity); ok {
					if _, ok := zhuxiang.AuditEntityLabel(s); !ok {
						t.Errorf("%s: entity %q has no label in zhuxiang.AuditEntities", pos, s)
					}
				} else if !computedEntities[types.ExprString(entity)] {
					t.Errorf("%s: the entity is neither a literal nor a variable TestAuditLabels knows; list it there", pos)
				}
			}
			return true
		})
	}
	if calls < 30 {
		t.Errorf("found %d audit calls in store/; the search no longer sees them", calls)
	}
}

// stringLit is the value of a string literal.
func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}
