package flow

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Graph is a generic min-cost-flow instance as read from a DIMACS "p min" file. Nodes are
// 0-based here (file node k is index k-1). It exists to check WriteDIMACS independently of
// the Problem structure, with MinCostFlow as a reference solver.
type Graph struct {
	Nodes  int
	Supply []int64 // len Nodes: positive supply, negative demand
	From   []int32 // per arc
	To     []int32
	Low    []int64
	Cap    []int64
	Cost   []int64
}

// MaxDIMACSNodes bounds the node count ReadDIMACS accepts, so that a hostile "p" line cannot make
// it allocate gigabytes before reading a single arc.
const MaxDIMACSNodes = 1 << 24

// ReadDIMACS parses a DIMACS min-cost-flow file: "c" comments, one "p min NODES ARCS" line, then
// "n ID SUPPLY" and "a FROM TO LOW CAP COST" lines. It is stricter than most readers: the arc
// count must match the p line, 0 <= LOW <= CAP, each node gets at most one n line, and all
// numbers must fit in int64; violations are errors, never panics.
func ReadDIMACS(r io.Reader) (*Graph, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	var g *Graph
	declared := int64(0)
	lineNo := 0
	var fields [7][]byte
	var seen []bool
	for sc.Scan() {
		lineNo++
		nf := 0
		for _, f := range bytes.Fields(sc.Bytes()) {
			if nf == len(fields) {
				nf++
				break
			}
			fields[nf] = f
			nf++
		}
		if nf == 0 {
			continue
		}
		fail := func(format string, args ...any) error {
			return fmt.Errorf("dimacs line %d: %s", lineNo, fmt.Sprintf(format, args...))
		}
		nums := func(from, count int) ([]int64, error) {
			if nf != from+count {
				return nil, fail("want %d fields, got %d", from+count, nf)
			}
			out := make([]int64, count)
			for i := range out {
				v, err := strconv.ParseInt(string(fields[from+i]), 10, 64)
				if err != nil {
					return nil, fail("bad number %q", fields[from+i])
				}
				out[i] = v
			}
			return out, nil
		}
		switch string(fields[0]) {
		case "c":
			continue
		case "p":
			if g != nil {
				return nil, fail("second p line")
			}
			if nf < 2 || string(fields[1]) != "min" {
				return nil, fail("want \"p min NODES ARCS\"")
			}
			v, err := nums(2, 2)
			if err != nil {
				return nil, err
			}
			if v[0] < 0 || v[0] > MaxDIMACSNodes {
				return nil, fail("node count %d out of range 0..%d", v[0], MaxDIMACSNodes)
			}
			if v[1] < 0 || v[1] > 1<<31-1 {
				return nil, fail("arc count %d out of range", v[1])
			}
			declared = v[1]
			g = &Graph{Nodes: int(v[0]), Supply: make([]int64, v[0])}
			seen = make([]bool, v[0])
			hint := min(declared, 1<<16)
			g.From = make([]int32, 0, hint)
			g.To = make([]int32, 0, hint)
			g.Low = make([]int64, 0, hint)
			g.Cap = make([]int64, 0, hint)
			g.Cost = make([]int64, 0, hint)
		case "n":
			if g == nil {
				return nil, fail("n line before p line")
			}
			v, err := nums(1, 2)
			if err != nil {
				return nil, err
			}
			if v[0] < 1 || v[0] > int64(g.Nodes) {
				return nil, fail("node %d out of range 1..%d", v[0], g.Nodes)
			}
			if seen[v[0]-1] {
				return nil, fail("node %d has a second n line", v[0])
			}
			seen[v[0]-1] = true
			g.Supply[v[0]-1] = v[1]
		case "a":
			if g == nil {
				return nil, fail("a line before p line")
			}
			v, err := nums(1, 5)
			if err != nil {
				return nil, err
			}
			if v[0] < 1 || v[0] > int64(g.Nodes) || v[1] < 1 || v[1] > int64(g.Nodes) {
				return nil, fail("arc %d→%d has a node out of range 1..%d", v[0], v[1], g.Nodes)
			}
			if v[2] < 0 || v[3] < v[2] {
				return nil, fail("want 0 <= LOW <= CAP, got LOW %d CAP %d", v[2], v[3])
			}
			if int64(len(g.From)) == declared {
				return nil, fail("more arcs than the %d declared", declared)
			}
			g.From = append(g.From, int32(v[0]-1))
			g.To = append(g.To, int32(v[1]-1))
			g.Low = append(g.Low, v[2])
			g.Cap = append(g.Cap, v[3])
			g.Cost = append(g.Cost, v[4])
		default:
			return nil, fail("unknown line type %q", fields[0])
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("dimacs: %w", err)
	}
	if g == nil {
		return nil, errors.New("dimacs: no p line")
	}
	if int64(len(g.From)) != declared {
		return nil, fmt.Errorf("dimacs: %d arcs, p line declares %d", len(g.From), declared)
	}
	return g, nil
}
