package flow

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
)

// WriteDIMACS writes p as a DIMACS min-cost-flow problem ("p min"), the model described in the
// package doc. Node ids are 1-based: needs 1..Needs, offers Needs+1..Needs+Offers, group
// collectors next, the sink T last. Any solver's optimal cost on the file equals Solve's
// Solution.Cost.
func (p *Problem) WriteDIMACS(w io.Writer) error {
	if err := p.Validate(); err != nil {
		return err
	}
	n, m, g := int64(p.Needs), int64(p.Offers), int64(p.Groups)
	sink := n + m + g + 1
	size := p.groupSizes()
	groupArcs := int64(0)
	nonEmpty := 0
	for _, c := range size {
		if c > 1 {
			groupArcs += 2
		} else if c == 1 {
			groupArcs++
		}
		if c > 0 {
			nonEmpty++
		}
	}
	arcs := int64(len(p.Offer)) + n + m + groupArcs
	bonus := p.Bonus()

	bw := bufio.NewWriterSize(w, 1<<20)
	fmt.Fprintf(bw, "c 助乡 plan: unit-demand needs, capacitated offers, key-village group bonus\n")
	fmt.Fprintf(bw, "c needs %d (nodes 1..%d, supply 1 each), offers %d (nodes %d..%d), groups %d (nodes %d..%d), sink %d\n",
		n, n, m, n+1, n+m, g, n+m+1, n+m+g, sink)
	fmt.Fprintf(bw, "c arcs: need->offer cap 1 cost -score; need->group collector (or ->sink) cap 1 cost 0;\n")
	fmt.Fprintf(bw, "c offer->sink cap capacity cost 0; collector->sink cap size-1 cost 0 and cap 1 cost bonus\n")
	fmt.Fprintf(bw, "c bonus %d, non-empty groups %d: optimal cost = -score + bonus * (non-empty groups - reached)\n", bonus, nonEmpty)
	fmt.Fprintf(bw, "p min %d %d\n", sink, arcs)

	var buf []byte
	nodeLine := func(id, supply int64) {
		buf = append(buf[:0], 'n', ' ')
		buf = strconv.AppendInt(buf, id, 10)
		buf = append(buf, ' ')
		buf = strconv.AppendInt(buf, supply, 10)
		buf = append(buf, '\n')
		bw.Write(buf)
	}
	arcLine := func(from, to, capacity, cost int64) {
		buf = append(buf[:0], 'a', ' ')
		buf = strconv.AppendInt(buf, from, 10)
		buf = append(buf, ' ')
		buf = strconv.AppendInt(buf, to, 10)
		buf = append(buf, " 0 "...)
		buf = strconv.AppendInt(buf, capacity, 10)
		buf = append(buf, ' ')
		buf = strconv.AppendInt(buf, cost, 10)
		buf = append(buf, '\n')
		bw.Write(buf)
	}
	for i := int64(1); i <= n; i++ {
		nodeLine(i, 1)
	}
	if n > 0 {
		nodeLine(sink, -n)
	}
	for i := 0; i < p.Needs; i++ {
		from := int64(i) + 1
		for a := p.Start[i]; a < p.Start[i+1]; a++ {
			arcLine(from, n+1+int64(p.Offer[a]), 1, -int64(p.Score[a]))
		}
		if gi := p.Group[i]; gi >= 0 {
			arcLine(from, n+m+1+int64(gi), 1, 0)
		} else {
			arcLine(from, sink, 1, 0)
		}
	}
	for j := int64(0); j < m; j++ {
		arcLine(n+1+j, sink, int64(p.Capacity[j]), 0)
	}
	for gi, c := range size {
		u := n + m + 1 + int64(gi)
		if c > 1 {
			arcLine(u, sink, int64(c)-1, 0)
		}
		if c > 0 {
			arcLine(u, sink, 1, bonus)
		}
	}
	return bw.Flush()
}
