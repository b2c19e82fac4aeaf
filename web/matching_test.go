package web

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"zhuxiang"
	"zhuxiang/attach"
	"zhuxiang/match"
	"zhuxiang/store"
)

// fixture is a prefecture with two villages of 和静县, one account per
// role, and an organization with staff: enough for every matching page.
type fixture struct {
	*env
	village, village2 string
	org               *zhuxiang.Org
	clients           map[string]*client
}

func newFixture(t *testing.T) *fixture { return newFixtureOn(t, "sqlite") }

// newFixtureOn is newFixture on the given engine.
func newFixtureOn(t *testing.T, engine string) *fixture {
	t.Helper()
	return newFixtureWith(t, engine, Options{})
}

// newFixtureWith is newFixtureOn with the server's options.
func newFixtureWith(t *testing.T, engine string, opts Options) *fixture {
	t.Helper()
	e := newEnvWithOptions(t, engine, opts)
	e.townships()
	f := &fixture{env: e, clients: map[string]*client{}}
	f.village = e.village("和静县", "巴伦台镇", "测试一村")
	f.village2 = e.village("和静县", "巴伦台镇", "测试二村")
	e.user("admin1", zhuxiang.RoleAdmin, "")
	e.user("hejing", zhuxiang.RoleCounty, "652827")
	e.user("ruoqiang", zhuxiang.RoleCounty, "652824")
	e.user("cun", zhuxiang.RoleVillage, f.village)
	e.user("cun2", zhuxiang.RoleVillage, f.village2)
	if _, err := e.st.CreateUser(context.Background(), zhuxiang.SystemActor, store.NewUser{Name: "kexie", Role: zhuxiang.RoleDepartment,
		Department: "自治州科协", Password: initialPassword}); err != nil {
		t.Fatal(err)
	}
	f.org = e.org("和静县电子商务促进会", "652827", 40)
	e.orgUser("orguser", f.org.ID)
	return f
}

// as returns a browser signed in as the named account; the first call
// signs in (with the required password change), later ones reuse it.
func (f *fixture) as(name string) *client {
	if c := f.clients[name]; c != nil {
		return c
	}
	c := f.client()
	c.signIn(name)
	f.clients[name] = c
	return c
}

func TestNeedPagesByRole(t *testing.T) {
	f := newFixture(t)
	cun := f.actor("cun")
	draft := f.need(cun, f.village, "草稿需求：修缮水渠", zhuxiang.ActionGovernance, zhuxiang.NeedDraft)
	open := f.need(cun, f.village, "公开需求：红枣销售", zhuxiang.ActionIndustry, zhuxiang.NeedOpen)

	tests := []struct {
		user   string
		path   string
		status int
		want   []string
		not    []string
	}{
		{"kexie", "/needs/new", http.StatusForbidden, []string{"只有村、县市和州级用户可以发布需求"}, nil},
		{"orguser", "/needs/new", http.StatusForbidden, []string{"只有村、县市和州级用户可以发布需求"}, nil},
		{"cun", "/needs/new", http.StatusOK, []string{"测试一村", "保存草稿", "提交审核", `list="need-categories"`, "低收入人口"}, []string{`name="region"`}},
		{"hejing", "/needs/new", http.StatusOK, []string{`name="region"`, "和静县（县级需求）", "巴伦台镇 测试一村"}, []string{"若羌县（县级需求）"}},
		{"admin1", "/needs/new", http.StatusOK, []string{"若羌县（县级需求）", "巴伦台镇 测试二村"}, nil},
		// A draft is its village's and county's only.
		{"cun2", "/needs/" + draft.ID, http.StatusNotFound, nil, nil},
		{"cun2", "/needs/" + draft.ID + "/edit", http.StatusNotFound, nil, nil},
		{"ruoqiang", "/needs/" + draft.ID, http.StatusNotFound, nil, nil},
		{"orguser", "/needs/" + draft.ID, http.StatusNotFound, nil, nil},
		{"cun", "/needs/" + draft.ID, http.StatusOK, []string{"草稿", "修改", "提交审核", "13800138000", "/needs/" + draft.ID + "/confirm?action=close"}, []string{"审核通过"}},
		{"hejing", "/needs/" + draft.ID, http.StatusOK, []string{"草稿", "13800138000"}, nil},
		// An open need is public; its contact stays with its place.
		{"cun2", "/needs/" + open.ID, http.StatusOK, []string{"公开需求：红枣销售", "对接中"}, []string{"13800138000", "王村长", "/needs/" + open.ID + "/edit"}},
		{"orguser", "/needs/" + open.ID, http.StatusOK, []string{"公开需求：红枣销售"}, []string{"13800138000", "王村长"}},
		{"ruoqiang", "/needs/" + open.ID + "/edit", http.StatusForbidden, []string{"只能修改本村或本县市的需求"}, nil},
		{"cun", "/needs/" + open.ID + "/edit", http.StatusConflict, []string{"只有草稿或已退回的需求可以修改"}, nil},
		// The hall lists what each may see.
		{"cun", "/needs", http.StatusOK, []string{"草稿需求：修缮水渠", "公开需求：红枣销售", "发布需求", "只看本辖区"}, nil},
		{"cun2", "/needs", http.StatusOK, []string{"公开需求：红枣销售"}, []string{"草稿需求：修缮水渠"}},
		{"kexie", "/needs", http.StatusOK, []string{"公开需求：红枣销售"}, []string{"发布需求", "只看本辖区"}},
		{"hejing", "/needs?mine=1&status=draft", http.StatusOK, []string{"草稿需求：修缮水渠"}, []string{"公开需求：红枣销售"}},
		{"hejing", "/needs?tag=lifted&action=industry", http.StatusOK, []string{"公开需求：红枣销售", "脱贫村"}, []string{"草稿需求：修缮水渠"}},
		{"hejing", "/needs?q=" + url.QueryEscape("水渠"), http.StatusOK, []string{"草稿需求：修缮水渠"}, []string{"公开需求：红枣销售"}},
	}
	for _, tc := range tests {
		t.Run(tc.user+tc.path, func(t *testing.T) {
			r := f.as(tc.user).get(tc.path)
			mustStatus(t, r, tc.status)
			mustContain(t, r, tc.want...)
			mustNotContain(t, r, tc.not...)
		})
	}
	// Refused writes say why, in Chinese, and store nothing.
	r := f.as("kexie").post("/needs/new", url.Values{"title": {"部门的需求"}, "action": {"tech"}})
	mustStatus(t, r, http.StatusForbidden)
	mustContain(t, r, "只有村、县市和州级用户可以发布需求")
	r = f.as("cun2").post("/needs/"+draft.ID+"/transition", url.Values{"name": {"submit"}})
	mustStatus(t, r, http.StatusNotFound)
	r = f.as("cun").post("/needs/"+draft.ID+"/transition", url.Values{"name": {"approve"}})
	mustStatus(t, r, http.StatusForbidden)
	mustContain(t, r, "您的角色不能“审核通过”")
}

