package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"zhuxiang"
	"zhuxiang/store"
)

// TestConfirmStepsWithoutScript walks every irreversible step as a browser
// without JavaScript does: its button is a link to a page that says what
// will happen and who is told, with a 确认 button that posts the step with
// the confirmation and a 返回 link; a POST without the confirmation is
// refused with that page and changes nothing; with it the step is done.
func TestConfirmStepsWithoutScript(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		f := newFixtureOn(t, engine)
		ctx := context.Background()
		cun := f.actor("cun")
		submitted := f.need(cun, f.village, "帮助销售红枣二十吨", zhuxiang.ActionIndustry, zhuxiang.NeedSubmitted)
		open := f.need(cun, f.village, "村道路灯维修", zhuxiang.ActionGovernance, zhuxiang.NeedOpen)
		paired := f.need(cun, f.village, "农产品电商销售", zhuxiang.ActionIndustry, zhuxiang.NeedOpen)
		offer := f.offer(f.org.ID, "直播带货助农", zhuxiang.ActionIndustry, zhuxiang.OfferSales)
		mid, err := f.st.ExpressInterest(ctx, f.actor("orguser"), paired.ID, offer.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if err := f.st.TransitionMatch(ctx, f.actor("hejing"), mid, "accept", ""); err != nil {
			t.Fatal(err)
		}
		county, village := f.as("hejing"), f.as("cun")
		needStatus := func(id string) zhuxiang.NeedStatus {
			t.Helper()
			n, err := f.st.Need(ctx, zhuxiang.SystemActor, id)
			if err != nil {
				t.Fatal(err)
			}
			return n.Status
		}

		steps := []struct {
			name    string
			c       *client
			page    string // where the step's button is
			confirm string // the confirmation page the button leads to
			post    string
			form    url.Values
			summary []string
			done    func() bool
			flash   string
		}{
			{"审核通过", county, "/needs/" + submitted.ID, "/needs/" + submitted.ID + "/confirm?action=approve", "/needs/" + submitted.ID + "/transition",
				url.Values{"name": {"approve"}, "version": {"1"}},
				[]string{"审核通过后，需求“帮助销售红枣二十吨”将公开", "服务和静县的社会组织可以表达对接意向", "测试一村、和静县的用户会收到通知"},
				func() bool { return needStatus(submitted.ID) == zhuxiang.NeedOpen }, "已审核通过"},
			{"确认结对 from the need", county, "/needs/" + paired.ID, "/needs/" + paired.ID + "/matches/" + mid + "/confirm?action=confirm",
				"/needs/" + paired.ID + "/matches/" + mid, url.Values{"name": {"confirm"}},
				[]string{"和静县电子商务促进会与和静县 测试一村结对帮扶", "占用资源“直播带货助农”的一个承接名额", "将通知和静县电子商务促进会以及测试一村、和静县的用户"},
				func() bool { return needStatus(paired.ID) == zhuxiang.NeedMatched }, "已确认结对"},
			{"确认完成", village, "/needs/" + paired.ID, "/needs/" + paired.ID + "/confirm?action=done", "/needs/" + paired.ID + "/transition",
				url.Values{"name": {"done"}},
				[]string{"确认完成后，需求“农产品电商销售”标记为已完成", "和静县电子商务促进会的资源释放一个承接名额"},
				func() bool { return needStatus(paired.ID) == zhuxiang.NeedDone }, "已确认完成"},
			{"关闭需求", county, "/needs/" + open.ID, "/needs/" + open.ID + "/confirm?action=close", "/needs/" + open.ID + "/transition",
				url.Values{"name": {"close"}, "version": {"2"}, "reason": {"村里已自行解决"}},
				[]string{"关闭后，需求“村道路灯维修”", "关闭原因（必填；测试一村、和静县的用户和州级管理员能看到，社会组织看不到）"},
				func() bool { return needStatus(open.ID) == zhuxiang.NeedClosed }, "需求已关闭"},
		}
		for _, s := range steps {
			t.Run(s.name, func(t *testing.T) {
				// The button is a link to the confirmation, not a form.
				r := s.c.get(s.page)
				mustStatus(t, r, http.StatusOK)
				mustContain(t, r, `href="`+strings.ReplaceAll(s.confirm, "&", "&amp;")+`"`)
				r = s.c.get(s.confirm)
				mustStatus(t, r, http.StatusOK)
				mustContain(t, r, s.summary...)
				mustContain(t, r, `action="`+s.post+`"`, `name="confirm" value="1"`, ">返回</a>", `href="`+strings.SplitN(s.page, "?", 2)[0]+`"`)
				mustNotContain(t, r, "尚未执行")

				// A POST without the confirmation does nothing and asks.
				r = s.c.post(s.post, s.form)
				mustStatus(t, r, http.StatusOK)
				mustContain(t, r, "尚未执行", "不能撤销，须先确认")
				mustContain(t, r, s.summary...)
				if s.done() {
					t.Fatal("the step was done without its confirmation")
				}
				if reason := s.form.Get("reason"); reason != "" {
					mustContain(t, r, ">"+reason+"</textarea>") // what was typed is kept
				}

				form := url.Values{"confirm": {"1"}}
				for k, v := range s.form {
					form[k] = v
				}
				if s.form.Get("reason") != "" {
					// Confirmed without the reason: asked again, beside its field.
					form.Del("reason")
					r = s.c.post(s.post, form)
					mustStatus(t, r, http.StatusUnprocessableEntity)
					mustContain(t, r, "请填写“关闭需求”的理由", `class="field-error"`)
					form.Set("reason", s.form.Get("reason"))
				}
				r = s.c.post(s.post, form)
				mustStatus(t, r, http.StatusSeeOther)
				mustContain(t, s.c.follow(r), s.flash)
				if !s.done() {
					t.Fatal("the confirmed step was not done")
				}
			})
		}

		// The offer's page has the same confirmation for its matches.
		n2 := f.need(f.actor("cun2"), f.village2, "电商培训", zhuxiang.ActionIndustry, zhuxiang.NeedOpen)
		mid2, err := f.st.ExpressInterest(ctx, f.actor("orguser"), n2.ID, offer.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if err := f.st.TransitionMatch(ctx, f.actor("hejing"), mid2, "accept", ""); err != nil {
			t.Fatal(err)
		}
		r := county.get("/offers/" + offer.ID + "/matches/" + mid2 + "/confirm?action=confirm")
		mustStatus(t, r, http.StatusOK)
		mustContain(t, r, "确认结对后，和静县电子商务促进会与和静县 测试二村结对帮扶", `action="/offers/`+offer.ID+`/matches/`+mid2+`"`)
		r = county.post("/offers/"+offer.ID+"/matches/"+mid2, url.Values{"name": {"confirm"}})
		mustStatus(t, r, http.StatusOK)
		mustContain(t, r, "尚未执行")
		// A step that needs no confirmation has no such page; nor has a
		// match on another need's page, or a step the user may not take.
		mustStatus(t, county.get("/needs/"+n2.ID+"/confirm?action=submit"), http.StatusNotFound)
		mustStatus(t, county.get("/needs/"+open.ID+"/matches/"+mid2+"/confirm?action=confirm"), http.StatusNotFound)
		mustStatus(t, village.get("/needs/"+n2.ID+"/confirm?action=approve"), http.StatusForbidden)
		// Refusals stay refusals: the village cannot reach approval by
		// posting without the confirmation either.
		r = village.post("/needs/"+n2.ID+"/transition", url.Values{"name": {"approve"}})
		mustStatus(t, r, http.StatusForbidden)
		mustContain(t, r, "您的角色不能“审核通过”")
	})
}

