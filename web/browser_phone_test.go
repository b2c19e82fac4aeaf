package web

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"zhuxiang"
	"zhuxiang/attach"
	"zhuxiang/attach/attachtest"
	"zhuxiang/demo"
	"zhuxiang/store"
)

// The phone test: every page a user can open, signed in as every demo
// role, on a 375 px phone, must fit the screen's width. Its list of pages
// comes from the route table: a GET route that the table below does not
// name fails the test, so a new page is checked as soon as it exists.

// phoneRoute says how the phone test opens one GET route of routes.go:
// the paths to visit as each role (with the fixture's records), or why the
// route is no page.
type phoneRoute struct {
	paths   func(f *phoneFixture, role string) []string
	notPage string // why the route is not checked: a file, JSON, …
}

// same visits the same paths as every role.
func same(paths ...string) func(*phoneFixture, string) []string {
	return func(*phoneFixture, string) []string { return paths }
}

// phoneRoutes names every GET route of routes.go. Signed out, only the
// routes listed for the role "public" are visited.
var phoneRoutes = map[string]phoneRoute{
	"GET /healthz":     {notPage: "plain text for load balancers"},
	"GET /favicon.ico": {notPage: "the site's icon"},
	"GET /needs/{id}/confirm": {paths: func(f *phoneFixture, _ string) []string {
		return []string{"/needs/" + f.submitted + "/confirm?action=approve", "/needs/" + f.open + "/confirm?action=close"}
	}},
	"GET /needs/{id}/matches/{mid}/confirm": {paths: func(f *phoneFixture, _ string) []string {
		return []string{"/needs/" + f.open + "/matches/" + f.pending + "/confirm?action=confirm"}
	}},
	"GET /offers/{id}/matches/{mid}/confirm": {paths: func(f *phoneFixture, _ string) []string {
		return []string{"/offers/" + f.offer + "/matches/" + f.pending + "/confirm?action=confirm"}
	}},
	"GET /pairings/{id}/edit": {paths: func(f *phoneFixture, _ string) []string {
		out := prefix("/pairings/", f.pairings...)
		for i := range out {
			out[i] += "/edit"
		}
		return out
	}},
	"GET /matches":  {paths: same("/matches", "/matches?waiting=1", "/matches?lapsing=1")},
	"GET /projects": {paths: same("/projects", "/projects?status=submitted&key=1", "/projects?report=pending")},
	"GET /projects/{id}": {paths: func(f *phoneFixture, _ string) []string {
		return []string{"/projects/" + f.project, "/projects/" + f.runningProject}
	}},
	"GET /projects/new": {paths: same("/projects/new")},
	"GET /projects/{id}/reports/new": {paths: func(f *phoneFixture, _ string) []string {
		return []string{"/projects/" + f.runningProject + "/reports/new"}
	}},
	"GET /projects/{id}/reports/{rid}/confirm": {paths: func(f *phoneFixture, _ string) []string {
		return []string{"/projects/" + f.runningProject + "/reports/" + f.reports[1] + "/confirm?action=confirm"}
	}},
	"GET /projects/{id}/reports/{rid}/files/{n}":       {notPage: "a report's photo or PDF"},
	"GET /projects/{id}/reports/{rid}/files/{n}/thumb": {notPage: "a photo's thumbnail"},
	"GET /projects/{id}/edit":                          {paths: func(f *phoneFixture, _ string) []string { return []string{"/projects/" + f.draftProject + "/edit"} }},
	"GET /projects/{id}/confirm": {paths: func(f *phoneFixture, _ string) []string {
		return []string{"/projects/" + f.project + "/confirm?action=approve"}
	}},
	"GET /brands":                {paths: same("/brands", "/brands?level=county&status=published")},
	"GET /brands/new":            {paths: same("/brands/new")},
	"GET /brands/{id}":           {paths: func(f *phoneFixture, _ string) []string { return prefix("/brands/", f.brands...) }},
	"GET /brands/{id}/edit":      {paths: func(f *phoneFixture, _ string) []string { return []string{"/brands/" + f.brands[1] + "/edit"} }},
	"GET /brands/{id}/logo":      {notPage: "an image"},
	"GET /brands/{id}/thumb":     {notPage: "an image"},
	"GET /cases":                 {paths: same("/cases", "/cases?unscored=1", "/cases?calls=open", "/cases?status=published")},
	"GET /cases/calls/new":       {paths: same("/cases/calls/new")},
	"GET /cases/calls/{id}":      {paths: func(f *phoneFixture, _ string) []string { return prefix("/cases/calls/", f.calls...) }},
	"GET /cases/calls/edit/{id}": {paths: func(f *phoneFixture, _ string) []string { return []string{"/cases/calls/edit/" + f.calls[0]} }},
	"GET /cases/new":             {paths: func(f *phoneFixture, _ string) []string { return []string{"/cases/new?call=" + f.calls[0]} }},
	"GET /cases/{id}": {paths: func(f *phoneFixture, _ string) []string {
		return prefix("/cases/", f.caseDraft, f.caseSubmitted, f.casePublished)
	}},
	"GET /cases/{id}/{page}": {paths: func(f *phoneFixture, _ string) []string {
		return []string{"/cases/" + f.caseDraft + "/edit", "/cases/" + f.caseSelected + "/confirm?action=publish"}
	}},
	"GET /cases/{id}/photos/{n}":       {notPage: "a photo"},
	"GET /cases/{id}/photos/{n}/thumb": {notPage: "a thumbnail"},
	"GET /public/cases":                {paths: func(f *phoneFixture, role string) []string { return onlyFor(role, "public", "/public/cases") }},
	"GET /public/cases/{id}": {paths: func(f *phoneFixture, role string) []string {
		return onlyFor(role, "public", "/public/cases/"+f.casePublished)
	}},
	"GET /public/cases/{id}/photos/{n}":       {notPage: "a photo"},
	"GET /public/cases/{id}/photos/{n}/thumb": {notPage: "a thumbnail"},
	"GET /pick/villages":                      {notPage: "JSON for the picker's script"},
	"GET /pick/orgs":                          {notPage: "JSON for the picker's script"},
	"GET /static/{name}":                      {notPage: "stylesheet and script"},
	"GET /login": {paths: func(f *phoneFixture, role string) []string {
		return onlyFor(role, "public", "/login", "/login?expired=1")
	}},
	"GET /password": {paths: same("/password")},
	"GET /{$}":      {paths: same("/")},
	"GET /regions":  {paths: same("/regions", "/regions?county=652827")},
	"GET /regions/{code}": {paths: func(f *phoneFixture, _ string) []string {
		return []string{"/regions/652800", "/regions/652827", "/regions/" + f.township, "/regions/" + f.village}
	}},
	"GET /regions/{code}/edit": {paths: func(f *phoneFixture, _ string) []string {
		return []string{"/regions/652827/edit", "/regions/" + f.village + "/edit"}
	}},
	"GET /orgs":                          {paths: same("/orgs", "/orgs?flag=any", "/orgs?q="+url.QueryEscape("博斯腾"))},
	"GET /orgs/export.xlsx":              {notPage: "a workbook"},
	"GET /orgs/new":                      {paths: same("/orgs/new")},
	"GET /orgs/{id}":                     {paths: func(f *phoneFixture, role string) []string { return []string{"/orgs/" + f.orgFor(role)} }},
	"GET /orgs/{id}/edit":                {paths: func(f *phoneFixture, role string) []string { return []string{"/orgs/" + f.orgFor(role) + "/edit"} }},
	"GET /import":                        {paths: same("/import")},
	"GET /import/template/orgs.xlsx":     {notPage: "a workbook"},
	"GET /import/template/villages.xlsx": {notPage: "a workbook"},
	"GET /import/template/pairings.xlsx": {notPage: "a workbook"},
	"GET /import/template/projects.xlsx": {notPage: "a workbook"},
	"GET /jobs/{id}":                     {paths: func(f *phoneFixture, role string) []string { return f.jobs[role] }},
	"GET /jobs/{id}/status":              {notPage: "JSON for app.js"},
	"GET /users":                         {paths: same("/users")},
	"GET /departments":                   {paths: same("/departments")},
	"GET /departments/new":               {paths: same("/departments/new")},
	"GET /departments/{id}/edit":         {paths: func(f *phoneFixture, _ string) []string { return []string{"/departments/" + f.department + "/edit"} }},
	"GET /audit":                         {paths: same("/audit", "/audit?verify=1", "/audit?op=import_create", "/audit?entity=pairing")},
	"GET /needs":                         {paths: same("/needs", "/needs?status=submitted", "/needs?mine=1")},
	"GET /needs/new":                     {paths: same("/needs/new")},
	"GET /needs/{id}":                    {paths: func(f *phoneFixture, _ string) []string { return prefix("/needs/", f.needs...) }},
	"GET /needs/{id}/edit":               {paths: func(f *phoneFixture, _ string) []string { return []string{"/needs/" + f.draft + "/edit"} }},
	"GET /offers":                        {paths: same("/offers", "/offers?status=all")},
	"GET /offers/new":                    {paths: same("/offers/new")},
	"GET /offers/{id}":                   {paths: func(f *phoneFixture, _ string) []string { return []string{"/offers/" + f.offer} }},
	"GET /offers/{id}/edit":              {paths: func(f *phoneFixture, _ string) []string { return []string{"/offers/" + f.offer + "/edit"} }},
	"GET /plan":                          {paths: same("/plan", "/plan?county=", "/plan?county=&show=unmatched", "/plan?county=652827&show=changes", "/plan?county=&page=2")},
	"GET /plan/weights":                  {paths: same("/plan/weights")},
	"GET /plan/{id}":                     {paths: func(f *phoneFixture, _ string) []string { return []string{"/plan/" + f.firstPlan} }},
	"GET /plan/{id}/export.xlsx":         {notPage: "a workbook"},
	"GET /pairings":                      {paths: same("/pairings", "/pairings?source=import")},
	"GET /pairings/export.xlsx":          {notPage: "a workbook"},
	"GET /projects/export.xlsx":          {notPage: "a workbook"},
	"GET /pairings/new":                  {paths: same("/pairings/new")},
	"GET /pairings/{id}":                 {paths: func(f *phoneFixture, _ string) []string { return prefix("/pairings/", f.pairings...) }},
	"GET /pairings/{id}/agreement":       {notPage: "the agreement file"},
	"GET /notifications":                 {paths: same("/notifications")},
	"GET /public":                        {paths: func(f *phoneFixture, role string) []string { return onlyFor(role, "public", "/public") }},
	"GET /public/needs":                  {paths: func(f *phoneFixture, role string) []string { return onlyFor(role, "public", "/public/needs") }},
	"GET /public/needs/{id}":             {paths: func(f *phoneFixture, role string) []string { return onlyFor(role, "public", "/public/needs/"+f.open) }},
	"GET /public/brands":                 {paths: func(f *phoneFixture, role string) []string { return onlyFor(role, "public", "/public/brands") }},
	"GET /public/brands/{id}": {paths: func(f *phoneFixture, role string) []string {
		return onlyFor(role, "public", prefix("/public/brands/", f.brands...)...)
	}},
	"GET /public/brands/{id}/logo":  {notPage: "an image"},
	"GET /public/brands/{id}/thumb": {notPage: "an image"},
}