func TestNeedFormKeepsInputAndParsesMoney(t *testing.T) {
	f := newFixture(t)
	c := f.as("cun")
	c.get("/needs/new")
	form := url.Values{"action": {"industry"}, "category": {"消费帮扶"}, "title": {"帮助销售香梨"}, "description": {"香梨丰收，销路不畅"},
		"quantity": {"20"}, "unit": {"吨"}, "budget": {"12.345"}, "people": {"300"}, "people_kinds": {"低收入人口", "留守儿童"},
		"urgency": {"3"}, "wanted_by": {"2026-12-31"}, "contact": {"王村长"}, "phone": {"13800138000"}, "op": {"submit"}}

	for _, tc := range []struct {
		name   string
		change map[string]string
		status int
		want   []string
	}{
		{"three decimals", map[string]string{"budget": "12.345"}, http.StatusUnprocessableEntity, []string{"最多两位小数", `value="12.345"`}},
		{"negative budget", map[string]string{"budget": "-5"}, http.StatusUnprocessableEntity, []string{"金额不能为负数"}},
		{"people not a number", map[string]string{"budget": "100", "people": "三百"}, http.StatusUnprocessableEntity, []string{"受益人数应为不小于0的整数", `value="三百"`}},
		{"phone in description", map[string]string{"budget": "100", "people": "300", "description": "请联系13912345678"}, http.StatusUnprocessableEntity, []string{"不能包含身份证号或手机号"}},
		{"no title", map[string]string{"description": "香梨丰收", "title": ""}, http.StatusUnprocessableEntity, []string{"标题不能为空"}},
		{"bad date", map[string]string{"title": "帮助销售香梨", "wanted_by": "明年"}, http.StatusUnprocessableEntity, []string{"日期“明年”格式不正确"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.change {
				form.Set(k, v)
			}
			r := c.post("/needs/new", form)
			mustStatus(t, r, tc.status)
			mustContain(t, r, tc.want...)
			// Everything else typed comes back.
			mustContain(t, r, `value="消费帮扶"`, `value="吨"`, `value="王村长"`, `value="13800138000"`, `value="低收入人口" checked`, `value="3" selected`)
		})
	}
	form.Set("wanted_by", "2026-12-31")
	form.Set("budget", "¥1,234.56")
	r := c.post("/needs/new", form)
	mustStatus(t, r, http.StatusSeeOther)
	id := idFrom(t, r.Location, "/needs/")
	r = c.follow(r)
	mustContain(t, r, "已提交审核", "待审核", "¥1,234.56", "20 吨", "300 人", "低收入人口、留守儿童", "紧急", "2026-12-31", "测试一村")
	n, err := f.st.Need(context.Background(), zhuxiang.SystemActor, id)
	if err != nil {
		t.Fatal(err)
	}
	if n.BudgetFen != 123456 || n.Status != zhuxiang.NeedSubmitted {
		t.Fatalf("stored budget %d fen, status %s; want 123456 and submitted", n.BudgetFen, n.Status)
	}

	// A draft saved, edited and submitted from the edit form.
	form.Set("op", "draft")
	form.Set("title", "草稿：修路")
	form.Set("budget", "0.29")
	r = c.post("/needs/new", form)
	mustStatus(t, r, http.StatusSeeOther)
	draft := idFrom(t, r.Location, "/needs/")
	mustContain(t, c.follow(r), "已保存为草稿", "¥0.29")
	r = c.get("/needs/" + draft + "/edit")
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, `value="0.29"`, `name="version" value="1"`)
	form.Set("version", "1")
	form.Set("op", "submit")
	form.Set("title", "修路")
	r = c.post("/needs/"+draft+"/edit", form)
	mustStatus(t, r, http.StatusSeeOther)
	mustContain(t, c.follow(r), "修路", "待审核")
	// The same version again is stale (and no longer editable).
	r = c.post("/needs/"+draft+"/edit", form)
	mustStatus(t, r, http.StatusConflict)
}

