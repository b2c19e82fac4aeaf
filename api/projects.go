package api

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"zhuxiang"
	"zhuxiang/store"
)

// projectPartyJSON is an organization taking part in a project. The names
// and labels are answers; in a body they are accepted and ignored, so that
// a GET answer can be changed and sent back.
type projectPartyJSON struct {
	OrgID     string `json:"org_id"`
	Org       string `json:"org"`
	Role      string `json:"role"`
	RoleLabel string `json:"role_label"`
	AmountFen int64  `json:"amount_fen"`
}

// projectBudgetJSON is the budget from one source.
type projectBudgetJSON struct {
	Source      string `json:"source"`
	SourceLabel string `json:"source_label"`
	OriginalFen int64  `json:"original_fen"`
	RevisedFen  int64  `json:"revised_fen"`
}

// projectPeopleJSON is the people of one category, target and reached.
type projectPeopleJSON struct {
	Category string `json:"category"`
	Target   int    `json:"target"`
	Reached  int    `json:"reached"`
}

// projectSpendingJSON is one spending entry; as a body (POST
// /projects/{id}/spending) only date, source, amount_fen and note count.
type projectSpendingJSON struct {
	ID          string `json:"id"`
	Date        string `json:"date"`
	Source      string `json:"source"`
	SourceLabel string `json:"source_label"`
	AmountFen   int64  `json:"amount_fen"`
	Note        string `json:"note"`
	CreatedAt   string `json:"created_at"`
	CreatedBy   string `json:"created_by"`
}

// projectJSON is a project as a signed-in caller in its scope receives it.
type projectJSON struct {
	ID           string                 `json:"id"`
	Name         string                 `json:"name"`
	Description  string                 `json:"description"`
	Action       string                 `json:"action"`
	ActionLabel  string                 `json:"action_label"`
	CountyCode   string                 `json:"county_code"`
	County       string                 `json:"county"`
	Villages     []string               `json:"villages"`
	VillageNames []string               `json:"village_names"`
	Parties      []projectPartyJSON     `json:"parties"`
	PairingID    string                 `json:"pairing_id"`
	NeedIDs      []string               `json:"need_ids"`
	Key          bool                   `json:"key"`
	Budget       []projectBudgetJSON    `json:"budget"`
	BudgetFen    int64                  `json:"budget_fen"`
	Spending     *[]projectSpendingJSON `json:"spending,omitempty"`
	SpentFen     *int64                 `json:"spent_fen,omitempty"`
	People       []projectPeopleJSON    `json:"people"`
	StartDate    string                 `json:"start_date"`
	EndDate      string                 `json:"end_date"`
	Status       string                 `json:"status"`
	StatusLabel  string                 `json:"status_label"`
	Reason       string                 `json:"reason"`
	Actions      []string               `json:"actions"`
	Editable     bool                   `json:"editable"`
	Version      int                    `json:"version"`
	CreatedAt    string                 `json:"created_at"`
	CreatedBy    string                 `json:"created_by"`
	UpdatedAt    string                 `json:"updated_at"`
	UpdatedBy    string                 `json:"updated_by"`
}