func onlyFor(role, want string, paths ...string) []string {
	if role != want {
		return nil
	}
	return paths
}

func prefix(p string, ids ...string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = p + id
	}
	return out
}

// getRoutes reads the GET routes out of routes.go, the one route table.
func getRoutes(t *testing.T) []string {
	t.Helper()
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range regexp.MustCompile(`mux\.Handle(?:Func)?\("(GET [^"]+)"`).FindAllStringSubmatch(string(src), -1) {
		out = append(out, m[1])
	}
	if len(out) < 20 {
		t.Fatalf("found only %d GET routes in routes.go: has its form changed?", len(out))
	}
	return out
}

// TestPhoneRoutesListed fails when a GET route has no line in phoneRoutes
// (or a line outlives its route), so the phone test checks every page.
func TestPhoneRoutesListed(t *testing.T) {
	routes := getRoutes(t)
	for _, r := range routes {
		if _, ok := phoneRoutes[r]; !ok {
			t.Errorf("routes.go has %q, but phoneRoutes (browser_phone_test.go) does not say how to open it on a phone: add the paths to visit, or why it is no page", r)
		}
	}
	for r := range phoneRoutes {
		if !slices.Contains(routes, r) {
			t.Errorf("phoneRoutes lists %q, which routes.go no longer has", r)
		}
	}
}

