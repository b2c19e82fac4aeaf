package search

import (
	"math/bits"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
)

// facetMark starts every facet key, so that facets and text tokens share
// one map and never collide: Terms yields letters and digits only.
const facetMark = "\x00"

// Doc is one organization as the index sees it.
type Doc struct {
	Seq    int64    // registration order, the order of results (newest first)
	Text   string   // lower-cased search text: name, credit code, pinyin keys
	Facets []string // one token per filterable fact (county, kind, rating…)
}

// Index holds posting lists of documents in registration order. It is not
// safe for concurrent use: the caller holds a read lock to search and a
// write lock to add.
type Index struct {
	ids   map[string]int32 // token or facetMark+facet → list number
	lists [][]int32        // document numbers, ascending
	keys  []string         // text tokens, sorted, for prefix lookups
	extra []string         // text tokens added since keys was sorted
	docs  []doc            // ascending seq; a document's number is its place
	stale int              // documents replaced since the last build
}

type doc struct {
	seq    int64
	text   string
	facets []int32 // list numbers of its facets
}

// Build makes an index of docs, which must be in ascending Seq order. The
// documents are tokenized on every core and the shards' lists joined.
func Build(docs []Doc) *Index {
	shards := min(runtime.GOMAXPROCS(0), max(1, len(docs)/5000))
	parts := make([]*Index, shards)
	var wg sync.WaitGroup
	for i := range parts {
		lo, hi := i*len(docs)/shards, (i+1)*len(docs)/shards
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := newIndex()
			for _, d := range docs[lo:hi] {
				p.appendDoc(d)
			}
			parts[i] = p
		}()
	}
	wg.Wait()
	x := parts[0]
	if shards > 1 {
		x = join(parts)
	}
	x.compact()
	return x
}

func newIndex() *Index { return &Index{ids: map[string]int32{}} }

// join concatenates shards built over consecutive runs of documents.
func join(parts []*Index) *Index {
	x := newIndex()
	n := 0
	for _, p := range parts {
		n += len(p.docs)
	}
	x.docs = make([]doc, 0, n)
	var lens []int
	for _, p := range parts {
		for k, l := range p.ids {
			id, ok := x.ids[k]
			if !ok {
				id = int32(len(x.lists))
				x.ids[k] = id
				x.lists = append(x.lists, nil)
				lens = append(lens, 0)
			}
			lens[id] += len(p.lists[l])
		}
	}
	for id, n := range lens {
		x.lists[id] = make([]int32, 0, n)
	}
	for _, p := range parts {
		base := int32(len(x.docs))
		remap := make([]int32, len(p.lists))
		for k, l := range p.ids {
			remap[l] = x.ids[k]
		}
		for l, list := range p.lists {
			dst := &x.lists[remap[l]]
			for _, d := range list {
				*dst = append(*dst, d+base)
			}
		}
		for _, d := range p.docs {
			f := make([]int32, len(d.facets))
			for i, l := range d.facets {
				f[i] = remap[l]
			}
			x.docs = append(x.docs, doc{seq: d.seq, text: d.text, facets: f})
		}
	}
	return x
}

// compact moves every list into one allocation of exactly the right size
// and sorts the token keys.
func (x *Index) compact() {
	total := 0
	for _, l := range x.lists {
		total += len(l)
	}
	arena := make([]int32, 0, total)
	for i, l := range x.lists {
		start := len(arena)
		arena = append(arena, l...)
		x.lists[i] = arena[start:len(arena):len(arena)]
	}
	x.keys = make([]string, 0, len(x.ids))
	for k := range x.ids {
		if !strings.HasPrefix(k, facetMark) {
			x.keys = append(x.keys, k)
		}
	}
	slices.Sort(x.keys)
	x.extra = nil
}

// Len is the number of documents.
func (x *Index) Len() int { return len(x.docs) }

// Stale is the number of documents replaced since the index was built;
// each leaves postings that only verification filters out.
func (x *Index) Stale() int { return x.stale }

// Put adds d, or replaces the document with its Seq. It reports false,
// changing nothing, when d is new but not the newest: document numbers
// follow Seq, so the caller must Build again.
func (x *Index) Put(d Doc) bool {
	n := len(x.docs)
	if n == 0 || d.Seq > x.docs[n-1].seq {
		x.appendDoc(d)
		return true
	}
	i, found := sort.Find(n, func(i int) int { return cmpInt(d.Seq, x.docs[i].seq) })
	if !found {
		return false
	}
	num := int32(i)
	x.docs[i] = doc{seq: d.Seq, text: d.Text, facets: x.facetLists(d.Facets, func(l int32) { x.insert(l, num) })}
	Terms(d.Text, func(tok string) { x.insert(x.list(tok), num) })
	x.stale++
	return true
}

// appendDoc adds a document newer than every other.
func (x *Index) appendDoc(d Doc) {
	num := int32(len(x.docs))
	add := func(l int32) {
		if p := x.lists[l]; len(p) == 0 || p[len(p)-1] != num {
			x.lists[l] = append(p, num)
		}
	}
	x.docs = append(x.docs, doc{seq: d.Seq, text: d.Text, facets: x.facetLists(d.Facets, add)})
	Terms(d.Text, func(tok string) { add(x.list(tok)) })
}

// facetLists returns the list numbers of facets, calling add with each.
func (x *Index) facetLists(facets []string, add func(int32)) []int32 {
	out := make([]int32, len(facets))
	for i, f := range facets {
		out[i] = x.list(facetMark + f)
		add(out[i])
	}
	return out
}