// toProjectJSON answers p; detail adds the spending entries, which lists
// do not read (an empty array there would wrongly say "none").
func toProjectJSON(a zhuxiang.Actor, p *zhuxiang.Project, detail bool) projectJSON {
	out := projectJSON{ID: p.ID, Name: p.Name, Description: p.Description, Action: string(p.Action), ActionLabel: p.Action.Label(),
		CountyCode: p.CountyCode, County: p.County, Villages: nonNil(p.Villages), VillageNames: nonNil(p.VillageNames),
		Parties: []projectPartyJSON{}, PairingID: p.PairingID, NeedIDs: nonNil(p.NeedIDs), Key: p.Key, Budget: []projectBudgetJSON{},
		BudgetFen: p.BudgetFen(), People: []projectPeopleJSON{}, StartDate: p.StartDate, EndDate: p.EndDate,
		Status: string(p.Status), StatusLabel: p.Status.Label(), Reason: p.Reason, Actions: []string{},
		Editable: zhuxiang.CanEditProject(a, p) == nil, Version: p.Version,
		CreatedAt: rfc3339(p.CreatedAt), CreatedBy: p.CreatedBy, UpdatedAt: rfc3339(p.UpdatedAt), UpdatedBy: p.UpdatedBy}
	for _, pt := range p.Parties {
		out.Parties = append(out.Parties, projectPartyJSON{OrgID: pt.OrgID, Org: pt.Org, Role: string(pt.Role), RoleLabel: pt.Role.Label(), AmountFen: pt.AmountFen})
	}
	for _, b := range p.Budget {
		out.Budget = append(out.Budget, projectBudgetJSON{Source: string(b.Source), SourceLabel: b.Source.Label(), OriginalFen: b.OriginalFen, RevisedFen: b.RevisedFen})
	}
	for _, pp := range p.People {
		out.People = append(out.People, projectPeopleJSON(pp))
	}
	for _, t := range zhuxiang.ProjectActions(a, p) {
		out.Actions = append(out.Actions, t.Name)
	}
	if detail {
		sp := []projectSpendingJSON{}
		for _, e := range p.Spending {
			sp = append(sp, projectSpendingJSON{ID: e.ID, Date: e.Date, Source: string(e.Source), SourceLabel: e.Source.Label(),
				AmountFen: e.AmountFen, Note: e.Note, CreatedAt: rfc3339(e.CreatedAt), CreatedBy: e.CreatedBy})
		}
		spent := p.SpentFen()
		out.Spending, out.SpentFen = &sp, &spent
	}
	return out
}

// projectInput is the body of POST and PUT: the fields a client sets, and
// the read-only ones of an answer, accepted and ignored.
type projectInput struct {
	Name        string              `json:"name"`
	Description string              `json:"description"`
	Action      string              `json:"action"`
	Villages    []string            `json:"villages"`
	Parties     []projectPartyJSON  `json:"parties"`
	PairingID   string              `json:"pairing_id"`
	NeedIDs     []string            `json:"need_ids"`
	Budget      []projectBudgetJSON `json:"budget"`
	People      []projectPeopleJSON `json:"people"`
	StartDate   string              `json:"start_date"`
	EndDate     string              `json:"end_date"`
	Version     *int                `json:"version"`

	ID           string          `json:"id"`
	ActionLabel  json.RawMessage `json:"action_label"`
	CountyCode   json.RawMessage `json:"county_code"`
	County       json.RawMessage `json:"county"`
	VillageNames json.RawMessage `json:"village_names"`
	Key          json.RawMessage `json:"key"`
	BudgetFen    json.RawMessage `json:"budget_fen"`
	Spending     json.RawMessage `json:"spending"`
	SpentFen     json.RawMessage `json:"spent_fen"`
	Status       json.RawMessage `json:"status"`
	StatusLabel  json.RawMessage `json:"status_label"`
	Reason       json.RawMessage `json:"reason"`
	Actions      json.RawMessage `json:"actions"`
	Editable     json.RawMessage `json:"editable"`
	CreatedAt    json.RawMessage `json:"created_at"`
	CreatedBy    json.RawMessage `json:"created_by"`
	UpdatedAt    json.RawMessage `json:"updated_at"`
	UpdatedBy    json.RawMessage `json:"updated_by"`
}

func (in *projectInput) toProject() *zhuxiang.Project {
	p := &zhuxiang.Project{Name: in.Name, Description: in.Description, Action: parseAction(in.Action), Villages: in.Villages,
		PairingID: in.PairingID, NeedIDs: in.NeedIDs, StartDate: in.StartDate, EndDate: in.EndDate}
	for _, pt := range in.Parties {
		p.Parties = append(p.Parties, zhuxiang.ProjectParty{OrgID: pt.OrgID, Role: zhuxiang.PartyRole(strings.TrimSpace(pt.Role)), AmountFen: pt.AmountFen})
	}
	for _, b := range in.Budget {
		src, ok := zhuxiang.ParseFundSource(b.Source)
		if !ok {
			src = zhuxiang.FundSource(b.Source) // refused by Validate with its own message
		}
		p.Budget = append(p.Budget, zhuxiang.ProjectBudget{Source: src, OriginalFen: b.OriginalFen, RevisedFen: b.RevisedFen})
	}
	for _, pp := range in.People {
		p.People = append(p.People, zhuxiang.ProjectPeople(pp))
	}
	return p
}