func TestParseYuan(t *testing.T) {
	for _, tc := range []struct {
		in   string
		fen  int64
		fail bool
	}{
		{"", 0, false}, {"0", 0, false}, {"1234.56", 123456, false}, {"1234.5", 123450, false}, {"1234.", 123400, false},
		{"0.29", 29, false}, {"0.01", 1, false}, {"¥1,234.56", 123456, false}, {"１２３", 0, true}, {"1234元", 123400, false},
		{"12.345", 0, true}, {"-1", 0, true}, {"1e3", 0, true}, {"abc", 0, true}, {"9999999999999.99", 999999999999999, false},
		{"99999999999999", 0, true},
	} {
		got, err := parseYuan("budget", tc.in)
		if (err != nil) != tc.fail || (!tc.fail && got != tc.fen) {
			t.Errorf("parseYuan(%q) = %d, %v; want %d, fail %v", tc.in, got, err, tc.fen, tc.fail)
		}
	}
	for fen, want := range map[int64]string{0: "¥0.00", 29: "¥0.29", 123456: "¥1,234.56", 100000000: "¥1,000,000.00", -5: "-¥0.05"} {
		if got := yuan(fen); got != want {
			t.Errorf("yuan(%d) = %q, want %q", fen, got, want)
		}
	}
	for fen, want := range map[int64]string{0: "", 29: "0.29", 123450: "1234.50", 100: "1", 5: "0.05"} {
		if got := yuanInput(fen); got != want {
			t.Errorf("yuanInput(%d) = %q, want %q", fen, got, want)
		}
		if back, err := parseYuan("x", want); err != nil || back != fen {
			t.Errorf("yuanInput(%d) = %q does not parse back: %d %v", fen, want, back, err)
		}
	}
}

func TestNeedReviewAndPublicPage(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		f := newFixtureOn(t, engine)
		need := f.need(f.actor("cun"), f.village, "帮助销售红枣二十吨", zhuxiang.ActionIndustry, zhuxiang.NeedSubmitted)
		county := f.as("hejing")

		// The county is told, in the top bar and on the notifications page.
		r := county.get("/")
		mustContain(t, r, `class="badge badge-count"`)
		r = county.get("/notifications")
		mustContain(t, r, "新需求待审核：帮助销售红枣二十吨", "/notifications/")

		r = county.get("/needs/" + need.ID)
		mustContain(t, r, "审核通过", "退回理由", "13800138000")
		// A rejection needs a reason; without one the page says so next to
		// the buttons and nothing changes.
		r = county.post("/needs/"+need.ID+"/transition", url.Values{"name": {"reject"}, "version": {"1"}})
		mustStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r, "请填写“退回”的理由", "待审核")
		// Before approval nobody outside sees it.
		anon := f.client()
		mustStatus(t, anon.get("/public/needs/"+need.ID), http.StatusNotFound)
		mustNotContain(t, anon.get("/public/needs"), "帮助销售红枣二十吨")

		r = county.post("/needs/"+need.ID+"/transition", url.Values{"name": {"approve"}, "version": {"1"}, "confirm": {"1"}})
		mustStatus(t, r, http.StatusSeeOther)
		mustContain(t, county.follow(r), "已审核通过", "对接中")
		// A second reviewer with the old version is told it was handled.
		r = county.post("/needs/"+need.ID+"/transition", url.Values{"name": {"reject"}, "reason": {"重复"}, "version": {"1"}})
		mustStatus(t, r, http.StatusConflict)

		r = anon.get("/public/needs")
		mustStatus(t, r, http.StatusOK)
		mustContain(t, r, "帮助销售红枣二十吨", "测试一村", "脱贫村", "/login")
		mustNotContain(t, r, "13800138000", "王村长", `name="csrf"`)
		r = anon.get("/public/needs?county=652827&action=industry")
		mustContain(t, r, "帮助销售红枣二十吨")
		mustNotContain(t, anon.get("/public/needs?action=tech"), "帮助销售红枣二十吨")
		r = anon.get("/public/needs/" + need.ID)
		mustStatus(t, r, http.StatusOK)
		mustContain(t, r, "帮助销售红枣二十吨", "村里需要帮助", "120 人", "联系方式不公开")
		mustNotContain(t, r, "13800138000", "138****8000", "王村长", "hejing")
		mustContain(t, anon.get("/login"), `href="/public/needs"`, "公开的帮扶需求")
		if r.Header.Get("Content-Security-Policy") == "" || strings.Contains(r.Body, "style=\"") {
			t.Error("public page lacks the security headers or carries inline style")
		}
		mustStatus(t, anon.get("/public/needs/nope"), http.StatusNotFound)

		// Closing needs a reason too, and the village sees it.
		r = county.post("/needs/"+need.ID+"/transition", url.Values{"name": {"close"}, "reason": {"村里已自行解决"}, "version": {"2"}, "confirm": {"1"}})
		mustStatus(t, r, http.StatusSeeOther)
		village := f.as("cun")
		mustContain(t, village.get("/needs/"+need.ID), "已关闭", "关闭理由：村里已自行解决")
		mustStatus(t, anon.get("/public/needs/"+need.ID), http.StatusNotFound)
	})
}

