package store_test

import (
	"bytes"
	"database/sql"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"zhuxiang"
	"zhuxiang/demo"
	"zhuxiang/secure"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

// mobile finds a mainland mobile number standing alone (not inside a
// longer run of letters and digits, such as a hex id or a hash).
var mobile = regexp.MustCompile(`(^|[^0-9A-Za-z])1[3-9][0-9]{9}([^0-9A-Za-z]|$)`)

// openKeyed opens and migrates dsn with key k (nil: no key).
func openKeyed(t *testing.T, dsn string, k *secure.FieldKey) (*store.Store, error) {
	t.Helper()
	var opts []store.Option
	if k != nil {
		opts = append(opts, store.WithFieldKey(k))
	}
	st, err := store.Open(ctx, dsn, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	}
	t.Cleanup(func() { st.Close() })
	return st, nil
}

// dsnFor is a fresh database on engine: a SQLite file or a PostgreSQL
// schema that outlives one store, so that a test can reopen it.
func dsnFor(t *testing.T, engine string) string {
	if engine == "sqlite" {
		return filepath.Join(t.TempDir(), "p.db")
	}
	return storetest.FreshSchema(t)
}

// diskBytes is what a thief of the database would read: the SQLite file
// and its WAL as they are, or a pg_dump of the test schema.
func diskBytes(t *testing.T, engine, dsn string) []byte {
	t.Helper()
	if engine == "sqlite" {
		var all []byte
		for _, p := range []string{dsn, dsn + "-wal"} {
			b, err := os.ReadFile(p)
			if err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			all = append(all, b...)
			all = append(all, 0)
		}
		return all
	}
	if _, err := exec.LookPath("pg_dump"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but pg_dump is not installed: the PostgreSQL half of the at-rest check would not run")
		}
		t.Skip("pg_dump is not installed")
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	schema, _, _ := strings.Cut(q.Get("search_path"), ",")
	q.Del("search_path")
	u.RawQuery = q.Encode()
	out, err := exec.Command("pg_dump", "--schema="+schema, u.String()).Output()
	if err != nil {
		t.Fatalf("pg_dump: %v", err)
	}
	if !bytes.Contains(out, []byte("CREATE TABLE "+schema+".orgs")) {
		t.Fatalf("pg_dump did not dump the test schema %s", schema)
	}
	return out
}

// allPhones reads every phone the prefecture admin sees, whole.
func allPhones(t *testing.T, st *store.Store) []string {
	t.Helper()
	var out []string
	if err := st.EachOrg(ctx, zhuxiang.SystemActor, store.OrgFilter{}, func(o *zhuxiang.Org) error {
		if o.Phone != "" {
			out = append(out, o.Phone)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	f := store.NeedFilter{Limit: 200}
	for {
		p, err := st.ListNeeds(ctx, zhuxiang.SystemActor, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range p.Needs {
			if n.Phone != "" {
				out = append(out, n.Phone)
			}
		}
		if p.Next == "" {
			return out
		}
		f.Cursor = p.Next
	}
}

// noPhones fails when b holds a mobile number or any of phones.
func noPhones(t *testing.T, b []byte, phones []string) {
	t.Helper()
	if m := mobile.Find(b); m != nil {
		// The test's own output masks it too: CI logs are kept.
		t.Errorf("a mobile number is stored in clear: %s", zhuxiang.MaskPhone(zhuxiang.PhoneDigits(string(m))))
	}
	for _, p := range phones {
		if bytes.Contains(b, []byte(p)) {
			t.Errorf("phone %s is stored in clear", zhuxiang.MaskPhone(p))
			return
		}
	}
}

// TestDemoPhonesNotOnDisk loads the demo data, as `zhuxiang serve --demo`
// does, and reads the database as a thief would: no phone number in clear.
func TestDemoPhonesNotOnDisk(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng, func(t *testing.T) {
			dsn := dsnFor(t, eng)
			st, err := openKeyed(t, dsn, secure.NewFieldKey())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := demo.Load(ctx, st, "prefecture", io.Discard); err != nil {
				t.Fatal(err)
			}
			phones := allPhones(t, st)
			if len(phones) < 300 {
				t.Fatalf("the demo has %d phones; the check needs them", len(phones))
			}
			for _, p := range phones[:3] {
				if !mobile.MatchString(p) {
					t.Fatalf("the admin reads %q, not a whole mobile number", p)
				}
			}
			noPhones(t, diskBytes(t, eng, dsn), phones)
			if eng == "sqlite" {
				// A backup taken while the store is open (zhuxiang backup)
				// holds only sealed values too.
				backup := filepath.Join(t.TempDir(), "backup.db")
				if err := store.BackupSQLite(ctx, dsn, backup); err != nil {
					t.Fatal(err)
				}
				noPhones(t, diskBytes(t, eng, backup), phones)
				st.Close()
				noPhones(t, diskBytes(t, eng, dsn), phones)
			}
		})
	}
}

// TestPlaintextPhonesSealedOnStart: a database written before encryption
// has its phones sealed on the first start with a key, once, and on SQLite
// the old pages go too.
func TestPlaintextPhonesSealedOnStart(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng, func(t *testing.T) {
			dsn := dsnFor(t, eng)
			k := secure.NewFieldKey()
			st, err := openKeyed(t, dsn, k)
			if err != nil {
				t.Fatal(err)
			}
			o := mustOrg(t, st, zhuxiang.SystemActor, "旧库协会", "652827", 1)
			n := &zhuxiang.Need{CountyCode: "652827", Action: zhuxiang.ActionIndustry, Title: "旧库需求", Phone: "13955550002"}
			if _, err := st.CreateNeed(ctx, zhuxiang.SystemActor, n); err != nil {
				t.Fatal(err)
			}
			// What the previous version stored: the number as typed.
			w := st.WriteDB()
			for _, q := range []string{`UPDATE orgs SET phone = '13955550001', phone_idx = ''`, `UPDATE needs SET phone = '13955550002', phone_idx = ''`} {
				if _, err := w.Exec(q); err != nil {
					t.Fatal(err)
				}
			}
			if eng == "sqlite" {
				if _, err := w.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
					t.Fatal(err)
				}
				if b := diskBytes(t, eng, dsn); !bytes.Contains(b, []byte("13955550001")) {
					t.Fatal("setup: the plaintext phone is not in the file, so the check below proves nothing")
				}
			}
			audits := auditCount(t, w)
			st.Close()

			st, err = openKeyed(t, dsn, k)
			if err != nil {
				t.Fatal(err)
			}
			got, err := st.Org(ctx, zhuxiang.SystemActor, o.ID)
			if err != nil || got.Phone != "13955550001" {
				t.Fatalf("after sealing the admin reads %q, %v", got.Phone, err)
			}
			gotNeed, err := st.Need(ctx, zhuxiang.SystemActor, n.ID)
			if err != nil || gotNeed.Phone != "13955550002" {
				t.Fatalf("need phone after sealing: %q, %v", gotNeed.Phone, err)
			}
			var raw, idx string
			if err := st.DB().QueryRow(`SELECT phone, phone_idx FROM orgs WHERE id = $1`, o.ID).Scan(&raw, &idx); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(raw, secure.SealedPrefix+k.ID()+":") || idx != k.BlindIndex("phone", "13955550001") {
				t.Errorf("stored phone %q, index %q: not sealed with the key", raw, idx)
			}
			noPhones(t, diskBytes(t, eng, dsn), []string{"13955550001", "13955550002"})
			if n := auditCount(t, st.WriteDB()); n != audits+1 {
				t.Errorf("sealing wrote %d audit entries, want 1", n-audits)
			}
			// A second start has nothing left to seal.
			st.Close()
			st, err = openKeyed(t, dsn, k)
			if err != nil {
				t.Fatal(err)
			}
			if n := auditCount(t, st.WriteDB()); n != audits+1 {
				t.Errorf("a second start sealed again (%d entries)", n-audits)
			}
		})
	}
}