// projectFilter reads the list's filters.
func projectFilter(q *query) store.ProjectFilter {
	f := store.ProjectFilter{County: q.county("county"), Action: q.action("action"), Key: q.boolean("key"), Org: q.str("org"),
		Mine: q.boolean("mine"), Review: q.boolean("review"), Q: q.str("q"), Cursor: q.str("cursor")}
	if v := q.str("status"); v != "" {
		st := zhuxiang.ProjectStatus(v)
		if !slices.Contains(zhuxiang.ProjectStatuses, st) {
			q.fail("status", "项目状态“%s”无效（可选：%s）", v, projectStatusCodes())
		}
		f.Status = st
	}
	f.Limit = q.limit(50, 200)
	return f
}

func projectStatusCodes() string {
	var s []string
	for _, st := range zhuxiang.ProjectStatuses {
		s = append(s, string(st))
	}
	return strings.Join(s, "、")
}

func (s *server) listProjects(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	q := newQuery(r)
	f := projectFilter(q)
	if q.err != nil {
		return q.err
	}
	page, err := s.st.ListProjects(r.Context(), a, f)
	if err != nil {
		return err
	}
	return writePage(w, page.Projects, page.Next, page.Total, func(p *zhuxiang.Project) projectJSON { return toProjectJSON(a, p, false) })
}

func (s *server) getProject(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	p, err := s.st.Project(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toProjectJSON(a, p, true))
	return nil
}

// writeProject answers with the project as saved.
func (s *server) writeProject(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor, id string) error {
	p, err := s.st.Project(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toProjectJSON(a, p, true))
	return nil
}

func (s *server) createProject(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	if err := zhuxiang.CanCreateProjects(a); err != nil {
		return err
	}
	var in projectInput
	if err := decode(r, &in); err != nil {
		return err
	}
	p := in.toProject()
	// An organization's staff lead their own organization's projects: a
	// body without parties names it as the lead.
	if own := zhuxiang.OwnOrg(a); own != "" && len(p.Parties) == 0 {
		p.Parties = []zhuxiang.ProjectParty{{OrgID: own, Role: zhuxiang.PartyLead}}
	}
	id, err := s.st.CreateProject(r.Context(), a, p)
	if err != nil {
		return err
	}
	if saved, err := s.st.Project(r.Context(), a, id); err == nil {
		p = saved
	}
	created(w, "/projects/"+url.PathEscape(id), toProjectJSON(a, p, true))
	return nil
}

func (s *server) putProject(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	var in projectInput
	if err := decode(r, &in); err != nil {
		return err
	}
	id, version, err := putTarget(r, in.ID, in.Version)
	if err != nil {
		return err
	}
	if _, err := s.st.Project(r.Context(), a, id); err != nil {
		return err
	}
	p := in.toProject()
	p.ID, p.Version = id, version
	if err := s.st.UpdateProject(r.Context(), a, p); err != nil {
		return err
	}
	return s.writeProject(w, r, a, id)
}

func (s *server) transitionProject(name string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
		in, err := readStep(r)
		if err != nil {
			return err
		}
		id := r.PathValue("id")
		if err := s.st.TransitionProject(r.Context(), a, id, name, in.Reason, in.Version); err != nil {
			return err
		}
		return s.writeProject(w, r, a, id)
	}
}

// projectKeyInput is the body of PUT /projects/{id}/key.
type projectKeyInput struct {
	Key *bool `json:"key"`
}

func (s *server) putProjectKey(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	if err := zhuxiang.CanMarkKeyProject(a); err != nil {
		return err
	}
	var in projectKeyInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Key == nil {
		return zhuxiang.Errorf(zhuxiang.EInvalid, "key", "须提供key（true设为重点项目，false取消）")
	}
	id := r.PathValue("id")
	if err := s.st.SetProjectKey(r.Context(), a, id, *in.Key); err != nil {
		return err
	}
	return s.writeProject(w, r, a, id)
}

func (s *server) addProjectSpending(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	var in projectSpendingJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	src, ok := zhuxiang.ParseFundSource(in.Source)
	if !ok {
		src = zhuxiang.FundSource(in.Source)
	}
	id := r.PathValue("id")
	e := &zhuxiang.ProjectSpending{Date: in.Date, Source: src, AmountFen: in.AmountFen, Note: in.Note}
	if err := s.st.AddProjectSpending(r.Context(), a, id, e); err != nil {
		return err
	}
	p, err := s.st.Project(r.Context(), a, id)
	if err != nil {
		return err
	}
	created(w, "/projects/"+url.PathEscape(id), toProjectJSON(a, p, true))
	return nil
}
