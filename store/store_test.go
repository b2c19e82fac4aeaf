package store_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"zhuxiang"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

func TestSeed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		counties, err := st.ListRegions(ctx, zhuxiang.SystemActor, store.RegionFilter{Level: zhuxiang.LevelCounty})
		if err != nil {
			t.Fatal(err)
		}
		if len(counties) != 9 {
			t.Fatalf("counties = %d, want 9", len(counties))
		}
		leading := 0
		for _, c := range counties {
			if c.CountyClass == zhuxiang.ClassLeading {
				leading++
			}
		}
		if leading != 2 {
			t.Errorf("leading counties = %d, want 2 (和静县, 若羌县)", leading)
		}
		depts, err := st.Departments(ctx, zhuxiang.SystemActor)
		if err != nil {
			t.Fatal(err)
		}
		if len(depts) != len(zhuxiang.SeedDepartments) {
			t.Errorf("departments = %d, want %d", len(depts), len(zhuxiang.SeedDepartments))
		}
		// Migrating again changes nothing.
		if err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		again, _ := st.Departments(ctx, zhuxiang.SystemActor)
		if len(again) != len(depts) {
			t.Errorf("second migrate duplicated departments: %d", len(again))
		}
	})
}

func TestOrgSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		a := zhuxiang.SystemActor
		kel := mustOrg(t, st, a, "库尔勒市青年创业协会", "652801", 1)
		mustOrg(t, st, a, "和静县小麦种植协会", "652827", 2)
		mustOrg(t, st, a, "若羌县红枣产业商会", "652824", 3)
		cases := []struct {
			q    string
			want []string
		}{
			{"kel", []string{"库尔勒市青年创业协会"}},
			{"kuerle", []string{"库尔勒市青年创业协会"}},
			{"KuErLe", []string{"库尔勒市青年创业协会"}},
			{"尔勒", []string{"库尔勒市青年创业协会"}},
			{"小麦", []string{"和静县小麦种植协会"}},
			{"红枣产业", []string{"若羌县红枣产业商会"}},
			{strings.ToLower(kel.CreditCode), []string{"库尔勒市青年创业协会"}},
			{kel.CreditCode[:10], []string{"库尔勒市青年创业协会"}},
			{"协会", []string{"和静县小麦种植协会", "库尔勒市青年创业协会"}},
			{"没有这个", nil},
			{"协", []string{"和静县小麦种植协会", "库尔勒市青年创业协会"}},
			{"会", []string{"若羌县红枣产业商会", "和静县小麦种植协会", "库尔勒市青年创业协会"}}, // newest first
			{"和静 协会", []string{"和静县小麦种植协会"}},
			{"hjx", []string{"和静县小麦种植协会"}},
		}
		for _, c := range cases {
			p, err := st.ListOrgs(ctx, a, store.OrgFilter{Q: c.q})
			if err != nil {
				t.Fatalf("%q: %v", c.q, err)
			}
			var got []string
			for _, o := range p.Orgs {
				got = append(got, o.Name)
			}
			if strings.Join(got, "|") != strings.Join(c.want, "|") || p.Total != len(c.want) {
				t.Errorf("search %q = %v (total %d), want %v", c.q, got, p.Total, c.want)
			}
		}
	})
}

func TestOrgPagination(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		for i := 0; i < 45; i++ {
			mustOrg(t, st, zhuxiang.SystemActor, "协会"+string(rune('甲'+i)), "652801", 10+i)
		}
		for _, q := range []string{"", "协会"} {
			checkPages(t, st, store.OrgFilter{Limit: 20, Q: q}, 45, 3)
		}
	})
}

