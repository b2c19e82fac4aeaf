package api

import (
	"encoding/json"
	"net/http"
	"net/url"

	"zhuxiang"
	"zhuxiang/match"
	"zhuxiang/store"
)

// offerJSON is an offer as signed-in callers receive it.
type offerJSON struct {
	ID          string   `json:"id"`
	OrgID       string   `json:"org_id"`
	Org         string   `json:"org"`
	Action      string   `json:"action"`
	ActionLabel string   `json:"action_label"`
	Kind        string   `json:"kind"`
	KindLabel   string   `json:"kind_label"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Capacity    int      `json:"capacity"`
	InUse       int      `json:"in_use"`
	Remaining   int      `json:"remaining"`
	AmountFen   int64    `json:"amount_fen"`
	Area        string   `json:"area"`
	AreaLabel   string   `json:"area_label"`
	Counties    []string `json:"counties"`
	ValidFrom   string   `json:"valid_from"`
	ValidTo     string   `json:"valid_to"`
	Status      string   `json:"status"`
	StatusLabel string   `json:"status_label"`
	// NextStatuses and Editable are the lifecycle's answers for this
	// caller, as for needs.
	NextStatuses []string `json:"next_statuses"`
	Editable     bool     `json:"editable"`
	Version      int      `json:"version"`
	CreatedAt    string   `json:"created_at"`
	UpdatedAt    string   `json:"updated_at"`
	UpdatedBy    string   `json:"updated_by"`
}

var offerStatuses = []zhuxiang.OfferStatus{zhuxiang.OfferOpen, zhuxiang.OfferPaused, zhuxiang.OfferClosed}

func toOfferJSON(a zhuxiang.Actor, o *zhuxiang.Offer) offerJSON {
	out := offerJSON{ID: o.ID, OrgID: o.OrgID, Org: o.Org, Action: string(o.Action), ActionLabel: o.Action.Label(), Kind: string(o.Kind),
		KindLabel: o.Kind.Label(), Title: o.Title, Description: o.Description, Capacity: o.Capacity, InUse: o.InUse, Remaining: o.Remaining(),
		AmountFen: o.AmountFen, Area: string(o.Area), AreaLabel: o.Area.Label(), Counties: nonNil(o.Counties), ValidFrom: o.ValidFrom,
		ValidTo: o.ValidTo, Status: string(o.Status), StatusLabel: o.Status.Label(), NextStatuses: []string{},
		Editable: zhuxiang.CanEditOffer(a, o) == nil, Version: o.Version, CreatedAt: rfc3339(o.CreatedAt), UpdatedAt: rfc3339(o.UpdatedAt),
		UpdatedBy: o.UpdatedBy}
	for _, st := range offerStatuses {
		if zhuxiang.CanSetOfferStatus(a, o, st) == nil {
			out.NextStatuses = append(out.NextStatuses, string(st))
		}
	}
	return out
}

func parseOfferStatus(v string) (zhuxiang.OfferStatus, bool) {
	for _, st := range offerStatuses {
		if v == string(st) {
			return st, true
		}
	}
	return "", false
}

func (s *server) listOffers(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	q := newQuery(r)
	f := store.OfferFilter{Org: q.str("org"), Action: q.action("action"), County: q.county("county"), Q: q.str("q"), Cursor: q.str("cursor")}
	if v := q.str("kind"); v != "" {
		k, ok := zhuxiang.ParseOfferKind(v)
		if !ok {
			q.fail("kind", "资源类型“%s”无效（可选：funds、goods、tech、training、sales、volunteers、expertise）", v)
		}
		f.Kind = k
	}
	if v := q.str("status"); v != "" {
		st, ok := parseOfferStatus(v)
		if !ok {
			q.fail("status", "资源状态“%s”无效（可选：open、paused、closed）", v)
		}
		f.Status = st
	}
	f.Limit = q.limit(50, 200)
	if q.err != nil {
		return q.err
	}
	page, err := s.st.ListOffers(r.Context(), a, f)
	if err != nil {
		return err
	}
	return writePage(w, page.Offers, page.Next, page.Total, func(o *zhuxiang.Offer) offerJSON { return toOfferJSON(a, o) })
}

func (s *server) getOffer(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	o, err := s.st.Offer(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toOfferJSON(a, o))
	return nil
}

// offerInput is the body of POST and PUT; read-only fields of an answer are
// accepted and ignored.
type offerInput struct {
	OrgID       string   `json:"org_id"` // the admin names the organization; an organization user's own is used
	Action      string   `json:"action"`
	Kind        string   `json:"kind"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Capacity    int      `json:"capacity"`
	AmountFen   int64    `json:"amount_fen"`
	Area        string   `json:"area"`
	Counties    []string `json:"counties"`
	ValidFrom   string   `json:"valid_from"`
	ValidTo     string   `json:"valid_to"`
	Version     *int     `json:"version"`

	ID           string          `json:"id"`
	Org          json.RawMessage `json:"org"`
	ActionLabel  json.RawMessage `json:"action_label"`
	KindLabel    json.RawMessage `json:"kind_label"`
	InUse        json.RawMessage `json:"in_use"`
	Remaining    json.RawMessage `json:"remaining"`
	AreaLabel    json.RawMessage `json:"area_label"`
	Status       json.RawMessage `json:"status"`
	StatusLabel  json.RawMessage `json:"status_label"`
	NextStatuses json.RawMessage `json:"next_statuses"`
	Editable     json.RawMessage `json:"editable"`
	CreatedAt    json.RawMessage `json:"created_at"`
	UpdatedAt    json.RawMessage `json:"updated_at"`
	UpdatedBy    json.RawMessage `json:"updated_by"`
}

