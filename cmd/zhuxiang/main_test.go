package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zhuxiang"
	"zhuxiang/sheet"
	"zhuxiang/store/storetest"
)

func code(n int) string { return storetest.CreditCode('1', "652827", n) }

// cli runs the command in-process and returns its output and exit status.
func cli(t *testing.T, stdin string, args ...string) (string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	status := 0
	var ec exitCode
	switch {
	case errors.As(err, &ec):
		status = int(ec)
	case err != nil:
		status = 1
		out.WriteString("错误: " + zhuxiangMessage(err))
	}
	return out.String() + errOut.String(), status
}

func TestImportJSONAndExitStatus(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "z.db")
	good := "组织名称,统一社会信用代码,登记县市\n甲协会," + code(1) + ",和静县\n乙协会," + code(2) + ",焉耆县\n"
	bad := good + "丙协会,123,和静县\n丁协会," + code(4) + ",北京县\n"
	os.WriteFile(filepath.Join(dir, "good.csv"), []byte(good), 0o644)
	os.WriteFile(filepath.Join(dir, "bad.csv"), []byte(bad), 0o644)
	os.WriteFile(filepath.Join(dir, "photo.xlsx"), []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"), 0o644)

	cases := []struct {
		name       string
		args       []string
		wantStatus int
		wantRows   int
		wantRej    []int
	}{
		{"dry run of a good file", []string{"import", "orgs", filepath.Join(dir, "good.csv"), "--dry-run", "--json", "--db", db}, 0, 2, nil},
		{"bad rows", []string{"import", "orgs", "--json", "--db", db, filepath.Join(dir, "bad.csv")}, 1, 4, []int{4, 5}},
		{"not a spreadsheet", []string{"import", "orgs", filepath.Join(dir, "photo.xlsx"), "--json", "--db", db}, 1, 0, []int{0}},
		{"good file", []string{"import", "orgs", filepath.Join(dir, "good.csv"), "--json", "--db", db}, 0, 2, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, status := cli(t, "", c.args...)
			if status != c.wantStatus {
				t.Fatalf("status %d, want %d; output:\n%s", status, c.wantStatus, out)
			}
			var res struct {
				Rows     int `json:"rows"`
				Accepted int `json:"accepted"`
				Rejected []struct {
					Row     int    `json:"row"`
					Field   string `json:"field"`
					Message string `json:"message"`
				} `json:"rejected"`
			}
			// Standard output comes first; a first run on a fresh database
			// adds the key file notice after it, on standard error.
			if err := json.NewDecoder(strings.NewReader(out)).Decode(&res); err != nil {
				t.Fatalf("output is not the JSON summary: %v\n%s", err, out)
			}
			var rows []int
			for _, r := range res.Rejected {
				rows = append(rows, r.Row)
				if r.Message == "" {
					t.Errorf("row %d without a message", r.Row)
				}
			}
			if res.Rows != c.wantRows || fmt.Sprint(rows) != fmt.Sprint(c.wantRej) && len(c.wantRej)+len(rows) > 0 {
				t.Errorf("summary %+v, want rows %d rejected %v", res, c.wantRows, c.wantRej)
			}
		})
	}
	// Only the good file was stored, once; the audit chain verifies.
	out, status := cli(t, "", "audit", "verify", "--db", db)
	if status != 0 || !strings.HasPrefix(out, "OK") {
		t.Errorf("audit verify: %d %s", status, out)
	}
	exp := filepath.Join(dir, "out.xlsx")
	if out, status := cli(t, "", "export", "orgs", exp, "--db", db); status != 0 {
		t.Fatalf("export: %s", out)
	}
	// The export imports back unchanged: nothing created, nothing updated.
	out, status = cli(t, "", "import", "orgs", exp, "--json", "--db", db)
	if status != 0 || !strings.Contains(out, `"created":0`) || !strings.Contains(out, `"updated":0`) {
		t.Errorf("re-importing the export: %d %s", status, out)
	}
	// Without --json the counts are words: unchanged rows are counted too.
	out, status = cli(t, "", "import", "orgs", filepath.Join(dir, "good.csv"), "--db", db)
	if status != 0 || !strings.Contains(out, "共 2 行：新增 0，更新 0，未变 2，用时 ") {
		t.Errorf("re-importing the good file: %d %s", status, out)
	}
}

