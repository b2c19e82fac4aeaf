package flow

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// rng is the test's random source: the package's own splitmix, so failures reproduce by seed.
type rng = splitmix

// smallProblem draws a tiny instance for brute force: up to 7 needs, 4 offers, capacities 0–3,
// random groups, and scores from a narrow range often enough that ties are common.
func smallProblem(seed uint64) *Problem {
	r := rng(seed)
	n, m := r.intn(8), r.intn(5)
	p := &Problem{Needs: n, Offers: m, Groups: r.intn(4), Start: []int32{0}}
	for j := 0; j < m; j++ {
		p.Capacity = append(p.Capacity, int32(r.intn(4)))
	}
	maxScore := []int{3, 10, MaxScore}[r.intn(3)]
	for i := 0; i < n; i++ {
		g := int32(-1)
		if p.Groups > 0 && r.intn(2) == 0 {
			g = int32(r.intn(p.Groups))
		}
		p.Group = append(p.Group, g)
		if m > 0 {
			for k := r.intn(m + 1); k > 0; k-- {
				// duplicates (two arcs to one offer) are allowed and occur
				p.Offer = append(p.Offer, int32(r.intn(m)))
				p.Score = append(p.Score, int32(1+r.intn(maxScore)))
			}
		}
		p.Start = append(p.Start, int32(len(p.Offer)))
	}
	return p
}

// bruteForce enumerates every assignment and returns the optimal DIMACS cost, the largest
// number of groups any plan reaches, and the best score among plans reaching that many.
func bruteForce(p *Problem) (cost int64, reached int, score int64) {
	load := make([]int32, p.Offers)
	inGroup := make([]int, p.Groups)
	size := p.groupSizes()
	nonEmpty := 0
	for _, c := range size {
		if c > 0 {
			nonEmpty++
		}
	}
	bonus := p.Bonus()
	reached, score = -1, -1
	var rec func(i, reach int, sc int64)
	rec = func(i, reach int, sc int64) {
		if i == p.Needs {
			if reach > reached || reach == reached && sc > score {
				reached, score = reach, sc
			}
			return
		}
		rec(i+1, reach, sc) // unmatched
		g := p.Group[i]
		for a := p.Start[i]; a < p.Start[i+1]; a++ {
			j := p.Offer[a]
			if load[j] == p.Capacity[j] {
				continue
			}
			load[j]++
			nr := reach
			if g >= 0 {
				if inGroup[g] == 0 {
					nr++
				}
				inGroup[g]++
			}
			rec(i+1, nr, sc+int64(p.Score[a]))
			if g >= 0 {
				inGroup[g]--
			}
			load[j]--
		}
	}
	rec(0, 0, 0)
	return -score + bonus*int64(nonEmpty-reached), reached, score
}

// checkConsistent recomputes everything a Solution claims from its Assign, independently of
// Problem.Evaluate.
func checkConsistent(t *testing.T, p *Problem, s *Solution) {
	t.Helper()
	if len(s.Assign) != p.Needs {
		t.Fatalf("len(Assign) = %d, want %d", len(s.Assign), p.Needs)
	}
	load := make([]int32, p.Offers)
	hit := make(map[int32]bool)
	groups := make(map[int32]bool)
	matched, score := 0, int64(0)
	for i, a := range s.Assign {
		if p.Group[i] >= 0 {
			groups[p.Group[i]] = true
		}
		if a == -1 {
			continue
		}
		if a < p.Start[i] || a >= p.Start[i+1] {
			t.Fatalf("need %d: arc %d is not one of its candidates", i, a)
		}
		load[p.Offer[a]]++
		matched++
		score += int64(p.Score[a])
		if p.Group[i] >= 0 {
			hit[p.Group[i]] = true
		}
	}
	for j, l := range load {
		if l > p.Capacity[j] {
			t.Fatalf("offer %d: load %d over capacity %d", j, l, p.Capacity[j])
		}
	}
	cost := -score + p.Bonus()*int64(len(groups)-len(hit))
	if s.Matched != matched || s.Reached != len(hit) || s.Score != score || s.Cost != cost {
		t.Fatalf("solution claims matched %d reached %d score %d cost %d; recomputed %d %d %d %d",
			s.Matched, s.Reached, s.Score, s.Cost, matched, len(hit), score, cost)
	}
}

