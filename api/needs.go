package api

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"

	"zhuxiang"
	"zhuxiang/store"
)

// needJSON is a need as a signed-in caller receives it: what anyone may
// see, plus contact, review and lifecycle fields. Contact, phone and the
// review fields come from the store already emptied when the need lies
// outside the caller's scope; the API adds nothing back.
type needJSON struct {
	publicNeedJSON
	Contact string `json:"contact"`
	Phone   string `json:"phone"`
	Reason  string `json:"reason"`
	// Actions and Editable answer the questions the pages ask before
	// showing a button, so a client need not re-implement the lifecycle.
	Actions    []string `json:"actions"`
	Editable   bool     `json:"editable"`
	Version    int      `json:"version"`
	CreatedBy  string   `json:"created_by"`
	UpdatedBy  string   `json:"updated_by"`
	ReviewedAt string   `json:"reviewed_at"`
	ReviewedBy string   `json:"reviewed_by"`
}

func toNeedJSON(a zhuxiang.Actor, n *zhuxiang.Need, detail bool) needJSON {
	out := needJSON{publicNeedJSON: toPublicNeedJSON(n, detail), Contact: n.Contact, Phone: n.Phone, Reason: n.Reason, Actions: []string{},
		Editable: zhuxiang.CanEditNeed(a, n) == nil, Version: n.Version, CreatedBy: n.CreatedBy, UpdatedBy: n.UpdatedBy,
		ReviewedAt: rfc3339(n.ReviewedAt), ReviewedBy: n.ReviewedBy}
	for _, t := range zhuxiang.NeedActions(a, n) {
		out.Actions = append(out.Actions, t.Name)
	}
	return out
}

// publicNeedJSON is a need as anyone may see it. The public answer is this
// type alone, not needJSON with fields blanked, so that contact details and
// review notes cannot reach an anonymous caller by a later change
// forgetting to blank them: the fields do not exist here.
type publicNeedJSON struct {
	ID           string   `json:"id"`
	CountyCode   string   `json:"county_code"`
	VillageCode  string   `json:"village_code"`
	County       string   `json:"county"`
	Village      string   `json:"village"`
	VillageTags  []string `json:"village_tags"`
	Action       string   `json:"action"`
	ActionLabel  string   `json:"action_label"`
	Category     string   `json:"category"`
	Title        string   `json:"title"`
	Description  string   `json:"description"`
	Quantity     int64    `json:"quantity"`
	Unit         string   `json:"unit"`
	BudgetFen    int64    `json:"budget_fen"`
	People       int      `json:"people"`
	PeopleKinds  []string `json:"people_kinds"`
	Urgency      int      `json:"urgency"`
	UrgencyLabel string   `json:"urgency_label"`
	WantedBy     string   `json:"wanted_by"`
	Status       string   `json:"status"`
	StatusLabel  string   `json:"status_label"`
	// MatchedOrgs is absent from list items, which do not read pairings; an
	// empty array there would wrongly say "none".
	MatchedOrgs *[]string `json:"matched_orgs,omitempty"`
	CreatedAt   string    `json:"created_at"`
	UpdatedAt   string    `json:"updated_at"`
}

func toPublicNeedJSON(n *zhuxiang.Need, detail bool) publicNeedJSON {
	out := publicNeedJSON{ID: n.ID, CountyCode: n.CountyCode, VillageCode: n.VillageCode, County: n.County, Village: n.Village, VillageTags: []string{},
		Action: string(n.Action), ActionLabel: n.Action.Label(), Category: n.Category, Title: n.Title, Description: n.Description,
		Quantity: n.Quantity, Unit: n.Unit, BudgetFen: n.BudgetFen, People: n.People, PeopleKinds: nonNil(n.PeopleKinds),
		Urgency: n.Urgency, UrgencyLabel: zhuxiang.UrgencyLabel(n.Urgency), WantedBy: n.WantedBy,
		Status: string(n.Status), StatusLabel: n.Status.Label(), CreatedAt: rfc3339(n.CreatedAt), UpdatedAt: rfc3339(n.UpdatedAt)}
	for _, t := range n.VillageTags {
		out.VillageTags = append(out.VillageTags, string(t))
	}
	if detail {
		m := nonNil(n.MatchedOrgs)
		out.MatchedOrgs = &m
	}
	return out
}

