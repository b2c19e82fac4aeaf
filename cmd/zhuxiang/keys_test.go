package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestKeyFileLifecycle follows an operator: the first start makes the key
// file beside the database; a wrong key is refused and a key file made by
// mistake is not left behind; rekey moves the database to a new key, which
// then works from a file or from ZHUXIANG_KEY.
func TestKeyFileLifecycle(t *testing.T) {
	t.Setenv("ZHUXIANG_KEY", "")
	t.Setenv("ZHUXIANG_KEY_FILE", "")
	dir := t.TempDir()
	db := filepath.Join(dir, "z.db")
	keyFile := db + ".key"
	csv := "组织名称,统一社会信用代码,登记县市,联系电话\n甲协会," + code(1) + ",和静县,13955557777\n"
	os.WriteFile(filepath.Join(dir, "orgs.csv"), []byte(csv), 0o644)

	out, status := cli(t, "", "import", "orgs", filepath.Join(dir, "orgs.csv"), "--db", db)
	if status != 0 {
		t.Fatalf("first start: %s", out)
	}
	fi, err := os.Stat(keyFile)
	if err != nil {
		t.Fatalf("no key file beside the database: %v", err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	if !strings.Contains(out, keyFile) || !strings.Contains(out, "备份") {
		t.Errorf("the first start does not tell where the key is and to back it up:\n%s", out)
	}
	if out, _ := cli(t, "", "migrate", "--db", db); strings.Contains(out, "已生成") {
		t.Errorf("a second start made another key:\n%s", out)
	}
	if b, _ := os.ReadFile(db); strings.Contains(string(b), "13955557777") {
		t.Error("the phone is in the database file in clear")
	}

	// keygen never overwrites.
	if out, status := cli(t, "", "keygen", keyFile); status == 0 || !strings.Contains(out, "不会覆盖") {
		t.Errorf("keygen over the live key: %d %s", status, out)
	}
	other := filepath.Join(dir, "other.key")
	if out, status := cli(t, "", "keygen", other); status != 0 {
		t.Fatalf("keygen: %s", out)
	}
	if out, status := cli(t, "", "migrate", "--db", db, "--key-file", other); status == 0 || !strings.Contains(out, "密钥不符") {
		t.Errorf("wrong key file accepted: %d %s", status, out)
	}
	if _, err := os.Stat(other); err != nil {
		t.Error("a refused key file the operator made was removed")
	}
	// A lost key file: the start refuses and does not leave a new, useless
	// key where the right one belongs.
	saved, _ := os.ReadFile(keyFile)
	os.Remove(keyFile)
	if out, status := cli(t, "", "migrate", "--db", db); status == 0 || !strings.Contains(out, "密钥不符") {
		t.Errorf("started without its key: %d %s", status, out)
	}
	if _, err := os.Stat(keyFile); err == nil {
		t.Error("a fresh key file was left beside a database sealed under another key")
	}
	os.WriteFile(keyFile, saved, 0o600)

	// Rekey, then switch files.
	next := filepath.Join(dir, "next.key")
	cli(t, "", "keygen", next)
	out, status = cli(t, "", "rekey", "--new-key", next, "--db", db)
	if status != 0 || !strings.Contains(out, "重新加密 1 项") {
		t.Fatalf("rekey: %d %s", status, out)
	}
	if out, status := cli(t, "", "migrate", "--db", db); status == 0 {
		t.Errorf("the old key still opens the database after rekey: %s", out)
	}
	if out, status := cli(t, "", "migrate", "--db", db, "--key-file", next); status != 0 {
		t.Errorf("the new key is refused: %s", out)
	}
	// The same key given as ZHUXIANG_KEY: the two hex lines of the file.
	b, _ := os.ReadFile(next)
	var hexKey string
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "sm4 "); ok {
			hexKey = v + hexKey
		}
		if v, ok := strings.CutPrefix(line, "index "); ok {
			hexKey += v
		}
	}
	t.Setenv("ZHUXIANG_KEY", hexKey)
	if out, status := cli(t, "", "export", "orgs", filepath.Join(dir, "out.xlsx"), "--db", db); status != 0 {
		t.Errorf("ZHUXIANG_KEY refused: %s", out)
	}
	t.Setenv("ZHUXIANG_KEY", "")
	if out, status := cli(t, "", "rekey", "--db", filepath.Join(dir, "fresh.db")); status == 0 || !strings.Contains(out, "找不到密钥文件") {
		t.Errorf("rekey made a key for a database without one: %d %s", status, out)
	}
}