func TestCSRFOnMatchingForms(t *testing.T) {
	f := newFixture(t)
	need := f.need(f.actor("cun"), f.village, "需要技术培训", zhuxiang.ActionTech, zhuxiang.NeedSubmitted)
	c := f.as("hejing")
	for _, path := range []string{"/needs/new", "/needs/" + need.ID + "/transition", "/plan", "/notifications/read", "/offers/new"} {
		r := c.post(path, url.Values{"csrf": {"forged"}, "name": {"approve"}, "title": {"x"}})
		mustStatus(t, r, http.StatusForbidden)
		mustContain(t, r, "请求已过期，请刷新页面后重试")
	}
	n, _ := f.st.Need(context.Background(), zhuxiang.SystemActor, need.ID)
	if n.Status != zhuxiang.NeedSubmitted {
		t.Fatalf("a forged post changed the need to %s", n.Status)
	}
}

// matchForm finds the ids of the match forms on a page.
var matchForm = regexp.MustCompile(`/matches/([A-Za-z0-9_-]+)"`)

func TestOfferToPairingOverHTTP(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		f := newFixtureOn(t, engine)
		need := f.need(f.actor("cun"), f.village, "农产品电商销售", zhuxiang.ActionIndustry, zhuxiang.NeedOpen)
		org := f.as("orguser")

		// The organization publishes an offer; bad input comes back kept.
		r := org.get("/offers/new")
		mustStatus(t, r, http.StatusOK)
		mustNotContain(t, r, `name="org"`)
		form := url.Values{"action": {"industry"}, "kind": {"sales"}, "title": {"直播带货助农"}, "description": {"帮村里直播卖货"},
			"capacity": {"0"}, "amount": {"5万"}, "area": {"counties"}, "valid_from": {"2026-01-01"}, "valid_to": {"2027-12-31"}}
		r = org.post("/offers/new", form)
		mustStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r, "金额“5万”格式不正确", `value="直播带货助农"`, `value="5万"`)
		form.Set("amount", "50000")
		r = org.post("/offers/new", form)
		mustStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r, "可同时承接的需求数应为 1 至 1000")
		form.Set("capacity", "2")
		r = org.post("/offers/new", form)
		mustStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r, "请至少选择一个服务的县市", `value="counties" checked`)
		form["counties"] = []string{"652827", "652824"}
		r = org.post("/offers/new", form)
		mustStatus(t, r, http.StatusSeeOther)
		offerID := idFrom(t, r.Location, "/offers/")
		r = org.follow(r)
		mustContain(t, r, "已保存", "开放", "¥50,000.00", "和静县、若羌县", "0</strong> / 可承接 <strong class=\"num-text\">2",
			"推荐的需求", "农产品电商销售", "表达对接意向", "暂停", "关闭")

		// Other users see the offer but not its buttons; departments cannot
		// publish offers.
		county := f.as("hejing")
		r = county.get("/offers/" + offerID)
		mustStatus(t, r, http.StatusOK)
		mustNotContain(t, r, "表达对接意向", `name="to"`, "/offers/"+offerID+"/edit")
		mustStatus(t, county.get("/offers/new"), http.StatusForbidden)
		mustContain(t, county.get("/offers?county=652827&action=industry"), "直播带货助农")
		mustNotContain(t, county.get("/offers?county=652801"), "直播带货助农")

		// The organization expresses interest from its offer.
		r = org.post("/offers/"+offerID+"/interest", url.Values{"need": {need.ID}, "note": {"我们有直播团队"}})
		mustStatus(t, r, http.StatusSeeOther)
		r = org.follow(r)
		mustContain(t, r, "已表达对接意向", "待回应", "我们有直播团队", "已在对接", "撤回")
		// Twice is refused on the page.
		r = org.post("/offers/"+offerID+"/interest", url.Values{"need": {need.ID}})
		mustStatus(t, r, http.StatusConflict)
		mustContain(t, r, "该需求与资源已有进行中的对接")

		// The county answers on the need page: accept, then confirm.
		r = county.get("/needs/" + need.ID)
		mustContain(t, r, "直播带货助农", "接受", "婉拒的理由")
		m := matchForm.FindStringSubmatch(r.Body)
		if m == nil {
			t.Fatalf("no match form on the need page:\n%s", excerpt(r.Body))
		}
		mid := m[1]
		// Another county cannot touch it; a decline without a reason is
		// refused next to the match.
		other := f.as("ruoqiang")
		mustStatus(t, other.post("/needs/"+need.ID+"/matches/"+mid, url.Values{"name": {"accept"}}), http.StatusNotFound)
		r = county.post("/needs/"+need.ID+"/matches/"+mid, url.Values{"name": {"decline"}})
		mustStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r, "请填写“婉拒”的理由")
		// The organization cannot accept its own interest.
		r = org.post("/offers/"+offerID+"/matches/"+mid, url.Values{"name": {"accept"}})
		mustStatus(t, r, http.StatusForbidden)
		mustContain(t, r, "应由县市一方“接受”")

		r = county.post("/needs/"+need.ID+"/matches/"+mid, url.Values{"name": {"accept"}})
		mustStatus(t, r, http.StatusSeeOther)
		mustContain(t, county.follow(r), "已接受对接", "待县市确认", "确认结对")
		r = county.post("/needs/"+need.ID+"/matches/"+mid, url.Values{"name": {"confirm"}, "confirm": {"1"}})
		mustStatus(t, r, http.StatusSeeOther)
		r = county.follow(r)
		mustContain(t, r, "已确认结对", "已结对", "和静县电子商务促进会", "查看结对")

		// The pairing is listed, and the paired organization now sees the
		// village's contact to do the work.
		r = county.get("/pairings")
		mustContain(t, r, "和静县电子商务促进会", "和静县 测试一村", "平台对接", "共 <span class=\"num\">1</span> 个结对")
		r = org.get("/needs/" + need.ID)
		mustContain(t, r, "13800138000", "已结对")
		mustContain(t, org.get("/offers/"+offerID), "1</strong> / 可承接")
		// The organization was told.
		mustContain(t, org.get("/notifications"), "已确认结对")
	})
}