// solveWith runs one of the solver paths: the default hybrid, shortest paths only, cost
// scaling only, or a hybrid forced to switch after a few settles.
func solveWith(t *testing.T, p *Problem, mode string) *Solution {
	t.Helper()
	var assign []int32
	switch mode {
	case "hybrid":
		s, err := Solve(p)
		if err != nil {
			t.Fatal(err)
		}
		return s
	case "paths":
		assign = solveAssign(p, -1, 0)
	case "scaling":
		assign = solveAssign(p, 0, 0)
	case "switch":
		assign = solveAssign(p, 1, 3)
	default:
		t.Fatalf("unknown mode %s", mode)
	}
	s, err := p.Evaluate(assign)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var modes = []string{"hybrid", "paths", "scaling", "switch"}

func dimacsCost(t *testing.T, p *Problem) int64 {
	t.Helper()
	var buf bytes.Buffer
	if err := p.WriteDIMACS(&buf); err != nil {
		t.Fatal(err)
	}
	g, err := ReadDIMACS(&buf)
	if err != nil {
		t.Fatal(err)
	}
	cost, _, err := g.MinCostFlow()
	if err != nil {
		t.Fatal(err)
	}
	return cost
}

// TestSolveMatchesBruteForce is the main exactness check: thousands of tiny random instances,
// every solver path, against exhaustive enumeration and against the reference min-cost flow on
// the written DIMACS file.
func TestSolveMatchesBruteForce(t *testing.T) {
	count := 3000
	if testing.Short() {
		count = 300
	}
	for seed := uint64(1); seed <= uint64(count); seed++ {
		p := smallProblem(seed)
		if err := p.Validate(); err != nil {
			t.Fatalf("seed %d: generator made an invalid problem: %v", seed, err)
		}
		cost, reached, score := bruteForce(p)
		if ref := dimacsCost(t, p); ref != cost {
			t.Fatalf("seed %d: reference min-cost flow on the DIMACS file = %d, brute force = %d", seed, ref, cost)
		}
		for _, mode := range modes {
			s := solveWith(t, p, mode)
			checkConsistent(t, p, s)
			if s.Cost != cost || s.Reached != reached || s.Score != score {
				t.Fatalf("seed %d %s: cost %d reached %d score %d; brute force %d %d %d\n%s",
					seed, mode, s.Cost, s.Reached, s.Score, cost, reached, score, describe(p))
			}
		}
	}
}

func describe(p *Problem) string {
	var b strings.Builder
	fmt.Fprintf(&b, "capacity %v groups %d group %v\n", p.Capacity, p.Groups, p.Group)
	for i := 0; i < p.Needs; i++ {
		fmt.Fprintf(&b, "need %d:", i)
		for a := p.Start[i]; a < p.Start[i+1]; a++ {
			fmt.Fprintf(&b, " [arc %d offer %d score %d]", a, p.Offer[a], p.Score[a])
		}
		b.WriteString("\n")
	}
	return b.String()
}

// build makes a Problem from a readable table: each need lists "offer:score" candidates.
func build(capacity []int32, group []int32, groups int, needs ...[]int32) *Problem {
	p := &Problem{Needs: len(needs), Offers: len(capacity), Capacity: capacity, Group: group, Groups: groups}
	if p.Group == nil {
		p.Group = make([]int32, len(needs))
		for i := range p.Group {
			p.Group[i] = -1
		}
	}
	p.Start = []int32{0}
	for _, c := range needs {
		for k := 0; k+1 < len(c); k += 2 {
			p.Offer = append(p.Offer, c[k])
			p.Score = append(p.Score, c[k+1])
		}
		p.Start = append(p.Start, int32(len(p.Offer)))
	}
	return p
}

func TestSolveTable(t *testing.T) {
	tests := []struct {
		name           string
		p              *Problem
		matched, reach int
		score          int64
		assign         []int32 // nil: not checked (ties)
	}{
		{name: "empty", p: build(nil, nil, 0), assign: []int32{}},
		{name: "no candidates", p: build([]int32{1}, nil, 0, []int32{}), assign: []int32{-1}},
		{name: "zero capacity", p: build([]int32{0}, nil, 0, []int32{0, 5}), assign: []int32{-1}},
		{name: "best score wins the slot", p: build([]int32{1}, nil, 0, []int32{0, 3}, []int32{0, 7}),
			matched: 1, score: 7, assign: []int32{-1, 1}},
		{name: "displacement finds the better total", p: build([]int32{1, 1}, nil, 0,
			[]int32{0, 10, 1, 9}, []int32{0, 8}), matched: 2, score: 17, assign: []int32{1, 2}},
		{name: "capacity two", p: build([]int32{2}, nil, 0, []int32{0, 1}, []int32{0, 2}, []int32{0, 3}),
			matched: 2, score: 5, assign: []int32{-1, 1, 2}},
		{name: "coverage beats score", p: build([]int32{1}, []int32{-1, 0}, 1,
			[]int32{0, 1000}, []int32{0, 1}), matched: 1, reach: 1, score: 1, assign: []int32{-1, 1}},
		{name: "one need per group is enough", p: build([]int32{1, 1}, []int32{0, 0, -1}, 1,
			[]int32{0, 5}, []int32{1, 1}, []int32{1, 9}), matched: 2, reach: 1, score: 14, assign: []int32{0, -1, 2}},
		{name: "unreachable group costs the bonus", p: build([]int32{1}, []int32{0, -1}, 2,
			[]int32{}, []int32{0, 4}), matched: 1, reach: 0, score: 4, assign: []int32{-1, 0}},
		{name: "two groups compete for one slot each", p: build([]int32{1, 1}, []int32{0, 1, 1}, 2,
			[]int32{0, 1, 1, 1}, []int32{0, 100}, []int32{0, 100}), matched: 2, reach: 2, score: 101},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, mode := range modes {
				s := solveWith(t, tc.p, mode)
				checkConsistent(t, tc.p, s)
				if s.Matched != tc.matched || s.Reached != tc.reach || s.Score != tc.score {
					t.Errorf("%s: matched %d reached %d score %d, want %d %d %d", mode, s.Matched, s.Reached, s.Score, tc.matched, tc.reach, tc.score)
				}
				if tc.assign != nil && !slices.Equal(s.Assign, tc.assign) {
					t.Errorf("%s: assign %v, want %v", mode, s.Assign, tc.assign)
				}
				if ref := dimacsCost(t, tc.p); ref != s.Cost {
					t.Errorf("%s: cost %d, reference on DIMACS %d", mode, s.Cost, ref)
				}
			}
		})
	}
}

