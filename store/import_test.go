package store_test

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"zhuxiang"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

// importCase is one import kind as the runner test drives it: a file of two
// good rows and one bad row (row 3), a second version of the good rows in
// which the first row changes and the second does not, and a count of the
// records the kind has stored.
type importCase struct {
	kind   string
	first  func() (*zhuxiang.ImportResult, error) // rows 2 and 4 good, row 3 bad, in the given mode
	second func() (*zhuxiang.ImportResult, error) // rows 2 (changed) and 4 (unchanged)
	count  func(t *testing.T) int
}

// TestImportRunner checks that organizations, regions and pairings mean the
// same by every mode and counter: all-or-nothing stores and counts nothing
// when a row is bad, a dry run counts what it would store, partial stores
// the good rows, a second import counts updated and unchanged rows, and the
// audit log lists created records by the batch, each update with its
// change, and the import's counts.
func TestImportRunner(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		sys := zhuxiang.SystemActor
		if res, err := st.ImportRegions(ctx, sys, []store.RegionRow{{Row: 2, Code: "652827100", Name: "和静镇", Level: "township", Parent: "652827"}}, zhuxiang.ImportAll); err != nil || !res.Stored {
			t.Fatalf("township: %+v %v", res, err)
		}
		mustOrg(t, st, sys, "和静县农业协会", "652827", 1)
		mustOrg(t, st, sys, "和静县红枣商会", "652827", 2)
		var mode zhuxiang.ImportMode
		count := func(table string) func(t *testing.T) int {
			return func(t *testing.T) int {
				var n int
				if err := st.DB().QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
		}
		org := func(row, n int, name string) store.OrgImport {
			return store.OrgImport{Row: row, County: "和静县", Org: &zhuxiang.Org{Name: name, CreditCode: creditCode(t, '1', n), LegalForm: zhuxiang.LegalAssociation,
				Kinds: []zhuxiang.OrgKind{zhuxiang.KindAgri}}}
		}
		pairing := func(row int, org, village, start, note string) store.PairingImport {
			return store.PairingImport{Row: row, Org: org, County: "和静县", Village: village, Pairing: &zhuxiang.Pairing{StartDate: start, Note: note}}
		}
		cases := []importCase{
			{
				kind: "org",
				first: func() (*zhuxiang.ImportResult, error) {
					bad := org(3, 12, "无效部门协会")
					bad.Department = "不存在的部门"
					return st.ImportOrgs(ctx, sys, []store.OrgImport{org(2, 10, "甲协会"), bad, org(4, 11, "乙协会")}, nil, 3, mode)
				},
				second: func() (*zhuxiang.ImportResult, error) {
					return st.ImportOrgs(ctx, sys, []store.OrgImport{org(2, 10, "甲协会（更名）"), org(4, 11, "乙协会")}, nil, 2, mode)
				},
				count: count("orgs"),
			},
			{
				kind: "region",
				first: func() (*zhuxiang.ImportResult, error) {
					return st.ImportRegions(ctx, sys, []store.RegionRow{
						{Row: 2, County: "和静县", Township: "和静镇", Village: "甲村", Code: "652827100201"},
						{Row: 3, County: "和静县", Township: "无此镇", Village: "丙村"},
						{Row: 4, County: "和静县", Township: "和静镇", Village: "乙村", Code: "652827100202"},
					}, mode)
				},
				second: func() (*zhuxiang.ImportResult, error) {
					return st.ImportRegions(ctx, sys, []store.RegionRow{
						{Row: 2, County: "和静县", Township: "和静镇", Village: "甲村", Code: "652827100201", Tags: "脱贫村"},
						{Row: 4, County: "和静县", Township: "和静镇", Village: "乙村", Code: "652827100202"},
					}, mode)
				},
				count: count("regions"),
			},
			{
				kind: "pairing",
				first: func() (*zhuxiang.ImportResult, error) {
					return st.ImportPairings(ctx, sys, []store.PairingImport{
						pairing(2, "和静县农业协会", "", "2025-03-01", ""),
						pairing(3, "未登记的协会", "", "2025-03-01", ""),
						pairing(4, "和静县红枣商会", "", "2025-04-01", ""),
					}, nil, 3, mode)
				},
				second: func() (*zhuxiang.ImportResult, error) {
					// Pairings are keyed by organization, place and start:
					// a row is either stored already or new.
					return st.ImportPairings(ctx, sys, []store.PairingImport{
						pairing(2, "和静县农业协会", "", "2025-05-01", ""),
						pairing(4, "和静县红枣商会", "", "2025-04-01", ""),
					}, nil, 2, mode)
				},
				count: count("pairings"),
			},
		}
		for _, c := range cases {
			t.Run(c.kind, func(t *testing.T) {
				n0 := c.count(t)
				var seq0 int64
				if err := st.DB().QueryRow(`SELECT seq FROM audit_head`).Scan(&seq0); err != nil {
					t.Fatal(err)
				}
				check := func(step string, res *zhuxiang.ImportResult, err error, want zhuxiang.ImportResult, stored int) {
					t.Helper()
					if err != nil {
						t.Fatalf("%s: %v", step, err)
					}
					got := *res
					got.Rejected, got.Warnings = nil, nil
					if !reflect.DeepEqual(got, want) {
						t.Errorf("%s: got %+v\n want %+v", step, got, want)
					}
					if n := c.count(t) - n0; n != stored {
						t.Errorf("%s: %d records stored, want %d", step, n, stored)
					}
				}
				mode = zhuxiang.ImportAll
				res, err := c.first()
				if err == nil && (len(res.Rejected) != 1 || res.Rejected[0].Row != 3) {
					t.Errorf("rejected %+v, want row 3", res.Rejected)
				}
				check("all-or-nothing with a bad row", res, err, zhuxiang.ImportResult{Rows: 3, Valid: 2}, 0)
				mode = zhuxiang.ImportDryRun
				res, err = c.first()
				check("dry run", res, err, zhuxiang.ImportResult{Rows: 3, Valid: 2, Accepted: 2, Created: 2, DryRun: true}, 0)
				mode = zhuxiang.ImportPartial
				res, err = c.first()
				check("partial", res, err, zhuxiang.ImportResult{Rows: 3, Valid: 2, Accepted: 2, Created: 2, Stored: true}, 2)
				mode = zhuxiang.ImportAll
				res, err = c.second()
				want := zhuxiang.ImportResult{Rows: 2, Valid: 2, Accepted: 2, Updated: 1, Unchanged: 1, Stored: true}
				stored := 2
				if c.kind == "pairing" {
					want.Updated, want.Created, stored = 0, 1, 3
				}
				check("second import", res, err, want, stored)

				entries, err := st.ListAudit(ctx, sys, zhuxiang.AuditFilter{Entity: c.kind, Limit: 100})
				if err != nil {
					t.Fatal(err)
				}
				ops := map[string]int{}
				listed := 0
				for _, e := range entries {
					if e.Seq <= seq0 {
						continue
					}
					ops[e.Op]++
					if e.Op == "import_create" {
						var b store.ImportedBatch
						if err := json.Unmarshal([]byte(e.Summary), &b); err != nil || b.Count != len(b.Records) {
							t.Fatalf("batch entry %d: %v %s", e.Seq, err, e.Summary)
						}
						for _, r := range b.Records {
							if r.ID == "" || r.Name == "" || r.Row == 0 {
								t.Errorf("batch entry %d lists %+v", e.Seq, r)
							}
						}
						listed += b.Count
					}
				}
				if ops["import"] != 2 || listed != stored || ops["update"] != want.Updated {
					t.Errorf("audit: %v, %d created listed; want 2 imports, %d listed, %d updates", ops, listed, stored, want.Updated)
				}
			})
		}
	})
}

