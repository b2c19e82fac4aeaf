package web

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"zhuxiang"
	"zhuxiang/store"
)

// pickFixture is the matching fixture with a village of the same kind of
// name in another county and a second organization in the county.
type pickFixture struct {
	*fixture
	ruoqiangVillage string
	other           *zhuxiang.Org
}

func newPickFixture(t *testing.T, engine string) *pickFixture {
	t.Helper()
	f := newFixtureOn(t, engine)
	return &pickFixture{fixture: f, ruoqiangVillage: f.env.village("若羌县", "若羌镇", "测试若羌村"), other: f.env.org("和静县养蜂协会", "652827", 41)}
}

// pickGet asks a pick endpoint and returns the ids it lists.
func (c *client) pickGet(kind, q string) (*resp, []string) {
	c.t.Helper()
	r := c.get("/pick/" + kind + "?q=" + url.QueryEscape(q))
	var body struct {
		Items []pickChoice `json:"items"`
	}
	ids := []string{}
	if r.Status == http.StatusOK {
		if err := json.Unmarshal([]byte(r.Body), &body); err != nil {
			c.t.Fatalf("pick %s %q: %v\n%s", kind, q, err, r.Body)
		}
		for _, it := range body.Items {
			ids = append(ids, it.ID)
		}
	}
	return r, ids
}

// TestPickEndpoints: the pickers' searches find by name, full pinyin and
// initials, and only what the user may pick.
func TestPickEndpoints(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		f := newPickFixture(t, engine)
		cases := []struct {
			user, kind, q string
			status        int
			want          []string // ids, in order
		}{
			{"admin1", "villages", "测试", http.StatusOK, []string{f.ruoqiangVillage, f.village, f.village2}},
			{"hejing", "villages", "测试", http.StatusOK, []string{f.village, f.village2}},
			{"ruoqiang", "villages", "测试", http.StatusOK, []string{f.ruoqiangVillage}},
			{"hejing", "villages", "csyc", http.StatusOK, []string{f.village}},            // initials of 测试一村
			{"hejing", "villages", "ceshi ercun", http.StatusOK, []string{f.village2}},    // full pinyin, typed in syllables
			{"hejing", "villages", "csrqc", http.StatusOK, []string{}},                    // another county's village
			{"hejing", "villages", f.ruoqiangVillage, http.StatusOK, []string{}},          // nor by its code
			{"admin1", "villages", "blt", http.StatusOK, []string{f.village, f.village2}}, // the township 巴伦台镇
			{"cun", "villages", "测试", http.StatusOK, []string{f.village}},
			{"orguser", "villages", "测试", http.StatusOK, []string{f.ruoqiangVillage, f.village, f.village2}}, // any, for its projects
			{"kexie", "villages", "测试", http.StatusForbidden, nil},

			{"hejing", "orgs", "dzsw", http.StatusOK, []string{f.org.ID}},       // 电子商务
			{"hejing", "orgs", "yangfeng", http.StatusOK, []string{f.other.ID}}, // 养蜂
			{"hejing", "orgs", f.other.CreditCode, http.StatusOK, []string{f.other.ID}},
			{"ruoqiang", "orgs", "和静县", http.StatusOK, []string{}},
			{"orguser", "orgs", "和静县", http.StatusOK, []string{f.org.ID}},
			{"orguser", "orgs", "yangfeng", http.StatusOK, []string{}},
			{"orguser", "orgs", f.other.CreditCode, http.StatusOK, []string{}},
			{"cun", "orgs", "和静县", http.StatusForbidden, nil},
			{"admin1", "orgs", "", http.StatusOK, []string{}},
		}
		for _, c := range cases {
			r, ids := f.as(c.user).pickGet(c.kind, c.q)
			if r.Status != c.status {
				t.Errorf("%s /pick/%s?q=%s: status %d, want %d\n%s", c.user, c.kind, c.q, r.Status, c.status, r.Body)
				continue
			}
			if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") || r.Header.Get("Cache-Control") != "private, no-store" {
				t.Errorf("%s /pick/%s: headers %v", c.user, c.kind, r.Header)
			}
			if c.status != http.StatusOK {
				mustContain(t, r, `"error":`)
				continue
			}
			if strings.Join(ids, ",") != strings.Join(c.want, ",") {
				t.Errorf("%s /pick/%s?q=%s = %v, want %v", c.user, c.kind, c.q, ids, c.want)
			}
		}
		r := f.as("hejing").get("/pick/villages?q=csyc")
		mustContain(t, r, `"name":"测试一村"`, `"county":"和静县"`, `"detail":"巴伦台镇"`, `"label":"测试一村（和静县 巴伦台镇）"`)
		// Anonymous: to the login page, as every page.
		mustStatus(t, f.client().get("/pick/villages?q=cs"), http.StatusSeeOther)
	})
}

