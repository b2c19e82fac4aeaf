package web

import (
	"net/http"
	"net/url"
	"strings"

	"zhuxiang"
	"zhuxiang/store"
)

// The public pages show what DESIGN §3 lets anyone see: open, matched and
// done needs without personal data. They read as the zero actor, for which
// the store returns public needs only and strips contact details, so these
// handlers cannot leak a phone number even by mistake.

type publicNeedsData struct {
	F        needFilters
	Page     *store.NeedPage
	Counties []option
	Actions  []option
	FirstURL string
	NextURL  string
}

// publicCounties names the counties for the filter. Region names are
// public facts, but the store lists regions to signed-in actors only, so
// this read (reference data, cached) runs as the system.
func (s *server) publicCounties(r *http.Request) []option {
	c, err := s.st.ListRegions(r.Context(), zhuxiang.SystemActor, store.RegionFilter{Level: zhuxiang.LevelCounty})
	if err != nil {
		return nil
	}
	return countyOptions(c)
}

func (s *server) publicNeeds(w http.ResponseWriter, r *http.Request) error {
	content, err := s.cachedContent(r, nil, "public_needs", func() (any, error) { return s.publicNeedsData(r) })
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "cached", &view{Title: "公开的帮扶需求", Public: true, Nav: "public-needs", Data: content,
		Description: "巴音郭楞蒙古自治州各村经县市审核后公开的帮扶需求：社会组织可登录助乡平台表达对接意向。"})
	return nil
}

// publicNeedsData reads one page of the public needs list.
func (s *server) publicNeedsData(r *http.Request) (*publicNeedsData, error) {
	qs := r.URL.Query()
	full := readNeedFilters(qs)
	f := needFilters{County: full.County, Action: full.Action, Cursor: full.Cursor}
	sf := store.NeedFilter{County: f.County, Action: zhuxiang.Action(f.Action), Cursor: f.Cursor, Limit: 20}
	page, err := s.st.ListNeeds(r.Context(), zhuxiang.Actor{}, sf)
	if zhuxiang.ErrorCodeOf(err) == zhuxiang.EInvalid && f.Cursor != "" {
		f.Cursor, sf.Cursor = "", ""
		page, err = s.st.ListNeeds(r.Context(), zhuxiang.Actor{}, sf)
	}
	if err != nil {
		return nil, err
	}
	d := &publicNeedsData{F: f, Page: page, Counties: s.publicCounties(r), Actions: actionOptions}
	d.FirstURL, d.NextURL = pageLinks("/public/needs", f.query(), page.Next)
	return d, nil
}

func (s *server) publicNeed(w http.ResponseWriter, r *http.Request) error {
	n, err := s.st.Need(r.Context(), zhuxiang.Actor{}, r.PathValue("id"))
	if err != nil {
		return err
	}
	// Public() again, whatever the store did: this page must never show
	// contact, phone or review notes.
	n = n.Public()
	s.render(w, r, http.StatusOK, "public_need", &view{Title: n.Title, Public: true, Nav: "public-needs", Data: n, Description: shareText(n.Place() + "：" + n.Description)})
	return nil
}

// publicHomeData is what the public home page shows.
type publicHomeData struct {
	F                store.PublicFigures
	KeyProjectTarget int
	Brands           []*zhuxiang.Brand // a few published brands, newest first
	Cases            []*zhuxiang.Case  // the latest published, a few
}

// publicHomeBrands is how many brand cards the front page shows.
const publicHomeBrands = 3

