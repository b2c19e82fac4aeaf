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
