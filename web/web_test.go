package web

import (
	"bytes"
	"context"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"zhuxiang"
	"zhuxiang/store"
)

func TestSecurityHeadersAndHealthz(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	for _, path := range []string{"/login", "/healthz", "/static/app.css", "/orgs", "/no-such-page"} {
		r := c.get(path)
		for h, want := range map[string]string{
			"Content-Security-Policy": contentSecurityPolicy,
			"X-Frame-Options":         "DENY",
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "same-origin",
		} {
			if got := r.Header.Get(h); got != want {
				t.Errorf("%s: %s = %q, want %q", path, h, got, want)
			}
		}
	}
	r := c.get("/healthz")
	if r.Status != http.StatusOK || r.Body != "ok" {
		t.Fatalf("healthz: %d %q", r.Status, r.Body)
	}
	css := c.get(e.srvAsset("app.css"))
	if css.Status != http.StatusOK || !strings.Contains(css.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("hashed asset: %d %q", css.Status, css.Header.Get("Cache-Control"))
	}
	login := c.get("/login")
	if strings.Contains(login.Body, "style=") || strings.Contains(login.Body, "<script>") || strings.Contains(login.Body, "http://") || strings.Contains(login.Body, "https://") {
		t.Error("login page has inline style, inline script or an external URL")
	}
}

// srvAsset is the hashed URL the layout links to.
func (e *env) srvAsset(name string) string {
	c := e.client()
	body := c.get("/login").Body
	i := strings.Index(body, "/static/"+name+"?v=")
	if i < 0 {
		e.t.Fatalf("layout does not link %s", name)
	}
	return body[i : i+strings.IndexByte(body[i:], '"')]
}

func TestLoginLogout(t *testing.T) {
	e := newEnv(t)
	e.user("admin1", zhuxiang.RoleAdmin, "")
	c := e.client()

	// A new account must change its password before anything else.
	r := c.login("admin1", initialPassword)
	mustStatus(t, r, http.StatusSeeOther)
	if r.Location != "/password" {
		t.Fatalf("first login goes to %q, want /password", r.Location)
	}
	for _, path := range []string{"/", "/orgs", "/users"} {
		if r := c.get(path); r.Status != http.StatusSeeOther || r.Location != "/password" {
			t.Errorf("%s before password change: %d %q", path, r.Status, r.Location)
		}
	}
	r = c.get("/password")
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, "至少8位，含大写字母、小写字母、数字、符号中的至少三类", "须先设置自己的新密码")

	for _, tc := range []struct {
		name             string
		old, new, repeat string
		want             string
	}{
		{"mismatch", initialPassword, newPassword, newPassword + "x", "两次输入的新密码不一致"},
		{"wrong old", "Wrong#2026x", newPassword, newPassword, "原密码不正确"},
		{"weak", initialPassword, "abcdefgh", "abcdefgh", "至少三类"},
		{"same", initialPassword, initialPassword, initialPassword, "不能与原密码相同"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := c.post("/password", url.Values{"old_password": {tc.old}, "password": {tc.new}, "repeat": {tc.repeat}})
			mustStatus(t, r, http.StatusUnprocessableEntity)
			mustContain(t, r, tc.want)
		})
	}
	r = c.post("/password", url.Values{"old_password": {initialPassword}, "password": {newPassword}, "repeat": {newPassword}})
	mustStatus(t, r, http.StatusSeeOther)
	if r.Location != "/" {
		t.Fatalf("after password change: %q", r.Location)
	}
	home := c.get("/")
	mustStatus(t, home, http.StatusOK)
	mustContain(t, home, "admin1姓名", "州级管理员", "全州", "工作台")

	r = c.post("/logout", nil)
	mustStatus(t, r, http.StatusSeeOther)
	if !strings.HasPrefix(r.Location, "/login") {
		t.Fatalf("logout goes to %q", r.Location)
	}
	mustContain(t, c.get(r.Location), "您已安全退出")
	if r := c.get("/"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
		t.Fatalf("after logout /: %d %q", r.Status, r.Location)
	}

	// The new password works and no longer asks for a change.
	r = c.login("admin1", newPassword)
	if r.Status != http.StatusSeeOther || r.Location != "/" {
		t.Fatalf("second login: %d %q", r.Status, r.Location)
	}
}

