package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"zhuxiang"
	"zhuxiang/attach"
	"zhuxiang/store"
)

// Brands (项目品牌): every signed-in user reads them; the prefecture admin
// creates, edits, publishes and withdraws them (zhuxiang.CanManageBrands).
// A brand's figures are its projects' sums, computed on read.

// brandFilters are the brand list's query parameters.
type brandFilters struct {
	Level  string
	Status string
}

func readBrandFilters(qs url.Values) brandFilters {
	f := brandFilters{Level: qs.Get("level"), Status: qs.Get("status")}
	if !slices.Contains(zhuxiang.BrandLevels, zhuxiang.BrandLevel(f.Level)) {
		f.Level = ""
	}
	if !slices.Contains(zhuxiang.BrandStatuses, zhuxiang.BrandStatus(f.Status)) {
		f.Status = ""
	}
	return f
}

// Active tells the page whether to offer "清除".
func (f brandFilters) Active() bool { return f.Level != "" || f.Status != "" }

var brandLevelOptions, brandStatusOptions []option

func init() {
	for _, l := range zhuxiang.BrandLevels {
		brandLevelOptions = append(brandLevelOptions, option{string(l), l.Label()})
	}
	for _, s := range zhuxiang.BrandStatuses {
		brandStatusOptions = append(brandStatusOptions, option{string(s), s.Label()})
	}
}

// brandBadge picks the badge colour of a brand's status.
func brandBadge(s zhuxiang.BrandStatus) string {
	switch s {
	case zhuxiang.BrandPublished:
		return "badge-ok"
	case zhuxiang.BrandWithdrawn:
		return "badge-danger"
	}
	return "badge-todo"
}

type brandListData struct {
	F         brandFilters
	Brands    []*zhuxiang.Brand
	Levels    []option
	Statuses  []option
	CanCreate bool
}

// brandList lists every brand with its logo's thumbnail and its sums.
func (s *server) brandList(w http.ResponseWriter, r *http.Request, q *request) error {
	content, err := s.cachedContent(r, q, "brands", func() (any, error) {
		f := readBrandFilters(r.URL.Query())
		bs, err := s.st.ListBrands(r.Context(), q.actor, store.BrandFilter{Level: zhuxiang.BrandLevel(f.Level), Status: zhuxiang.BrandStatus(f.Status)})
		if err != nil {
			return nil, err
		}
		return brandListData{F: f, Brands: bs, Levels: brandLevelOptions, Statuses: brandStatusOptions, CanCreate: zhuxiang.CanManageBrands(q.actor) == nil}, nil
	})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "cached", &view{Title: "项目品牌", Nav: "brands", Data: content})
	return nil
}

type brandDetailData struct {
	Brand   *zhuxiang.Brand
	Figures zhuxiang.BrandFigures
	Actions []zhuxiang.BrandTransition
	CanEdit bool
	Errors  formErrors
}

// brandDone are the flash messages after a change, by its name.
var brandDone = map[string]string{"saved": "已保存。", "publish": "已发布，公众可在公开网站上看到该品牌。", "withdraw": "已撤下，公开网站不再显示该品牌。"}

