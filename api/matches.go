package api

import (
	"net/http"
	"net/url"

	"zhuxiang"
	"zhuxiang/store"
)

// matchJSON is an interest between a need and an offer and its answers.
type matchJSON struct {
	ID          string   `json:"id"`
	NeedID      string   `json:"need_id"`
	NeedTitle   string   `json:"need_title"`
	OfferID     string   `json:"offer_id"`
	OfferTitle  string   `json:"offer_title"`
	OrgID       string   `json:"org_id"`
	Org         string   `json:"org"`
	CountyCode  string   `json:"county_code"`
	VillageCode string   `json:"village_code"`
	Place       string   `json:"place"`
	Initiator   string   `json:"initiator"`
	Status      string   `json:"status"`
	StatusLabel string   `json:"status_label"`
	Score       int      `json:"score"`
	Reasons     []string `json:"reasons"`
	Note        string   `json:"note"`
	Reason      string   `json:"reason"`
	PairingID   string   `json:"pairing_id"`
	Actions     []string `json:"actions"`
	Version     int      `json:"version"`
	CreatedAt   string   `json:"created_at"`
	CreatedBy   string   `json:"created_by"`
	UpdatedAt   string   `json:"updated_at"`
	UpdatedBy   string   `json:"updated_by"`
}

func toMatchJSON(a zhuxiang.Actor, m *zhuxiang.Match) matchJSON {
	out := matchJSON{ID: m.ID, NeedID: m.NeedID, NeedTitle: m.NeedTitle, OfferID: m.OfferID, OfferTitle: m.OfferTitle, OrgID: m.OrgID, Org: m.Org,
		CountyCode: m.CountyCode, VillageCode: m.VillageCode, Place: m.Place, Initiator: string(m.Initiator), Status: string(m.Status),
		StatusLabel: m.Status.Label(), Score: m.Score, Reasons: nonNil(m.Reasons), Note: m.Note, Reason: m.Reason, PairingID: m.PairingID,
		Actions: []string{}, Version: m.Version, CreatedAt: rfc3339(m.CreatedAt), CreatedBy: m.CreatedBy, UpdatedAt: rfc3339(m.UpdatedAt),
		UpdatedBy: m.UpdatedBy}
	for _, t := range zhuxiang.MatchActions(a, m) {
		out.Actions = append(out.Actions, t.Name)
	}
	return out
}

var matchStatuses = []zhuxiang.MatchStatus{zhuxiang.MatchPending, zhuxiang.MatchAccepted, zhuxiang.MatchConfirmed, zhuxiang.MatchDeclined,
	zhuxiang.MatchWithdrawn, zhuxiang.MatchLapsed}

// maxMatches bounds one match list; the store lists at most 500 and turns
// more into its default, so one more than this must stay within it.
const maxMatches = 200

func (s *server) listMatches(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	q := newQuery(r)
	f := store.MatchFilter{NeedID: q.str("need_id"), OfferID: q.str("offer_id"), County: q.county("county"), Live: q.boolean("live"),
		Waiting: q.boolean("waiting"), Lapsing: q.boolean("lapsing")}
	if v := q.str("status"); v != "" {
		f.Status = zhuxiang.MatchStatus(v)
		known := false
		for _, st := range matchStatuses {
			known = known || st == f.Status
		}
		if !known {
			q.fail("status", "对接状态“%s”无效（可选：pending、accepted、confirmed、declined、withdrawn、lapsed）", v)
		}
	}
	limit := q.limit(100, maxMatches)
	if q.err != nil {
		return q.err
	}
	// One more than asked tells whether the list was cut without a count.
	f.Limit = limit + 1
	ms, err := s.st.ListMatches(r.Context(), a, f)
	if err != nil {
		return err
	}
	truncated := len(ms) > limit
	if truncated {
		ms = ms[:limit]
	}
	items := make([]matchJSON, 0, len(ms))
	for _, m := range ms {
		items = append(items, toMatchJSON(a, m))
	}
	writeJSON(w, http.StatusOK, shortList[matchJSON]{items, truncated})
	return nil
}

func (s *server) getMatch(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	m, err := s.st.Match(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toMatchJSON(a, m))
	return nil
}

type matchInput struct {
	NeedID  string `json:"need_id"`
	OfferID string `json:"offer_id"`
	Note    string `json:"note"`
}

func (s *server) createMatch(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	var in matchInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.NeedID == "" {
		return zhuxiang.Errorf(zhuxiang.EInvalid, "need_id", "请指定需求（need_id）")
	}
	if in.OfferID == "" {
		return zhuxiang.Errorf(zhuxiang.EInvalid, "offer_id", "请指定资源（offer_id）")
	}
	id, err := s.st.ExpressInterest(r.Context(), a, in.NeedID, in.OfferID, in.Note)
	if err != nil {
		return err
	}
	// The interest is recorded; a failed read-back must not answer an
	// error that invites a second one, so it falls back to what is known.
	m := &zhuxiang.Match{ID: id, NeedID: in.NeedID, OfferID: in.OfferID, Status: zhuxiang.MatchPending, Note: in.Note, Version: 1}
	if saved, err := s.st.Match(r.Context(), a, id); err == nil {
		m = saved
	}
	created(w, "/matches/"+url.PathEscape(id), toMatchJSON(a, m))
	return nil
}

type matchTransitionInput struct {
	Reason string `json:"reason"`
}

func (s *server) transitionMatch(name string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
		var in matchTransitionInput
		if err := decodeOptional(r, &in); err != nil {
			return err
		}
		id := r.PathValue("id")
		if err := s.st.TransitionMatch(r.Context(), a, id, name, in.Reason); err != nil {
			return err
		}
		m, err := s.st.Match(r.Context(), a, id)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, toMatchJSON(a, m))
		return nil
	}
}
