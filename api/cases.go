package api

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"zhuxiang"
	"zhuxiang/attach"
	"zhuxiang/store"
)

// Case collection (案例征集): the calls (/cases/calls) and the cases. The
// rules are the store's and authz.go's, as on the pages.

// callJSON is a call for cases; as a body (POST, PUT) only theme,
// description, opens_on, closes_on and version count.
type callJSON struct {
	ID          string `json:"id"`
	Theme       string `json:"theme"`
	Description string `json:"description"`
	OpensOn     string `json:"opens_on"`
	ClosesOn    string `json:"closes_on"`
	Status      string `json:"status"`
	StatusLabel string `json:"status_label"`
	Cases       int    `json:"cases"`
	Published   int    `json:"published"`
	Version     int    `json:"version"`
	CreatedAt   string `json:"created_at"`
	CreatedBy   string `json:"created_by"`
	UpdatedAt   string `json:"updated_at"`
	UpdatedBy   string `json:"updated_by"`
}

// today is the store's date in the prefecture, which a call's status is
// read against.
func (s *server) today() string { return s.st.Now().In(zhuxiang.Shanghai).Format(zhuxiang.DateLayout) }

func toCallJSON(c *zhuxiang.CaseCall, today string) callJSON {
	st := c.Status(today)
	return callJSON{ID: c.ID, Theme: c.Theme, Description: c.Description, OpensOn: c.OpensOn, ClosesOn: c.ClosesOn, Status: string(st), StatusLabel: st.Label(),
		Cases: c.Cases, Published: c.Published, Version: c.Version, CreatedAt: rfc3339(c.CreatedAt), CreatedBy: c.CreatedBy,
		UpdatedAt: rfc3339(c.UpdatedAt), UpdatedBy: c.UpdatedBy}
}

// callInput is the body of POST and PUT /cases/calls: the fields a client
// sets, and the read-only ones of an answer, accepted and ignored.
type callInput struct {
	Theme       string `json:"theme"`
	Description string `json:"description"`
	OpensOn     string `json:"opens_on"`
	ClosesOn    string `json:"closes_on"`
	Version     *int   `json:"version"`

	ID          string          `json:"id"`
	Status      json.RawMessage `json:"status"`
	StatusLabel json.RawMessage `json:"status_label"`
	Cases       json.RawMessage `json:"cases"`
	Published   json.RawMessage `json:"published"`
	CreatedAt   json.RawMessage `json:"created_at"`
	CreatedBy   json.RawMessage `json:"created_by"`
	UpdatedAt   json.RawMessage `json:"updated_at"`
	UpdatedBy   json.RawMessage `json:"updated_by"`
}

func (in *callInput) toCall() *zhuxiang.CaseCall {
	return &zhuxiang.CaseCall{Theme: in.Theme, Description: in.Description, OpensOn: in.OpensOn, ClosesOn: in.ClosesOn}
}

func (s *server) listCalls(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	q := newQuery(r)
	open := q.boolean("open")
	if q.err != nil {
		return q.err
	}
	calls, err := s.st.ListCalls(r.Context(), a, open)
	if err != nil {
		return err
	}
	items := make([]callJSON, 0, len(calls))
	for _, c := range calls {
		items = append(items, toCallJSON(c, s.today()))
	}
	writeJSON(w, http.StatusOK, shortList[callJSON]{Items: items})
	return nil
}

func (s *server) getCall(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	c, err := s.st.Call(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toCallJSON(c, s.today()))
	return nil
}

func (s *server) createCall(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	if err := zhuxiang.CanOpenCalls(a); err != nil {
		return err
	}
	var in callInput
	if err := decode(r, &in); err != nil {
		return err
	}
	id, err := s.st.CreateCall(r.Context(), a, in.toCall())
	if err != nil {
		return err
	}
	c, err := s.st.Call(r.Context(), a, id)
	if err != nil {
		return err
	}
	created(w, "/cases/calls/"+url.PathEscape(id), toCallJSON(c, s.today()))
	return nil
}

func (s *server) putCall(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	if err := zhuxiang.CanOpenCalls(a); err != nil {
		return err
	}
	var in callInput
	if err := decode(r, &in); err != nil {
		return err
	}
	id, version, err := putTarget(r, in.ID, in.Version)
	if err != nil {
		return err
	}
	c := in.toCall()
	c.ID, c.Version = id, version
	if err := s.st.UpdateCall(r.Context(), a, c); err != nil {
		return err
	}
	return s.getCall(w, r, a)
}

// caseProjectJSON is a project a case is linked to.
type caseProjectJSON struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	County string `json:"county"`
}

// casePhotoJSON is a case's photo: where the page serves it and its
// thumbnail (signed in; a published case's also under /public/cases).
type casePhotoJSON struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Size     int64  `json:"size"`
	Width    int    `json:"width"`
	Height   int    `json:"height"`
	URL      string `json:"url"`
	ThumbURL string `json:"thumb_url"`
}