// TestUserFormPicksWithoutScript: the administrator names a new user's
// village or organization by a name or its pinyin; an ambiguous name comes
// back as radio buttons, a unique one is saved, a code still works, and a
// scope field of another role is ignored.
func TestUserFormPicksWithoutScript(t *testing.T) {
	f := newPickFixture(t, "sqlite")
	c := f.as("admin1")
	c.get("/users")
	form := func(name, role string, kv ...string) url.Values {
		v := url.Values{"name": {name}, "role": {role}, "password": {initialPassword}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	user := func(name string) *zhuxiang.User {
		t.Helper()
		u, err := f.st.UserByName(context.Background(), name)
		if err != nil {
			t.Fatalf("%s was not created: %v", name, err)
		}
		return u
	}

	// Ambiguous: the candidates, the message, the input kept, nothing saved.
	r := c.post("/users", form("v1", "village", "village", "测试"))
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "与“测试”相符的村有3个，请在下面选择一个", `name="village_pick" value="`+f.village+`"`, `name="village_pick" value="`+f.village2+`"`,
		"测试若羌村", `value="测试"`, "<details class=\"card disclosure\" open>")
	if _, err := f.st.UserByName(context.Background(), "v1"); err == nil {
		t.Fatal("an ambiguous village created the user")
	}
	// The choice is saved.
	r = c.post("/users", form("v1", "village", "village", "测试", "village_pick", f.village2))
	mustStatus(t, r, http.StatusSeeOther)
	if u := user("v1"); u.RegionCode != f.village2 || u.CountyCode != "652827" {
		t.Errorf("v1 scope %s %s", u.RegionCode, u.CountyCode)
	}
	// Unique by initials, by full pinyin, and a pasted code.
	for name, text := range map[string]string{"v2": "csrqc", "v3": "ceshiyicun", "v4": f.village} {
		mustStatus(t, c.post("/users", form(name, "village", "village", text)), http.StatusSeeOther)
	}
	if user("v2").RegionCode != f.ruoqiangVillage || user("v3").RegionCode != f.village || user("v4").RegionCode != f.village {
		t.Error("villages picked by pinyin or code saved wrongly")
	}
	// The script's hidden id counts while the text is still its label; a
	// text typed over it wins.
	label := "测试一村（和静县 巴伦台镇）"
	mustStatus(t, c.post("/users", form("v5", "village", "village", label, "village_id", f.village)), http.StatusSeeOther)
	mustStatus(t, c.post("/users", form("v6", "village", "village", "测试二村", "village_id", f.village)), http.StatusSeeOther)
	if user("v5").RegionCode != f.village || user("v6").RegionCode != f.village2 {
		t.Error("hidden id against the text decided wrongly")
	}
	// Nothing matches, or nothing typed.
	r = c.post("/users", form("v7", "village", "village", "没有这个村"))
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "找不到与“没有这个村”相符的村")
	r = c.post("/users", form("v7", "village"))
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "请选择村级用户所属的村")

	// Organizations: by pinyin, and by the old credit-code field.
	mustStatus(t, c.post("/users", form("o1", "org", "org", "yangfeng")), http.StatusSeeOther)
	mustStatus(t, c.post("/users", form("o2", "org", "org_code", f.org.CreditCode)), http.StatusSeeOther)
	if user("o1").OrgID != f.other.ID || user("o2").OrgID != f.org.ID {
		t.Error("organizations picked wrongly")
	}
	r = c.post("/users", form("o3", "org", "org", "和静县"))
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "与“和静县”相符的社会组织有2个", `name="org_pick" value="`+f.other.ID+`"`)

	// Another role's field is ignored.
	mustStatus(t, c.post("/users", form("c1", "county", "county", "652824", "village", "没有这个村", "org", "乱填")), http.StatusSeeOther)
	if u := user("c1"); u.RegionCode != "652824" || u.OrgID != "" {
		t.Errorf("county user with stray fields: %+v", u)
	}
	// The form shows each scope field labelled with its role.
	r = c.get("/users")
	mustContain(t, r, `data-role-scope="u-role"`, `data-role="county"`, `data-role="village"`, `data-role="org"`, `data-role="department"`,
		"村级用户：所属村", "社会组织用户：所属组织", `data-pick="/pick/villages"`)
}

