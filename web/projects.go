package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"zhuxiang"
	"zhuxiang/importer"
	"zhuxiang/store"
)

// projectFilters are the projects list's query parameters; the names are
// the API's (api/projects.go), so a link works on both.
type projectFilters struct {
	Status string
	County string
	Action string
	Key    bool
	Report string // pending, disputed: projects with such a progress report
	Mine   bool   // only those the user's organization leads (the work bench's returned projects)
	Review bool   // only those the user may approve (the work bench's projects to approve)
	Q      string
	Cursor string
}

func readProjectFilters(qs url.Values) projectFilters {
	f := projectFilters{Status: qs.Get("status"), County: qs.Get("county"), Action: qs.Get("action"), Key: qs.Get("key") != "",
		Mine: qs.Get("mine") != "", Review: qs.Get("review") != "", Q: strings.TrimSpace(qs.Get("q")), Cursor: qs.Get("cursor")}
	if !slices.Contains(zhuxiang.ProjectStatuses, zhuxiang.ProjectStatus(f.Status)) {
		f.Status = ""
	}
	if _, ok := zhuxiang.ParseAction(f.Action); !ok {
		f.Action = ""
	}
	if f.Report = qs.Get("report"); f.Report != "pending" && f.Report != "disputed" {
		f.Report = ""
	}
	if !zhuxiang.IsRegionCode(f.County) {
		f.County = ""
	}
	if len([]rune(f.Q)) > 60 {
		f.Q = string([]rune(f.Q)[:60])
	}
	return f
}

func (f projectFilters) store() store.ProjectFilter {
	return store.ProjectFilter{Status: zhuxiang.ProjectStatus(f.Status), County: f.County, Action: zhuxiang.Action(f.Action), Key: f.Key,
		Report: f.Report, Mine: f.Mine, Review: f.Review, Q: f.Q, Cursor: f.Cursor, Limit: 20}
}

// query renders the filters without the cursor, for links that keep them.
func (f projectFilters) query() string {
	v := map[string]string{"status": f.Status, "county": f.County, "action": f.Action, "report": f.Report, "q": f.Q}
	for name, on := range map[string]bool{"key": f.Key, "mine": f.Mine, "review": f.Review} {
		if on {
			v[name] = "1"
		}
	}
	return filterQuery(v, false)
}

// Active tells the page whether to offer "清除".
func (f projectFilters) Active() bool { return f.query() != "" }

// projectStatusOptions lists the statuses for the filter, in lifecycle order.
var projectStatusOptions []option

func init() {
	for _, s := range zhuxiang.ProjectStatuses {
		projectStatusOptions = append(projectStatusOptions, option{string(s), s.Label()})
	}
}

// projectBadge picks the badge colour of a project's status; the badge
// carries the status's words too.
func projectBadge(s zhuxiang.ProjectStatus) string {
	switch s {
	case zhuxiang.ProjectSubmitted, zhuxiang.ProjectAwaiting:
		return "badge-warn"
	case zhuxiang.ProjectReturned, zhuxiang.ProjectStopped:
		return "badge-danger"
	case zhuxiang.ProjectApproved, zhuxiang.ProjectRunning:
		return "badge-rating"
	case zhuxiang.ProjectCompleted:
		return "badge-ok"
	}
	return "badge-todo"
}

type projectListData struct {
	F         projectFilters
	Page      *store.ProjectPage
	Counties  []option
	Actions   []option
	Statuses  []option
	FirstURL  string
	NextURL   string
	Cap       int
	CanCreate bool
	ExportURL string // the export with the list's filter
	OwnOrg    bool   // the user speaks for an organization: offer "只看本组织牵头的"
	Dept      bool   // a department: offer "只看待我审批的"
}

// projectList lists the projects in the user's scope (the store scopes it).
func (s *server) projectList(w http.ResponseWriter, r *http.Request, q *request) error {
	if zhuxiang.ProjectScope(q.actor).None() {
		return zhuxiang.Errorf(zhuxiang.EForbidden, "", "您的账号不能查看帮扶项目")
	}
	content, err := s.cachedContent(r, q, "projects", func() (any, error) { return s.projectListData(r, q) })
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "cached", &view{Title: "帮扶项目", Nav: "projects", Data: content})
	return nil
}