// caseJSON is a case as a caller who may see it receives it.
type caseJSON struct {
	ID          string            `json:"id"`
	CallID      string            `json:"call_id"`
	CallTheme   string            `json:"call_theme"`
	CallStatus  string            `json:"call_status"`
	Title       string            `json:"title"`
	Body        string            `json:"body"`
	OrgID       string            `json:"org_id"`
	Org         string            `json:"org"`
	CountyCode  string            `json:"county_code"`
	County      string            `json:"county"`
	ProjectIDs  []string          `json:"project_ids"`
	Projects    []caseProjectJSON `json:"projects"`
	Photos      []casePhotoJSON   `json:"photos"`
	Status      string            `json:"status"`
	StatusLabel string            `json:"status_label"`
	Reason      string            `json:"reason"`
	PublishedOn string            `json:"published_on"`
	Scores      int               `json:"scores"`
	MeanScore   float64           `json:"mean_score"`
	Actions     []string          `json:"actions"`
	Editable    bool              `json:"editable"`
	Version     int               `json:"version"`
	CreatedAt   string            `json:"created_at"`
	CreatedBy   string            `json:"created_by"`
	UpdatedAt   string            `json:"updated_at"`
	UpdatedBy   string            `json:"updated_by"`
}

func toCaseJSON(a zhuxiang.Actor, c *zhuxiang.Case) caseJSON {
	out := caseJSON{ID: c.ID, CallID: c.CallID, CallTheme: c.CallTheme, CallStatus: string(c.CallStatus), Title: c.Title, Body: c.Body,
		OrgID: c.OrgID, Org: c.Org, CountyCode: c.CountyCode, County: c.County, ProjectIDs: nonNil(c.ProjectIDs), Projects: []caseProjectJSON{},
		Photos: []casePhotoJSON{}, Status: string(c.Status), StatusLabel: c.Status.Label(), Reason: c.Reason, PublishedOn: c.PublishedOn,
		Scores: c.Scores, MeanScore: c.MeanScore, Actions: []string{}, Editable: zhuxiang.CanEditCase(a, c) == nil, Version: c.Version,
		CreatedAt: rfc3339(c.CreatedAt), CreatedBy: c.CreatedBy, UpdatedAt: rfc3339(c.UpdatedAt), UpdatedBy: c.UpdatedBy}
	for _, p := range c.Projects {
		out.Projects = append(out.Projects, caseProjectJSON(p))
	}
	for i, p := range c.Photos {
		// The API's own address, which a token reaches (the pages' need a
		// session).
		u := Prefix + "/cases/" + url.PathEscape(c.ID) + "/photos/" + strconv.Itoa(i)
		out.Photos = append(out.Photos, casePhotoJSON{Name: p.Name, Type: p.Type, Size: p.Size, Width: p.Width, Height: p.Height, URL: u, ThumbURL: u + "?thumb=1"})
	}
	for _, t := range zhuxiang.CaseActions(a, c) {
		out.Actions = append(out.Actions, t.Name)
	}
	return out
}

// caseInput is the body of POST /cases and PUT /cases/{id}.
type caseInput struct {
	CallID     string   `json:"call_id"`
	Title      string   `json:"title"`
	Body       string   `json:"body"`
	ProjectIDs []string `json:"project_ids"`
	Version    *int     `json:"version"`

	ID          string          `json:"id"`
	CallTheme   json.RawMessage `json:"call_theme"`
	CallStatus  json.RawMessage `json:"call_status"`
	OrgID       json.RawMessage `json:"org_id"`
	Org         json.RawMessage `json:"org"`
	CountyCode  json.RawMessage `json:"county_code"`
	County      json.RawMessage `json:"county"`
	Projects    json.RawMessage `json:"projects"`
	Photos      json.RawMessage `json:"photos"`
	Status      json.RawMessage `json:"status"`
	StatusLabel json.RawMessage `json:"status_label"`
	Reason      json.RawMessage `json:"reason"`
	PublishedOn json.RawMessage `json:"published_on"`
	Scores      json.RawMessage `json:"scores"`
	MeanScore   json.RawMessage `json:"mean_score"`
	Actions     json.RawMessage `json:"actions"`
	Editable    json.RawMessage `json:"editable"`
	CreatedAt   json.RawMessage `json:"created_at"`
	CreatedBy   json.RawMessage `json:"created_by"`
	UpdatedAt   json.RawMessage `json:"updated_at"`
	UpdatedBy   json.RawMessage `json:"updated_by"`
}

func (in *caseInput) toCase() *zhuxiang.Case {
	return &zhuxiang.Case{CallID: in.CallID, Title: in.Title, Body: in.Body, ProjectIDs: in.ProjectIDs}
}

func caseFilter(q *query) store.CaseFilter {
	f := store.CaseFilter{Call: q.str("call"), County: q.county("county"), Unscored: q.boolean("unscored"), Cursor: q.str("cursor")}
	if f.Call != "" && !zhuxiang.IsID(f.Call) {
		q.fail("call", "征集活动“%s”无效", f.Call)
	}
	if v := q.str("status"); v != "" {
		st := zhuxiang.CaseStatus(v)
		if !slices.Contains(zhuxiang.CaseStatuses, st) {
			var codes []string
			for _, s := range zhuxiang.CaseStatuses {
				codes = append(codes, string(s))
			}
			q.fail("status", "案例状态“%s”无效（可选：%s）", v, strings.Join(codes, "、"))
		}
		f.Status = st
	}
	f.Limit = q.limit(50, 200)
	return f
}