// mediumProblem is a Synthetic instance with some hundreds of needs, optionally with its
// capacities cut so that demand exceeds supply, and with denser groups to exercise coverage.
func mediumProblem(seed int64, needs, offers int, tight bool) *Problem {
	p := Synthetic(needs, offers, 12, seed)
	r := rng(uint64(seed) * 7)
	if tight {
		for j := range p.Capacity {
			p.Capacity[j] = int32(r.intn(3))
		}
	}
	if seed%2 == 0 {
		p.Groups = needs / 4
		for i := range p.Group {
			p.Group[i] = -1
			if r.intn(2) == 0 {
				p.Group[i] = int32(r.intn(p.Groups))
			}
		}
	}
	return p
}

// TestSolveMatchesReferenceFlow checks medium instances against the generic Bellman–Ford
// reference solver run on the DIMACS file read back: this checks Solve, WriteDIMACS and
// ReadDIMACS together, on instances too large to enumerate.
func TestSolveMatchesReferenceFlow(t *testing.T) {
	count := 12
	if testing.Short() {
		count = 3
	}
	for seed := int64(1); seed <= int64(count); seed++ {
		for _, tight := range []bool{false, true} {
			p := mediumProblem(seed, 300, 120, tight)
			ref := dimacsCost(t, p)
			for _, mode := range modes {
				s := solveWith(t, p, mode)
				checkConsistent(t, p, s)
				if s.Cost != ref {
					t.Fatalf("seed %d tight %v %s: cost %d, reference %d", seed, tight, mode, s.Cost, ref)
				}
			}
		}
	}
}

// TestSolveLargerPathsAgreeWithScaling compares the two methods on instances the reference is
// too slow for, in the regime where each is used (room to spare, and demand above capacity).
func TestSolveLargerPathsAgreeWithScaling(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	for _, c := range []struct{ needs, offers int }{{3000, 1500}, {3000, 900}, {10000, 3300}} {
		p := Synthetic(c.needs, c.offers, 30, int64(c.offers))
		a := solveWith(t, p, "paths")
		b := solveWith(t, p, "scaling")
		checkConsistent(t, p, a)
		checkConsistent(t, p, b)
		if a.Cost != b.Cost {
			t.Fatalf("%d×%d: shortest paths cost %d, cost scaling %d", c.needs, c.offers, a.Cost, b.Cost)
		}
	}
}

func cloneProblem(p *Problem) *Problem {
	q := *p
	q.Capacity = slices.Clone(p.Capacity)
	q.Group = slices.Clone(p.Group)
	q.Start = slices.Clone(p.Start)
	q.Offer = slices.Clone(p.Offer)
	q.Score = slices.Clone(p.Score)
	return &q
}

