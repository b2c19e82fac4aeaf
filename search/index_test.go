package search

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestTerms(t *testing.T) {
	cases := []struct{ in, want string }{
		{"库尔勒", "库尔 尔勒 勒"},
		{"kel kuerle", "kel el l kue uer erl rle le e"},
		{"a1", "a1 1"},
		{"协", "协"},
		{"巴州·协会", "巴州 州 协会 会"},
		{"第12号", "第 12 2 号"},
		{"", ""},
	}
	for _, c := range cases {
		var got []string
		Terms(c.in, func(tok string) { got = append(got, tok) })
		if s := strings.Join(got, " "); s != c.want {
			t.Errorf("Terms(%q) = %q, want %q", c.in, s, c.want)
		}
	}
}

func TestRuns(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"kel", []string{"kel"}},
		{"和静 协会", []string{"和静", "协会"}},
		{"第12", []string{"第", "12"}},
		{`a"b`, []string{"a", "b"}},
		{"KuErLe", []string{"kuerle"}},
		{"·", nil},
	}
	for _, c := range cases {
		if got := Runs(c.in); !slices.Equal(got, c.want) {
			t.Errorf("Runs(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// corpus makes n documents from small alphabets, so that queries drawn
// from the same alphabets match some, many or none of them.
func corpus(rng *rand.Rand, n int) []Doc {
	docs := make([]Doc, n)
	seq := int64(0)
	for i := range docs {
		seq += 1 + rng.Int64N(3) // gaps, as after a failed import
		docs[i] = randomDoc(rng, seq)
	}
	return docs
}

const (
	hanzi  = "库尔勒和静协会社工服务中心红枣"
	letter = "kelhjsgz"
)

func randomDoc(rng *rand.Rand, seq int64) Doc {
	var b strings.Builder
	for w := 0; w < 1+rng.IntN(3); w++ {
		if w > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(randomWord(rng, 1+rng.IntN(8)))
	}
	facets := []string{"c" + fmt.Sprint(rng.IntN(3)), "r" + fmt.Sprint(rng.IntN(2))}
	if rng.IntN(4) == 0 {
		facets = append(facets, "xabnormal")
	}
	return Doc{Seq: seq, Text: b.String(), Facets: facets}
}

func randomWord(rng *rand.Rand, n int) string {
	hz := []rune(hanzi)
	var b strings.Builder
	for range n {
		if rng.IntN(2) == 0 {
			b.WriteRune(hz[rng.IntN(len(hz))])
		} else {
			b.WriteByte(letter[rng.IntN(len(letter))])
		}
	}
	return b.String()
}

// naive answers q by looking at every document.
func naive(docs []Doc, q Query) Result {
	var res Result
	runs := Runs(q.Text)
	if strings.TrimSpace(q.Text) != "" && len(runs) == 0 {
		return res
	}
	for i := len(docs) - 1; i >= 0; i-- {
		d := docs[i]
		ok := true
		for _, r := range runs {
			ok = ok && strings.Contains(d.Text, r)
		}
		for _, g := range q.Facets {
			any := false
			for _, f := range g {
				any = any || slices.Contains(d.Facets, f)
			}
			ok = ok && any
		}
		if !ok {
			continue
		}
		if res.Total < q.Cap {
			res.Total++
		}
		if len(res.Seqs) < q.Limit && (q.Before <= 0 || d.Seq < q.Before) {
			res.Seqs = append(res.Seqs, d.Seq)
		}
	}
	return res
}

func randomQuery(rng *rand.Rand, docs []Doc) Query {
	q := Query{Limit: 1 + rng.IntN(25), Cap: 1 + rng.IntN(200)}
	var words []string
	for range rng.IntN(3) {
		words = append(words, randomWord(rng, 1+rng.IntN(4)))
	}
	if rng.IntN(6) == 0 {
		words = append(words, "·")
	}
	q.Text = strings.Join(words, " ")
	switch rng.IntN(4) {
	case 0:
		q.Facets = [][]string{{"c1"}}
	case 1:
		q.Facets = [][]string{{"c2"}, {"xabnormal", "r1"}}
	case 2:
		q.Facets = [][]string{{"nosuch"}}
	}
	if rng.IntN(3) == 0 && len(docs) > 0 {
		q.Before = docs[rng.IntN(len(docs))].Seq
	}
	return q
}

// TestSearchAgreesWithScan compares the index with a scan of every
// document: after a build (one shard and several), after documents are
// appended, and after documents are replaced, whose old postings stay.
func TestSearchAgreesWithScan(t *testing.T) {
	for _, n := range []int{0, 1, 300, 12000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(n), 7))
			docs := corpus(rng, n)
			x := Build(docs)
			check := func(stage string) {
				t.Helper()
				for range 300 {
					q := randomQuery(rng, docs)
					got, want := x.Search(q), naive(docs, q)
					if got.Total != want.Total || !slices.Equal(got.Seqs, want.Seqs) {
						t.Fatalf("%s: Search(%+v) = %d %v, scan gives %d %v", stage, q, got.Total, got.Seqs, want.Total, want.Seqs)
					}
				}
			}
			check("built")
			next := int64(1)
			if n > 0 {
				next = docs[n-1].Seq + 1
			}
			for i := range 50 {
				d := randomDoc(rng, next+int64(i))
				if !x.Put(d) {
					t.Fatalf("Put(new seq %d) refused", d.Seq)
				}
				docs = append(docs, d)
			}
			check("appended")
			for range 50 {
				i := rng.IntN(len(docs))
				d := randomDoc(rng, docs[i].Seq)
				if !x.Put(d) {
					t.Fatalf("Put(existing seq %d) refused", d.Seq)
				}
				docs[i] = d
			}
			if x.Stale() != 50 || x.Len() != len(docs) {
				t.Fatalf("Stale() = %d, Len() = %d; want 50, %d", x.Stale(), x.Len(), len(docs))
			}
			check("replaced")
		})
	}
}

