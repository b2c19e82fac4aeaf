package zhuxiang

import (
	"encoding/csv"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The built-in regions agree with the counties the plan names, and every
// township sits under one of them with a code that extends its county's.
func TestPrefectureRegions(t *testing.T) {
	rows, err := csv.NewReader(PrefectureRegions()).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 || strings.Join(rows[0], ",") != "code,name,level,parent_code" {
		t.Fatalf("header %v", rows[:min(1, len(rows))])
	}
	seed := map[string]string{}
	for _, c := range SeedCounties {
		seed[c.Code] = c.Name
	}
	seen := map[string]bool{}
	counties := map[string]string{}
	townships := map[string]int{}
	for i, r := range rows[1:] {
		line := i + 2
		if len(r) != 4 {
			t.Fatalf("line %d: %d columns", line, len(r))
		}
		code, name, level, parent := r[0], r[1], r[2], r[3]
		if seen[code] {
			t.Errorf("line %d: code %s twice", line, code)
		}
		seen[code] = true
		if name == "" {
			t.Errorf("line %d: no name", line)
		}
		switch level {
		case "prefecture":
			if code != PrefectureCode {
				t.Errorf("line %d: prefecture %s, want %s", line, code, PrefectureCode)
			}
		case "county":
			if parent != PrefectureCode || len(code) != 6 || !strings.HasPrefix(code, "6528") {
				t.Errorf("line %d: county %s under %s", line, code, parent)
			}
			counties[code] = name
		case "township":
			if len(code) != 9 || !strings.HasPrefix(code, parent) {
				t.Errorf("line %d: township %s under %s", line, code, parent)
			}
			townships[parent]++
		default:
			t.Errorf("line %d: level %q", line, level)
		}
	}
	if len(counties) != len(seed) {
		t.Errorf("%d counties, the plan names %d", len(counties), len(seed))
	}
	for code, name := range seed {
		if counties[code] != name {
			t.Errorf("county %s is %q in the file, %q in SeedCounties", code, counties[code], name)
		}
		if townships[code] == 0 {
			t.Errorf("county %s %s has no township", code, name)
		}
	}
	for parent := range townships {
		if _, ok := counties[parent]; !ok {
			t.Errorf("townships under %s, which is no county of the file", parent)
		}
	}
}

// The project stands on its own: no Go file reads data from beside the
// repository, which a plain clone does not have. The needle is built from
// parts so that this file does not match itself.
func TestNoGoFileReadsBesideTheRepository(t *testing.T) {
	needles := []string{".." + "/shared", "shared" + "/data"}
	n := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != "." && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		n++
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		b, err := io.ReadAll(f)
		if err != nil {
			return err
		}
		for _, needle := range needles {
			if strings.Contains(string(b), needle) {
				t.Errorf("%s refers to %q: keep the data in the project (see regiondata.go)", path, needle)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 50 {
		t.Fatalf("walked only %d Go files: not run from the module root?", n)
	}
}