func checkPages(t *testing.T, st *store.Store, f store.OrgFilter, want, wantPages int) {
	t.Helper()
	{
		seen := map[string]bool{}
		pages := 0
		for {
			p, err := st.ListOrgs(ctx, zhuxiang.SystemActor, f)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, o := range p.Orgs {
				if seen[o.ID] {
					t.Fatalf("org %s on two pages", o.Name)
				}
				seen[o.ID] = true
			}
			if p.Next == "" {
				break
			}
			f.Cursor = p.Next
		}
		if len(seen) != want || pages != wantPages {
			t.Errorf("q=%q: saw %d orgs on %d pages, want %d on %d", f.Q, len(seen), pages, want, wantPages)
		}
	}
}

func TestOrgScopeAndAudit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		sys := zhuxiang.SystemActor
		mine := mustOrg(t, st, sys, "和静县养殖协会", "652827", 1)
		theirs := mustOrg(t, st, sys, "若羌县红枣协会", "652824", 2)
		hejing := mustUser(t, st, store.NewUser{Name: "hejing", Role: zhuxiang.RoleCounty, RegionCode: "652827"})
		orgUser := mustUser(t, st, store.NewUser{Name: "orguser", Role: zhuxiang.RoleOrg, OrgID: mine.ID})
		village := mustUser(t, st, store.NewUser{Name: "village", Role: zhuxiang.RoleCounty, RegionCode: "652824"})
		_ = village

		p, err := st.ListOrgs(ctx, hejing, store.OrgFilter{})
		if err != nil || len(p.Orgs) != 1 || p.Orgs[0].ID != mine.ID {
			t.Fatalf("county list = %v, %v", p, err)
		}
		if _, err := st.Org(ctx, hejing, theirs.ID); zhuxiang.ErrorCodeOf(err) != zhuxiang.ENotFound {
			t.Errorf("reading another county's org: %v, want not found", err)
		}
		// The county edits its org; the change and its audit entry land together.
		o, _ := st.Org(ctx, hejing, mine.ID)
		o.Contact = "王五"
		if _, err := st.UpdateOrg(ctx, hejing, o); err != nil {
			t.Fatal(err)
		}
		// Moving it out of the county is refused.
		o, _ = st.Org(ctx, hejing, mine.ID)
		o.RegCounty = "652824"
		if _, err := st.UpdateOrg(ctx, hejing, o); zhuxiang.ErrorCodeOf(err) != zhuxiang.EForbidden {
			t.Errorf("moving org out of county: %v, want forbidden", err)
		}
		// A stale version is a conflict.
		stale := *o
		stale.RegCounty = "652827"
		stale.Version--
		if _, err := st.UpdateOrg(ctx, hejing, &stale); zhuxiang.ErrorCodeOf(err) != zhuxiang.EConflict {
			t.Errorf("stale update: %v, want conflict", err)
		}
		// The org user may edit its contact but not its rating.
		o, _ = st.Org(ctx, orgUser, mine.ID)
		o.Phone, o.Rating, o.RatingDate = "0996-1234567", 5, "2026-01-01"
		if _, err := st.UpdateOrg(ctx, orgUser, o); err != nil {
			t.Fatal(err)
		}
		o, _ = st.Org(ctx, orgUser, mine.ID)
		if o.Phone != "0996-1234567" || o.Rating != 0 {
			t.Errorf("org user edit: phone %q rating %d; want phone changed, rating untouched", o.Phone, o.Rating)
		}
		entries, err := st.ListAudit(ctx, sys, zhuxiang.AuditFilter{Entity: "org", EntityID: mine.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 3 || entries[1].ActorName != "hejing" || !strings.Contains(entries[1].Summary, "王五") {
			t.Errorf("audit entries for org: %+v", entries)
		}
		if len(entries) == 3 && (!strings.Contains(entries[2].Summary, "和静县") || strings.Contains(entries[2].Summary, "652827")) {
			t.Errorf("the creation entry should name the county, not its code: %s", entries[2].Summary)
		}
		// Whoever may see an organization sees its history, and nobody else.
		if h, err := st.OrgHistory(ctx, hejing, mine.ID, 10); err != nil || len(h) != 3 {
			t.Errorf("county's history of its org: %d entries, %v", len(h), err)
		}
		if _, err := st.OrgHistory(ctx, hejing, theirs.ID, 10); zhuxiang.ErrorCodeOf(err) != zhuxiang.ENotFound {
			t.Errorf("history of another county's org: %v, want not found", err)
		}
		if _, err := st.ListAudit(ctx, hejing, zhuxiang.AuditFilter{}); zhuxiang.ErrorCodeOf(err) != zhuxiang.EForbidden {
			t.Errorf("county browsing audit: %v", err)
		}
		res, err := st.VerifyAudit(ctx)
		if err != nil || res.BrokenAt != 0 {
			t.Fatalf("verify: %+v %v", res, err)
		}
	})
}

func TestLoginLockoutAndSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
		st.Now = func() time.Time { return now }
		mustUser(t, st, store.NewUser{Name: "admin1", Role: zhuxiang.RoleAdmin})
		for i := 0; i < zhuxiang.MaxFailedLogins; i++ {
			if _, err := st.Login(ctx, "admin1", "wrong-Password1"); zhuxiang.ErrorCodeOf(err) != zhuxiang.EUnauthorized {
				t.Fatalf("attempt %d: %v", i, err)
			}
		}
		if _, err := st.Login(ctx, "admin1", testPassword); zhuxiang.ErrorCodeOf(err) != zhuxiang.ELocked {
			t.Fatalf("after 5 failures the right password must be refused while locked, got %v", err)
		}
		now = now.Add(zhuxiang.LockDuration + time.Second)
		u, err := st.Login(ctx, "admin1", testPassword)
		if err != nil {
			t.Fatalf("after the lock expires: %v", err)
		}
		if !u.MustChangePassword {
			t.Error("a new account must change its initial password")
		}
		sess, err := st.CreateSession(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		now = now.Add(20 * time.Minute)
		if _, err := st.SessionUser(ctx, sess.Token); err != nil {
			t.Fatalf("session after 20 idle minutes: %v", err)
		}
		now = now.Add(29 * time.Minute)
		if _, err := st.SessionUser(ctx, sess.Token); err != nil {
			t.Fatalf("session touched 29 minutes ago: %v", err)
		}
		now = now.Add(31 * time.Minute)
		if _, err := st.SessionUser(ctx, sess.Token); zhuxiang.ErrorCodeOf(err) != zhuxiang.EUnauthorized {
			t.Fatalf("session idle 31 minutes: %v, want unauthorized", err)
		}
		if _, err := st.Login(ctx, "nobody", testPassword); err != store.ErrBadLogin {
			t.Errorf("unknown user: %v", err)
		}
	})
}

func TestAuditTamper(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		o := mustOrg(t, st, zhuxiang.SystemActor, "测试协会", "652801", 1)
		mustOrg(t, st, zhuxiang.SystemActor, "测试协会二", "652801", 2)
		if _, err := st.DB().Exec(`UPDATE audit_log SET summary = 'x' WHERE seq = 1`); err == nil {
			t.Fatal("the audit log accepted an UPDATE")
		}
		// Someone with the database owner's rights can still go around the
		// trigger; verification must notice.
		disable := `ALTER TABLE audit_log DISABLE TRIGGER audit_no_update`
		if st.Dialect() == store.SQLite {
			disable = `DROP TRIGGER audit_no_update`
		}
		w := storetestWriter(t, st)
		if _, err := w.Exec(disable); err != nil {
			t.Fatal(err)
		}
		var seq int64
		if err := st.DB().QueryRow(`SELECT seq FROM audit_log WHERE entity_id = $1`, o.ID).Scan(&seq); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Exec(`UPDATE audit_log SET summary = 'forged' WHERE entity_id = $1`, o.ID); err != nil {
			t.Fatal(err)
		}
		res, err := st.VerifyAudit(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if res.BrokenAt != seq {
			t.Errorf("verify after tampering: %+v, want broken at %d", res, seq)
		}
	})
}

