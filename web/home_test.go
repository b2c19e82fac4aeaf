package web

import (
	"context"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"zhuxiang"
	"zhuxiang/store"
)

// homeFixture gives every account of the fixture something on its work
// bench: in 和静县 a need to review, an organization's interest to answer,
// a county's interest of 25 days ago that the organization must answer
// before it lapses, a confirmed pairing without an agreement file (so the
// village confirms its need done), and another village's draft; the
// department supervises the organization, whose rating has lapsed (and
// which has no annual inspection), and another one on the 活动异常 list. Another open need is left for the
// organization's recommendations. The organization leads three projects:
// one awaiting approval, one awaiting acceptance, one returned, and a
// technology project awaiting approval, which the department leading that
// action approves; it is a partner in another organization's returned
// project.
func homeFixture(t *testing.T, f *fixture) {
	t.Helper()
	ctx, sys := context.Background(), zhuxiang.SystemActor
	cun, hejing, org := f.actor("cun"), f.actor("hejing"), f.actor("orguser")
	f.need(cun, f.village, "修缮村里的水渠", zhuxiang.ActionGovernance, zhuxiang.NeedSubmitted)
	f.need(f.actor("cun2"), f.village2, "村史馆布展草稿", zhuxiang.ActionCulture, zhuxiang.NeedDraft)
	sold := f.need(cun, f.village, "帮助销售红枣二十吨", zhuxiang.ActionIndustry, zhuxiang.NeedOpen)
	pears := f.need(cun, f.village, "香梨冷链仓储建设", zhuxiang.ActionIndustry, zhuxiang.NeedOpen)
	peppers := f.need(cun, f.village, "辣椒种植合作社招商", zhuxiang.ActionIndustry, zhuxiang.NeedOpen)
	f.need(cun, f.village, "特色农产品展销", zhuxiang.ActionIndustry, zhuxiang.NeedOpen)
	offer := f.offer(f.org.ID, "直播带货助农", zhuxiang.ActionIndustry, zhuxiang.OfferSales)
	id, err := f.st.ExpressInterest(ctx, org, sold.ID, offer.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []string{"accept", "confirm"} {
		if err := f.st.TransitionMatch(ctx, hejing, id, step, ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.st.ExpressInterest(ctx, org, pears.ID, offer.ID, "我们有冷库"); err != nil {
		t.Fatal(err)
	}
	clock := f.st.Now
	f.st.Now = func() time.Time { return clock().Add(-25 * 24 * time.Hour) }
	_, err = f.st.ExpressInterest(ctx, hejing, peppers.ID, offer.ID, "")
	f.st.Now = clock
	if err != nil {
		t.Fatal(err)
	}
	f.project("orguser", f.org.ID, "红枣加工车间建设", zhuxiang.ProjectSubmitted)
	f.project("orguser", f.org.ID, "香梨冷库建设", zhuxiang.ProjectAwaiting)
	f.project("orguser", f.org.ID, "电商直播培训", zhuxiang.ProjectReturned)
	// A technology project awaits approval: 自治州科协 leads that action,
	// so it approves this one, but not the industry one above, which it
	// sees only because it supervises the organization.
	tech := f.project("orguser", f.org.ID, "果树修剪技术推广", zhuxiang.ProjectDraft)
	tech.Action = zhuxiang.ActionTech
	if err := f.st.UpdateProject(ctx, org, tech); err != nil {
		t.Fatal(err)
	}
	if err := f.st.TransitionProject(ctx, org, tech.ID, "submit", "", 0); err != nil {
		t.Fatal(err)
	}
	// Another organization's returned project, in which ours is a
	// partner: not ours to resubmit, so not on our work bench.
	other := f.env.org("和静县乡村振兴促进会", "652827", 42)
	f.orgUser("orguser3", other.ID)
	partnered := f.project("orguser3", other.ID, "庭院经济示范", zhuxiang.ProjectDraft)
	partnered.Parties = append(partnered.Parties, zhuxiang.ProjectParty{OrgID: f.org.ID, Role: zhuxiang.PartyPartner, AmountFen: 100000})
	if err := f.st.UpdateProject(ctx, f.actor("orguser3"), partnered); err != nil {
		t.Fatal(err)
	}
	for _, step := range []string{"submit", "return"} {
		if err := f.st.TransitionProject(ctx, f.actor("admin1"), partnered.ID, step, "请补充合作协议", 0); err != nil {
			t.Fatal(err)
		}
	}
	o, err := f.st.Org(ctx, sys, f.org.ID)
	if err != nil {
		t.Fatal(err)
	}
	o.DepartmentID = f.actor("kexie").DepartmentID
	o.Rating, o.RatingDate = 4, "2015-06-01"
	if _, err := f.st.UpdateOrg(ctx, sys, o); err != nil {
		t.Fatal(err)
	}
	flagged := f.env.org("和静县旧货交易协会", "652827", 41)
	flagged.DepartmentID = o.DepartmentID
	flagged.Flags = []zhuxiang.OrgFlag{{Kind: zhuxiang.FlagAbnormal, Source: "州民政局2026年第1号公告", Date: "2026-01-05"}}
	flagged.Inspections = []zhuxiang.Inspection{{Year: zhuxiang.InspectionRequiredYear(f.st.Now()), Result: zhuxiang.InspectionPass}}
	if _, err := f.st.UpdateOrg(ctx, sys, flagged); err != nil {
		t.Fatal(err)
	}
}

// homeTodos are the counts of a work bench's to-dos by the list each links
// to (the interests about to lapse, named one by one, are left out).
var (
	todoSection = regexp.MustCompile(`(?s)id="todo-title".*?</section>`)
	todoLink    = regexp.MustCompile(`<a (?:class="todo-link" )?href="([^"#]+)">(?:<span class="todo-count">)?((?:超过 )?\d+)<`)
	listTotal   = regexp.MustCompile(`共 <span class="num">([^<]+)</span>`)
)

func homeTodos(t *testing.T, body string) map[string]string {
	t.Helper()
	sec := todoSection.FindString(body)
	if sec == "" {
		t.Fatalf("no to-do section:\n%s", excerpt(body))
	}
	out := map[string]string{}
	for _, m := range todoLink.FindAllStringSubmatch(sec, -1) {
		out[html.UnescapeString(m[1])] = m[2]
	}
	return out
}

// homeWant is what homeFixture leaves on each account's work bench: the
// count of each to-do by the list it links to.
func homeWant() map[string]map[string]string {
	county := map[string]string{"/needs?mine=1&status=submitted": "1", "/matches?waiting=1": "1", "/matches?lapsing=1": "1", "/pairings?agreement=none": "1",
		"/projects?review=1&status=submitted": "2", "/projects?status=awaiting_acceptance": "1"}
	admin := map[string]string{}
	for link, n := range county {
		admin[link] = n
		admin[link+"&county=652827"] = n
	}
	return map[string]map[string]string{
		"admin1":   admin,
		"hejing":   county,
		"ruoqiang": {},
		"cun":      {"/needs?mine=1&status=matched": "1"},
		"cun2":     {"/needs?mine=1&status=draft": "1"},
		"orguser":  {"/matches?waiting=1": "1", "/matches?lapsing=1": "1", "/projects?mine=1&status=returned": "1"},
		"kexie":    {"/projects?review=1&status=submitted": "1", "/orgs?rating=lapsed": "1", "/orgs?inspection=overdue": "1", "/orgs?flag=any": "1"},
	}
}

// TestHomeTodosLeadToTheirLists signs every role in, reads its work bench,
// and follows each to-do: the list it leads to shows exactly the count the
// work bench gave, and each role sees its own to-dos only.
func TestHomeTodosLeadToTheirLists(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		f := newFixtureOn(t, engine)
		homeFixture(t, f)
		for name, w := range homeWant() {
			c := f.as(name)
			r := c.get("/")
			mustStatus(t, r, 200)
			got := homeTodos(t, r.Body)
			if len(got) != len(w) {
				t.Errorf("%s's work bench links %v, want %v", name, got, w)
			}
			for link, n := range w {
				if got[link] != n {
					t.Errorf("%s: %s counted %q, want %q", name, link, got[link], n)
				}
				list := c.get(link)
				mustStatus(t, list, 200)
				m := listTotal.FindStringSubmatch(list.Body)
				if m == nil || m[1] != n {
					t.Errorf("%s: %s lists %v, the work bench said %s\n%s", name, link, m, n, excerpt(list.Body))
				}
			}
			if len(w) == 0 {
				mustContain(t, r, "暂无待办")
			} else {
				mustNotContain(t, r, "暂无待办")
			}
		}
		// The interest about to lapse is named with its days left; the
		// organization gets the open need nobody has asked for yet among
		// its recommendations, with the matcher's reasons.
		r := f.as("orguser").get("/")
		mustContain(t, r, "辣椒种植合作社招商", "还剩 5 天", "为本组织资源推荐的需求", "特色农产品展销", `class="chip"`)
		// The admin keeps the prefecture's figures and the plan's targets,
		// with the modules not yet built as targets, not zeros.
		mustContain(t, f.as("admin1").get("/"), "对接中的需求", "重点村已结对", "方案目标", "已认定 0", "已发布 0", "未达标")
	})
}

// TestHomeCachedUntilAWrite: the work bench is kept in the response cache,
// and an answer to an interest (which bumps only the interests'
// generation) shows at once.
func TestHomeCachedUntilAWrite(t *testing.T) {
	f := newFixture(t)
	homeFixture(t, f)
	c := f.as("hejing")
	if got := homeTodos(t, c.get("/").Body)["/matches?waiting=1"]; got != "1" {
		t.Fatalf("before: %q awaiting the county", got)
	}
	ms, err := f.st.ListMatches(context.Background(), f.actor("hejing"), store.MatchFilter{Waiting: true})
	if err != nil || len(ms) != 1 {
		t.Fatalf("waiting matches: %v %v", ms, err)
	}
	if err := f.st.TransitionMatch(context.Background(), f.actor("hejing"), ms[0].ID, "decline", "已有其他安排"); err != nil {
		t.Fatal(err)
	}
	if got, ok := homeTodos(t, c.get("/").Body)["/matches?waiting=1"]; ok {
		t.Fatalf("after declining, the work bench still counts %s awaiting the county", got)
	}
}

// TestMatchListFilters: the interests list shows what the work bench
// counted and nothing outside the user's scope.
func TestMatchListFilters(t *testing.T) {
	f := newFixture(t)
	homeFixture(t, f)
	r := f.as("hejing").get("/matches")
	mustContain(t, r, "帮助销售红枣二十吨", "香梨冷链仓储建设", "辣椒种植合作社招商", "已确认结对", "还剩 5 天")
	r = f.as("hejing").get("/matches?waiting=1")
	mustContain(t, r, "香梨冷链仓储建设")
	mustNotContain(t, r, "辣椒种植合作社招商", "帮助销售红枣二十吨")
	r = f.as("ruoqiang").get("/matches")
	mustContain(t, r, "暂无对接意向")
	mustNotContain(t, r, "香梨冷链仓储建设")
	r = f.as("kexie").get("/matches?waiting=1")
	mustContain(t, r, "没有符合条件的对接意向")
	if !strings.Contains(f.as("orguser").get("/matches?lapsing=1").Body, "辣椒种植合作社招商") {
		t.Error("the organization's lapsing interest is not listed")
	}
}

// TestHomeNewDay: what changes with the date alone (an interest's days
// left) changes on the cached work bench at midnight, with no write.
func TestHomeNewDay(t *testing.T) {
	f := newFixture(t)
	clock := time.Date(2026, 12, 3, 23, 50, 0, 0, zhuxiang.Shanghai)
	f.st.Now = func() time.Time { return clock }
	homeFixture(t, f)
	c := f.as("hejing")
	mustContain(t, c.get("/"), "还剩 5 天")
	mustContain(t, c.get("/"), "还剩 5 天") // now from the cache
	clock = clock.Add(20 * time.Minute)
	r := c.get("/")
	mustContain(t, r, "还剩 4 天")
	mustNotContain(t, r, "还剩 5 天")
}
