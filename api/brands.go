package api

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"

	"zhuxiang"
	"zhuxiang/attach"
	"zhuxiang/store"
)

// Brands (项目品牌): every signed-in caller reads them; the prefecture admin
// creates, changes, publishes and withdraws them. Their figures are summed
// from their projects on every read.

// brandProjectJSON is what a brand shows of one of its projects.
type brandProjectJSON struct {
	ID            string   `json:"id"`
	Name          string   `json:"name"`
	Status        string   `json:"status"`
	StatusLabel   string   `json:"status_label"`
	Key           bool     `json:"key"`
	LeadOrg       string   `json:"lead_org"`
	CountyCode    string   `json:"county_code"`
	County        string   `json:"county"`
	Villages      []string `json:"villages"`
	VillageNames  []string `json:"village_names"`
	BudgetFen     int64    `json:"budget_fen"`
	SpentFen      int64    `json:"spent_fen"`
	PeopleTarget  int      `json:"people_target"`
	PeopleReached int      `json:"people_reached"`
}

// brandFiguresJSON are a brand's sums over its projects.
type brandFiguresJSON struct {
	Projects      int   `json:"projects"`
	BudgetFen     int64 `json:"budget_fen"`
	SpentFen      int64 `json:"spent_fen"`
	PeopleTarget  int   `json:"people_target"`
	PeopleReached int   `json:"people_reached"`
	Villages      int   `json:"villages"`
	Counties      int   `json:"counties"`
}

// brandLogoJSON describes a brand's logo; the image is fetched from URL.
type brandLogoJSON struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Size     int64  `json:"size"`
	SHA256   string `json:"sha256"`
	Width    int    `json:"width"`
	Height   int    `json:"height"`
	URL      string `json:"url"`
	ThumbURL string `json:"thumb_url"`
}

// brandJSON is a brand as a signed-in caller receives it.
type brandJSON struct {
	ID          string             `json:"id"`
	Name        string             `json:"name"`
	Level       string             `json:"level"`
	LevelLabel  string             `json:"level_label"`
	CountyCode  string             `json:"county_code"`
	County      string             `json:"county"`
	Year        int                `json:"year"`
	Description string             `json:"description"`
	Logo        *brandLogoJSON     `json:"logo"`
	ProjectIDs  []string           `json:"project_ids"`
	Projects    []brandProjectJSON `json:"projects"`
	Figures     brandFiguresJSON   `json:"figures"`
	Status      string             `json:"status"`
	StatusLabel string             `json:"status_label"`
	Reason      string             `json:"reason"`
	Actions     []string           `json:"actions"`
	Version     int                `json:"version"`
	CreatedAt   string             `json:"created_at"`
	CreatedBy   string             `json:"created_by"`
	UpdatedAt   string             `json:"updated_at"`
	UpdatedBy   string             `json:"updated_by"`
}

func toBrandJSON(a zhuxiang.Actor, b *zhuxiang.Brand) brandJSON {
	f := b.Figures()
	out := brandJSON{ID: b.ID, Name: b.Name, Level: string(b.Level), LevelLabel: b.Level.Label(), CountyCode: b.CountyCode, County: b.County,
		Year: b.Year, Description: b.Description, ProjectIDs: nonNil(b.ProjectIDs), Projects: []brandProjectJSON{},
		Figures: brandFiguresJSON(f), Status: string(b.Status), StatusLabel: b.Status.Label(), Reason: b.Reason, Actions: []string{},
		Version: b.Version, CreatedAt: rfc3339(b.CreatedAt), CreatedBy: b.CreatedBy, UpdatedAt: rfc3339(b.UpdatedAt), UpdatedBy: b.UpdatedBy}
	if b.HasLogo() {
		l, base := b.Logo, Prefix+"/brands/"+url.PathEscape(b.ID)+"/logo"
		out.Logo = &brandLogoJSON{Name: l.Name, Type: l.Type, Size: l.Size, SHA256: l.SHA, Width: l.Width, Height: l.Height, URL: base, ThumbURL: base + "?thumb=1"}
	}
	for _, p := range b.Projects {
		out.Projects = append(out.Projects, brandProjectJSON{ID: p.ID, Name: p.Name, Status: string(p.Status), StatusLabel: p.Status.Label(), Key: p.Key,
			LeadOrg: p.LeadOrg, CountyCode: p.CountyCode, County: p.County, Villages: nonNil(p.Villages), VillageNames: nonNil(p.VillageNames),
			BudgetFen: p.BudgetFen, SpentFen: p.SpentFen, PeopleTarget: p.PeopleTarget, PeopleReached: p.PeopleReached})
	}
	for _, t := range zhuxiang.BrandActions(a, b) {
		out.Actions = append(out.Actions, t.Name)
	}
	return out
}

// brandInput is the body of POST and PUT: the fields a client sets, and
// the read-only ones of an answer, accepted and ignored. A logo travels
// base64 encoded, as a pairing's agreement does; without one, PUT keeps
// the brand's logo.
type brandInput struct {
	Name        string          `json:"name"`
	Level       string          `json:"level"`
	CountyCode  string          `json:"county_code"`
	Year        int             `json:"year"`
	Description string          `json:"description"`
	ProjectIDs  []string        `json:"project_ids"`
	Logo        json.RawMessage `json:"logo"`
	Version     *int            `json:"version"`

	ID          string          `json:"id"`
	LevelLabel  json.RawMessage `json:"level_label"`
	County      json.RawMessage `json:"county"`
	Projects    json.RawMessage `json:"projects"`
	Figures     json.RawMessage `json:"figures"`
	Status      json.RawMessage `json:"status"`
	StatusLabel json.RawMessage `json:"status_label"`
	Reason      json.RawMessage `json:"reason"`
	Actions     json.RawMessage `json:"actions"`
	CreatedAt   json.RawMessage `json:"created_at"`
	CreatedBy   json.RawMessage `json:"created_by"`
	UpdatedAt   json.RawMessage `json:"updated_at"`
	UpdatedBy   json.RawMessage `json:"updated_by"`
}