// TestListCacheFollowsWrites checks that a cached list page never outlives
// a write: every change to an organization, through any path, shows in the
// next list, and the cache does not hand out pages across scopes.
func TestListCacheFollowsWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		sys := zhuxiang.SystemActor
		o := mustOrg(t, st, sys, "和静县养殖协会", "652827", 1)
		hejing := mustUser(t, st, store.NewUser{Name: "hejing", Role: zhuxiang.RoleCounty, RegionCode: "652827"})
		ruoqiang := mustUser(t, st, store.NewUser{Name: "ruoqiang", Role: zhuxiang.RoleCounty, RegionCode: "652824"})
		names := func(a zhuxiang.Actor, f store.OrgFilter) string {
			t.Helper()
			p, err := st.ListOrgs(ctx, a, f)
			if err != nil {
				t.Fatal(err)
			}
			var n []string
			for _, x := range p.Orgs {
				n = append(n, x.Name+"/"+x.Contact)
			}
			return strings.Join(n, ",")
		}
		if got := names(hejing, store.OrgFilter{}); got != "和静县养殖协会/李四" {
			t.Fatalf("first list: %q", got)
		}
		if got := names(ruoqiang, store.OrgFilter{}); got != "" {
			t.Fatalf("another county's list served from the cache: %q", got)
		}
		// An update shows at once.
		full, _ := st.Org(ctx, hejing, o.ID)
		full.Contact = "王五"
		if _, err := st.UpdateOrg(ctx, hejing, full); err != nil {
			t.Fatal(err)
		}
		if got := names(hejing, store.OrgFilter{}); got != "和静县养殖协会/王五" {
			t.Errorf("after update: %q", got)
		}
		// So does a create, and a search sees it.
		mustOrg(t, st, sys, "和静县红枣协会", "652827", 2)
		if got := names(hejing, store.OrgFilter{Q: "协会"}); got != "和静县红枣协会/李四,和静县养殖协会/王五" {
			t.Errorf("after create: %q", got)
		}
		// A caller changing what it got does not change the cache.
		p, _ := st.ListOrgs(ctx, hejing, store.OrgFilter{Q: "协会"})
		p.Orgs[0].Name = "改掉"
		if got := names(hejing, store.OrgFilter{Q: "协会"}); strings.Contains(got, "改掉") {
			t.Errorf("cache shared with caller: %q", got)
		}
	})
}

