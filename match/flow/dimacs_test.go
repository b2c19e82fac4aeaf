package flow

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"
)

func TestWriteDIMACSLayout(t *testing.T) {
	// two needs (the first in group 0 with a second member, the other ungrouped), one offer
	p := build([]int32{2}, []int32{0, -1, 0}, 1, []int32{0, 7}, []int32{0, 3}, []int32{})
	var buf bytes.Buffer
	if err := p.WriteDIMACS(&buf); err != nil {
		t.Fatal(err)
	}
	var body []string
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if !strings.HasPrefix(line, "c ") {
			body = append(body, line)
		}
	}
	bonus := p.Bonus() // 7 + 3 + 1
	want := []string{
		"p min 6 8", // needs 1-3, offer 4, collector 5, sink 6
		"n 1 1", "n 2 1", "n 3 1", "n 6 -3",
		"a 1 4 0 1 -7", "a 1 5 0 1 0",
		"a 2 4 0 1 -3", "a 2 6 0 1 0",
		"a 3 5 0 1 0",
		"a 4 6 0 2 0",
		"a 5 6 0 1 0", "a 5 6 0 1 " + strconv.FormatInt(bonus, 10),
	}
	if strings.Join(body, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(body, "\n"), strings.Join(want, "\n"))
	}
}

