package web

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"zhuxiang"
)

// TestBrowserProjectApprove: the county opens a submitted project from
// the list and approves it; the step asks first in a dialog, and the page
// then shows the project approved. Screenshots of the list and the page at
// desktop and phone width.
func TestBrowserProjectApprove(t *testing.T) {
	needChromium(t)
	f := newFixtureOn(t, "sqlite")
	p := f.project("orguser", f.org.ID, "红枣加工车间建设", zhuxiang.ProjectSubmitted)
	f.project("orguser", f.org.ID, "香梨冷库建设", zhuxiang.ProjectRunning)

	b := startBrowser(t, f.srv.URL, 120*time.Second)
	b.signIn("hejing")
	b.navigate("/projects")
	b.shot("projects-list")
	b.submit(`a[href="/projects/` + p.ID + `"]`)
	b.shot("project-detail")
	b.confirmStep(`a[href="/projects/`+p.ID+`/confirm?action=approve"]`, "批准后项目立项", "牵头单位和项目所在村会收到通知")
	if got := b.text(`.state-card`); !strings.Contains(got, "已批准") {
		t.Fatalf("after approving, the state reads %q", got)
	}
	if got := f.projectStatus(p.ID); got != zhuxiang.ProjectApproved {
		t.Fatalf("stored status %s", got)
	}
	b.do(chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile))
	b.navigate("/projects")
	b.shot("projects-list-phone")
	b.navigate("/projects/" + p.ID)
	b.shot("project-detail-phone")
}
