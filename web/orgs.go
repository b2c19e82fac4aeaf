package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"zhuxiang"
	"zhuxiang/importer"
	"zhuxiang/store"
)

// orgFilters are the list's query parameters; the same names serve the
// page, its pagination links and the export.
type orgFilters struct {
	County string
	Kind   string
	Form   string
	Rating string // "", "1".."5", "none", "lapsed", "expiring"
	Insp   string // "", "overdue", "due": the annual inspection
	Flag   string
	Dept   string
	Q      string
	Cursor string
}

// deptFilter says whether the list offers the supervising-department
// filter: to whoever sees organizations of several departments (the whole
// registry or a county's), as the API's department parameter does; a
// department or an organization user has one.
func deptFilter(a zhuxiang.Actor) bool {
	sc := zhuxiang.OrgScope(a)
	return sc.All || sc.County != ""
}

func readOrgFilters(qs url.Values, a zhuxiang.Actor) orgFilters {
	f := orgFilters{County: qs.Get("county"), Kind: qs.Get("kind"), Form: qs.Get("form"), Rating: qs.Get("rating"), Insp: qs.Get("inspection"),
		Flag: qs.Get("flag"), Q: strings.TrimSpace(qs.Get("q")), Cursor: qs.Get("cursor")}
	if deptFilter(a) {
		f.Dept = qs.Get("dept")
	}
	if _, ok := zhuxiang.ParseOrgKind(f.Kind); !ok {
		f.Kind = ""
	}
	if _, ok := zhuxiang.ParseLegalForm(f.Form); !ok {
		f.Form = ""
	}
	switch f.Flag {
	case "", "abnormal", "dishonest", "any", "none":
	default:
		f.Flag = ""
	}
	if n, err := strconv.Atoi(f.Rating); f.Rating != "none" && f.Rating != "lapsed" && f.Rating != "expiring" && (err != nil || n < 1 || n > 5) {
		f.Rating = ""
	}
	if f.Insp != "overdue" && f.Insp != "due" {
		f.Insp = ""
	}
	if len([]rune(f.Q)) > 100 {
		f.Q = string([]rune(f.Q)[:100])
	}
	return f
}

// store converts the filters for ListOrgs and the export.
func (f orgFilters) store() store.OrgFilter {
	sf := store.OrgFilter{County: f.County, Kind: zhuxiang.OrgKind(f.Kind), LegalForm: zhuxiang.LegalForm(f.Form),
		Flag: f.Flag, Department: f.Dept, Inspection: f.Insp, Q: f.Q, Cursor: f.Cursor, Limit: 20}
	switch f.Rating {
	case "none":
		sf.Rating = -1
	case "lapsed", "expiring":
		sf.RatingState = f.Rating
	}
	if n, err := strconv.Atoi(f.Rating); err == nil {
		sf.Rating = n
	}
	return sf
}

// query renders the filters (without the cursor) for links that keep them.
func (f orgFilters) query() string {
	v := url.Values{}
	for k, x := range map[string]string{"county": f.County, "kind": f.Kind, "form": f.Form, "rating": f.Rating, "inspection": f.Insp, "flag": f.Flag, "dept": f.Dept, "q": f.Q} {
		if x != "" {
			v.Set(k, x)
		}
	}
	return v.Encode()
}

// Active tells the page whether to offer "清除" (clear the filters).
func (f orgFilters) Active() bool { return f.query() != "" }

type orgListData struct {
	F         orgFilters
	Page      *store.OrgPage
	Rows      []orgRow
	Selects   template.HTML // the filter form's selects, from the "orgselects" template
	Counties  []option
	Kinds     []option
	Forms     []option
	Ratings   []option
	Insps     []option
	Flags     []option
	Depts     []option // only for the admin, who may filter by department
	FirstURL  string
	NextURL   string
	ExportURL string
	CanCreate bool
	Cap       int // the store counts up to this many matches
}

// orgRow is an organization as the list shows it, every label worked out
// once, so that the template only writes them out.
type orgRow struct {
	ID, Name, CreditCode, Form, Kinds, Department, Rating string
	County                                                string // county name; empty when registered outside
	Place                                                 string // registered where, when outside
	Flags                                                 []string
}

// orgList is the page the load test hits: one ListOrgs, the counties for
// names, and the departments for the filter where the actor may filter by
// them; nothing per row. Its content is kept in the response cache, so
// between writes a request only reads its session and joins two cached
// pieces.
func (s *server) orgList(w http.ResponseWriter, r *http.Request, q *request) error {
	content, err := s.cachedContent(r, q, "orgs", func() (any, error) { return s.orgListData(r, q) })
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "cached", &view{Title: "社会组织", Nav: "orgs", Data: content})
	return nil
}

