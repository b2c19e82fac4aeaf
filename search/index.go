package search

import (
	"math/bits"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Doc is one organization as the index sees it.
type Doc struct {
	Seq    int64    // registration order, the order of results (newest first)
	Text   string   // lower-cased search text: name, credit code, pinyin keys
	Facets []string // one token per filterable fact (county, kind, rating…)
}

// Index holds posting lists of documents in registration order. It is not
// safe for concurrent use: the caller holds a read lock to search and a
// write lock to add.
//
// A text token is at most eight bytes (three ASCII letters, or two
// characters of up to four bytes), so it is keyed by its bytes packed
// big-endian into a uint64: numeric order is the tokens' byte order, which
// makes a prefix a range, and the map lookups that dominate a build hash
// a word instead of a string.
type Index struct {
	tokens   map[uint64]int32 // packed text token → list number
	facets   map[string]int32 // facet → list number
	lists    [][]int32        // document numbers, ascending
	keys     []uint64         // text tokens, sorted, for prefix lookups
	extra    []uint64         // text tokens added since keys was sorted
	docs     []doc            // ascending seq; a document's number is its place
	stale    int              // documents replaced since the last build
	replaced []uint64         // bit per document number: replaced since the build
}

// pack packs a token of at most eight bytes.
func pack(tok string) uint64 {
	var k uint64
	for i := 0; i < len(tok); i++ {
		k |= uint64(tok[i]) << (56 - 8*i)
	}
	return k
}

type doc struct {
	seq    int64
	text   string
	facets []int32 // list numbers of its facets
}

// Build makes an index of docs, which must be in ascending Seq order.
func Build(docs []Doc) *Index {
	batches := make(chan []Doc, 1)
	go func() {
		defer close(batches)
		for len(docs) > 0 {
			n := min(len(docs), BatchSize)
			batches <- docs[:n]
			docs = docs[n:]
		}
	}()
	return BuildStream(batches)
}

// BatchSize is a good size for the batches given to BuildStream.
const BatchSize = 4096

// BuildStream makes an index of the documents sent in batches, in
// ascending Seq order across batches. Batches are tokenized on every core
// as they arrive, so reading the documents overlaps indexing them, and
// the pieces are joined into one allocation of exactly the right size.
func BuildStream(batches <-chan []Doc) *Index {
	type batch struct {
		n    int
		docs []Doc
	}
	numbered := make(chan batch)
	go func() {
		defer close(numbered)
		n := 0
		for b := range batches {
			numbered <- batch{n, b}
			n++
		}
	}()
	var mu sync.Mutex
	var pieces []*Index
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range numbered {
				p := newIndex()
				for _, d := range b.docs {
					p.appendDoc(d)
				}
				mu.Lock()
				if b.n >= len(pieces) {
					pieces = append(pieces, make([]*Index, b.n+1-len(pieces))...)
				}
				pieces[b.n] = p
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return join(pieces)
}

func newIndex() *Index { return &Index{tokens: map[uint64]int32{}, facets: map[string]int32{}} }

// join concatenates pieces built over consecutive runs of documents.
func join(parts []*Index) *Index {
	x := newIndex()
	ndocs, nposts := 0, 0
	for _, p := range parts {
		ndocs += len(p.docs)
	}
	var lens []int
	grow := func(id int32, ok bool, n int) int32 {
		if !ok {
			id = int32(len(lens))
			lens = append(lens, 0)
		}
		lens[id] += n
		nposts += n
		return id
	}
	for _, p := range parts {
		for k, l := range p.tokens {
			id, ok := x.tokens[k]
			x.tokens[k] = grow(id, ok, len(p.lists[l]))
		}
		for k, l := range p.facets {
			id, ok := x.facets[k]
			x.facets[k] = grow(id, ok, len(p.lists[l]))
		}
	}
	arena := make([]int32, nposts)
	x.lists = make([][]int32, len(lens))
	off := 0
	for id, n := range lens {
		x.lists[id] = arena[off : off : off+n]
		off += n
	}
	x.docs = make([]doc, 0, ndocs)
	for _, p := range parts {
		base := int32(len(x.docs))
		remap := make([]int32, len(p.lists))
		for k, l := range p.tokens {
			remap[l] = x.tokens[k]
		}
		for k, l := range p.facets {
			remap[l] = x.facets[k]
		}
		for l, list := range p.lists {
			dst := &x.lists[remap[l]]
			for _, d := range list {
				*dst = append(*dst, d+base)
			}
		}
		for _, d := range p.docs {
			for i, l := range d.facets {
				d.facets[i] = remap[l]
			}
			x.docs = append(x.docs, d)
		}
	}
	x.keys = make([]uint64, 0, len(x.tokens))
	for k := range x.tokens {
		x.keys = append(x.keys, k)
	}
	slices.Sort(x.keys)
	return x
}

// Stats says how big the index is: documents, distinct tokens and facets,
// and postings (4 bytes each).
func (x *Index) Stats() (docs, keys, postings int) {
	for _, l := range x.lists {
		postings += len(l)
	}
	return len(x.docs), len(x.tokens) + len(x.facets), postings
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
	add := func(l int32) { x.insert(l, num) }
	x.docs[i] = doc{seq: d.Seq, text: d.Text, facets: x.facetLists(d.Facets, add)}
	Terms(d.Text, func(tok string) { add(x.tokenList(tok)) })
	x.stale++
	if w := i / 64; w >= len(x.replaced) {
		x.replaced = append(x.replaced, make([]uint64, w+1-len(x.replaced))...)
	}
	x.replaced[i/64] |= 1 << (i % 64)
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
	Terms(d.Text, func(tok string) { add(x.tokenList(tok)) })
}

// facetLists returns the list numbers of facets, calling add with each.
func (x *Index) facetLists(facets []string, add func(int32)) []int32 {
	out := make([]int32, len(facets))
	for i, f := range facets {
		id, ok := x.facets[f]
		if !ok {
			id = x.newList()
			x.facets[f] = id
		}
		out[i] = id
		add(id)
	}
	return out
}

// tokenList returns the list number of a text token, making an empty list
// if needed.
func (x *Index) tokenList(tok string) int32 {
	k := pack(tok)
	if id, ok := x.tokens[k]; ok {
		return id
	}
	id := x.newList()
	x.tokens[k] = id
	if x.keys != nil {
		// Keys added after a build wait in a short unsorted list, sorted in
		// with the rest once there are enough to be worth it.
		x.extra = append(x.extra, k)
		if len(x.extra) >= 1024 {
			x.keys = append(x.keys, x.extra...)
			slices.Sort(x.keys)
			x.extra = x.extra[:0]
		}
	}
	return id
}

func (x *Index) newList() int32 {
	x.lists = append(x.lists, nil)
	return int32(len(x.lists) - 1)
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
	best := candidates{size: len(x.docs), all: true, group: -1, run: -1}
	// consider offers lists as the candidates; covers names the group or
	// run they stand for exactly (-1 for neither), which a candidate that
	// was never replaced need not be checked against again.
	consider := func(lists []int32, group, run int) {
		size := 0
		for _, l := range lists {
			size += len(x.lists[l])
		}
		if size < best.size {
			best = candidates{size: size, lists: lists, group: group, run: run}
		}
	}
	for i, g := range q.Facets {
		for _, f := range g {
			if id, ok := x.facets[f]; ok {
				groups[i] = append(groups[i], id)
			}
		}
		if len(groups[i]) == 0 {
			return res
		}
		consider(groups[i], i, -1)
	}
	for r, run := range runs {
		if isShort(run) {
			// Every text that holds a short run has a token that begins
			// with it, and the other way round.
			consider(x.prefixLists(run), -1, r)
			continue
		}
		n := gram(run[0] < 0x80)
		missing := false
		Terms(run, func(tok string) {
			if missing || runeCount(tok) != n {
				return // the trailing short tokens add nothing to a full run
			}
			id, ok := x.tokens[pack(tok)]
			if !ok {
				missing = true
				return
			}
			// A run of exactly n characters is its one token.
			exact := -1
			if len(tok) == len(run) {
				exact = r
			}
			consider([]int32{id}, -1, exact)
		})
		if missing {
			return res
		}
	}
	match := func(num int32) bool {
		d := &x.docs[num]
		skipGroup, skipRun := best.group, best.run
		if x.isReplaced(num) {
			skipGroup, skipRun = -1, -1 // its old postings may say what it no longer is
		}
		// Facets first: comparing a few numbers is cheaper than a
		// substring search through the text.
		for i, g := range groups {
			if i != skipGroup && !hasAny(d.facets, g) {
				return false
			}
		}
		for i, run := range runs {
			if i != skipRun && !strings.Contains(d.text, run) {
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
	size       int
	all        bool
	lists      []int32
	group, run int // what the lists stand for exactly, or -1
}

// isReplaced reports whether document num was replaced since the build.
func (x *Index) isReplaced(num int32) bool {
	w := int(num / 64)
	return w < len(x.replaced) && x.replaced[w]&(1<<(num%64)) != 0
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
	lo := pack(p)
	hi := lo | (1<<(64-8*len(p)) - 1)
	var out []int32
	for i, _ := slices.BinarySearch(x.keys, lo); i < len(x.keys) && x.keys[i] <= hi; i++ {
		out = append(out, x.tokens[x.keys[i]])
	}
	for _, k := range x.extra {
		if lo <= k && k <= hi {
			out = append(out, x.tokens[k])
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