func (s *server) brandDetail(w http.ResponseWriter, r *http.Request, q *request) error {
	b, err := s.st.Brand(r.Context(), q.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.renderBrand(w, r, q, http.StatusOK, &view{Flash: brandDone[r.URL.Query().Get("done")]}, b, nil)
}

// renderBrand shows a brand's state and the steps the user may take first,
// then its figures and its projects.
func (s *server) renderBrand(w http.ResponseWriter, r *http.Request, q *request, status int, v *view, b *zhuxiang.Brand, errs formErrors) error {
	d := brandDetailData{Brand: b, Figures: b.Figures(), Actions: zhuxiang.BrandActions(q.actor, b), CanEdit: zhuxiang.CanManageBrands(q.actor) == nil, Errors: errs}
	v.Title, v.Nav, v.Data = b.Name, "brands", d
	s.render(w, r, status, "brand", v)
	return nil
}

// brandTransition publishes or withdraws a brand. Neither step is final
// (a withdrawn brand may be published again), so none asks to confirm.
func (s *server) brandTransition(w http.ResponseWriter, r *http.Request, q *request) error {
	ctx, id := r.Context(), r.PathValue("id")
	name := r.PostForm.Get("name")
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	err := s.st.TransitionBrand(ctx, q.actor, id, name, r.PostForm.Get("reason"), version)
	switch code := zhuxiang.ErrorCodeOf(err); code {
	case "":
		redirect(w, r, "/brands/"+url.PathEscape(id)+"?done="+url.QueryEscape(name))
		return nil
	case zhuxiang.EInvalid, zhuxiang.EConflict:
		b, lerr := s.st.Brand(ctx, q.actor, id)
		if lerr != nil {
			return lerr
		}
		return s.renderBrand(w, r, q, code.HTTPStatus(), &view{}, b, formErrors{"transition": zhuxiang.ErrorMessage(err)})
	}
	return err
}

// brandLogo sends a brand's logo, or with thumb its thumbnail, through
// attach.Serve.
func (s *server) brandLogo(thumb bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, q *request) error {
		f, err := s.st.BrandLogo(r.Context(), q.actor, r.PathValue("id"), thumb)
		if err != nil {
			return err
		}
		attach.Serve(w, r, *f)
		return nil
	}
}

// brandCandidate is a project the form offers, ticked when the brand has
// it.
type brandCandidate struct {
	zhuxiang.BrandProject
	Checked bool
}

type brandFormData struct {
	B          *zhuxiang.Brand
	New        bool
	Action     string
	Year       string // as typed
	Counties   []option
	Levels     []option
	Candidates []brandCandidate
	Errors     formErrors
}

// brandFields are the form's fields, as the domain names them.
var brandFields = []string{"name", "level", "county", "year", "description", "projects", "logo"}

// brandForm prepares the form for b: the projects that may form a brand,
// key projects first, with b's own ticked (and kept on the list even if
// they may no longer form one, so that the admin sees why a save fails).
func (s *server) brandForm(r *http.Request, q *request, b *zhuxiang.Brand, isNew bool) (*brandFormData, error) {
	ctx := r.Context()
	counties, err := q.counties(ctx, s.st)
	if err != nil {
		return nil, err
	}
	cands, err := s.st.BrandCandidates(ctx, q.actor, "", 0)
	if err != nil {
		return nil, err
	}
	d := &brandFormData{B: b, New: isNew, Counties: countyOptions(counties), Levels: brandLevelOptions, Errors: formErrors{}}
	d.Action = "/brands/new"
	if !isNew {
		d.Action = "/brands/" + url.PathEscape(b.ID) + "/edit"
	}
	if b.Year != 0 {
		d.Year = strconv.Itoa(b.Year)
	}
	listed := map[string]bool{}
	for _, p := range b.Projects {
		if slices.Contains(b.ProjectIDs, p.ID) {
			d.Candidates = append(d.Candidates, brandCandidate{p, true})
			listed[p.ID] = true
		}
	}
	for _, p := range cands {
		if !listed[p.ID] {
			d.Candidates = append(d.Candidates, brandCandidate{p, slices.Contains(b.ProjectIDs, p.ID)})
		}
	}
	return d, nil
}

func (s *server) renderBrandForm(w http.ResponseWriter, r *http.Request, status int, d *brandFormData) {
	title := "认定项目品牌"
	if !d.New {
		title = "修改品牌：" + d.B.Name
	}
	s.render(w, r, status, "brand_form", &view{Title: title, Nav: "brands", Data: d})
}