func (in *offerInput) toOffer() *zhuxiang.Offer {
	o := &zhuxiang.Offer{OrgID: in.OrgID, Action: parseAction(in.Action), Kind: zhuxiang.OfferKind(in.Kind), Title: in.Title,
		Description: in.Description, Capacity: in.Capacity, AmountFen: in.AmountFen, Area: zhuxiang.Area(in.Area), Counties: in.Counties,
		ValidFrom: in.ValidFrom, ValidTo: in.ValidTo}
	// As with actions, the domain accepts the Chinese name but would store
	// it as given; codes are what other systems filter on.
	if k, ok := zhuxiang.ParseOfferKind(in.Kind); ok {
		o.Kind = k
	}
	return o
}

func (s *server) createOffer(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	var in offerInput
	if err := decode(r, &in); err != nil {
		return err
	}
	o := in.toOffer()
	id, err := s.st.CreateOffer(r.Context(), a, o)
	if err != nil {
		return err
	}
	if saved, err := s.st.Offer(r.Context(), a, id); err == nil {
		o = saved
	}
	created(w, "/offers/"+url.PathEscape(id), toOfferJSON(a, o))
	return nil
}

func (s *server) putOffer(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	var in offerInput
	if err := decode(r, &in); err != nil {
		return err
	}
	id, version, err := putTarget(r, in.ID, in.Version)
	if err != nil {
		return err
	}
	// Read first so that an offer the caller may not see is "not found",
	// as a GET would say, not a refusal that shows it exists.
	cur, err := s.st.Offer(r.Context(), a, id)
	if err != nil {
		return err
	}
	o := in.toOffer()
	o.ID, o.Version, o.OrgID = id, version, cur.OrgID
	if err := s.st.UpdateOffer(r.Context(), a, o); err != nil {
		return err
	}
	saved, err := s.st.Offer(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toOfferJSON(a, saved))
	return nil
}

type offerStatusInput struct {
	Status string `json:"status"`
}

func (s *server) setOfferStatus(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	var in offerStatusInput
	if err := decode(r, &in); err != nil {
		return err
	}
	to, ok := parseOfferStatus(in.Status)
	if !ok {
		return zhuxiang.Errorf(zhuxiang.EInvalid, "status", "status应为open、paused或closed")
	}
	id := r.PathValue("id")
	if _, err := s.st.Offer(r.Context(), a, id); err != nil {
		return err
	}
	if err := s.st.SetOfferStatus(r.Context(), a, id, to); err != nil {
		return err
	}
	o, err := s.st.Offer(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toOfferJSON(a, o))
	return nil
}

func (s *server) offerProposals(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	q := newQuery(r)
	limit := q.limit(10, maxProposals)
	if q.err != nil {
		return q.err
	}
	cs, err := s.st.ProposalsForOffer(r.Context(), a, r.PathValue("id"), limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, candidateList(cs))
	return nil
}

// candidateJSON is a proposed pair of a need and an offer with its score
// and the reasons the pages show beside it.
type candidateJSON struct {
	NeedID     string   `json:"need_id"`
	NeedTitle  string   `json:"need_title"`
	Place      string   `json:"place"`
	OfferID    string   `json:"offer_id"`
	OfferTitle string   `json:"offer_title"`
	OrgID      string   `json:"org_id"`
	Org        string   `json:"org"`
	Score      int      `json:"score"`
	Reasons    []string `json:"reasons"`
}

func candidateList(cs []match.Candidate) struct {
	Items []candidateJSON `json:"items"`
} {
	items := make([]candidateJSON, 0, len(cs))
	for _, c := range cs {
		items = append(items, candidateJSON{NeedID: c.NeedID, NeedTitle: c.NeedTitle, Place: c.Place, OfferID: c.OfferID, OfferTitle: c.OfferTitle,
			OrgID: c.OrgID, Org: c.Org, Score: c.Score, Reasons: nonNil(c.Reasons)})
	}
	return struct {
		Items []candidateJSON `json:"items"`
	}{items}
}