func TestOfferStatusButtons(t *testing.T) {
	f := newFixture(t)
	o := f.offer(f.org.ID, "法律咨询下乡", zhuxiang.ActionGovernance, zhuxiang.OfferExpertise)
	c := f.as("orguser")
	r := c.post("/offers/"+o.ID+"/status", url.Values{"to": {"paused"}})
	mustStatus(t, r, http.StatusSeeOther)
	r = c.follow(r)
	mustContain(t, r, "资源已暂停", "暂停", "恢复开放")
	mustNotContain(t, r, "推荐的需求")
	r = c.post("/offers/"+o.ID+"/status", url.Values{"to": {"paused"}})
	mustStatus(t, r, http.StatusConflict)
	mustContain(t, r, "资源当前为“暂停”，不能改为“暂停”")
	mustStatus(t, c.post("/offers/"+o.ID+"/status", url.Values{"to": {"closed"}}), http.StatusSeeOther)
	r = c.get("/offers/" + o.ID + "/edit")
	mustStatus(t, r, http.StatusConflict)
	mustContain(t, r, "资源已关闭，不能修改")
	// A closed offer is its organization's and the admin's only.
	mustStatus(t, f.as("hejing").get("/offers/"+o.ID), http.StatusNotFound)
	other := f.as("admin1")
	mustStatus(t, other.get("/offers/"+o.ID), http.StatusOK)
}