// formUpload posts a multipart form as a browser does: csrf first, the fields,
// the file last.
func (c *client) formUpload(path string, fields url.Values, filename string, content []byte) *resp {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", c.csrf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if filename != "" {
		fw, _ := mw.CreateFormFile("file", filename)
		fw.Write(content)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.e.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

// platformPairing pairs the fixture's organization with its first village
// through the platform: interest, acceptance, confirmation.
func (f *fixture) platformPairing(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	n := f.need(f.actor("cun"), f.village, "农产品电商销售", zhuxiang.ActionIndustry, zhuxiang.NeedOpen)
	o := f.offer(f.org.ID, "直播带货", zhuxiang.ActionIndustry, zhuxiang.OfferSales)
	id, err := f.st.ExpressInterest(ctx, f.actor("orguser"), n.ID, o.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []string{"accept", "confirm"} {
		if err := f.st.TransitionMatch(ctx, f.actor("hejing"), id, step, ""); err != nil {
			t.Fatal(err)
		}
	}
	page, err := f.st.ListPairings(ctx, zhuxiang.SystemActor, store.PairingFilter{Source: zhuxiang.PairingFromMatch})
	if err != nil || len(page.Pairings) != 1 {
		t.Fatalf("platform pairing: %v", err)
	}
	return page.Pairings[0].ID
}

var pngAgreement = scanPNG(180)

// TestPairingAgreementPages: the sides of a platform pairing upload and
// replace its agreement from its page and correct its details; the page
// lists every version, each downloadable; others are refused.
func TestPairingAgreementPages(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		f := newFixtureOn(t, engine)
		id := f.platformPairing(t)
		page := "/pairings/" + id

		org := f.as("orguser")
		r := org.get(page)
		mustStatus(t, r, http.StatusOK)
		mustContain(t, r, `action="`+page+`/agreement"`, "上传协议文件", "更正结对信息", "平台对接")
		// A file refused by its content comes back on the page.
		r = org.formUpload(page+"/agreement", nil, "协议.pdf", []byte("plain text"))
		mustStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r, "只能是 JPEG、PNG 图片或 PDF 文件", "has-error")
		r = org.formUpload(page+"/agreement", nil, "结对协议.pdf", agreementPDF)
		mustStatus(t, r, http.StatusSeeOther)
		r = org.follow(r)
		mustContain(t, r, "已上传协议文件", "第1版", "当前", "结对协议.pdf", "orguser姓名", "更换协议文件")

		// The county replaces it; the first version stays, downloadable.
		county := f.as("hejing")
		r = county.formUpload(page+"/agreement", nil, "盖章页.png", pngAgreement)
		mustStatus(t, r, http.StatusSeeOther)
		r = county.follow(r)
		mustContain(t, r, "第2版", "第1版", "盖章页.png", "结对协议.pdf", "hejing姓名", `href="`+page+`/agreement?version=1"`)
		for _, c := range []*client{org, county, f.as("cun"), f.as("admin1")} {
			if r := c.get(page + "/agreement?version=1"); r.Status != http.StatusOK || r.Body != string(agreementPDF) || r.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("version 1: %d %q", r.Status, r.Body)
			}
			if r := c.get(page + "/agreement"); r.Status != http.StatusOK || r.Body != string(pngAgreement) || r.Header.Get("Content-Type") != "image/png" {
				t.Errorf("current: %d %q", r.Status, r.Header.Get("Content-Type"))
			}
		}
		mustStatus(t, county.get(page+"/agreement?version=3"), http.StatusNotFound)
		mustStatus(t, county.get(page+"/agreement?version=x"), http.StatusNotFound)

		// Neither another county, nor a village not party to it, nor a
		// department sees it or uploads to it.
		for _, u := range []string{"ruoqiang", "cun2", "kexie"} {
			c := f.as(u)
			mustStatus(t, c.get(page), http.StatusNotFound)
			mustStatus(t, c.get(page+"/agreement?version=1"), http.StatusNotFound)
			c.get("/pairings")
			mustStatus(t, c.formUpload(page+"/agreement", nil, "冒名.pdf", agreementPDF), http.StatusNotFound)
			mustStatus(t, c.post(page+"/edit", url.Values{"version": {"1"}, "start_date": {"2020-01-01"}}), http.StatusNotFound)
		}

		// The village corrects the dates and note; the action of a platform
		// pairing is not offered.
		cun := f.as("cun")
		r = cun.get(page + "/edit")
		mustStatus(t, r, http.StatusOK)
		mustContain(t, r, "更正结对信息", "结对双方不能在这里更改", `name="version" value="1"`)
		mustNotContain(t, r, `name="action"`)
		r = cun.post(page+"/edit", url.Values{"version": {"1"}, "start_date": {"2026-05-01"}, "end_date": {"2026-01-01"}, "note": {"每月走访"}})
		mustStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r, "结束日期早于开始日期", "每月走访")
		r = cun.post(page+"/edit", url.Values{"version": {"1"}, "start_date": {"2026-05-01"}, "end_date": {"2027-04-30"}, "note": {"每月走访"}})
		mustStatus(t, r, http.StatusSeeOther)
		mustContain(t, cun.follow(r), "已更正结对信息", "2026-05-01 至 2027-04-30", "每月走访", "最后修改：")
		// The county, with the version it read before, is told.
		r = county.post(page+"/edit", url.Values{"version": {"1"}, "start_date": {"2026-06-01"}})
		mustStatus(t, r, http.StatusConflict)
		mustContain(t, r, "该结对已被他人修改", "2026-06-01")
	})
}

