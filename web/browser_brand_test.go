package web

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"zhuxiang"
)

// TestBrowserBrand: the prefecture admin marks a completed project key,
// forms a brand from its page with a logo, publishes it, and a visitor
// without an account finds it on the public front page, opens it and sees
// its logo and its project's figures.
func TestBrowserBrand(t *testing.T) {
	needChromium(t)
	f := newFixtureOn(t, "sqlite")
	p := f.project("orguser", f.org.ID, "和静刺绣工坊建设", zhuxiang.ProjectCompleted)
	logo := filepath.Join(t.TempDir(), "刺绣.png")
	if err := os.WriteFile(logo, brandPNG(t), 0o644); err != nil {
		t.Fatal(err)
	}

	b := startBrowser(t, f.srv.URL, 120*time.Second)
	b.signIn("admin1")
	b.navigate("/projects/" + p.ID)
	b.submit(`form[action="/projects/` + p.ID + `/key"] button`)
	b.submit(`a[href="/brands/new?project=` + p.ID + `"]`)
	b.shot("brand-form")
	checked, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.querySelector('input[name="projects"][value="`+p.ID+`"]').checked`))
	if err != nil || !checked {
		t.Fatalf("the project the form was opened from is not ticked: %v", err)
	}
	b.do(chromedp.SetValue(chromedp.ID("name"), "和静民族刺绣"),
		chromedp.SetValue(chromedp.ID("level"), "county"),
		chromedp.SetValue(chromedp.ID("county"), "652827"),
		chromedp.SetValue(chromedp.ID("year"), "2026"),
		chromedp.SetValue(chromedp.ID("description"), "蒙古族刺绣传承工坊。"),
		chromedp.SetUploadFiles(chromedp.ID("logo"), []string{logo}))
	b.submit(`.form-actions button[type="submit"]`)
	if got := b.text(".main"); !strings.Contains(got, "已保存") || !strings.Contains(got, "未发布") || !strings.Contains(got, p.Name) {
		t.Fatalf("after saving the brand page reads %q", got)
	}
	b.submit(`form[action$="/transition"] button`)
	if got := b.text(".state-card"); !strings.Contains(got, "已发布") {
		t.Fatalf("after publishing the state reads %q", got)
	}
	b.shot("brand-detail")
	b.logout()

	b.navigate("/public")
	if got := b.text(".stats"); !strings.Contains(got, "项目品牌\n1\n") {
		t.Errorf("the front page's brand count reads %q", got)
	}
	b.submit(`.brand-card-link`)
	if got := b.text(".main"); !strings.Contains(got, "和静民族刺绣") || !strings.Contains(got, p.Name) || !strings.Contains(got, "¥7,500.00") {
		t.Fatalf("the public brand page reads %q", got)
	}
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`(() => { const i = document.querySelector('img.brand-logo'); return !!(i && i.complete && i.naturalWidth > 0) })()`)); err != nil {
		t.Errorf("the logo did not load on the public page: %v", err)
	}
	b.do(chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile))
	b.shot("public-brand-phone")
}