func TestWrongPasswordAndLockout(t *testing.T) {
	e := newEnv(t)
	e.user("county1", zhuxiang.RoleCounty, "652827")
	c := e.client()
	r := c.login("nobody", "Whatever#1")
	mustStatus(t, r, http.StatusUnauthorized)
	mustContain(t, r, "登录名或密码不正确")
	if strings.Contains(r.Body, "Whatever#1") {
		t.Error("password echoed back")
	}
	for i := 0; i < zhuxiang.MaxFailedLogins; i++ {
		r = c.login("county1", "Wrong#2026")
		mustStatus(t, r, http.StatusUnauthorized)
		mustContain(t, r, "登录名或密码不正确", `value="county1"`)
	}
	r = c.login("county1", initialPassword)
	mustStatus(t, r, http.StatusLocked)
	mustContain(t, r, "账号已锁定", "15分钟")
}

func TestDisabledAccountMessage(t *testing.T) {
	e := newEnv(t)
	u := e.user("gone", zhuxiang.RoleCounty, "652827")
	if err := e.st.SetUserDisabled(context.Background(), zhuxiang.SystemActor, u.ID, true); err != nil {
		t.Fatal(err)
	}
	r := e.client().login("gone", initialPassword)
	mustStatus(t, r, http.StatusUnauthorized)
	mustContain(t, r, "账号已停用")
}

func TestLoginRedirectsBackSafely(t *testing.T) {
	e := newEnv(t)
	e.user("admin1", zhuxiang.RoleAdmin, "")
	c := e.client()
	c.signIn("admin1")
	c.post("/logout", nil)

	r := c.get("/orgs?q=abc")
	mustStatus(t, r, http.StatusSeeOther)
	if r.Location != "/login?next=%2Forgs%3Fq%3Dabc" {
		t.Fatalf("unauthenticated /orgs goes to %q", r.Location)
	}
	c.get(r.Location)
	r = c.post("/login", url.Values{"name": {"admin1"}, "password": {newPassword}, "next": {"/orgs?q=abc"}})
	if r.Location != "/orgs?q=abc" {
		t.Fatalf("login with next goes to %q", r.Location)
	}
	c.post("/logout", nil)
	c.get("/login")
	r = c.post("/login", url.Values{"name": {"admin1"}, "password": {newPassword}, "next": {"//evil.example/x"}})
	if r.Location != "/" {
		t.Fatalf("open redirect: %q", r.Location)
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"":                      "/",
		"/orgs?q=1":             "/orgs?q=1",
		"/regions/652827/edit":  "/regions/652827/edit",
		"//evil.example":        "/",
		"/\\evil.example":       "/",
		"https://evil.example/": "/",
		"javascript:alert(1)":   "/",
		"orgs":                  "/",
		"/login?next=/x":        "/",
		"/a\r\nSet-Cookie: x=1": "/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCSRF(t *testing.T) {
	e := newEnv(t)
	e.user("admin1", zhuxiang.RoleAdmin, "")
	c := e.client()
	c.signIn("admin1")

	tests := []struct {
		name   string
		values url.Values
		header []string
		want   string
	}{
		{"no token", url.Values{"csrf": {""}}, nil, "请求已过期，请刷新页面后重试"},
		{"wrong token", url.Values{"csrf": {"forged"}}, nil, "请求已过期，请刷新页面后重试"},
		{"cross-site", nil, []string{"Sec-Fetch-Site", "cross-site"}, "跨站"},
		{"foreign origin", nil, []string{"Origin", "https://evil.example"}, "跨站"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := c.post("/logout", tc.values, tc.header...)
			mustStatus(t, r, http.StatusForbidden)
			mustContain(t, r, tc.want)
		})
	}
	// None of the refused requests ended the session.
	mustStatus(t, c.get("/"), http.StatusOK)
	// Same-site requests with the token pass.
	r := c.post("/logout", nil, "Sec-Fetch-Site", "same-origin")
	mustStatus(t, r, http.StatusSeeOther)
}

