package web

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"zhuxiang"
)

const chromiumPath = "/usr/bin/chromium"

// TestBrowser walks the pages that matter in a real headless Chromium: a
// county user's first login, a pinyin search, an edit and its audit entry,
// and another county's refusal. Set ZHUXIANG_SCREENSHOTS to keep PNGs of
// the pages in testdata/screenshots for a person to look at.
func TestBrowser(t *testing.T) {
	needChromium(t)
	e := newEnv(t)
	e.townships()
	village := e.village("和静县", "巴伦台镇", "测试一村")
	e.user("admin1", zhuxiang.RoleAdmin, "")
	e.user("hejing", zhuxiang.RoleCounty, "652827")
	e.user("ruoqiang", zhuxiang.RoleCounty, "652824")
	target := e.org("和静县巴音布鲁克牧民协会", "652827", 10)
	for i, n := range []string{"和静县蔬菜种植协会", "和静县民族文化艺术团", "和静县乡村社区服务中心", "和静县青年志愿者协会", "和静县电子商务促进会"} {
		e.org(n, "652827", 20+i)
	}
	flagged := e.org("和静县旧货交易协会", "652827", 30)
	flagged.Flags = []zhuxiang.OrgFlag{{Kind: zhuxiang.FlagAbnormal, Source: "州民政局2025年第3号公告", Date: "2025-03-01"}}
	flagged.Rating, flagged.RatingDate = 3, "2022-05-01"
	if _, err := e.st.UpdateOrg(context.Background(), zhuxiang.SystemActor, flagged); err != nil {
		t.Fatal(err)
	}

	b := startBrowser(t, e.srv.URL, 120*time.Second)

	// The county user signs in and must change the initial password first.
	b.signIn("hejing")

	// Pinyin initials of 巴音布鲁克 find the organization.
	b.navigate("/orgs")
	b.do(chromedp.SetValue(chromedp.CSS(`input[name="q"]`), "bybl"))
	b.submit(`form.filters button[type="submit"]`)
	list := b.text("main")
	if !strings.Contains(list, "和静县巴音布鲁克牧民协会") || strings.Contains(list, "和静县蔬菜种植协会") {
		t.Fatalf("search by pinyin initials:\n%s", list)
	}
	b.navigate("/orgs")
	b.shot("orgs-desktop")
	b.do(chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile))
	b.navigate("/orgs")
	b.shot("orgs-phone")
	b.do(chromedp.Click(chromedp.CSS("details.menu-phone > summary")))
	b.shot("menu-phone")
	b.do(chromedp.EmulateViewport(1280, 900))

	// Open it, edit the contact, save, and see the new value and its
	// audit entry: who changed what, from what to what.
	b.navigate("/orgs?q=" + url.QueryEscape("bybl"))
	b.submit(`td.cell-title a`)
	b.submit(`.page-head a.btn-primary`)
	if !strings.Contains(b.location(), "/orgs/"+target.ID+"/edit") {
		t.Fatalf("edit page at %s", b.location())
	}
	b.shot("org-edit")
	b.do(chromedp.SetValue(chromedp.ID("contact"), "巴特尔"))
	b.submit(`.form-actions button[type="submit"]`)
	detail := b.text("main")
	for _, want := range []string{"已保存", "巴特尔", "最后修改：", "hejing姓名", "修改记录", "联系人：李四 → 巴特尔"} {
		if !strings.Contains(detail, want) {
			t.Errorf("detail after save lacks %q:\n%s", want, detail)
		}
	}
	b.shot("org-detail")
	b.do(chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile))
	b.navigate("/orgs/" + target.ID)
	b.shot("org-detail-phone")
	b.navigate("/orgs/" + target.ID + "/edit")
	b.shot("org-edit-phone")
	b.do(chromedp.EmulateViewport(1280, 900))
	b.submit(`header form button[type="submit"]`) // 退出

	// The administrator sees the change in the audit log.
	b.signIn("admin1")
	b.navigate("/audit?entity=org&op=update&verify=1")
	audit := b.text("main")
	for _, want := range []string{"日志链完整", "hejing姓名", "联系人：李四 → 巴特尔"} {
		if !strings.Contains(audit, want) {
			t.Errorf("audit page lacks %q:\n%s", want, audit)
		}
	}
	b.shot("audit")
	b.navigate("/orgs/" + flagged.ID)
	b.shot("org-flagged")
	b.navigate("/regions?county=652827")
	b.shot("regions")
	b.navigate("/")
	b.shot("home")
	b.navigate("/import")
	b.shot("import")
	// A bad file through the script's upload (XMLHttpRequest with a
	// progress bar): the page goes on to the import's job, which shows
	// the result at an address of its own.
	bad := filepath.Join(t.TempDir(), "orgs.csv")
	if err := os.WriteFile(bad, []byte("组织名称,统一社会信用代码,登记县市\n坏代码协会,123,和静县\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	b.do(chromedp.SetUploadFiles(chromedp.ID("orgs-file"), []string{bad}),
		chromedp.Click(chromedp.CSS(`#orgs button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(".alert-danger")))
	if res := b.text("main"); !strings.Contains(res, "全部未保存") || !strings.Contains(res, "统一社会信用代码应为18位") {
		t.Errorf("import result:\n%s", res)
	}
	if loc := b.location(); !strings.Contains(loc, "/jobs/") {
		t.Errorf("scripted upload navigated to %s, not to its job", loc)
	}
	b.shot("import-result")
	// A good file: the new organizations are found by pinyin at once, and
	// each one's page shows the line of the import that created it.
	good := filepath.Join(t.TempDir(), "good.csv")
	csv := "组织名称,统一社会信用代码,法人类型,登记县市\n"
	for i, n := range []string{"和静县哈尔莫敦养蜂协会", "和静县额勒再特乌鲁刺绣合作社联合会", "和静县巩乃斯林场护林协会"} {
		csv += n + "," + creditCode(t, '1', 40+i) + ",社会团体,和静县\n"
	}
	if err := os.WriteFile(good, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	b.navigate("/import")
	b.do(chromedp.SetUploadFiles(chromedp.ID("orgs-file"), []string{good}),
		chromedp.Click(chromedp.CSS(`#orgs button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(".alert-success, .flash-ok, .alert-danger")))
	if res := b.text("main"); !strings.Contains(res, "导入成功") {
		t.Errorf("good import result:\n%s", res)
	}
	b.shot("import-good")
	b.navigate("/orgs?q=" + url.QueryEscape("hjxhemd")) // 和静县哈尔莫敦
	b.submit(`td.cell-title a`)
	history := b.text("main")
	for _, want := range []string{"和静县哈尔莫敦养蜂协会", "导入新增", "导入行号：2"} {
		if !strings.Contains(history, want) {
			t.Errorf("imported organization's page lacks %q:\n%s", want, history)
		}
	}
	b.shot("org-imported")
	b.navigate("/audit?op=import_create")
	if audit := b.text("main"); !strings.Contains(audit, "新增社会组织：3个") || !strings.Contains(audit, "导入行号：第2–4行") {
		t.Errorf("audit page after the import:\n%s", audit)
	}
	b.shot("audit-import")
	b.navigate("/users")
	b.shot("users")
	b.submit(`header form button[type="submit"]`)

	// Another county's user is refused the first county's village form.
	b.signIn("ruoqiang")
	b.navigate("/regions/" + village + "/edit")
	refusal := b.text("main")
	if !strings.Contains(refusal, "无权修改测试一村") {
		t.Errorf("refusal page:\n%s", refusal)
	}
	b.shot("refusal")
}

// needChromium skips a browser test where Debian's chromium is missing
// (and fails it in CI, where a skip would hide that nothing ran).
func needChromium(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but %s is missing: install Debian's chromium package", chromiumPath)
		}
		t.Skipf("%s not found; skipping the browser test (install chromium to run it)", chromiumPath)
	}
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
}

// startBrowser runs a headless Chromium with a fresh profile for one test,
// closed at its end, with a desktop viewport. Screenshots go to
// testdata/screenshots when ZHUXIANG_SCREENSHOTS is set.
func startBrowser(t *testing.T, base string, timeout time.Duration) *browser {
	t.Helper()
	shots := ""
	if os.Getenv("ZHUXIANG_SCREENSHOTS") != "" {
		shots = filepath.Join("testdata", "screenshots")
		if err := os.MkdirAll(shots, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	ctx, cancel := context.WithTimeout(bctx, timeout)
	t.Cleanup(func() { cancel(); cancelBrowser(); cancelAlloc() })
	b := &browser{t: t, ctx: ctx, base: base, shots: shots}
	b.do(chromedp.EmulateViewport(1280, 900))
	return b
}

// browser runs steps in one tab and fails the test on the first error.
type browser struct {
	t     *testing.T
	ctx   context.Context
	base  string
	shots string
}

func (b *browser) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatal(err)
	}
}

func (b *browser) navigate(path string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.base + path))
}

