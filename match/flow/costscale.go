package flow

import "math"

// scaler is the cost-scaling push–relabel solver (Goldberg's method in the form Goldberg and
// Kennedy use for assignment: every refine starts with all needs unplaced, needs "bid" by
// pushing their unit to their best arc and dropping their own potential to the second best,
// offers and group collectors push surplus units back to their weakest holders). Costs are
// multiplied by alpha = nodes+1 so that the last phase, with epsilon 1, ends exactly optimal
// (an epsilon-optimal flow with epsilon < 1/n is optimal for integer costs).
//
// It runs on the same implicit network as the shortest-path solver; the sink T keeps its
// reverse arcs in a max-heap because it is adjacent to every offer, collector and ungrouped need.
type scaler struct {
	p            *Problem
	n, m, ng     int32
	sink         int32
	alpha, bonus int64 // bonus is scaled by alpha
	eps          int64
	pi           []int64
	excess       []int32
	active       []int32 // FIFO of nodes with positive excess (never the sink)
	qHead        int
	queued       []bool

	needArc []int32 // per need: the arc carrying its unit, routed, or pending
	// holders of offer j: inNeed[inStart[j] : inStart[j]+inCnt[j]] (room: in-degree of j)
	inStart []int32
	inNeed  []int32
	inCnt   []int32
	load    []int32 // flow offer→T
	capEff  []int32

	gStart []int32
	member []int32 // members of a group; the first unm[g] are routed into the collector
	gPos   []int32
	unm    []int32
	gFree  []int32 // flow on the collector's free arc to T (cap size-1)
	gBonus []bool  // flow on the collector's bonus arc to T (cap 1)

	th sinkHeap
}

func newScaler(p *Problem) *scaler {
	n, m, g := int32(p.Needs), int32(p.Offers), int32(p.Groups)
	nodes := n + m + g + 1
	s := &scaler{p: p, n: n, m: m, ng: g, sink: n + m + g}
	s.alpha = int64(nodes) + 1
	s.bonus = p.Bonus() * s.alpha
	s.pi = make([]int64, nodes)
	s.excess = make([]int32, nodes)
	s.queued = make([]bool, nodes)
	s.needArc = make([]int32, n)
	s.inStart = make([]int32, m+1)
	for _, j := range p.Offer {
		s.inStart[j+1]++
	}
	s.capEff = make([]int32, m)
	for j := int32(0); j < m; j++ {
		s.capEff[j] = min(p.Capacity[j], s.inStart[j+1])
		s.inStart[j+1] += s.inStart[j]
	}
	s.inNeed = make([]int32, len(p.Offer))
	s.inCnt = make([]int32, m)
	s.load = make([]int32, m)
	s.gStart, s.member, s.gPos = groupMembers(p)
	s.unm = make([]int32, g)
	s.gFree = make([]int32, g)
	s.gBonus = make([]bool, g)
	s.th.init(int(m + 2*g + n))
	s.th.freeBase, s.th.bonusBase, s.th.needBase = m, m+g, m+2*g
	return s
}

// scalable reports whether the scaled costs and the potentials they produce stay far from
// int64 overflow; beyond that Solve keeps to the shortest-path solver, whose numbers are
// unscaled.
func scalable(p *Problem) bool {
	// Potentials fall by at most about 3·nodes·epsilon per refine (Goldberg), and epsilon starts
	// at maxScore·alpha, so 4·nodes·maxScore·alpha plus the scaled bonus must stay below 2^60 (values
	// then never reach noValue).
	const limit = float64(1 << 60)
	var top int32 = 1
	for _, sc := range p.Score {
		top = max(top, sc)
	}
	nodes := float64(p.Needs+p.Offers+p.Groups) + 1
	alpha := nodes + 1
	return 4*nodes*float64(top)*alpha+float64(p.Bonus())*alpha < limit
}

func (s *scaler) solve() {
	var maxc int64 = 1
	for _, sc := range s.p.Score {
		maxc = max(maxc, int64(sc))
	}
	// Only need→offer arcs have negative costs, so zero potentials are maxScore·alpha-optimal.
	s.solveFrom(maxc * s.alpha)
}

func (s *scaler) solveFrom(eps int64) {
	s.eps = eps
	for s.eps > 1 {
		s.eps = max(1, s.eps/scaleFactor)
		s.refine()
	}
}

// scaleFactor divides epsilon between refines.
var scaleFactor int64 = 8