func auditCount(t *testing.T, db *sql.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM audit_log`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestWrongKeyRefused: a database whose phones were sealed under one key
// does not start with another key, or with none.
func TestWrongKeyRefused(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng, func(t *testing.T) {
			dsn := dsnFor(t, eng)
			k := secure.NewFieldKey()
			st, err := openKeyed(t, dsn, k)
			if err != nil {
				t.Fatal(err)
			}
			mustOrg(t, st, zhuxiang.SystemActor, "密钥协会", "652827", 2)
			st.Close()
			other := secure.NewFieldKey()
			for name, key := range map[string]*secure.FieldKey{"other key": other, "no key": nil} {
				_, err := openKeyed(t, dsn, key)
				if err == nil {
					t.Fatalf("%s: the store started", name)
				}
				if zhuxiang.ErrorCodeOf(err) != zhuxiang.EForbidden || !strings.Contains(err.Error(), k.ID()) {
					t.Errorf("%s: %v; want a refusal naming key %s", name, err, k.ID())
				}
			}
			if _, err := openKeyed(t, dsn, k); err != nil {
				t.Fatalf("the right key is refused: %v", err)
			}
		})
	}
}

// TestRekey re-seals everything under a new key in one go; afterwards only
// the new key opens the database.
func TestRekey(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng, func(t *testing.T) {
			dsn := dsnFor(t, eng)
			k1, k2 := secure.NewFieldKey(), secure.NewFieldKey()
			st, err := openKeyed(t, dsn, k1)
			if err != nil {
				t.Fatal(err)
			}
			o := mustOrg(t, st, zhuxiang.SystemActor, "换钥协会", "652827", 3)
			n := &zhuxiang.Need{CountyCode: "652827", Action: zhuxiang.ActionIndustry, Title: "换钥需求", Phone: "13955550003"}
			if _, err := st.CreateNeed(ctx, zhuxiang.SystemActor, n); err != nil {
				t.Fatal(err)
			}
			if _, err := st.Rekey(ctx, k1); err == nil {
				t.Error("rekey to the same key was accepted")
			}
			count, err := st.Rekey(ctx, k2)
			if err != nil || count != 2 {
				t.Fatalf("rekey: %d, %v; want 2 values", count, err)
			}
			if got, err := st.Org(ctx, zhuxiang.SystemActor, o.ID); err != nil || got.Phone != o.Phone {
				t.Fatalf("after rekey the same store reads %q, %v", got.Phone, err)
			}
			for _, table := range []string{"orgs", "needs"} {
				var raw, idx string
				if err := st.DB().QueryRow(`SELECT phone, phone_idx FROM `+table+` WHERE phone <> ''`).Scan(&raw, &idx); err != nil {
					t.Fatal(err)
				}
				if id, _ := secure.SealedKeyID(raw); id != k2.ID() {
					t.Errorf("%s.phone sealed under %s after rekey, want %s", table, id, k2.ID())
				}
				if idx == "" || idx == k1.BlindIndex("phone", zhuxiang.PhoneDigits(o.Phone)) {
					t.Errorf("%s.phone_idx was not recomputed under the new key", table)
				}
			}
			st.Close()
			if _, err := openKeyed(t, dsn, k1); err == nil {
				t.Error("the old key still opens the database after rekey")
			}
			st, err = openKeyed(t, dsn, k2)
			if err != nil {
				t.Fatalf("the new key is refused: %v", err)
			}
			if got, err := st.Need(ctx, zhuxiang.SystemActor, n.ID); err != nil || got.Phone != "13955550003" {
				t.Fatalf("with the new key the need's phone reads %q, %v", got.Phone, err)
			}
		})
	}
}

// TestPhoneMaskedByActor: the store hands back each actor's copy, by
// zhuxiang.CanSeePhone, in the detail and in lists alike.
func TestPhoneMaskedByActor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		depts, err := st.Departments(ctx, zhuxiang.SystemActor)
		if err != nil || len(depts) == 0 {
			t.Fatalf("departments: %v", err)
		}
		o := &zhuxiang.Org{Name: "电话协会", CreditCode: creditCode(t, '1', 7), LegalForm: zhuxiang.LegalAssociation, RegCounty: "652827",
			DepartmentID: depts[0].ID, Phone: "13912345678"}
		if _, err := st.CreateOrg(ctx, zhuxiang.SystemActor, o); err != nil {
			t.Fatal(err)
		}
		const masked = "139****5678"
		cases := []struct {
			name  string
			actor zhuxiang.Actor
			want  string
		}{
			{"admin", zhuxiang.Actor{UserID: "u1", Name: "a", Role: zhuxiang.RoleAdmin}, o.Phone},
			{"its county", zhuxiang.Actor{UserID: "u2", Name: "c", Role: zhuxiang.RoleCounty, RegionCode: "652827", CountyCode: "652827"}, o.Phone},
			{"itself", zhuxiang.Actor{UserID: "u3", Name: "o", Role: zhuxiang.RoleOrg, OrgID: o.ID}, o.Phone},
			{"its department", zhuxiang.Actor{UserID: "u4", Name: "d", Role: zhuxiang.RoleDepartment, DepartmentID: depts[0].ID}, masked},
		}
		for _, c := range cases {
			got, err := st.Org(ctx, c.actor, o.ID)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if got.Phone != c.want {
				t.Errorf("%s reads %q, want %q", c.name, got.Phone, c.want)
			}
			p, err := st.ListOrgs(ctx, c.actor, store.OrgFilter{})
			if err != nil || len(p.Orgs) != 1 {
				t.Fatalf("%s list: %v", c.name, err)
			}
			if p.Orgs[0].Phone != c.want {
				t.Errorf("%s list reads %q, want %q", c.name, p.Orgs[0].Phone, c.want)
			}
		}

		n := &zhuxiang.Need{CountyCode: "652827", Action: zhuxiang.ActionIndustry, Title: "电话需求", Contact: "村主任", Phone: "13955556666"}
		if _, err := st.CreateNeed(ctx, zhuxiang.SystemActor, n); err != nil {
			t.Fatal(err)
		}
		if err := st.TransitionNeed(ctx, zhuxiang.SystemActor, n.ID, "submit", "", 0); err != nil {
			t.Fatal(err)
		}
		if err := st.TransitionNeed(ctx, zhuxiang.SystemActor, n.ID, "approve", "", 0); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name  string
			actor zhuxiang.Actor
			want  string
		}{
			{"its county", zhuxiang.Actor{UserID: "u2", Name: "c", Role: zhuxiang.RoleCounty, RegionCode: "652827", CountyCode: "652827"}, n.Phone},
			{"another county", zhuxiang.Actor{UserID: "u5", Name: "c2", Role: zhuxiang.RoleCounty, RegionCode: "652801", CountyCode: "652801"}, ""},
			{"an unpaired org", zhuxiang.Actor{UserID: "u3", Name: "o", Role: zhuxiang.RoleOrg, OrgID: o.ID}, ""},
		} {
			got, err := st.Need(ctx, c.actor, n.ID)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if got.Phone != c.want {
				t.Errorf("need as %s: phone %q, want %q", c.name, got.Phone, c.want)
			}
		}
	})
}

// TestPhoneLookup: a phone number typed into the organization search finds
// its organization through the blind index, however it is written, for
// those who see phones whole; for others it finds nothing.
func TestPhoneLookup(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		depts, err := st.Departments(ctx, zhuxiang.SystemActor)
		if err != nil || len(depts) == 0 {
			t.Fatalf("departments: %v", err)
		}
		o := &zhuxiang.Org{Name: "查号协会", CreditCode: creditCode(t, '1', 8), LegalForm: zhuxiang.LegalAssociation, RegCounty: "652827",
			DepartmentID: depts[0].ID, Phone: "139-5555-8888"}
		if _, err := st.CreateOrg(ctx, zhuxiang.SystemActor, o); err != nil {
			t.Fatal(err)
		}
		mustOrg(t, st, zhuxiang.SystemActor, "别的协会", "652827", 9)
		county := zhuxiang.Actor{UserID: "u2", Name: "c", Role: zhuxiang.RoleCounty, RegionCode: "652827", CountyCode: "652827"}
		dept := zhuxiang.Actor{UserID: "u4", Name: "d", Role: zhuxiang.RoleDepartment, DepartmentID: depts[0].ID}
		cases := []struct {
			name  string
			actor zhuxiang.Actor
			q     string
			want  int
		}{
			{"admin, as stored", zhuxiang.SystemActor, "139-5555-8888", 1},
			{"admin, digits", zhuxiang.SystemActor, "13955558888", 1},
			{"county, with +86", county, "+86 139 5555 8888", 1},
			{"county, another number", county, "13955558889", 0},
			{"department", dept, "13955558888", 0},
		}
		for _, c := range cases {
			p, err := st.ListOrgs(ctx, c.actor, store.OrgFilter{Q: c.q})
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if len(p.Orgs) != c.want || p.Total != c.want {
				t.Errorf("%s: %d rows, total %d; want %d", c.name, len(p.Orgs), p.Total, c.want)
			}
			if c.want == 1 && len(p.Orgs) == 1 && p.Orgs[0].ID != o.ID {
				t.Errorf("%s found %s", c.name, p.Orgs[0].Name)
			}
		}
	})
}

// TestNoKeyStoresNoPhone: a store opened without a key serves a database
// with nothing sealed, but refuses to store a phone rather than store it in
// clear.
func TestNoKeyStoresNoPhone(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng, func(t *testing.T) {
			st, err := openKeyed(t, dsnFor(t, eng), nil)
			if err != nil {
				t.Fatalf("a database with nothing sealed refused without a key: %v", err)
			}
			o := &zhuxiang.Org{Name: "无钥协会", CreditCode: creditCode(t, '1', 11), LegalForm: zhuxiang.LegalAssociation, RegCounty: "652827", Phone: "13955559999"}
			if _, err := st.CreateOrg(ctx, zhuxiang.SystemActor, o); err == nil || strings.Contains(err.Error(), "13955559999") {
				t.Fatalf("a phone was stored without a key, or the error shows it: %v", err)
			}
			var n int
			if err := st.DB().QueryRow(`SELECT count(*) FROM orgs`).Scan(&n); err != nil || n != 0 {
				t.Fatalf("%d organizations written (%v)", n, err)
			}
			o.Phone = ""
			if _, err := st.CreateOrg(ctx, zhuxiang.SystemActor, o); err != nil {
				t.Fatalf("an organization without a phone: %v", err)
			}
		})
	}
}

// TestUnsealedProbeUsesIndex: the question every start asks (is any
// personal data still in plaintext?) must not read the whole table, which
// at a province's scale would add seconds to each start. SQLite's planner
// is deterministic here; PostgreSQL's choice depends on its statistics.
func TestUnsealedProbeUsesIndex(t *testing.T) {
	st, err := openKeyed(t, filepath.Join(t.TempDir(), "p.db"), secure.NewFieldKey())
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range store.UnsealedProbes() {
		rows, err := st.WriteDB().Query(`EXPLAIN QUERY PLAN ` + q)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		if p := strings.Join(plan, "; "); !strings.Contains(p, "USING") || !strings.Contains(p, "_unsealed") {
			t.Errorf("%s\nplan: %s (want a search of the partial index *_unsealed)", q, p)
		}
	}
}