// TestOrgHistoryReadsOldBatches: an organization imported before the import
// runner points at a batch entry that lists organizations under the old
// keys; its history still shows its creation line, because a signed chain
// is never rewritten.
func TestOrgHistoryReadsOldBatches(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	sys := zhuxiang.SystemActor
	o := &zhuxiang.Org{Name: "旧版导入协会", CreditCode: creditCode(t, '1', 7), LegalForm: zhuxiang.LegalAssociation, Kinds: []zhuxiang.OrgKind{zhuxiang.KindAgri}}
	if res, err := st.ImportOrgs(ctx, sys, []store.OrgImport{{Row: 2, County: "和静县", Org: o}}, nil, 1, zhuxiang.ImportAll); err != nil || !res.Stored {
		t.Fatalf("import: %+v %v", res, err)
	}
	old, _ := json.Marshal(map[string]any{"新增": 1, "组织": []map[string]any{{"id": o.ID, "名称": o.Name, "统一社会信用代码": o.CreditCode, "导入行号": 2}}})
	w := st.WriteDB()
	for _, q := range []string{`DROP TRIGGER audit_no_update`, `UPDATE audit_log SET summary = '` + string(old) + `' WHERE op = 'import_create'`} {
		if _, err := w.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	h, err := st.OrgHistory(ctx, sys, o.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range h {
		found = found || e.Op == "import_create" && strings.Contains(e.Summary, o.CreditCode)
	}
	if !found {
		t.Errorf("history of an organization from an old batch: %+v", h)
	}
}

// TestOrgImportAcrossWindows: a re-import longer than one window of the
// runner compares every row with its stored record, whichever window it
// falls in and whatever flags the record carries, and a credit code named
// twice in different windows is still caught.
func TestOrgImportAcrossWindows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		sys := zhuxiang.SystemActor
		const n = 1203 // three windows of 500, the last one short
		rows := func(rename int) []store.OrgImport {
			var items []store.OrgImport
			for i := 0; i < n; i++ {
				name := "窗口测试协会" + strconv.Itoa(i)
				if i == rename {
					name += "（更名）"
				}
				items = append(items, store.OrgImport{Row: i + 2, County: "和静县", Org: &zhuxiang.Org{Name: name, CreditCode: creditCode(t, '1', 100+i),
					LegalForm: zhuxiang.LegalAssociation, Kinds: []zhuxiang.OrgKind{zhuxiang.KindAgri}}})
			}
			return items
		}
		if res, err := st.ImportOrgs(ctx, sys, rows(-1), nil, n, zhuxiang.ImportAll); err != nil || res.Created != n {
			t.Fatalf("first import: %+v %v", res, err)
		}
		// A flag on a record in the second window: the sheet names none,
		// so the re-import keeps it and the row is unchanged.
		var id string
		if err := st.DB().QueryRow(`SELECT id FROM orgs WHERE credit_code = $1`, creditCode(t, '1', 100+777)).Scan(&id); err != nil {
			t.Fatal(err)
		}
		flagged, err := st.Org(ctx, sys, id)
		if err != nil {
			t.Fatal(err)
		}
		flagged.Flags = []zhuxiang.OrgFlag{{Kind: zhuxiang.FlagAbnormal, Source: "州民政局公告", Date: "2026-01-05"}}
		if _, err := st.UpdateOrg(ctx, sys, flagged); err != nil {
			t.Fatal(err)
		}
		second := rows(1001)
		second = append(second, store.OrgImport{Row: n + 2, County: "和静县", Org: &zhuxiang.Org{Name: "重复代码协会", CreditCode: creditCode(t, '1', 100+3),
			LegalForm: zhuxiang.LegalAssociation, Kinds: []zhuxiang.OrgKind{zhuxiang.KindAgri}}})
		res, err := st.ImportOrgs(ctx, sys, second, nil, n+1, zhuxiang.ImportPartial)
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 0 || res.Updated != 1 || res.Unchanged != n-1 || len(res.Rejected) != 1 || res.Rejected[0].Row != n+2 {
			t.Fatalf("re-import: created %d updated %d unchanged %d rejected %+v", res.Created, res.Updated, res.Unchanged, res.Rejected)
		}
		got, err := st.Org(ctx, sys, flagged.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Flags) != 1 || got.Flags[0].Source != "州民政局公告" {
			t.Errorf("flag after re-import: %+v", got.Flags)
		}
	})
}

