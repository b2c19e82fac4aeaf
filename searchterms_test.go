package zhuxiang

import "testing"

func TestSearchTerms(t *testing.T) {
	cases := []struct{ in, want string }{
		{"库尔勒", "库尔 尔勒 勒"},
		{"kel kuerle", "kel el l kue uer erl rle le e"},
		{"A1", "a1 1"},
		{"协", "协"},
		{"巴州·协会", "巴州 州 协会 会"},
		{"第12号", "第 12 2 号"},
		{"", ""},
	}
	for _, c := range cases {
		if got := SearchTerms(c.in); got != c.want {
			t.Errorf("SearchTerms(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestSearchMatch(t *testing.T) {
	cases := []struct{ in, want string }{
		{"kel", `"kel"`},
		{"kuerle", `"kue uer erl rle"`},
		{"ke", `"ke"*`},
		{"小麦", `"小麦"`},
		{"红枣产业", `"红枣 枣产 产业"`},
		{"协", `"协"*`},
		{"和静 协会", `"和静" AND "协会"`},
		{`a"b`, `"a"* AND "b"*`},
		{"第12", `"第"* AND "12"*`},
		{"·", ""},
	}
	for _, c := range cases {
		if got := SearchMatch(c.in); got != c.want {
			t.Errorf("SearchMatch(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