func TestReadDIMACSRoundTrip(t *testing.T) {
	p := Synthetic(500, 200, 10, 3)
	var buf bytes.Buffer
	if err := p.WriteDIMACS(&buf); err != nil {
		t.Fatal(err)
	}
	g, err := ReadDIMACS(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if g.Nodes != p.Needs+p.Offers+p.Groups+1 {
		t.Fatalf("%d nodes, want %d", g.Nodes, p.Needs+p.Offers+p.Groups+1)
	}
	var sum, pos int64
	for _, s := range g.Supply {
		sum += s
		if s > 0 {
			pos += s
		}
	}
	if sum != 0 || pos != int64(p.Needs) {
		t.Fatalf("supplies sum to %d with %d positive, want 0 and %d", sum, pos, p.Needs)
	}
	negative := 0
	for a := range g.From {
		if g.Cost[a] < 0 {
			negative++
			if g.Cap[a] != 1 || g.From[a] >= int32(p.Needs) {
				t.Fatalf("arc %d: a negative-cost arc must be a need→offer arc of capacity 1", a)
			}
		}
	}
	if negative != len(p.Offer) {
		t.Fatalf("%d negative-cost arcs, want one per candidate (%d)", negative, len(p.Offer))
	}
}

func TestReadDIMACSErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", "no p line"},
		{"only comments", "c hello\nc\n", "no p line"},
		{"wrong problem", "p max 2 1\n", "p min"},
		{"second p", "p min 1 0\np min 1 0\n", "second p"},
		{"n before p", "n 1 1\n", "before p"},
		{"a before p", "a 1 2 0 1 0\n", "before p"},
		{"node out of range", "p min 2 0\nn 3 1\n", "out of range"},
		{"node zero", "p min 2 0\nn 0 1\n", "out of range"},
		{"arc node out of range", "p min 2 1\na 1 3 0 1 0\n", "out of range"},
		{"negative low", "p min 2 1\na 1 2 -1 1 0\n", "LOW"},
		{"cap below low", "p min 2 1\na 1 2 2 1 0\n", "LOW"},
		{"too many arcs", "p min 2 0\na 1 2 0 1 0\n", "more arcs"},
		{"too few arcs", "p min 2 2\na 1 2 0 1 0\n", "declares 2"},
		{"bad number", "p min 2 1\na 1 2 0 x 0\n", "bad number"},
		{"overflow", "p min 2 1\na 1 2 0 99999999999999999999 0\n", "bad number"},
		{"short arc", "p min 2 1\na 1 2 0 1\n", "fields"},
		{"long node", "p min 2 0\nn 1 1 1\n", "fields"},
		{"duplicate n", "p min 2 0\nn 1 1\nn 1 2\n", "second n"},
		{"unknown line", "p min 2 0\nx 1\n", "unknown"},
		{"huge node count", "p min 999999999999 0\n", "node count"},
		{"negative arc count", "p min 2 -1\n", "arc count"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadDIMACS(strings.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("ReadDIMACS = %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
}

func TestMinCostFlowTable(t *testing.T) {
	tests := []struct {
		name string
		in   string
		cost int64
		err  error // nil: feasible
	}{
		{"one arc", "p min 2 1\nn 1 3\nn 2 -3\na 1 2 0 5 4\n", 12, nil},
		{"cheaper of two paths first", "p min 3 3\nn 1 4\nn 3 -4\na 1 3 0 2 10\na 1 2 0 3 1\na 2 3 0 3 1\n", 3*2 + 1*10, nil},
		{"lower bound forces an expensive arc", "p min 2 2\nn 1 2\nn 2 -2\na 1 2 2 2 9\na 1 2 0 2 1\n", 18, nil},
		{"negative cycle is used to capacity", "p min 2 2\na 1 2 0 3 -5\na 2 1 0 2 1\n", -2 * 4, nil},
		{"infeasible", "p min 2 1\nn 1 2\nn 2 -2\na 1 2 0 1 0\n", 0, ErrInfeasible},
		{"empty", "p min 0 0\n", 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, err := ReadDIMACS(strings.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			cost, flow, err := g.MinCostFlow()
			if !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			if err != nil {
				return
			}
			if cost != tc.cost {
				t.Fatalf("cost %d, want %d", cost, tc.cost)
			}
			checkFlow(t, g, flow, cost)
		})
	}
	g, _ := ReadDIMACS(strings.NewReader("p min 2 0\nn 1 1\n"))
	if _, _, err := g.MinCostFlow(); err == nil {
		t.Fatal("unbalanced supplies accepted")
	}
}

// checkFlow verifies bounds, conservation and the cost of a flow returned by MinCostFlow.
func checkFlow(t *testing.T, g *Graph, flow []int64, cost int64) {
	t.Helper()
	bal := make([]int64, g.Nodes)
	var c int64
	for a := range g.From {
		if flow[a] < g.Low[a] || flow[a] > g.Cap[a] {
			t.Fatalf("arc %d: flow %d outside [%d, %d]", a, flow[a], g.Low[a], g.Cap[a])
		}
		bal[g.From[a]] += flow[a]
		bal[g.To[a]] -= flow[a]
		c += flow[a] * g.Cost[a]
	}
	for v := range bal {
		if bal[v] != g.Supply[v] {
			t.Fatalf("node %d: net outflow %d, supply %d", v+1, bal[v], g.Supply[v])
		}
	}
	if c != cost {
		t.Fatalf("flow costs %d, reported %d", c, cost)
	}
}

// FuzzReadDIMACS feeds arbitrary text to the reader: it must return an error or a
// well-formed Graph, never panic; small graphs are also solved by the reference solver.
func FuzzReadDIMACS(f *testing.F) {
	var buf bytes.Buffer
	if err := build([]int32{1, 2}, []int32{0, 0}, 1, []int32{0, 3, 1, 4}, []int32{1, 2}).WriteDIMACS(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte("p min 3 3\nn 1 4\nn 3 -4\na 1 3 0 2 10\na 1 2 0 3 1\na 2 3 0 3 1\n"))
	f.Add([]byte("p min 2 2\na 1 2 0 3 -5\na 2 1 0 2 1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := ReadDIMACS(bytes.NewReader(data))
		if err != nil {
			return
		}
		if len(g.Supply) != g.Nodes {
			t.Fatalf("%d supplies for %d nodes", len(g.Supply), g.Nodes)
		}
		arcs := len(g.From)
		if len(g.To) != arcs || len(g.Low) != arcs || len(g.Cap) != arcs || len(g.Cost) != arcs {
			t.Fatal("arc arrays of different lengths")
		}
		small := g.Nodes <= 12 && arcs <= 24
		for a := 0; a < arcs; a++ {
			if g.From[a] < 0 || int(g.From[a]) >= g.Nodes || g.To[a] < 0 || int(g.To[a]) >= g.Nodes {
				t.Fatalf("arc %d has a node out of range", a)
			}
			if g.Low[a] < 0 || g.Cap[a] < g.Low[a] {
				t.Fatalf("arc %d: low %d cap %d", a, g.Low[a], g.Cap[a])
			}
			small = small && g.Cap[a] <= 50 && g.Cost[a] >= -1000 && g.Cost[a] <= 1000
		}
		for _, s := range g.Supply {
			small = small && s >= -50 && s <= 50
		}
		if small {
			if cost, flow, err := g.MinCostFlow(); err == nil {
				checkFlow(t, g, flow, cost)
			}
		}
	})
}
