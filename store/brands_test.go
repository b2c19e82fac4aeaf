package store_test

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"slices"
	"strings"
	"testing"

	"zhuxiang"
	"zhuxiang/secure"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

// logoPNG is a small PNG of one colour.
func logoPNG(t testing.TB, c color.RGBA) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 120, 80))
	for y := 0; y < 80; y++ {
		for x := 0; x < 120; x++ {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// brand is a valid county brand of the fixture's county 1 formed from ids.
func brandOf(ids ...string) *zhuxiang.Brand {
	return &zhuxiang.Brand{Name: "和静民族刺绣", Level: zhuxiang.BrandCounty, CountyCode: "652827", Year: 2025,
		Description: "和静县妇女合作社的刺绣品牌。", ProjectIDs: ids}
}

func TestBrandOnlyPrefectureKeepsThem(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newProjectFixture(t, st)
		p := f.project(t, zhuxiang.ProjectRunning, nil)
		cases := []struct {
			name string
			a    zhuxiang.Actor
			want zhuxiang.ErrorCode
		}{
			{"admin", f.admin, ""},
			{"county", f.county1, zhuxiang.EForbidden},
			{"organization", f.orgU1, zhuxiang.EForbidden},
			{"village", f.vil1, zhuxiang.EForbidden},
			{"department", f.dept, zhuxiang.EForbidden},
			{"anonymous", zhuxiang.Actor{}, zhuxiang.EForbidden},
		}
		id, err := st.CreateBrand(ctx, f.admin, brandOf(p.ID), nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := st.CreateBrand(ctx, c.a, brandOf(p.ID), nil)
				if got := zhuxiang.ErrorCodeOf(err); got != c.want {
					t.Errorf("create: got %v, want %q", err, c.want)
				}
				b, err := st.Brand(ctx, f.admin, id)
				if err != nil {
					t.Fatal(err)
				}
				b.Description = "改过的介绍：" + c.name
				err = st.UpdateBrand(ctx, c.a, b, nil)
				if got := zhuxiang.ErrorCodeOf(err); got != c.want {
					t.Errorf("update: got %v, want %q", err, c.want)
				}
				err = st.TransitionBrand(ctx, c.a, id, "publish", "", 0)
				if got := zhuxiang.ErrorCodeOf(err); c.want != "" && got != c.want {
					t.Errorf("publish: got %v, want %q", err, c.want)
				}
			})
		}
		// Every signed-in role reads the brand, draft or not.
		if err := st.TransitionBrand(ctx, f.admin, id, "withdraw", "", 0); zhuxiang.ErrorCodeOf(err) != zhuxiang.EInvalid {
			t.Errorf("withdraw without a reason: %v", err)
		}
		for _, a := range []zhuxiang.Actor{f.county2, f.orgU2, f.vil1, f.dept} {
			if _, err := st.Brand(ctx, a, id); err != nil {
				t.Errorf("%s reads a brand: %v", a.Role, err)
			}
		}
	})
}

func TestBrandProjectsRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newProjectFixture(t, st)
		running := f.project(t, zhuxiang.ProjectRunning, nil)
		draft := f.project(t, zhuxiang.ProjectDraft, nil)
		submitted := f.project(t, zhuxiang.ProjectSubmitted, nil)
		approved := f.project(t, zhuxiang.ProjectApproved, nil)
		stopped := f.project(t, zhuxiang.ProjectStopped, nil)
		elsewhere := f.project(t, zhuxiang.ProjectCompleted, func(p *zhuxiang.Project) { p.Villages = []string{f.village2} })
		cases := []struct {
			name  string
			edit  func(b *zhuxiang.Brand)
			field string
			words string // in the message
		}{
			{"a draft", func(b *zhuxiang.Brand) { b.ProjectIDs = []string{draft.ID} }, "projects", "草稿"},
			{"a project under review", func(b *zhuxiang.Brand) { b.ProjectIDs = []string{running.ID, submitted.ID} }, "projects", "待审批"},
			{"an approved project not started", func(b *zhuxiang.Brand) { b.ProjectIDs = []string{approved.ID} }, "projects", "已批准"},
			{"a stopped project", func(b *zhuxiang.Brand) { b.ProjectIDs = []string{stopped.ID} }, "projects", "已终止"},
			{"an unknown project", func(b *zhuxiang.Brand) { b.ProjectIDs = []string{secure.NewID()} }, "projects", "不存在"},
			{"not an id", func(b *zhuxiang.Brand) { b.ProjectIDs = []string{"../../etc"} }, "projects", "不存在"},
			{"no project", func(b *zhuxiang.Brand) { b.ProjectIDs = nil }, "projects", "至少一个"},
			{"the same project twice", func(b *zhuxiang.Brand) { b.ProjectIDs = []string{running.ID, running.ID} }, "projects", "重复"},
			{"a county brand with another county's project", func(b *zhuxiang.Brand) { b.ProjectIDs = []string{running.ID, elsewhere.ID} }, "projects", "不在品牌所属县市"},
			{"a county brand without a county", func(b *zhuxiang.Brand) { b.CountyCode = "" }, "county", "县市"},
			{"a county brand of a township", func(b *zhuxiang.Brand) { b.CountyCode = "652827100" }, "county", "不存在"},
			{"a year before the programme", func(b *zhuxiang.Brand) { b.Year = 2019 }, "year", "认定年份"},
			{"no name", func(b *zhuxiang.Brand) { b.Name = " " }, "name", "品牌名称"},
			{"no level", func(b *zhuxiang.Brand) { b.Level = "national" }, "level", "级别"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				b := brandOf(running.ID)
				c.edit(b)
				_, err := st.CreateBrand(ctx, f.admin, b, nil)
				var e *zhuxiang.Error
				if zhuxiang.ErrorCodeOf(err) != zhuxiang.EInvalid || !errors.As(err, &e) {
					t.Fatalf("got %v, want invalid", err)
				}
				found := false
				for _, fe := range e.Fields {
					found = found || fe.Field == c.field && strings.Contains(fe.Message, c.words)
				}
				if !found && !(e.Field == c.field && strings.Contains(e.Message, c.words)) {
					t.Errorf("got %v, want %s naming %q", err, c.field, c.words)
				}
			})
		}
		// A prefecture brand takes projects of several counties.
		b := brandOf(running.ID, elsewhere.ID)
		b.Level, b.CountyCode = zhuxiang.BrandPrefecture, "652827"
		if _, err := st.CreateBrand(ctx, f.admin, b, nil); err != nil {
			t.Fatalf("prefecture brand over two counties: %v", err)
		}
		if b.CountyCode != "" {
			t.Errorf("a prefecture brand keeps county %q", b.CountyCode)
		}
	})
}

