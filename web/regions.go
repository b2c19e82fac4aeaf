package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"zhuxiang"
	"zhuxiang/store"
)

// regionFilters are the list's filters as the user set them.
type regionFilters struct {
	County string
	Tag    string
	Q      string
}

func (f regionFilters) active() bool { return f.County != "" || f.Tag != "" || f.Q != "" }

// countyNode is a county with the townships shown under it.
type countyNode struct {
	Region    *zhuxiang.Region
	Towns     []*townNode
	Townships int
	Villages  int
	Key       int
}

// townNode is a township with the villages shown under it.
type townNode struct {
	Region   *zhuxiang.Region
	Villages []*zhuxiang.Region
}

type regionListData struct {
	F        regionFilters
	Counties []*zhuxiang.Region
	Tree     []*countyNode
	Overview bool // no filter: one row per county instead of the full tree
	Shown    int  // villages shown
	Prefect  *zhuxiang.Region
}

// regionList shows the prefecture as a tree. Without a filter it is one row
// per county; a county, tag or search shows townships and villages nested,
// in <details> so that the tree folds without script.
func (s *server) regionList(w http.ResponseWriter, r *http.Request, q *request) error {
	ctx, a := r.Context(), q.actor
	qs := r.URL.Query()
	f := regionFilters{County: qs.Get("county"), Tag: qs.Get("tag"), Q: strings.TrimSpace(qs.Get("q"))}
	if _, ok := zhuxiang.ParseVillageTag(f.Tag); !ok && f.Tag != "any" {
		f.Tag = ""
	}
	counties, err := q.counties(ctx, s.st)
	if err != nil {
		return err
	}
	d := regionListData{F: f, Counties: counties, Overview: !f.active()}
	if p, err := s.st.Region(ctx, a, zhuxiang.PrefectureCode); err == nil {
		d.Prefect = p
	}
	all, err := s.st.ListRegions(ctx, a, store.RegionFilter{County: f.County})
	if err != nil {
		return err
	}
	var matched map[string]bool
	if f.Tag != "" || f.Q != "" {
		hits, err := s.st.ListRegions(ctx, a, store.RegionFilter{County: f.County, Tag: zhuxiang.VillageTag(f.Tag), Q: f.Q})
		if err != nil {
			return err
		}
		matched = make(map[string]bool, len(hits))
		for _, h := range hits {
			matched[h.Code] = true
		}
	}
	d.Tree, d.Shown = buildTree(all, matched, f.Tag != "")
	s.render(w, r, http.StatusOK, "regions", &view{Title: "行政区划", Nav: "regions", Data: d})
	return nil
}

// buildTree nests regions under their counties and townships, keeping only
// what matched (and the ancestors that lead to it). A township or county
// matched by name shows all it holds, unless a tag filter asks for tagged
// villages only.
func buildTree(all []*zhuxiang.Region, matched map[string]bool, tagOnly bool) ([]*countyNode, int) {
	counties := map[string]*countyNode{}
	towns := map[string]*townNode{}
	var order []*countyNode
	for _, r := range all {
		if r.Level == zhuxiang.LevelCounty {
			n := &countyNode{Region: r}
			counties[r.Code] = n
			order = append(order, n)
		}
	}
	for _, r := range all {
		if r.Level == zhuxiang.LevelTownship {
			if c := counties[r.ParentCode]; c != nil {
				c.Townships++
				t := &townNode{Region: r}
				towns[r.Code] = t
			}
		}
	}
	shown := 0
	for _, r := range all {
		if r.Level != zhuxiang.LevelVillage {
			continue
		}
		c := counties[r.CountyCode]
		if c != nil {
			c.Villages++
			if r.IsKeyVillage() {
				c.Key++
			}
		}
		t := towns[r.ParentCode]
		if t == nil {
			continue
		}
		if matched == nil || matched[r.Code] || (!tagOnly && (matched[r.ParentCode] || matched[r.CountyCode])) {
			t.Villages = append(t.Villages, r)
			shown++
		}
	}
	for _, r := range all {
		if r.Level != zhuxiang.LevelTownship {
			continue
		}
		t, c := towns[r.Code], counties[r.ParentCode]
		if t == nil || c == nil {
			continue
		}
		if matched == nil || len(t.Villages) > 0 || matched[r.Code] || (!tagOnly && matched[r.ParentCode]) {
			c.Towns = append(c.Towns, t)
		}
	}
	out := order[:0]
	for _, c := range order {
		if matched == nil || len(c.Towns) > 0 || matched[c.Region.Code] {
			out = append(out, c)
		}
	}
	return out, shown
}

