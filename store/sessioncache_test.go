package store_test

import (
	"path/filepath"
	"testing"

	"zhuxiang"
	"zhuxiang/secure"
	"zhuxiang/store"
)

// TestSessionCacheIsExact runs two stores on one SQLite file, as a server
// and a command-line tool (or a second server) would: whatever one commits,
// the other's next session read must see, although repeated reads with
// nothing written between them come from the cache.
func TestSessionCacheIsExact(t *testing.T) {
	server, other := twoStores(t)
	admin := mustUser(t, other, store.NewUser{Name: "admin1", Role: zhuxiang.RoleAdmin})
	county := mustUser(t, other, store.NewUser{Name: "county1", Role: zhuxiang.RoleCounty, RegionCode: "652827"})
	u, err := server.Login(ctx, "county1", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	sess, err := server.CreateSession(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	read := func(step string) *store.Session {
		t.Helper()
		got, err := server.SessionUser(ctx, sess.Token)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		return got
	}
	first := read("first read")
	hits := server.SessionCacheHits()
	again := read("second read")
	if server.SessionCacheHits() != hits+1 {
		t.Fatalf("a second read with nothing written between must come from the cache (hits %d → %d)", hits, server.SessionCacheHits())
	}
	again.User.DisplayName = "changed by a caller"
	if read("third read").User.DisplayName == "changed by a caller" {
		t.Fatal("a caller's change to its session leaked into the cache")
	}

	// Another process changes an organization: the generation moves.
	mustOrg(t, other, county, "和静县测试协会", "652827", 1)
	if g := read("after an organization changed").Gen; g == first.Gen {
		t.Fatalf("data generation %v did not move after an organization changed", g)
	}
	if g, err := other.Generation(ctx); err != nil || g != read("again").Gen {
		t.Fatalf("Generation %v (%v), want the session's %v", g, err, read("again").Gen)
	}
	// Another process writes a notification: the count moves.
	if _, err := other.WriteDB().Exec(`INSERT INTO notifications (id, user_id, at, text) VALUES ('n1', $1, '2026-11-28T08:00:00.000000Z', '测试')`, county.UserID); err != nil {
		t.Fatal(err)
	}
	if n := read("after a notification").Unread; n != first.Unread+1 {
		t.Fatalf("unread %d, want %d", n, first.Unread+1)
	}
	// Another process disables the user: the session ends at once.
	read("before disabling")
	if err := other.SetUserDisabled(ctx, admin, county.UserID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := server.SessionUser(ctx, sess.Token); zhuxiang.ErrorCodeOf(err) != zhuxiang.EUnauthorized {
		t.Fatalf("session of a user disabled elsewhere: %v, want unauthorized", err)
	}
}

// TestSessionCacheLogout checks the same within one process: a logout
// ends the session for the very next request.
func TestSessionCacheLogout(t *testing.T) {
	st := open1(t)
	a := mustUser(t, st, store.NewUser{Name: "admin1", Role: zhuxiang.RoleAdmin})
	u, err := st.Login(ctx, "admin1", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	sess, err := st.CreateSession(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if _, err := st.SessionUser(ctx, sess.Token); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.DeleteSession(ctx, sess.Token, a); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SessionUser(ctx, sess.Token); zhuxiang.ErrorCodeOf(err) != zhuxiang.EUnauthorized {
		t.Fatalf("after logout: %v, want unauthorized", err)
	}
}

func open1(t *testing.T) *store.Store {
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "one.db"), store.WithFieldKey(secure.NewFieldKey()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return st
}
