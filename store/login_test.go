package store_test

import (
	"sync"
	"testing"
	"time"

	"zhuxiang"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

// TestLoginLockoutUnderParallelAttempts sends 200 wrong passwords for one
// account, 40 at a time: however they interleave, at most five reach the
// password hash, the account ends locked, and the right password is then
// refused. Every attempt leaves its audit entry.
func TestLoginLockoutUnderParallelAttempts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		mustUser(t, st, store.NewUser{Name: "admin1", Role: zhuxiang.RoleAdmin})
		before := st.PasswordChecks()
		const workers, each = 40, 5
		start := make(chan struct{})
		var wg sync.WaitGroup
		var mu sync.Mutex
		codes := map[zhuxiang.ErrorCode]int{}
		var odd []error
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				for i := 0; i < each; i++ {
					_, err := st.Login(ctx, "admin1", "wrong-Password1")
					mu.Lock()
					switch c := zhuxiang.ErrorCodeOf(err); c {
					case zhuxiang.EUnauthorized, zhuxiang.ELocked:
						codes[c]++
					default:
						odd = append(odd, err)
					}
					mu.Unlock()
				}
			}()
		}
		close(start)
		wg.Wait()
		if len(odd) > 0 {
			t.Fatalf("%d attempts answered neither 401 nor locked, first: %v", len(odd), odd[0])
		}
		checks := st.PasswordChecks() - before
		if checks > zhuxiang.MaxFailedLogins {
			t.Errorf("%d password checks for %d parallel wrong passwords, want at most %d", checks, workers*each, zhuxiang.MaxFailedLogins)
		}
		if codes[zhuxiang.EUnauthorized] > zhuxiang.MaxFailedLogins {
			t.Errorf("%d attempts answered wrong password, want at most %d (the rest locked)", codes[zhuxiang.EUnauthorized], zhuxiang.MaxFailedLogins)
		}
		u, err := st.UserByName(ctx, "admin1")
		if err != nil {
			t.Fatal(err)
		}
		if !st.Now().Before(u.LockedUntil) {
			t.Errorf("account not locked after %d wrong passwords: failed_logins=%d locked_until=%v", workers*each, u.FailedLogins, u.LockedUntil)
		}
		if _, err := st.Login(ctx, "admin1", testPassword); zhuxiang.ErrorCodeOf(err) != zhuxiang.ELocked {
			t.Errorf("right password while locked: %v, want locked", err)
		}
		var audited int
		if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE op = 'login_failed' AND entity_id = $1`, u.ID).Scan(&audited); err != nil {
			t.Fatal(err)
		}
		if want := workers*each + 1; audited != want {
			t.Errorf("%d failed logins audited, want %d", audited, want)
		}
	})
}

// TestLoginCountsInARow checks the sequential rules the parallel fix must
// keep: a success resets the count, a lock lasts LockDuration, and after it
// the count starts again from zero.
func TestLoginCountsInARow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
		st.Now = func() time.Time { return now }
		mustUser(t, st, store.NewUser{Name: "county1", Role: zhuxiang.RoleCounty, RegionCode: "652827"})
		wrong := func(n int, want zhuxiang.ErrorCode) {
			t.Helper()
			for i := 0; i < n; i++ {
				if _, err := st.Login(ctx, "county1", "wrong-Password1"); zhuxiang.ErrorCodeOf(err) != want {
					t.Fatalf("wrong password %d: %v, want %s", i+1, err, want)
				}
			}
		}
		right := func(want zhuxiang.ErrorCode) {
			t.Helper()
			_, err := st.Login(ctx, "county1", testPassword)
			if want == "" && err != nil || want != "" && zhuxiang.ErrorCodeOf(err) != want {
				t.Fatalf("right password: %v, want %q", err, want)
			}
		}
		before := st.PasswordChecks()
		wrong(zhuxiang.MaxFailedLogins-1, zhuxiang.EUnauthorized)
		right("") // resets the count
		wrong(zhuxiang.MaxFailedLogins-1, zhuxiang.EUnauthorized)
		right("")
		wrong(zhuxiang.MaxFailedLogins, zhuxiang.EUnauthorized)
		wrong(3, zhuxiang.ELocked)
		right(zhuxiang.ELocked)
		// Twice four wrong and one right, then five wrong; none while locked.
		if got, want := st.PasswordChecks()-before, int64(3*zhuxiang.MaxFailedLogins); got != want {
			t.Errorf("%d password checks, want %d (none while locked)", got, want)
		}
		now = now.Add(zhuxiang.LockDuration - time.Second)
		right(zhuxiang.ELocked)
		now = now.Add(2 * time.Second)
		wrong(zhuxiang.MaxFailedLogins-1, zhuxiang.EUnauthorized) // a fresh count after the lock
		right("")
	})
}

// TestPasswordChangesEndCredentials checks what each change of a password
// or an account ends: an administrator's reset ends every session and API
// token (the old password may be known to someone else), the user's own
// change ends the other sessions but keeps tokens (only the administrator
// issues them), and disabling ends everything for good, so that enabling
// the account again does not revive an old token.
func TestPasswordChangesEndCredentials(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		admin := mustUser(t, st, store.NewUser{Name: "admin1", Role: zhuxiang.RoleAdmin})
		a := mustUser(t, st, store.NewUser{Name: "county1", Role: zhuxiang.RoleCounty, RegionCode: "652827"})
		u, err := st.UserByName(ctx, "county1")
		if err != nil {
			t.Fatal(err)
		}
		signIn := func() string {
			t.Helper()
			sess, err := st.CreateSession(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			return sess.Token
		}
		issue := func() string {
			t.Helper()
			tok, err := st.CreateAPIToken(ctx, admin, "county1")
			if err != nil {
				t.Fatal(err)
			}
			return tok
		}
		live := func(what, session, token string, wantSession, wantToken bool) {
			t.Helper()
			if session != "" {
				if _, err := st.SessionUser(ctx, session); (err == nil) != wantSession {
					t.Errorf("%s: session valid = %v, want %v", what, err == nil, wantSession)
				}
			}
			if token != "" {
				if _, err := st.TokenUser(ctx, token); (err == nil) != wantToken {
					t.Errorf("%s: API token valid = %v, want %v", what, err == nil, wantToken)
				}
			}
		}

		phone, desk, tok := signIn(), signIn(), issue()
		if err := st.ResetPassword(ctx, admin, u.ID, "Reset#Passw0rd"); err != nil {
			t.Fatal(err)
		}
		live("after an administrator's reset", phone, tok, false, false)
		live("after an administrator's reset", desk, "", false, false)

		phone, desk, tok = signIn(), signIn(), issue()
		if err := st.ChangePassword(ctx, a, desk, "Reset#Passw0rd", "Own#Passw0rd9"); err != nil {
			t.Fatal(err)
		}
		live("after the user's own change, the other session", phone, tok, false, true)
		live("after the user's own change, this session", desk, "", true, false)

		phone = signIn()
		if err := st.SetUserDisabled(ctx, admin, u.ID, true); err != nil {
			t.Fatal(err)
		}
		live("disabled", phone, tok, false, false)
		if err := st.SetUserDisabled(ctx, admin, u.ID, false); err != nil {
			t.Fatal(err)
		}
		live("enabled again", phone, tok, false, false)
	})
}

// TestSessionsPerAccount checks that an account keeps at most
// store.MaxSessions sessions and that a new login ends the one used least
// recently, not the newest.
func TestSessionsPerAccount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
		st.Now = func() time.Time { return now }
		mustUser(t, st, store.NewUser{Name: "county2", Role: zhuxiang.RoleCounty, RegionCode: "652827"})
		u, err := st.UserByName(ctx, "county2")
		if err != nil {
			t.Fatal(err)
		}
		var tokens []string
		for i := 0; i < store.MaxSessions; i++ {
			sess, err := st.CreateSession(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			tokens = append(tokens, sess.Token)
			now = now.Add(2 * time.Minute)
		}
		// The first session is used again; the second is now the least
		// recently used.
		if _, err := st.SessionUser(ctx, tokens[0]); err != nil {
			t.Fatal(err)
		}
		now = now.Add(2 * time.Minute)
		sess, err := st.CreateSession(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, sess.Token)
		for i, tok := range tokens {
			_, err := st.SessionUser(ctx, tok)
			if want := i != 1; (err == nil) != want {
				t.Errorf("session %d valid = %v, want %v", i+1, err == nil, want)
			}
		}
		// Logins all at the same instant still keep the newest.
		for i := 0; i < 2*store.MaxSessions; i++ {
			sess, err := st.CreateSession(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.SessionUser(ctx, sess.Token); err != nil {
				t.Fatalf("login %d at one instant: its own session: %v", i, err)
			}
		}
		var n int
		if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions WHERE user_id = $1`, u.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != store.MaxSessions {
			t.Errorf("%d sessions kept, want %d", n, store.MaxSessions)
		}
	})
}
