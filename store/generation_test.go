package store_test

import (
	"testing"

	"zhuxiang"
	"zhuxiang/store"
)

// TestGenerationFollowsOtherWriters checks that the generation one process
// reads moves with every write another process makes to what it covers,
// although repeated reads with nothing written between are not re-read
// from the counters (on SQLite).
func TestGenerationFollowsOtherWriters(t *testing.T) {
	server, other := twoStores(t)
	read := func(step string) store.Gen {
		t.Helper()
		g, err := server.Generation(ctx)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		return g
	}
	first := read("first read")
	if again := read("second read"); again != first {
		t.Fatalf("generation moved from %v to %v with nothing written", first, again)
	}
	county := mustUser(t, other, store.NewUser{Name: "county1", Role: zhuxiang.RoleCounty, RegionCode: "652827"})
	afterUser := read("after a user was created")
	// An account changes who confirms a village's reports, which cached
	// pages count: creating, disabling and enabling one moves the
	// generation.
	if afterUser == first {
		t.Fatalf("generation %v did not move after another process created an account", afterUser)
	}
	for _, disabled := range []bool{true, false} {
		if err := other.SetUserDisabled(ctx, zhuxiang.SystemActor, county.UserID, disabled); err != nil {
			t.Fatal(err)
		}
		g := read("after disabling or enabling the account")
		if g == afterUser {
			t.Fatalf("generation %v did not move after the account was disabled=%v", g, disabled)
		}
		afterUser = g
	}
	mustOrg(t, other, county, "和静县测试协会", "652827", 1)
	afterOrg := read("after an organization was created")
	if afterOrg == afterUser {
		t.Fatalf("generation %v did not move after another process created an organization", afterOrg)
	}
	if err := other.SaveDepartment(ctx, zhuxiang.SystemActor, &zhuxiang.Department{Name: "州民政局"}); err != nil {
		t.Fatal(err)
	}
	if g := read("after a department was created"); g == afterOrg {
		t.Fatalf("generation %v did not move after another process created a department", g)
	}
}
