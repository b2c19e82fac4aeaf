package store_test

import (
	"testing"

	"zhuxiang"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

// TestBadInputRefusedAlike feeds the store what SQLite would store or
// compare and PostgreSQL fails on, and checks that both refuse it the same
// way: a row rejected by field in an import, invalid for a cursor, a failed
// login, not found for an id no record can have.
func TestBadInputRefusedAlike(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		sys := zhuxiang.SystemActor
		res, err := st.ImportRegions(ctx, sys, []store.RegionRow{
			{Row: 2, Code: "652827100", Name: "和静\x00镇", Level: "township", Parent: "652827"},
			{Row: 3, Code: "652827101", Name: "巴伦台镇", Level: "township", Parent: "652827"},
		}, zhuxiang.ImportAll)
		if err != nil || len(res.Rejected) != 1 || res.Rejected[0].Row != 2 || res.Rejected[0].Field != "name" {
			t.Errorf("import of a NUL name = %v %+v", err, res)
		}
		mustOrg(t, st, sys, "和静县农业协会", "652827", 1)
		for _, cur := range []string{"nAAAAAAAAAA", "n__8AYWJj", "s0", "s-1", "s+1", "szzzzzzzzzzzzzzzzzzz", "n" + "5ZKM6Z2Z"} {
			if _, err := st.ListOrgs(ctx, sys, store.OrgFilter{Cursor: cur}); zhuxiang.ErrorCodeOf(err) != zhuxiang.EInvalid || zhuxiang.ErrorField(err) != "cursor" {
				t.Errorf("ListOrgs cursor %q: %v", cur, err)
			}
		}
		for _, cur := range []string{"0", "-5", "+5", "zzzzzzzzzzzzzzzzzzzz", "\x00"} {
			if _, err := st.ListNeeds(ctx, sys, store.NeedFilter{Cursor: cur}); zhuxiang.ErrorCodeOf(err) != zhuxiang.EInvalid {
				t.Errorf("ListNeeds cursor %q: %v", cur, err)
			}
		}
		if _, err := st.Login(ctx, "admin\x00", testPassword); err != store.ErrBadLogin {
			t.Errorf("login with a NUL = %v", err)
		}
		if _, err := st.ExpressInterest(ctx, zhuxiang.Actor{UserID: "u", Role: zhuxiang.RoleAdmin}, "\x00", "x", ""); zhuxiang.ErrorCodeOf(err) != zhuxiang.ENotFound {
			t.Errorf("interest in a NUL id = %v", err)
		}
		d := &zhuxiang.Department{Name: "主管\x00单位"}
		if err := st.SaveDepartment(ctx, sys, d); zhuxiang.ErrorField(err) != "name" {
			t.Errorf("department with a NUL = %v", err)
		}
	})
}
