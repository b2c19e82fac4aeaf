package sheet

import (
	"bytes"
	"errors"
	"testing"

	"zhuxiang"
)

// FuzzRead checks that no input makes Read panic and that every table it
// accepts keeps the promises importers rely on. Seeds live in
// testdata/fuzz/FuzzRead and cover each text encoding, quoting, blank rows
// and a small XLSX.
func FuzzRead(f *testing.F) {
	f.Add([]byte("名称,代码\n甲,1\n\n乙,\"2,3\"\n"))
	// Hand-made packages, well-formed and with a broken row, so that the
	// mutator works on the parts the vetting reads.
	f.Add(pkg(f, sheetPart(tenRows("")...), part{name: "xl/sharedStrings.xml", text: `<sst ` + nsMain + `><si><t>甲</t></si></sst>`}))
	f.Add(pkg(f, sheetPart(tenRows("坏&bogus;")...)))
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, err := Read(bytes.NewReader(data), "fuzz.xlsx", Limits{MaxRows: 10_000})
		if err != nil {
			var ze *zhuxiang.Error
			if !errors.As(err, &ze) || ze.Field != "file" || ze.Message == "" {
				t.Fatalf("error %#v is not a user-facing *zhuxiang.Error on file", err)
			}
			return
		}
		if len(tab.Header) == 0 {
			t.Fatal("accepted a table without a header")
		}
		if tab.Format != "xlsx" && tab.Format != "csv" {
			t.Fatalf("format %q", tab.Format)
		}
		prev := 1
		for _, r := range tab.Rows {
			if r.Num < 2 || r.Num <= prev {
				t.Fatalf("row number %d after %d", r.Num, prev)
			}
			prev = r.Num
			if len(r.Cells) != len(tab.Header) {
				t.Fatalf("row %d has %d cells for %d headers", r.Num, len(r.Cells), len(tab.Header))
			}
		}
	})
}