// projectListData reads what the list shows for the request's filters.
// Nothing in it is per user beyond the scope (the response cache's key):
// "mine" is the user's organization, "report" and "review" its role's.
func (s *server) projectListData(r *http.Request, q *request) (*projectListData, error) {
	ctx, a := r.Context(), q.actor
	f := readProjectFilters(r.URL.Query())
	page, err := s.st.ListProjects(ctx, a, f.store())
	if zhuxiang.ErrorCodeOf(err) == zhuxiang.EInvalid && f.Cursor != "" {
		f.Cursor = ""
		page, err = s.st.ListProjects(ctx, a, f.store())
	}
	if err != nil {
		return nil, err
	}
	counties, err := q.counties(ctx, s.st)
	if err != nil {
		return nil, err
	}
	d := projectListData{F: f, Page: page, Counties: countyOptions(counties), Actions: actionOptions, Statuses: projectStatusOptions, Cap: store.CountCap,
		CanCreate: zhuxiang.CanCreateProjects(a) == nil, OwnOrg: zhuxiang.OwnOrg(a) != "", Dept: zhuxiang.ProjectReviewScope(a).Department != ""}
	d.FirstURL, d.NextURL = pageLinks("/projects", f.query(), page.Next)
	d.ExportURL = "/projects/export.xlsx"
	if qs := f.query(); qs != "" {
		d.ExportURL += "?" + qs
	}
	return &d, nil
}

// projectExport sends the list with its current filter (the cursor
// ignored) as a workbook, in the user's scope (the store scopes it).
func (s *server) projectExport(w http.ResponseWriter, r *http.Request, q *request) error {
	if zhuxiang.ProjectScope(q.actor).None() {
		return zhuxiang.Errorf(zhuxiang.EForbidden, "", "您的账号不能查看帮扶项目")
	}
	f := readProjectFilters(r.URL.Query())
	name := "帮扶项目-" + time.Now().In(s.loc).Format("20060102") + ".xlsx"
	hw := &headerOnWrite{ResponseWriter: w, set: func(h http.Header) {
		h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		h.Set("Content-Disposition", "attachment; filename=\"projects.xlsx\"; filename*=UTF-8''"+url.PathEscape(name))
		h.Set("Cache-Control", "no-store")
	}}
	err := importer.ExportProjects(r.Context(), s.st, q.actor, f.store(), hw)
	if err != nil && hw.started {
		s.log.Error("project export aborted", "err", err)
		return nil
	}
	return err
}

// projectNeed is a need the project answers, with its title when the user
// may see it.
type projectNeed struct {
	ID, Title string
	Visible   bool
}

type projectDetailData struct {
	Project  *zhuxiang.Project
	Actions  []zhuxiang.ProjectTransition
	Needs    []projectNeed
	Brands   []*zhuxiang.Brand // the brands it forms part of
	CanBrand bool              // the admin may start a brand from it
	CanKey   bool
	CanEdit  bool
	CanSpend bool
	// Reports are the progress reports, newest first; CanReport offers
	// the form for a new one.
	Reports   []reportView
	CanReport bool
	Disputed  int        // reports the village disputes: no completion until answered and confirmed
	Spend     spendInput // the spending form as typed, kept across an error
	Sources   []zhuxiang.FundSource
	Errors    formErrors
}

// projectDone are the flash messages after a step, by its name.
var projectDone = map[string]string{
	"submit": "已提交审批。", "approve": "已批准立项。", "return": "已退回修改。", "start": "已开始实施。",
	"request_acceptance": "已申请验收。", "complete": "已验收完成。", "stop": "已终止项目。", "key": "已更新重点项目标记。", "saved": "已保存。", "spend": "已登记支出。",
	"report": "进展报告已提交，等待项目所在村确认。", "report_confirm": "已确认进展报告。", "report_dispute": "已提出异议，牵头单位会收到通知。",
	"report_answer": "已答复异议，等待村里重新确认。",
}