// nonNil makes a nil slice an empty one, so that JSON says [] and not null
// for "none".
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// needFilter reads the filters the needs hall and the API share.
func needFilter(q *query) store.NeedFilter {
	f := store.NeedFilter{County: q.county("county"), Village: q.str("village"), Action: q.action("action"), Q: q.str("q"), Cursor: q.str("cursor")}
	f.Tag = q.villageTag("tag")
	if v := q.str("status"); v != "" {
		st := zhuxiang.NeedStatus(v)
		if !slices.Contains(zhuxiang.NeedStatuses, st) {
			q.fail("status", "需求状态“%s”无效（可选：draft、submitted、rejected、open、matched、done、closed）", v)
		}
		f.Status = st
	}
	// The store quietly turns a limit over 200 into 50; an API client
	// deserves to be told instead.
	f.Limit = q.limit(50, 200)
	return f
}

func (s *server) listNeeds(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	q := newQuery(r)
	f := needFilter(q)
	f.Mine = q.boolean("mine")
	if q.err != nil {
		return q.err
	}
	page, err := s.st.ListNeeds(r.Context(), a, f)
	if err != nil {
		return err
	}
	return writePage(w, page.Needs, page.Next, page.Total, func(n *zhuxiang.Need) needJSON { return toNeedJSON(a, n, false) })
}

func (s *server) getNeed(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	n, err := s.st.Need(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toNeedJSON(a, n, true))
	return nil
}