// phoneFixture is the demo data at prefecture scale plus the records that
// make pages long or awkward: an organization with long names and both
// flags, needs in every state with long text, an interest, a confirmed
// pairing and one with an agreement file, two allocations, imports.
type phoneFixture struct {
	village, township   string
	longOrg, ownOrg     string
	department          string
	needs               []string // every state
	open, draft         string
	submitted, pending  string // a need awaiting review; the interest waiting on open
	offer               string
	project             string   // a submitted project of the demo organization
	draftProject        string   // a draft of the demo organization
	runningProject      string   // a running one, with reports
	reports             []string // its reports: disputed, then submitted
	brands              []string // a published demo brand, and one with the longest texts
	calls               []string // the demo's calls, the open one first
	caseDraft           string   // a draft of the demo organization with long texts and photos
	caseSubmitted       string   // a submitted demo case, scored
	caseSelected        string   // a selected demo case, not yet published
	casePublished       string   // a published demo case
	pairings            []string
	firstPlan           string
	jobs                map[string][]string // per role
	accounts            []string
	admin, county, cun  zhuxiang.Actor
	orgActor, deptActor zhuxiang.Actor
}

// orgFor is the organization whose pages a role opens: its own for an
// organization's staff, the long-named one for the others.
func (f *phoneFixture) orgFor(role string) string {
	if role == "org" {
		return f.ownOrg
	}
	return f.longOrg
}

// longWord is user text without a place to break: a link pasted whole.
const longWord = "https://www.bayingolin-example.gov.cn/xiangcunzhenxing/shehuizuzhi/2026/11/notice-about-the-very-long-address-of-a-document.html"