// TestNeedWithdraw: while a need waits for review, its author may pull it
// back to a draft, change it and submit it again; the county, which
// reviews, and other accounts may not.
func TestNeedWithdraw(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		f := newFixtureOn(t, engine)
		ctx := context.Background()
		f.user("cun-b", zhuxiang.RoleVillage, f.village) // another account of the same village
		cun := f.as("cun")
		form := url.Values{"action": {"industry"}, "title": {"帮助销售香梨"}, "op": {"submit"}, "urgency": {"1"}}
		r := cun.post("/needs/new", form)
		mustStatus(t, r, http.StatusSeeOther)
		id := idFrom(t, r.Location, "/needs/")
		r = cun.follow(r)
		mustContain(t, r, "待审核", "撤回修改", "发现要改的地方，可先“撤回修改”")
		mustNotContain(t, r, "/needs/"+id+"/edit")

		// The county reviews; it does not withdraw. Nor does another
		// account of the village.
		county := f.as("hejing")
		mustNotContain(t, county.get("/needs/"+id), "撤回修改")
		for _, who := range []string{"hejing", "cun-b"} {
			r = f.as(who).post("/needs/"+id+"/transition", url.Values{"name": {"withdraw"}, "version": {"1"}})
			mustStatus(t, r, http.StatusForbidden)
			mustContain(t, r, "只有需求的填报人可以“撤回修改”")
		}

		r = cun.post("/needs/"+id+"/transition", url.Values{"name": {"withdraw"}, "version": {"1"}})
		mustStatus(t, r, http.StatusSeeOther)
		r = cun.follow(r)
		mustContain(t, r, "已撤回修改", "草稿", "/needs/"+id+"/edit")
		n, err := f.st.Need(ctx, zhuxiang.SystemActor, id)
		if err != nil || n.Status != zhuxiang.NeedDraft {
			t.Fatalf("after withdrawing: %v %v", n, err)
		}
		mustContain(t, county.get("/notifications"), "需求已由填报人撤回修改，暂不需审核：帮助销售香梨")

		// Changed and submitted again.
		form.Set("title", "帮助销售香梨三十吨")
		form.Set("version", "2")
		r = cun.post("/needs/"+id+"/edit", form)
		mustStatus(t, r, http.StatusSeeOther)
		mustContain(t, cun.follow(r), "帮助销售香梨三十吨", "待审核")
		// Withdrawing twice from a stale page is refused with the reason.
		r = cun.post("/needs/"+id+"/transition", url.Values{"name": {"withdraw"}, "version": {"1"}})
		mustStatus(t, r, http.StatusConflict)
		mustContain(t, r, "该需求已被他人处理")
		// A need the county wrote is the county's to withdraw.
		r = county.post("/needs/new", url.Values{"action": {"tech"}, "title": {"全县农技培训"}, "region": {"652827"}, "op": {"submit"}, "urgency": {"1"}})
		mustStatus(t, r, http.StatusSeeOther)
		cid := idFrom(t, r.Location, "/needs/")
		mustStatus(t, county.post("/needs/"+cid+"/transition", url.Values{"name": {"withdraw"}}), http.StatusSeeOther)
	})
}

