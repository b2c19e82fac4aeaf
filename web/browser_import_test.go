package web

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"zhuxiang"
)

// TestBrowserImportProgress uploads a workbook of 3 000 organizations from
// a phone, through the page's script, and watches the job's page: its bar
// moves from the checks to the saving without the page reloading, then the
// page shows the result. The job is held at two points by the test (never
// timed), so what the page shows in between is certain.
func TestBrowserImportProgress(t *testing.T) {
	needChromium(t)
	const rows = 3000
	g := newGate(func(step zhuxiang.Step, done, total int) bool {
		return step == zhuxiang.StepCheck && done >= total/2 && done < total
	})
	e := newEnvWithOptions(t, "sqlite", Options{jobHook: g.hook})
	e.user("admin1", zhuxiang.RoleAdmin, "")

	x := excelize.NewFile()
	sh := x.GetSheetName(0)
	x.SetSheetRow(sh, "A1", &[]any{"组织名称", "统一社会信用代码", "法人类型", "登记县市"})
	for i := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		x.SetSheetRow(sh, cell, &[]any{"和静县测试" + string(rune('甲'+i%20)) + "协会" + strconv.Itoa(i), creditCode(t, '1', 1000+i), "社会团体", "和静县"})
	}
	file := filepath.Join(t.TempDir(), "社会组织.xlsx")
	if err := x.SaveAs(file); err != nil {
		t.Fatal(err)
	}

	b := startBrowser(t, e.srv.URL, 3*time.Minute)
	b.signIn("admin1")
	b.do(chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile))
	b.navigate("/import")
	b.do(chromedp.SetUploadFiles(chromedp.ID("orgs-file"), []string{file}),
		chromedp.Click(chromedp.CSS(`#orgs button[type="submit"]`)))
	<-g.stopped // halfway through the checks
	b.do(chromedp.WaitVisible(chromedp.CSS(".job-progress")))
	// The page moves its bar from the status it polls; wait for it to show
	// the halfway point, and mark the window to see that it is not reloaded.
	waitFor(t, b, `document.querySelector(".job-progress").value >= 20`)
	if !strings.Contains(b.location(), "/jobs/") {
		t.Fatalf("the upload led to %s, not to the job's page", b.location())
	}
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`window.zhuxiangMark = true`)); err != nil {
		t.Fatal(err)
	}
	text := b.text(".job-text")
	if !strings.Contains(text, "逐行校验") || !strings.Contains(text, "3,000") {
		t.Errorf("halfway the page says %q", text)
	}
	first := jobBar(t, b)
	b.shot("import-progress-phone")

	// Let the checks finish and hold the job again in the middle of saving.
	g.mu.Lock()
	g.at = func(step zhuxiang.Step, done, total int) bool {
		return step == zhuxiang.StepSave && done >= total/2 && done < total
	}
	g.mu.Unlock()
	g.resume <- struct{}{}
	<-g.stopped
	waitFor(t, b, `document.querySelector(".job-text").textContent.indexOf("保存") >= 0`)
	if second := jobBar(t, b); second <= first {
		t.Errorf("the bar did not move: %d%% then %d%%", first, second)
	}
	if marked, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`window.zhuxiangMark === true`)); err != nil || !marked {
		t.Errorf("the page was reloaded while the job ran (%v)", err)
	}
	b.shot("import-progress-saving-phone")

	g.open()
	g.resume <- struct{}{}
	b.do(chromedp.WaitVisible(chromedp.CSS(".flash-ok")))
	res := b.text("main")
	for _, want := range []string{"导入结果：社会组织", "导入成功", "3000"} {
		if !strings.Contains(res, want) {
			t.Errorf("result page lacks %q:\n%s", want, res)
		}
	}
	b.shot("import-result-phone")
}

// jobBar reads the job page's bar, in percent.
func jobBar(t *testing.T, b *browser) int {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`Math.round(document.querySelector(".job-progress").value)`))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// waitFor waits until the expression is true in the page.
func waitFor(t *testing.T, b *browser, expr string) {
	t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](expr)); err != nil {
		t.Fatalf("waiting for %s: %v", expr, err)
	}
}