func TestOrgSearchByPinyin(t *testing.T) {
	e := newEnv(t)
	e.user("admin1", zhuxiang.RoleAdmin, "")
	e.org("库尔勒市农业技术协会", "652801", 1)
	e.org("和静县养殖协会", "652827", 2)
	c := e.client()
	c.signIn("admin1")

	for _, tc := range []struct {
		q         string
		want, not string
	}{
		{"kel", "库尔勒市农业技术协会", "和静县养殖协会"},
		{"kuerle", "库尔勒市农业技术协会", "和静县养殖协会"},
		{"hjx", "和静县养殖协会", "库尔勒市农业技术协会"},
		{"养殖", "和静县养殖协会", "库尔勒市农业技术协会"},
	} {
		t.Run(tc.q, func(t *testing.T) {
			r := c.get("/orgs?q=" + url.QueryEscape(tc.q))
			mustStatus(t, r, http.StatusOK)
			mustContain(t, r, tc.want, "共 <span class=\"num\">1</span> 个")
			if strings.Contains(r.Body, tc.not) {
				t.Errorf("search %q also found %s", tc.q, tc.not)
			}
		})
	}
	r := c.get("/orgs?county=652827")
	mustContain(t, r, "和静县养殖协会", `href="/orgs/export.xlsx?county=652827"`)
}

func TestOrgListPagination(t *testing.T) {
	e := newEnv(t)
	e.user("admin1", zhuxiang.RoleAdmin, "")
	for i := 0; i < 25; i++ {
		e.org("博湖县协会"+string(rune('A'+i)), "652829", 100+i)
	}
	c := e.client()
	c.signIn("admin1")
	r := c.get("/orgs?county=652829")
	mustContain(t, r, "共 <span class=\"num\">25</span> 个", "下一页", "博湖县协会A")
	i := strings.Index(r.Body, `rel="next"`)
	j := strings.LastIndex(r.Body[:i], `href="`)
	next := strings.ReplaceAll(r.Body[j+6:i-2], "&amp;", "&")
	if !strings.Contains(next, "county=652829") || !strings.Contains(next, "cursor=") {
		t.Fatalf("next link %q loses the filters", next)
	}
	r = c.get(next)
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, "博湖县协会Y", "第一页")
	if strings.Contains(r.Body, "博湖县协会A<") {
		t.Error("second page repeats the first")
	}
	// A mangled cursor starts again instead of failing.
	mustStatus(t, c.get("/orgs?cursor=%%%"), http.StatusOK)
}

func TestCountyUserEditsOrg(t *testing.T) {
	e := newEnv(t)
	e.user("hejing", zhuxiang.RoleCounty, "652827")
	mine := e.org("和静县蔬菜协会", "652827", 3)
	other := e.org("库尔勒市农业技术协会", "652801", 4)
	c := e.client()
	c.signIn("hejing")

	r := c.get("/orgs")
	mustContain(t, r, "和静县蔬菜协会", "新增社会组织", "批量导入")
	if strings.Contains(r.Body, "库尔勒市农业技术协会") {
		t.Error("county user sees another county's organization")
	}
	mustStatus(t, c.get("/orgs/"+other.ID), http.StatusNotFound)
	mustStatus(t, c.get("/orgs/"+other.ID+"/edit"), http.StatusNotFound)

	r = c.get("/orgs/" + mine.ID + "/edit")
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, `name="contact"`, `value="李四"`, `name="version" value="1"`)

	form := url.Values{
		"name": {mine.Name}, "credit_code": {mine.CreditCode}, "legal_form": {"association"}, "kinds": {"agri", "tech"},
		"contact": {"王五"}, "phone": {"13900001111"}, "address": {"和静县和静镇"}, "intro": {"蔬菜种植技术推广"},
		"insp_year": {"2025", ""}, "insp_result": {"合格", ""}, "version": {"1"},
	}
	r = c.post("/orgs/"+mine.ID+"/edit", form)
	mustStatus(t, r, http.StatusSeeOther)
	r = c.follow(r)
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, "已保存", "王五", "13900001111", "2025年", "合格", "最后修改：", "hejing姓名")

	// The same version again is stale now: the form comes back with the
	// message and the user's input.
	form.Set("contact", "赵六")
	r = c.post("/orgs/"+mine.ID+"/edit", form)
	mustStatus(t, r, http.StatusConflict)
	mustContain(t, r, "已被", "赵六")

	// An invalid phone is reported next to its field, input kept.
	form.Set("version", "2")
	form.Set("phone", "abc")
	r = c.post("/orgs/"+mine.ID+"/edit", form)
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "联系电话格式不正确", `value="abc"`, `value="赵六"`)
}

