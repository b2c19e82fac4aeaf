package flow

import "math"

// Solve computes an optimal plan: among all assignments it maximises the number of reached
// groups and, among those, the total score. It is exact and deterministic: the result depends
// only on the contents of p, never on timing or map order.
//
// Two exact methods are combined. Successive shortest paths (one Dijkstra per need) is very fast
// while offers have room, and Solve starts with it; when the searches grow, which happens once
// the offers near a need are full and needs must displace one another (demand at or above
// capacity), it switches to cost scaling, whose work does not blow up there. The switch is
// decided by counting search work, not time, so it is deterministic too.
func Solve(p *Problem) (*Solution, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	assign := solveAssign(p, settleRate, settleSlack)
	return p.Evaluate(assign)
}

// Solve leaves shortest paths for cost scaling once the searches have settled more than
// settleRate nodes per need added so far, plus settleSlack. On Synthetic instances a need costs
// cost scaling about as much as 60 to 150 settles; instances with room settle under 10 per need,
// and heavily oversubscribed ones (capacity half the demand) about 50, while near-balanced tight
// markets, where long displacement chains and large ties make each search explore thousands of
// nodes, pass 150 within the first tenth of the needs.
const (
	settleRate  = 150
	settleSlack = 100_000
)

// solveAssign runs the hybrid: rate < 0 never switches, rate == 0 goes straight to cost scaling
// (tests use both, and a tiny rate to switch midway). Problems whose scaled costs could overflow
// (see scalable) always use shortest paths.
func solveAssign(p *Problem, rate, slack int) []int32 {
	if !scalable(p) {
		rate = -1
	}
	if rate != 0 {
		s := newSolver(p)
		if s.run(rate, slack) {
			assign := make([]int32, p.Needs)
			for i, a := range s.assign {
				assign[i] = max(a, -1)
			}
			return assign
		}
	}
	sc := newScaler(p)
	sc.solve()
	return sc.assignment()
}

// run adds the needs in index order (neighbouring needs share offers, so this order keeps the
// searches in cache). It gives up and returns false once the searches have settled more than
// rate nodes per need so far plus slack (rate < 0: never).
func (s *solver) run(rate, slack int) bool {
	work := 0
	for i := int32(0); i < s.n; i++ {
		s.add(i)
		work += len(s.settled)
		if rate >= 0 && work > rate*int(i+1)+slack {
			return false
		}
	}
	return true
}

// Unmatched states of solver.assign; matched needs hold their arc index (>= 0).
const (
	routed  = -1 // sent along the unmatched route (to T, or to its group collector)
	pending = -2 // not yet added: carries no flow and has no incoming residual arc
)

// solver runs one Dijkstra per need on the residual network of the DIMACS model (see the package
// doc), adding needs one at a time. The network is never built as a graph: the residual arcs of
// each node are derived from the assignment, which keeps memory at a few words per node besides
// the Problem itself and keeps the inner loops on contiguous int32 arrays.
//
// Node numbering: needs 0..n-1, offers n..n+m-1, group collectors n+m..n+m+g-1, sink T last.
type solver struct {
	p     *Problem
	n, m  int32
	sink  int32
	bonus int64
	// node holds, per node, everything one relaxation touches, so that a relaxation costs one
	// cache line rather than four.
	node    []nodeState
	touched []int32 // nodes whose dist must be reset after the search
	settled []int32 // nodes popped with dist below the sink's distance
	path    []int32
	heap    radixHeap

	assign []int32 // per need: arc, routed or pending

	// Offers: the needs matched to offer j are slotNeed[slotStart[j] : slotStart[j]+load[j]].
	// A slot array of size min(capacity, in-degree) suffices, so huge capacities cost nothing.
	slotStart []int32
	slotNeed  []int32
	slotPos   []int32 // per need: its index in slotNeed while matched
	load      []int32
	capEff    []int32

	// Groups: members of g are member[gStart[g]:gStart[g+1]]; the first unm[g] of them are the
	// routed ones, so both "is the bonus arc next" and "which members can be re-routed" are O(1)
	// per member.
	gStart []int32
	member []int32
	gPos   []int32 // per grouped need: its index in member
	unm    []int32
}

