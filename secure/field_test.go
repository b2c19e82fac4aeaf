package secure

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFieldKeySealOpen(t *testing.T) {
	k := NewFieldKey()
	const phone = "13812345678"
	a := k.Seal(phone, "orgs.phone/x1")
	b := k.Seal(phone, "orgs.phone/x1")
	if a == b {
		t.Error("two seals of one value are equal: the nonce is not random")
	}
	if strings.Contains(a, phone) || strings.Contains(a, "5678") {
		t.Errorf("sealed value shows the plaintext: %s", a)
	}
	if !strings.HasPrefix(a, SealedPrefix+k.ID()+":") {
		t.Errorf("sealed value %q lacks the scheme and key id", a)
	}
	got, err := k.Open(a, "orgs.phone/x1")
	if err != nil || got != phone {
		t.Fatalf("Open = %q, %v; want %q", got, err, phone)
	}
	if k.Seal("", "orgs.phone/x1") != "" {
		t.Error("an empty value should stay empty")
	}
	if v, err := k.Open("", "orgs.phone/x1"); v != "" || err != nil {
		t.Errorf("Open(\"\") = %q, %v", v, err)
	}

	cases := []struct {
		name, sealed, context string
		want                  error // nil: any error
	}{
		{"other column", a, "needs.phone/x1", nil},
		{"other row", a, "orgs.phone/x2", nil},
		{"plaintext", phone, "orgs.phone/x1", ErrNotSealed},
		{"other key", NewFieldKey().Seal(phone, "orgs.phone/x1"), "orgs.phone/x1", ErrWrongKey},
		{"flipped byte", a[:len(a)-3] + flip(a[len(a)-3]) + a[len(a)-2:], "orgs.phone/x1", nil},
		{"cut short", a[:len(SealedPrefix)+12], "orgs.phone/x1", nil},
		{"bad base64", SealedPrefix + k.ID() + ":***", "orgs.phone/x1", nil},
	}
	for _, c := range cases {
		v, err := k.Open(c.sealed, c.context)
		if err == nil {
			t.Errorf("%s: opened to %q, want an error", c.name, v)
			continue
		}
		if c.want != nil && !errors.Is(err, c.want) {
			t.Errorf("%s: error %v, want %v", c.name, err, c.want)
		}
		if strings.Contains(err.Error(), phone) {
			t.Errorf("%s: error message carries the phone: %v", c.name, err)
		}
	}
}

func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}

func TestFieldKeyBlindIndex(t *testing.T) {
	k, other := NewFieldKey(), NewFieldKey()
	i1 := k.BlindIndex("phone", "13812345678")
	if i1 != k.BlindIndex("phone", "13812345678") {
		t.Error("blind index is not deterministic")
	}
	if i1 == k.BlindIndex("phone", "13812345679") {
		t.Error("two phones share an index")
	}
	if i1 == k.BlindIndex("idnumber", "13812345678") {
		t.Error("the same text of two kinds shares an index")
	}
	if i1 == other.BlindIndex("phone", "13812345678") {
		t.Error("two keys give the same index: it is not keyed")
	}
	if k.BlindIndex("phone", "") != "" {
		t.Error("an empty value should have an empty index")
	}
}

func TestFieldKeyFile(t *testing.T) {
	k := NewFieldKey()
	path := filepath.Join(t.TempDir(), "z.key")
	if err := CreateFieldKeyFile(path, k); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	if err := CreateFieldKeyFile(path, NewFieldKey()); err == nil {
		t.Error("an existing key file was overwritten")
	}
	k2, err := LoadFieldKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if k2.ID() != k.ID() || k2.Check() != k.Check() {
		t.Fatal("the key read back differs")
	}
	sealed := k.Seal("13900000000", "c")
	if v, err := k2.Open(sealed, "c"); err != nil || v != "13900000000" {
		t.Fatalf("key read back does not open: %q %v", v, err)
	}

	// The environment form: both keys, hex or base64.
	for _, s := range []string{hex.EncodeToString(k.raw), base64.StdEncoding.EncodeToString(k.raw), " " + hex.EncodeToString(k.raw) + "\n"} {
		k3, err := ParseFieldKey(s)
		if err != nil || k3.ID() != k.ID() {
			t.Errorf("ParseFieldKey(%q…) = %v, %v", s[:8], k3, err)
		}
	}
	for _, s := range []string{"", "00", hex.EncodeToString(k.raw[:16]), "not a key"} {
		if _, err := ParseFieldKey(s); err == nil {
			t.Errorf("ParseFieldKey(%q) accepted", s)
		}
	}

	// A damaged file is refused, not read as another key.
	var b bytes.Buffer
	k.WriteTo(&b)
	text := b.String()
	bad := map[string]string{
		"no magic":  strings.Replace(text, keyFileMagic, "", 1),
		"wrong id":  strings.Replace(text, "id "+k.ID(), "id 00000000", 1),
		"short key": strings.Replace(text, "sm4 "+hex.EncodeToString(k.raw[:16]), "sm4 00", 1),
	}
	for name, s := range bad {
		if _, err := ReadFieldKey(strings.NewReader(s)); err == nil {
			t.Errorf("%s: a damaged key file was accepted", name)
		}
	}
	if strings.Contains(k.String(), hex.EncodeToString(k.raw[:4])) {
		t.Error("String shows key material")
	}
}

// FuzzFieldOpen: no input makes Open panic or open without the key's seal.
func FuzzFieldOpen(f *testing.F) {
	k := NewFieldKey()
	f.Add(k.Seal("13812345678", "c"), "c")
	f.Add(SealedPrefix+k.ID()+":", "c")
	f.Add("sm4g1:zzzzzzzz:AAAA", "")
	f.Fuzz(func(t *testing.T, s, ctx string) {
		v, err := k.Open(s, ctx)
		if err == nil && s != "" {
			// Only a genuine seal opens; resealing must round-trip.
			if w, err := k.Open(k.Seal(v, ctx), ctx); err != nil || w != v {
				t.Fatalf("reseal of %q does not round-trip", v)
			}
		}
	})
}
