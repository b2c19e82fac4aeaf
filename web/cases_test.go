package web

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"net/url"
	"regexp"
	"testing"
	"time"

	"zhuxiang"
)

var caseLink = regexp.MustCompile(`/cases/([0-9a-z]+)\?done=created`)

// TestCaseFlowPages walks a case through the pages: the admin opens a call,
// an organization writes a case about its project and adds a photo, a
// department reviewer finds it on the work bench and scores it, the admin
// selects and publishes it (asked first), and the public site shows it,
// without its scores; refusals come back beside their fields.
func TestCaseFlowPages(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		f := newFixtureOn(t, engine)
		own := f.project("orguser", f.org.ID, "红枣加工车间建设", zhuxiang.ProjectRunning)
		admin, org, dept, anon := f.as("admin1"), f.as("orguser"), f.as("kexie"), f.client()
		today := time.Now().In(zhuxiang.Shanghai)
		day := func(d int) string { return today.AddDate(0, 0, d).Format(zhuxiang.DateLayout) }

		// The call: dates the wrong way round are refused beside the field;
		// an organization cannot open one.
		r := admin.post("/cases/calls/new", url.Values{"theme": {"2026年度典型案例征集"}, "opens_on": {day(5)}, "closes_on": {day(-5)}})
		mustStatus(t, r, 422)
		mustContain(t, r, "截止日期不能早于开始日期")
		mustStatus(t, org.post("/cases/calls/new", url.Values{"theme": {"组织的征集"}, "opens_on": {day(0)}, "closes_on": {day(9)}}), 403)
		r = admin.post("/cases/calls/new", url.Values{"theme": {"2026年度典型案例征集"}, "opens_on": {day(-1)}, "closes_on": {day(30)}})
		mustStatus(t, r, 303)
		callID := regexp.MustCompile(`/cases/calls/([0-9a-z]+)`).FindStringSubmatch(r.Location)[1]
		mustContain(t, org.get("/cases"), "2026年度典型案例征集", "征集中", "提交案例")

		// The case: a missing title is refused beside its field; then saved.
		r = org.post("/cases/new", url.Values{"call": {callID}, "body": {"正文"}, "projects": {own.ID}})
		mustStatus(t, r, 422)
		mustContain(t, r, "请填写案例标题")
		r = org.post("/cases/new", url.Values{"call": {callID}, "title": {"小红枣做成大产业"}, "body": {"第一段。\n\n第二段。"}, "projects": {own.ID}})
		mustStatus(t, r, 303)
		m := caseLink.FindStringSubmatch(r.Location)
		if m == nil {
			t.Fatalf("created case led to %q", r.Location)
		}
		id := m[1]
		page := "/cases/" + id

		// Photos: text renamed .jpg refused; a JPEG kept, its thumbnail
		// served to the submitter and to no one outside.
		r = org.formUpload(page+"/photos", nil, "合影.jpg", []byte("not a picture at all"))
		mustStatus(t, r, 422)
		mustContain(t, r, "附件只能是 JPEG、PNG 图片或 PDF 文件")
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 900, 600)), nil); err != nil {
			t.Fatal(err)
		}
		mustStatus(t, org.formUpload(page+"/photos", nil, "车间.jpg", buf.Bytes()), 303)
		th := org.get(page + "/photos/0/thumb")
		mustStatus(t, th, 200)
		if ct := th.Header.Get("Content-Type"); ct != "image/jpeg" {
			t.Errorf("thumbnail served as %q", ct)
		}
		mustStatus(t, f.as("ruoqiang").get(page+"/photos/0/thumb"), 404)
		mustContain(t, org.get(page), `/photos/0/thumb" width="320" height="213"`, "提交案例")

		// Submitted: the reviewer's work bench counts it, the list shows it.
		mustStatus(t, org.post(page+"/transition", url.Values{"name": {"submit"}}), 303)
		mustContain(t, dept.get("/"), `href="/cases?unscored=1"`, "案例待评审")
		mustContain(t, dept.get("/cases?unscored=1"), `共 <span class="num">1</span> 篇案例`, "小红枣做成大产业")

		// Scoring: a figure over its full marks comes back beside it, what
		// was typed kept; then saved, and the to-do is gone.
		r = dept.post(page+"/scores", url.Values{"impact": {"50"}, "innovation": {"15"}, "sustainability": {"15"}, "demonstration": {"abc"}})
		mustStatus(t, r, 422)
		mustContain(t, r, "“示范推广价值”请填写0至20的整数", `value="50"`)
		r = dept.post(page+"/scores", url.Values{"impact": {"50"}, "innovation": {"15"}, "sustainability": {"15"}, "demonstration": {"15"}})
		mustStatus(t, r, 422)
		mustContain(t, r, "“帮扶成效”的得分应为0至40分")
		mustStatus(t, dept.post(page+"/scores", url.Values{"impact": {"36"}, "innovation": {"15"}, "sustainability": {"15"}, "demonstration": {"15"}, "comment": {"成效扎实"}}), 303)
		mustContain(t, dept.get("/cases?unscored=1"), `共 <span class="num">0</span> 篇案例`)
		mustContain(t, org.get(page), "81.0")
		mustNotContain(t, org.get(page), "成效扎实") // the score sheets are the reviewers'
		mustStatus(t, org.post(page+"/scores", url.Values{"impact": {"40"}, "innovation": {"20"}, "sustainability": {"20"}, "demonstration": {"20"}}), 403)

		// The admin selects and publishes; publishing is asked first. A
		// department may not publish.
		mustStatus(t, admin.post(page+"/transition", url.Values{"name": {"select"}}), 303)
		mustStatus(t, dept.post(page+"/transition", url.Values{"name": {"publish"}, "confirm": {"1"}}), 403)
		r = admin.post(page+"/transition", url.Values{"name": {"publish"}})
		mustStatus(t, r, 200)
		mustContain(t, r, "尚未执行", "公开网站")
		mustContain(t, admin.get(page+"/confirm?action=publish"), "确认发布案例")
		mustStatus(t, admin.post(page+"/transition", url.Values{"name": {"publish"}, "confirm": {"1"}}), 303)

		// The public site: the case, its thumbnail lazily, the full photo
		// a click away; no scores, no reviewer.
		r = anon.get("/public/cases")
		mustStatus(t, r, 200)
		mustContain(t, r, "小红枣做成大产业", `loading="lazy"`, "/public/cases/"+id+"/photos/0/thumb")
		r = anon.get("/public/cases/" + id)
		mustStatus(t, r, 200)
		mustContain(t, r, `<meta property="og:description"`, `href="/public/cases/`+id+`/photos/0"`, `width="320"`, "第二段。", "红枣加工车间建设")
		mustNotContain(t, r, "成效扎实", "81.0", "kexie", "评审")
		mustStatus(t, anon.get("/public/cases/"+id+"/photos/0"), 200)
		mustContain(t, anon.get("/public"), "典型案例", "小红枣做成大产业")

		// A draft is not public, nor its photo.
		draft := &zhuxiang.Case{CallID: callID, Title: "还没写完的案例", Body: "草稿"}
		if _, err := f.st.CreateCase(context.Background(), f.actor("orguser"), draft); err != nil {
			t.Fatal(err)
		}
		mustStatus(t, anon.get("/public/cases/"+draft.ID), 404)
		mustNotContain(t, anon.get("/public/cases"), "还没写完的案例")
		mustStatus(t, f.as("ruoqiang").get("/cases/"+draft.ID), 404)
	})
}