// needInput is the body of POST and PUT. As with organizations, the
// read-only fields of an answer are accepted and ignored, so that a GET
// answer can be changed and sent back; anything else unknown is refused.
type needInput struct {
	CountyCode  string   `json:"county_code"`
	VillageCode string   `json:"village_code"`
	Action      string   `json:"action"`
	Category    string   `json:"category"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Quantity    int64    `json:"quantity"`
	Unit        string   `json:"unit"`
	BudgetFen   int64    `json:"budget_fen"`
	People      int      `json:"people"`
	PeopleKinds []string `json:"people_kinds"`
	Urgency     int      `json:"urgency"`
	WantedBy    string   `json:"wanted_by"`
	Contact     string   `json:"contact"`
	Phone       string   `json:"phone"`
	Status      string   `json:"status"` // on POST: draft (default) or submitted; ignored on PUT
	Version     *int     `json:"version"`

	ID           string          `json:"id"`
	County       json.RawMessage `json:"county"`
	Village      json.RawMessage `json:"village"`
	VillageTags  json.RawMessage `json:"village_tags"`
	ActionLabel  json.RawMessage `json:"action_label"`
	UrgencyLabel json.RawMessage `json:"urgency_label"`
	StatusLabel  json.RawMessage `json:"status_label"`
	Reason       json.RawMessage `json:"reason"`
	MatchedOrgs  json.RawMessage `json:"matched_orgs"`
	Actions      json.RawMessage `json:"actions"`
	Editable     json.RawMessage `json:"editable"`
	CreatedAt    json.RawMessage `json:"created_at"`
	CreatedBy    json.RawMessage `json:"created_by"`
	UpdatedAt    json.RawMessage `json:"updated_at"`
	UpdatedBy    json.RawMessage `json:"updated_by"`
	ReviewedAt   json.RawMessage `json:"reviewed_at"`
	ReviewedBy   json.RawMessage `json:"reviewed_by"`
}

func (in *needInput) toNeed() *zhuxiang.Need {
	return &zhuxiang.Need{CountyCode: in.CountyCode, VillageCode: in.VillageCode, Action: parseAction(in.Action), Category: in.Category,
		Title: in.Title, Description: in.Description, Quantity: in.Quantity, Unit: in.Unit, BudgetFen: in.BudgetFen, People: in.People,
		PeopleKinds: in.PeopleKinds, Urgency: in.Urgency, WantedBy: in.WantedBy, Contact: in.Contact, Phone: in.Phone}
}

func (s *server) createNeed(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	// Whether the caller may publish needs at all is answered before the
	// body is checked: a department's system should learn that it is
	// refused, not be walked through fixing fields first.
	if err := zhuxiang.CanCreateNeeds(a); err != nil {
		return err
	}
	var in needInput
	if err := decode(r, &in); err != nil {
		return err
	}
	n := in.toNeed()
	// A village or county user publishes for its own place unless it says
	// otherwise, as on the page.
	if n.CountyCode == "" && n.VillageCode == "" {
		n.CountyCode, n.VillageCode = zhuxiang.HomePlace(a)
	}
	switch zhuxiang.NeedStatus(in.Status) {
	case "", zhuxiang.NeedDraft:
	case zhuxiang.NeedSubmitted:
		n.Status = zhuxiang.NeedSubmitted
	default:
		return zhuxiang.Errorf(zhuxiang.EInvalid, "status", "新需求的状态只能是draft（草稿）或submitted（提交审核）")
	}
	id, err := s.st.CreateNeed(r.Context(), a, n)
	if err != nil {
		return err
	}
	// The need exists now; a failed read-back must not invite the client to
	// create it again.
	if saved, err := s.st.Need(r.Context(), a, id); err == nil {
		n = saved
	}
	created(w, "/needs/"+url.PathEscape(id), toNeedJSON(a, n, true))
	return nil
}

func (s *server) putNeed(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	var in needInput
	if err := decode(r, &in); err != nil {
		return err
	}
	id, version, err := putTarget(r, in.ID, in.Version)
	if err != nil {
		return err
	}
	// Reading first makes a need the caller may not see answer 404, as a
	// GET would, rather than a refusal that betrays that it exists.
	cur, err := s.st.Need(r.Context(), a, id)
	if err != nil {
		return err
	}
	n := in.toNeed()
	// The place of a need does not move (the store keeps it); the body's
	// place is therefore not an error, only not applied.
	n.ID, n.Version, n.CountyCode, n.VillageCode = id, version, cur.CountyCode, cur.VillageCode
	if err := s.st.UpdateNeed(r.Context(), a, n); err != nil {
		return err
	}
	saved, err := s.st.Need(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toNeedJSON(a, saved, true))
	return nil
}

// transitionInput is the body of a lifecycle step; both fields are
// optional. Without a version the step still refuses a need that is no
// longer in a state it leaves.
type transitionInput struct {
	Reason  string `json:"reason"`
	Version int    `json:"version"`
}

// readStep reads a lifecycle step's optional body (needs', projects').
func readStep(r *http.Request) (transitionInput, error) {
	var in transitionInput
	if err := decodeOptional(r, &in); err != nil {
		return in, err
	}
	if in.Version < 0 {
		return in, zhuxiang.Errorf(zhuxiang.EInvalid, "version", "version应为正整数")
	}
	return in, nil
}

func (s *server) transitionNeed(name string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
		in, err := readStep(r)
		if err != nil {
			return err
		}
		id := r.PathValue("id")
		if err := s.st.TransitionNeed(r.Context(), a, id, name, in.Reason, in.Version); err != nil {
			return err
		}
		n, err := s.st.Need(r.Context(), a, id)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, toNeedJSON(a, n, true))
		return nil
	}
}

// maxProposals bounds a proposal list: people read the first few, and
// each costs a score over every offer.
const maxProposals = 50

func (s *server) needProposals(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	q := newQuery(r)
	limit := q.limit(10, maxProposals)
	if q.err != nil {
		return q.err
	}
	cs, err := s.st.ProposalsForNeed(r.Context(), a, r.PathValue("id"), limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, candidateList(cs))
	return nil
}

// publicActor is who the public endpoints act as: nobody. Credentials sent
// along are ignored, so that an answer here never holds more than an
// anonymous visitor may see, whoever asks.
var publicActor = zhuxiang.Actor{}

func (s *server) listPublicNeeds(w http.ResponseWriter, r *http.Request, _ zhuxiang.Actor) error {
	q := newQuery(r)
	f := needFilter(q)
	if f.Status != "" && !f.Status.Public() {
		q.fail("status", "公开的需求状态只有open、matched、done")
	}
	if q.err != nil {
		return q.err
	}
	page, err := s.st.ListNeeds(r.Context(), publicActor, f)
	if err != nil {
		return err
	}
	items := make([]publicNeedJSON, 0, len(page.Needs))
	for _, n := range page.Needs {
		// The store already returns only public needs to nobody; checking
		// again costs nothing and holds if that ever changes.
		if n.Status.Public() {
			items = append(items, toPublicNeedJSON(n, false))
		}
	}
	writeJSON(w, http.StatusOK, list[publicNeedJSON]{items, page.Next, page.Total, page.Total >= store.CountCap})
	return nil
}

func (s *server) getPublicNeed(w http.ResponseWriter, r *http.Request, _ zhuxiang.Actor) error {
	n, err := s.st.Need(r.Context(), publicActor, r.PathValue("id"))
	if err != nil {
		return err
	}
	if !n.Status.Public() {
		return zhuxiang.Errorf(zhuxiang.ENotFound, "", "需求不存在或无权查看")
	}
	writeJSON(w, http.StatusOK, toPublicNeedJSON(n, true))
	return nil
}
