package store_test

import (
	"path/filepath"
	"strings"
	"testing"

	"zhuxiang"
	"zhuxiang/secure"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

// attacker is someone who can write the database but has not the signing
// key: they go around the store with raw SQL, dropping the triggers that
// keep the log append-only first.
type attacker struct {
	t  *testing.T
	st *store.Store
}

func newAttacker(t *testing.T, st *store.Store) attacker {
	t.Helper()
	a := attacker{t, st}
	if st.Dialect() == store.SQLite {
		a.exec(`DROP TRIGGER audit_no_update`)
		a.exec(`DROP TRIGGER audit_no_delete`)
	} else {
		a.exec(`DROP TRIGGER audit_no_update ON audit_log`)
	}
	return a
}

func (a attacker) exec(q string, args ...any) {
	a.t.Helper()
	if _, err := a.st.WriteDB().Exec(q, args...); err != nil {
		a.t.Fatalf("%s: %v", q, err)
	}
}

// rechain edits entry from with edit, recomputes the hash of every entry
// from there on and moves the head, as a careful forger would.
func (a attacker) rechain(from int64, edit func(*zhuxiang.AuditEntry)) {
	a.t.Helper()
	all, err := a.st.ListAudit(ctx, zhuxiang.SystemActor, zhuxiang.AuditFilter{Limit: 500})
	if err != nil {
		a.t.Fatal(err)
	}
	prev := ""
	for i := len(all) - 1; i >= 0; i-- { // oldest first
		e := all[i]
		if e.Seq < from {
			prev = e.Hash
			continue
		}
		if e.Seq == from {
			edit(&e)
		}
		e.PrevHash = prev
		e.Hash = secure.AuditHash(&e)
		a.exec(`UPDATE audit_log SET actor_name = $1, summary = $2, prev_hash = $3, hash = $4 WHERE seq = $5`, e.ActorName, e.Summary, e.PrevHash, e.Hash, e.Seq)
		prev = e.Hash
	}
	a.exec(`UPDATE audit_head SET hash = $1 WHERE id = 1`, prev)
}

// headOf reads the chain's head as stored.
func headOf(t *testing.T, st *store.Store) (int64, string) {
	t.Helper()
	var seq int64
	var hash string
	if err := st.DB().QueryRow(`SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&seq, &hash); err != nil {
		t.Fatal(err)
	}
	return seq, hash
}

// TestAuditCheckpointsCatchTampering tampers with the log as someone who
// can write the database would, and checks that verification against the
// signed checkpoints names what happened and where. Each of these passed
// the plain chain check (or failed it with "sql: no rows").
func TestAuditCheckpointsCatchTampering(t *testing.T) {
	dir := t.TempDir()
	keyPath := filepath.Join(dir, "sign.pem")
	key, err := secure.CreateSigningKey(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := secure.LoadVerifyKey(secure.PublicKeyPath(keyPath))
	if err != nil {
		t.Fatal(err)
	}
	other, err := secure.CreateSigningKey(filepath.Join(dir, "other.pem"))
	if err != nil {
		t.Fatal(err)
	}
	const n = 12
	cases := []struct {
		name string
		// every: a checkpoint after every how many entries.
		every  int
		tamper func(a attacker, cpFile string)
		// wantAt is the entry named as the first bad one (0: none);
		// wantReason a piece of the message.
		wantAt     int64
		wantReason string
		// chainOnly tells whether the plain chain check catches it too.
		chainOnly bool
	}{
		{name: "untouched", every: 1, tamper: func(attacker, string) {}},
		{name: "edit entry 7 and rechain", every: 1, tamper: func(a attacker, _ string) {
			a.rechain(7, func(e *zhuxiang.AuditEntry) { e.ActorName = "someone else" })
		}, wantAt: 7, wantReason: "第7条记录被改写"},
		{name: "edit entry 6 and rechain, checkpoints every 4", every: 4, tamper: func(a attacker, _ string) {
			a.rechain(6, func(e *zhuxiang.AuditEntry) { e.Summary = "[]" })
		}, wantAt: 5, wantReason: "第5条至第8条之间有记录被改写"},
		{name: "wipe the log and reset the head", every: 1, tamper: func(a attacker, _ string) {
			a.exec(`DELETE FROM audit_log`)
			a.exec(`UPDATE audit_head SET seq = 0, hash = '' WHERE id = 1`)
		}, wantAt: 1, wantReason: "日志已被清空"},
		{name: "delete the last entry and move the head back", every: 1, tamper: func(a attacker, _ string) {
			var prev string
			if err := a.st.DB().QueryRow(`SELECT prev_hash FROM audit_log WHERE seq = $1`, n).Scan(&prev); err != nil {
				a.t.Fatal(err)
			}
			a.exec(`DELETE FROM audit_log WHERE seq = $1`, n)
			a.exec(`UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1`, n-1, prev)
		}, wantAt: n, wantReason: "第12条起的记录被删除"},
		{name: "delete the head row", every: 1, tamper: func(a attacker, _ string) {
			a.exec(`DELETE FROM audit_head`)
		}, wantAt: n + 1, wantReason: "链头记录缺失", chainOnly: true},
		{name: "forged checkpoint line", every: 1, tamper: func(a attacker, cpFile string) {
			// A copy of a real line with another head keeps a signature
			// that no longer matches what it says.
			cps, err := secure.ReadCheckpoints(cpFile)
			if err != nil {
				a.t.Fatal(err)
			}
			c := cps[len(cps)-1]
			c.Head = strings.Repeat("0", 64)
			if err := secure.AppendCheckpoint(cpFile, c); err != nil {
				a.t.Fatal(err)
			}
		}, wantReason: "签名无效：被伪造"},
		{name: "checkpoint signed with another key", every: 1, tamper: func(a attacker, cpFile string) {
			seq, hash := headOf(a.t, a.st)
			c, err := secure.SignCheckpoint(other, seq, hash, a.st.Now())
			if err != nil {
				a.t.Fatal(err)
			}
			if err := secure.AppendCheckpoint(cpFile, c); err != nil {
				a.t.Fatal(err)
			}
		}, wantReason: "签名无效：被伪造，或由另一把密钥签署"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				cpFile := filepath.Join(t.TempDir(), "checkpoints")
				var last *secure.Checkpoint
				// A new database starts with the seed's entries; each
				// organization adds one, up to n entries in all.
				base, _ := headOf(t, st)
				for i := base + 1; i <= n; i++ {
					mustOrg(t, st, zhuxiang.SystemActor, "协会", "652827", int(i))
					if i%int64(c.every) != 0 {
						continue
					}
					cp, err := st.SignAuditCheckpoint(ctx, key, last)
					if err != nil {
						t.Fatal(err)
					}
					if cp.Size != i {
						t.Fatalf("checkpoint after entry %d covers %d entries", i, cp.Size)
					}
					if err := secure.AppendCheckpoint(cpFile, cp); err != nil {
						t.Fatal(err)
					}
					last = &cp
				}
				c.tamper(newAttacker(t, st), cpFile)
				cps, err := secure.ReadCheckpoints(cpFile)
				if err != nil {
					t.Fatal(err)
				}
				res, err := st.VerifyAuditCheckpoints(ctx, cps, pub)
				if err != nil {
					t.Fatalf("verify: %v", err)
				}
				if res.BrokenAt != c.wantAt || c.wantReason == "" && !res.OK() || !strings.Contains(res.Reason, c.wantReason) {
					t.Errorf("verify: %+v; want broken at %d, reason with %q", res, c.wantAt, c.wantReason)
				}
				if want := n/c.every - int(base)/c.every; c.wantReason == "" && res.Checkpoints != want {
					t.Errorf("checkpoints agreed: %d, want %d", res.Checkpoints, want)
				}
				plain, err := st.VerifyAudit(ctx)
				if err != nil {
					t.Fatalf("plain verify: %v", err)
				}
				if caught := !plain.OK(); caught != c.chainOnly {
					t.Errorf("the plain chain check caught it: %v, expected %v (%+v)", caught, c.chainOnly, plain)
				}
				// The server must not sign over a rewritten or shortened
				// chain: its next checkpoint would vouch for the forgery.
				if c.wantAt != 0 {
					if cp, err := st.SignAuditCheckpoint(ctx, key, last); zhuxiang.ErrorCodeOf(err) != zhuxiang.EConflict {
						t.Errorf("signing after tampering: %v, %v; want a refusal", cp, err)
					}
				}
			})
		})
	}
}