type regionDetailData struct {
	Region   *zhuxiang.Region
	Path     []*zhuxiang.Region // from the prefecture down to the parent
	Children []*zhuxiang.Region
	CanEdit  bool
	Saved    bool
}

func (s *server) regionDetail(w http.ResponseWriter, r *http.Request, q *request) error {
	ctx, a := r.Context(), q.actor
	reg, err := s.st.Region(ctx, a, r.PathValue("code"))
	if err != nil {
		return err
	}
	d := regionDetailData{Region: reg, CanEdit: zhuxiang.CanEditRegion(a, reg) == nil, Saved: r.URL.Query().Get("saved") != ""}
	for code, depth := reg.ParentCode, 0; code != "" && depth < 4; depth++ {
		p, err := s.st.Region(ctx, a, code)
		if err != nil {
			break
		}
		d.Path = append([]*zhuxiang.Region{p}, d.Path...)
		code = p.ParentCode
	}
	if reg.Level != zhuxiang.LevelVillage {
		if d.Children, err = s.st.ListRegions(ctx, a, store.RegionFilter{Parent: reg.Code}); err != nil {
			return err
		}
	}
	v := &view{Title: reg.Name, Nav: "regions", Data: d}
	if d.Saved {
		v.Flash = "已保存"
	}
	s.render(w, r, http.StatusOK, "region", v)
	return nil
}

type regionFormData struct {
	Region    *zhuxiang.Region
	Errors    formErrors
	EditClass bool
}

// regionEdit and regionSave both ask the store's rule first, so that a
// county user cannot even open another county's village form.
func (s *server) regionEdit(w http.ResponseWriter, r *http.Request, q *request) error {
	reg, err := s.st.Region(r.Context(), q.actor, r.PathValue("code"))
	if err != nil {
		return err
	}
	if err := zhuxiang.CanEditRegion(q.actor, reg); err != nil {
		return err
	}
	s.renderRegionForm(w, r, http.StatusOK, q, reg, nil)
	return nil
}

func (s *server) renderRegionForm(w http.ResponseWriter, r *http.Request, status int, q *request, reg *zhuxiang.Region, errs formErrors) {
	d := regionFormData{Region: reg, Errors: errs, EditClass: zhuxiang.CanEditCountyClass(q.actor) && reg.Level == zhuxiang.LevelCounty}
	s.render(w, r, status, "region_form", &view{Title: "修改" + reg.Name, Nav: "regions", Data: d})
}

func (s *server) regionSave(w http.ResponseWriter, r *http.Request, q *request) error {
	ctx, a := r.Context(), q.actor
	old, err := s.st.Region(ctx, a, r.PathValue("code"))
	if err != nil {
		return err
	}
	if err := zhuxiang.CanEditRegion(a, old); err != nil {
		return err
	}
	in := *old
	in.Name = r.PostForm.Get("name")
	in.Version, _ = strconv.Atoi(r.PostForm.Get("version"))
	if old.Level == zhuxiang.LevelVillage {
		in.Tags = nil
		for _, t := range r.PostForm["tags"] {
			if tag, ok := zhuxiang.ParseVillageTag(t); ok {
				in.Tags = append(in.Tags, tag)
			}
		}
	}
	if old.Level == zhuxiang.LevelCounty && zhuxiang.CanEditCountyClass(a) {
		in.CountyClass = zhuxiang.CountyClass(r.PostForm.Get("county_class"))
	}
	err = s.st.UpdateRegion(ctx, a, &in)
	switch zhuxiang.ErrorCodeOf(err) {
	case "":
		redirect(w, r, "/regions/"+url.PathEscape(old.Code)+"?saved=1")
		return nil
	case zhuxiang.EInvalid:
		s.renderRegionForm(w, r, http.StatusUnprocessableEntity, q, &in, fieldError(err, "name", "tags", "county_class"))
		return nil
	case zhuxiang.EConflict:
		s.renderRegionForm(w, r, http.StatusConflict, q, &in, formErrors{"form": zhuxiang.ErrorMessage(err)})
		return nil
	}
	return err
}
