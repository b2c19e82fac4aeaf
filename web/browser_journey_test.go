package web

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"zhuxiang"
	"zhuxiang/attach/attachtest"
)

// TestBrowserPairingToPublicBrand is the whole way a piece of help takes,
// clicked through in Chromium by the people who take each step:
//
//  1. the organization opens its pairing (made on the platform from a
//     village's need) and starts a project from it: the form comes filled
//     with the village, the action and the need, and it submits it;
//  2. the county approves it (asked first);
//  3. the organization starts it and reports progress with a photo taken
//     on a phone (with its GPS position), figures and spending;
//  4. the village sees the thumbnail and confirms the report (asked first);
//  5. the organization asks for acceptance and the county completes the
//     project, which closes the need;
//  6. the prefecture admin marks it a key project and forms a published
//     brand from it;
//  7. a visitor without an account finds the brand on the public site,
//     with the project's money and people.
//
// The stored photo has lost its position, and the public pages show no
// person's name or number.
func TestBrowserPairingToPublicBrand(t *testing.T) {
	needChromium(t)
	f := newFixtureOn(t, "sqlite")
	pairing := f.platformPairing(t)
	ctx := context.Background()
	pr, err := f.st.Pairing(ctx, zhuxiang.SystemActor, pairing)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	photo := filepath.Join(dir, "直播间.jpg")
	if err := os.WriteFile(photo, attachtest.GPSJPEG(640, 480), 0o644); err != nil {
		t.Fatal(err)
	}
	logo := filepath.Join(dir, "品牌.png")
	if err := os.WriteFile(logo, brandPNG(t), 0o644); err != nil {
		t.Fatal(err)
	}

	b := startBrowser(t, f.srv.URL, 180*time.Second)

	// 1. The organization starts a project from its pairing.
	b.signIn("orguser")
	b.navigate("/pairings/" + pairing)
	b.submit(`a[href="/projects/new?pairing=` + pairing + `"]`)
	if got := b.text(".main"); !strings.Contains(got, "据结对立项") || !strings.Contains(got, "测试一村") {
		t.Fatalf("the form from the pairing reads %q", got)
	}
	b.shot("journey-1-project-form")
	b.do(chromedp.SetValue(chromedp.ID("name"), "测试一村农产品电商直播间"),
		chromedp.SetValue(chromedp.ID("description"), "建设村级直播间，培训村民直播带货。"),
		chromedp.SetValue(chromedp.ID("budget_own"), "30000"),
		chromedp.SetValue(chromedp.ID("people_1"), "80"))
	b.submit(`.form-actions button[value="submit"]`)
	loc := b.location()
	id := loc[strings.LastIndex(loc, "/")+1:]
	if i := strings.IndexByte(id, '?'); i >= 0 {
		id = id[:i]
	}
	p, err := f.st.Project(ctx, zhuxiang.SystemActor, id)
	if err != nil {
		t.Fatalf("after submitting at %s: %v", loc, err)
	}
	if p.Status != zhuxiang.ProjectSubmitted || p.PairingID != pairing || !slices.Contains(p.NeedIDs, pr.NeedID) || p.Action != pr.Action ||
		!slices.Equal(p.Villages, []string{f.village}) || p.LeadOrgID() != f.org.ID {
		t.Fatalf("the project started from the pairing: %+v", p)
	}
	// The pairing's page now lists the project grown from it.
	b.navigate("/pairings/" + pairing)
	if got := b.text(".main"); !strings.Contains(got, "由此结对立项的帮扶项目") || !strings.Contains(got, "测试一村农产品电商直播间") {
		t.Errorf("the pairing's page reads %q", got)
	}
	b.logout()

	// 2. The county approves it.
	b.signIn("hejing")
	b.navigate("/projects/" + id)
	b.confirmStep(`a[href="/projects/`+id+`/confirm?action=approve"]`, "批准后项目立项")
	b.logout()

	// 3. The organization starts it and reports with a photo.
	b.login("orguser")
	b.navigate("/projects/" + id)
	b.submit(`form.inline input[name="name"][value="start"] ~ button`)
	if got := f.projectStatus(id); got != zhuxiang.ProjectRunning {
		t.Fatalf("after starting: %s", got)
	}
	b.submit(`a[href="/projects/` + id + `/reports/new"]`)
	b.do(chromedp.SetValue(chromedp.ID("text"), "直播间建成，完成两期直播培训，村民自己开播。"),
		chromedp.SetValue(chromedp.ID("people_1"), "60"),
		chromedp.SetValue(chromedp.ID("spend0_date"), "2026-11-20"),
		chromedp.SetValue(chromedp.ID("spend0_source"), "own"),
		chromedp.SetValue(chromedp.ID("spend0_amount"), "12000"),
		chromedp.SetUploadFiles(chromedp.ID("files"), []string{photo}))
	b.submit(`.form-actions button[type="submit"]`)
	if strings.Contains(b.location(), "/reports/new") {
		t.Fatalf("the report was refused: %q", b.text(".main"))
	}
	if got := b.text(`#reports`); !strings.Contains(got, "待村确认") {
		t.Fatalf("after reporting, the reports read %q", got)
	}
	b.logout()

	// 4. The village confirms it, having seen the thumbnail.
	b.signIn("cun")
	b.navigate("/projects/" + id)
	src, err := chromedp.Run(b.ctx, chromedp.AttributeValue(chromedp.CSS(`#reports .thumbs img`), "src"))
	if err != nil || !strings.HasSuffix(src.Value, "/thumb") {
		t.Errorf("the village sees %q (%v), not the thumbnail", src.Value, err)
	}
	b.shot("journey-4-report-village")
	b.confirmStep(`#reports a[href$="/confirm?action=confirm"]`, "不能撤回")
	if got := b.text(`#reports`); !strings.Contains(got, "村已确认") {
		t.Fatalf("after confirming, the reports read %q", got)
	}
	b.logout()

	// 5. Acceptance: asked for by the organization, given by the county.
	b.login("orguser")
	b.navigate("/projects/" + id)
	b.submit(`form.inline input[name="name"][value="request_acceptance"] ~ button`)
	b.logout()
	b.login("hejing")
	b.navigate("/projects/" + id)
	b.confirmStep(`a[href="/projects/`+id+`/confirm?action=complete"]`, "验收完成后项目结束")
	if got := f.projectStatus(id); got != zhuxiang.ProjectCompleted {
		t.Fatalf("after acceptance: %s", got)
	}
	need, err := f.st.Need(ctx, zhuxiang.SystemActor, pr.NeedID)
	if err != nil || need.Status != zhuxiang.NeedDone {
		t.Errorf("the pairing's need after completion: %v %v", need.Status, err)
	}
	b.logout()

	// 6. The prefecture marks it key and forms a brand from it.
	b.signIn("admin1")
	b.navigate("/projects/" + id)
	b.submit(`form[action="/projects/` + id + `/key"] button`)
	b.submit(`a[href="/brands/new?project=` + id + `"]`)
	b.do(chromedp.SetValue(chromedp.ID("name"), "和静电商直播"),
		chromedp.SetValue(chromedp.ID("level"), "county"),
		chromedp.SetValue(chromedp.ID("county"), "652827"),
		chromedp.SetValue(chromedp.ID("year"), "2026"),
		chromedp.SetValue(chromedp.ID("description"), "村级直播间带动农产品销售。"),
		chromedp.SetUploadFiles(chromedp.ID("logo"), []string{logo}))
	b.submit(`.form-actions button[type="submit"]`)
	b.submit(`form[action$="/transition"] button`)
	if got := b.text(".state-card"); !strings.Contains(got, "已发布") {
		t.Fatalf("the brand after publishing reads %q", got)
	}
	if p, _ := f.st.Project(ctx, zhuxiang.SystemActor, id); !p.Key {
		t.Error("the project is not marked key")
	}
	b.logout()

	// 7. The public finds it.
	b.navigate("/public")
	stats := b.text(".stats")
	for _, want := range []string{"重点帮扶项目\n1\n", "项目品牌\n1\n", "受益群众（人次）\n60\n", "项目投入资金（万元）\n1.2\n"} {
		if !strings.Contains(stats, want) {
			t.Errorf("the public figures lack %q: %q", want, stats)
		}
	}
	b.submit(`.brand-card-link`)
	page := b.text(".main")
	for _, want := range []string{"和静电商直播", "测试一村农产品电商直播间", "和静县电子商务促进会"} {
		if !strings.Contains(page, want) {
			t.Errorf("the public brand page lacks %q: %q", want, page)
		}
	}
	for _, never := range []string{"13800138000", "王村长", "orguser"} {
		if strings.Contains(page, never) {
			t.Errorf("the public brand page shows %q", never)
		}
	}
	b.do(chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile))
	b.shot("journey-7-public-brand-phone")

	// The photo as stored has no position left.
	got, err := f.st.Project(ctx, zhuxiang.SystemActor, id)
	if err != nil {
		t.Fatal(err)
	}
	reps, err := f.st.ProjectReports(ctx, zhuxiang.SystemActor, got)
	if err != nil || len(reps) != 1 || len(reps[0].Files) != 1 {
		t.Fatalf("reports %v %+v", err, reps)
	}
	stored, err := f.st.ReportFile(ctx, zhuxiang.SystemActor, id, reps[0].ID, 1, false)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(stored.Data), attachtest.Secret) {
		t.Error("the stored photo keeps its GPS position")
	}
}