// orgListData reads what the list shows for the request's filters.
func (s *server) orgListData(r *http.Request, q *request) (*orgListData, error) {
	ctx, a := r.Context(), q.actor
	f := readOrgFilters(r.URL.Query(), a)
	page, err := s.st.ListOrgs(ctx, a, f.store())
	if zhuxiang.ErrorCodeOf(err) == zhuxiang.EInvalid && f.Cursor != "" {
		// A mangled cursor from an old bookmark: start again at page one
		// rather than showing an error about an invisible parameter.
		f.Cursor = ""
		page, err = s.st.ListOrgs(ctx, a, f.store())
	}
	if err != nil {
		return nil, err
	}
	counties, err := q.counties(ctx, s.st)
	if err != nil {
		return nil, err
	}
	names, _ := q.countyNames(ctx, s.st)
	d := &orgListData{F: f, Page: page, CanCreate: zhuxiang.CanCreateOrg(a) == nil, Cap: store.CountCap,
		Kinds: kindOptions, Forms: formOptions, Ratings: ratingOptions, Insps: inspectionOptions, Flags: flagOptions, Rows: buildOrgRows(page, names)}
	for _, c := range counties {
		d.Counties = append(d.Counties, option{c.Code, c.Name})
	}
	d.Counties = append(d.Counties, option{"outside", "州外登记"})
	if deptFilter(a) {
		depts, err := s.st.Departments(ctx, a)
		if err != nil {
			return nil, err
		}
		for _, dep := range depts {
			d.Depts = append(d.Depts, option{dep.ID, dep.Name})
		}
	}
	sel := f
	sel.Q, sel.Cursor = "", ""
	if d.Selects, err = s.fragment(q, "orgs", "orgselects", sel.query(), d); err != nil {
		return nil, err
	}
	base := f.query()
	d.FirstURL, d.ExportURL = "/orgs", "/orgs/export.xlsx"
	if base != "" {
		d.FirstURL += "?" + base
		d.ExportURL += "?" + base
	}
	if page.Next != "" {
		sep := "?"
		if base != "" {
			sep = "?" + base + "&"
		}
		d.NextURL = "/orgs" + sep + "cursor=" + url.QueryEscape(page.Next)
	}
	return d, nil
}

// headerOnWrite sets the download headers only when the first byte is
// written, so that an export refused before any output still becomes an
// ordinary error page instead of a broken file.
type headerOnWrite struct {
	http.ResponseWriter
	set     func(http.Header)
	started bool
}

// Write sets the download headers before the first byte goes out.
func (h *headerOnWrite) Write(b []byte) (int, error) {
	if !h.started {
		h.started = true
		h.set(h.ResponseWriter.Header())
	}
	return h.ResponseWriter.Write(b)
}

func (s *server) orgExport(w http.ResponseWriter, r *http.Request, q *request) error {
	f := readOrgFilters(r.URL.Query(), q.actor)
	f.Cursor = ""
	name := "社会组织名录-" + time.Now().In(s.loc).Format("20060102") + ".xlsx"
	hw := &headerOnWrite{ResponseWriter: w, set: func(h http.Header) {
		h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		h.Set("Content-Disposition", "attachment; filename=\"orgs.xlsx\"; filename*=UTF-8''"+url.PathEscape(name))
		h.Set("Cache-Control", "no-store")
	}}
	err := importer.ExportOrgs(r.Context(), s.st, q.actor, f.store(), hw)
	if err != nil && hw.started {
		s.log.Error("export aborted", "err", err)
		return nil
	}
	return err
}

type orgDetailData struct {
	Org         *zhuxiang.Org
	Perm        zhuxiang.OrgPermission
	RatingUntil string
	RatingValid bool
	Latest      zhuxiang.Inspection
	HasLatest   bool
	RegPlace    string
	Audit       []auditRow
}

