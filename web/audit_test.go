package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"zhuxiang"
	"zhuxiang/match"
	"zhuxiang/store"
)

// visibleText is what a person reads on a page: the text between tags of
// the body, with scripts, styles and every attribute (links, values, ids)
// left out, and entities decoded.
func visibleText(page string) string {
	if i := strings.Index(page, "<body"); i >= 0 {
		page = page[i:]
	}
	page = regexp.MustCompile(`(?s)<script.*?</script>|<style.*?</style>|<!--.*?-->`).ReplaceAllString(page, " ")
	page = regexp.MustCompile(`(?s)<[^>]*>`).ReplaceAllString(page, " ")
	return html.UnescapeString(page)
}

// cells returns the visible text of every table cell with the given
// data-label on a page.
func cells(page, label string) []string {
	re := regexp.MustCompile(`(?s)<td data-label="` + regexp.QuoteMeta(label) + `"[^>]*>(.*?)</td>`)
	var out []string
	for _, m := range re.FindAllStringSubmatch(page, -1) {
		out = append(out, strings.TrimSpace(visibleText(m[1])))
	}
	return out
}

// TestAuditLogReadsInChinese walks the matching flow (a need submitted,
// approved, an offer, an interest, accepted, confirmed, the need done), an
// allocation, a change of weights and a new account, then reads the audit
// log as its administrator: every operation and kind of object in Chinese,
// objects by name with a link to their page, regions by name inside the
// summaries, money in yuan, and no code name, id or credit code on show.
func TestAuditLogReadsInChinese(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		f := newFixtureOn(t, engine)
		village, county, org, admin := f.as("cun"), f.as("hejing"), f.as("orguser"), f.as("admin1")

		village.get("/needs/new")
		r := village.post("/needs/new", url.Values{"action": {"industry"}, "category": {"消费帮扶"}, "title": {"帮助销售香梨"},
			"description": {"香梨丰收，销路不畅"}, "quantity": {"20"}, "unit": {"吨"}, "budget": {"12345.6"}, "people": {"300"},
			"urgency": {"2"}, "contact": {"王村长"}, "phone": {"13800138000"}, "op": {"submit"}})
		mustStatus(t, r, http.StatusSeeOther)
		needID := idFrom(t, r.Location, "/needs/")
		county.get("/needs/" + needID)
		mustStatus(t, county.post("/needs/"+needID+"/transition", url.Values{"name": {"approve"}, "confirm": {"1"}}), http.StatusSeeOther)

		org.get("/offers/new")
		r = org.post("/offers/new", url.Values{"action": {"industry"}, "kind": {"sales"}, "title": {"直播带货助农"}, "description": {"帮村里直播卖货"},
			"capacity": {"2"}, "amount": {"50000"}, "area": {"counties"}, "counties": {"652827", "652824"}, "valid_from": {"2026-01-01"}, "valid_to": {"2027-12-31"}})
		mustStatus(t, r, http.StatusSeeOther)
		offerID := idFrom(t, r.Location, "/offers/")
		mustStatus(t, org.post("/offers/"+offerID+"/interest", url.Values{"need": {needID}, "note": {"我们有直播团队"}}), http.StatusSeeOther)
		r = county.get("/needs/" + needID)
		m := matchForm.FindStringSubmatch(r.Body)
		if m == nil {
			t.Fatalf("no match form on the need page:\n%s", excerpt(r.Body))
		}
		mustStatus(t, county.post("/needs/"+needID+"/matches/"+m[1], url.Values{"name": {"accept"}}), http.StatusSeeOther)
		mustStatus(t, county.post("/needs/"+needID+"/matches/"+m[1], url.Values{"name": {"confirm"}, "confirm": {"1"}}), http.StatusSeeOther)
		village.get("/needs/" + needID)
		mustStatus(t, village.post("/needs/"+needID+"/transition", url.Values{"name": {"done"}, "confirm": {"1"}}), http.StatusSeeOther)

		// The administrator runs an allocation, changes a weight and opens
		// an account for a village.
		admin.get("/plan")
		if r := admin.finish(admin.post("/plan", nil)); r.Status != http.StatusOK && r.Status != http.StatusSeeOther {
			t.Fatalf("plan run: %d\n%s", r.Status, excerpt(r.Body))
		}
		weights := url.Values{}
		for k, v := range weightsMap(match.DefaultWeights) {
			weights.Set(k, strconv.Itoa(v))
		}
		weights.Set("same_county", "66")
		admin.get("/plan/weights")
		mustStatus(t, admin.post("/plan/weights", weights), http.StatusSeeOther)
		admin.get("/users")
		mustStatus(t, admin.post("/users", url.Values{"name": {"cun3"}, "display_name": {"三村文书"}, "role": {"village"},
			"village": {f.village2}, "password": {initialPassword}}), http.StatusSeeOther)

		r = admin.get("/audit")
		mustStatus(t, r, http.StatusOK)
		text := visibleText(r.Body)

		// Every operation and every kind of object in Chinese: no code
		// name of either stands as a word on the page.
		codes := map[string]bool{"system": true}
		for _, l := range zhuxiang.AuditOps {
			codes[l.Code] = true
		}
		for _, l := range zhuxiang.AuditEntities {
			codes[l.Code] = true
		}
		for _, w := range regexp.MustCompile(`[A-Za-z_]+`).FindAllString(text, -1) {
			if codes[strings.ToLower(w)] {
				t.Errorf("the audit page shows the code name %q", w)
			}
		}
		// No id, division code or credit code on show.
		for _, pat := range []string{`\b[0-9a-f]{16}\b`, `\b\d{9}[0-9A-Z]{3}\b`, `\b65\d{4}\b`} {
			if got := regexp.MustCompile(pat).FindAllString(text, -1); got != nil {
				t.Errorf("the audit page shows ids or codes %v", got)
			}
		}
		objects := cells(r.Body, "对象")
		if len(objects) == 0 {
			t.Fatalf("no entries on the audit page:\n%s", excerpt(r.Body))
		}
		creditCode := regexp.MustCompile(`[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}`)
		for _, o := range objects {
			if creditCode.MatchString(o) {
				t.Errorf("an object is named by its credit code: %q", o)
			}
		}

		// Objects by name, linked to their pages; the interest links to
		// its need; the weights to their page.
		mustContain(t, r,
			`需求 <a href="/needs/`+needID+`">帮助销售香梨</a>`,
			`资源 <a href="/offers/`+offerID+`">直播带货助农</a>`,
			`对接意向 <a href="/needs/`+needID+`">帮助销售香梨 ↔ 直播带货助农</a>`,
			`结对 <a href="/pairings/`,
			`和静县电子商务促进会 ↔ 测试一村</a>`,
			`社会组织 <a href="/orgs/`+f.org.ID+`">和静县电子商务促进会</a>`,
			`对接方案 <a href="/plan/`,
			`匹配设置 <a href="/plan/weights">匹配权重</a>`,
			`用户 三村文书`)
		// The operations in the words of the buttons.
		for _, op := range []string{"审核通过", "表达对接意向", "接受", "确认结对", "结对", "确认完成", "计算方案", "新增", "修改", "登录", "初始化"} {
			if !slices.Contains(cells(r.Body, "操作"), op) {
				t.Errorf("no entry shows the operation %q", op)
			}
		}
		// Summaries: money in yuan, regions and records by name, empty
		// fields of a new record left out, a weight by its name.
		mustContain(t, r, "预算：¥12,345.60", "金额：¥50,000.00", "服务地区：指定县市 和静县、若羌县", "区划：测试二村",
			"组织：和静县电子商务促进会", "同县：50 → 66", "状态：待审核 → 对接中")
		mustNotContain(t, r, "（分）", "联系人：<", "说明：（空）", "受益人群", "期望日期")
		// The system is 系统 wherever it acted.
		if !slices.Contains(cells(r.Body, "操作人"), "系统") {
			t.Error("no entry names 系统 as its actor")
		}
		mustNotContain(t, r, "系统（命令行）")

		// The filter offers every kind of object and every operation.
		for _, l := range zhuxiang.AuditEntities {
			mustContain(t, r, `<option value="`+l.Code+`" >`+l.Label+`</option>`)
		}
		r = admin.get("/audit?entity=pairing")
		mustContain(t, r, `<option value="pairing" selected>结对</option>`, "和静县电子商务促进会 ↔ 测试一村")
		mustNotContain(t, r, "对接意向 <a")

		// The organization's page names the system too.
		r = admin.get("/orgs/" + f.org.ID)
		mustContain(t, r, "修改记录")
		if got := cells(r.Body, "操作人"); !slices.Contains(got, "系统") {
			t.Errorf("the organization's history names its actor %v, want 系统", got)
		}
	})
}