func (s *server) brandNew(w http.ResponseWriter, r *http.Request, q *request) error {
	if err := zhuxiang.CanManageBrands(q.actor); err != nil {
		return err
	}
	b := &zhuxiang.Brand{Level: zhuxiang.BrandPrefecture, Year: time.Now().In(s.loc).Year()}
	// ?project=ID starts the brand from a project's page.
	if id := r.URL.Query().Get("project"); zhuxiang.IsID(id) {
		b.ProjectIDs = []string{id}
	}
	d, err := s.brandForm(r, q, b, true)
	if err != nil {
		return err
	}
	s.renderBrandForm(w, r, http.StatusOK, d)
	return nil
}

func (s *server) brandEdit(w http.ResponseWriter, r *http.Request, q *request) error {
	if err := zhuxiang.CanManageBrands(q.actor); err != nil {
		return err
	}
	b, err := s.st.Brand(r.Context(), q.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	d, err := s.brandForm(r, q, b, false)
	if err != nil {
		return err
	}
	s.renderBrandForm(w, r, http.StatusOK, d)
	return nil
}

// readBrandForm reads the posted form, multipart (with a logo) or plain,
// into b; errs gets what cannot be read.
func readBrandForm(r *http.Request, q *request, b *zhuxiang.Brand, errs formErrors) (year string, logo *store.LogoFile) {
	vals := r.PostForm
	if q.mr != nil {
		var name string
		var data []byte
		vals, name, data = readUpload(q, "logo", attach.MaxBytes, "品牌标志", errs)
		if len(data) > 0 {
			logo = &store.LogoFile{Name: name, Data: data}
		}
	}
	b.Name, b.Description = vals.Get("name"), vals.Get("description")
	b.Level, b.CountyCode = zhuxiang.BrandLevel(vals.Get("level")), vals.Get("county")
	b.Version, _ = strconv.Atoi(vals.Get("version"))
	b.ProjectIDs = nil
	for _, id := range vals["projects"] {
		if id = strings.TrimSpace(id); id != "" && !slices.Contains(b.ProjectIDs, id) {
			b.ProjectIDs = append(b.ProjectIDs, id)
		}
	}
	year = strings.TrimSpace(vals.Get("year"))
	if y, err := strconv.Atoi(year); err == nil {
		b.Year = y
	} else {
		b.Year = 0
		if year != "" {
			errs["year"] = "认定年份应为四位数字，如 2025"
		}
	}
	return year, logo
}

// brandSave handles both the new brand's form and the edit form: what was
// typed comes back with every problem beside its field; a chosen logo must
// be chosen again (a browser never refills a file field).
func (s *server) brandSave(w http.ResponseWriter, r *http.Request, q *request) error {
	ctx, a := r.Context(), q.actor
	if err := zhuxiang.CanManageBrands(a); err != nil {
		return err
	}
	id := r.PathValue("id")
	b := &zhuxiang.Brand{}
	if id != "" {
		old, err := s.st.Brand(ctx, a, id)
		if err != nil {
			return err
		}
		b.ID, b.Projects, b.Logo, b.Status = old.ID, old.Projects, old.Logo, old.Status
	}
	errs := formErrors{}
	year, logo := readBrandForm(r, q, b, errs)
	var err error
	if len(errs) == 0 {
		if id == "" {
			id, err = s.st.CreateBrand(ctx, a, b, logo)
		} else {
			err = s.st.UpdateBrand(ctx, a, b, logo)
		}
		switch code := zhuxiang.ErrorCodeOf(err); code {
		case "":
			redirect(w, r, "/brands/"+url.PathEscape(id)+"?done=saved")
			return nil
		case zhuxiang.EInvalid, zhuxiang.EConflict, zhuxiang.ETooLarge:
			errs.add(err, brandFields...)
		default:
			return err
		}
	} else {
		errs.add(b.Validate(), brandFields...)
	}
	d, ferr := s.brandForm(r, q, b, b.ID == "")
	if ferr != nil {
		return ferr
	}
	d.Year, d.Errors = year, errs
	if logo != nil && errs["logo"] == "" {
		errs["logo"] = "表单有误未保存，请重新选择品牌标志图片"
	}
	s.renderBrandForm(w, r, http.StatusUnprocessableEntity, d)
	return nil
}