// TestListCacheUnderConcurrency reads lists from several goroutines while
// organizations change: after each write returns, a fresh read must see it
// (run with -race to check the cache's locking too).
func TestListCacheUnderConcurrency(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	sys := zhuxiang.SystemActor
	o := mustOrg(t, st, sys, "和静县养殖协会", "652827", 1)
	done := make(chan struct{})
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		go func() {
			for {
				select {
				case <-done:
					errs <- nil
					return
				default:
				}
				if _, err := st.ListOrgs(ctx, sys, store.OrgFilter{Q: "养殖"}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for i := 0; i < 20; i++ {
		full, err := st.Org(ctx, sys, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		full.Contact = fmt.Sprintf("联系人%d", i)
		if _, err := st.UpdateOrg(ctx, sys, full); err != nil {
			t.Fatal(err)
		}
		p, err := st.ListOrgs(ctx, sys, store.OrgFilter{Q: "养殖"})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Orgs) != 1 || p.Orgs[0].Contact != full.Contact {
			t.Fatalf("after write %d the list shows %+v", i, p.Orgs)
		}
	}
	close(done)
	for i := 0; i < 4; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// TestSearchFollowsRename checks that the search index drops an
// organization's old name and finds the new one, on both engines.
func TestSearchFollowsRename(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		sys := zhuxiang.SystemActor
		o := mustOrg(t, st, sys, "和静县养蜂协会", "652827", 1)
		o.Name = "和静县红枣商会"
		if _, err := st.UpdateOrg(ctx, sys, o); err != nil {
			t.Fatal(err)
		}
		for q, want := range map[string]int{"养蜂": 0, "yangfeng": 0, "红枣商会": 1, "hongzao": 1, "hjxhzsh": 1} {
			p, err := st.ListOrgs(ctx, sys, store.OrgFilter{Q: q})
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Orgs) != want || p.Total != want {
				t.Errorf("after rename, %q finds %d (total %d), want %d", q, len(p.Orgs), p.Total, want)
			}
		}
	})
}

// TestSearchIndexFollowsOtherWriters runs two stores on one SQLite file,
// as the server and a command-line import would. The server's in-memory
// search index must see, at its next search, every organization the other
// store creates, renames or re-files, and a large import too (which
// rebuilds the index instead of patching it).
func TestSearchIndexFollowsOtherWriters(t *testing.T) {
	server, cli := twoStores(t)
	names := func(f store.OrgFilter) []string {
		t.Helper()
		page, err := server.ListOrgs(ctx, zhuxiang.SystemActor, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, o := range page.Orgs {
			out = append(out, o.Name)
		}
		return out
	}
	if got := names(store.OrgFilter{Q: "红枣"}); len(got) != 0 {
		t.Fatalf("empty registry found %q", got)
	}
	o := mustOrg(t, cli, zhuxiang.SystemActor, "若羌县红枣产业协会", "652824", 1)
	if got := names(store.OrgFilter{Q: "hongzao"}); !slices.Equal(got, []string{"若羌县红枣产业协会"}) {
		t.Fatalf("after another process created it: %q", got)
	}
	o.Name, o.RegCounty = "和静县蔬菜产业协会", "652827"
	if _, err := cli.UpdateOrg(ctx, zhuxiang.SystemActor, o); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		f    store.OrgFilter
		want int
	}{
		{store.OrgFilter{Q: "红枣"}, 0},
		{store.OrgFilter{Q: "hj"}, 1},
		{store.OrgFilter{Q: "蔬菜", County: "652824"}, 0},
		{store.OrgFilter{Q: "蔬菜", County: "652827"}, 1},
		{store.OrgFilter{County: "652824"}, 0},
	} {
		if got := names(c.f); len(got) != c.want {
			t.Errorf("after a rename and a move, %+v found %q, want %d", c.f, got, c.want)
		}
	}
	n := 6000
	items := make([]store.OrgImport, 0, n)
	for i := 0; i < n; i++ {
		o := &zhuxiang.Org{Name: fmt.Sprintf("巴州%05d号农业技术协会", i), CreditCode: creditCode(t, '1', i+2), LegalForm: zhuxiang.LegalAssociation}
		items = append(items, store.OrgImport{Row: i + 2, Org: o, County: "652827"})
	}
	if res, err := cli.ImportOrgs(ctx, zhuxiang.SystemActor, items, nil, n, zhuxiang.ImportAll); err != nil || len(res.Rejected) > 0 {
		t.Fatalf("import: %v", err)
	}
	// 05999 is also in the credit code of row 5999 (organization 05997).
	if got := names(store.OrgFilter{Q: "05999号"}); !slices.Equal(got, []string{"巴州05999号农业技术协会", "巴州05997号农业技术协会"}) {
		t.Fatalf("after a large import: %q", got)
	}
	page, err := server.ListOrgs(ctx, zhuxiang.SystemActor, store.OrgFilter{Q: "hj", County: "652827"})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 1 || page.Orgs[0].Name != "和静县蔬菜产业协会" {
		t.Fatalf("hj in 和静县 after the import: %d, first %q", page.Total, page.Orgs[0].Name)
	}
}

// TestImportAuditBatches checks how an import is recorded: each batch of
// created organizations is one chained entry listing them, an updated
// organization keeps an entry of its own with what changed, and every
// organization's history still shows how it came to be.
func TestImportAuditBatches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		sys := zhuxiang.SystemActor
		existing := mustOrg(t, st, sys, "和静县既有协会", "652827", 1)
		n := 1201 // three batches of 500, 500 and 201, plus one update
		items := []store.OrgImport{{Row: 2, Org: &zhuxiang.Org{Name: "和静县既有协会（更名）", CreditCode: existing.CreditCode, LegalForm: zhuxiang.LegalAssociation}, County: "652827"}}
		for i := 0; i < n; i++ {
			o := &zhuxiang.Org{Name: fmt.Sprintf("巴州%05d号协会", i), CreditCode: creditCode(t, '1', i+2), LegalForm: zhuxiang.LegalAssociation}
			items = append(items, store.OrgImport{Row: i + 3, Org: o, County: "652827"})
		}
		res, err := st.ImportOrgs(ctx, sys, items, nil, n+1, zhuxiang.ImportAll)
		if err != nil || res.Created != n || res.Updated != 1 {
			t.Fatalf("import: %+v %v", res, err)
		}
		batches, err := st.ListAudit(ctx, sys, zhuxiang.AuditFilter{Op: "import_create"})
		if err != nil {
			t.Fatal(err)
		}
		if len(batches) != 3 {
			t.Fatalf("%d batch entries, want 3", len(batches))
		}
		listed := 0
		for _, e := range batches {
			var b store.ImportedBatch
			if err := json.Unmarshal([]byte(e.Summary), &b); err != nil || b.Count != len(b.Records) {
				t.Fatalf("entry %d: %v %s", e.Seq, err, e.Summary[:min(200, len(e.Summary))])
			}
			listed += b.Count
		}
		if listed != n {
			t.Errorf("batch entries list %d organizations, want %d", listed, n)
		}
		for _, want := range []struct {
			name string
			row  int
		}{{"巴州00000号协会", 3}, {"巴州00499号协会", 502}, {"巴州00500号协会", 503}, {"巴州01200号协会", 1203}} {
			page, err := st.ListOrgs(ctx, sys, store.OrgFilter{Q: want.name, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(page.Orgs, func(o *zhuxiang.Org) bool { return o.Name == want.name })
			if i < 0 {
				t.Fatalf("%s not found", want.name)
			}
			h, err := st.OrgHistory(ctx, sys, page.Orgs[i].ID, 10)
			if err != nil || len(h) != 1 {
				t.Fatalf("history of %s: %d entries, %v", want.name, len(h), err)
			}
			if h[0].Op != "import_create" || !strings.Contains(h[0].Summary, want.name) || !strings.Contains(h[0].Summary, fmt.Sprintf(`"after":%d`, want.row)) {
				t.Errorf("history of %s: %s %s", want.name, h[0].Op, h[0].Summary)
			}
		}
		h, err := st.OrgHistory(ctx, sys, existing.ID, 10)
		if err != nil || len(h) != 2 || h[0].Op != "update" || !strings.Contains(h[0].Summary, "更名") {
			t.Errorf("history of the updated organization: %+v %v", h, err)
		}
		if v, err := st.VerifyAudit(ctx); err != nil || v.BrokenAt != 0 {
			t.Fatalf("verify: %+v %v", v, err)
		}
	})
}