func (s *scaler) activate(v int32) {
	if s.excess[v] > 0 && !s.queued[v] && v != s.sink {
		s.queued[v] = true
		s.active = append(s.active, v)
	}
}

func (s *scaler) refine() {
	n, m, sink := s.n, s.m, s.sink
	pi := s.pi
	// Unplace every need; decide the sink arcs by the sign of their reduced cost. Offers and
	// collectors the last phase left with room are first priced at the sink's level (a change
	// of at most the last epsilon), so that the loads forced here never exceed the needs.
	var toSink int32
	for i := int32(0); i < n; i++ {
		s.needArc[i] = pending
		s.excess[i] = 1
	}
	for j := int32(0); j < m; j++ {
		u := n + j
		if pi[u] < pi[sink] && s.load[j] < s.capEff[j] {
			pi[u] = pi[sink]
		}
		s.inCnt[j] = 0
		s.load[j] = 0
		if pi[u] < pi[sink] {
			s.load[j] = s.capEff[j]
		}
		s.excess[u] = -s.load[j]
		toSink += s.load[j]
	}
	for g := int32(0); g < s.ng; g++ {
		u := n + m + g
		size := s.gStart[g+1] - s.gStart[g]
		s.unm[g] = 0
		if size == 0 {
			s.gFree[g], s.gBonus[g] = 0, false
			s.excess[u] = 0
			continue
		}
		if pi[u] < pi[sink] && s.gFree[g] < size-1 {
			pi[u] = pi[sink]
		}
		s.gFree[g] = 0
		if pi[u] < pi[sink] {
			s.gFree[g] = size - 1
		}
		s.gBonus[g] = s.bonus+pi[u]-pi[sink] < 0
		s.excess[u] = -s.gFree[g]
		if s.gBonus[g] {
			s.excess[u]--
		}
		toSink -= s.excess[u]
	}
	s.excess[sink] = toSink - n
	s.th.reset()
	for e := range s.th.pos {
		s.sinkUpdate(int32(e))
	}
	s.active = s.active[:0]
	s.qHead = 0
	for i := int32(0); i < n; i++ {
		s.activate(i)
	}

	for {
		for s.qHead < len(s.active) {
			u := s.active[s.qHead]
			s.qHead++
			if s.qHead > 1<<16 && 2*s.qHead > len(s.active) {
				s.active = append(s.active[:0], s.active[s.qHead:]...)
				s.qHead = 0
			}
			s.queued[u] = false
			switch {
			case u < n:
				s.dischargeNeed(u)
			case u < n+m:
				s.dischargeOffer(u)
			default:
				s.dischargeGroup(u)
			}
		}
		// The sink goes last: its surplus is mostly deficits that active nodes are about to fill.
		if s.excess[sink] <= 0 {
			break
		}
		s.dischargeSink()
	}
}

const noValue = math.MinInt64 / 4

// dischargeNeed places the unit of an unplaced need on its best arc and lowers the need's
// potential to the second-best value minus epsilon (the bid).
func (s *scaler) dischargeNeed(u int32) {
	p := s.p
	n := s.n
	pi := s.pi
	alpha := s.alpha
	v1, v2 := int64(noValue), int64(noValue)
	a1 := int32(-1)
	for a := p.Start[u]; a < p.Start[u+1]; a++ {
		val := pi[n+p.Offer[a]] + int64(p.Score[a])*alpha
		if val > v1 {
			v2 = v1
			v1, a1 = val, a
		} else if val > v2 {
			v2 = val
		}
	}
	var route int32 = s.sink
	g := p.Group[u]
	if g >= 0 {
		route = n + s.m + g
	}
	if val := pi[route]; val > v1 {
		v2 = v1
		v1, a1 = val, -1
	} else if val > v2 {
		v2 = val
	}
	if v2 == noValue {
		v2 = v1
	}
	pi[u] = v2 - s.eps
	s.excess[u] = 0
	if a1 >= 0 {
		j := p.Offer[a1]
		s.needArc[u] = a1
		s.inNeed[s.inStart[j]+s.inCnt[j]] = u
		s.inCnt[j]++
		s.excess[n+j]++
		s.activate(n + j)
		return
	}
	s.needArc[u] = routed
	if g >= 0 {
		s.swapMembers(s.gPos[u], s.gStart[g]+s.unm[g])
		s.unm[g]++
		s.excess[route]++
		s.activate(route)
		return
	}
	s.excess[route]++
	s.sinkUpdate(s.th.needBase + u)
}

