package secure

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCheckpointFileAndKeys writes a key and checkpoints the way the server
// does and reads them back the way verification does.
func TestCheckpointFileAndKeys(t *testing.T) {
	dir := t.TempDir()
	keyPath := filepath.Join(dir, "z.db.sign.pem")
	key, created, err := LoadOrCreateSigningKey(keyPath)
	if err != nil || !created {
		t.Fatalf("first start: %v, created %v", err, created)
	}
	if fi, err := os.Stat(keyPath); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode: %v %v", fi, err)
	}
	again, created, err := LoadOrCreateSigningKey(keyPath)
	if err != nil || created || !again.Equal(key) {
		t.Fatalf("second start must load the same key: %v, created %v", err, created)
	}
	fromPub, err := LoadVerifyKey(PublicKeyPath(keyPath))
	if err != nil || !fromPub.Equal(&key.PublicKey) {
		t.Fatalf("public key file: %v", err)
	}
	fromPriv, err := LoadVerifyKey(keyPath)
	if err != nil || !fromPriv.Equal(&key.PublicKey) {
		t.Fatalf("public half of the private key file: %v", err)
	}

	cpPath := filepath.Join(dir, "z.db.checkpoints")
	if _, err := ReadCheckpoints(cpPath); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
	at := time.Date(2026, 12, 3, 4, 0, 0, 0, time.UTC)
	for i, c := range []struct {
		size int64
		head string
	}{{0, ""}, {3, strings.Repeat("ab", 32)}} {
		cp, err := SignCheckpoint(key, c.size, c.head, at.Add(time.Duration(i)*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if err := AppendCheckpoint(cpPath, cp); err != nil {
			t.Fatal(err)
		}
	}
	cps, err := ReadCheckpoints(cpPath)
	if err != nil || len(cps) != 2 {
		t.Fatalf("read back: %v %v", cps, err)
	}
	for _, c := range cps {
		if !c.Verify(fromPub) {
			t.Errorf("line %d does not verify", c.Line)
		}
	}
	if last := LastCheckpoint(cps); last == nil || last.Size != 3 || last.Line != 2 {
		t.Errorf("last checkpoint: %+v", last)
	}
	changed := cps[1]
	changed.Size = 4
	if changed.Verify(fromPub) {
		t.Error("a checkpoint whose size was changed still verifies")
	}
	os.WriteFile(cpPath, []byte("# comment\n\n3 xyz 2026-12-03T04:00:00Z AAAA\n"), 0o644)
	if _, err := ReadCheckpoints(cpPath); err == nil || !strings.Contains(err.Error(), "第3行") {
		t.Errorf("a malformed line must be named: %v", err)
	}
}

// FuzzParseCheckpoint: whatever parses prints back to a line that parses
// to the same checkpoint.
func FuzzParseCheckpoint(f *testing.F) {
	f.Add("3 " + strings.Repeat("ab", 32) + " 2026-12-03T04:00:00Z AAAA")
	f.Add("0 - 2026-12-03T04:00:00Z MEUCIQ==")
	f.Add("-1 - x y")
	f.Fuzz(func(t *testing.T, line string) {
		c, err := ParseCheckpoint(line)
		if err != nil {
			return
		}
		d, err := ParseCheckpoint(c.String())
		if err != nil {
			t.Fatalf("%q parsed, but its print %q does not: %v", line, c.String(), err)
		}
		if d.String() != c.String() || string(d.Message()) != string(c.Message()) {
			t.Fatalf("round trip changed %q into %q", c.String(), d.String())
		}
	})
}