// TestNewDatabasePageSize checks that a new SQLite file is made with 8 KB
// pages: the page size must be set before the file switches to WAL, after
// which it can no longer change.
func TestNewDatabasePageSize(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	var size int
	var mode string
	if err := st.DB().QueryRow(`PRAGMA page_size`).Scan(&size); err != nil {
		t.Fatal(err)
	}
	if err := st.DB().QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if size != 8192 || mode != "wal" {
		t.Fatalf("new database: page size %d, journal %s; want 8192, wal", size, mode)
	}
	// Each pool's cache size is the one it names.
	var readCache, writeCache int
	if err := st.DB().QueryRow(`PRAGMA cache_size`).Scan(&readCache); err != nil {
		t.Fatal(err)
	}
	if err := storetestWriter(t, st).(*sql.DB).QueryRow(`PRAGMA cache_size`).Scan(&writeCache); err != nil {
		t.Fatal(err)
	}
	if readCache != -32000 || writeCache != -262144 {
		t.Fatalf("cache sizes: read pool %d, writer %d; want -32000, -262144", readCache, writeCache)
	}
}

// TestSearchIndexAfterRestore checks that a database whose generation went
// back (a backup restored under a running server) is indexed afresh rather
// than trusted.
func TestSearchIndexAfterRestore(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	mustOrg(t, st, zhuxiang.SystemActor, "且末县玉石文化协会", "652825", 1)
	find := func(q string) int {
		t.Helper()
		page, err := st.ListOrgs(ctx, zhuxiang.SystemActor, store.OrgFilter{Q: q})
		if err != nil {
			t.Fatal(err)
		}
		return page.Total
	}
	if find("玉石") != 1 {
		t.Fatal("not found before the restore")
	}
	w := storetestWriter(t, st)
	if _, err := w.Exec(`UPDATE orgs SET name = '且末县红枣协会', search = '且末县红枣协会 qiemoxianhongzaoxiehui qmxhzxh', rev = 0`); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Exec(`UPDATE counters SET value = 0 WHERE name = 'orgs_gen'`); err != nil {
		t.Fatal(err)
	}
	if got := find("玉石"); got != 0 {
		t.Errorf("the old name still found after the restore (%d)", got)
	}
	if got := find("qmxhz"); got != 1 {
		t.Errorf("the restored name found %d times, want 1", got)
	}
}

