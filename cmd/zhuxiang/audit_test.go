package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zhuxiang/secure"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

// rawExec runs statements on a SQLite file as someone holding the file
// would, around the store and its triggers.
func rawExec(t *testing.T, db string, qs ...string) {
	t.Helper()
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range qs {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// TestAuditCheckpointCommands goes through the commands an operator uses:
// the first checkpoint makes the key, verify checks against it, and each
// broken state gets its Chinese message and exit status 1.
func TestAuditCheckpointCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "z.db")
	for _, name := range []string{"a1", "a2", "a3"} {
		if out, status := cli(t, "Strong#Pass1\n", "user", "add", "--name", name, "--role", "admin", "--db", db); status != 0 {
			t.Fatal(out)
		}
	}
	out, status := cli(t, "", "audit", "verify", "--db", db)
	if status != 0 || !strings.HasPrefix(out, fmt.Sprintf("OK %d entries", seedEntries+3)) || !strings.Contains(out, "没有检查点文件") {
		t.Fatalf("verify before any checkpoint: %d %s", status, out)
	}
	out, status = cli(t, "", "audit", "checkpoint", "--db", db)
	if status != 0 || !strings.Contains(out, "已生成审计检查点签名密钥") || !strings.Contains(out, fmt.Sprintf("共 %d 条", seedEntries+3)) {
		t.Fatalf("first checkpoint: %d %s", status, out)
	}
	for _, f := range []string{db + ".sign.pem", db + ".sign.pub", db + ".checkpoints"} {
		if _, err := os.Stat(f); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	if out, status := cli(t, "", "audit", "checkpoint", "--db", db); status != 0 || strings.Contains(out, "已生成") {
		t.Fatalf("second checkpoint must reuse the key: %d %s", status, out)
	}
	out, status = cli(t, "", "audit", "verify", "--db", db)
	if status != 0 || !strings.HasPrefix(out, fmt.Sprintf("OK %d entries, 2 checkpoints", seedEntries+3)) {
		t.Fatalf("verify: %d %s", status, out)
	}
	// The public key kept elsewhere verifies alone; another key does not.
	pubCopy := filepath.Join(t.TempDir(), "kept.pub")
	b, _ := os.ReadFile(db + ".sign.pub")
	os.WriteFile(pubCopy, b, 0o644)
	if out, status := cli(t, "", "audit", "verify", "--db", db, "--pub", pubCopy); status != 0 {
		t.Errorf("verify with the kept public key: %d %s", status, out)
	}
	if _, err := secure.CreateSigningKey(filepath.Join(dir, "other.pem")); err != nil {
		t.Fatal(err)
	}
	if out, status := cli(t, "", "audit", "verify", "--db", db, "--pub", filepath.Join(dir, "other.pub")); status != 1 || !strings.Contains(out, "签名无效") {
		t.Errorf("verify with another key: %d %s", status, out)
	}

	// The server's checkpointer writes only when the head moved.
	st, err := open(context.Background(), db, "", false, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	key, err := secure.LoadSigningKey(db + ".sign.pem")
	if err != nil {
		t.Fatal(err)
	}
	cp := &checkpointer{st: st, key: key, path: db + ".checkpoints"}
	if _, wrote, err := cp.write(context.Background(), false); err != nil || wrote {
		t.Errorf("unchanged head: wrote %v, %v", wrote, err)
	}
	// The audit page's 校验 asks the server's checkpointer, which checks
	// the chain against the signed checkpoints as the command does.
	if res, err := cp.verify(context.Background()); err != nil || !res.OK() || res.Checkpoints == 0 {
		t.Errorf("the audit page's check of an intact log: %+v %v", res, err)
	}
	st.Close()

	// Each tampering, on a copy of the database, as someone with the file
	// but not the key would do it.
	last := seedEntries + 3
	for _, c := range []struct {
		name  string
		sql   []string
		files func(copy string)
		want  string
	}{
		{"wipe the log and reset the head", []string{`DROP TRIGGER audit_no_delete`, `DELETE FROM audit_log`, `UPDATE audit_head SET seq = 0, hash = ''`}, nil, "BROKEN at entry 1: 日志已被清空"},
		{"delete the last entry and the head's update", []string{`DROP TRIGGER audit_no_delete`,
			fmt.Sprintf(`UPDATE audit_head SET seq = %[1]d, hash = (SELECT hash FROM audit_log WHERE seq = %[1]d)`, last-1), fmt.Sprintf(`DELETE FROM audit_log WHERE seq = %d`, last)},
			nil, fmt.Sprintf("BROKEN at entry %d: 日志只有%d条", last, last-1)},
		{"delete the head row", []string{`DELETE FROM audit_head`}, nil, fmt.Sprintf("BROKEN at entry %d: 链头记录缺失", last+1)},
		{"checkpoints file removed", nil, func(copy string) { os.Remove(copy + ".checkpoints") }, "检查点文件"},
	} {
		t.Run(c.name, func(t *testing.T) {
			copyDir := t.TempDir()
			cdb := filepath.Join(copyDir, "z.db")
			if out, status := cli(t, "", "backup", cdb, "--db", db); status != 0 {
				t.Fatal(out)
			}
			for _, suffix := range []string{".sign.pem", ".checkpoints", ".key"} {
				b, _ := os.ReadFile(db + suffix)
				os.WriteFile(cdb+suffix, b, 0o600)
			}
			rawExec(t, cdb, c.sql...)
			if c.files != nil {
				c.files(cdb)
			}
			out, status := cli(t, "", "audit", "verify", "--db", cdb)
			if status != 1 || !strings.Contains(out, c.want) || strings.Contains(out, "sql:") {
				t.Errorf("verify: %d %s; want %q", status, out, c.want)
			}
			cst, err := open(context.Background(), cdb, "", false, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			defer cst.Close()
			if res, err := (&checkpointer{st: cst, key: key, path: cdb + ".checkpoints"}).verify(context.Background()); err != nil || res.OK() {
				t.Errorf("the audit page's check: %+v %v; want it broken", res, err)
			}
		})
	}
}

// TestBackupRestore backs up a SQLite database while it is open, restores
// it over later writes, and checks that the platform works and its audit
// log verifies against the checkpoints afterwards.
func TestBackupRestore(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "z.db")
	csv := func(name string, n int) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte("组织名称,统一社会信用代码,登记县市\n"+name+"协会,"+code(n)+",和静县\n"), 0o644)
		return p
	}
	if out, status := cli(t, "", "import", "orgs", csv("甲", 1), "--db", db); status != 0 {
		t.Fatal(out)
	}
	if out, status := cli(t, "", "audit", "checkpoint", "--db", db); status != 0 {
		t.Fatal(out)
	}
	// As a running server would: the database open, its shared lock held.
	unlock, err := store.LockSQLite(db, false)
	if err != nil {
		t.Fatal(err)
	}
	st, err := open(context.Background(), db, "", false, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "backup.db")
	out, status := cli(t, "", "backup", backup, "--db", db)
	if status != 0 || !strings.Contains(out, "已备份") || !strings.Contains(out, ".checkpoints") {
		t.Fatalf("backup while open: %d %s", status, out)
	}
	if out, status := cli(t, "", "backup", backup, "--db", db); status == 0 || !strings.Contains(out, "已存在") {
		t.Errorf("backup over an existing file: %d %s", status, out)
	}
	if out, status := cli(t, "", "restore", backup, "--db", db); status == 0 || !strings.Contains(out, "正在被使用") {
		t.Errorf("restore under a running server: %d %s", status, out)
	}
	st.Close()
	unlock()

	// Writes after the backup, checkpointed: the restore drops them.
	if out, status := cli(t, "", "import", "orgs", csv("乙", 2), "--db", db); status != 0 {
		t.Fatal(out)
	}
	if out, status := cli(t, "", "audit", "checkpoint", "--db", db); status != 0 {
		t.Fatal(out)
	}

	// A backup whose log was altered is refused, and nothing is replaced.
	bad := filepath.Join(dir, "bad.db")
	b, _ := os.ReadFile(backup)
	os.WriteFile(bad, b, 0o600)
	rawExec(t, bad, `DROP TRIGGER audit_no_update`, `UPDATE audit_log SET actor_name = 'x' WHERE seq = 1`)
	if out, status := cli(t, "", "restore", bad, "--db", db); status == 0 || !strings.Contains(out, "校验不通过") {
		t.Errorf("restoring an altered backup: %d %s", status, out)
	}
	if out, status := cli(t, "", "restore", filepath.Join(dir, "甲"), "--db", db); status == 0 || !strings.Contains(out, "不是 SQLite") {
		t.Errorf("restoring a CSV file: %d %s", status, out)
	}
	orgs := func() int {
		raw, err := sql.Open("sqlite", db)
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		var n int
		if err := raw.QueryRow(`SELECT COUNT(*) FROM orgs`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := orgs(); n != 2 {
		t.Fatalf("a refused restore changed the database: %d organizations", n)
	}

	out, status = cli(t, "", "restore", backup, "--db", db)
	if status != 0 || !strings.Contains(out, "已从") || !strings.Contains(out, "晚于备份") {
		t.Fatalf("restore: %d %s", status, out)
	}
	if n := orgs(); n != 1 {
		t.Errorf("after the restore: %d organizations, want the backup's 1", n)
	}
	out, status = cli(t, "", "audit", "verify", "--db", db)
	if status != 0 || !strings.HasPrefix(out, "OK") || !strings.Contains(out, "checkpoints") {
		t.Errorf("verify after restore: %d %s", status, out)
	}
	// The platform works on the restored file: it takes writes and their
	// checkpoints, and its log still verifies.
	if out, status := cli(t, "", "import", "orgs", csv("丙", 3), "--db", db); status != 0 {
		t.Fatalf("import after restore: %s", out)
	}
	if out, status := cli(t, "", "audit", "checkpoint", "--db", db); status != 0 {
		t.Fatalf("checkpoint after restore: %s", out)
	}
	if out, status := cli(t, "", "audit", "verify", "--db", db); status != 0 {
		t.Errorf("verify after restore and new writes: %d %s", status, out)
	}
	if m, _ := filepath.Glob(db + ".before-restore-*"); len(m) == 0 {
		t.Error("the replaced database was not kept")
	}
}

// TestPostgresDumpRestore restores a pg_dump of a PostgreSQL database, as
// the README tells operators to, and checks that its audit log verifies
// against the checkpoints written before the dump.
func TestPostgresDumpRestore(t *testing.T) {
	for _, tool := range []string{"pg_dump", "pg_restore"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("CI=true but %s is missing", tool)
			}
			t.Skipf("%s is missing", tool)
		}
	}
	// A PostgreSQL database's key file defaults to the current folder;
	// the test's goes in its own temporary folder, never the source tree.
	t.Setenv("ZHUXIANG_KEY_FILE", filepath.Join(t.TempDir(), "field.key"))
	dsn := storetest.FreshSchema(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	schema := strings.Split(u.Query().Get("search_path"), ",")[0]
	base := os.Getenv("ZHUXIANG_TEST_PG")
	dir := t.TempDir()
	files := []string{"--sign-key", filepath.Join(dir, "k.pem"), "--checkpoints", filepath.Join(dir, "c")}
	os.WriteFile(filepath.Join(dir, "o.csv"), []byte("组织名称,统一社会信用代码,登记县市\n甲协会,"+code(1)+",和静县\n"), 0o644)
	if out, status := cli(t, "", "import", "orgs", filepath.Join(dir, "o.csv"), "--db", dsn); status != 0 {
		t.Fatal(out)
	}
	if out, status := cli(t, "", append([]string{"audit", "checkpoint", "--db", dsn}, files...)...); status != 0 {
		t.Fatal(out)
	}
	if out, status := cli(t, "", "backup", filepath.Join(dir, "x"), "--db", dsn); status == 0 || !strings.Contains(out, "pg_dump") {
		t.Errorf("backup on PostgreSQL must name pg_dump: %d %s", status, out)
	}
	dump := filepath.Join(dir, "dump")
	if out, err := exec.Command("pg_dump", "-Fc", "-n", schema, "-f", dump, base).CombinedOutput(); err != nil {
		t.Fatalf("pg_dump: %v %s", err, out)
	}
	// The database is lost: its schema is moved away, then restored.
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`ALTER SCHEMA ` + schema + ` RENAME TO ` + schema + `_lost`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Exec(`DROP SCHEMA ` + schema + `_lost CASCADE`) })
	if out, err := exec.Command("pg_restore", "--no-owner", "-d", base, dump).CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v %s", err, out)
	}
	out, status := cli(t, "", append([]string{"audit", "verify", "--db", dsn}, files...)...)
	if status != 0 || !strings.HasPrefix(out, "OK ") || !strings.Contains(out, "entries, 1 checkpoints") || strings.Contains(out, "尚无检查点") {
		t.Fatalf("verify after pg_restore: %d %s", status, out)
	}
	if out, status := cli(t, "", "export", "orgs", filepath.Join(dir, "out.xlsx"), "--db", dsn); status != 0 {
		t.Errorf("export after pg_restore: %s", out)
	}
}