// orgDetail shows state first (rating, inspection, flags), then contact,
// then history, as DESIGN §5a asks of detail pages.
func (s *server) orgDetail(w http.ResponseWriter, r *http.Request, q *request) error {
	ctx, a := r.Context(), q.actor
	o, err := s.st.Org(ctx, a, r.PathValue("id"))
	if err != nil {
		return err
	}
	d := orgDetailData{Org: o, Perm: zhuxiang.OrgPermissions(a, o)}
	now := time.Now().In(s.loc)
	if o.Rating > 0 && o.RatingDate != "" {
		if t, err := time.Parse(zhuxiang.DateLayout, o.RatingDate); err == nil {
			d.RatingUntil = t.AddDate(zhuxiang.RatingValidYears, 0, 0).Format(zhuxiang.DateLayout)
		}
		d.RatingValid = o.RatingValid(now)
	}
	d.Latest, d.HasLatest = o.LatestInspection()
	d.RegPlace = o.RegPlace
	if o.RegCounty != "" {
		names, err := q.countyNames(ctx, s.st)
		if err != nil {
			return err
		}
		d.RegPlace = names[o.RegCounty]
	}
	history, err := s.st.OrgHistory(ctx, a, o.ID, 50)
	if err != nil {
		return err
	}
	// The organization's own entries name no other record: no lookup.
	if d.Audit, err = s.auditRows(ctx, a, history, false); err != nil {
		return err
	}
	v := &view{Title: o.Name, Nav: "orgs", Data: d}
	if r.URL.Query().Get("saved") != "" {
		v.Flash = "已保存"
		if r.URL.Query().Get("warn") != "" {
			v.Warn = zhuxiang.CreditCodeFormWarning(o.CreditCode, o.LegalForm)
		}
	}
	s.render(w, r, http.StatusOK, "org", v)
	return nil
}

// orgInput is what the form sent beyond the Org itself: rows as typed,
// the choice of "outside the prefecture", and problems found while parsing.
type orgInput struct {
	insp    []inspRow
	flags   []flagRow
	outside bool
	errs    formErrors
}

// inspRow and flagRow keep what the user typed, even when it does not
// parse, so that a rejected form comes back as it was sent.
type inspRow struct {
	Year   string
	Result string
}

type flagRow struct {
	Kind    zhuxiang.FlagKind
	Checked bool
	Source  string
	Date    string
}

type orgFormData struct {
	New         bool
	Action      string
	Org         *zhuxiang.Org
	Perm        zhuxiang.OrgPermission
	Insp        []inspRow
	Flags       []flagRow
	Counties    []*zhuxiang.Region
	CountyNames map[string]string
	Departments []*zhuxiang.Department
	CountyFixed bool // a county user registers only in its own county
	Outside     bool // registered outside the prefecture
	Errors      formErrors
}

func (s *server) orgNew(w http.ResponseWriter, r *http.Request, q *request) error {
	if err := zhuxiang.CanCreateOrg(q.actor); err != nil {
		return err
	}
	o := &zhuxiang.Org{RegCounty: zhuxiang.OrgCountyFixed(q.actor)}
	return s.renderOrgForm(w, r, http.StatusOK, q, o, zhuxiang.OrgPermission{Edit: true, Registry: true}, nil)
}