// logoUpload is a new logo in a body: its name and its bytes in base64.
// An answer's logo (with sha256 and url) sent back means "keep it".
type logoUpload struct {
	Name string `json:"name"`
	Data string `json:"data"`
}

func (in *brandInput) toBrand() (*zhuxiang.Brand, *store.LogoFile, error) {
	level, ok := zhuxiang.ParseBrandLevel(in.Level)
	if !ok {
		level = zhuxiang.BrandLevel(in.Level) // refused by Validate with its own message
	}
	b := &zhuxiang.Brand{Name: in.Name, Level: level, CountyCode: in.CountyCode, Year: in.Year, Description: in.Description,
		ProjectIDs: slices.Clone(in.ProjectIDs)}
	if len(in.Logo) == 0 || string(in.Logo) == "null" {
		return b, nil, nil
	}
	var up logoUpload
	if err := json.Unmarshal(in.Logo, &up); err != nil {
		return nil, nil, zhuxiang.Errorf(zhuxiang.EInvalid, "logo", "logo应为对象：{\"name\": 文件名, \"data\": base64编码的图片}")
	}
	if up.Data == "" {
		return b, nil, nil // an answer's logo sent back: kept
	}
	ag, err := (&agreementInput{Name: up.Name, Data: up.Data}).decode("logo.data")
	if err != nil {
		return nil, nil, zhuxiang.Errorf(zhuxiang.EInvalid, "logo.data", "品牌标志内容应为base64编码")
	}
	if ag == nil {
		return b, nil, nil
	}
	return b, &store.LogoFile{Name: ag.Name, Data: ag.Data}, nil
}

// brandFilter reads the list's filters.
func brandFilter(q *query) store.BrandFilter {
	var f store.BrandFilter
	if v := q.str("level"); v != "" {
		if l, ok := zhuxiang.ParseBrandLevel(v); ok {
			f.Level = l
		} else {
			q.fail("level", "品牌级别“%s”无效（可选：prefecture、county）", v)
		}
	}
	if v := q.str("status"); v != "" {
		st := zhuxiang.BrandStatus(v)
		if !slices.Contains(zhuxiang.BrandStatuses, st) {
			q.fail("status", "品牌状态“%s”无效（可选：draft、published、withdrawn）", v)
		}
		f.Status = st
	}
	f.County = q.county("county")
	return f
}

func (s *server) listBrands(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	q := newQuery(r)
	f := brandFilter(q)
	if q.err != nil {
		return q.err
	}
	bs, err := s.st.ListBrands(r.Context(), a, f)
	if err != nil {
		return err
	}
	items := make([]brandJSON, 0, len(bs))
	for _, b := range bs {
		items = append(items, toBrandJSON(a, b))
	}
	writeJSON(w, http.StatusOK, list[brandJSON]{items, "", len(items), len(items) >= store.MaxBrands})
	return nil
}

func (s *server) getBrand(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	b, err := s.st.Brand(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toBrandJSON(a, b))
	return nil
}

// getBrandLogo sends the logo, or with ?thumb=1 its thumbnail, as an image
// (attach.Serve).
func (s *server) getBrandLogo(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	f, err := s.st.BrandLogo(r.Context(), a, r.PathValue("id"), r.URL.Query().Get("thumb") == "1")
	if err != nil {
		return err
	}
	attach.Serve(w, r, *f)
	return nil
}

func (s *server) createBrand(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	if err := zhuxiang.CanManageBrands(a); err != nil {
		return err
	}
	var in brandInput
	if err := decode(r, &in); err != nil {
		return err
	}
	b, logo, err := in.toBrand()
	if err != nil {
		return err
	}
	id, err := s.st.CreateBrand(r.Context(), a, b, logo)
	if err != nil {
		return err
	}
	saved, err := s.st.Brand(r.Context(), a, id)
	if err != nil {
		return err
	}
	created(w, "/brands/"+url.PathEscape(id), toBrandJSON(a, saved))
	return nil
}

func (s *server) putBrand(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	if err := zhuxiang.CanManageBrands(a); err != nil {
		return err
	}
	var in brandInput
	if err := decode(r, &in); err != nil {
		return err
	}
	id, version, err := putTarget(r, in.ID, in.Version)
	if err != nil {
		return err
	}
	b, logo, err := in.toBrand()
	if err != nil {
		return err
	}
	b.ID, b.Version = id, version
	if err := s.st.UpdateBrand(r.Context(), a, b, logo); err != nil {
		return err
	}
	return s.getBrand(w, r, a)
}

func (s *server) transitionBrand(name string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
		in, err := readStep(r)
		if err != nil {
			return err
		}
		if err := s.st.TransitionBrand(r.Context(), a, r.PathValue("id"), name, in.Reason, in.Version); err != nil {
			return err
		}
		return s.getBrand(w, r, a)
	}
}