// TestSearchesShareStatements checks that searches with different results
// reuse prepared statements: the store keeps a bounded number, and pages
// that each made a new one would fill it within seconds and leave every
// later statement unprepared.
func TestSearchesShareStatements(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	for i := 0; i < 30; i++ {
		mustOrg(t, st, zhuxiang.SystemActor, fmt.Sprintf("和静县第%02d养殖协会", i), "652827", i+1)
	}
	search := func(q string) {
		t.Helper()
		if _, err := st.ListOrgs(ctx, zhuxiang.SystemActor, store.OrgFilter{Q: q, Limit: 5}); err != nil {
			t.Fatal(err)
		}
	}
	search("养殖")
	before := st.CachedStatements()
	for i := 0; i < 30; i++ {
		search(fmt.Sprintf("第%02d", i))
		search(fmt.Sprintf("%02d养殖", i))
	}
	if grown := st.CachedStatements() - before; grown > 2 {
		t.Errorf("60 different searches prepared %d new statements", grown)
	}
}

// TestOrgSavedUnchanged: saving an organization as it is changes nothing,
// in whatever order its inspections arrive (a form lists them as typed),
// so its history gets no line that says 年检 changed when it did not.
func TestOrgSavedUnchanged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		sys := zhuxiang.SystemActor
		o := mustOrg(t, st, sys, "和静县年检顺序协会", "652827", 1)
		o.Inspections = []zhuxiang.Inspection{{Year: 2025, Result: "合格"}, {Year: 2024, Result: "基本合格"}}
		if _, err := st.UpdateOrg(ctx, sys, o); err != nil {
			t.Fatal(err)
		}
		saved, err := st.Org(ctx, sys, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		again := *saved
		again.Inspections = []zhuxiang.Inspection{saved.Inspections[1], saved.Inspections[0]}
		if _, err := st.UpdateOrg(ctx, sys, &again); err != nil {
			t.Fatal(err)
		}
		after, err := st.Org(ctx, sys, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if after.Version != saved.Version {
			t.Errorf("version %d → %d: reordered inspections were saved as a change", saved.Version, after.Version)
		}
	})
}
