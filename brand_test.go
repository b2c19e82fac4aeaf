package zhuxiang

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestBrandValidateReportsEveryField(t *testing.T) {
	b := &Brand{Name: " ", Level: "national", Year: 1999, Description: strings.Repeat("长", MaxFreeTextRunes+1),
		ProjectIDs: []string{"not an id!"}, Version: -1}
	want := map[string]string{
		"name":        "品牌名称不能为空",
		"level":       "请选择品牌级别（州级或县级）",
		"year":        "认定年份应为2020至2100年",
		"description": "品牌介绍",
		"projects":    "所选的项目不存在",
		"version":     "",
	}
	got := map[string]string{}
	for _, f := range FieldErrors(b.Validate()) {
		got[f.Field] = f.Message
	}
	for field, msg := range want {
		if m, ok := got[field]; !ok || !strings.Contains(m, msg) {
			t.Errorf("%s: got %q, want %q", field, got[field], msg)
		}
	}
	if len(got) != len(want) {
		t.Errorf("fields %v", got)
	}
}

func TestBrandValidateCases(t *testing.T) {
	id1, id2 := "0123456789abcdef", "fedcba9876543210"
	ok := func(edit func(*Brand)) *Brand {
		b := &Brand{Name: " 库尔勒香梨 ", Level: "州级", Year: 2025, ProjectIDs: []string{id1, id2}}
		if edit != nil {
			edit(b)
		}
		return b
	}
	cases := []struct {
		name  string
		b     *Brand
		field string // "" = valid
	}{
		{"a prefecture brand by its Chinese level", ok(nil), ""},
		{"a county brand with its county", ok(func(b *Brand) { b.Level, b.CountyCode = "county", "652827" }), ""},
		{"a county brand without a county", ok(func(b *Brand) { b.Level = BrandCounty }), "county"},
		{"a county brand with a bad code", ok(func(b *Brand) { b.Level, b.CountyCode = BrandCounty, "和静" }), "county"},
		{"no projects", ok(func(b *Brand) { b.ProjectIDs = nil }), "projects"},
		{"too many projects", ok(func(b *Brand) {
			b.ProjectIDs = nil
			for i := range MaxBrandProjects + 1 {
				b.ProjectIDs = append(b.ProjectIDs, strings.Repeat(string(rune('a'+i%6)), 16)[:15]+string(rune('0'+i%10)))
			}
		}), "projects"},
		{"a project twice", ok(func(b *Brand) { b.ProjectIDs = []string{id1, id1} }), "projects"},
		{"the last year", ok(func(b *Brand) { b.Year = MaxBrandYear }), ""},
		{"after it", ok(func(b *Brand) { b.Year = MaxBrandYear + 1 }), "year"},
		{"a name too long", ok(func(b *Brand) { b.Name = strings.Repeat("梨", 41) }), "name"},
		{"a name on two lines", ok(func(b *Brand) { b.Name = "香梨\n品牌" }), "name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.b.Validate()
			if c.field == "" {
				if err != nil {
					t.Fatalf("valid brand refused: %v", err)
				}
				if c.b.Name != "库尔勒香梨" {
					t.Errorf("name not trimmed: %q", c.b.Name)
				}
				if c.b.Level == BrandPrefecture && c.b.CountyCode != "" {
					t.Errorf("a prefecture brand keeps county %q", c.b.CountyCode)
				}
				return
			}
			found := false
			for _, f := range FieldErrors(err) {
				found = found || f.Field == c.field
			}
			if !found {
				t.Errorf("got %v, want a problem with %s", err, c.field)
			}
		})
	}
}

// TestBrandFigures: money and people add up over the projects; a village
// or county two projects share counts once.
func TestBrandFigures(t *testing.T) {
	b := &Brand{Projects: []BrandProject{
		{ID: "a", CountyCode: "652827", Villages: []string{"v1", "v2"}, VillageNames: []string{"一村", "二村"}, BudgetFen: 100, SpentFen: 40, PeopleTarget: 10, PeopleReached: 3},
		{ID: "b", CountyCode: "652827", Villages: []string{"v2"}, VillageNames: []string{"二村"}, BudgetFen: 250, SpentFen: 0, PeopleTarget: 5, PeopleReached: 5},
		{ID: "c", CountyCode: "652824", Villages: []string{"v9"}, VillageNames: []string{"九村"}, BudgetFen: 1, SpentFen: 1, PeopleTarget: 0, PeopleReached: 0},
	}}
	want := BrandFigures{Projects: 3, BudgetFen: 351, SpentFen: 41, PeopleTarget: 15, PeopleReached: 8, Villages: 3, Counties: 2}
	if got := b.Figures(); got != want {
		t.Errorf("figures %+v, want %+v", got, want)
	}
	if got := strings.Join(b.VillageList(), "、"); got != "一村、二村、九村" {
		t.Errorf("villages %s", got)
	}
	if got := (&Brand{}).Figures(); got != (BrandFigures{}) {
		t.Errorf("no projects: %+v", got)
	}
	tgt, got := PeopleTotals([]ProjectPeople{{Category: "村民", Target: 100, Reached: 30}, {Category: "留守儿童", Target: 20, Reached: 20}})
	if tgt != 120 || got != 50 {
		t.Errorf("people totals %d/%d", got, tgt)
	}
}

// FuzzBrandValidate: any input is either refused with field errors in
// Chinese or accepted in a normal form: trimmed, a known level, a county
// only on a county brand, one to MaxBrandProjects distinct ids.
func FuzzBrandValidate(f *testing.F) {
	f.Add("库尔勒香梨", "州级", "", 2025, "香梨", "0123456789abcdef")
	f.Add(" ", "county", "652827", 2019, "", "bad id")
	f.Add("若羌红枣", "县级", "652824", 2100, strings.Repeat("枣", 10), "0123456789abcdef,0123456789abcdef")
	f.Fuzz(func(t *testing.T, name, level, county string, year int, desc, ids string) {
		b := &Brand{Name: name, Level: BrandLevel(level), CountyCode: county, Year: year, Description: desc, ProjectIDs: strings.Split(ids, ",")}
		err := b.Validate()
		if err != nil {
			fes := FieldErrors(err)
			if len(fes) == 0 {
				t.Fatalf("refusal without field errors: %v", err)
			}
			for _, fe := range fes {
				if fe.Field == "" || !utf8.ValidString(fe.Message) || fe.Message == "" {
					t.Fatalf("bad field error %+v", fe)
				}
			}
			return
		}
		if b.Name != strings.TrimSpace(b.Name) || b.Name == "" {
			t.Fatalf("accepted name %q", b.Name)
		}
		if b.Level != BrandPrefecture && b.Level != BrandCounty {
			t.Fatalf("accepted level %q", b.Level)
		}
		if (b.Level == BrandPrefecture) != (b.CountyCode == "") || b.CountyCode != "" && !IsRegionCode(b.CountyCode) {
			t.Fatalf("accepted level %s with county %q", b.Level, b.CountyCode)
		}
		if n := len(b.ProjectIDs); n == 0 || n > MaxBrandProjects || b.Year < MinBrandYear || b.Year > MaxBrandYear {
			t.Fatalf("accepted %d projects, year %d", n, b.Year)
		}
		seen := map[string]bool{}
		for _, id := range b.ProjectIDs {
			if seen[id] || !IsID(id) {
				t.Fatalf("accepted project id %q", id)
			}
			seen[id] = true
		}
	})
}