// dischargeOffer sends the surplus of offer j (node u) to the sink while it has room and that
// arc is best, otherwise back to its weakest holders, relabelling as it goes.
func (s *scaler) dischargeOffer(u int32) {
	p := s.p
	j := u - s.n
	pi := s.pi
	alpha := s.alpha
	base := s.inStart[j]
	for s.excess[u] > 0 {
		v1, v2 := int64(noValue), int64(noValue)
		b1 := int32(-2) // -1: the sink arc; otherwise an index into inNeed
		if room := s.capEff[j] - s.load[j]; room > 0 {
			v1, b1 = pi[s.sink], -1
			if room > 1 {
				v2 = v1
			}
		}
		for t := base; t < base+s.inCnt[j]; t++ {
			k := s.inNeed[t]
			val := pi[k] - int64(p.Score[s.needArc[k]])*alpha
			if val > v1 {
				v2 = v1
				v1, b1 = val, t
			} else if val > v2 {
				v2 = val
			}
		}
		if pi[u] >= v1 {
			pi[u] = v1 - s.eps
		}
		if b1 == -1 {
			k := min(s.excess[u], s.capEff[j]-s.load[j])
			s.load[j] += k
			s.excess[u] -= k
			s.excess[s.sink] += k
		} else {
			k := s.inNeed[b1]
			last := base + s.inCnt[j] - 1
			s.inNeed[b1] = s.inNeed[last]
			s.inCnt[j]--
			s.needArc[k] = pending
			s.excess[k] = 1
			s.excess[u]--
			s.activate(k)
		}
		if v2 != noValue && pi[u] >= v2 {
			pi[u] = v2 - s.eps
		}
	}
	s.sinkUpdate(j)
}

// dischargeGroup does the same for a group collector: free arc, bonus arc, or back to a member.
func (s *scaler) dischargeGroup(u int32) {
	g := u - s.n - s.m
	pi := s.pi
	size := s.gStart[g+1] - s.gStart[g]
	base := s.gStart[g]
	for s.excess[u] > 0 {
		v1, v2 := int64(noValue), int64(noValue)
		b1 := int32(-3) // -1 free arc, -2 bonus arc, else index into member
		if room := size - 1 - s.gFree[g]; room > 0 {
			v1, b1 = pi[s.sink], -1
			if room > 1 {
				v2 = v1
			}
		}
		if !s.gBonus[g] {
			if val := pi[s.sink] - s.bonus; val > v1 {
				v2 = v1
				v1, b1 = val, -2
			} else if val > v2 {
				v2 = val
			}
		}
		for t := base; t < base+s.unm[g]; t++ {
			if val := pi[s.member[t]]; val > v1 {
				v2 = v1
				v1, b1 = val, t
			} else if val > v2 {
				v2 = val
			}
		}
		if pi[u] >= v1 {
			pi[u] = v1 - s.eps
		}
		switch b1 {
		case -1:
			s.gFree[g]++
			s.excess[u]--
			s.excess[s.sink]++
		case -2:
			s.gBonus[g] = true
			s.excess[u]--
			s.excess[s.sink]++
		default:
			k := s.member[b1]
			s.swapMembers(b1, base+s.unm[g]-1)
			s.unm[g]--
			s.needArc[k] = pending
			s.excess[k] = 1
			s.excess[u]--
			s.activate(k)
		}
		if v2 != noValue && pi[u] >= v2 {
			pi[u] = v2 - s.eps
		}
	}
	s.sinkUpdate(s.th.freeBase + g)
	s.sinkUpdate(s.th.bonusBase + g)
}

func (s *scaler) swapMembers(x, y int32) {
	a, b := s.member[x], s.member[y]
	s.member[x], s.member[y] = b, a
	s.gPos[a], s.gPos[b] = y, x
}