// TestNeedProposalsByRole: on an open need's page, an organization sees
// its own fitting offers only, each with its score, reasons and an
// interest button that records the interest; with none it is told so and
// pointed to publishing one. The county sees every candidate.
func TestNeedProposalsByRole(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		f := newFixtureOn(t, engine)
		ctx := context.Background()
		need := f.need(f.actor("cun"), f.village, "帮助销售香梨二十吨", zhuxiang.ActionIndustry, zhuxiang.NeedOpen)
		ours := f.offer(f.org.ID, "直播带货助农", zhuxiang.ActionIndustry, zhuxiang.OfferSales)
		f.offer(f.org.ID, "老人上门照护", zhuxiang.ActionWelfare, zhuxiang.OfferVolunteers) // another action: does not fit
		rivalOrg := f.env.org("和静县果品流通协会", "652827", 41)
		rival := f.offer(rivalOrg.ID, "果品冷链收购", zhuxiang.ActionIndustry, zhuxiang.OfferSales)
		idle := f.env.org("和静县书画协会", "652827", 42)
		f.orgUser("idle", idle.ID)

		org := f.as("orguser")
		r := org.get("/needs/" + need.ID)
		mustStatus(t, r, http.StatusOK)
		mustContain(t, r, "贵组织可对接的资源", "贵组织有 1 项资源适合这项需求", "直播带货助农", "行动一致·产业发展", "表达对接意向",
			`name="offer" value="`+ours.ID+`"`, `action="/needs/`+need.ID+`/interest"`)
		mustNotContain(t, r, "果品冷链收购", "和静县果品流通协会", rival.ID, "老人上门照护", "推荐的资源")
		score := regexp.MustCompile(`data-label="得分" class="num">(\d+)<`).FindStringSubmatch(r.Body)
		if score == nil || score[1] == "0" {
			t.Fatalf("no score on the organization's proposal:\n%s", excerpt(r.Body))
		}

		// The county chooses among every candidate.
		r = f.as("hejing").get("/needs/" + need.ID)
		mustContain(t, r, "推荐的资源", "直播带货助农", "果品冷链收购", "和静县果品流通协会", "表达对接意向")
		mustNotContain(t, r, "贵组织")

		// An organization with nothing fitting is told so and where to go.
		r = f.as("idle").get("/needs/" + need.ID)
		mustContain(t, r, "贵组织暂无适合这项需求的资源", "产业发展帮扶行动", `href="/offers/new?action=industry"`, "发布资源供给")
		mustNotContain(t, r, "直播带货助农", "果品冷链收购")
		r = f.as("idle").get("/offers/new?action=industry")
		mustContain(t, r, `value="industry" selected`)

		// Its interest, posted from the need's page, is recorded as the
		// organization's; another organization's offer is not its to offer.
		r = org.post("/needs/"+need.ID+"/interest", url.Values{"offer": {rival.ID}})
		mustStatus(t, r, http.StatusForbidden)
		r = org.post("/needs/"+need.ID+"/interest", url.Values{"offer": {ours.ID}, "note": {"我们有直播团队"}})
		mustStatus(t, r, http.StatusSeeOther)
		r = org.follow(r)
		mustContain(t, r, "已表达对接意向", "已在对接", "我们有直播团队", "待回应")
		ms, err := f.st.ListMatches(ctx, zhuxiang.SystemActor, store.MatchFilter{NeedID: need.ID})
		if err != nil || len(ms) != 1 || ms[0].OfferID != ours.ID || ms[0].Initiator != zhuxiang.SideOrg {
			t.Fatalf("interests %+v, %v", ms, err)
		}
		mustContain(t, f.as("hejing").get("/notifications"), "和静县电子商务促进会希望对接需求“帮助销售香梨二十吨”")
	})
}