// submit clicks sel and waits until the page it leads to has loaded.
func (b *browser) submit(sel string) {
	b.t.Helper()
	if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		b.t.Fatalf("click %s: %v", sel, err)
	}
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatal(err)
	}
	return s
}

func (b *browser) location() string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatal(err)
	}
	return s
}

// signIn logs a new account in through the form and makes the required
// first password change.
func (b *browser) signIn(name string) {
	b.t.Helper()
	b.navigate("/login")
	b.do(chromedp.SetValue(chromedp.ID("name"), name), chromedp.SetValue(chromedp.ID("password"), initialPassword))
	b.submit(`button[type="submit"]`)
	if !strings.HasSuffix(b.location(), "/password") {
		b.t.Fatalf("%s: first login landed on %s", name, b.location())
	}
	b.shot("password-" + name)
	b.do(chromedp.SetValue(chromedp.ID("old_password"), initialPassword),
		chromedp.SetValue(chromedp.ID("password"), newPassword),
		chromedp.SetValue(chromedp.ID("repeat"), newPassword))
	b.submit(`.form-actions button[type="submit"]`)
	if !strings.HasSuffix(b.location(), "/") {
		b.t.Fatalf("%s: after password change at %s", name, b.location())
	}
}

// shot saves a full-page PNG when screenshots were asked for.
func (b *browser) shot(name string) {
	b.t.Helper()
	if b.shots == "" {
		return
	}
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(b.shots, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// login signs in an account that has already set its own password.
func (b *browser) login(name string) {
	b.t.Helper()
	b.navigate("/login")
	b.do(chromedp.SetValue(chromedp.ID("name"), name), chromedp.SetValue(chromedp.ID("password"), newPassword))
	b.submit(`button[type="submit"]`)
	if !strings.HasSuffix(b.location(), "/") {
		b.t.Fatalf("%s: login landed on %s", name, b.location())
	}
}

// logout presses 退出 in the top bar.
func (b *browser) logout() {
	b.t.Helper()
	b.submit(`header form button[type="submit"]`)
}
