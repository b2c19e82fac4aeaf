package web

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestBrowserPickAndAgreements walks the two flows of issue 10 (items 7
// and 8) in a real Chromium: the administrator creates a village user by
// typing a few pinyin letters of the village and picking it from the list;
// the county uploads an agreement to a pairing made through the platform,
// replaces it, and the page lists both versions. Screenshots at desktop
// width and at 375 px.
func TestBrowserPickAndAgreements(t *testing.T) {
	needChromium(t)
	f := newFixture(t)
	// Villages with similar names, so the list has something to choose
	// from; the one wanted is found by the initials of 乌拉斯台.
	for _, n := range []string{"乌拉斯台村", "乌兰村", "阿尔先沟村"} {
		f.env.village("和静县", "巴伦台镇", n)
	}
	target := f.env.village("和静县", "哈尔莫敦镇", "乌拉斯台牧业村")
	pairing := f.platformPairing(t)

	b := startBrowser(t, f.srv.URL, 150*time.Second)
	b.signIn("admin1")
	b.navigate("/users")
	b.do(chromedp.Click(chromedp.CSS("details.disclosure > summary")))
	// Without a role that has one, the scope fields hide; choosing the
	// village role shows the village picker only.
	b.do(chromedp.SetValue(chromedp.ID("u-role"), "admin"), dispatchChange("u-role"))
	if visible(b, ".scope-fields") {
		t.Error("scope fields shown for the admin role")
	}
	b.do(chromedp.SetValue(chromedp.ID("u-role"), "village"), dispatchChange("u-role"))
	if !visible(b, `[data-role="village"]`) || visible(b, `[data-role="org"]`) || visible(b, `[data-role="county"]`) {
		t.Error("the village role does not show the village picker alone")
	}
	b.do(chromedp.SetValue(chromedp.ID("u-name"), "wlst"),
		chromedp.SetValue(chromedp.ID("u-display"), "乌拉斯台牧业村村委会"),
		chromedp.SetValue(chromedp.ID("u-password"), initialPassword),
		chromedp.SendKeys(chromedp.ID("village"), "wlstm"),
		chromedp.WaitVisible(chromedp.CSS(".pick-list .pick-option")))
	list := b.text(".pick-list")
	if !strings.Contains(list, "乌拉斯台牧业村") || strings.Contains(list, "乌兰村") {
		t.Errorf("picker list for wlstm:\n%s", list)
	}
	b.shot("pick-users-list")
	b.do(chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile))
	b.shot("pick-users-list-phone")
	b.do(chromedp.EmulateViewport(1280, 900))
	b.do(chromedp.Click(chromedp.CSS(".pick-list .pick-option")))
	id, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS(`input[name="village_id"]`)))
	if err != nil {
		t.Fatal(err)
	}
	if id != target {
		t.Fatalf("picked village id %q, want %s", id, target)
	}
	if got := b.text(".pick-choice"); !strings.Contains(got, "乌拉斯台牧业村（和静县 哈尔莫敦镇）") {
		t.Errorf("choice shown as %q", got)
	}
	b.shot("pick-users-chosen")
	b.submit(`form[action="/users"] button[type="submit"]`)
	page := b.text("main")
	if !strings.Contains(page, "已创建用户“wlst”") || !strings.Contains(page, "和静县 乌拉斯台牧业村") {
		t.Errorf("users page after creating the village user:\n%s", page)
	}
	if u, err := f.st.UserByName(context.Background(), "wlst"); err != nil || u.RegionCode != target {
		t.Fatalf("user wlst: %+v %v", u, err)
	}
	// Submitted without a choice from the list, an ambiguous name comes
	// back as radio buttons, as it does without the script.
	b.do(chromedp.Click(chromedp.CSS("details.disclosure > summary")),
		chromedp.SetValue(chromedp.ID("u-role"), "village"), dispatchChange("u-role"),
		chromedp.SetValue(chromedp.ID("u-name"), "wlst2"),
		chromedp.SetValue(chromedp.ID("u-password"), initialPassword),
		chromedp.SendKeys(chromedp.ID("village"), "乌拉斯台"),
		chromedp.SendKeys(chromedp.ID("village"), kb.Escape))
	b.submit(`form[action="/users"] button[type="submit"]`)
	if form := b.text("form[action=\"/users\"]"); !strings.Contains(form, "与“乌拉斯台”相符的村有2个") || !strings.Contains(form, "乌拉斯台村") {
		t.Errorf("candidates:\n%s", form)
	}
	b.shot("pick-users-candidates")
	b.do(chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile))
	b.shot("pick-users-candidates-phone")
	b.do(chromedp.EmulateViewport(1280, 900))
	b.do(chromedp.SetValue(chromedp.ID("u-password"), initialPassword),
		chromedp.Click(chromedp.CSS(`input[name="village_pick"][value="`+target+`"]`)))
	b.submit(`form[action="/users"] button[type="submit"]`)
	if u, err := f.st.UserByName(context.Background(), "wlst2"); err != nil || u.RegionCode != target {
		t.Fatalf("user wlst2 from the candidates: %+v %v\n%s", u, err, b.text("main"))
	}
	b.logout()

	// The county records a pairing by hand: the organization by its
	// pinyin, the village by the script's list.
	b.signIn("hejing")
	b.navigate("/pairings/new")
	b.do(chromedp.SendKeys(chromedp.ID("org"), "dzsw"), chromedp.WaitVisible(chromedp.CSS(`[data-pick="/pick/orgs"] .pick-option`)))
	b.do(chromedp.Click(chromedp.CSS(`[data-pick="/pick/orgs"] .pick-option`)))
	b.do(chromedp.SendKeys(chromedp.ID("village"), "aexg"), chromedp.WaitVisible(chromedp.CSS(`[data-pick="/pick/villages"] .pick-option`)))
	b.shot("pick-pairing-form")
	b.do(chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile))
	b.shot("pick-pairing-form-phone")
	b.do(chromedp.EmulateViewport(1280, 900))
	b.do(chromedp.Click(chromedp.CSS(`[data-pick="/pick/villages"] .pick-option`)))
	b.submit(`.form-actions button[type="submit"]`)
	if page := b.text("main"); !strings.Contains(page, "已录入结对") || !strings.Contains(page, "阿尔先沟村") || !strings.Contains(page, "和静县电子商务促进会") {
		t.Errorf("pairing recorded with pickers:\n%s", page)
	}

	// The county uploads the agreement of the platform pairing, then
	// replaces it; both versions are listed.
	dir := t.TempDir()
	first, second := filepath.Join(dir, "结对协议.pdf"), filepath.Join(dir, "结对协议-盖章.png")
	if err := os.WriteFile(first, agreementPDF, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(second, pngAgreement, 0o644); err != nil {
		t.Fatal(err)
	}
	b.navigate("/pairings/" + pairing)
	b.shot("agreement-none")
	for _, file := range []string{first, second} {
		b.do(chromedp.SetUploadFiles(chromedp.ID("file"), []string{file}))
		b.submit(`.upload-form button[type="submit"]`)
	}
	versions := b.text("#agreement")
	for _, want := range []string{"第2版", "当前", "结对协议-盖章.png", "第1版", "结对协议.pdf", "hejing姓名"} {
		if !strings.Contains(versions, want) {
			t.Errorf("versions lack %q:\n%s", want, versions)
		}
	}
	b.shot("agreement-versions")
	b.do(chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile))
	b.navigate("/pairings/" + pairing)
	b.shot("agreement-versions-phone")
	b.do(chromedp.EmulateViewport(1280, 900))
	b.logout()

	// Without a chosen role's field the form still works: the users page
	// at 375 px with the create form open.
	b.login("admin1")
	b.do(chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile))
	b.navigate("/users")
	b.do(chromedp.Click(chromedp.CSS("details.disclosure > summary")))
	b.shot("pick-users-form-phone")
}

// dispatchChange fires the change event a person's choice in a select
// fires (chromedp.SetValue sets the value only).
func dispatchChange(id string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`void document.getElementById(` + "`" + id + "`" + `).dispatchEvent(new Event("change", {bubbles: true}))`)
}

// visible reports whether the first element matching sel is rendered.
func visible(b *browser, sel string) bool {
	b.t.Helper()
	ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(function(){var e=document.querySelector(`+"`"+sel+"`"+`);return !!e && e.offsetParent !== null;})()`))
	if err != nil {
		b.t.Fatal(err)
	}
	return ok
}