func TestUserAndToken(t *testing.T) {
	db := filepath.Join(t.TempDir(), "z.db")
	if out, status := cli(t, "weak\n", "user", "add", "--name", "a1", "--role", "admin", "--db", db); status == 0 || !strings.Contains(out, "密码") {
		t.Errorf("weak password accepted: %s", out)
	}
	if out, status := cli(t, "Strong#Pass1\n", "user", "add", "--name", "a1", "--role", "admin", "--db", db); status != 0 {
		t.Fatalf("user add: %s", out)
	}
	if out, status := cli(t, "Strong#Pass1\n", "user", "add", "--name", "c1", "--role", "county", "--region", "999999", "--db", db); status == 0 || !strings.Contains(out, "区划") {
		t.Errorf("county user with a bad region: %d %s", status, out)
	}
	out, status := cli(t, "", "token", "create", "--user", "a1", "--db", db)
	if status != 0 || !strings.HasPrefix(out, "zx_") {
		t.Errorf("token: %d %q", status, out)
	}
	tok := strings.TrimSpace(out)
	st, err := open(context.Background(), db, "", false, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.TokenUser(context.Background(), tok); err != nil {
		t.Fatalf("fresh token refused: %v", err)
	}
	if out, status := cli(t, "", "token", "revoke", "--user", "a1", "--db", db); status != 0 || !strings.Contains(out, "1 个") {
		t.Errorf("revoke: %d %s", status, out)
	}
	if _, err := st.TokenUser(context.Background(), tok); zhuxiang.ErrorCodeOf(err) != zhuxiang.EUnauthorized {
		t.Errorf("revoked token still works: %v", err)
	}
	if out, status := cli(t, "", "frobnicate"); status != 2 || !strings.Contains(out, "用法") {
		t.Errorf("unknown command: %d %s", status, out)
	}
}

func TestAuditVerifyBroken(t *testing.T) {
	db := filepath.Join(t.TempDir(), "z.db")
	if out, status := cli(t, "Strong#Pass1\n", "user", "add", "--name", "a1", "--role", "admin", "--db", db); status != 0 {
		t.Fatal(out)
	}
	// Someone with the file in hand goes around the store and its trigger.
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DROP TRIGGER audit_no_update`, `UPDATE audit_log SET actor_name = 'someone else' WHERE seq = 1`} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	out, status := cli(t, "", "audit", "verify", "--db", db)
	if status == 0 || !strings.Contains(out, "entry 1") {
		t.Errorf("tampered log: %d %s", status, out)
	}
}

func TestRedactDSN(t *testing.T) {
	cases := map[string]string{
		"postgres://zx:secret@db:5432/zhuxiang": "postgres://zx:xxxxx@db:5432/zhuxiang",
		"postgres://postgres@127.0.0.1/z":       "postgres://postgres@127.0.0.1/z",
		"zhuxiang.db":                           "zhuxiang.db",
	}
	for in, want := range cases {
		if got := redactDSN(in); got != want {
			t.Errorf("redactDSN(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestImportPairingsAndAllocation(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "z.db")
	orgs := "组织名称,统一社会信用代码,登记县市\n甲协会," + code(1) + ",和静县\n"
	os.WriteFile(filepath.Join(dir, "orgs.csv"), []byte(orgs), 0o644)
	if out, status := cli(t, "", "import", "orgs", filepath.Join(dir, "orgs.csv"), "--db", db); status != 0 {
		t.Fatalf("import orgs: %s", out)
	}
	good := "社会组织,县市,行动,开始日期\n" + code(1) + ",和静县,产业发展,2025-03-01\n甲协会,焉耆县,,2025/4/1\n"
	bad := good + "乙协会,和静县,,2025-03-01\n甲协会,和静县,,明年\n"
	os.WriteFile(filepath.Join(dir, "good.csv"), []byte(good), 0o644)
	os.WriteFile(filepath.Join(dir, "bad.csv"), []byte(bad), 0o644)
	out, status := cli(t, "", "import", "pairings", filepath.Join(dir, "bad.csv"), "--json", "--db", db)
	var res struct {
		Rows     int                 `json:"rows"`
		Rejected []zhuxiang.RowError `json:"rejected"`
		Stored   bool                `json:"stored"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || status != 1 || res.Stored || len(res.Rejected) != 2 || res.Rejected[0].Row != 4 || res.Rejected[1].Row != 5 {
		t.Fatalf("bad file: status %d, %s", status, out)
	}
	for i := 0; i < 2; i++ { // twice: no duplicates
		if out, status := cli(t, "", "import", "pairings", filepath.Join(dir, "good.csv"), "--db", db); status != 0 {
			t.Fatalf("good file: %s", out)
		}
	}
	sqldb, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer sqldb.Close()
	var n int
	if err := sqldb.QueryRow(`SELECT COUNT(*) FROM pairings`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("pairings stored: %d (%v)", n, err)
	}
	// With no open needs the plan is empty but still runs and says so.
	out, status = cli(t, "", "match", "plan", "--db", db)
	if status != 0 || !strings.Contains(out, "需求 0") || !strings.Contains(out, "匹配 0") {
		t.Fatalf("match plan: %s", out)
	}
}

// TestImportProjectsCommand: `zhuxiang import projects` reads a ledger
// built here as an XLSX, on both engines: a file with bad rows stores
// nothing and names each row and column; the good file creates drafts of
// the organization named by credit code; importing it again stores
// nothing twice. The help lists the command in Chinese.
func TestImportProjectsCommand(t *testing.T) {
	if out, _ := cli(t, "", "import", "projects", "--help"); !strings.Contains(out, "用法: zhuxiang import projects 文件") || !strings.Contains(out, "项目台账") {
		t.Errorf("help: %s", out)
	}
	if out, _ := cli(t, "", "help"); !strings.Contains(out, "import regions|orgs|pairings|projects") {
		t.Errorf("help lists no project import: %s", out)
	}
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, "z.db")
			if engine == "postgres" {
				db = storetest.FreshSchema(t)
			}
			common := []string{"--db", db, "--key-file", filepath.Join(dir, "z.key")}
			regions := filepath.Join(dir, zhuxiang.PrefectureRegionsFile)
			data, err := io.ReadAll(zhuxiang.PrefectureRegions())
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(regions, data, 0o644)
			os.WriteFile(filepath.Join(dir, "villages.csv"), []byte("县市,乡镇,村\n和静县,和静镇,台账一村\n和静县,和静镇,台账二村\n若羌县,若羌镇,台账三村\n"), 0o644)
			os.WriteFile(filepath.Join(dir, "orgs.csv"), []byte("组织名称,统一社会信用代码,登记县市\n甲协会,"+code(1)+",和静县\n"), 0o644)
			for _, args := range [][]string{{"import", "regions", regions}, {"import", "regions", filepath.Join(dir, "villages.csv")}, {"import", "orgs", filepath.Join(dir, "orgs.csv")}} {
				if out, status := cli(t, "", append(args, common...)...); status != 0 {
					t.Fatalf("%v: %s", args, out)
				}
			}
			header := []any{"项目名称", "牵头单位", "县市", "村", "行动", "开始日期", "结束日期", "预算-自有资金（元）", "受益人群"}
			good := [][]any{
				{"红枣烘干房建设", code(1), "和静县", "台账一村、台账二村", "产业发展", "2026-03-01", "2026-12-31", "50000", "村民 120/30"},
				{"村史馆布展", "甲协会", "652827", "台账一村", "文化润疆", "2026/4/1", "", "", ""},
			}
			bad := append(append([][]any{}, good...),
				[]any{"跨县项目", code(1), "和静县", "台账一村、台账三村", "产业发展", "2026-03-01", "", "", ""},
				[]any{"乙协会项目", "乙协会", "和静县", "台账一村", "产业发展", "2026-03-01", "", "", ""},
				[]any{"", code(1), "和静县", "台账一村", "产业发展", "2026-13-01", "", "", ""})
			write := func(name string, rows [][]any) string {
				path := filepath.Join(dir, name)
				if err := os.WriteFile(path, xlsxOf(t, header, rows), 0o644); err != nil {
					t.Fatal(err)
				}
				return path
			}
			out, status := cli(t, "", append([]string{"import", "projects", write("bad.xlsx", bad), "--json"}, common...)...)
			var res struct {
				Rejected []zhuxiang.RowError `json:"rejected"`
				Stored   bool                `json:"stored"`
				Created  int                 `json:"created"`
			}
			if err := json.Unmarshal([]byte(out), &res); err != nil || status != 1 || res.Stored {
				t.Fatalf("bad file: status %d, %s", status, out)
			}
			var got []string
			for _, r := range res.Rejected {
				got = append(got, fmt.Sprintf("%d:%s", r.Row, r.Field))
			}
			if want := "4:村 5:牵头单位 6:项目名称"; strings.Join(got, " ") != want {
				t.Fatalf("rejected %v, want %s (%s)", got, want, out)
			}
			for i, want := range []int{2, 0} { // twice: the second stores nothing twice
				out, status := cli(t, "", append([]string{"import", "projects", write("good.xlsx", good), "--json"}, common...)...)
				if err := json.Unmarshal([]byte(out), &res); err != nil || status != 0 || res.Created != want {
					t.Fatalf("good file, run %d: status %d, %s", i+1, status, out)
				}
			}
			driver := "sqlite"
			if engine == "postgres" {
				driver = "pgx"
			}
			sqldb, err := sql.Open(driver, db)
			if err != nil {
				t.Fatal(err)
			}
			defer sqldb.Close()
			var n, villages int
			if err := sqldb.QueryRow(`SELECT COUNT(*), (SELECT COUNT(*) FROM project_villages) FROM projects WHERE status = 'draft'`).Scan(&n, &villages); err != nil || n != 2 || villages != 3 {
				t.Fatalf("projects stored: %d with %d villages (%v)", n, villages, err)
			}
		})
	}
}

// xlsxOf writes a workbook with header and rows, as a ledger saved by a
// spreadsheet program.
func xlsxOf(t *testing.T, header []any, rows [][]any) []byte {
	t.Helper()
	var b bytes.Buffer
	h := make([]string, len(header))
	for i, x := range header {
		h[i] = x.(string)
	}
	if err := sheet.WriteXLSX(&b, sheet.Sheet{Name: "台账", Header: h, Rows: rows}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