// TestPairingImportRefusesListedOrgs: an organization on the abnormal or
// dishonest list cannot be paired by import either, by credit code or by
// name, and the row says why.
func TestPairingImportRefusesListedOrgs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		sys := zhuxiang.SystemActor
		ok := mustOrg(t, st, sys, "和静县守信协会", "652827", 1)
		bad := mustOrg(t, st, sys, "和静县失信协会", "652827", 2)
		bad.Flags = []zhuxiang.OrgFlag{{Kind: zhuxiang.FlagDishonest, Source: "信用中国", Date: "2026-02-01"}}
		if _, err := st.UpdateOrg(ctx, sys, bad); err != nil {
			t.Fatal(err)
		}
		row := func(n int, org string) store.PairingImport {
			return store.PairingImport{Row: n, Org: org, County: "和静县", Pairing: &zhuxiang.Pairing{StartDate: "2026-03-01"}}
		}
		res, err := st.ImportPairings(ctx, sys, []store.PairingImport{row(2, ok.CreditCode), row(3, bad.CreditCode), row(4, bad.Name)}, nil, 3, zhuxiang.ImportPartial)
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 1 || len(res.Rejected) != 2 {
			t.Fatalf("created %d, rejected %+v", res.Created, res.Rejected)
		}
		for _, r := range res.Rejected {
			if !strings.Contains(r.Message, "严重违法失信名单") || !strings.Contains(r.Message, bad.Name) {
				t.Errorf("row %d: %q", r.Row, r.Message)
			}
		}
	})
}