func newSolver(p *Problem) *solver {
	n, m, g := int32(p.Needs), int32(p.Offers), int32(p.Groups)
	nodes := int(n + m + g + 1)
	s := &solver{
		p: p, n: n, m: m, sink: n + m + g, bonus: p.Bonus(),
		node:   make([]nodeState, nodes),
		assign: make([]int32, n),
	}
	for i := range s.node {
		s.node[i].dist = math.MaxInt64
	}
	for i := range s.assign {
		s.assign[i] = pending
	}

	indeg := make([]int32, m)
	for _, j := range p.Offer {
		indeg[j]++
	}
	s.slotStart = make([]int32, m+1)
	s.capEff = make([]int32, m)
	for j := int32(0); j < m; j++ {
		s.capEff[j] = min(p.Capacity[j], indeg[j])
		s.slotStart[j+1] = s.slotStart[j] + s.capEff[j]
	}
	s.slotNeed = make([]int32, s.slotStart[m])
	s.slotPos = make([]int32, n)
	s.load = make([]int32, m)

	s.gStart, s.member, s.gPos = groupMembers(p)
	s.unm = make([]int32, g)
	return s
}

// add routes the unit supply of need src along a shortest residual path to the sink.
func (s *solver) add(src int32) {
	p := s.p
	n, m, sink := s.n, s.m, s.sink
	nodes := s.node
	start, offer, score, assign := p.Start, p.Offer, p.Score, s.assign

	// A pending need has no incoming residual arc, so any potential that makes its own outgoing
	// arcs non-negative keeps the whole network's reduced costs non-negative.
	route := route0(s, src)
	best := nodes[route].pi
	for a := start[src]; a < start[src+1]; a++ {
		best = max(best, nodes[n+offer[a]].pi+int64(score[a]))
	}
	nodes[src].pi = best

	h := &s.heap
	h.reset()
	nodes[src].dist = 0
	nodes[src].pred = -1
	s.touched = append(s.touched[:0], src)
	s.settled = s.settled[:0]
	h.push(0, src)
	var reach int64 = math.MaxInt64 // distance of the sink
	var sinkPred int32 = -1
	piSink := nodes[sink].pi

	for h.size > 0 {
		d, u := h.pop()
		nu := &nodes[u]
		if d != nu.dist {
			continue
		}
		if d >= reach {
			break
		}
		s.settled = append(s.settled, u)
		du := d + nu.pi
		switch {
		case u < n:
			cur := assign[u]
			for a := start[u]; a < start[u+1]; a++ {
				v := n + offer[a]
				nv := &nodes[v]
				nd := du - int64(score[a]) - nv.pi
				if nd < reach && nd < nv.dist && a != cur {
					if nv.dist == math.MaxInt64 {
						s.touched = append(s.touched, v)
					}
					nv.dist = nd
					nv.pred = u
					nv.arc = a
					h.push(nd, v)
				}
			}
			if cur != routed {
				v := route0(s, u)
				nv := &nodes[v]
				nd := du - nv.pi
				if v == sink {
					if nd < reach {
						reach, sinkPred = nd, u
					}
				} else if nd < reach && nd < nv.dist {
					if nv.dist == math.MaxInt64 {
						s.touched = append(s.touched, v)
					}
					nv.dist = nd
					nv.pred = u
					h.push(nd, v)
				}
			}
		case u < n+m:
			j := u - n
			ld := s.load[j]
			if ld < s.capEff[j] {
				if nd := du - piSink; nd < reach {
					reach, sinkPred = nd, u
				}
			}
			base := s.slotStart[j]
			for _, k := range s.slotNeed[base : base+ld] {
				nk := &nodes[k]
				nd := du + int64(score[assign[k]]) - nk.pi
				if nd < reach && nd < nk.dist {
					if nk.dist == math.MaxInt64 {
						s.touched = append(s.touched, k)
					}
					nk.dist = nd
					nk.pred = u
					h.push(nd, k)
				}
			}
		default:
			g := u - n - m
			size := s.gStart[g+1] - s.gStart[g]
			un := s.unm[g]
			if un < size {
				var c int64
				if un == size-1 {
					c = s.bonus
				}
				if nd := du + c - piSink; nd < reach {
					reach, sinkPred = nd, u
				}
			}
			base := s.gStart[g]
			for _, k := range s.member[base : base+un] {
				nk := &nodes[k]
				nd := du - nk.pi
				if nd < reach && nd < nk.dist {
					if nk.dist == math.MaxInt64 {
						s.touched = append(s.touched, k)
					}
					nk.dist = nd
					nk.pred = u
					h.push(nd, k)
				}
			}
		}
	}

	// Potentials: pi += min(dist, reach) - reach, which changes only the settled nodes and keeps
	// every residual reduced cost non-negative (including arcs out of the sink, never expanded).
	for _, v := range s.settled {
		nodes[v].pi += nodes[v].dist - reach
	}
	for _, v := range s.touched {
		nodes[v].dist = math.MaxInt64
	}

	// The path alternates need → offer/group → need …; every need on it changes where its unit
	// goes.
	s.applyPath(sinkPred)
}