func TestOrgCreateAndWarning(t *testing.T) {
	e := newEnv(t)
	e.user("admin1", zhuxiang.RoleAdmin, "")
	c := e.client()
	c.signIn("admin1")
	mustStatus(t, c.get("/orgs/new"), http.StatusOK)

	form := url.Values{"name": {"若羌县红枣协会"}, "credit_code": {"51652824MJ000000X"}, "reg_county": {"652824"}}
	r := c.post("/orgs/new", form)
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "统一社会信用代码应为18位", `value="若羌县红枣协会"`)

	// A foundation's code (digit 3) saved as an association saves, with a
	// warning on the detail page.
	form.Set("credit_code", creditCode(t, '3', 77))
	form.Set("legal_form", "association")
	form.Set("rating", "4")
	form.Set("rating_date", "2024-06-30")
	form.Set("flag_abnormal", "1")
	form.Set("flag_abnormal_source", "州民政局2025年第3号公告")
	form.Set("flag_abnormal_date", "2025-03-01")
	r = c.post("/orgs/new", form)
	mustStatus(t, r, http.StatusSeeOther)
	if !strings.Contains(r.Location, "warn=1") {
		t.Fatalf("no warning flag in %q", r.Location)
	}
	r = c.follow(r)
	mustContain(t, r, "已保存", "与所选法人类型", "不得结对、不得评优", "州民政局2025年第3号公告", "4A", "2029-06-30", "若羌县")

	// Outside the prefecture needs a place.
	r = c.post("/orgs/new", url.Values{"name": {"河北援疆协会"}, "credit_code": {creditCode(t, '1', 78)}, "reg_county": {"outside"}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "请填写登记地")
	r = c.post("/orgs/new", url.Values{"name": {"河北援疆协会"}, "credit_code": {creditCode(t, '1', 78)}, "reg_county": {"outside"}, "reg_place": {"河北省"}})
	mustStatus(t, r, http.StatusSeeOther)
	mustContain(t, c.follow(r), "州外", "河北省")
}

func TestRegionEditScope(t *testing.T) {
	e := newEnv(t)
	e.townships()
	code := e.village("和静县", "巴伦台镇", "测试一村")
	e.user("ruoqiang", zhuxiang.RoleCounty, "652824")
	e.user("hejing", zhuxiang.RoleCounty, "652827")

	other := e.client()
	other.signIn("ruoqiang")
	r := other.get("/regions/" + code + "/edit")
	mustStatus(t, r, http.StatusForbidden)
	mustContain(t, r, "无权修改测试一村", "县市用户只能修改本县市的乡镇和村")
	r = other.post("/regions/"+code+"/edit", url.Values{"name": {"改名村"}, "version": {"1"}})
	mustStatus(t, r, http.StatusForbidden)
	mustContain(t, r, "无权修改测试一村")
	if strings.Contains(other.get("/regions/"+code).Body, "/edit") {
		t.Error("detail page offers an edit link the user may not use")
	}

	own := e.client()
	own.signIn("hejing")
	r = own.get("/regions/" + code + "/edit")
	mustStatus(t, r, http.StatusOK)
	r = own.post("/regions/"+code+"/edit", url.Values{"name": {"测试一村"}, "tags": {"lifted", "model"}, "version": {"1"}})
	mustStatus(t, r, http.StatusSeeOther)
	mustContain(t, own.follow(r), "已保存", "脱贫村", "乡村振兴示范村")

	// The tree shows the county's townships and the village with its tags.
	r = own.get("/regions?county=652827")
	mustContain(t, r, "巴伦台镇", "测试一村", "乡村振兴示范村", "<details")
	r = own.get("/regions?tag=model")
	mustContain(t, r, "测试一村")
	r = own.get("/regions?q=" + url.QueryEscape("blt"))
	mustContain(t, r, "巴伦台镇")
	// County users may not edit counties.
	mustStatus(t, own.get("/regions/652827/edit"), http.StatusForbidden)
}

