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
	"zhuxiang/attach/attachtest"
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

// TestBrowserProjectReport: the lead organization submits a progress
// report with a photo through the form in Chromium; the village sees its
// thumbnail on the project's page (never the original), confirms the
// report in the dialog, and the county then completes the project. A
// photo's GPS position is not in the stored file.
func TestBrowserProjectReport(t *testing.T) {
	needChromium(t)
	f := newFixtureOn(t, "sqlite")
	p := f.project("orguser", f.org.ID, "香梨冷库建设", zhuxiang.ProjectAwaiting)
	photo := filepath.Join(t.TempDir(), "冷库现场.jpg")
	if err := os.WriteFile(photo, attachtest.GPSJPEG(400, 300), 0o644); err != nil {
		t.Fatal(err)
	}

	b := startBrowser(t, f.srv.URL, 120*time.Second)
	b.signIn("orguser")
	b.navigate("/projects/" + p.ID)
	b.submit(`a[href="/projects/` + p.ID + `/reports/new"]`)
	b.do(chromedp.SetValue(chromedp.ID("text"), "冷库已建成并通电，完成验收准备"),
		chromedp.SetValue(chromedp.ID("people_1"), "95"),
		chromedp.SetUploadFiles(chromedp.ID("files"), []string{photo}))
	b.shot("report-form")
	b.submit(`.form-actions button[type="submit"]`)
	if got := b.text(`#reports`); !strings.Contains(got, "待村确认") || !strings.Contains(got, "低收入人口 95 人") {
		t.Fatalf("after submitting, the reports read %q", got)
	}
	b.logout()

	b.signIn("cun")
	b.navigate("/projects/" + p.ID)
	attr, err := chromedp.Run(b.ctx, chromedp.AttributeValue(chromedp.CSS(`#reports .thumbs img`), "src"))
	if err != nil {
		t.Fatal(err)
	}
	src := attr.Value
	if !strings.HasSuffix(src, "/files/1/thumb") {
		t.Errorf("the list shows %s, not the thumbnail", src)
	}
	b.shot("report-village")
	b.confirmStep(`#reports a[href$="/confirm?action=confirm"]`, "确认后", "不能撤回")
	if got := b.text(`#reports`); !strings.Contains(got, "村已确认") {
		t.Fatalf("after confirming, the reports read %q", got)
	}
	b.logout()

	b.signIn("hejing")
	b.navigate("/projects/" + p.ID)
	b.confirmStep(`a[href="/projects/`+p.ID+`/confirm?action=complete"]`, "验收完成后项目结束")
	if got := f.projectStatus(p.ID); got != zhuxiang.ProjectCompleted {
		t.Fatalf("stored status %s", got)
	}
	got, err := f.st.Project(context.Background(), zhuxiang.SystemActor, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	reps, err := f.st.ProjectReports(context.Background(), zhuxiang.SystemActor, got)
	if err != nil || len(reps) != 1 || len(reps[0].Files) != 1 {
		t.Fatalf("reports %v %+v", err, reps)
	}
	stored, err := f.st.ReportFile(context.Background(), zhuxiang.SystemActor, p.ID, reps[0].ID, 1, false)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(stored.Data), attachtest.Secret) || stored.Name != "冷库现场.jpg" {
		t.Errorf("stored %q with its location: %v", stored.Name, strings.Contains(string(stored.Data), attachtest.Secret))
	}
}
