package match

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"time"

	"zhuxiang"
	"zhuxiang/match/flow"
)

// Assignment is one pair of the allocation.
type Assignment struct {
	Candidate
	KeyVillage string // the key village this pair reaches, if any
}

// Unmatched is a need the allocation leaves without an offer, and why.
type Unmatched struct {
	NeedID string
	Reason string
}

// Result is a computed allocation (分配方案): the optimiser's output, not the
// prefecture's plan (方案), which is the programme the platform serves.
type Result struct {
	Assignments []Assignment // in need order
	Unmatched   []Unmatched
	Needs       int   // open needs considered
	Offers      int   // offers with capacity left
	Arcs        int   // candidate pairs
	Matched     int   // needs given an offer
	KeyVillages int   // key villages with open needs and not yet paired
	KeyReached  int   // of those, reached by the allocation
	TotalScore  int64 // sum of the assigned pairs' scores
	Cost        int64 // the optimal cost of the min-cost-flow problem (see flow.Problem.WriteDIMACS)
	Seconds     float64

	problem *flow.Problem
}

// WriteDIMACS writes the allocation's min-cost-flow problem, whose optimal cost
// is r.Cost, for checking with an independent solver such as LEMON.
func (r *Result) WriteDIMACS(w io.Writer) error { return r.problem.WriteDIMACS(w) }

// Allocate assigns offers to open needs within every offer's remaining
// capacity so that first the number of key villages reached is as large as
// possible, then the total score: an exact optimum (min-cost flow), the same
// for the same data whatever order it came in.
func Allocate(in *Input) (*Result, error) { return AllocateProgress(in, nil) }

// AllocateProgress is Allocate telling p how far it has come: the scoring,
// need by need, then the solver as one step.
func AllocateProgress(in *Input, progress zhuxiang.Progress) (*Result, error) {
	needs := slices.Clone(in.Needs)
	slices.SortFunc(needs, func(a, b *zhuxiang.Need) int { return cmp.Compare(a.ID, b.ID) })
	var offers []*zhuxiang.Offer
	for _, o := range in.Offers {
		if o.Status == zhuxiang.OfferOpen && o.Remaining() > 0 {
			offers = append(offers, o)
		}
	}
	slices.SortFunc(offers, func(a, b *zhuxiang.Offer) int { return cmp.Compare(a.ID, b.ID) })

	progress.Tick(zhuxiang.StepScore, 0, len(needs))
	p := &flow.Problem{Needs: len(needs), Offers: len(offers), Capacity: make([]int32, len(offers)),
		Group: make([]int32, len(needs)), Start: make([]int32, 1, len(needs)+1)}
	for j, o := range offers {
		p.Capacity[j] = int32(o.Remaining())
	}
	groups := map[string]int32{}
	var groupCode []string
	type arc struct {
		offer int32
		c     Candidate
	}
	var arcs [][]arc // per need, for reasons
	reasons := make([]string, len(needs))
	for i, n := range needs {
		p.Group[i] = -1
		if n.IsKeyVillage() && !in.Reached[n.VillageCode] {
			g, ok := groups[n.VillageCode]
			if !ok {
				g = int32(len(groupCode))
				groups[n.VillageCode] = g
				groupCode = append(groupCode, n.VillageCode)
			}
			p.Group[i] = g
		}
		var list []arc
		var sameAction, inArea, flagged int
		for j, o := range offers {
			ex := in.Eligible(n, o)
			if ex != ExclAction {
				sameAction++
			}
			if ex != ExclAction && ex != ExclArea {
				inArea++
			}
			if ex == ExclFlagged {
				flagged++
			}
			if ex == "" {
				list = append(list, arc{int32(j), in.candidate(n, o)})
			}
		}
		slices.SortFunc(list, func(a, b arc) int { return byScore(a.c, b.c) })
		if in.Candidates > 0 && len(list) > in.Candidates {
			list = list[:in.Candidates]
		}
		switch {
		case sameAction == 0:
			reasons[i] = fmt.Sprintf("暂无“%s”行动的可用资源", n.Action.Short())
		case inArea == 0:
			reasons[i] = "没有服务本县市的资源"
		case len(list) == 0 && flagged == inArea:
			reasons[i] = "服务本县市的资源所属组织均在活动异常或失信名单中"
		case len(list) == 0:
			reasons[i] = "服务本县市的资源均已暂停、过期或满额"
		default:
			reasons[i] = fmt.Sprintf("%d 个候选资源的名额都已分给覆盖更多重点村或得分更高的需求", len(list))
		}
		arcs = append(arcs, list)
		for _, a := range list {
			p.Offer = append(p.Offer, a.offer)
			p.Score = append(p.Score, int32(a.c.Score))
		}
		p.Start = append(p.Start, int32(len(p.Offer)))
		progress.Tick(zhuxiang.StepScore, i+1, len(needs))
	}
	p.Groups = len(groupCode)

	progress.Tick(zhuxiang.StepSolve, 0, 1)
	start := time.Now()
	sol, err := flow.Solve(p)
	if err != nil {
		return nil, err
	}
	progress.Tick(zhuxiang.StepSolve, 1, 1)
	r := &Result{Needs: len(needs), Offers: len(offers), Arcs: len(p.Offer), Matched: sol.Matched,
		KeyVillages: p.Groups, KeyReached: sol.Reached, TotalScore: sol.Score, Cost: sol.Cost,
		Seconds: time.Since(start).Seconds(), problem: p}
	for i, n := range needs {
		a := sol.Assign[i]
		if a < 0 {
			r.Unmatched = append(r.Unmatched, Unmatched{NeedID: n.ID, Reason: reasons[i]})
			continue
		}
		c := arcs[i][a-p.Start[i]].c
		as := Assignment{Candidate: c}
		if p.Group[i] >= 0 {
			as.KeyVillage = n.VillageCode
		}
		r.Assignments = append(r.Assignments, as)
	}
	return r, nil
}