// upload posts a multipart form in the browser's field order.
func (c *client) upload(path, filename string, content []byte, mode string, csrf string) *resp {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", csrf)
	fw, _ := mw.CreateFormFile("file", filename)
	fw.Write(content)
	if mode != "" {
		mw.WriteField("mode", mode)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.e.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

func TestImport(t *testing.T) {
	e := newEnv(t)
	e.user("admin1", zhuxiang.RoleAdmin, "")
	c := e.client()
	c.signIn("admin1")
	r := c.get("/import")
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, "仅校验，不保存", "保存无误的行", "/import/template/orgs.xlsx", "/import/template/villages.xlsx", `accept=".xlsx,.csv"`)
	for _, p := range []string{"/import/template/orgs.xlsx", "/import/template/villages.xlsx"} {
		r := c.get(p)
		if r.Status != http.StatusOK || !strings.HasPrefix(r.Body, "PK") {
			t.Errorf("%s: %d %q", p, r.Status, r.Header.Get("Content-Type"))
		}
	}

	good := creditCode(t, '1', 5)
	bad := "组织名称,统一社会信用代码,登记县市,联系电话\n" +
		"和静县好协会," + good + ",和静县,13900001111\n" +
		"坏代码协会,123,和静县,\n" +
		"不存在县协会," + creditCode(t, '1', 6) + ",火星县,\n"
	r = c.finish(c.upload("/import/orgs", "orgs.csv", []byte(bad), "", c.csrf))
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "全部未保存", "有问题的行", "<td data-label=\"行号\" class=\"num\">3</td>", "<td data-label=\"行号\" class=\"num\">4</td>", "统一社会信用代码", "火星县")
	if p, _ := e.st.ListOrgs(context.Background(), zhuxiang.SystemActor, store.OrgFilter{}); p.Total != 0 {
		t.Fatalf("a rejected import stored %d organizations", p.Total)
	}

	// Asked to, it keeps the good row and lists the two bad ones.
	r = c.finish(c.upload("/import/orgs", "orgs.csv", []byte(bad), "partial", c.csrf))
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, "部分保存", "<td data-label=\"行号\" class=\"num\">3</td>", "<td data-label=\"行号\" class=\"num\">4</td>")
	if p, _ := e.st.ListOrgs(context.Background(), zhuxiang.SystemActor, store.OrgFilter{}); p.Total != 1 {
		t.Fatalf("partial import stored %d organizations, want 1", p.Total)
	}
	good = creditCode(t, '1', 7)

	// Dry run of a clean file stores nothing either.
	clean := "组织名称,统一社会信用代码,登记县市\n和静县好协会," + good + ",和静县\n"
	r = c.finish(c.upload("/import/orgs", "orgs.csv", []byte(clean), "dry_run", c.csrf))
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, "仅校验")
	r = c.finish(c.upload("/import/orgs", "orgs.csv", []byte(clean), "", c.csrf))
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, "导入成功，已保存：新增 1，更新 0，未变 0。")
	// The same file again changes nothing, and the page counts the row
	// as unchanged.
	r = c.finish(c.upload("/import/orgs", "orgs.csv", []byte(clean), "", c.csrf))
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, "导入成功，已保存：新增 0，更新 0，未变 1。", `<span class="stat-label">未变</span><span class="stat-value num">1</span>`)
	if p, _ := e.st.ListOrgs(context.Background(), zhuxiang.SystemActor, store.OrgFilter{}); p.Total != 2 {
		t.Fatalf("import stored %d organizations, want 2", p.Total)
	}

	// File-level problems come back as one message on the import page.
	png := []byte("\x89PNG\r\n\x1a\n0000000000000000")
	r = c.upload("/import/orgs", "photo.xlsx", png, "", c.csrf)
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "图片", "上传并导入")
	r = c.finish(c.upload("/import/regions", "v.csv", []byte("甲,乙\n1,2\n"), "", c.csrf))
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "表头缺少必填列")

	// The token must come first and match.
	r = c.upload("/import/orgs", "orgs.csv", []byte(clean), "", "forged")
	mustStatus(t, r, http.StatusForbidden)
	mustContain(t, r, "请求已过期")
}

