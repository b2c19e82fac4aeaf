package flow

// Synthetic builds a reproducible random instance shaped like a province's plan. Offers are laid
// out county by county (about 50 per county) and needs follow the same order. A need's
// candidates are distinct offers: 80% from its own and the neighbouring counties (scores
// 300–1000), 18% from the surrounding region of about 21 counties and 2% from anywhere in the
// province (scores 1–600 for both). Capacities are 1–5, and about 30% of the needs sit in key
// villages of 2–5 consecutive needs. Candidates are sorted by offer id, as a region-sorted query
// would return them. The same arguments give the same Problem on every platform and Go release:
// the generator is a local splitmix64, not math/rand. Building it is cheap next to solving it.
func Synthetic(needs, offers, candidates int, seed int64) *Problem {
	needs, offers, candidates = max(needs, 0), max(offers, 0), max(candidates, 0)
	if offers == 0 {
		candidates = 0
	}
	candidates = min(candidates, offers)
	r := splitmix(uint64(seed)*0x9E3779B97F4A7C15 + 0x2545F4914F6CDD1D)
	p := &Problem{
		Needs:    needs,
		Offers:   offers,
		Capacity: make([]int32, offers),
		Group:    make([]int32, needs),
		Start:    make([]int32, needs+1),
		Offer:    make([]int32, 0, needs*candidates),
		Score:    make([]int32, 0, needs*candidates),
	}
	for j := range p.Capacity {
		p.Capacity[j] = int32(1 + r.intn(5))
	}

	// Key villages: runs of 2–5 consecutive needs (3.5 on average). Starting a run at an
	// ungrouped position with probability q puts 3.5q/(1+2.5q) of the needs in groups: 30% for
	// q = 0.109.
	for i := 0; i < needs; {
		if r.intn(1000) < 109 {
			size := min(2+r.intn(4), needs-i)
			for k := 0; k < size; k++ {
				p.Group[i+k] = int32(p.Groups)
			}
			p.Groups++
			i += size
			continue
		}
		p.Group[i] = -1
		i++
	}

	// Local window: the need's county and its neighbours, three counties of 50 offers; the
	// regional window is 21 counties around it.
	window := min(offers, max(150, 2*candidates))
	regional := min(offers, max(1050, 2*candidates))
	mark := make([]int32, offers) // mark[j] == i+1 when need i already has offer j
	for i := 0; i < needs; i++ {
		home := int((int64(i)*int64(offers))/int64(max(needs, 1))) - window/2
		home = max(0, min(home, offers-window))
		for c := 0; c < candidates; {
			var j int
			x := r.intn(100)
			local := x < 80
			if local {
				j = home + r.intn(window)
			} else if x < 98 {
				c := home + window/2
				lo := max(0, min(c-regional/2, offers-regional))
				j = lo + r.intn(regional)
			} else {
				j = r.intn(offers)
			}
			if mark[j] == int32(i+1) {
				continue
			}
			mark[j] = int32(i + 1)
			var score int
			if local {
				score = 300 + r.intn(701)
			} else {
				score = 1 + r.intn(600)
			}
			// insertion into the need's sorted run of candidates
			at := len(p.Offer)
			p.Offer = append(p.Offer, int32(j))
			p.Score = append(p.Score, int32(score))
			for at > int(p.Start[i]) && p.Offer[at-1] > int32(j) {
				p.Offer[at], p.Score[at] = p.Offer[at-1], p.Score[at-1]
				at--
			}
			p.Offer[at], p.Score[at] = int32(j), int32(score)
			c++
		}
		p.Start[i+1] = int32(len(p.Offer))
	}
	return p
}

// splitmix is the splitmix64 generator: tiny, fast and fixed forever, so instances are
// reproducible from their seed.
type splitmix uint64

func (s *splitmix) next() uint64 {
	*s += 0x9E3779B97F4A7C15
	z := uint64(*s)
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// intn returns a value in 0..n-1 (n > 0); the modulo bias is irrelevant for test data.
func (s *splitmix) intn(n int) int {
	return int(s.next() % uint64(n))
}
