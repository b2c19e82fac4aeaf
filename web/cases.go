package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"zhuxiang"
	"zhuxiang/attach"
	"zhuxiang/store"
)

// Case collection (案例征集): the calls, the cases submitted to them, their
// photos and scoring. Who may do what is asked of authz.go; the buttons
// come from the lifecycle table (CaseTransitions) through applyStep.

// caseFilters are the cases list's query parameters; the names are the
// API's (api/cases.go).
type caseFilters struct {
	Call     string
	Status   string
	County   string
	Unscored bool
	Calls    string // "open": the calls open today, alone
	Cursor   string
}

func readCaseFilters(qs url.Values) caseFilters {
	f := caseFilters{Call: qs.Get("call"), Status: qs.Get("status"), County: qs.Get("county"), Unscored: qs.Get("unscored") != "",
		Cursor: qs.Get("cursor")}
	if qs.Get("calls") == "open" {
		f.Calls = "open"
	}
	if !slices.Contains(zhuxiang.CaseStatuses, zhuxiang.CaseStatus(f.Status)) {
		f.Status = ""
	}
	if !zhuxiang.IsID(f.Call) {
		f.Call = ""
	}
	if !zhuxiang.IsRegionCode(f.County) {
		f.County = ""
	}
	return f
}

func (f caseFilters) store() store.CaseFilter {
	return store.CaseFilter{Call: f.Call, Status: zhuxiang.CaseStatus(f.Status), County: f.County, Unscored: f.Unscored, Cursor: f.Cursor, Limit: 20}
}

func (f caseFilters) query() string {
	v := map[string]string{"call": f.Call, "status": f.Status, "county": f.County}
	if f.Unscored {
		v["unscored"] = "1"
	}
	return filterQuery(v, false)
}

// Active tells the page whether to offer "清除".
func (f caseFilters) Active() bool { return f.query() != "" }

var caseStatusOptions []option

func init() {
	for _, s := range zhuxiang.CaseStatuses {
		caseStatusOptions = append(caseStatusOptions, option{string(s), s.Label()})
	}
}

// caseBadge picks the badge colour of a case's status.
func caseBadge(s zhuxiang.CaseStatus) string {
	switch s {
	case zhuxiang.CaseSubmitted:
		return "badge-warn"
	case zhuxiang.CaseNotSelected:
		return "badge-danger"
	case zhuxiang.CaseSelected:
		return "badge-rating"
	case zhuxiang.CasePublished:
		return "badge-ok"
	}
	return "badge-todo"
}

// callBadge picks the badge colour of a call's status.
func callBadge(s zhuxiang.CallStatus) string {
	switch s {
	case zhuxiang.CallOpen:
		return "badge-ok"
	case zhuxiang.CallUpcoming:
		return "badge-warn"
	}
	return "badge-todo"
}

type caseListData struct {
	F          caseFilters
	Today      string
	Calls      []*zhuxiang.CaseCall
	Page       *store.CasePage
	CallOpts   []option
	Counties   []option
	Statuses   []option
	FirstURL   string
	NextURL    string
	Cap        int
	CanOpen    bool
	CanSubmit  bool
	CanReview  bool
	OpenCallID string // the open call a new case goes to, if one
}

// caseList shows the calls and the cases the user may see (the store
// scopes them); /cases?calls=open shows the open calls alone, as the work
// bench's to-do counts them.
func (s *server) caseList(w http.ResponseWriter, r *http.Request, q *request) error {
	load := func() (any, error) { return s.caseListData(r, q) }
	if readCaseFilters(r.URL.Query()).Unscored {
		// "Not scored by me" is the user's own, not its scope's: never
		// kept in the shared cache.
		d, err := s.caseListData(r, q)
		if err != nil {
			return err
		}
		s.render(w, r, http.StatusOK, "cases", &view{Title: "案例征集", Nav: "cases", Data: d})
		return nil
	}
	content, err := s.cachedContent(r, q, "cases", load)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "cached", &view{Title: "案例征集", Nav: "cases", Data: content})
	return nil
}