// dischargeSink returns the sink's surplus along its best reverse arcs, relabelling the sink
// when the best one is not admissible.
func (s *scaler) dischargeSink() {
	n, m := s.n, s.m
	sink := s.sink
	pi := s.pi
	for s.excess[sink] > 0 {
		e, v1 := s.th.top()
		if e < 0 {
			panic("flow: sink surplus with no reverse arc")
		}
		if pi[sink] >= v1 {
			pi[sink] = v1 - s.eps
		}
		switch {
		case e < s.th.freeBase:
			k := min(s.load[e], s.excess[sink])
			s.load[e] -= k
			s.excess[sink] -= k
			s.excess[n+e] += k
			s.activate(n + e)
		case e < s.th.bonusBase:
			g := e - s.th.freeBase
			s.gFree[g]--
			s.excess[sink]--
			s.excess[n+m+g]++
			s.activate(n + m + g)
		case e < s.th.needBase:
			g := e - s.th.bonusBase
			s.gBonus[g] = false
			s.excess[sink]--
			s.excess[n+m+g]++
			s.activate(n + m + g)
		default:
			k := e - s.th.needBase
			s.needArc[k] = pending
			s.excess[sink]--
			s.excess[k] = 1
			s.activate(k)
		}
		s.sinkUpdate(e)
	}
}

// sinkUpdate recomputes whether reverse arc e of the sink is residual, and its value.
func (s *scaler) sinkUpdate(e int32) {
	h := &s.th
	var key int64
	present := false
	switch {
	case e < h.freeBase:
		present, key = s.load[e] > 0, s.pi[s.n+e]
	case e < h.bonusBase:
		g := e - h.freeBase
		present, key = s.gFree[g] > 0, s.pi[s.n+s.m+g]
	case e < h.needBase:
		g := e - h.bonusBase
		present, key = s.gBonus[g], s.pi[s.n+s.m+g]+s.bonus
	default:
		k := e - h.needBase
		present, key = s.needArc[k] == routed && s.p.Group[k] < 0, s.pi[k]
	}
	h.set(e, present, key)
}

func (s *scaler) assignment() []int32 {
	out := make([]int32, s.n)
	for i, a := range s.needArc {
		out[i] = max(a, -1)
	}
	return out
}

// sinkHeap is an indexed binary max-heap over the sink's reverse arcs: offers
// [0, freeBase), collector free arcs, collector bonus arcs, then ungrouped needs.
type sinkHeap struct {
	freeBase, bonusBase, needBase int32
	heap                          []int32 // elements
	key                           []int64 // per element
	pos                           []int32 // per element: index in heap or -1
}

func (h *sinkHeap) init(size int) {
	h.key = make([]int64, size)
	h.pos = make([]int32, size)
	for i := range h.pos {
		h.pos[i] = -1
	}
	h.heap = make([]int32, 0, 1024)
}

func (h *sinkHeap) reset() {
	for _, e := range h.heap {
		h.pos[e] = -1
	}
	h.heap = h.heap[:0]
}

func (h *sinkHeap) top() (int32, int64) {
	if len(h.heap) == 0 {
		return -1, 0
	}
	return h.heap[0], h.key[h.heap[0]]
}

func (h *sinkHeap) set(e int32, present bool, key int64) {
	i := h.pos[e]
	switch {
	case !present && i < 0:
		return
	case !present:
		last := int32(len(h.heap) - 1)
		h.swap(i, last)
		h.heap = h.heap[:last]
		h.pos[e] = -1
		if i < last {
			h.fix(i)
		}
	case i < 0:
		h.key[e] = key
		h.pos[e] = int32(len(h.heap))
		h.heap = append(h.heap, e)
		h.up(int32(len(h.heap) - 1))
	default:
		if h.key[e] != key {
			h.key[e] = key
			h.fix(i)
		}
	}
}

func (h *sinkHeap) fix(i int32) {
	if !h.up(i) {
		h.down(i)
	}
}

func (h *sinkHeap) swap(i, j int32) {
	h.heap[i], h.heap[j] = h.heap[j], h.heap[i]
	h.pos[h.heap[i]] = i
	h.pos[h.heap[j]] = j
}

func (h *sinkHeap) up(i int32) bool {
	moved := false
	for i > 0 {
		parent := (i - 1) / 2
		if h.key[h.heap[parent]] >= h.key[h.heap[i]] {
			break
		}
		h.swap(i, parent)
		i = parent
		moved = true
	}
	return moved
}

func (h *sinkHeap) down(i int32) {
	n := int32(len(h.heap))
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		c := l
		if r := l + 1; r < n && h.key[h.heap[r]] > h.key[h.heap[l]] {
			c = r
		}
		if h.key[h.heap[i]] >= h.key[h.heap[c]] {
			return
		}
		h.swap(i, c)
		i = c
	}
}