func TestAllocationPages(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		f := newFixtureOn(t, engine)
		cun := f.actor("cun")
		f.need(cun, f.village, "电商销售核桃", zhuxiang.ActionIndustry, zhuxiang.NeedOpen)
		f.need(cun, f.village, "老人生活照护", zhuxiang.ActionWelfare, zhuxiang.NeedOpen)
		f.offer(f.org.ID, "电商平台助销", zhuxiang.ActionIndustry, zhuxiang.OfferSales)

		county := f.as("hejing")
		r := county.get("/plan")
		mustStatus(t, r, http.StatusOK)
		mustContain(t, r, "还没有计算过对接方案", "重点村已结对", "0/2")
		mustNotContain(t, r, "计算全州对接方案", "/plan/weights")
		r = county.post("/plan", nil)
		mustStatus(t, r, http.StatusForbidden)
		mustContain(t, r, "仅州级管理员可以计算全州对接方案")
		mustStatus(t, county.get("/plan/weights"), http.StatusForbidden)
		dept := f.as("kexie")
		mustStatus(t, dept.get("/plan"), http.StatusForbidden)
		mustNotContain(t, dept.get("/"), `href="/plan"`)

		admin := f.as("admin1")
		r = admin.finish(admin.post("/plan", nil))
		mustStatus(t, r, http.StatusSeeOther)
		first := idFrom(t, r.Location, "/plan/")
		r = admin.follow(r)
		mustContain(t, r, "已计算新的对接方案", "电商销售核桃", "电商平台助销", "重点村", "本方案覆盖重点村", "1/1", "行动一致·产业发展",
			"各县市", `<a href="/plan?county=652827">和静县</a>`, "未匹配 <span class=\"tab-count num-text\">1</span>")
		mustNotContain(t, r, "老人生活照护") // on the unmatched tab
		r = admin.get("/plan?county=&show=unmatched")
		mustContain(t, r, "全州：未匹配的需求", "老人生活照护", "暂无“扶弱济困”行动的可用资源")
		mustContain(t, admin.get("/plan?county=&show=changes"), "这是第一份方案")
		// A second plan after a new offer compares with the first.
		f.offer(f.org.ID, "上门照护服务", zhuxiang.ActionWelfare, zhuxiang.OfferVolunteers)
		r = admin.finish(admin.post("/plan", nil))
		mustStatus(t, r, http.StatusSeeOther)
		r = admin.get("/plan?show=changes")
		mustContain(t, r, "最新方案", "与上次方案比较", "老人生活照护", "未匹配", "和静县电子商务促进会·上门照护服务", "/plan/"+first)
		r = county.get("/plan/" + first)
		mustContain(t, r, "历史方案", "电商销售核桃", "和静县：分配结果")
		mustContain(t, county.get("/plan/"+first+"?county=652827&show=changes"), "这是第一份方案")
		// A county reads its own lines by default; another county's view of
		// the same plan has none of them, and "全州" shows everything.
		r = f.as("ruoqiang").get("/plan/" + first)
		mustStatus(t, r, http.StatusOK)
		mustNotContain(t, r, "电商销售核桃", "老人生活照护")
		mustContain(t, f.as("ruoqiang").get("/plan/"+first+"?county="), "电商销售核桃")
		r = county.get("/plan/" + first + "/export.xlsx")
		if r.Status != http.StatusOK || !strings.HasPrefix(r.Body, "PK") || !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("plan export: %d %q", r.Status, r.Header.Get("Content-Type"))
		}
		mustStatus(t, county.get("/plan/nope"), http.StatusNotFound)

		// Weights: each listed with its meaning and default; bad input comes
		// back next to its field.
		r = admin.get("/plan/weights")
		mustStatus(t, r, http.StatusOK)
		mustContain(t, r, "重点帮扶村", "对口援疆", `name="key_village" value="40"`, `name="deadline_days" value="30"`)
		form := url.Values{}
		for k, v := range weightsMap(match.DefaultWeights) {
			form.Set(k, strconv.Itoa(v))
		}
		form.Set("key_village", "很多")
		form.Set("action", "0")
		r = admin.post("/plan/weights", form)
		mustStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r, "请填写 0 至 10000 的整数", `value="很多"`)
		form.Set("key_village", "80")
		r = admin.post("/plan/weights", form)
		mustStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r, "“行动一致”的权重至少为 1", `value="80"`)
		form.Set("action", "100")
		r = admin.post("/plan/weights", form)
		mustStatus(t, r, http.StatusSeeOther)
		mustContain(t, admin.follow(r), "已保存", `name="key_village" value="80"`)
		w, _ := f.st.MatchWeights(context.Background())
		if w.KeyVillage != 80 {
			t.Fatalf("key village weight %d, want 80", w.KeyVillage)
		}
		r = admin.post("/plan/weights", url.Values{"reset": {"1"}})
		mustStatus(t, r, http.StatusSeeOther)
		mustContain(t, admin.follow(r), `name="key_village" value="40"`)
	})
}

// agreementPDF is the smallest file the store recognises as a PDF.
var agreementPDF = []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