// publicHome is the programme's public front page: what it is, its
// headline figures and where to see the needs, for anyone, on a phone
// first. It shows only counts, never a person's name or number.
func (s *server) publicHome(w http.ResponseWriter, r *http.Request) error {
	content, err := s.cachedContent(r, nil, "public_home", func() (any, error) {
		f, err := s.st.PublicFigures(r.Context())
		if err != nil {
			return nil, err
		}
		bs, err := s.st.ListBrands(r.Context(), zhuxiang.Actor{}, store.BrandFilter{})
		if err != nil {
			return nil, err
		}
		cases, err := s.st.ListCases(r.Context(), zhuxiang.Actor{}, store.CaseFilter{Status: zhuxiang.CasePublished, Limit: 3})
		if err != nil {
			return nil, err
		}
		return publicHomeData{F: f, KeyProjectTarget: store.KeyProjectTarget, Brands: bs[:min(len(bs), publicHomeBrands)], Cases: cases.Cases}, nil
	})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "cached", &view{Title: "社会组织助力乡村振兴专项行动", Public: true, Nav: "public", Data: content,
		Description: "巴音郭楞蒙古自治州社会组织助力乡村振兴专项行动：村里发布需求，社会组织提供帮扶，平台对接结对，成效由受帮扶的村确认。"})
	return nil
}

// shareText is a public page's description: one line, short enough for a
// shared link's card.
func shareText(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 80 {
		s = string(r[:79]) + "…"
	}
	return s
}

// publicCasesData is the published cases list.
type publicCasesData struct {
	Page     *store.CasePage
	FirstURL string
	NextURL  string
	Cursor   string
}

// publicCases lists the published cases (典型案例) for anyone: read as the
// zero actor, for which the store returns published cases only, kept in
// the response cache by data generation as the other public pages are.
func (s *server) publicCases(w http.ResponseWriter, r *http.Request) error {
	content, err := s.cachedContent(r, nil, "public_cases", func() (any, error) {
		cursor := r.URL.Query().Get("cursor")
		f := store.CaseFilter{Status: zhuxiang.CasePublished, Cursor: cursor, Limit: 12}
		page, err := s.st.ListCases(r.Context(), zhuxiang.Actor{}, f)
		if zhuxiang.ErrorCodeOf(err) == zhuxiang.EInvalid && cursor != "" {
			cursor, f.Cursor = "", ""
			page, err = s.st.ListCases(r.Context(), zhuxiang.Actor{}, f)
		}
		if err != nil {
			return nil, err
		}
		d := &publicCasesData{Page: page, Cursor: cursor}
		d.FirstURL, d.NextURL = pageLinks("/public/cases", "", page.Next)
		return d, nil
	})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "cached", &view{Title: "典型案例", Public: true, Nav: "public-cases", Data: content,
		Description: "巴音郭楞蒙古自治州社会组织助力乡村振兴典型案例：经评审入选并发布的帮扶故事和做法。"})
	return nil
}

// publicCase shows one published case: its text, photos (thumbnails that
// open the photo) and the names of its submitter and projects; never the
// scores, the reviewers or who typed it.
func (s *server) publicCase(w http.ResponseWriter, r *http.Request) error {
	c, err := s.st.Case(r.Context(), zhuxiang.Actor{}, r.PathValue("id"))
	if err != nil {
		return err
	}
	// The content is read again inside the cache's load, after the
	// generation its key holds: an entry never holds data older than its
	// key. The read above gives the title and description, and the 404.
	content, err := s.cachedContent(r, nil, "public_case", func() (any, error) { return s.st.Case(r.Context(), zhuxiang.Actor{}, c.ID) })
	if err != nil {
		return err
	}
	v := &view{Title: c.Title, Public: true, Nav: "public-cases", Data: content, Description: shareText(c.Submitter() + "：" + c.Body)}
	if len(c.Photos) > 0 {
		v.Image = "/public/cases/" + url.PathEscape(c.ID) + "/photos/0/thumb"
	}
	s.render(w, r, http.StatusOK, "cached", v)
	return nil
}

// publicCasePhoto serves a published case's photo or its thumbnail.
func (s *server) publicCasePhoto(thumb bool) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		return s.servePhoto(w, r, zhuxiang.Actor{}, thumb)
	}
}
