package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"zhuxiang"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

var ctx = context.Background()

const testPassword = "Zhuxiang#2026"

// creditCode makes a valid credit code for legal form digit f and serial n.
func creditCode(t testing.TB, f byte, n int) string {
	return storetest.CreditCode(f, fmt.Sprintf("6528%02d", 1+n%29), n)
}

func mustOrg(t testing.TB, st *store.Store, a zhuxiang.Actor, name, county string, n int) *zhuxiang.Org {
	t.Helper()
	o := &zhuxiang.Org{Name: name, CreditCode: creditCode(t, '1', n), LegalForm: zhuxiang.LegalAssociation, RegCounty: county,
		Kinds: []zhuxiang.OrgKind{zhuxiang.KindAgri}, Contact: "李四", Phone: "13912345678"}
	if _, err := st.CreateOrg(ctx, a, o); err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return o
}

func mustUser(t testing.TB, st *store.Store, nu store.NewUser) zhuxiang.Actor {
	t.Helper()
	if nu.Password == "" {
		nu.Password = testPassword
	}
	u, err := st.CreateUser(ctx, zhuxiang.SystemActor, nu)
	if err != nil {
		t.Fatalf("user %s: %v", nu.Name, err)
	}
	return u.Actor()
}

func storetestWriter(t testing.TB, st *store.Store) interface {
	Exec(string, ...any) (sql.Result, error)
} {
	return st.WriteDB()
}

// twoStores opens one new SQLite file twice, as a server and a command-line
// tool (or a second server) would.
func twoStores(t testing.TB) (*store.Store, *store.Store) {
	t.Helper()
	_, st := storetest.OpenTwice(t, "sqlite", 2)
	return st[0], st[1]
}