func (s *server) orgEdit(w http.ResponseWriter, r *http.Request, q *request) error {
	o, err := s.st.Org(r.Context(), q.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	perm := zhuxiang.OrgPermissions(q.actor, o)
	if !perm.Edit {
		return zhuxiang.Errorf(zhuxiang.EForbidden, "", "无权修改“%s”", o.Name)
	}
	return s.renderOrgForm(w, r, http.StatusOK, q, o, perm, nil)
}

func (s *server) renderOrgForm(w http.ResponseWriter, r *http.Request, status int, q *request, o *zhuxiang.Org, perm zhuxiang.OrgPermission, in *orgInput) error {
	if in == nil {
		in = &orgInput{outside: o.ID != "" && o.RegCounty == ""}
	}
	insp, flags := in.insp, in.flags
	ctx := r.Context()
	counties, err := q.counties(ctx, s.st)
	if err != nil {
		return err
	}
	names, _ := q.countyNames(ctx, s.st)
	depts, err := s.st.Departments(ctx, q.actor)
	if err != nil {
		return err
	}
	if insp == nil {
		for _, in := range o.Inspections {
			insp = append(insp, inspRow{Year: strconv.Itoa(in.Year), Result: in.Result})
		}
	}
	// Always offer blank rows, so a new year can be added without script.
	for range 2 {
		insp = append(insp, inspRow{})
	}
	if flags == nil {
		for _, k := range []zhuxiang.FlagKind{zhuxiang.FlagAbnormal, zhuxiang.FlagDishonest} {
			fr := flagRow{Kind: k}
			for _, f := range o.Flags {
				if f.Kind == k {
					fr.Checked, fr.Source, fr.Date = true, f.Source, f.Date
				}
			}
			flags = append(flags, fr)
		}
	}
	d := orgFormData{New: o.ID == "", Org: o, Perm: perm, Insp: insp, Flags: flags, Counties: counties, CountyNames: names,
		Departments: depts, CountyFixed: zhuxiang.OrgCountyFixed(q.actor) != "", Outside: in.outside, Errors: in.errs}
	title := "新增社会组织"
	d.Action = "/orgs/new"
	if !d.New {
		title = "修改：" + o.Name
		d.Action = "/orgs/" + url.PathEscape(o.ID) + "/edit"
	}
	s.render(w, r, status, "org_form", &view{Title: title, Nav: "orgs", Data: d})
	return nil
}

// readOrgForm copies the posted fields onto o. Registry facts are read only
// when the actor may change them; a county user's organizations stay in
// its county whatever the form says. Values that do not parse are kept as
// typed and reported next to their field.
func readOrgForm(pf url.Values, a zhuxiang.Actor, o *zhuxiang.Org, perm zhuxiang.OrgPermission) *orgInput {
	errs := formErrors{}
	in := &orgInput{errs: errs, outside: o.ID != "" && o.RegCounty == ""}
	o.Name = pf.Get("name")
	o.Kinds = nil
	for _, k := range pf["kinds"] {
		if kind, ok := zhuxiang.ParseOrgKind(k); ok {
			o.Kinds = append(o.Kinds, kind)
		}
	}
	o.Contact, o.Phone, o.Address, o.Intro = pf.Get("contact"), pf.Get("phone"), pf.Get("address"), pf.Get("intro")
	o.Version, _ = strconv.Atoi(pf.Get("version"))
	if !perm.Registry {
		return in
	}
	o.CreditCode = pf.Get("credit_code")
	o.LegalForm = zhuxiang.LegalForm(pf.Get("legal_form"))
	o.DepartmentID = pf.Get("department")
	var err error
	if o.Rating, err = zhuxiang.ParseRating(pf.Get("rating")); err != nil {
		errs["rating"] = zhuxiang.ErrorMessage(err)
	}
	o.RatingDate = strings.TrimSpace(pf.Get("rating_date"))
	if d, err := zhuxiang.ParseDate("rating_date", o.RatingDate); err != nil {
		errs["rating_date"] = zhuxiang.ErrorMessage(err)
	} else {
		o.RatingDate = d
	}
	years, results := pf["insp_year"], pf["insp_result"]
	var rows []inspRow
	o.Inspections = nil
	for i := range years {
		row := inspRow{Year: strings.TrimSpace(years[i])}
		if i < len(results) {
			row.Result = results[i]
		}
		if row.Year == "" && row.Result == "" {
			continue
		}
		rows = append(rows, row)
		y, err := strconv.Atoi(strings.TrimSuffix(row.Year, "年"))
		if err != nil {
			errs["inspections"] = "年检年度“" + row.Year + "”应为四位年份，如2025"
			continue
		}
		res, ok := zhuxiang.ParseInspectionResult(row.Result)
		if !ok {
			errs["inspections"] = row.Year + "年的年检结论请选择合格、基本合格或不合格"
			continue
		}
		o.Inspections = append(o.Inspections, zhuxiang.Inspection{Year: y, Result: res})
	}
	var flags []flagRow
	o.Flags = nil
	for _, k := range []zhuxiang.FlagKind{zhuxiang.FlagAbnormal, zhuxiang.FlagDishonest} {
		fr := flagRow{Kind: k, Checked: pf.Get("flag_"+string(k)) != "", Source: strings.TrimSpace(pf.Get("flag_" + string(k) + "_source")),
			Date: strings.TrimSpace(pf.Get("flag_" + string(k) + "_date"))}
		flags = append(flags, fr)
		if !fr.Checked {
			continue
		}
		d, err := zhuxiang.ParseDate("flags", fr.Date)
		switch {
		case err != nil:
			errs["flags"] = zhuxiang.ErrorMessage(err)
		case d == "":
			errs["flags"] = "列入" + k.Label() + "名录须填写列入日期"
		default:
			o.Flags = append(o.Flags, zhuxiang.OrgFlag{Kind: k, Source: fr.Source, Date: d})
		}
	}
	in.insp, in.flags = rows, flags
	switch rc := pf.Get("reg_county"); {
	case zhuxiang.OrgCountyFixed(a) != "":
		o.RegCounty, o.RegPlace, in.outside = zhuxiang.OrgCountyFixed(a), "", false
	case rc == "outside":
		o.RegCounty, o.RegPlace, in.outside = "", strings.TrimSpace(pf.Get("reg_place")), true
	default:
		o.RegCounty, o.RegPlace, in.outside = rc, "", false
	}
	return in
}

// orgFields are the fields the form shows errors next to; anything else
// the store names is shown at the top.
var orgFields = []string{"name", "credit_code", "legal_form", "kinds", "department", "rating", "rating_date", "inspections",
	"flags", "reg_county", "reg_place", "contact", "phone", "address", "intro"}

func (s *server) orgCreate(w http.ResponseWriter, r *http.Request, q *request) error {
	if err := zhuxiang.CanCreateOrg(q.actor); err != nil {
		return err
	}
	perm := zhuxiang.OrgPermission{Edit: true, Registry: true}
	o := &zhuxiang.Org{}
	in := readOrgForm(r.PostForm, q.actor, o, perm)
	if len(in.errs) > 0 {
		// Every other problem too, so the form shows them all at once.
		_, err := o.Validate()
		in.errs.add(err, orgFields...)
		return s.renderOrgForm(w, r, http.StatusUnprocessableEntity, q, o, perm, in)
	}
	warn, err := s.st.CreateOrg(r.Context(), q.actor, o)
	if err != nil {
		return s.orgSaveFailed(w, r, q, o, perm, in, err)
	}
	s.afterOrgSave(w, r, o, warn)
	return nil
}

func (s *server) orgUpdate(w http.ResponseWriter, r *http.Request, q *request) error {
	old, err := s.st.Org(r.Context(), q.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	perm := zhuxiang.OrgPermissions(q.actor, old)
	if !perm.Edit {
		return zhuxiang.Errorf(zhuxiang.EForbidden, "", "无权修改“%s”", old.Name)
	}
	o := *old
	in := readOrgForm(r.PostForm, q.actor, &o, perm)
	if len(in.errs) > 0 {
		_, err := o.Validate()
		in.errs.add(err, orgFields...)
		return s.renderOrgForm(w, r, http.StatusUnprocessableEntity, q, &o, perm, in)
	}
	warn, err := s.st.UpdateOrg(r.Context(), q.actor, &o)
	if err != nil {
		return s.orgSaveFailed(w, r, q, &o, perm, in, err)
	}
	s.afterOrgSave(w, r, &o, warn)
	return nil
}

// orgSaveFailed re-renders the form for what the user can fix (invalid
// input, a stale version, a taken credit code) and leaves the rest to the
// error pages.
func (s *server) orgSaveFailed(w http.ResponseWriter, r *http.Request, q *request, o *zhuxiang.Org, perm zhuxiang.OrgPermission, in *orgInput, err error) error {
	switch zhuxiang.ErrorCodeOf(err) {
	case zhuxiang.EInvalid:
		in.errs = fieldError(err, orgFields...)
		return s.renderOrgForm(w, r, http.StatusUnprocessableEntity, q, o, perm, in)
	case zhuxiang.EConflict:
		in.errs = fieldError(err, orgFields...)
		return s.renderOrgForm(w, r, http.StatusConflict, q, o, perm, in)
	}
	return err
}

func (s *server) afterOrgSave(w http.ResponseWriter, r *http.Request, o *zhuxiang.Org, warn string) {
	to := "/orgs/" + url.PathEscape(o.ID) + "?saved=1"
	if warn != "" {
		to += "&warn=1"
	}
	redirect(w, r, to)
}

// buildOrgRows turns a page of organizations into display rows, with the
// county names given.
func buildOrgRows(page *store.OrgPage, names map[string]string) []orgRow {
	rows := make([]orgRow, len(page.Orgs))
	var kinds strings.Builder
	for i, o := range page.Orgs {
		kinds.Reset()
		for j, k := range o.Kinds {
			if j > 0 {
				kinds.WriteString("、")
			}
			kinds.WriteString(k.Label())
		}
		row := orgRow{ID: o.ID, Name: o.Name, CreditCode: o.CreditCode, Form: o.LegalForm.Label(), Kinds: kinds.String(),
			Department: o.Department, County: names[o.RegCounty], Place: o.RegPlace}
		if o.Rating > 0 {
			row.Rating = o.RatingLabel()
		}
		for _, fl := range o.Flags {
			row.Flags = append(row.Flags, fl.Kind.Label())
		}
		rows[i] = row
	}
	return rows
}
