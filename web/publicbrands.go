package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"zhuxiang"
	"zhuxiang/attach"
	"zhuxiang/store"
)

// The public brand pages (DESIGN §3: the public sees published brands).
// They read as the zero actor, for which the store returns published
// brands only, and show what a brand shows of its projects: names,
// places, the lead organization and sums, never a person. Logos are
// served at /public/brands/{id}/thumb and /logo under the same rule.

type publicBrandsData struct {
	Brands []*zhuxiang.Brand
}

func (s *server) publicBrands(w http.ResponseWriter, r *http.Request) error {
	content, err := s.cachedContent(r, nil, "public_brands", func() (any, error) {
		bs, err := s.st.ListBrands(r.Context(), zhuxiang.Actor{}, store.BrandFilter{})
		return publicBrandsData{Brands: bs}, err
	})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "cached", &view{Title: "项目品牌", Public: true, Nav: "public-brands", Data: content,
		Description: "巴音郭楞蒙古自治州社会组织助力乡村振兴专项行动认定的项目品牌：每个品牌由已实施的帮扶项目组成，资金和受益人数由项目自动汇总。"})
	return nil
}

type publicBrandData struct {
	Brand   *zhuxiang.Brand
	Figures zhuxiang.BrandFigures
	Places  []string // the villages, once each
}

// publicBrand is one published brand. Its content and its title are kept
// in the response cache by data generation, like the other public pages;
// the title is kept apart because the layout, not the content, shows it.
func (s *server) publicBrand(w http.ResponseWriter, r *http.Request) error {
	ctx, id := r.Context(), r.PathValue("id")
	var b *zhuxiang.Brand
	load := func() error {
		if b != nil {
			return nil
		}
		var err error
		b, err = s.st.Brand(ctx, zhuxiang.Actor{}, id)
		return err
	}
	content, err := s.cachedContent(r, nil, "public_brand", func() (any, error) {
		if err := load(); err != nil {
			return nil, err
		}
		return publicBrandData{Brand: b, Figures: b.Figures(), Places: b.VillageList()}, nil
	})
	if err != nil {
		return err
	}
	gen, err := s.st.Generation(ctx)
	if err != nil {
		return err
	}
	head, err := s.cache.do(gen.String()+"\x00public-head\x00"+r.URL.Path, func() (template.HTML, error) {
		if err := load(); err != nil {
			return "", err
		}
		image := ""
		if b.HasLogo() {
			image = "/public/brands/" + url.PathEscape(b.ID) + "/thumb"
		}
		return template.HTML(b.Name + "\x00" + shareText(b.Level.Label()+"项目品牌“"+b.Name+"”："+b.Description) + "\x00" + image), nil
	})
	if err != nil {
		return err
	}
	title, rest, _ := strings.Cut(string(head), "\x00")
	desc, image, _ := strings.Cut(rest, "\x00")
	v := &view{Title: title, Public: true, Nav: "public-brands", Data: content, Description: desc, Image: image}
	s.render(w, r, http.StatusOK, "cached", v)
	return nil
}

// publicBrandLogo sends a published brand's logo or its thumbnail.
func (s *server) publicBrandLogo(thumb bool) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		f, err := s.st.BrandLogo(r.Context(), zhuxiang.Actor{}, r.PathValue("id"), thumb)
		if err != nil {
			return err
		}
		attach.Serve(w, r, *f)
		return nil
	}
}
