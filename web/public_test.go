package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"zhuxiang"
	"zhuxiang/store"
)

// TestPublicHome: the public front page answers anyone, counts from the
// records (a new pairing moves its figures), names nobody, and describes
// itself for a shared link; with --base-url the link is absolute.
func TestPublicHome(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		f := newFixtureOn(t, engine)
		anon := f.client()
		figure := func(r *resp, label string) string {
			t.Helper()
			m := statValue(label).FindStringSubmatch(r.Body)
			if m == nil {
				t.Fatalf("no figure %q on the public page:\n%s", label, excerpt(r.Body))
			}
			return m[1]
		}
		r := anon.get("/public")
		mustStatus(t, r, http.StatusOK)
		mustContain(t, r, `<meta property="og:title" content="社会组织助力乡村振兴专项行动">`, `<meta name="description"`, `href="/public/needs"`)
		mustNotContain(t, r, "og:url") // no --base-url: the server does not know its address
		before := figure(r, "结对帮扶")

		p := &zhuxiang.Pairing{OrgID: f.org.ID, VillageCode: f.village, Action: zhuxiang.ActionIndustry, StartDate: "2026-03-01"}
		if _, err := f.st.CreatePairing(context.Background(), zhuxiang.SystemActor, p, nil); err != nil {
			t.Fatal(err)
		}
		r = anon.get("/public")
		n, _ := strconv.Atoi(before)
		if got := figure(r, "结对帮扶"); got != strconv.Itoa(n+1) {
			t.Errorf("pairings after one more: %s, want %d", got, n+1)
		}
		if got := figure(r, "参与的社会组织"); got != "1" {
			t.Errorf("organizations taking part: %s, want 1", got)
		}
		mustNotContain(t, r, f.org.Name) // counts only: no organization named

		// Projects: a running one with spending and people reached moves
		// the money and the people; marking it key (which bumps only the
		// generation projects bump) moves the key projects at once, past
		// the cached page. A draft's figures are not counted.
		if got := figure(r, "重点帮扶项目"); got != "0" {
			t.Errorf("key projects before any: %s", got)
		}
		ctx, admin := context.Background(), f.actor("admin1")
		p2 := f.project("orguser", f.org.ID, "红枣加工车间建设", zhuxiang.ProjectRunning) // 低收入人口 120/30
		f.project("orguser", f.org.ID, "草稿项目", zhuxiang.ProjectDraft)
		if err := f.st.AddProjectSpending(ctx, f.actor("orguser"), p2.ID, &zhuxiang.ProjectSpending{Date: "2026-04-01", Source: zhuxiang.FundOwn, AmountFen: 1_285_000_00}); err != nil {
			t.Fatal(err)
		}
		r = anon.get("/public")
		if got := figure(r, "项目投入资金（万元）"); got != "128.5" {
			t.Errorf("money invested: %s 万元, want 128.5", got)
		}
		if got := figure(r, "受益群众（人次）"); got != "30" {
			t.Errorf("people benefiting: %s, want 30", got)
		}
		mustContain(t, r, "方案目标：不少于10个")
		if err := f.st.SetProjectKey(ctx, admin, p2.ID, true); err != nil {
			t.Fatal(err)
		}
		if got := figure(anon.get("/public"), "重点帮扶项目"); got != "1" {
			t.Errorf("key projects after marking one: %s, want 1", got)
		}
	})

	e := newServedEnv(t, "sqlite", Options{BaseURL: mustParseBaseURL(t, "https://zhuxiang.example.gov.cn")})
	c := e.client()
	r := c.get("/public/needs?county=652827")
	mustContain(t, r, `<meta property="og:url" content="https://zhuxiang.example.gov.cn/public/needs?county=652827">`)
}

// statValue finds the value of the figure labelled label.
func statValue(label string) *regexp.Regexp {
	return regexp.MustCompile(`<span class="stat-label">` + regexp.QuoteMeta(label) + `</span><span class="stat-value num">([0-9/.]+)</span>`)
}

func mustParseBaseURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := ParseBaseURL(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestWan: money in 万元 on the public site, rounded to two decimals.
func TestWan(t *testing.T) {
	for fen, want := range map[int64]string{0: "0", 4999: "0", 5000: "0.01", 1_000_000: "1", 1_285_000_00: "128.5", 1_234_567_89: "123.46", 99_999_999: "100"} {
		if got := wan(fen); got != want {
			t.Errorf("wan(%d) = %q, want %q", fen, got, want)
		}
	}
}

// TestPublicShareImage: with --base-url, a published brand's public page
// (and a case's, by the same view.Image) names its picture for a shared link's card (og:image, an
// absolute address of the thumbnail); without a picture there is none.
func TestPublicShareImage(t *testing.T) {
	f := newFixtureWith(t, "sqlite", Options{BaseURL: mustParseBaseURL(t, "https://zhuxiang.example.gov.cn")})
	ctx, admin := context.Background(), f.actor("admin1")
	p := f.project("orguser", f.org.ID, "和静刺绣工坊建设", zhuxiang.ProjectCompleted)
	withLogo := &zhuxiang.Brand{Name: "和静民族刺绣", Level: zhuxiang.BrandPrefecture, Year: 2026, Description: "刺绣工坊。", ProjectIDs: []string{p.ID}}
	bare := &zhuxiang.Brand{Name: "和静刺绣二期", Level: zhuxiang.BrandPrefecture, Year: 2026, Description: "刺绣工坊。", ProjectIDs: []string{p.ID}}
	for _, b := range []struct {
		brand *zhuxiang.Brand
		logo  *store.LogoFile
	}{{withLogo, &store.LogoFile{Name: "标志.png", Data: brandPNG(t)}}, {bare, nil}} {
		id, err := f.st.CreateBrand(ctx, admin, b.brand, b.logo)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.st.TransitionBrand(ctx, admin, id, "publish", "", 0); err != nil {
			t.Fatal(err)
		}
		b.brand.ID = id
	}
	anon := f.client()
	mustContain(t, anon.get("/public/brands/"+withLogo.ID),
		`<meta property="og:image" content="https://zhuxiang.example.gov.cn/public/brands/`+withLogo.ID+`/thumb">`)
	mustNotContain(t, anon.get("/public/brands/"+bare.ID), "og:image")
}