func TestAdminPagesRender(t *testing.T) {
	e := newEnv(t)
	e.townships()
	e.village("和静县", "巴伦台镇", "测试一村")
	admin := e.user("admin1", zhuxiang.RoleAdmin, "")
	o := e.org("和静县养殖协会", "652827", 9)
	c := e.client()
	c.signIn("admin1")
	for _, p := range []string{"/", "/orgs", "/orgs?flag=any&rating=none&form=association&kind=agri&county=outside", "/orgs/new",
		"/orgs/" + o.ID, "/orgs/" + o.ID + "/edit", "/regions", "/regions?county=652827", "/regions/652827", "/regions/652827/edit",
		"/regions/652800", "/departments", "/departments/new", "/users", "/audit", "/audit?entity=org&op=create", "/import", "/password"} {
		r := c.get(p)
		if r.Status != http.StatusOK {
			t.Errorf("%s: %d\n%s", p, r.Status, excerpt(r.Body))
		}
		if strings.Contains(r.Body, "style=\"") || strings.Contains(r.Body, "<script>") {
			t.Errorf("%s: inline style or script", p)
		}
	}
	r := c.get("/orgs/export.xlsx?county=652827")
	if r.Status != http.StatusOK || !strings.HasPrefix(r.Body, "PK") || !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("export: %d %q", r.Status, r.Header.Get("Content-Type"))
	}
	mustStatus(t, c.get("/orgs/nope"), http.StatusNotFound)
	mustStatus(t, c.get("/no-such-page"), http.StatusNotFound)

	// Audit: the chain verifies and the org's creation is listed.
	r = c.get("/audit?entity=org")
	mustContain(t, r, "立即校验日志链", "新增", "名称：和静县养殖协会")
	r = c.get("/audit?entity=org&verify=1")
	mustContain(t, r, "日志链完整", "新增", "名称：和静县养殖协会")
	r = c.get("/orgs/" + o.ID)
	mustContain(t, r, "修改记录", "名称：和静县养殖协会", "139****5678")

	// Department edit round trip.
	r = c.post("/departments/new", url.Values{"name": {"自治州测试局"}, "role_tech": {"lead"}, "role_culture": {"coop"}})
	mustStatus(t, r, http.StatusSeeOther)
	r = c.follow(r)
	mustContain(t, r, "自治州测试局", "已保存")
	r = c.post("/departments/new", url.Values{"name": {"自治州测试局"}})
	mustStatus(t, r, http.StatusConflict)
	mustContain(t, r, "已存在")

	// Users: create, refuse a duplicate, disable, reset.
	r = c.post("/users", url.Values{"name": {"ruoqiang"}, "display_name": {"若羌县民政局"}, "role": {"county"}, "county": {"652824"}, "password": {initialPassword}})
	mustStatus(t, r, http.StatusSeeOther)
	r = c.follow(r)
	mustContain(t, r, "已创建用户", "若羌县民政局", "若羌县", "待改密码")
	r = c.post("/users", url.Values{"name": {"ruoqiang"}, "role": {"county"}, "county": {"652824"}, "password": {initialPassword}})
	mustStatus(t, r, http.StatusConflict)
	mustContain(t, r, "已被使用", `value="ruoqiang"`)
	r = c.post("/users", url.Values{"name": {"v1"}, "role": {"village"}, "village": {"123"}, "password": {initialPassword}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "找不到与“123”相符的村", "<details class=\"card disclosure\" open>")
	u, err := e.st.UserByName(context.Background(), "ruoqiang")
	if err != nil {
		t.Fatal(err)
	}
	mustStatus(t, c.post("/users/"+u.ID+"/disable", nil), http.StatusSeeOther)
	mustContain(t, c.get("/users"), "已停用")
	mustStatus(t, c.post("/users/"+u.ID+"/enable", nil), http.StatusSeeOther)
	r = c.post("/users/"+u.ID+"/reset-password", url.Values{"password": {"short"}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustStatus(t, c.post("/users/"+u.ID+"/reset-password", url.Values{"password": {"Reset#2026a"}}), http.StatusSeeOther)
	r = c.post("/users/"+admin.ID+"/disable", nil)
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "不能停用自己的账号")
}

func TestRoleRefusals(t *testing.T) {
	e := newEnv(t)
	e.townships()
	code := e.village("和静县", "巴伦台镇", "测试一村")
	e.user("hejing", zhuxiang.RoleCounty, "652827")
	e.user("cun", zhuxiang.RoleVillage, code)
	county := e.client()
	county.signIn("hejing")
	for _, p := range []string{"/users", "/audit", "/departments/new"} {
		r := county.get(p)
		mustStatus(t, r, http.StatusForbidden)
		mustContain(t, r, "仅州级管理员")
	}
	r := county.get("/")
	if strings.Contains(r.Body, `href="/users"`) || strings.Contains(r.Body, `href="/audit"`) {
		t.Error("county user is offered admin pages")
	}
	mustContain(t, r, "和静县", "县市用户")

	village := e.client()
	village.signIn("cun")
	r = village.get("/orgs")
	mustStatus(t, r, http.StatusForbidden)
	mustStatus(t, village.get("/import"), http.StatusForbidden)
	r = village.get("/")
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, "测试一村")
	if strings.Contains(r.Body, `href="/orgs"`) {
		t.Error("village user is offered the organization list")
	}
}

