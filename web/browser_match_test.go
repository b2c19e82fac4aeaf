package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"zhuxiang"
)

// TestBrowserMatching walks the path from a village's need to a pairing in
// a real Chromium: the village writes and submits a need, the county
// approves it, an organization finds it among its offer's proposals and
// expresses interest, the county accepts and confirms, the pairing is
// listed, and an anonymous visitor reads the need without its phone number.
func TestBrowserMatching(t *testing.T) {
	needChromium(t)
	eachEngine(t, func(t *testing.T, engine string) {
		e := newEnvOn(t, engine)
		e.townships()
		village := e.village("和静县", "巴伦台镇", "测试一村")
		e.user("admin1", zhuxiang.RoleAdmin, "")
		e.user("hejing", zhuxiang.RoleCounty, "652827")
		e.user("cun", zhuxiang.RoleVillage, village)
		org := e.org("和静县电子商务促进会", "652827", 40)
		org.Kinds = []zhuxiang.OrgKind{zhuxiang.KindEcommerce}
		org.Version = 1
		if _, err := e.st.UpdateOrg(context.Background(), zhuxiang.SystemActor, org); err != nil {
			t.Fatal(err)
		}
		e.orgUser("orguser", org.ID)
		// The organization's open offer: same action, serving the county.
		offer := &zhuxiang.Offer{OrgID: org.ID, Action: zhuxiang.ActionIndustry, Kind: zhuxiang.OfferSales, Title: "直播带货助农",
			Capacity: 2, Area: zhuxiang.AreaCounties, Counties: []string{"652827"}}
		if _, err := e.st.CreateOffer(context.Background(), zhuxiang.SystemActor, offer); err != nil {
			t.Fatal(err)
		}
		// Other needs and offers, so that the plan has something to show: a
		// welfare need another organization can serve, and a culture need
		// nobody offers for.
		cun := e.actor("cun")
		e.need(cun, village, "空巢老人上门照护", zhuxiang.ActionWelfare, zhuxiang.NeedOpen)
		e.need(cun, village, "村史馆布展", zhuxiang.ActionCulture, zhuxiang.NeedOpen)
		carers := e.org("和静县老年人服务中心", "652827", 41)
		e.offer(carers.ID, "志愿者上门照护", zhuxiang.ActionWelfare, zhuxiang.OfferVolunteers)
		const title, phone = "帮助销售香梨二十吨", "13800138000"

		b := startBrowser(t, e.srv.URL, 180*time.Second)

		// The village writes the need and submits it for review.
		b.signIn("cun")
		b.navigate("/needs")
		b.submit(`.page-head a.btn-primary`) // 发布需求
		b.do(chromedp.SetValue(chromedp.ID("action"), "industry"),
			chromedp.SetValue(chromedp.ID("category"), "消费帮扶"),
			chromedp.SetValue(chromedp.ID("title"), title),
			chromedp.SetValue(chromedp.ID("description"), "今年香梨丰收，希望拓宽销路。"),
			chromedp.SetValue(chromedp.ID("quantity"), "20"),
			chromedp.SetValue(chromedp.ID("unit"), "吨"),
			chromedp.SetValue(chromedp.ID("budget"), "12000.50"),
			chromedp.SetValue(chromedp.ID("people"), "300"),
			chromedp.Click(chromedp.CSS(`input[name="people_kinds"][value="低收入人口"]`)),
			chromedp.SetValue(chromedp.ID("urgency"), "2"),
			chromedp.SetValue(chromedp.ID("wanted_by"), "2026-12-31"),
			chromedp.SetValue(chromedp.ID("contact"), "王村长"),
			chromedp.SetValue(chromedp.ID("phone"), phone))
		b.shot("need-form")
		b.submit(`button[name="op"][value="submit"]`) // 提交审核
		loc := b.location()
		i := strings.Index(loc, "/needs/")
		if i < 0 {
			t.Fatalf("after submitting at %s:\n%s", loc, b.text("main"))
		}
		needID := idFrom(t, loc[i:], "/needs/")
		page := b.text("main")
		for _, want := range []string{"已提交审核", "待审核", "¥12,000.50", "低收入人口", phone} {
			if !strings.Contains(page, want) {
				t.Errorf("need after submit lacks %q:\n%s", want, page)
			}
		}
		b.shot("need-submitted")
		b.logout()

		// The county approves it.
		b.signIn("hejing")
		b.navigate("/needs/" + needID)
		b.shot("need-review")
		b.confirmStep(`.next-actions a[data-dialog]`, "审核通过后") // 审核通过, asked first
		if page := b.text("main"); !strings.Contains(page, "已审核通过") || !strings.Contains(page, "对接中") {
			t.Fatalf("after approval:\n%s", page)
		}
		b.logout()

		// The organization sees the need among its offer's proposals and
		// expresses interest.
		b.signIn("orguser")
		b.navigate("/offers/" + offer.ID)
		if page := b.text("#proposals"); !strings.Contains(page, title) || !strings.Contains(page, "重点帮扶村") {
			t.Fatalf("proposals lack the need:\n%s", page)
		}
		b.shot("offer-proposals")
		b.do(chromedp.SetValue(chromedp.CSS(`.interest-form input[name="note"]`), "我们有直播团队，可以帮忙"))
		b.submit(`.interest-form button[type="submit"]`) // 表达对接意向
		if page := b.text("main"); !strings.Contains(page, "已表达对接意向") || !strings.Contains(page, "待回应") {
			t.Fatalf("after interest:\n%s", page)
		}
		b.shot("offer-interest")
		b.logout()

		// The county answers for the need: accept, then confirm.
		b.login("hejing")
		b.navigate("/needs/" + needID)
		if page := b.text("#matches"); !strings.Contains(page, "直播带货助农") || !strings.Contains(page, "我们有直播团队") {
			t.Fatalf("matches on the need:\n%s", page)
		}
		b.submit(`#matches form.inline button.btn-primary`) // 接受
		if page := b.text("main"); !strings.Contains(page, "已接受对接") || !strings.Contains(page, "待县市确认") {
			t.Fatalf("after accept:\n%s", page)
		}
		b.shot("need-accepted")
		b.confirmStep(`#matches a[data-dialog]`, "确认结对后") // 确认结对, asked first
		page = b.text("main")
		for _, want := range []string{"已确认结对", "已结对", "和静县电子商务促进会"} {
			if !strings.Contains(page, want) {
				t.Errorf("need after confirmation lacks %q:\n%s", want, page)
			}
		}
		b.shot("need-paired")
		b.do(chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile))
		b.navigate("/needs/" + needID)
		b.shot("need-paired-phone")
		b.do(chromedp.EmulateViewport(1280, 900))

		b.navigate("/pairings")
		if page := b.text("main"); !strings.Contains(page, "和静县电子商务促进会") || !strings.Contains(page, "测试一村") || !strings.Contains(page, "平台对接") {
			t.Fatalf("pairings list:\n%s", page)
		}
		b.shot("pairings")
		b.navigate("/notifications")
		b.shot("notifications")
		b.logout()

		// The administrator computes the plan (nothing left to match) and
		// looks at the weights.
		b.signIn("admin1")
		b.navigate("/plan")
		b.submit(`.page-head form button[type="submit"]`) // 计算全州对接方案
		// The run is a job: its page follows it and goes on to the plan.
		b.do(chromedp.WaitVisible(chromedp.CSS(".flash-ok")))
		if page := b.text("main"); !strings.Contains(page, "已计算新的对接方案") || !strings.Contains(page, "重点村已结对") ||
			!strings.Contains(page, "志愿者上门照护") {
			t.Fatalf("plan:\n%s", page)
		}
		b.shot("plan")
		b.submit(`.tabs a[href*="show=unmatched"]`)
		if page := b.text("main"); !strings.Contains(page, "暂无“文化润疆”行动的可用资源") {
			t.Fatalf("plan's unmatched needs:\n%s", page)
		}
		b.navigate("/plan/weights")
		b.shot("plan-weights")
		b.navigate("/")
		b.shot("home-matching")
		b.logout()

		// Anyone reads the need, but not its phone number.
		b.navigate("/public/needs/" + needID)
		page = b.text("main")
		if !strings.Contains(page, title) || strings.Contains(page, phone) || strings.Contains(page, "王村长") {
			t.Fatalf("public need page:\n%s", page)
		}
		b.shot("public-need")
		b.navigate("/login")
		b.submit(`.public-link a`)
		if page := b.text("main"); !strings.Contains(page, title) || strings.Contains(page, phone) {
			t.Fatalf("public needs list:\n%s", page)
		}
		b.shot("public-needs")
		b.do(chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile))
		b.navigate("/public/needs")
		b.shot("public-needs-phone")
	})
}