// TestSolveDeterministic solves the same problem twice and a copy of it, on an instance with
// room (solved by shortest paths) and one with demand above capacity (cost scaling), and
// requires identical assignments.
func TestSolveDeterministic(t *testing.T) {
	for _, offers := range []int{2000, 1300} {
		p := Synthetic(4000, offers, 30, 42)
		first, err := Solve(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []*Problem{p, cloneProblem(p)} {
			again, err := Solve(q)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(first.Assign, again.Assign) {
				t.Fatalf("offers %d: two solves of the same problem differ", offers)
			}
		}
	}
}

func TestSolveRejectsInvalid(t *testing.T) {
	p := build([]int32{1}, nil, 0, []int32{0, 5})
	p.Score[0] = 0
	if _, err := Solve(p); err == nil {
		t.Fatal("Solve accepted a zero score")
	}
	if err := p.WriteDIMACS(&bytes.Buffer{}); err == nil {
		t.Fatal("WriteDIMACS accepted a zero score")
	}
}

func TestValidate(t *testing.T) {
	good := func() *Problem {
		return build([]int32{1, 2}, []int32{0, -1}, 1, []int32{0, 5, 1, 6}, []int32{1, 1})
	}
	if err := good().Validate(); err != nil {
		t.Fatalf("valid problem rejected: %v", err)
	}
	tests := []struct {
		name   string
		break_ func(p *Problem)
		want   string
	}{
		{"negative needs", func(p *Problem) { p.Needs = -1 }, "negative"},
		{"capacity length", func(p *Problem) { p.Capacity = p.Capacity[:1] }, "len(Capacity)"},
		{"group length", func(p *Problem) { p.Group = p.Group[:1] }, "len(Group)"},
		{"start length", func(p *Problem) { p.Start = p.Start[:2] }, "len(Start)"},
		{"score length", func(p *Problem) { p.Score = p.Score[:2] }, "len(Score)"},
		{"negative capacity", func(p *Problem) { p.Capacity[1] = -1 }, "negative capacity"},
		{"group out of range", func(p *Problem) { p.Group[1] = 1 }, "group 1"},
		{"group below -1", func(p *Problem) { p.Group[0] = -2 }, "group -2"},
		{"start not at zero", func(p *Problem) { p.Start[0] = 1 }, "Start[0]"},
		{"start not monotone", func(p *Problem) { p.Start[1] = 3; p.Start[2] = 2 }, "not monotone"},
		{"start end", func(p *Problem) { p.Start[2] = 2 }, "Start[Needs]"},
		{"offer out of range", func(p *Problem) { p.Offer[0] = 2 }, "offer 2"},
		{"negative offer", func(p *Problem) { p.Offer[0] = -1 }, "offer -1"},
		{"zero score", func(p *Problem) { p.Score[1] = 0 }, "score 0"},
		{"score too large", func(p *Problem) { p.Score[1] = MaxScore + 1 }, "score"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := good()
			tc.break_(p)
			err := p.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
	var nilProblem *Problem
	if nilProblem.Validate() == nil {
		t.Fatal("nil problem accepted")
	}
}

func TestBonusExceedsAnyScore(t *testing.T) {
	p := build([]int32{5, 5}, nil, 0, []int32{0, 7, 1, 9}, []int32{}, []int32{1, MaxScore})
	if got, want := p.Bonus(), int64(9+MaxScore+1); got != want {
		t.Fatalf("Bonus() = %d, want %d", got, want)
	}
}

func TestEvaluateRejectsBadPlans(t *testing.T) {
	p := build([]int32{1}, nil, 0, []int32{0, 5}, []int32{0, 6})
	for _, assign := range [][]int32{{0, 1}, {1, -1}, {0}} {
		if _, err := p.Evaluate(assign); err == nil {
			t.Errorf("Evaluate(%v) accepted an infeasible plan", assign)
		}
	}
}

func TestSynthetic(t *testing.T) {
	p := Synthetic(5000, 2000, 30, 7)
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if len(p.Offer) != 5000*30 {
		t.Fatalf("%d arcs, want %d", len(p.Offer), 5000*30)
	}
	grouped := 0
	for _, g := range p.Group {
		if g >= 0 {
			grouped++
		}
	}
	if share := float64(grouped) / 5000; share < 0.2 || share > 0.4 {
		t.Errorf("%.0f%% of needs in groups, want about 30%%", 100*share)
	}
	for i := 0; i < p.Needs; i++ {
		for a := p.Start[i] + 1; a < p.Start[i+1]; a++ {
			if p.Offer[a] <= p.Offer[a-1] {
				t.Fatalf("need %d: candidates not sorted and distinct", i)
			}
		}
	}
	q := Synthetic(5000, 2000, 30, 7)
	if !slices.Equal(p.Offer, q.Offer) || !slices.Equal(p.Score, q.Score) || !slices.Equal(p.Group, q.Group) || !slices.Equal(p.Capacity, q.Capacity) {
		t.Fatal("same seed, different instance")
	}
	if r := Synthetic(5000, 2000, 30, 8); slices.Equal(p.Score, r.Score) {
		t.Fatal("different seeds, same instance")
	}
	for _, c := range [][3]int{{0, 0, 0}, {3, 0, 5}, {3, 2, 5}, {-1, -1, -1}} {
		if err := Synthetic(c[0], c[1], c[2], 1).Validate(); err != nil {
			t.Errorf("Synthetic%v: %v", c, err)
		}
	}
}
