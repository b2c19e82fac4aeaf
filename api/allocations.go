package api

import (
	"net/http"
	"net/url"

	"zhuxiang"
	"zhuxiang/match"
	"zhuxiang/store"
)

// The API keeps /plans, the schema names Plan and PlanItem and their
// operation ids: they are the contract other systems were written against.

// allocationJSON is a saved allocation: its figures, and in a detail its items.
type allocationJSON struct {
	ID          string        `json:"id"`
	CreatedAt   string        `json:"created_at"`
	CreatedBy   string        `json:"created_by"`
	Needs       int           `json:"needs"`
	Offers      int           `json:"offers"`
	Arcs        int           `json:"arcs"`
	Matched     int           `json:"matched"`
	KeyVillages int           `json:"key_villages"`
	KeyReached  int           `json:"key_reached"`
	TotalScore  int64         `json:"total_score"`
	Cost        int64         `json:"cost"`
	Seconds     float64       `json:"seconds"`
	Weights     match.Weights `json:"weights"`
	// Items is absent from list items, which do not read them.
	Items *[]allocationItemJSON `json:"items,omitempty"`
}

type allocationItemJSON struct {
	NeedID      string   `json:"need_id"`
	NeedTitle   string   `json:"need_title"`
	Place       string   `json:"place"`
	Action      string   `json:"action"`
	ActionLabel string   `json:"action_label"`
	KeyVillage  bool     `json:"key_village"`
	OfferID     string   `json:"offer_id"`
	OfferTitle  string   `json:"offer_title"`
	Org         string   `json:"org"`
	Score       int      `json:"score"`
	Reasons     []string `json:"reasons"`
}

func toAllocationJSON(p *store.SavedAllocation, detail bool) allocationJSON {
	out := allocationJSON{ID: p.ID, CreatedAt: rfc3339(p.CreatedAt), CreatedBy: p.CreatedBy, Needs: p.Needs, Offers: p.Offers, Arcs: p.Arcs,
		Matched: p.Matched, KeyVillages: p.KeyVillages, KeyReached: p.KeyReached, TotalScore: p.TotalScore, Cost: p.Cost, Seconds: p.Seconds,
		Weights: p.Weights}
	if detail {
		items := make([]allocationItemJSON, 0, len(p.Items))
		for _, it := range p.Items {
			items = append(items, allocationItemJSON{NeedID: it.NeedID, NeedTitle: it.NeedTitle, Place: it.Place, Action: string(it.Action),
				ActionLabel: it.Action.Label(), KeyVillage: it.KeyVillage, OfferID: it.OfferID, OfferTitle: it.OfferTitle, Org: it.Org,
				Score: it.Score, Reasons: nonNil(it.Reasons)})
		}
		out.Items = &items
	}
	return out
}

// maxAllocations bounds an allocation list; the store lists at most 100 and turns more
// into its default, so one more than this must stay within it.
const maxAllocations = 50

func (s *server) listAllocations(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	q := newQuery(r)
	limit := q.limit(20, maxAllocations)
	if q.err != nil {
		return q.err
	}
	ps, err := s.st.Allocations(r.Context(), a, limit+1)
	if err != nil {
		return err
	}
	truncated := len(ps) > limit
	if truncated {
		ps = ps[:limit]
	}
	items := make([]allocationJSON, 0, len(ps))
	for _, p := range ps {
		items = append(items, toAllocationJSON(p, false))
	}
	writeJSON(w, http.StatusOK, shortList[allocationJSON]{items, truncated})
	return nil
}

func (s *server) getAllocation(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	p, err := s.st.Allocation(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAllocationJSON(p, true))
	return nil
}

// runAllocation computes and saves an allocation on the current data. The body is
// empty (or {}): an allocation takes no parameters beyond the saved weights.
func (s *server) runAllocation(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	var in struct{}
	if err := decodeOptional(r, &in); err != nil {
		return err
	}
	p, _, err := s.st.Allocate(r.Context(), a)
	if err != nil {
		return err
	}
	created(w, "/plans/"+url.PathEscape(p.ID), toAllocationJSON(p, true))
	return nil
}