// caseListData reads the calls and the cases the list shows for the
// request's filters.
func (s *server) caseListData(r *http.Request, q *request) (*caseListData, error) {
	ctx, a := r.Context(), q.actor
	f := readCaseFilters(r.URL.Query())
	calls, err := s.st.ListCalls(ctx, a, f.Calls == "open")
	if err != nil {
		return nil, err
	}
	d := caseListData{F: f, Today: s.today(), Calls: calls, Statuses: caseStatusOptions, Cap: store.CountCap,
		CanOpen: zhuxiang.CanOpenCalls(a) == nil, CanSubmit: zhuxiang.CanSubmitCases(a) == nil, CanReview: zhuxiang.CanReviewCases(a) == nil}
	for _, c := range calls {
		d.CallOpts = append(d.CallOpts, option{c.ID, c.Theme})
		if d.OpenCallID == "" && c.Status(d.Today) == zhuxiang.CallOpen {
			d.OpenCallID = c.ID
		}
	}
	if f.Calls == "" {
		page, err := s.st.ListCases(ctx, a, f.store())
		if zhuxiang.ErrorCodeOf(err) == zhuxiang.EInvalid && f.Cursor != "" {
			f.Cursor, d.F.Cursor = "", ""
			page, err = s.st.ListCases(ctx, a, f.store())
		}
		if err != nil {
			return nil, err
		}
		d.Page = page
		counties, err := q.counties(ctx, s.st)
		if err != nil {
			return nil, err
		}
		d.Counties = countyOptions(counties)
		d.FirstURL, d.NextURL = pageLinks("/cases", f.query(), page.Next)
	}
	return &d, nil
}

// ---- calls ----

type callFormData struct {
	New    bool
	Action string
	C      *zhuxiang.CaseCall
	Errors formErrors
}

var callFields = []string{"theme", "description", "opens_on", "closes_on"}

func (s *server) callNew(w http.ResponseWriter, r *http.Request, q *request) error {
	if err := zhuxiang.CanOpenCalls(q.actor); err != nil {
		return err
	}
	c := &zhuxiang.CaseCall{OpensOn: s.today()}
	s.render(w, r, http.StatusOK, "call_form", &view{Title: "发起案例征集", Nav: "cases", Data: callFormData{New: true, Action: "/cases/calls/new", C: c, Errors: formErrors{}}})
	return nil
}

func readCallForm(r *http.Request) *zhuxiang.CaseCall {
	f := r.PostForm
	v, _ := strconv.Atoi(f.Get("version"))
	return &zhuxiang.CaseCall{Theme: f.Get("theme"), Description: f.Get("description"), OpensOn: f.Get("opens_on"), ClosesOn: f.Get("closes_on"), Version: v}
}