func newPhoneFixture(t *testing.T, e *env) *phoneFixture {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.Load(ctx, e.st, "prefecture", io.Discard); err != nil {
		t.Fatal(err)
	}
	f := &phoneFixture{jobs: map[string][]string{}, accounts: []string{"admin", "hejing", "kexie", "org", "village"}}
	f.admin, f.county, f.cun, f.orgActor, f.deptActor = e.actor("admin"), e.actor("hejing"), e.actor("village"), e.actor("org"), e.actor("kexie")
	sys := zhuxiang.SystemActor
	f.village, f.ownOrg = f.cun.RegionCode, f.orgActor.OrgID
	v, err := e.st.Region(ctx, sys, f.village)
	if err != nil {
		t.Fatal(err)
	}
	f.township = v.ParentCode
	depts, err := e.st.Departments(ctx, sys)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range depts {
		if d.ID == f.deptActor.DepartmentID {
			f.department = d.ID
		}
	}

	// The longest names the forms accept, both flags, a link in the intro.
	long := &zhuxiang.Org{Name: "巴音郭楞蒙古自治州焉耆回族自治县博斯腾湖流域乡村振兴社会工作服务与农村电子商务人才培训促进中心（对口援疆联合体）",
		CreditCode: creditCode(t, '2', 777), LegalForm: zhuxiang.LegalService, RegCounty: "652827", DepartmentID: f.department,
		Kinds:  []zhuxiang.OrgKind{zhuxiang.KindEcommerce, zhuxiang.KindTraining, zhuxiang.KindSocialService, zhuxiang.KindCommunity, zhuxiang.KindCharity},
		Rating: 5, RatingDate: "2024-06-30", Contact: "阿依古丽·买买提艾力", Phone: "13912345678",
		Address:     "巴音郭楞蒙古自治州和静县巴伦台镇阳光路乡村振兴综合服务大楼七层七〇一室（博斯腾湖流域社会工作服务站）",
		Intro:       "围绕产业发展、技能培训和扶弱济困开展服务。详情见 " + longWord + " 以及 WWW.EXAMPLE.GOV.CN/ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZ",
		Inspections: []zhuxiang.Inspection{{Year: 2023, Result: zhuxiang.InspectionPass}, {Year: 2024, Result: zhuxiang.InspectionBasic}, {Year: 2025, Result: zhuxiang.InspectionFail}},
		Flags: []zhuxiang.OrgFlag{{Kind: zhuxiang.FlagAbnormal, Source: "巴音郭楞蒙古自治州民政局2025年第3号公告（关于将部分社会组织列入活动异常名录的公告）", Date: "2025-03-01"},
			{Kind: zhuxiang.FlagDishonest, Source: "州民政局2025年第5号公告", Date: "2025-09-15"}}}
	if _, err := e.st.CreateOrg(ctx, sys, long); err != nil {
		t.Fatal(err)
	}
	f.longOrg = long.ID
	long.Contact, long.Version = "阿依古丽·买买提", 1
	if _, err := e.st.UpdateOrg(ctx, f.county, long); err != nil {
		t.Fatal(err)
	}

	// Needs of the demo village in every state, with long text.
	mk := func(title string, status zhuxiang.NeedStatus) string {
		n := &zhuxiang.Need{VillageCode: f.village, Action: zhuxiang.ActionIndustry, Category: "消费帮扶", Title: title,
			Description: "本村种植香梨、红枣和辣椒，今年丰收，希望拓宽线上线下销路，对接冷链仓储。参考：" + longWord + "\n第二段说明。",
			Quantity:    200, Unit: "吨", People: 360, Urgency: zhuxiang.UrgencyUrgent, BudgetFen: 123_456_789, WantedBy: "2027-06-30",
			PeopleKinds: []string{"低收入人口", "留守儿童", "残疾人"}, Contact: "热依汗古丽·吐尔逊", Phone: "13800138000"}
		if status != zhuxiang.NeedDraft {
			n.Status = zhuxiang.NeedSubmitted
		}
		id, err := e.st.CreateNeed(ctx, f.cun, n)
		if err != nil {
			t.Fatalf("need %s: %v", title, err)
		}
		switch status {
		case zhuxiang.NeedOpen:
			if err := e.st.TransitionNeed(ctx, f.county, id, "approve", "", 0); err != nil {
				t.Fatal(err)
			}
		case zhuxiang.NeedRejected:
			if err := e.st.TransitionNeed(ctx, f.county, id, "reject", "需求说明不够具体：请写明销售数量、规格和期望价格，并附上合作社的联系方式。"+longWord, 0); err != nil {
				t.Fatal(err)
			}
		}
		f.needs = append(f.needs, id)
		return id
	}
	f.draft = mk("村集体经济合作社特色农产品（香梨、红枣、辣椒）线上销售渠道对接与冷链仓储建设需求", zhuxiang.NeedDraft)
	f.submitted = mk("村卫生室康复护理设备捐赠", zhuxiang.NeedSubmitted)
	mk("村文化广场照明改造（被退回）", zhuxiang.NeedRejected)
	f.open = mk("香梨冷链仓储建设与线上销售渠道对接", zhuxiang.NeedOpen)
	paired := mk("辣椒深加工技术培训", zhuxiang.NeedOpen)

	// The demo organization's offer meets both open needs: an interest
	// still waiting on one, a confirmed pairing on the other.
	offer := &zhuxiang.Offer{OrgID: f.ownOrg, Action: zhuxiang.ActionIndustry, Kind: zhuxiang.OfferTraining, Title: "电商直播与农产品深加工技术培训（每期三十人，含实操）",
		Description: "每年两期，讲师来自会员企业。报名方式见 " + longWord, Capacity: 5, Area: zhuxiang.AreaCounties, Counties: []string{"652827", "652826", "652824"},
		AmountFen: 98_765_432, ValidFrom: "2026-01-01", ValidTo: "2027-12-31"}
	if _, err := e.st.CreateOffer(ctx, sys, offer); err != nil {
		t.Fatal(err)
	}
	f.offer = offer.ID
	if f.pending, err = e.st.ExpressInterest(ctx, f.orgActor, f.open, offer.ID, "我们有直播团队和冷链合作伙伴，可以先派人到村里看看。"+longWord); err != nil {
		t.Fatal(err)
	}
	mid, err := e.st.ExpressInterest(ctx, f.orgActor, paired, offer.ID, "可以安排技术员驻村一周")
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []string{"accept", "confirm"} {
		if err := e.st.TransitionMatch(ctx, f.county, mid, step, ""); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	f.needs = append(f.needs, paired)
	ps, err := e.st.ListPairings(ctx, f.county, store.PairingFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps.Pairings {
		if p.NeedID == paired {
			f.pairings = append(f.pairings, p.ID)
		}
	}
	withFile := &zhuxiang.Pairing{OrgID: f.ownOrg, VillageCode: f.village, Action: zhuxiang.ActionWelfare, StartDate: "2026-03-01", EndDate: "2028-02-29",
		Note: "三年结对协议，含留守儿童课后辅导与空巢老人上门照护。" + longWord}
	pid, err := e.st.CreatePairing(ctx, f.county, withFile, &store.Agreement{Name: "和静县巴伦台镇阳光村与博斯腾湖流域社会工作服务中心结对帮扶协议书（2026—2028年）.pdf",
		Type: "application/pdf", Data: []byte("%PDF-1.4\n% demo agreement\n")})
	if err != nil {
		t.Fatal(err)
	}
	f.pairings = append(f.pairings, pid)

	// A submitted project with the longest texts, led by the demo
	// organization with the long-named one as a partner.
	proj := &zhuxiang.Project{Name: "香梨冷链仓储建设与农产品线上销售渠道对接及电商直播人才培训综合帮扶项目（二〇二六至二〇二七年度）", Action: zhuxiang.ActionIndustry,
		Description: "建设冷库一座，培训电商人才。参考：" + longWord, Villages: []string{f.village}, NeedIDs: []string{paired}, PairingID: f.pairings[0],
		Parties: []zhuxiang.ProjectParty{{OrgID: f.ownOrg, Role: zhuxiang.PartyLead, AmountFen: 123_456_789},
			{OrgID: f.longOrg, Role: zhuxiang.PartyPartner, AmountFen: 98_765_432}},
		Budget: []zhuxiang.ProjectBudget{{Source: zhuxiang.FundOwn, OriginalFen: 123_456_789, RevisedFen: 133_456_789}, {Source: zhuxiang.FundPurchase, OriginalFen: 98_765_432}},
		People: []zhuxiang.ProjectPeople{{Category: "低收入人口", Target: 1200, Reached: 0}}, StartDate: "2026-03-01", EndDate: "2027-12-31"}
	if f.project, err = e.st.CreateProject(ctx, f.orgActor, proj); err != nil {
		t.Fatal(err)
	}
	if err := e.st.TransitionProject(ctx, f.orgActor, f.project, "submit", "", 0); err != nil {
		t.Fatal(err)
	}
	proj.ID, proj.NeedIDs, proj.PairingID = "", nil, ""
	if f.draftProject, err = e.st.CreateProject(ctx, f.orgActor, proj); err != nil {
		t.Fatal(err)
	}
	// A running project with a disputed report (a photo, a PDF, long
	// words) and one waiting for the village.
	proj.ID = ""
	if f.runningProject, err = e.st.CreateProject(ctx, f.orgActor, proj); err != nil {
		t.Fatal(err)
	}
	for _, step := range []string{"submit", "approve", "start"} {
		if err := e.st.TransitionProject(ctx, f.admin, f.runningProject, step, "", 0); err != nil {
			t.Fatal(err)
		}
	}
	for i, text := range []string{"冷库主体完工，完成两期电商直播培训。参考：" + longWord, "设备安装调试完毕"} {
		r := &zhuxiang.ProjectReport{Date: "2026-06-30", Text: text, People: []zhuxiang.ReportPeople{{Category: "低收入人口", Reached: 480}, {Category: "事实无人抚养儿童", Reached: 12}},
			Spending: []zhuxiang.ProjectSpending{{Date: "2026-06-20", Source: zhuxiang.FundOwn, AmountFen: 12_345_678, Note: "冷库设备及安装调试（含运输）"}}}
		id, err := e.st.CreateReport(ctx, f.orgActor, f.runningProject, r, []store.ReportUpload{
			{Name: "冷库施工现场照片（二〇二六年六月三十日）长长长长长长长长长长长长长长长长.jpg", Data: attachtest.JPEG(200, 120)}, {Name: "验收单.pdf", Data: attachtest.PDF()}})
		if err != nil {
			t.Fatal(err)
		}
		f.reports = append(f.reports, id)
		if i == 0 {
			if err := e.st.TransitionReport(ctx, f.cun, f.runningProject, id, "dispute", "冷库尚未通电，照片为施工期间所拍。"+longWord, 0); err != nil {
				t.Fatal(err)
			}
		}
	}

	// A published demo brand, and one of the longest name and text made
	// of the same projects, published too.
	bs, err := e.st.ListBrands(ctx, zhuxiang.Actor{}, store.BrandFilter{})
	if err != nil || len(bs) == 0 {
		t.Fatalf("demo brands: %v", err)
	}
	longBrand := &zhuxiang.Brand{Name: strings.Repeat("库尔勒香梨", 8), Level: bs[0].Level, CountyCode: bs[0].CountyCode, Year: 2026,
		Description: "品牌介绍。参考：" + longWord, ProjectIDs: bs[0].ProjectIDs}
	longID, err := e.st.CreateBrand(ctx, f.admin, longBrand, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.st.TransitionBrand(ctx, f.admin, longID, "publish", "", 0); err != nil {
		t.Fatal(err)
	}
	f.brands = []string{bs[0].ID, longID}

	f.phoneCases(t, e)

	// Two allocations, so that the page has changes to compare.
	first, _, err := e.st.Allocate(ctx, f.admin)
	if err != nil {
		t.Fatal(err)
	}
	f.firstPlan = first.ID
	extra := &zhuxiang.Offer{OrgID: f.ownOrg, Action: zhuxiang.ActionWelfare, Kind: zhuxiang.OfferVolunteers, Title: "志愿者上门照护", Capacity: 20, Area: zhuxiang.AreaPrefecture}
	if _, err := e.st.CreateOffer(ctx, sys, extra); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.st.Allocate(ctx, f.admin); err != nil {
		t.Fatal(err)
	}
	return f
}

// importJobs uploads files as the admin and as the county, through the
// pages, and keeps the jobs' pages for the phone test: a partial import
// with refused rows, and a file refused for its header.
func (f *phoneFixture) importJobs(t *testing.T, e *env) {
	t.Helper()
	for _, who := range []struct{ role, name string }{{"admin", "admin"}, {"county", "hejing"}} {
		c := e.client()
		if r := c.login(who.name, demo.Password); r.Status != http.StatusSeeOther {
			t.Fatalf("login %s: %d", who.name, r.Status)
		}
		c.get("/import")
		rows := string(orgsCSV(t, 30, 500+len(f.jobs)*100)) +
			"坏代码协会,123,社会团体,和静县\n" +
			"没有县的协会," + creditCode(t, '1', 990+len(f.jobs)) + ",社会团体,火星县\n"
		for _, up := range []struct{ path, file, body, mode string }{
			{"/import/orgs", "orgs.csv", rows, "partial"},
			{"/import/pairings", "p.csv", "甲,乙\n1,2\n", ""},
		} {
			r := c.upload(up.path, up.file, []byte(up.body), up.mode, c.csrf)
			if r.Status != http.StatusSeeOther {
				t.Fatalf("%s upload %s: %d\n%s", who.name, up.path, r.Status, excerpt(r.Body))
			}
			c.finish(r)
			f.jobs[who.name] = append(f.jobs[who.name], r.Location)
		}
	}
}

// layoutProblems measures the page in the browser: whether it scrolls
// sideways and which elements stick out, text that an overflow cuts off,
// and controls too small to tap (WCAG 2.5.8: 24 × 24 px).
const layoutProblems = `(() => {
  // The narrowest of the window and the layout viewport: a phone browser
  // may zoom out to fit a page that is too wide, and then the window
  // grows with it.
  const vw = Math.min(window.innerWidth, document.documentElement.clientWidth, screen.width), sw = document.documentElement.scrollWidth;
  const name = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    if (typeof el.className === "string" && el.className.trim()) s += "." + el.className.trim().split(/\s+/).join(".");
    const box = el.closest("td[data-label], section, form, nav, header, .card");
    if (box && box !== el) s += " in " + box.tagName.toLowerCase() + (box.getAttribute("data-label") ? "[" + box.getAttribute("data-label") + "]" : "") + (box.className && typeof box.className === "string" ? "." + box.className.trim().split(/\s+/)[0] : "");
    const text = (el.innerText || el.value || "").replace(/\s+/g, " ").trim();
    if (text) s += " «" + text.slice(0, 40) + "»";
    return s;
  };
  const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 1 && r.height > 1 && getComputedStyle(el).visibility !== "hidden"; };
  const out = {width: vw, innerWidth: window.innerWidth, scrollWidth: sw, wide: [], clipped: [], small: []};
  if (sw > vw) {
    for (const el of document.querySelectorAll("body *")) {
      if (!visible(el)) continue;
      const r = el.getBoundingClientRect();
      if (r.right <= vw + 0.5) continue;
      const child = [...el.children].some(c => visible(c) && c.getBoundingClientRect().right > vw + 0.5);
      if (!child) out.wide.push(name(el) + " ends at " + Math.round(r.right) + " px");
    }
    // Text that runs out of its box (a word too long to break) widens
    // the page without widening any element.
    const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      if (!n.textContent.trim() || !visible(n.parentElement)) continue;
      range.selectNodeContents(n);
      const r = range.getBoundingClientRect();
      if (r.right > vw + 0.5) out.wide.push("text of " + name(n.parentElement) + " ends at " + Math.round(r.right) + " px");
    }
  }
  for (const el of document.querySelectorAll("main *, header *")) {
    if (!visible(el) || el.closest("thead")) continue;
    const cs = getComputedStyle(el);
    // A text field scrolls its own text, as it should.
    if (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT") continue;
    if ((cs.overflowX === "hidden" || cs.overflowX === "clip" || cs.textOverflow === "ellipsis") && el.scrollWidth > el.clientWidth + 1)
      out.clipped.push(name(el) + " shows " + el.clientWidth + " of " + el.scrollWidth + " px");
  }
  for (const el of document.querySelectorAll("button, .btn, input:not([type=hidden]), select, textarea, summary")) {
    if (!visible(el)) continue;
    const r = el.getBoundingClientRect();
    let w = r.width, h = r.height;
    if ((el.type === "checkbox" || el.type === "radio") && el.closest("label")) {
      const lr = el.closest("label").getBoundingClientRect();
      w = Math.max(w, lr.width); h = Math.max(h, lr.height);
    }
    if (w < 24 || h < 24) out.small.push(name(el) + " is " + Math.round(w) + "×" + Math.round(h) + " px");
  }
  out.wide = out.wide.slice(0, 6); out.clipped = out.clipped.slice(0, 6); out.small = out.small.slice(0, 6);
  return out;
})()`

type layoutReport struct {
	Width       int      `json:"width"`
	InnerWidth  int      `json:"innerWidth"`
	ScrollWidth int      `json:"scrollWidth"`
	Wide        []string `json:"wide"`
	Clipped     []string `json:"clipped"`
	Small       []string `json:"small"`
}

// TestPhoneScreens opens every page as every demo role (and signed out)
// in a 375 × 812 phone viewport and fails on a page that scrolls sideways,
// text an overflow cuts off, or a control too small to tap, naming the
// page, the role and the elements. With ZHUXIANG_SCREENSHOTS set it keeps
// a full-page PNG of each in testdata/screenshots/phone-ROLE-PAGE.png.
func TestPhoneScreens(t *testing.T) {
	needChromium(t)
	routes := getRoutes(t)
	// A plan job held after scoring (before its write), so that its page
	// is seen while it runs.
	g := newGate(func(step zhuxiang.Step, done, total int) bool { return step == zhuxiang.StepSolve && done == 0 })
	e := newEnvWithOptions(t, "sqlite", Options{jobHook: g.hook})
	g.open()
	f := newPhoneFixture(t, e)
	f.importJobs(t, e)

	b := startBrowser(t, e.srv.URL, 15*time.Minute)
	b.do(chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile))
	visited := map[string]bool{}
	var problems []string
	check := func(role, path string, shotName ...string) {
		t.Helper()
		res, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(e.srv.URL+path))
		if err != nil {
			t.Fatalf("%s %s: %v", role, path, err)
		}
		status := 0
		if res != nil {
			status = int(res.Status)
		}
		if status >= 500 {
			problems = append(problems, fmt.Sprintf("%s %s: status %d", role, path, status))
		}
		rep, err := chromedp.Run(b.ctx, chromedp.Evaluate[layoutReport](layoutProblems))
		if err != nil {
			t.Fatalf("%s %s: %v", role, path, err)
		}
		where := fmt.Sprintf("%s (as %s, status %d)", path, role, status)
		if rep.ScrollWidth > rep.Width {
			problems = append(problems, fmt.Sprintf("%s scrolls sideways: %d px wide in a %d px screen (%d px too wide); sticking out: %s",
				where, rep.ScrollWidth, rep.Width, rep.ScrollWidth-rep.Width, strings.Join(rep.Wide, "; ")))
		}
		if len(rep.Clipped) > 0 {
			problems = append(problems, fmt.Sprintf("%s cuts text off: %s", where, strings.Join(rep.Clipped, "; ")))
		}
		if len(rep.Small) > 0 {
			problems = append(problems, fmt.Sprintf("%s has controls too small to tap: %s", where, strings.Join(rep.Small, "; ")))
		}
		name := strings.Trim(regexp.MustCompile(`[^a-zA-Z0-9]+`).ReplaceAllString(path, "-"), "-")
		if name == "" {
			name = "home"
		}
		if status >= 400 {
			name += fmt.Sprintf("-%d", status)
		}
		if len(shotName) > 0 {
			name = shotName[0]
		}
		b.shot("phone-" + role + "-" + name)
	}
	visit := func(role string) {
		for _, r := range routes {
			pr := phoneRoutes[r]
			if pr.paths == nil {
				continue
			}
			for _, p := range pr.paths(f, role) {
				visited[r] = true
				check(role, p)
			}
		}
		check(role, "/no-such-page")
	}

	// Signed out: the login and the public pages.
	visit("public")
	for _, role := range f.accounts {
		b.navigate("/login")
		b.do(chromedp.SetValue(chromedp.ID("name"), role), chromedp.SetValue(chromedp.ID("password"), demo.Password))
		b.submit(`button[type="submit"]`)
		if !strings.HasSuffix(b.location(), "/") {
			t.Fatalf("%s: login landed on %s", role, b.location())
		}
		if role == "admin" {
			// The phone menu, open.
			b.do(chromedp.Click(chromedp.CSS("details.menu-phone > summary")))
			b.shot("phone-admin-menu")
			// A plan run's page while it runs.
			c := e.client()
			c.login("admin", demo.Password)
			c.get("/plan")
			g.mu.Lock()
			g.at = func(step zhuxiang.Step, done, total int) bool { return step == zhuxiang.StepSolve && done == 0 }
			g.mu.Unlock()
			r := c.post("/plan", nil)
			<-g.stopped
			check(role, r.Location, "job-running")
			g.open()
			g.resume <- struct{}{}
			// The page follows the job by itself and goes on to the plan;
			// wait for that, so that its navigation cannot cross the next.
			b.do(chromedp.WaitVisible(chromedp.CSS(".flash-ok")))
			if loc := b.location(); !strings.Contains(loc, "/plan/") {
				t.Errorf("the plan job's page went on to %s", loc)
			}
			f.jobs["admin"] = append(f.jobs["admin"], r.Location)
		}
		visit(role)
		b.logout()
	}
	for _, r := range routes {
		if phoneRoutes[r].paths != nil && !visited[r] {
			t.Errorf("%s: no role visited it; give its line in phoneRoutes a path", r)
		}
	}
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
}

// phoneCases finds the demo's calls and cases, and adds a draft of the
// demo organization with the longest texts and two photos, linked to its
// projects.
func (f *phoneFixture) phoneCases(t *testing.T, e *env) {
	t.Helper()
	ctx := context.Background()
	calls, err := e.st.ListCalls(ctx, f.admin, true)
	if err != nil || len(calls) != 1 {
		t.Fatalf("open calls: %v %v", calls, err)
	}
	all, err := e.st.ListCalls(ctx, f.admin, false)
	if err != nil {
		t.Fatal(err)
	}
	f.calls = []string{calls[0].ID}
	for _, c := range all {
		if c.ID != calls[0].ID {
			f.calls = append(f.calls, c.ID)
		}
	}
	for _, st := range []struct {
		status zhuxiang.CaseStatus
		id     *string
	}{{zhuxiang.CaseSubmitted, &f.caseSubmitted}, {zhuxiang.CaseSelected, &f.caseSelected}, {zhuxiang.CasePublished, &f.casePublished}} {
		page, err := e.st.ListCases(ctx, f.admin, store.CaseFilter{Status: st.status, Limit: 1})
		if err != nil || len(page.Cases) == 0 {
			t.Fatalf("no demo case %s: %v", st.status, err)
		}
		*st.id = page.Cases[0].ID
	}
	c := &zhuxiang.Case{CallID: calls[0].ID, Title: "香梨冷链仓储建设与农产品线上销售渠道对接及电商直播人才培训综合帮扶典型案例",
		Body: strings.Repeat("村里的香梨过去只能卖鲜果，冷库建成后可以错峰销售。", 20) + "\n\n参考：" + longWord, ProjectIDs: []string{f.project, f.draftProject}}
	if f.caseDraft, err = e.st.CreateCase(ctx, f.orgActor, c); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 1200-i*600, 800)), nil); err != nil {
			t.Fatal(err)
		}
		file, err := attach.Vet("很长的照片文件名_香梨冷库建成后村民在分拣线上工作的现场照片.jpg", buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if err := e.st.AddCasePhoto(ctx, f.orgActor, f.caseDraft, file); err != nil {
			t.Fatal(err)
		}
	}
}