func TestSessionIdleTimeout(t *testing.T) {
	e := newEnv(t)
	e.user("admin1", zhuxiang.RoleAdmin, "")
	c := e.client()
	c.signIn("admin1")
	later := time.Now().Add(zhuxiang.SessionIdle + time.Minute)
	e.st.Now = func() time.Time { return later }
	r := c.get("/orgs")
	mustStatus(t, r, http.StatusSeeOther)
	if !strings.Contains(r.Location, "expired=1") {
		t.Fatalf("idle session goes to %q", r.Location)
	}
	mustContain(t, c.get(r.Location), "登录已超时")
}

func TestAPIMounted(t *testing.T) {
	e := newEnv(t)
	e.user("admin1", zhuxiang.RoleAdmin, "")
	e.org("和静县养殖协会", "652827", 9)
	c := e.client()
	r := c.get("/api/v1/openapi.json")
	if r.Status != http.StatusOK || !strings.Contains(r.Header.Get("Content-Type"), "json") {
		t.Fatalf("openapi: %d %q", r.Status, r.Header.Get("Content-Type"))
	}
	if r := c.get("/api/v1/orgs"); r.Status != http.StatusUnauthorized {
		t.Errorf("API without credentials: %d", r.Status)
	}
	c.signIn("admin1")
	r = c.get("/api/v1/orgs")
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, "和静县养殖协会")
	if r.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("API responses lack the security headers")
	}
}

func TestOrgListCapped(t *testing.T) {
	e := newEnv(t)
	e.user("admin1", zhuxiang.RoleAdmin, "")
	items := make([]store.OrgImport, 0, store.CountCap)
	for i := 0; i < store.CountCap; i++ {
		o := &zhuxiang.Org{Name: "轮台县协会" + strconv.Itoa(i), CreditCode: creditCode(t, '1', 1000+i), LegalForm: zhuxiang.LegalAssociation}
		items = append(items, store.OrgImport{Row: i + 2, Org: o, County: "652822"})
	}
	if res, err := e.st.ImportOrgs(context.Background(), zhuxiang.SystemActor, items, nil, len(items), zhuxiang.ImportAll); err != nil || len(res.Rejected) > 0 {
		t.Fatalf("seed: %v", err)
	}
	c := e.client()
	c.signIn("admin1")
	mustContain(t, c.get("/orgs"), "超过 "+strconv.Itoa(store.CountCap), "下一页")
}

