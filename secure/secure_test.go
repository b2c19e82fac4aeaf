package secure

import (
	"strings"
	"testing"
	"time"

	"zhuxiang"
)

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("Zhuxiang#2026")
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := HashPassword("Zhuxiang#2026")
	if h == h2 {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	cases := []struct {
		hash, pw string
		want     bool
	}{
		{h, "Zhuxiang#2026", true},
		{h, "zhuxiang#2026", false},
		{h, "", false},
		{"", "Zhuxiang#2026", false},
		{strings.Replace(h, "argon2id", "argon2i", 1), "Zhuxiang#2026", false},
		{strings.Replace(h, "m=19456", "m=99999999", 1), "Zhuxiang#2026", false},
		{h[:len(h)-4], "Zhuxiang#2026", false},
	}
	for i, c := range cases {
		if got := CheckPassword(c.hash, c.pw); got != c.want {
			t.Errorf("case %d: CheckPassword = %v, want %v", i, got, c.want)
		}
	}
}

func TestTokens(t *testing.T) {
	a, b := NewToken(), NewToken()
	if a == b || len(a) != 43 {
		t.Errorf("tokens %q %q", a, b)
	}
	if TokenDigest(a) == TokenDigest(b) || TokenDigest(a) != TokenDigest(a) || len(TokenDigest(a)) != 64 {
		t.Error("digest is not a stable 256-bit hex string per token")
	}
	if id := NewID(); len(id) != 16 || id == NewID() {
		t.Errorf("id %q", id)
	}
}

func TestAuditHash(t *testing.T) {
	e := zhuxiang.AuditEntry{Seq: 7, At: time.Date(2026, 11, 28, 1, 2, 3, 456789000, time.UTC), ActorID: "u1", ActorName: "张三",
		Op: "update", Entity: "org", EntityID: "o1", Summary: `[{"field":"名称"}]`, PrevHash: "abc"}
	h := AuditHash(&e)
	if len(h) != 64 || h != AuditHash(&e) {
		t.Fatalf("hash %q not stable", h)
	}
	// Every field is covered, and moving text between fields changes the
	// hash (fields are length-prefixed).
	mutations := []func(*zhuxiang.AuditEntry){
		func(x *zhuxiang.AuditEntry) { x.Seq++ },
		func(x *zhuxiang.AuditEntry) { x.At = x.At.Add(time.Microsecond) },
		func(x *zhuxiang.AuditEntry) { x.ActorID = "u2" },
		func(x *zhuxiang.AuditEntry) { x.ActorName = "李四" },
		func(x *zhuxiang.AuditEntry) { x.Op = "create" },
		func(x *zhuxiang.AuditEntry) { x.Entity = "region" },
		func(x *zhuxiang.AuditEntry) { x.EntityID = "o2" },
		func(x *zhuxiang.AuditEntry) { x.Summary = "" },
		func(x *zhuxiang.AuditEntry) { x.PrevHash = "abd" },
		func(x *zhuxiang.AuditEntry) { x.Op, x.Entity = "updateorg", "" },
	}
	for i, m := range mutations {
		x := e
		m(&x)
		if AuditHash(&x) == h {
			t.Errorf("mutation %d does not change the hash", i)
		}
	}
}
