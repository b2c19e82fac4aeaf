package flow

import (
	"errors"
	"fmt"
)

// MaxScore is the largest score an arc may carry. It keeps Bonus and every cost well inside int64
// even for tens of millions of needs.
const MaxScore = 1_000_000

// Problem is one plan instance: needs (unit demand) choose at most one candidate offer each;
// offers have capacities; needs may belong to a key-village group; the plan maximises first the
// number of groups with at least one matched need, then the total score of the matches.
type Problem struct {
	Needs    int     // needs are 0..Needs-1
	Offers   int     // offers are 0..Offers-1
	Capacity []int32 // len Offers: how many needs each offer can take (>=0)
	Group    []int32 // len Needs: key-village group of the need, or -1 when it is not in a key village
	Groups   int     // number of groups (group ids are 0..Groups-1)
	Start    []int32 // len Needs+1: candidates of need i are arcs Start[i]..Start[i+1]-1 (CSR)
	Offer    []int32 // per arc: the offer
	Score    []int32 // per arc: the score, 1..1_000_000 (only positive scores are candidates)
}

// Solution is an optimal plan for a Problem.
type Solution struct {
	Assign  []int32 // len Needs: the arc index chosen for need i, or -1 when unmatched
	Matched int     // needs matched
	Reached int     // groups with at least one matched need
	Score   int64   // total score of the chosen arcs
	Cost    int64   // the optimal cost of the DIMACS min-cost-flow problem that WriteDIMACS writes
}

// Validate reports the first structural defect of p: wrong lengths, ids out of range, a CSR that
// is not monotone, or a score outside 1..MaxScore. Solve and WriteDIMACS call it, so a caller
// only needs it to reject input early.
func (p *Problem) Validate() error {
	if p == nil {
		return errors.New("flow: nil problem")
	}
	if p.Needs < 0 || p.Offers < 0 || p.Groups < 0 {
		return fmt.Errorf("flow: negative size (needs %d, offers %d, groups %d)", p.Needs, p.Offers, p.Groups)
	}
	// Ids are int32 throughout the solver; the node count of the flow network must fit too.
	if int64(p.Needs)+int64(p.Offers)+int64(p.Groups)+1 > 1<<31-1 {
		return errors.New("flow: problem too large for int32 node ids")
	}
	if len(p.Capacity) != p.Offers {
		return fmt.Errorf("flow: len(Capacity) = %d, want Offers = %d", len(p.Capacity), p.Offers)
	}
	if len(p.Group) != p.Needs {
		return fmt.Errorf("flow: len(Group) = %d, want Needs = %d", len(p.Group), p.Needs)
	}
	if len(p.Start) != p.Needs+1 {
		return fmt.Errorf("flow: len(Start) = %d, want Needs+1 = %d", len(p.Start), p.Needs+1)
	}
	if len(p.Offer) != len(p.Score) {
		return fmt.Errorf("flow: len(Offer) = %d but len(Score) = %d", len(p.Offer), len(p.Score))
	}
	for j, c := range p.Capacity {
		if c < 0 {
			return fmt.Errorf("flow: offer %d has negative capacity %d", j, c)
		}
	}
	for i, g := range p.Group {
		if g < -1 || int(g) >= p.Groups {
			return fmt.Errorf("flow: need %d has group %d, want -1 or 0..%d", i, g, p.Groups-1)
		}
	}
	if p.Start[0] != 0 {
		return fmt.Errorf("flow: Start[0] = %d, want 0", p.Start[0])
	}
	for i := 0; i < p.Needs; i++ {
		if p.Start[i+1] < p.Start[i] {
			return fmt.Errorf("flow: Start is not monotone at need %d (%d > %d)", i, p.Start[i], p.Start[i+1])
		}
	}
	if int(p.Start[p.Needs]) != len(p.Offer) {
		return fmt.Errorf("flow: Start[Needs] = %d, want len(Offer) = %d", p.Start[p.Needs], len(p.Offer))
	}
	for a, j := range p.Offer {
		if j < 0 || int(j) >= p.Offers {
			return fmt.Errorf("flow: arc %d points to offer %d, want 0..%d", a, j, p.Offers-1)
		}
	}
	for a, s := range p.Score {
		if s < 1 || s > MaxScore {
			return fmt.Errorf("flow: arc %d has score %d, want 1..%d", a, s, MaxScore)
		}
	}
	return nil
}

// Bonus is the cost the DIMACS model charges for a group none of whose needs is matched. It
// exceeds the largest total score any plan can reach (the sum over needs of their best arc),
// so one more reached group always outweighs any loss of score: the single min-cost objective
// then orders plans exactly as the lexicographic one (coverage first, then score).
func (p *Problem) Bonus() int64 {
	var b int64 = 1
	for i := 0; i < p.Needs; i++ {
		var best int32
		for a := p.Start[i]; a < p.Start[i+1]; a++ {
			best = max(best, p.Score[a])
		}
		b += int64(best)
	}
	return b
}

// groupSizes counts the needs of each group; groups with no needs cannot be reached and carry
// no bonus arc in the model.
func (p *Problem) groupSizes() []int32 {
	size := make([]int32, p.Groups)
	for _, g := range p.Group {
		if g >= 0 {
			size[g]++
		}
	}
	return size
}

// Evaluate recomputes Matched, Reached, Score and Cost from an assignment, checking that every
// chosen arc belongs to its need and that no offer is over capacity. Tests use it to check Solve;
// callers can use it to price a plan edited by hand.
func (p *Problem) Evaluate(assign []int32) (*Solution, error) {
	if len(assign) != p.Needs {
		return nil, fmt.Errorf("flow: len(assign) = %d, want %d", len(assign), p.Needs)
	}
	load := make([]int32, p.Offers)
	reached := make([]bool, p.Groups)
	s := &Solution{Assign: assign}
	for i, a := range assign {
		if a == -1 {
			continue
		}
		if a < p.Start[i] || a >= p.Start[i+1] {
			return nil, fmt.Errorf("flow: need %d assigned arc %d outside its candidates", i, a)
		}
		j := p.Offer[a]
		load[j]++
		if load[j] > p.Capacity[j] {
			return nil, fmt.Errorf("flow: offer %d over capacity %d", j, p.Capacity[j])
		}
		s.Matched++
		s.Score += int64(p.Score[a])
		if g := p.Group[i]; g >= 0 && !reached[g] {
			reached[g] = true
			s.Reached++
		}
	}
	nonEmpty := 0
	for _, n := range p.groupSizes() {
		if n > 0 {
			nonEmpty++
		}
	}
	s.Cost = -s.Score + p.Bonus()*int64(nonEmpty-s.Reached)
	return s, nil
}

// groupMembers lists the needs of each group (CSR: the needs of group g are
// member[gStart[g]:gStart[g+1]]) and each grouped need's index in member;
// both solvers keep a group's members together this way.
func groupMembers(p *Problem) (gStart, member, gPos []int32) {
	g := int32(p.Groups)
	gStart = make([]int32, g+1)
	for _, gi := range p.Group {
		if gi >= 0 {
			gStart[gi+1]++
		}
	}
	for i := int32(0); i < g; i++ {
		gStart[i+1] += gStart[i]
	}
	member = make([]int32, gStart[g])
	gPos = make([]int32, p.Needs)
	fill := make([]int32, g)
	for i, gi := range p.Group {
		if gi >= 0 {
			k := gStart[gi] + fill[gi]
			fill[gi]++
			member[k] = int32(i)
			gPos[i] = k
		}
	}
	return gStart, member, gPos
}