// applyPath augments one unit along the pred chain ending at sinkPred (the node whose arc enters
// the sink).
func (s *solver) applyPath(sinkPred int32) {
	n, sink := s.n, s.sink
	path := s.path[:0]
	for v := sinkPred; v != -1; v = s.node[v].pred {
		path = append(path, v)
	}
	s.path = path
	for _, v := range path {
		if v < n {
			s.detach(v)
		}
	}
	next := sink
	for _, v := range path { // path runs from the sink's predecessor back to src
		if v < n {
			switch {
			case next == sink:
				s.assign[v] = routed // an ungrouped need going unmatched
			case next < n+s.m:
				s.attachOffer(v, s.node[next].arc, next-n)
			default:
				s.attachGroup(v, next-n-s.m)
			}
		}
		next = v
	}
}

// nodeState is the per-node data of the search.
type nodeState struct {
	pi   int64 // potential; the reduced cost of u→v is cost + pi[u] - pi[v] >= 0
	dist int64 // tentative distance of the current search, MaxInt64 when untouched
	pred int32 // predecessor on the current search tree
	arc  int32 // for offers: the need→offer arc by which the offer was reached
}

// route0 is the head of need u's unmatched arc: its group collector, or the sink.
func route0(s *solver, u int32) int32 {
	if g := s.p.Group[u]; g >= 0 {
		return s.n + s.m + g
	}
	return s.sink
}

func (s *solver) detach(k int32) {
	if a := s.assign[k]; a >= 0 {
		j := s.p.Offer[a]
		last := s.slotStart[j] + s.load[j] - 1
		moved := s.slotNeed[last]
		s.slotNeed[s.slotPos[k]] = moved
		s.slotPos[moved] = s.slotPos[k]
		s.load[j]--
	} else if a == routed {
		g := s.p.Group[k]
		last := s.gStart[g] + s.unm[g] - 1
		s.swapMembers(s.gPos[k], last)
		s.unm[g]--
	}
	s.assign[k] = pending
}

func (s *solver) attachOffer(k, a, j int32) {
	at := s.slotStart[j] + s.load[j]
	s.slotNeed[at] = k
	s.slotPos[k] = at
	s.load[j]++
	s.assign[k] = a
}

func (s *solver) attachGroup(k, g int32) {
	s.swapMembers(s.gPos[k], s.gStart[g]+s.unm[g])
	s.unm[g]++
	s.assign[k] = routed
}

func (s *solver) swapMembers(x, y int32) {
	a, b := s.member[x], s.member[y]
	s.member[x], s.member[y] = b, a
	s.gPos[a], s.gPos[b] = y, x
}