func TestOrgUserSeesRegistryReadOnly(t *testing.T) {
	e := newEnv(t)
	o := e.org("和静县养殖协会", "652827", 9)
	if _, err := e.st.CreateUser(context.Background(), zhuxiang.SystemActor, store.NewUser{Name: "orguser", Role: zhuxiang.RoleOrg, OrgID: o.ID, Password: initialPassword}); err != nil {
		t.Fatal(err)
	}
	c := e.client()
	c.signIn("orguser")
	r := c.get("/orgs/" + o.ID + "/edit")
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, "本账号只能查看", `name="contact"`)
	if strings.Contains(r.Body, `name="credit_code"`) || strings.Contains(r.Body, `name="rating"`) {
		t.Error("organization user is offered registry fields")
	}
	// Posting registry fields anyway changes nothing of them.
	r = c.post("/orgs/"+o.ID+"/edit", url.Values{"name": {o.Name}, "contact": {"新联系人"}, "credit_code": {creditCode(t, '1', 99)}, "rating": {"5"},
		"rating_date": {"2025-01-01"}, "reg_county": {"652801"}, "version": {"1"}})
	mustStatus(t, r, http.StatusSeeOther)
	r = c.follow(r)
	mustContain(t, r, "新联系人", o.CreditCode, "未评估", "和静县")
	// Its own page, and only its own.
	other := e.org("库尔勒市农业技术协会", "652801", 4)
	mustStatus(t, c.get("/orgs/"+other.ID), http.StatusNotFound)
}

func TestPanicBecomesErrorPage(t *testing.T) {
	var logged strings.Builder
	s := &server{log: slog.New(slog.NewTextHandler(&logged, nil)), loc: shanghai()}
	var err error
	if s.assets, err = loadAssets(); err != nil {
		t.Fatal(err)
	}
	if s.pages, err = s.parseTemplates(); err != nil {
		t.Fatal(err)
	}
	h := securityHeaders(s.recoverer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("secret detail") })))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/x", nil))
	if w.Code != http.StatusInternalServerError || strings.Contains(w.Body.String(), "secret detail") || !strings.Contains(w.Body.String(), "系统内部错误") {
		t.Fatalf("panic page: %d\n%s", w.Code, w.Body.String())
	}
	if !strings.Contains(logged.String(), "secret detail") {
		t.Error("panic not logged")
	}
}

// TestStylesheetBlocksClosed: every block of app.css is closed. A block
// left open (a merge that drops a "}") swallows every later rule into a
// media query: the phone still looks right, the desktop loses them all.
func TestStylesheetBlocksClosed(t *testing.T) {
	b, err := staticFS.ReadFile("static/app.css")
	if err != nil {
		t.Fatal(err)
	}
	css := regexp.MustCompile(`(?s)/\*.*?\*/`).ReplaceAllString(string(b), "")
	depth, line := 0, 1
	for _, r := range css {
		switch r {
		case '\n':
			line++
		case '{':
			depth++
		case '}':
			depth--
		}
		if depth < 0 {
			t.Fatalf("app.css: a } without its { near line %d (comments removed)", line)
		}
		if depth > 2 {
			t.Fatalf("app.css: a block opened inside a rule near line %d: an earlier block is not closed", line)
		}
	}
	if depth != 0 {
		t.Fatalf("app.css ends with %d block(s) still open", depth)
	}
}

// TestScriptParses: app.js is valid JavaScript, checked by Node where it
// is installed (CI installs it for the OpenAPI linter). A syntax error
// would leave every page without its script, which they survive, so no
// other test would notice.
func TestScriptParses(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("node is not installed (.ci/run installs it)")
		}
		t.Skip("node is not installed")
	}
	if out, err := exec.Command(node, "--check", "static/app.js").CombinedOutput(); err != nil {
		t.Fatalf("app.js: %v\n%s", err, out)
	}
}