func (s *server) listCases(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	q := newQuery(r)
	f := caseFilter(q)
	if q.err != nil {
		return q.err
	}
	page, err := s.st.ListCases(r.Context(), a, f)
	if err != nil {
		return err
	}
	return writePage(w, page.Cases, page.Next, page.Total, func(c *zhuxiang.Case) caseJSON { return toCaseJSON(a, c) })
}

func (s *server) getCase(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	return s.writeCase(w, r, a, r.PathValue("id"), http.StatusOK)
}

func (s *server) writeCase(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor, id string, status int) error {
	c, err := s.st.Case(r.Context(), a, id)
	if err != nil {
		return err
	}
	if status == http.StatusCreated {
		created(w, "/cases/"+url.PathEscape(id), toCaseJSON(a, c))
		return nil
	}
	writeJSON(w, status, toCaseJSON(a, c))
	return nil
}

func (s *server) createCase(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	if err := zhuxiang.CanSubmitCases(a); err != nil {
		return err
	}
	var in caseInput
	if err := decode(r, &in); err != nil {
		return err
	}
	id, err := s.st.CreateCase(r.Context(), a, in.toCase())
	if err != nil {
		return err
	}
	return s.writeCase(w, r, a, id, http.StatusCreated)
}

func (s *server) putCase(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	var in caseInput
	if err := decode(r, &in); err != nil {
		return err
	}
	id, version, err := putTarget(r, in.ID, in.Version)
	if err != nil {
		return err
	}
	c := in.toCase()
	c.ID, c.Version = id, version
	if err := s.st.UpdateCase(r.Context(), a, c); err != nil {
		return err
	}
	return s.writeCase(w, r, a, id, http.StatusOK)
}

// caseTransitionInput is the body of POST /cases/{id}/transition: the
// step's name (CaseTransitions), a reason where the step takes one, and
// optionally the version read.
type caseTransitionInput struct {
	Name    string `json:"name"`
	Reason  string `json:"reason"`
	Version int    `json:"version"`
}

func (s *server) transitionCase(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	var in caseTransitionInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Version < 0 {
		return zhuxiang.Errorf(zhuxiang.EInvalid, "version", "version应为正整数")
	}
	id := r.PathValue("id")
	if err := s.st.TransitionCase(r.Context(), a, id, strings.TrimSpace(in.Name), in.Reason, in.Version); err != nil {
		return err
	}
	return s.writeCase(w, r, a, id, http.StatusOK)
}

// caseScoreInput is the body of POST /cases/{id}/scores: points by
// criterion (impact 0–40, innovation, sustainability and demonstration
// 0–20 each) and a comment. Scoring again replaces the caller's scores.
type caseScoreInput struct {
	Points  map[string]int `json:"points"`
	Comment string         `json:"comment"`
}

func (s *server) scoreCase(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	var in caseScoreInput
	if err := decode(r, &in); err != nil {
		return err
	}
	id := r.PathValue("id")
	if in.Points == nil {
		in.Points = map[string]int{}
	}
	if err := s.st.ScoreCase(r.Context(), a, id, &zhuxiang.CaseScore{Points: in.Points, Comment: in.Comment}); err != nil {
		return err
	}
	return s.writeCase(w, r, a, id, http.StatusOK)
}

// casePhotoInput is the body of POST /cases/{id}/photos: one photo, its
// bytes base64 encoded, as an agreement file travels.
type casePhotoInput struct {
	Name string `json:"name"`
	Data string `json:"data"`
}

// addCasePhoto adds a photo to a draft case: vetted as the pages vet it
// (type by content, 10 MB, location removed, a thumbnail made).
func (s *server) addCasePhoto(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	var in casePhotoInput
	if err := decode(r, &in); err != nil {
		return err
	}
	data, err := base64.StdEncoding.DecodeString(in.Data)
	if err != nil {
		return zhuxiang.Errorf(zhuxiang.EInvalid, "data", "照片内容应为base64编码")
	}
	f, err := attach.Vet(in.Name, data)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := s.st.AddCasePhoto(r.Context(), a, id, f); err != nil {
		return err
	}
	return s.writeCase(w, r, a, id, http.StatusCreated)
}

// getCasePhoto sends a photo of a case the caller may see (anyone a
// published case's), or with thumb=1 its thumbnail.
func (s *server) getCasePhoto(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 0 || n >= zhuxiang.MaxCasePhotos {
		return zhuxiang.Errorf(zhuxiang.ENotFound, "", "照片不存在")
	}
	f, err := s.st.CasePhoto(r.Context(), a, r.PathValue("id"), n, newQuery(r).boolean("thumb"))
	if err != nil {
		return err
	}
	attach.Serve(w, r, *f)
	return nil
}