// TestPutOutOfOrder checks that a new document older than the newest is
// refused rather than misplaced.
func TestPutOutOfOrder(t *testing.T) {
	x := Build([]Doc{{Seq: 2, Text: "协会"}, {Seq: 5, Text: "红枣"}})
	if x.Put(Doc{Seq: 3, Text: "社工"}) {
		t.Fatal("Put(seq 3) between 2 and 5 accepted")
	}
	if r := x.Search(Query{Text: "社工", Limit: 10, Cap: 10}); r.Total != 0 {
		t.Fatalf("refused document found: %+v", r)
	}
}

// TestManyNewKeys checks prefix lookups across the sorted keys and the
// keys added after the build, past the point where they are merged.
func TestManyNewKeys(t *testing.T) {
	x := Build(nil)
	var docs []Doc
	for i := range 3000 {
		d := Doc{Seq: int64(i + 1), Text: fmt.Sprintf("q%04dz", i)}
		docs = append(docs, d)
		x.Put(d)
	}
	for _, p := range []string{"q", "q1", "z", "q29"} {
		q := Query{Text: p, Limit: 5000, Cap: 5000}
		if got, want := x.Search(q), naive(docs, q); got.Total != want.Total || !slices.Equal(got.Seqs, want.Seqs) {
			t.Errorf("Search(%q) found %d, scan %d", p, got.Total, want.Total)
		}
	}
}

// FuzzSearch checks that any text and query give what a scan gives.
func FuzzSearch(f *testing.F) {
	f.Add("库尔勒市kuerleshi kelss", "kel", "er")
	f.Add("和静县协会 hejingxian", "hj", "协")
	f.Add("a1b2 第12号", "12", "·")
	f.Fuzz(func(t *testing.T, text, q1, q2 string) {
		text = strings.ToLower(text)
		docs := []Doc{{Seq: 1, Text: text}, {Seq: 2, Text: "库尔勒 kel"}, {Seq: 3, Text: text + " 协会"}}
		x := Build(docs)
		for _, q := range []string{q1, q2, q1 + " " + q2} {
			qq := Query{Text: q, Limit: 10, Cap: 10}
			if got, want := x.Search(qq), naive(docs, qq); got.Total != want.Total || !slices.Equal(got.Seqs, want.Seqs) {
				t.Fatalf("Search(%q) in %q = %+v, scan gives %+v", q, text, got, want)
			}
		}
	})
}