// TestAuditPageVerifiesCheckpoints: the audit page's 校验 asks what the
// server was given (serve passes its checkpointer, which checks the chain
// against the signed checkpoints), and says so when they agree and when
// they cannot be checked.
func TestAuditPageVerifiesCheckpoints(t *testing.T) {
	for _, c := range []struct {
		name string
		res  store.AuditVerifyResult
		want string
	}{
		{"agree", store.AuditVerifyResult{Entries: 12, Checkpoints: 3}, "与 <span class=\"num\">3</span> 个签名检查点相符"},
		{"file gone", store.AuditVerifyResult{Entries: 12, Reason: "检查点文件 z.db.checkpoints 不存在"}, "检查点无法核对"},
		{"rewritten", store.AuditVerifyResult{Entries: 12, BrokenAt: 7, Reason: "第7条记录被改写"}, "第7条起被篡改"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newServedEnv(t, "sqlite", Options{VerifyAudit: func(context.Context) (store.AuditVerifyResult, error) { return c.res, nil }})
			e.user("admin1", zhuxiang.RoleAdmin, "")
			cl := e.client()
			cl.signIn("admin1")
			r := cl.get("/audit?verify=1")
			mustStatus(t, r, http.StatusOK)
			mustContain(t, r, c.want)
		})
	}
}
