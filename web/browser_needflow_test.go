package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"zhuxiang"
	"zhuxiang/store"
)

// confirmStep clicks sel, a step that cannot be undone, checks that it is
// asked first (the confirmation opens in a dialog, with want in its
// summary, and nothing has happened yet), and confirms it.
func (b *browser) confirmStep(sel string, want ...string) {
	b.t.Helper()
	before := b.location()
	b.do(chromedp.Click(chromedp.CSS(sel)), chromedp.WaitVisible(chromedp.CSS(`dialog.confirm-dialog[open] .confirm-step`)))
	if loc := b.location(); loc != before {
		b.t.Fatalf("the step went to %s instead of asking first", loc)
	}
	text := b.text(`dialog.confirm-dialog`)
	for _, w := range want {
		if !strings.Contains(text, w) {
			b.t.Errorf("confirmation lacks %q:\n%s", w, text)
		}
	}
	b.submit(`dialog.confirm-dialog button[type="submit"]`)
}

// TestBrowserNeedFlow is what an organization, a village and a county do
// around one need in a real Chromium: an empty need form shows every error
// beside its field at once; the organization opens an open need, sees its
// own fitting offer with the reasons (and not another organization's), and
// expresses interest there; each irreversible step (审核通过, 确认结对, 确认完成,
// 关闭需求) asks first in a dialog, which 返回 closes without acting, while
// the same link without script is a page of its own.
func TestBrowserNeedFlow(t *testing.T) {
	needChromium(t)
	eachEngine(t, func(t *testing.T, engine string) {
		f := newFixtureOn(t, engine)
		ctx := context.Background()
		cun := f.actor("cun")
		ours := f.offer(f.org.ID, "直播带货助农", zhuxiang.ActionIndustry, zhuxiang.OfferSales)
		rival := f.env.org("和静县果品流通协会", "652827", 41)
		f.offer(rival.ID, "果品冷链收购", zhuxiang.ActionIndustry, zhuxiang.OfferSales)
		need := f.need(cun, f.village, "帮助销售香梨二十吨", zhuxiang.ActionIndustry, zhuxiang.NeedOpen)
		spare := f.need(cun, f.village, "村道路灯维修", zhuxiang.ActionGovernance, zhuxiang.NeedOpen)

		b := startBrowser(t, f.srv.URL, 180*time.Second)

		// An empty need form: every error at once, each beside its field
		// (the administrator has no default place, so the place is missing
		// too).
		b.signIn("admin1")
		b.navigate("/needs/new")
		b.do(chromedp.SetValue(chromedp.ID("quantity"), "二十"))
		b.submit(`button[name="op"][value="draft"]`)
		for _, c := range []struct{ field, msg string }{
			{"region", "请选择需求所在的县市或村"}, {"action", "请选择五项行动之一"}, {"title", "标题不能为空"}, {"quantity", "数量"},
		} {
			if got := b.text(`.field:has(#` + c.field + `) .field-error`); !strings.Contains(got, c.msg) {
				t.Errorf("beside %s: %q, want %q", c.field, got, c.msg)
			}
		}
		if top := b.text("form .form-errors"); !strings.Contains(top, "4 处需要修改") {
			t.Errorf("form top says %q", top)
		}
		if typed, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.ID("quantity"))); err != nil || typed != "二十" {
			t.Errorf("quantity came back as %q", typed)
		}
		b.shot("need-form-errors")
		b.do(chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile))
		b.shot("need-form-errors-phone")
		b.do(chromedp.EmulateViewport(1280, 900))
		b.logout()

		// The organization sees its own fitting offer with its score and
		// reasons, not its rival's, and expresses interest on the need.
		b.signIn("orguser")
		b.navigate("/needs/" + need.ID)
		props := b.text("#proposals")
		for _, want := range []string{"贵组织可对接的资源", "直播带货助农", "行动一致·产业发展", "资源类型适合", "表达对接意向"} {
			if !strings.Contains(props, want) {
				t.Errorf("the organization's proposals lack %q:\n%s", want, props)
			}
		}
		if strings.Contains(props, "果品冷链收购") || strings.Contains(props, "和静县果品流通协会") {
			t.Errorf("the organization sees another organization's offer:\n%s", props)
		}
		b.do(chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile))
		b.navigate("/needs/" + need.ID)
		b.shot("need-org-phone")
		b.do(chromedp.SetValue(chromedp.CSS(`.interest-form input[name="note"]`), "我们有直播团队"))
		b.submit(`.interest-form button[type="submit"]`)
		if page := b.text("main"); !strings.Contains(page, "已表达对接意向") || !strings.Contains(page, "待回应") {
			t.Fatalf("after interest:\n%s", page)
		}
		b.do(chromedp.EmulateViewport(1280, 900))
		ms, err := f.st.ListMatches(ctx, zhuxiang.SystemActor, store.MatchFilter{NeedID: need.ID})
		if err != nil || len(ms) != 1 || ms[0].OfferID != ours.ID || ms[0].Initiator != zhuxiang.SideOrg || ms[0].Note != "我们有直播团队" {
			t.Fatalf("recorded interests %+v, %v", ms, err)
		}
		// Where it has nothing fitting, it is told so and where to publish.
		b.navigate("/needs/" + spare.ID)
		if props := b.text("#proposals"); !strings.Contains(props, "贵组织暂无适合这项需求的资源") || !strings.Contains(props, "发布资源供给") {
			t.Errorf("no fitting offer:\n%s", props)
		}
		b.logout()

		// The county accepts, then confirms the pairing: asked first, and
		// 返回 leaves everything as it was.
		b.signIn("hejing")
		b.navigate("/needs/" + need.ID)
		b.submit(`#matches form.inline button.btn-primary`) // 接受
		b.do(chromedp.Click(chromedp.CSS(`#matches a[data-dialog]`)), chromedp.WaitVisible(chromedp.CSS(`dialog.confirm-dialog[open]`)))
		b.shot("confirm-pairing-dialog")
		b.do(chromedp.Click(chromedp.CSS(`dialog.confirm-dialog [data-dialog-close]`)), chromedp.WaitNotPresent(chromedp.CSS(`dialog.confirm-dialog`)))
		if m, _ := f.st.Match(ctx, zhuxiang.SystemActor, ms[0].ID); m.Status != zhuxiang.MatchAccepted {
			t.Fatalf("返回 left the match %s", m.Status)
		}
		b.confirmStep(`#matches a[data-dialog]`, "确认结对后", "和静县电子商务促进会与和静县 测试一村结对帮扶", "占用资源“直播带货助农”的一个承接名额")
		if page := b.text("main"); !strings.Contains(page, "已确认结对") || !strings.Contains(page, "已结对") {
			t.Fatalf("after confirming:\n%s", page)
		}
		// Without script the same link is a page: the phone screenshot.
		b.navigate("/needs/" + spare.ID + "/confirm?action=close")
		b.do(chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile))
		b.navigate("/needs/" + spare.ID + "/confirm?action=close")
		if page := b.text("main"); !strings.Contains(page, "关闭后，需求“村道路灯维修”不公开") || !strings.Contains(page, "关闭原因（必填；测试一村、和静县的用户和州级管理员能看到") {
			t.Errorf("close confirmation page:\n%s", page)
		}
		b.shot("confirm-close-phone")
		b.do(chromedp.EmulateViewport(1280, 900))
		// Closing asks first, with the reason typed in the dialog.
		b.navigate("/needs/" + spare.ID)
		b.do(chromedp.Click(chromedp.CSS(`.next-actions a[data-dialog]`)), chromedp.WaitVisible(chromedp.CSS(`dialog.confirm-dialog[open] textarea`)),
			chromedp.SetValue(chromedp.CSS(`dialog.confirm-dialog textarea`), "村里已自行解决"))
		b.shot("confirm-close-dialog")
		b.submit(`dialog.confirm-dialog button[type="submit"]`)
		if page := b.text("main"); !strings.Contains(page, "需求已关闭") || !strings.Contains(page, "村里已自行解决") {
			t.Fatalf("after closing:\n%s", page)
		}
		b.logout()

		// The village confirms the work done: asked first.
		b.signIn("cun")
		b.navigate("/needs/" + need.ID)
		b.confirmStep(`.next-actions a[data-dialog]`, "确认完成后", "和静县电子商务促进会的资源释放一个承接名额")
		if page := b.text("main"); !strings.Contains(page, "已确认完成") || !strings.Contains(page, "已完成") {
			t.Fatalf("after done:\n%s", page)
		}
		b.logout()

		// A new need approved by the county: asked first, then public.
		fresh := f.need(cun, f.village, "冬季牛羊防疫培训", zhuxiang.ActionTech, zhuxiang.NeedSubmitted)
		b.login("hejing")
		b.navigate("/needs/" + fresh.ID)
		b.confirmStep(`.next-actions a[data-dialog]`, "审核通过后，需求“冬季牛羊防疫培训”将公开", "测试一村、和静县的用户会收到通知")
		if page := b.text("main"); !strings.Contains(page, "已审核通过") || !strings.Contains(page, "对接中") {
			t.Fatalf("after approval:\n%s", page)
		}
		b.shot("need-approved")
	})
}