// TestFormsShowEveryError submits each form with several bad fields and
// expects every message at once, each beside its field, the count at the
// top, and what was typed kept.
func TestFormsShowEveryError(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		f := newFixtureOn(t, engine)
		long := strings.Repeat("长", zhuxiang.MaxFreeTextRunes+1)
		cases := []struct {
			name   string
			user   string
			path   string
			form   url.Values
			fields map[string]string // field → its message
			kept   []string
		}{
			{"empty need", "admin1", "/needs/new", url.Values{"op": {"draft"}, "urgency": {"1"}, "quantity": {"二十"}, "unit": {"吨"}},
				map[string]string{"region": "请选择需求所在的县市或村", "action": "请选择五项行动之一", "title": "标题不能为空", "quantity": "数量应为不小于0的整数"},
				[]string{`value="二十"`, `value="吨"`}},
			{"need with bad values", "hejing", "/needs/new", url.Values{"op": {"draft"}, "region": {"652827"}, "action": {"tech"}, "title": {"培训"},
				"description": {"请联系13912345678"}, "wanted_by": {"明年"}, "phone": {"电话"}, "budget": {"-5"}, "urgency": {"1"}},
				map[string]string{"description": "不能包含身份证号或手机号", "wanted_by": "日期“明年”格式不正确", "phone": "联系电话格式不正确", "budget": "金额不能为负数"},
				[]string{`value="明年"`, `value="电话"`, `value="-5"`}},
			{"empty offer", "orguser", "/offers/new", url.Values{"capacity": {""}, "amount": {"5万"}, "area": {"counties"}},
				map[string]string{"action": "请选择五项行动之一", "kind": "请选择资源类型", "title": "标题不能为空", "capacity": "可同时承接的需求数",
					"amount": "金额“5万”格式不正确", "counties": "请至少选择一个服务的县市"},
				[]string{`value="5万"`}},
			{"empty organization", "hejing", "/orgs/new", url.Values{"credit_code": {"123"}, "phone": {"12"}, "contact": {"李四"}},
				map[string]string{"name": "组织名称不能为空", "credit_code": "统一社会信用代码应为18位", "phone": "联系电话格式不正确"},
				[]string{`value="123"`, `value="李四"`}},
			{"department", "admin1", "/departments/new", url.Values{"name": {""}, "note": {long}},
				map[string]string{"name": "部门名称不能为空", "note": "备注不能超过"}, nil},
			{"new user", "admin1", "/users", url.Values{"name": {"zhang san"}, "display_name": {"张三"}, "role": {"county"}, "password": {"123"}},
				map[string]string{"name": "登录名不能为空、不能含空格", "password": "密码", "county": "县市用户须指定所属县市"},
				[]string{`value="张三"`, `value="zhang san"`}},
			{"password", "kexie", "/password", url.Values{"old_password": {""}, "password": {"abc"}, "repeat": {"abd"}},
				map[string]string{"old_password": "请填写原密码", "password": "密码", "repeat": "两次输入的新密码不一致"}, nil},
			{"weights", "admin1", "/plan/weights", url.Values{"action": {"零"}, "kind_fit": {"-1"}, "same_county": {"20001"}},
				map[string]string{"action": "请填写 0 至 10000 的整数", "kind_fit": "权重应为 0 至 10000 的整数", "same_county": "权重应为 0 至 10000 的整数"},
				[]string{`value="零"`, `value="20001"`}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				cl := f.as(c.user)
				cl.get(c.path)
				form := url.Values{}
				if c.name == "weights" {
					// Every other weight as it is.
					for _, w := range weightInfos {
						form.Set(w.Key, "10")
					}
				}
				for k, v := range c.form {
					form[k] = v
				}
				r := cl.post(c.path, form)
				mustStatus(t, r, http.StatusUnprocessableEntity)
				for field, msg := range c.fields {
					if !besideField(r.Body, field, msg) {
						t.Errorf("%s: %q is not beside its field\n%s", field, msg, excerpt(r.Body))
					}
				}
				if c.name != "weights" {
					mustContain(t, r, "有 "+strconv.Itoa(len(c.fields))+" 处需要修改")
				}
				mustContain(t, r, c.kept...)
			})
		}

		// The pairing form, a multipart upload, too.
		r := f.as("hejing").pairingUpload(map[string]string{"org": "不存在的协会", "start_date": "明天", "note": "关爱留守儿童"}, "", nil)
		mustStatus(t, r, http.StatusUnprocessableEntity)
		for field, msg := range map[string]string{"org": "找不到与“不存在的协会”相符的社会组织", "county": "请选择结对的县市，或在下面选择村", "start_date": "日期“明天”格式不正确"} {
			if !besideField(r.Body, field, msg) {
				t.Errorf("pairing %s: %q is not beside its field\n%s", field, msg, excerpt(r.Body))
			}
		}
		mustContain(t, r, "有 3 处需要修改", "关爱留守儿童")
	})
}

// besideField reports whether msg is shown as the error of the field
// named field: in the same form block as the input, select or textarea
// of that name (a .field block or, on the weights table, its row).
func besideField(body, field, msg string) bool {
	for _, re := range fieldBlocks {
		for _, block := range re.FindAllString(body, -1) {
			named := strings.Contains(block, `name="`+field+`"`) || strings.Contains(block, `id="`+field+`"`)
			if named && strings.Contains(block, `class="field-error"`) && strings.Contains(block, msg) {
				return true
			}
		}
	}
	return false
}

// fieldBlocks are the blocks a form marks with has-error: a field, a group
// of fields, a row of the weights table.
var fieldBlocks = []*regexp.Regexp{
	regexp.MustCompile(`(?s)<div[^>]*has-error[^>]*>.*?</div>`),
	regexp.MustCompile(`(?s)<fieldset[^>]*has-error[^>]*>.*?</fieldset>`),
	regexp.MustCompile(`(?s)<tr[^>]*has-error[^>]*>.*?</tr>`),
}
