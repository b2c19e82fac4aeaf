package flow

import (
	"errors"
	"fmt"
)

// ErrInfeasible is returned by Graph.MinCostFlow when the supplies cannot be routed.
var ErrInfeasible = errors.New("flow: no feasible flow")

// MinCostFlow solves g exactly with the textbook method: lower bounds are pre-sent, every
// negative-cost arc is saturated (so the residual network starts without negative cycles), and
// then successive shortest paths found by Bellman–Ford carry the remaining excess to the
// deficits. It is slow (pseudo-polynomial) and meant as an independent reference for tests on
// graphs of a few thousand arcs; it shares no code with Solve. Supplies must sum to zero.
// It returns the optimal cost and the flow on each arc.
func (g *Graph) MinCostFlow() (int64, []int64, error) {
	n := g.Nodes
	var total int64
	for _, s := range g.Supply {
		total += s
	}
	if total != 0 {
		return 0, nil, fmt.Errorf("flow: supplies sum to %d, want 0", total)
	}
	excess := append([]int64(nil), g.Supply...)
	flow := make([]int64, len(g.From))
	var cost int64
	push := func(a int, x int64) {
		flow[a] += x
		excess[g.From[a]] -= x
		excess[g.To[a]] += x
		cost += x * g.Cost[a]
	}
	for a := range g.From {
		if g.Low[a] > 0 {
			push(a, g.Low[a])
		}
		if g.Cost[a] < 0 && g.Cap[a] > flow[a] {
			push(a, g.Cap[a]-flow[a])
		}
	}

	// Residual arc 2a is arc a forward, 2a+1 backward.
	head := make([]int32, n)
	for i := range head {
		head[i] = -1
	}
	next := make([]int32, 2*len(g.From))
	tail := func(r int) int32 {
		if r%2 == 0 {
			return g.From[r/2]
		}
		return g.To[r/2]
	}
	headOf := func(r int) int32 { return tail(r ^ 1) }
	for r := range next {
		u := tail(r)
		next[r] = head[u]
		head[u] = int32(r)
	}
	resid := func(r int) int64 {
		a := r / 2
		if r%2 == 0 {
			return g.Cap[a] - flow[a]
		}
		return flow[a] - g.Low[a]
	}
	rcost := func(r int) int64 {
		if r%2 == 0 {
			return g.Cost[r/2]
		}
		return -g.Cost[r/2]
	}

	const inf = int64(1) << 62
	dist := make([]int64, n)
	via := make([]int32, n)
	inQueue := make([]bool, n)
	count := make([]int, n)
	queue := make([]int32, 0, n)
	for {
		// Multi-source Bellman–Ford (queue based) from every node with excess.
		queue = queue[:0]
		for v := 0; v < n; v++ {
			dist[v], via[v], inQueue[v], count[v] = inf, -1, false, 0
			if excess[v] > 0 {
				dist[v] = 0
				queue = append(queue, int32(v))
				inQueue[v] = true
			}
		}
		if len(queue) == 0 {
			return cost, flow, nil
		}
		for qi := 0; qi < len(queue); qi++ {
			u := queue[qi]
			inQueue[u] = false
			for r := head[u]; r != -1; r = next[r] {
				if resid(int(r)) <= 0 {
					continue
				}
				v := headOf(int(r))
				if nd := dist[u] + rcost(int(r)); nd < dist[v] {
					dist[v] = nd
					via[v] = r
					if !inQueue[v] {
						count[v]++
						if count[v] > n+1 {
							return 0, nil, errors.New("flow: negative cycle in residual network (bug)")
						}
						inQueue[v] = true
						queue = append(queue, v)
					}
				}
			}
		}
		best := int32(-1)
		for v := 0; v < n; v++ {
			if excess[v] < 0 && dist[v] < inf && (best == -1 || dist[v] < dist[best]) {
				best = int32(v)
			}
		}
		if best == -1 {
			return 0, nil, ErrInfeasible
		}
		// Bottleneck along the path, then the source's excess and the sink's deficit.
		x := -excess[best]
		v := best
		for via[v] != -1 {
			r := int(via[v])
			x = min(x, resid(r))
			v = tail(r)
		}
		x = min(x, excess[v])
		for v := best; via[v] != -1; {
			r := int(via[v])
			a := r / 2
			if r%2 == 0 {
				push(a, x)
			} else {
				push(a, -x)
			}
			v = tail(r)
		}
	}
}
