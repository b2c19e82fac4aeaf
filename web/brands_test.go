package web

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"testing"

	"zhuxiang"
	"zhuxiang/store"
)

// brandPNG is a small logo.
func brandPNG(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for y := range 64 {
		for x := range 64 {
			img.Set(x, y, color.RGBA{180, 83, 9, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// postBrand posts the brand form as a browser does: multipart, the csrf
// field first, the logo (when given) among the fields.
func (c *client) postBrand(path string, v url.Values, logoName string, logo []byte) *resp {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", c.csrf)
	for k, vs := range v {
		for _, s := range vs {
			mw.WriteField(k, s)
		}
	}
	if logo != nil {
		fw, _ := mw.CreateFormFile("logo", logoName)
		fw.Write(logo)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.e.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

func brandForm(projects ...string) url.Values {
	return url.Values{"name": {"库尔勒香梨"}, "level": {"county"}, "county": {"652827"}, "year": {"2025"},
		"description": {"香梨种植与冷链销售帮扶。"}, "version": {"0"}, "projects": projects}
}

// TestBrandPages: the admin forms a brand on the page from eligible
// projects with a logo; other roles read it but may neither open the form
// nor post it; a logo that is not an image is refused beside its field.
func TestBrandPages(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		f := newFixtureOn(t, engine)
		running := f.project("orguser", f.org.ID, "香梨冷库建设", zhuxiang.ProjectRunning)
		done := f.project("orguser", f.org.ID, "香梨电商培训", zhuxiang.ProjectCompleted)
		draft := f.project("orguser", f.org.ID, "香梨品种改良（草稿）", zhuxiang.ProjectDraft)

		admin := f.as("admin1")
		r := admin.get("/brands/new")
		mustStatus(t, r, http.StatusOK)
		mustContain(t, r, running.Name, done.Name, `enctype="multipart/form-data"`)
		mustNotContain(t, r, draft.Name)

		// Refused: not an image, a draft project; what was typed stays.
		refused := []struct {
			name, file string
			data       []byte
			projects   []string
			want       string
		}{
			{"a PDF logo", "logo.pdf", []byte("%PDF-1.4\n% not a logo\n"), []string{running.ID}, "品牌标志应为JPEG或PNG图片"},
			{"a page named .png", "logo.png", []byte("<html><script>alert(1)</script>"), []string{running.ID}, "附件只能是 JPEG、PNG 图片或 PDF 文件"},
			{"a draft project", "", nil, []string{draft.ID}, "不能组成品牌"},
		}
		for _, c := range refused {
			r := admin.postBrand("/brands/new", brandForm(c.projects...), c.file, c.data)
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("%s: status %d", c.name, r.Status)
			}
			mustContain(t, r, c.want, `value="库尔勒香梨"`)
		}

		r = admin.postBrand("/brands/new", brandForm(running.ID, done.ID), "香梨.png", brandPNG(t))
		if r.Status != http.StatusSeeOther {
			t.Fatalf("create: %d %s", r.Status, excerpt(r.Body))
		}
		id := idFrom(t, r.Location, "/brands/")
		r = admin.follow(r)
		// Two projects of ¥7,500.00 budget each (5 000 + 2 500 revised),
		// 30 people reached of 120 each.
		mustContain(t, r, "库尔勒香梨", "未发布", "¥15,000.00", "60", "目标 240 人", running.Name, done.Name, "/brands/"+id+"/thumb", ">发布<")
		th := admin.get("/brands/" + id + "/thumb")
		if th.Status != http.StatusOK || th.Header.Get("Content-Type") != "image/jpeg" || th.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("thumbnail: %d %q", th.Status, th.Header.Get("Content-Type"))
		}
		// The project page links to its brand.
		mustContain(t, admin.get("/projects/"+running.ID), `href="/brands/`+id+`"`)

		for _, user := range []string{"hejing", "orguser", "cun", "kexie"} {
			c := f.as(user)
			mustContain(t, c.get("/brands"), "库尔勒香梨", "项目品牌")
			r := c.get("/brands/" + id)
			mustStatus(t, r, http.StatusOK)
			mustNotContain(t, r, "/brands/"+id+"/edit", ">发布<")
			mustStatus(t, c.get("/brands/new"), http.StatusForbidden)
			mustStatus(t, c.get("/brands/"+id+"/edit"), http.StatusForbidden)
			mustStatus(t, c.postBrand("/brands/new", brandForm(running.ID), "", nil), http.StatusForbidden)
			mustStatus(t, c.postBrand("/brands/"+id+"/edit", brandForm(running.ID), "", nil), http.StatusForbidden)
			mustStatus(t, c.post("/brands/"+id+"/transition", url.Values{"name": {"publish"}}), http.StatusForbidden)
		}

		// Edit: one project less, the logo kept; then publish.
		r = admin.get("/brands/" + id + "/edit")
		mustContain(t, r, `value="库尔勒香梨"`, "已有标志")
		form := brandForm(running.ID)
		form.Set("version", "1")
		r = admin.postBrand("/brands/"+id+"/edit", form, "", nil)
		if r.Status != http.StatusSeeOther {
			t.Fatalf("edit: %d %s", r.Status, excerpt(r.Body))
		}
		r = admin.follow(r)
		mustContain(t, r, "已保存", "¥7,500.00", "/brands/"+id+"/thumb")
		r = admin.follow(admin.post("/brands/"+id+"/transition", url.Values{"name": {"publish"}, "version": {"2"}}))
		mustContain(t, r, "已发布", "/public/brands/"+id)
		r = admin.post("/brands/"+id+"/transition", url.Values{"name": {"withdraw"}, "version": {"3"}})
		mustStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r, "请填写“撤下”的理由")

		// The audit log says what was done to which brand, in Chinese,
		// linking to it.
		r = admin.get("/audit?entity=brand")
		mustStatus(t, r, http.StatusOK)
		mustContain(t, r, "项目品牌", "发布品牌", "新增", `href="/brands/`+id+`"`)
	})
}

// TestPublicBrands: the public sees published brands only, with their
// sums, lazy thumbnails and sharing tags, and nobody's personal data; the
// front page counts them against the plan's six.
func TestPublicBrands(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		f := newFixtureOn(t, engine)
		ctx, admin := context.Background(), f.actor("admin1")
		p := f.project("orguser", f.org.ID, "博湖芦苇画工坊", zhuxiang.ProjectCompleted)
		mk := func(name string) string {
			b := &zhuxiang.Brand{Name: name, Level: zhuxiang.BrandPrefecture, Year: 2026, Description: name + "的介绍。", ProjectIDs: []string{p.ID}}
			id, err := f.st.CreateBrand(ctx, admin, b, nil)
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		draft, published := mk("焉耆葡萄"), mk("博湖芦苇")
		if err := f.st.UpdateBrand(ctx, admin, &zhuxiang.Brand{ID: published, Name: "博湖芦苇", Level: zhuxiang.BrandPrefecture, Year: 2026,
			Description: "博湖芦苇画。", ProjectIDs: []string{p.ID}, Version: 1}, nil); err != nil {
			t.Fatal(err)
		}
		anon := f.client()
		mustStatus(t, anon.get("/public/brands/"+published), http.StatusNotFound)
		if err := f.st.TransitionBrand(ctx, admin, published, "publish", "", 0); err != nil {
			t.Fatal(err)
		}

		r := anon.get("/public/brands")
		mustStatus(t, r, http.StatusOK)
		mustContain(t, r, "博湖芦苇", `href="/public/brands/`+published+`"`, `<meta property="og:title" content="项目品牌">`, `aria-current="page">项目品牌`)
		mustNotContain(t, r, "焉耆葡萄")
		r = anon.get("/public/brands/" + published)
		mustStatus(t, r, http.StatusOK)
		mustContain(t, r, `<meta property="og:title" content="博湖芦苇">`, `<meta name="description" content="州级项目品牌“博湖芦苇”：博湖芦苇画。">`,
			p.Name, "测试一村", "¥7,500.00")
		// Nobody's personal data: not the organization's contact or phone,
		// not who keeps the brand.
		org, _ := f.st.Org(ctx, zhuxiang.SystemActor, f.org.ID)
		mustNotContain(t, r, "admin1", "/projects/"+p.ID)
		if org.Phone != "" {
			mustNotContain(t, r, org.Phone)
		}
		if org.Contact != "" {
			mustNotContain(t, r, org.Contact)
		}
		mustStatus(t, anon.get("/public/brands/"+draft), http.StatusNotFound)
		mustStatus(t, anon.get("/public/brands/"+draft+"/thumb"), http.StatusNotFound)
		mustStatus(t, anon.get("/public/brands/"+published+"/thumb"), http.StatusNotFound) // no logo

		home := anon.get("/public")
		mustContain(t, home, `<span class="stat-label">项目品牌</span><span class="stat-value num">1</span>`, `href="/public/brands/`+published+`"`)
		mustNotContain(t, home, "焉耆葡萄")

		// Withdrawn: gone from the public site at once (the cache is keyed
		// on the data generation).
		if err := f.st.TransitionBrand(ctx, admin, published, "withdraw", "材料待核实", 0); err != nil {
			t.Fatal(err)
		}
		mustStatus(t, anon.get("/public/brands/"+published), http.StatusNotFound)
		mustNotContain(t, anon.get("/public/brands"), "博湖芦苇")
		mustContain(t, anon.get("/public"), `<span class="stat-value num">0</span><span class="stat-note">州级、县级认定；方案目标：不少于6个</span>`)
	})
}

// TestPublicBrandLogo: a published brand's logo is served to anyone as an
// image, lazy-loaded with its size on the list.
func TestPublicBrandLogo(t *testing.T) {
	f := newFixture(t)
	ctx, admin := context.Background(), f.actor("admin1")
	p := f.project("orguser", f.org.ID, "若羌红枣深加工", zhuxiang.ProjectRunning)
	id, err := f.st.CreateBrand(ctx, admin, &zhuxiang.Brand{Name: "若羌红枣", Level: zhuxiang.BrandCounty, CountyCode: "652827", Year: 2025,
		ProjectIDs: []string{p.ID}}, &store.LogoFile{Name: "红枣.png", Data: brandPNG(t)})
	if err != nil {
		t.Fatal(err)
	}
	anon := f.client()
	mustStatus(t, anon.get("/public/brands/"+id+"/logo"), http.StatusNotFound)
	if err := f.st.TransitionBrand(ctx, admin, id, "publish", "", 0); err != nil {
		t.Fatal(err)
	}
	r := anon.get("/public/brands")
	mustContain(t, r, `src="/public/brands/`+id+`/thumb"`, `width="56" height="56" loading="lazy"`)
	for _, path := range []string{"/public/brands/" + id + "/thumb", "/public/brands/" + id + "/logo"} {
		r := anon.get(path)
		if r.Status != http.StatusOK || (r.Header.Get("Content-Type") != "image/jpeg" && r.Header.Get("Content-Type") != "image/png") {
			t.Errorf("%s: %d %q", path, r.Status, r.Header.Get("Content-Type"))
		}
	}
}