// TestServeCheckpoints starts the server on a fresh database: it makes the
// signing key, signs the head at start, and signs the writes made while it
// ran when it shuts down.
func TestServeCheckpoints(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "z.db")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut strings.Builder
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", db}, strings.NewReader(""), &out, &errOut)
	}()
	lines := func() []secure.Checkpoint {
		cps, _ := secure.ReadCheckpoints(db + ".checkpoints")
		return cps
	}
	deadline := time.Now().Add(20 * time.Second)
	for len(lines()) == 0 {
		if time.Now().After(deadline) {
			cancel()
			t.Fatal("no checkpoint written at start")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if c := lines()[0]; c.Size != seedEntries {
		t.Errorf("checkpoint at start of a new database: %+v, want %d entries (the seed's)", c, seedEntries)
	}
	// A write while the server runs, from the command line.
	if o, status := cli(t, "Strong#Pass1\n", "user", "add", "--name", "a1", "--role", "admin", "--db", db); status != 0 {
		t.Fatal(o)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop within 30 s")
	}
	if !strings.Contains(out.String(), "已生成审计检查点签名密钥") {
		t.Errorf("the operator was not told about the new key: %s", out.String())
	}
	cps := lines()
	if len(cps) != 2 || cps[1].Size != seedEntries+1 {
		t.Fatalf("checkpoints after shutdown: %+v", cps)
	}
	if o, status := cli(t, "", "audit", "verify", "--db", db); status != 0 || !strings.HasPrefix(o, fmt.Sprintf("OK %d entries, 2 checkpoints", seedEntries+1)) {
		t.Errorf("verify: %d %s", status, o)
	}
}

// seedEntries is how many audit entries a new database starts with: the
// seed of the prefecture's regions and of its departments, and binding the
// database to its field key.
const seedEntries = 3

// TestRestoreOnNewMachine restores a backup where no database exists yet,
// as after losing the server: nothing is archived and the platform runs.
func TestRestoreOnNewMachine(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "z.db")
	if out, status := cli(t, "Strong#Pass1\n", "user", "add", "--name", "a1", "--role", "admin", "--db", db); status != 0 {
		t.Fatal(out)
	}
	backup := filepath.Join(dir, "b.db")
	if out, status := cli(t, "", "backup", backup, "--db", db); status != 0 {
		t.Fatal(out)
	}
	fresh := filepath.Join(t.TempDir(), "z.db")
	// The field key never travels in a backup: the operator brings it.
	if out, status := cli(t, "", "restore", backup, "--db", fresh); status == 0 || !strings.Contains(out, "找不到密钥文件") {
		t.Fatalf("restore without the key: %d %s", status, out)
	}
	key, err := os.ReadFile(db + ".key")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(fresh+".key", key, 0o600); err != nil {
		t.Fatal(err)
	}
	out, status := cli(t, "", "restore", backup, "--db", fresh)
	if status != 0 || strings.Contains(out, "改名保存") {
		t.Fatalf("restore on a new machine: %d %s", status, out)
	}
	if out, status := cli(t, "", "audit", "verify", "--db", fresh); status != 0 || !strings.HasPrefix(out, fmt.Sprintf("OK %d entries", seedEntries+1)) {
		t.Errorf("verify: %d %s", status, out)
	}
}