// list returns the list number of key, making an empty list if needed.
func (x *Index) list(key string) int32 {
	if id, ok := x.ids[key]; ok {
		return id
	}
	key = strings.Clone(key) // tokens are slices of a document's text
	id := int32(len(x.lists))
	x.ids[key] = id
	x.lists = append(x.lists, nil)
	if !strings.HasPrefix(key, facetMark) && x.keys != nil {
		// Keys added after a build wait in a short unsorted list, sorted in
		// with the rest once there are enough to be worth it.
		x.extra = append(x.extra, key)
		if len(x.extra) >= 1024 {
			x.keys = append(x.keys, x.extra...)
			slices.Sort(x.keys)
			x.extra = x.extra[:0]
		}
	}
	return id
}

// insert adds num to list l in order, once.
func (x *Index) insert(l, num int32) {
	p := x.lists[l]
	i, found := slices.BinarySearch(p, num)
	if !found {
		x.lists[l] = slices.Insert(p, i, num)
	}
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Query is one search.
type Query struct {
	Text   string     // normalized query; every run must occur in a match
	Facets [][]string // every group must hold one of its facets
	Before int64      // only documents with Seq below this are returned (a page cursor); 0: from the newest
	Limit  int        // documents to return
	Cap    int        // counting stops here
}

// Result is a page of matches, newest first, and how many there are (at
// most Query.Cap, counted from the newest whatever the cursor).
type Result struct {
	Seqs  []int64
	Total int
}

// Search answers q. It walks the shortest candidate list (one n-gram of a
// run, the tokens that begin with a short run, or a facet) from the
// newest document down, and verifies each candidate against every run and
// facet group.
func (x *Index) Search(q Query) Result {
	var res Result
	runs := Runs(q.Text)
	if strings.TrimSpace(q.Text) != "" && len(runs) == 0 {
		return res // punctuation only: nothing to find
	}
	groups := make([][]int32, len(q.Facets))
	best := candidates{size: len(x.docs), all: true}
	consider := func(lists []int32) {
		size := 0
		for _, l := range lists {
			size += len(x.lists[l])
		}
		if size < best.size {
			best = candidates{size: size, lists: lists}
		}
	}
	for i, g := range q.Facets {
		for _, f := range g {
			if id, ok := x.ids[facetMark+f]; ok {
				groups[i] = append(groups[i], id)
			}
		}
		if len(groups[i]) == 0 {
			return res
		}
		consider(groups[i])
	}
	for _, run := range runs {
		if isShort(run) {
			consider(x.prefixLists(run))
			continue
		}
		n := gram(run[0] < 0x80)
		missing := false
		Terms(run, func(tok string) {
			if missing || runeCount(tok) != n {
				return // the trailing short tokens add nothing to a full run
			}
			id, ok := x.ids[tok]
			if !ok {
				missing = true
				return
			}
			consider([]int32{id})
		})
		if missing {
			return res
		}
	}
	match := func(num int32) bool {
		d := &x.docs[num]
		for _, run := range runs {
			if !strings.Contains(d.text, run) {
				return false
			}
		}
		for _, g := range groups {
			if !hasAny(d.facets, g) {
				return false
			}
		}
		return true
	}
	visit := func(num int32) bool {
		if !match(num) {
			return true
		}
		if res.Total < q.Cap {
			res.Total++
		}
		if seq := x.docs[num].seq; len(res.Seqs) < q.Limit && (q.Before <= 0 || seq < q.Before) {
			res.Seqs = append(res.Seqs, seq)
		}
		return res.Total < q.Cap || len(res.Seqs) < q.Limit
	}
	x.walk(best, visit)
	return res
}

// candidates is where a search looks: every document, or the union of
// some lists.
type candidates struct {
	size  int
	all   bool
	lists []int32
}

// walk calls visit with each candidate, newest first, until it returns
// false.
func (x *Index) walk(c candidates, visit func(int32) bool) {
	switch {
	case c.all:
		for num := int32(len(x.docs)) - 1; num >= 0; num-- {
			if !visit(num) {
				return
			}
		}
	case len(c.lists) == 1:
		p := x.lists[c.lists[0]]
		for i := len(p) - 1; i >= 0; i-- {
			if !visit(p[i]) {
				return
			}
		}
	default:
		// A union: mark the documents in a bitmap, then read it from the top.
		set := make([]uint64, (len(x.docs)+63)/64)
		for _, l := range c.lists {
			for _, num := range x.lists[l] {
				set[num/64] |= 1 << (num % 64)
			}
		}
		for w := len(set) - 1; w >= 0; w-- {
			for word := set[w]; word != 0; {
				b := 63 - bits.LeadingZeros64(word)
				word &^= 1 << b
				if !visit(int32(w*64 + b)) {
					return
				}
			}
		}
	}
}

// prefixLists returns the lists of every text token that begins with p.
func (x *Index) prefixLists(p string) []int32 {
	var out []int32
	for i := sort.SearchStrings(x.keys, p); i < len(x.keys) && strings.HasPrefix(x.keys[i], p); i++ {
		out = append(out, x.ids[x.keys[i]])
	}
	for _, k := range x.extra {
		if strings.HasPrefix(k, p) {
			out = append(out, x.ids[k])
		}
	}
	return out
}

func hasAny(have, want []int32) bool {
	for _, w := range want {
		if slices.Contains(have, w) {
			return true
		}
	}
	return false
}

func runeCount(s string) int {
	n := 0
	for range s {
		n++
	}
	return n
}