// pairingUpload posts the pairing form as a browser does: csrf first, the
// file last.
func (c *client) pairingUpload(fields map[string]string, filename string, content []byte) *resp {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", c.csrf)
	for _, k := range []string{"org", "org_id", "org_pick", "county", "village", "village_id", "village_pick", "action", "start_date", "end_date", "note"} {
		mw.WriteField(k, fields[k])
	}
	fw, _ := mw.CreateFormFile("file", filename)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.e.srv.URL+"/pairings/new", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

func TestPairingEntryAndAgreement(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		f := newFixtureOn(t, engine)
		// An organization from an aiding province, outside the county's
		// registry: found by its credit code.
		outside := &zhuxiang.Org{Name: "河北省援疆志愿者协会", CreditCode: creditCode(t, '1', 91), LegalForm: zhuxiang.LegalAssociation, RegPlace: "河北省"}
		if _, err := f.st.CreateOrg(context.Background(), zhuxiang.SystemActor, outside); err != nil {
			t.Fatal(err)
		}
		c := f.as("hejing")
		r := c.get("/pairings/new")
		mustStatus(t, r, http.StatusOK)
		mustContain(t, r, `enctype="multipart/form-data"`, `data-pick="/pick/orgs"`, `data-pick="/pick/villages"`, `<option value="652827" selected>和静县</option>`)
		mustNotContain(t, r, "若羌县")
		for _, u := range []string{"cun", "orguser", "kexie"} {
			r := f.as(u).get("/pairings/new")
			mustStatus(t, r, http.StatusForbidden)
			mustContain(t, r, "只有县市或州级用户可以录入结对")
		}

		fields := map[string]string{"org": outside.CreditCode, "village": f.village, "action": "welfare", "start_date": "2026-03-01", "end_date": "2025-01-01", "note": "关爱留守儿童"}
		// A text file named .pdf is refused by its content; the rest is kept.
		r = c.pairingUpload(fields, "协议.pdf", []byte("not a pdf at all"))
		mustStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r, "结束日期早于开始日期", "关爱留守儿童", `value="`+outside.CreditCode+`"`, "出错后请重新选择文件")
		fields["end_date"] = "2028-12-31"
		r = c.pairingUpload(fields, "协议.pdf", []byte("not a pdf at all"))
		mustStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r, "只能是 JPEG、PNG 图片或 PDF 文件")
		r = c.pairingUpload(map[string]string{"org": "不存在的协会", "village": f.village, "start_date": "2026-03-01"}, "", nil)
		mustStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r, "找不到与“不存在的协会”相符的社会组织")
		// Too large: refused before the store, with the fields before it kept.
		big := append(append([]byte{}, agreementPDF...), bytes.Repeat([]byte("0"), zhuxiang.AgreementMaxBytes)...)
		r = c.pairingUpload(fields, "大协议.pdf", big)
		mustStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r, "协议文件不能超过 10 MB", "关爱留守儿童")

		r = c.pairingUpload(fields, `C:\文件\结对协议.pdf`, agreementPDF)
		mustStatus(t, r, http.StatusSeeOther)
		id := idFrom(t, r.Location, "/pairings/")
		r = c.follow(r)
		mustContain(t, r, "已录入结对", "河北省援疆志愿者协会", "测试一村", "扶弱济困帮扶行动", "2026-03-01 至 2028-12-31", "直接录入", "结对协议.pdf")

		r = c.get("/pairings/" + id + "/agreement")
		mustStatus(t, r, http.StatusOK)
		if r.Body != string(agreementPDF) || r.Header.Get("Content-Type") != "application/pdf" || r.Header.Get("X-Content-Type-Options") != "nosniff" ||
			r.Header.Get("Content-Security-Policy") != attach.CSP ||
			!strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment;") || !strings.Contains(r.Header.Get("Content-Disposition"), url.PathEscape("结对协议.pdf")) {
			t.Fatalf("agreement download: %q %v", r.Body, r.Header)
		}
		// Another county sees neither the pairing nor its file.
		other := f.as("ruoqiang")
		mustStatus(t, other.get("/pairings/"+id), http.StatusNotFound)
		mustStatus(t, other.get("/pairings/"+id+"/agreement"), http.StatusNotFound)
		mustNotContain(t, other.get("/pairings"), "河北省援疆志愿者协会")

		// The list filters and exports with the same filters.
		r = c.get("/pairings?action=welfare&source=direct&q=" + url.QueryEscape("援疆"))
		mustContain(t, r, "河北省援疆志愿者协会", `href="/pairings/export.xlsx?`)
		mustNotContain(t, c.get("/pairings?action=tech"), "河北省援疆志愿者协会")
		r = c.get("/pairings/export.xlsx?action=welfare")
		if r.Status != http.StatusOK || !strings.HasPrefix(r.Body, "PK") || !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("pairing export: %d %q", r.Status, r.Header.Get("Content-Type"))
		}
		// The home page counts it: the village is a key village, now paired.
		r = c.get("/")
		mustContain(t, r, "重点村已结对", "1/2")
		// An ordinary form post cannot carry a file there.
		mustStatus(t, c.post("/pairings/new", url.Values{"org": {outside.CreditCode}}), http.StatusBadRequest)
	})
}