// TestPairingFormPicksWithoutScript: the county names the organization and
// the village of a pairing it records by hand by name or pinyin; an
// ambiguous village comes back as candidates, the choice is saved.
func TestPairingFormPicksWithoutScript(t *testing.T) {
	f := newPickFixture(t, "sqlite")
	c := f.as("hejing")
	c.get("/pairings/new")
	fields := url.Values{"org": {"dzsw"}, "county": {"652827"}, "village": {"测试"}, "start_date": {"2026-03-01"}}
	r := c.formUpload("/pairings/new", fields, "", nil)
	mustStatus(t, r, http.StatusUnprocessableEntity)
	// The county's picker offers only its county's villages.
	mustContain(t, r, "与“测试”相符的村有2个", `name="village_pick" value="`+f.village+`"`, `name="village_pick" value="`+f.village2+`"`,
		"已选：和静县电子商务促进会")
	mustNotContain(t, r, "测试若羌村")
	fields.Set("village_pick", f.village2)
	r = c.formUpload("/pairings/new", fields, "", nil)
	mustStatus(t, r, http.StatusSeeOther)
	r = c.follow(r)
	mustContain(t, r, "已录入结对", "和静县电子商务促进会", "测试二村")
	// Another county's village, typed by its pinyin, is not found.
	r = c.formUpload("/pairings/new", url.Values{"org": {"dzsw"}, "village": {"csrqc"}, "start_date": {"2026-03-01"}}, "", nil)
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "找不到与“csrqc”相符的村")
	// No village: the pairing is with the county.
	r = c.formUpload("/pairings/new", url.Values{"org": {"yangfeng"}, "county": {"652827"}, "start_date": {"2026-03-01"}}, "", nil)
	mustStatus(t, r, http.StatusSeeOther)
	mustContain(t, c.follow(r), "和静县养蜂协会", "（县市）")
	if m := regexp.MustCompile(`data-pick="/pick/(\w+)"`).FindAllStringSubmatch(c.get("/pairings/new").Body, -1); len(m) != 2 {
		t.Errorf("pickers on the pairing form: %v", m)
	}
}

// scanPNG is a real PNG (a small grey square of the given shade), as a
// photographed agreement page would be: agreements are vetted by decoding
// them, so the bytes must be an image, and different shades make
// different files.
func scanPNG(shade uint8) []byte {
	img := image.NewGray(image.Rect(0, 0, 4, 4))
	for i := range img.Pix {
		img.Pix[i] = shade
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}