func (s *server) callCreate(w http.ResponseWriter, r *http.Request, q *request) error {
	c := readCallForm(r)
	id, err := s.st.CreateCall(r.Context(), q.actor, c)
	if zhuxiang.ErrorCodeOf(err) == zhuxiang.EInvalid {
		s.render(w, r, http.StatusUnprocessableEntity, "call_form", &view{Title: "发起案例征集", Nav: "cases",
			Data: callFormData{New: true, Action: "/cases/calls/new", C: c, Errors: fieldError(err, callFields...)}})
		return nil
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/cases/calls/"+url.PathEscape(id)+"?done=saved")
	return nil
}

func (s *server) callEdit(w http.ResponseWriter, r *http.Request, q *request) error {
	if err := zhuxiang.CanOpenCalls(q.actor); err != nil {
		return err
	}
	c, err := s.st.Call(r.Context(), q.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "call_form", &view{Title: "修改征集活动", Nav: "cases",
		Data: callFormData{Action: "/cases/calls/edit/" + url.PathEscape(c.ID), C: c, Errors: formErrors{}}})
	return nil
}

func (s *server) callUpdate(w http.ResponseWriter, r *http.Request, q *request) error {
	c := readCallForm(r)
	c.ID = r.PathValue("id")
	err := s.st.UpdateCall(r.Context(), q.actor, c)
	if code := zhuxiang.ErrorCodeOf(err); code == zhuxiang.EInvalid || code == zhuxiang.EConflict {
		s.render(w, r, code.HTTPStatus(), "call_form", &view{Title: "修改征集活动", Nav: "cases",
			Data: callFormData{Action: "/cases/calls/edit/" + url.PathEscape(c.ID), C: c, Errors: fieldError(err, callFields...)}})
		return nil
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/cases/calls/"+url.PathEscape(c.ID)+"?done=saved")
	return nil
}

type callDetailData struct {
	C         *zhuxiang.CaseCall
	Status    zhuxiang.CallStatus
	Page      *store.CasePage
	CanEdit   bool
	CanSubmit bool
}

func (s *server) callDetail(w http.ResponseWriter, r *http.Request, q *request) error {
	ctx, a := r.Context(), q.actor
	c, err := s.st.Call(ctx, a, r.PathValue("id"))
	if err != nil {
		return err
	}
	page, err := s.st.ListCases(ctx, a, store.CaseFilter{Call: c.ID, Limit: 200})
	if err != nil {
		return err
	}
	st := c.Status(s.today())
	d := callDetailData{C: c, Status: st, Page: page, CanEdit: zhuxiang.CanOpenCalls(a) == nil,
		CanSubmit: zhuxiang.CanSubmitCases(a) == nil && st != zhuxiang.CallClosed}
	flash := ""
	if r.URL.Query().Get("done") == "saved" {
		flash = "已保存。"
	}
	s.render(w, r, http.StatusOK, "call", &view{Title: c.Theme, Nav: "cases", Flash: flash, Data: d})
	return nil
}

// ---- cases ----

type caseFormData struct {
	New      bool
	Action   string
	C        *zhuxiang.Case
	Calls    []option
	Projects []*zhuxiang.Project // the submitter's, to link
	Errors   formErrors
}

var caseFields = []string{"call", "title", "body", "projects"}

// caseForm fills the form's choices: the calls that take cases and the
// projects the actor may link (its organization's, or its county's).
func (s *server) caseForm(r *http.Request, q *request, c *zhuxiang.Case, isNew bool, errs formErrors) (*caseFormData, error) {
	ctx, a := r.Context(), q.actor
	d := &caseFormData{New: isNew, C: c, Errors: errs, Action: "/cases/new"}
	if !isNew {
		d.Action = "/cases/" + url.PathEscape(c.ID) + "/edit"
	}
	calls, err := s.st.ListCalls(ctx, a, false)
	if err != nil {
		return nil, err
	}
	today := s.today()
	for _, k := range calls {
		if k.Status(today) != zhuxiang.CallClosed || k.ID == c.CallID {
			d.Calls = append(d.Calls, option{k.ID, k.Theme + "（" + k.Status(today).Label() + "，" + k.ClosesOn + " 截止）"})
		}
	}
	page, err := s.st.ListProjects(ctx, a, store.ProjectFilter{Limit: 200})
	if err != nil {
		return nil, err
	}
	d.Projects = page.Projects
	return d, nil
}

func (s *server) caseNew(w http.ResponseWriter, r *http.Request, q *request) error {
	if err := zhuxiang.CanSubmitCases(q.actor); err != nil {
		return err
	}
	c := &zhuxiang.Case{CallID: r.URL.Query().Get("call")}
	d, err := s.caseForm(r, q, c, true, formErrors{})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "case_form", &view{Title: "提交案例", Nav: "cases", Data: d})
	return nil
}

func readCaseForm(r *http.Request) *zhuxiang.Case {
	f := r.PostForm
	v, _ := strconv.Atoi(f.Get("version"))
	c := &zhuxiang.Case{CallID: f.Get("call"), Title: f.Get("title"), Body: f.Get("body"), Version: v}
	for _, id := range f["projects"] {
		if id = strings.TrimSpace(id); id != "" {
			c.ProjectIDs = append(c.ProjectIDs, id)
		}
	}
	return c
}

func (s *server) caseCreate(w http.ResponseWriter, r *http.Request, q *request) error {
	c := readCaseForm(r)
	id, err := s.st.CreateCase(r.Context(), q.actor, c)
	if zhuxiang.ErrorCodeOf(err) == zhuxiang.EInvalid {
		d, ferr := s.caseForm(r, q, c, true, fieldError(err, caseFields...))
		if ferr != nil {
			return ferr
		}
		s.render(w, r, http.StatusUnprocessableEntity, "case_form", &view{Title: "提交案例", Nav: "cases", Data: d})
		return nil
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/cases/"+url.PathEscape(id)+"?done=created#photos")
	return nil
}

// casePage serves a case's pages below it: /cases/{id}/edit and
// /cases/{id}/confirm (one route, see routes.go).
func (s *server) casePage(w http.ResponseWriter, r *http.Request, q *request) error {
	switch r.PathValue("page") {
	case "edit":
		return s.caseEdit(w, r, q)
	case "confirm":
		return s.caseConfirm(w, r, q)
	}
	return zhuxiang.Errorf(zhuxiang.ENotFound, "", "您要找的页面不存在")
}

func (s *server) caseEdit(w http.ResponseWriter, r *http.Request, q *request) error {
	c, err := s.st.Case(r.Context(), q.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := zhuxiang.CanEditCase(q.actor, c); err != nil {
		return err
	}
	d, err := s.caseForm(r, q, c, false, formErrors{})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "case_form", &view{Title: "修改案例", Nav: "cases", Data: d})
	return nil
}

func (s *server) caseUpdate(w http.ResponseWriter, r *http.Request, q *request) error {
	c := readCaseForm(r)
	c.ID = r.PathValue("id")
	err := s.st.UpdateCase(r.Context(), q.actor, c)
	if code := zhuxiang.ErrorCodeOf(err); code == zhuxiang.EInvalid || (code == zhuxiang.EConflict && zhuxiang.ErrorField(err) == "version") {
		d, ferr := s.caseForm(r, q, c, false, fieldError(err, caseFields...))
		if ferr != nil {
			return ferr
		}
		s.render(w, r, code.HTTPStatus(), "case_form", &view{Title: "修改案例", Nav: "cases", Data: d})
		return nil
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/cases/"+url.PathEscape(c.ID)+"?done=saved")
	return nil
}

// scoreRow is one criterion of the scoring form, as typed or as scored.
type scoreRow struct {
	zhuxiang.CaseCriterion
	Value string
}

type caseDetailData struct {
	Case      *zhuxiang.Case
	Actions   []zhuxiang.CaseTransition
	CanEdit   bool
	CanScore  bool
	CanReview bool
	MaxPhotos int
	Scores    []zhuxiang.CaseScore // every reviewer's, for reviewers
	Form      []scoreRow           // the actor's scoring form
	Comment   string
	Criteria  []zhuxiang.CaseCriterion
	Errors    formErrors // the steps' and the photo form's
	// ScoreErrors are the scoring form's, apart so that its count of
	// fields to correct counts its own.
	ScoreErrors formErrors
}

var caseDone = map[string]string{
	"created": "已保存草稿。可以添加照片，然后提交案例。", "saved": "已保存。", "photo": "已添加照片。", "photo_removed": "已删除照片。",
	"submit": "已提交案例，等待评审。", "withdraw": "已撤回，可修改后重新提交。", "select": "已评为入选。", "not_select": "已标记为未入选。",
	"publish": "已发布到公开网站。", "score": "已保存您的评分。",
}

func (s *server) caseDetail(w http.ResponseWriter, r *http.Request, q *request) error {
	c, err := s.st.Case(r.Context(), q.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.renderCase(w, r, q, http.StatusOK, &view{Flash: caseDone[r.URL.Query().Get("done")]}, c, nil, nil)
}

// renderCase shows a case's state and next steps first, then its text,
// photos and projects, then the scoring (DESIGN §5a).
func (s *server) renderCase(w http.ResponseWriter, r *http.Request, q *request, status int, v *view, c *zhuxiang.Case, errs formErrors, typed *zhuxiang.CaseScore) error {
	a := q.actor
	d := caseDetailData{Case: c, Actions: zhuxiang.CaseActions(a, c), CanEdit: zhuxiang.CanEditCase(a, c) == nil, CanScore: zhuxiang.CanScoreCase(a, c) == nil,
		CanReview: zhuxiang.CanReviewCases(a) == nil, MaxPhotos: zhuxiang.MaxCasePhotos, Criteria: zhuxiang.CaseCriteria, Errors: errs}
	if d.Errors == nil {
		d.Errors = formErrors{}
	}
	d.ScoreErrors = formErrors{}
	for _, k := range append(caseScoreFields(), "form") {
		if m, ok := d.Errors[k]; ok {
			d.ScoreErrors[k] = m
			delete(d.Errors, k)
		}
	}
	if d.CanReview {
		scores, err := s.st.CaseScores(r.Context(), a, c.ID)
		if err != nil {
			return err
		}
		d.Scores = scores
		if typed == nil {
			for i := range scores {
				if scores[i].ReviewerID == a.UserID {
					typed = &scores[i]
				}
			}
		}
	}
	for _, cr := range zhuxiang.CaseCriteria {
		row := scoreRow{CaseCriterion: cr}
		if typed != nil {
			if p, ok := typed.Points[cr.Key]; ok {
				row.Value = strconv.Itoa(p)
			}
		}
		d.Form = append(d.Form, row)
	}
	if typed != nil {
		d.Comment = typed.Comment
	}
	v.Title, v.Nav, v.Data = c.Title, "cases", d
	s.render(w, r, status, "case", v)
	return nil
}

func caseConfirmData(c *zhuxiang.Case, t zhuxiang.CaseTransition, reason string) confirmData {
	back := "/cases/" + url.PathEscape(c.ID)
	return confirmData{Label: t.Label, Summary: t.Summary(c), Action: back + "/transition",
		Hidden: []hiddenField{{"name", t.Name}, {"version", strconv.Itoa(c.Version)}},
		Reason: t.Reason, ReasonLabel: t.Label + "的理由（必填，提交单位会看到）", ReasonValue: reason, Back: back, BackLabel: c.Title}
}

// caseConfirm is the confirmation page of an irreversible step on a case
// (GET /cases/{id}/confirm?action=publish).
func (s *server) caseConfirm(w http.ResponseWriter, r *http.Request, q *request) error {
	c, err := s.st.Case(r.Context(), q.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	name := r.URL.Query().Get("action")
	t, ok := zhuxiang.FindCaseTransition(name)
	if !ok || t.Confirm == "" {
		return zhuxiang.Errorf(zhuxiang.ENotFound, "", "没有需要确认的操作")
	}
	if err := zhuxiang.CanCase(q.actor, c, name); err != nil {
		if code := zhuxiang.ErrorCodeOf(err); code == zhuxiang.EConflict {
			return s.renderCase(w, r, q, code.HTTPStatus(), &view{}, c, formErrors{"transition": zhuxiang.ErrorMessage(err)}, nil)
		}
		return err
	}
	s.renderConfirm(w, r, http.StatusOK, "cases", caseConfirmData(c, t, ""))
	return nil
}

// caseTransition applies a step of the case's lifecycle (applyStep).
func (s *server) caseTransition(w http.ResponseWriter, r *http.Request, q *request) error {
	ctx, a := r.Context(), q.actor
	id, name, reason := r.PathValue("id"), r.PostForm.Get("name"), r.PostForm.Get("reason")
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	t, _ := zhuxiang.FindCaseTransition(name)
	st := lifecycleStep[*zhuxiang.Case]{nav: "cases", path: "/cases/" + url.PathEscape(id), name: name, label: t.Label, confirm: t.Confirm,
		load:  func() (*zhuxiang.Case, error) { return s.st.Case(ctx, a, id) },
		may:   func(c *zhuxiang.Case) bool { return zhuxiang.CanCase(a, c, name) == nil },
		data:  func(c *zhuxiang.Case) confirmData { return caseConfirmData(c, t, reason) },
		apply: func() error { return s.st.TransitionCase(ctx, a, id, name, reason, version) },
		page: func(c *zhuxiang.Case, status int, errs formErrors) error {
			return s.renderCase(w, r, q, status, &view{}, c, errs, nil)
		},
	}
	return applyStep(s, w, r, st)
}

// caseScore saves the reviewer's scoring form; a bad figure comes back
// beside its criterion with what was typed kept.
func (s *server) caseScore(w http.ResponseWriter, r *http.Request, q *request) error {
	ctx, a, id := r.Context(), q.actor, r.PathValue("id")
	sc := &zhuxiang.CaseScore{Points: map[string]int{}, Comment: r.PostForm.Get("comment")}
	errs := formErrors{}
	var fields []string
	for _, cr := range zhuxiang.CaseCriteria {
		v := strings.TrimSpace(r.PostForm.Get(cr.Key))
		if v == "" {
			continue // Validate names the missing criterion
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			errs[cr.Key] = "“" + cr.Label + "”请填写0至" + strconv.Itoa(cr.Max) + "的整数"
			continue
		}
		sc.Points[cr.Key] = n
	}
	fields = caseScoreFields()
	var err error
	if len(errs) == 0 {
		err = s.st.ScoreCase(ctx, a, id, sc)
		switch code := zhuxiang.ErrorCodeOf(err); code {
		case "":
			redirect(w, r, "/cases/"+url.PathEscape(id)+"?done=score#scores")
			return nil
		case zhuxiang.EInvalid:
			errs = fieldError(err, fields...)
		case zhuxiang.EConflict:
			errs = formErrors{"transition": zhuxiang.ErrorMessage(err)}
		default:
			return err
		}
	}
	c, lerr := s.st.Case(ctx, a, id)
	if lerr != nil {
		return lerr
	}
	status := http.StatusUnprocessableEntity
	if zhuxiang.ErrorCodeOf(err) == zhuxiang.EConflict {
		status = http.StatusConflict
	}
	// Keep what was typed, unparsable figures included, beside their fields.
	typed := &zhuxiang.CaseScore{Points: sc.Points, Comment: sc.Comment}
	return s.renderCase(w, r, q, status, &view{}, c, errs, typed)
}

// caseScoreFields are the scoring form's fields, as the domain names them.
func caseScoreFields() []string {
	var out []string
	for _, cr := range zhuxiang.CaseCriteria {
		out = append(out, cr.Key)
	}
	return append(out, "comment", "scores")
}

// casePhotoUpload adds one photo to a draft from the form on its page.
func (s *server) casePhotoUpload(w http.ResponseWriter, r *http.Request, q *request) error {
	ctx, a, id := r.Context(), q.actor, r.PathValue("id")
	c, err := s.st.Case(ctx, a, id)
	if err != nil {
		return err
	}
	if err := zhuxiang.CanEditCase(a, c); err != nil {
		return err
	}
	fail := func(status int, msg string) error {
		return s.renderCase(w, r, q, status, &view{}, c, formErrors{"file": msg}, nil)
	}
	if q.mr == nil {
		return fail(http.StatusBadRequest, "请通过本页的上传表单选择照片")
	}
	name, data, msg := readPhotoPart(q)
	if msg != "" {
		return fail(http.StatusUnprocessableEntity, msg)
	}
	f, err := attach.Vet(name, data)
	if err == nil {
		err = s.st.AddCasePhoto(ctx, a, id, f)
	}
	if code := zhuxiang.ErrorCodeOf(err); code == zhuxiang.EInvalid || code == zhuxiang.ETooLarge {
		return fail(code.HTTPStatus(), zhuxiang.ErrorMessage(err))
	} else if err != nil {
		return err
	}
	redirect(w, r, "/cases/"+url.PathEscape(id)+"?done=photo#photos")
	return nil
}

// readPhotoPart reads the one file of an upload form: its name and bytes,
// or a message for the user.
func readPhotoPart(q *request) (string, []byte, string) {
	errs := formErrors{}
	_, name, data := readUpload(q, "file", attach.MaxBytes, "照片", errs)
	switch {
	case errs["file"] != "":
		return "", nil, errs["file"]
	case errs["form"] != "":
		return "", nil, errs["form"]
	case data == nil:
		return "", nil, "请选择照片"
	}
	return name, data, ""
}

func (s *server) casePhotoDelete(w http.ResponseWriter, r *http.Request, q *request) error {
	id := r.PathValue("id")
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil {
		return zhuxiang.Errorf(zhuxiang.ENotFound, "", "照片不存在")
	}
	if err := s.st.RemoveCasePhoto(r.Context(), q.actor, id, n); err != nil {
		return err
	}
	redirect(w, r, "/cases/"+url.PathEscape(id)+"?done=photo_removed#photos")
	return nil
}

// casePhoto serves a photo of a case the user may see, or its thumbnail.
func (s *server) casePhoto(thumb bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, q *request) error {
		return s.servePhoto(w, r, q.actor, thumb)
	}
}

func (s *server) servePhoto(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor, thumb bool) error {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil {
		return zhuxiang.Errorf(zhuxiang.ENotFound, "", "照片不存在")
	}
	f, err := s.st.CasePhoto(r.Context(), a, r.PathValue("id"), n, thumb)
	if err != nil {
		return err
	}
	attach.Serve(w, r, *f)
	return nil
}

// thumbSize is the size of an attachment's thumbnail (attach.ThumbSide on
// its longer side), for an <img>'s width and height so the page does not
// jump as thumbnails load.
func thumbSize(p zhuxiang.Attachment) [2]int {
	w, h := p.Width, p.Height
	if w <= 0 || h <= 0 {
		return [2]int{attach.ThumbSide, attach.ThumbSide * 3 / 4}
	}
	if w <= attach.ThumbSide && h <= attach.ThumbSide {
		return [2]int{w, h}
	}
	if w >= h {
		return [2]int{attach.ThumbSide, max(1, h*attach.ThumbSide/w)}
	}
	return [2]int{max(1, w*attach.ThumbSide/h), attach.ThumbSide}
}