func TestBrandFiguresAreSums(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newProjectFixture(t, st)
		res, err := st.ImportRegions(ctx, zhuxiang.SystemActor, []store.RegionRow{
			{Row: 2, County: "和静县", Township: "和静镇", Village: "三村", Code: "652827100203"},
		}, zhuxiang.ImportAll)
		if err != nil || len(res.Rejected) > 0 {
			t.Fatalf("village: %v %+v", err, res)
		}
		// One: budget 5 000 own + 2 000 special revised to 3 000 = 8 000
		// yuan; people 村民 120/0 and 留守儿童 30/0; village 1.
		one := f.project(t, zhuxiang.ProjectRunning, func(p *zhuxiang.Project) {
			p.Budget[1].RevisedFen = 300000
			p.People = append(p.People, zhuxiang.ProjectPeople{Category: "留守儿童", Target: 30})
		})
		// Two: budget 7 000 yuan; people 村民 80; villages 1 (again) and 2
		// of county 1; then completed.
		two := f.project(t, zhuxiang.ProjectRunning, func(p *zhuxiang.Project) {
			p.Budget = []zhuxiang.ProjectBudget{{Source: zhuxiang.FundDonation, OriginalFen: 700000}}
			p.People = []zhuxiang.ProjectPeople{{Category: "村民", Target: 80}}
			p.Villages = []string{f.village1, "652827100203"}
		})
		for _, s := range []struct {
			p   *zhuxiang.Project
			fen int64
		}{{one, 123456}, {one, 100000}, {two, 250000}} {
			e := &zhuxiang.ProjectSpending{Date: "2026-04-01", Source: zhuxiang.FundOwn, AmountFen: s.fen, Note: "测试"}
			if err := st.AddProjectSpending(ctx, f.orgU1, s.p.ID, e); err != nil {
				t.Fatal(err)
			}
		}
		id, err := st.CreateBrand(ctx, f.admin, brandOf(one.ID, two.ID), nil)
		if err != nil {
			t.Fatal(err)
		}
		b, err := st.Brand(ctx, f.county1, id)
		if err != nil {
			t.Fatal(err)
		}
		want := zhuxiang.BrandFigures{Projects: 2, BudgetFen: 800000 + 700000, SpentFen: 123456 + 100000 + 250000,
			PeopleTarget: 120 + 30 + 80, PeopleReached: 0, Villages: 2, Counties: 1}
		if got := b.Figures(); got != want {
			t.Errorf("figures %+v, want %+v", got, want)
		}
		if got := b.Projects; len(got) != 2 || got[0].ID != one.ID || got[1].ID != two.ID || got[0].LeadOrg == "" {
			t.Errorf("projects %+v, want one and two in order with their lead", got)
		}
		// Derived, not stored: more spending shows at once.
		e := &zhuxiang.ProjectSpending{Date: "2026-05-01", Source: zhuxiang.FundOwn, AmountFen: 44, Note: "测试"}
		if err := st.AddProjectSpending(ctx, f.orgU1, two.ID, e); err != nil {
			t.Fatal(err)
		}
		list, err := st.ListBrands(ctx, f.admin, store.BrandFilter{})
		if err != nil || len(list) != 1 {
			t.Fatalf("list: %v %d", err, len(list))
		}
		if got := list[0].Figures().SpentFen; got != want.SpentFen+44 {
			t.Errorf("spent after a new entry %d, want %d", got, want.SpentFen+44)
		}
		brands, err := st.BrandsOfProject(ctx, f.vil1, two.ID)
		if err != nil || len(brands) != 1 || brands[0].ID != id {
			t.Errorf("brands of project two: %v %v", brands, err)
		}
		cands, err := st.BrandCandidates(ctx, f.admin, "", 0)
		if err != nil || len(cands) != 2 {
			t.Errorf("candidates %v %v, want the two running projects", cands, err)
		}
		if _, err := st.BrandCandidates(ctx, f.county1, "", 0); zhuxiang.ErrorCodeOf(err) != zhuxiang.EForbidden {
			t.Errorf("county asks for candidates: %v", err)
		}
	})
}

func TestBrandLogo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newProjectFixture(t, st)
		p := f.project(t, zhuxiang.ProjectCompleted, nil)
		refused := []struct {
			name string
			file store.LogoFile
		}{
			{"a PDF", store.LogoFile{Name: "logo.pdf", Data: []byte("%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")}},
			{"a page renamed .png", store.LogoFile{Name: "logo.png", Data: []byte("<html><script>alert(1)</script></html>")}},
			{"an SVG", store.LogoFile{Name: "logo.svg", Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)}},
			{"a PNG named .jpg", store.LogoFile{Name: "logo.jpg", Data: logoPNG(t, color.RGBA{200, 0, 0, 255})}},
		}
		for _, c := range refused {
			_, err := st.CreateBrand(ctx, f.admin, brandOf(p.ID), &c.file)
			var e *zhuxiang.Error
			if !errors.As(err, &e) || e.Code != zhuxiang.EInvalid || e.Field != "logo" || !strings.Contains(e.Message, "品牌标志") {
				t.Errorf("%s: got %v, want invalid logo", c.name, err)
			}
		}
		red := logoPNG(t, color.RGBA{200, 0, 0, 255})
		id, err := st.CreateBrand(ctx, f.admin, brandOf(p.ID), &store.LogoFile{Name: "红.png", Data: red})
		if err != nil {
			t.Fatal(err)
		}
		b, err := st.Brand(ctx, f.admin, id)
		if err != nil || !b.HasLogo() || b.Logo.Type != "image/png" || b.Logo.ThumbSHA == "" || b.Logo.Width != 120 {
			t.Fatalf("brand logo %+v %v", b.Logo, err)
		}
		thumb, err := st.BrandLogo(ctx, f.vil1, id, true)
		if err != nil || thumb.Type != "image/jpeg" || len(thumb.Data) == 0 {
			t.Fatalf("thumbnail: %v", err)
		}
		// Unpublished: the public gets nothing; published: the logo.
		if _, err := st.BrandLogo(ctx, zhuxiang.Actor{}, id, true); zhuxiang.ErrorCodeOf(err) != zhuxiang.ENotFound {
			t.Errorf("public reads a draft brand's logo: %v", err)
		}
		if err := st.TransitionBrand(ctx, f.admin, id, "publish", "", b.Version); err != nil {
			t.Fatal(err)
		}
		if _, err := st.BrandLogo(ctx, zhuxiang.Actor{}, id, false); err != nil {
			t.Errorf("public reads a published brand's logo: %v", err)
		}
		// Replacing the logo releases the old one and its thumbnail.
		b, _ = st.Brand(ctx, f.admin, id)
		old := b.Logo
		if err := st.UpdateBrand(ctx, f.admin, b, &store.LogoFile{Name: "蓝.png", Data: logoPNG(t, color.RGBA{0, 0, 200, 255})}); err != nil {
			t.Fatal(err)
		}
		b, _ = st.Brand(ctx, f.admin, id)
		if b.Logo.SHA == old.SHA || b.Status != zhuxiang.BrandPublished {
			t.Errorf("after replacing: logo %s (old %s), status %s", b.Logo.SHA, old.SHA, b.Status)
		}
		for _, sha := range []string{old.SHA, old.ThumbSHA} {
			if _, err := st.FileData(ctx, sha); zhuxiang.ErrorCodeOf(err) != zhuxiang.ENotFound {
				t.Errorf("old logo file %s still kept: %v", sha[:8], err)
			}
		}
		if left, err := st.UnreferencedFiles(ctx); err != nil || len(left) != 0 {
			t.Errorf("unreferenced files %v %v", left, err)
		}
		// An update without a logo keeps it.
		b.Name = "和静刺绣"
		if err := st.UpdateBrand(ctx, f.admin, b, nil); err != nil {
			t.Fatal(err)
		}
		if again, _ := st.Brand(ctx, f.admin, id); again.Logo.SHA != b.Logo.SHA {
			t.Errorf("an update without a logo dropped it")
		}
	})
}

func TestBrandPublicSeesPublishedOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newProjectFixture(t, st)
		p := f.project(t, zhuxiang.ProjectCompleted, nil)
		ids := map[string]string{}
		for _, name := range []string{"草稿品牌", "发布品牌", "撤下品牌"} {
			b := brandOf(p.ID)
			b.Name = name
			id, err := st.CreateBrand(ctx, f.admin, b, nil)
			if err != nil {
				t.Fatal(err)
			}
			ids[name] = id
		}
		steps := []struct{ brand, step, reason string }{
			{"发布品牌", "publish", ""}, {"撤下品牌", "publish", ""}, {"撤下品牌", "withdraw", "项目材料待核实"},
		}
		for _, s := range steps {
			if err := st.TransitionBrand(ctx, f.admin, ids[s.brand], s.step, s.reason, 0); err != nil {
				t.Fatalf("%s %s: %v", s.brand, s.step, err)
			}
		}
		if err := st.TransitionBrand(ctx, f.admin, ids["草稿品牌"], "withdraw", "理由", 0); zhuxiang.ErrorCodeOf(err) != zhuxiang.EConflict {
			t.Errorf("withdrawing a draft: %v", err)
		}
		list, err := st.ListBrands(ctx, zhuxiang.Actor{}, store.BrandFilter{Status: zhuxiang.BrandDraft})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, b := range list {
			names = append(names, b.Name)
		}
		if !slices.Equal(names, []string{"发布品牌"}) {
			t.Errorf("public list %v, want the published brand only", names)
		}
		for name, id := range ids {
			_, err := st.Brand(ctx, zhuxiang.Actor{}, id)
			if want := name == "发布品牌"; (err == nil) != want {
				t.Errorf("public reads %s: %v", name, err)
			}
		}
		all, err := st.ListBrands(ctx, f.orgU2, store.BrandFilter{})
		if err != nil || len(all) != 3 {
			t.Errorf("signed in list %d %v, want 3", len(all), err)
		}
		w, _ := st.Brand(ctx, f.admin, ids["撤下品牌"])
		if w.Status != zhuxiang.BrandWithdrawn || w.Reason != "项目材料待核实" {
			t.Errorf("withdrawn brand %s %q", w.Status, w.Reason)
		}
		// The version guards an edit made on a stale page.
		w.Version--
		if err := st.UpdateBrand(ctx, f.admin, w, nil); zhuxiang.ErrorCodeOf(err) != zhuxiang.EConflict {
			t.Errorf("stale update: %v", err)
		}
		fig, err := st.PublicFigures(ctx)
		if err != nil || fig.Brands != 1 {
			t.Errorf("public figures brands %d %v, want 1", fig.Brands, err)
		}
	})
}
