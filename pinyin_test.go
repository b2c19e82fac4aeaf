package zhuxiang

import (
	"slices"
	"strings"
	"testing"
)

func TestSearchKeysFindsPinyin(t *testing.T) {
	for _, tc := range []struct {
		name  string
		finds []string
	}{
		{"库尔勒市", []string{"kuerle", "kel", "kuerleshi", "kels"}},
		{"重庆", []string{"zhongqing", "chongqing", "zq", "cq"}},
		{"巴州2号协会", []string{"bazhou2haoxiehui", "bz2hxh", "bazhou2", "2hao", "xiehui"}},
		{"ＡＢＣ协会", []string{"abcxiehui", "abcxh"}},
		{"Kashi喀什", []string{"kashikashi", "kashiks"}},
		{"巴州 · 协会", []string{"bazhouxiehui", "bzxh"}},
	} {
		keys := SearchKeys(tc.name)
		for _, q := range tc.finds {
			if !strings.Contains(keys, q) {
				t.Errorf("SearchKeys(%q) = %q, does not contain %q", tc.name, keys, q)
			}
		}
		if keys != strings.ToLower(keys) {
			t.Errorf("SearchKeys(%q) = %q is not lower-case", tc.name, keys)
		}
	}
}

func TestSearchKeysShape(t *testing.T) {
	if got := SearchKeys(""); got != "" {
		t.Errorf("SearchKeys(\"\") = %q, want empty", got)
	}
	if got := SearchKeys(" ·、 "); got != "" {
		t.Errorf("SearchKeys(punctuation) = %q, want empty", got)
	}
	// A name without Han characters gives the same full and initial key,
	// which must appear once.
	if got := SearchKeys("ABC 123"); got != "abc123" {
		t.Errorf("SearchKeys(ABC 123) = %q, want abc123", got)
	}
	keys := strings.Fields(SearchKeys("重庆"))
	for _, want := range []string{"zhongqing", "chongqing", "zq", "cq"} {
		if !slices.Contains(keys, want) {
			t.Errorf("SearchKeys(重庆) keys %q lack %q", keys, want)
		}
	}
	// Readings come most common first, full keys before initials.
	if keys[0] != "zhongqing" {
		t.Errorf("SearchKeys(重庆) first key = %q, want zhongqing", keys[0])
	}
	seen := map[string]bool{}
	for _, k := range keys {
		if seen[k] {
			t.Errorf("SearchKeys(重庆) repeats %q", k)
		}
		seen[k] = true
	}
}

func TestSearchKeysCapsVariants(t *testing.T) {
	// Every character here has several readings; uncapped this would be
	// thousands of keys.
	name := strings.Repeat("重长行会乐", 8)
	keys := strings.Fields(SearchKeys(name))
	if len(keys) > 2*maxSearchVariants {
		t.Errorf("SearchKeys of a long ambiguous name gave %d keys, want at most %d", len(keys), 2*maxSearchVariants)
	}
	if len(keys) < 2 {
		t.Errorf("SearchKeys of a long ambiguous name gave %d keys, want variants", len(keys))
	}
	if !strings.Contains(keys[0], "zhongzhangxinghuile") {
		t.Errorf("first key %q does not start with the first readings", keys[0])
	}
}

func TestSearchNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"":           "",
		"   ":        "",
		"ku er le":   "kuerle",
		" KuErLe ":   "kuerle",
		"ｋｕ　ｅｒ　ｌｅ":   "kuerle",
		"库尔勒":        "库尔勒",
		"库尔勒  协会":    "库尔勒 协会",
		"2 hao":      "2 hao",
		"ＢＡＺＨＯＵ２号":   "bazhou2号",
		"ku\ter\nle": "kuerle",
		"Kel":        "kel",
	} {
		if got := SearchNormalize(in); got != want {
			t.Errorf("SearchNormalize(%q) = %q, want %q", in, got, want)
		}
	}
	// The point of both functions: a query typed as syllables finds the name.
	if !strings.Contains(SearchKeys("库尔勒市"), SearchNormalize("Ku Er Le")) {
		t.Error("\"Ku Er Le\" does not find 库尔勒市")
	}
}

// TestSortByPinyin checks the order a Chinese reader expects: by the
// pinyin of each character in turn (阿 and 安 together, far from their code
// points), syllable by syllable (阿姨 before 爱心), place names in their own
// readings (尉犁 under y), and the same order for the same names whatever
// order they come in.
func TestSortByPinyin(t *testing.T) {
	tests := []struct {
		in, want []string
	}{
		{[]string{"库尔勒市", "轮台县", "尉犁县", "若羌县", "且末县", "焉耆回族自治县", "和静县", "和硕县", "博湖县"},
			[]string{"博湖县", "和静县", "和硕县", "库尔勒市", "轮台县", "且末县", "若羌县", "焉耆回族自治县", "尉犁县"}},
		{[]string{"爱心村", "阿姨村", "安居村", "白杨村"}, []string{"阿姨村", "爱心村", "安居村", "白杨村"}},
		{[]string{"自治州科协", "州民政局", "州农业农村局", "州教育局"}, []string{"州教育局", "州民政局", "州农业农村局", "自治州科协"}},
		{[]string{"2号村", "团结村", "Alpha协会"}, []string{"2号村", "Alpha协会", "团结村"}},
		{[]string{"长安村", "查干村", "成都路社区"}, []string{"查干村", "长安村", "成都路社区"}},
	}
	for _, tc := range tests {
		rev := slices.Clone(tc.in)
		slices.Reverse(rev)
		for _, in := range [][]string{tc.in, rev} {
			got := slices.Clone(in)
			SortByPinyin(got, func(s string) string { return s })
			if !slices.Equal(got, tc.want) {
				t.Errorf("SortByPinyin(%v) = %v, want %v", in, got, tc.want)
			}
		}
	}
}