func TestNotificationsPage(t *testing.T) {
	f := newFixture(t)
	f.need(f.actor("cun"), f.village, "修缮村文化室", zhuxiang.ActionCulture, zhuxiang.NeedSubmitted)
	c := f.as("hejing")
	r := c.get("/notifications")
	mustContain(t, r, "未读 <span class=\"num\">1</span>", "新需求待审核：修缮村文化室", "全部标为已读")
	m := regexp.MustCompile(`/notifications/([^/"]+)/open`).FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatal("no open form")
	}
	r = c.post("/notifications/"+m[1]+"/open", nil)
	mustStatus(t, r, http.StatusSeeOther)
	if !strings.HasPrefix(r.Location, "/needs/") {
		t.Fatalf("opening a notification goes to %q", r.Location)
	}
	r = c.get("/notifications")
	mustContain(t, r, "未读 <span class=\"num\">0</span>")
	mustNotContain(t, r, "badge-count")
	// Someone else's notification is not found.
	mustStatus(t, f.as("ruoqiang").post("/notifications/"+m[1]+"/open", nil), http.StatusNotFound)
	mustStatus(t, c.post("/notifications/read", nil), http.StatusSeeOther)
}

func TestMatchingPagesRender(t *testing.T) {
	f := newFixture(t)
	n := f.need(f.actor("cun"), f.village, "电商培训", zhuxiang.ActionTech, zhuxiang.NeedOpen)
	o := f.offer(f.org.ID, "电商技能培训", zhuxiang.ActionTech, zhuxiang.OfferTraining)
	for _, u := range []string{"admin1", "hejing", "cun", "orguser", "kexie"} {
		c := f.as(u)
		for _, p := range []string{"/", "/needs", "/needs?status=open&tag=any&county=652827&mine=1", "/needs/" + n.ID, "/offers",
			"/offers?kind=training&status=open&mine=1", "/offers/" + o.ID, "/pairings", "/pairings?source=import&page=2", "/notifications"} {
			r := c.get(p)
			if r.Status != http.StatusOK {
				t.Errorf("%s %s: %d\n%s", u, p, r.Status, excerpt(r.Body))
			}
			if strings.Contains(r.Body, "style=\"") || strings.Contains(r.Body, "<script>") {
				t.Errorf("%s %s: inline style or script", u, p)
			}
			mustContain(t, r, `href="/needs"`, `href="/offers"`, `href="/pairings"`, `href="/notifications"`)
		}
		// A mangled cursor starts again.
		mustStatus(t, c.get("/needs?cursor=%%%"), http.StatusOK)
		mustStatus(t, c.get("/offers?cursor=zz!"), http.StatusOK)
	}
	admin := f.as("admin1")
	for _, p := range []string{"/offers/new", "/needs/new", "/pairings/new", "/plan", "/plan/weights"} {
		mustStatus(t, admin.get(p), http.StatusOK)
	}
	// The admin publishes for a named organization.
	r := admin.post("/offers/new", url.Values{"org": {"没有这个组织"}, "action": {"tech"}, "kind": {"training"}, "title": {"培训"}, "capacity": {"1"}, "area": {"anywhere"}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "找不到名为“没有这个组织”的社会组织", `value="没有这个组织"`)
	r = admin.post("/offers/new", url.Values{"org": {f.org.CreditCode}, "action": {"tech"}, "kind": {"training"}, "title": {"培训"}, "capacity": {"1"}, "area": {"anywhere"}})
	mustStatus(t, r, http.StatusSeeOther)
	mustContain(t, admin.follow(r), "和静县电子商务促进会", "不限地区")
}

func TestImportPairings(t *testing.T) {
	f := newFixture(t)
	c := f.as("hejing")
	r := c.get("/import")
	mustContain(t, r, "导入结对", `action="/import/pairings"`, "/import/template/pairings.xlsx", "县市用户只能导入本县市的结对")
	r = c.get("/import/template/pairings.xlsx")
	if r.Status != http.StatusOK || !strings.HasPrefix(r.Body, "PK") {
		t.Fatalf("pairing template: %d %q", r.Status, r.Header.Get("Content-Type"))
	}
	csv := "社会组织,县市,乡镇,村,行动,开始日期,结束日期,备注\n" +
		f.org.CreditCode + ",和静县,巴伦台镇,测试一村,产业发展,2025-03-01,,已有结对\n" +
		"没有登记的协会,和静县,,,,2025-03-01,,\n" +
		f.org.CreditCode + ",若羌县,,,,2025-04-01,,\n"
	r = c.finish(c.upload("/import/pairings", "pairings.csv", []byte(csv), "", c.csrf))
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "全部未保存", "未登记", "县市用户只能导入本县市的结对")
	mustNotContain(t, c.get("/pairings"), "和静县电子商务促进会")
	r = c.finish(c.upload("/import/pairings", "pairings.csv", []byte(csv), "partial", c.csrf))
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, "部分保存", "查看结对")
	r = c.get("/pairings?source=import")
	mustContain(t, r, "和静县电子商务促进会", "和静县 测试一村", "批量导入", "共 <span class=\"num\">1</span> 个结对")
	// Villages and organizations cannot import.
	mustStatus(t, f.as("cun").upload("/import/pairings", "p.csv", []byte(csv), "", f.as("cun").csrf), http.StatusForbidden)
}
