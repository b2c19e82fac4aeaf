package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zhuxiang"
	"zhuxiang/sheet"
)

// TestImportMalformedXLSX runs `import orgs --dry-run` on a workbook whose
// sixth row holds a character XML forbids. Before the reader vetted the
// sheet, excelize stopped there silently and the command reported rows 2–5
// as a successful import with exit status 0.
func TestImportMalformedXLSX(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "z.db")
	s := sheet.Sheet{Header: []string{"组织名称", "统一社会信用代码", "登记县市"}}
	for r := 2; r <= 11; r++ {
		s.Rows = append(s.Rows, []any{fmt.Sprintf("第%d协会", r), code(r), "和静县"})
	}
	var buf bytes.Buffer
	if err := sheet.WriteXLSX(&buf, s); err != nil {
		t.Fatal(err)
	}
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.xlsx", buf.Bytes())
	for _, bad := range []string{"\x01", "&bogus;"} {
		path := write("bad.xlsx", replaceInSheet(t, buf.Bytes(), "第6协会", "第6"+bad+"协会"))
		out, status := cli(t, "", "import", "orgs", path, "--dry-run", "--json", "--db", db)
		var res struct {
			Rows     int                 `json:"rows"`
			Accepted int                 `json:"accepted"`
			Rejected []zhuxiang.RowError `json:"rejected"`
			Stored   bool                `json:"stored"`
		}
		if err := json.NewDecoder(strings.NewReader(out)).Decode(&res); err != nil { // the JSON comes first; notices follow
			t.Fatalf("%q: %v in %s", bad, err, out)
		}
		if status == 0 || res.Accepted != 0 || res.Stored || len(res.Rejected) != 1 || res.Rejected[0].Row != 0 || !strings.Contains(res.Rejected[0].Message, "第6行") {
			t.Errorf("%q in row 6: status %d, %s", bad, status, out)
		}
	}
	out, status := cli(t, "", "import", "orgs", good, "--dry-run", "--json", "--db", db)
	if status != 0 || !strings.Contains(out, `"accepted":10`) {
		t.Errorf("the same file unbroken: status %d, %s", status, out)
	}
}

// replaceInSheet rewrites the first worksheet of an XLSX file, copying the
// other parts unchanged.
func replaceInSheet(t *testing.T, data []byte, old, repl string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if f.Name != "xl/worksheets/sheet1.xml" {
			zw.Copy(f)
			continue
		}
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.Contains(b, []byte(old)) {
			t.Fatalf("%q not in the sheet", old)
		}
		w, _ := zw.Create(f.Name)
		w.Write(bytes.Replace(b, []byte(old), []byte(repl), 1))
	}
	zw.Close()
	return out.Bytes()
}