func (s *server) projectDetail(w http.ResponseWriter, r *http.Request, q *request) error {
	p, err := s.st.Project(r.Context(), q.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.renderProject(w, r, q, http.StatusOK, &view{Flash: projectDone[r.URL.Query().Get("done")]}, p, nil, nil)
}

// renderProject shows a project's state and next steps first, then its
// parties, money and people (DESIGN §5a: state and next action first).
func (s *server) renderProject(w http.ResponseWriter, r *http.Request, q *request, status int, v *view, p *zhuxiang.Project, errs formErrors, spend *spendInput) error {
	a := q.actor
	d := projectDetailData{Project: p, Actions: zhuxiang.ProjectActions(a, p), CanKey: zhuxiang.CanMarkKeyProject(a) == nil,
		CanEdit: zhuxiang.CanEditProject(a, p) == nil, CanSpend: zhuxiang.CanSpendProject(a, p) == nil, Sources: zhuxiang.FundSources, Errors: errs}
	if spend != nil {
		d.Spend = *spend
	}
	d.CanReport = zhuxiang.CanWriteReport(a, p) == nil
	reports, err := s.projectReports(r, a, p)
	if err != nil {
		return err
	}
	d.Reports = reports
	for _, rv := range reports {
		if rv.Status == zhuxiang.ReportDisputed {
			d.Disputed++
		}
	}
	if d.Disputed > 0 {
		// The store refuses completion while a report is disputed; the page
		// says why instead of offering a button that cannot work.
		d.Actions = slices.DeleteFunc(d.Actions, func(t zhuxiang.ProjectTransition) bool { return t.To == zhuxiang.ProjectCompleted })
	}
	brands, err := s.st.BrandsOfProject(r.Context(), a, p.ID)
	if err != nil {
		return err
	}
	d.Brands = brands
	d.CanBrand = zhuxiang.CanManageBrands(a) == nil && slices.Contains(zhuxiang.BrandProjectStatuses, p.Status)
	for _, id := range p.NeedIDs {
		pn := projectNeed{ID: id}
		if n, err := s.st.Need(r.Context(), a, id); err == nil {
			pn.Title, pn.Visible = n.Title, true
		} else if zhuxiang.ErrorCodeOf(err) != zhuxiang.ENotFound && zhuxiang.ErrorCodeOf(err) != zhuxiang.EForbidden {
			return err
		}
		d.Needs = append(d.Needs, pn)
	}
	v.Title, v.Nav, v.Data = p.Name, "projects", d
	s.render(w, r, status, "project", v)
	return nil
}

// projectConfirmData is the confirmation of step t on project p; reason is
// what was typed already, if anything.
func projectConfirmData(p *zhuxiang.Project, t zhuxiang.ProjectTransition, reason string) confirmData {
	back := "/projects/" + url.PathEscape(p.ID)
	return confirmData{Label: t.Label, Danger: t.To == zhuxiang.ProjectStopped, Summary: t.Confirm, Action: back + "/transition",
		Hidden: []hiddenField{{"name", t.Name}, {"version", strconv.Itoa(p.Version)}},
		Reason: t.Reason, ReasonLabel: t.Label + "的理由（必填，项目牵头单位和所在村会看到）", ReasonValue: reason, Back: back, BackLabel: p.Name}
}

// projectConfirm is the confirmation page of an irreversible step on a
// project (GET /projects/{id}/confirm?action=approve).
func (s *server) projectConfirm(w http.ResponseWriter, r *http.Request, q *request) error {
	p, err := s.st.Project(r.Context(), q.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	name := r.URL.Query().Get("action")
	t, ok := zhuxiang.FindProjectTransition(name)
	if !ok || t.Confirm == "" {
		return zhuxiang.Errorf(zhuxiang.ENotFound, "", "没有需要确认的操作")
	}
	if err := zhuxiang.CanProject(q.actor, p, name); err != nil {
		if code := zhuxiang.ErrorCodeOf(err); code == zhuxiang.EConflict {
			return s.renderProject(w, r, q, code.HTTPStatus(), &view{}, p, formErrors{"transition": zhuxiang.ErrorMessage(err)}, nil)
		}
		return err
	}
	s.renderConfirm(w, r, http.StatusOK, "projects", projectConfirmData(p, t, ""))
	return nil
}

// projectTransition applies a step of the project's lifecycle, as
// needTransition does for needs: an irreversible step posted without the
// confirmation shows the confirmation instead.
func (s *server) projectTransition(w http.ResponseWriter, r *http.Request, q *request) error {
	ctx, a := r.Context(), q.actor
	id, name, reason := r.PathValue("id"), r.PostForm.Get("name"), r.PostForm.Get("reason")
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	t, _ := zhuxiang.FindProjectTransition(name)
	st := lifecycleStep[*zhuxiang.Project]{nav: "projects", path: "/projects/" + url.PathEscape(id), name: name, label: t.Label, confirm: t.Confirm,
		load:  func() (*zhuxiang.Project, error) { return s.st.Project(ctx, a, id) },
		may:   func(p *zhuxiang.Project) bool { return zhuxiang.CanProject(a, p, name) == nil },
		data:  func(p *zhuxiang.Project) confirmData { return projectConfirmData(p, t, reason) },
		apply: func() error { return s.st.TransitionProject(ctx, a, id, name, reason, version) },
		page: func(p *zhuxiang.Project, status int, errs formErrors) error {
			return s.renderProject(w, r, q, status, &view{}, p, errs, nil)
		},
	}
	return applyStep(s, w, r, st)
}

// projectKey marks or unmarks a key project (the prefecture admin alone).
func (s *server) projectKey(w http.ResponseWriter, r *http.Request, q *request) error {
	id := r.PathValue("id")
	if err := s.st.SetProjectKey(r.Context(), q.actor, id, r.PostForm.Get("key") == "1"); err != nil {
		return err
	}
	redirect(w, r, "/projects/"+url.PathEscape(id)+"?done=key")
	return nil
}

// spendInput is the spending form as typed.
type spendInput struct{ Date, Source, Amount, Note string }

// projectSpend records one spending entry of a running project from the
// form on its page; a problem comes back beside its field, with what was
// typed kept.
func (s *server) projectSpend(w http.ResponseWriter, r *http.Request, q *request) error {
	ctx, a, f := r.Context(), q.actor, r.PostForm
	id := r.PathValue("id")
	in := spendInput{Date: strings.TrimSpace(f.Get("date")), Source: f.Get("source"), Amount: f.Get("amount"), Note: f.Get("note")}
	e := &zhuxiang.ProjectSpending{Date: in.Date, Source: zhuxiang.FundSource(in.Source), Note: in.Note}
	errs, status := formErrors{}, http.StatusUnprocessableEntity
	fen, err := parseYuan("amount", in.Amount)
	if err != nil {
		errs.add(err, spendFields...)
		fen = 1 // checked above; the other fields are still checked below
	}
	e.AmountFen = fen
	if len(errs) > 0 {
		errs.add(e.Validate(), spendFields...)
	} else {
		err = s.st.AddProjectSpending(ctx, a, id, e)
		switch code := zhuxiang.ErrorCodeOf(err); code {
		case "":
			redirect(w, r, "/projects/"+url.PathEscape(id)+"?done=spend#spending")
			return nil
		case zhuxiang.EInvalid:
			errs.add(err, spendFields...)
		case zhuxiang.EConflict:
			// The project is not running (any more): said by its state.
			status, errs = code.HTTPStatus(), formErrors{"transition": zhuxiang.ErrorMessage(err)}
		default:
			return err
		}
	}
	p, err := s.st.Project(ctx, a, id)
	if err != nil {
		return err
	}
	return s.renderProject(w, r, q, status, &view{}, p, errs, &in)
}

// spendFields are the spending form's fields, as the domain names them.
var spendFields = []string{"date", "source", "amount", "note"}
