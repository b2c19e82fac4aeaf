package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"

	"zhuxiang"
	"zhuxiang/store"
)

// projectNames are invented but plausible project names per action; the
// village's name goes before them.
var projectNames = map[zhuxiang.Action][]string{
	zhuxiang.ActionIndustry:   {"红枣提质增效帮扶项目", "香梨冷链仓储建设项目", "辣椒种植合作社扶持项目", "牛羊养殖提档升级项目", "乡村文旅民宿培育项目", "特色农产品电商直播带货项目"},
	zhuxiang.ActionTech:       {"电商直播人才培训项目", "果树修剪与病虫害防治培训项目", "设施农业技能培训项目", "畜牧兽医技术服务进村项目", "农民职业技能提升项目"},
	zhuxiang.ActionCulture:    {"村史馆布展项目", "文艺下乡惠民巡演项目", "非遗刺绣传承工坊项目", "农家书屋提升项目"},
	zhuxiang.ActionWelfare:    {"留守儿童关爱服务项目", "健康义诊进村项目", "空巢老人上门照护项目", "残疾人康复护理项目", "困难家庭冬季温暖项目"},
	zhuxiang.ActionGovernance: {"人居环境整治提升项目", "数字乡村积分制管理项目", "矛盾纠纷调解能力提升项目", "村规民约修订服务项目"},
}

// projectPeople are the categories of people each action mostly helps.
var projectPeople = map[zhuxiang.Action][]string{
	zhuxiang.ActionIndustry:   {"村民", "低收入人口"},
	zhuxiang.ActionTech:       {"村民", "低收入人口", "残疾人"},
	zhuxiang.ActionCulture:    {"村民", "留守儿童"},
	zhuxiang.ActionWelfare:    {"留守儿童", "空巢老人", "事实无人抚养儿童", "残疾人", "特困供养人员"},
	zhuxiang.ActionGovernance: {"村民"},
}

var (
	returnReasons = []string{"演示：预算明细不完整，请补充专项资金的用途说明", "演示：受益人数与村里上报的不一致，请核实后再提交", "演示：实施周期过长，请分阶段安排"}
	stopReasons   = []string{"演示：合作社经营调整，村里决定暂停该项目", "演示：牵头单位年检未通过，项目终止", "演示：与县里另一项目重复，合并实施"}
	spendNotes    = []string{"演示：采购物资", "演示：培训讲师劳务费", "演示：场地与设备租赁", "演示：物流运输费用", "演示：宣传材料印制"}
)

// projectPlan is the status the i-th demo project ends in: running ones
// most, every state present even in a small demo.
var projectPlan = []zhuxiang.ProjectStatus{
	zhuxiang.ProjectRunning, zhuxiang.ProjectCompleted, zhuxiang.ProjectSubmitted, zhuxiang.ProjectApproved, zhuxiang.ProjectDraft,
	zhuxiang.ProjectAwaiting, zhuxiang.ProjectReturned, zhuxiang.ProjectRunning, zhuxiang.ProjectStopped, zhuxiang.ProjectCompleted,
	zhuxiang.ProjectRunning, zhuxiang.ProjectApproved, zhuxiang.ProjectSubmitted, zhuxiang.ProjectAwaiting, zhuxiang.ProjectRunning, zhuxiang.ProjectDraft,
}

// projectSteps are the lifecycle steps that take a new draft to a status.
var projectSteps = map[zhuxiang.ProjectStatus][]string{
	zhuxiang.ProjectDraft:     nil,
	zhuxiang.ProjectSubmitted: {"submit"},
	zhuxiang.ProjectReturned:  {"submit", "return"},
	zhuxiang.ProjectApproved:  {"submit", "approve"},
	zhuxiang.ProjectRunning:   {"submit", "approve", "start"},
	zhuxiang.ProjectAwaiting:  {"submit", "approve", "start", "request_acceptance"},
	zhuxiang.ProjectCompleted: {"submit", "approve", "start", "request_acceptance", "complete"},
	zhuxiang.ProjectStopped:   {"submit", "approve", "start", "stop"},
}

// loadProjects grows about n projects from the demo's pairings: first it
// pairs more open needs through the match lifecycle (so that projects
// answer real needs), then it writes one project per pairing and walks it
// through the project lifecycle to a planned status, recording spending on
// the way; the prefecture admin marks some of them key projects, spread
// over the counties and in key villages. Every step goes through the
// store's public methods, so the audit log and the notices are real.
func loadProjects(ctx context.Context, st *store.Store, villages []*zhuxiang.Region, n int, home demoHome, rng *rand.Rand, res *Result) (int, error) {
	sys := zhuxiang.SystemActor
	actors := map[string]zhuxiang.Actor{}
	for _, name := range []string{"admin", "org", "hejing", "ruoqiang", "kuerle", "village"} {
		u, err := st.UserByName(ctx, name)
		if err != nil {
			return 0, err
		}
		actors[name] = u.Actor()
	}
	reviewer := func(county string) zhuxiang.Actor {
		for _, name := range []string{"hejing", "ruoqiang", "kuerle"} {
			if a := actors[name]; a.RegionCode == county {
				return a
			}
		}
		return sys
	}
	photos, err := newDemoPhotos(4)
	if err != nil {
		return 0, err
	}
	reports := func(lead zhuxiang.Actor, p *zhuxiang.Project, settle bool) error {
		// Read back: the store filled the county and the villages' order.
		saved, err := st.Project(ctx, sys, p.ID)
		if err != nil {
			return err
		}
		made, disputed, err := demoReports(ctx, st, lead, actors["village"], reviewer(saved.CountyCode), saved, settle, photos, rng)
		res.Reports += made
		res.Disputed += disputed
		return err
	}
	if err := pairNeeds(ctx, st, n, rng); err != nil {
		return 0, err
	}
	var pairings []*zhuxiang.Pairing
	for off := 0; len(pairings) < n; off += 500 {
		page, err := st.ListPairings(ctx, sys, store.PairingFilter{Limit: 500, Offset: off})
		if err != nil {
			return 0, err
		}
		pairings = append(pairings, page.Pairings...)
		if len(page.Pairings) < 500 {
			break
		}
	}
	// Oldest first, whatever the list's order among equal times: the
	// demo is the same every time.
	slices.SortStableFunc(pairings, func(a, b *zhuxiang.Pairing) int { return a.CreatedAt.Compare(b.CreatedAt) })
	if len(pairings) == 0 {
		return 0, fmt.Errorf("演示数据中没有结对，无法生成项目")
	}
	byCounty := map[string][]*zhuxiang.Region{}
	isKey := map[string]bool{}
	for _, v := range villages {
		byCounty[v.CountyCode] = append(byCounty[v.CountyCode], v)
		isKey[v.Code] = v.IsKeyVillage()
	}
	var orgs []*zhuxiang.Org
	err = st.EachOrg(ctx, sys, store.OrgFilter{Flag: "none"}, func(o *zhuxiang.Org) error {
		if len(orgs) < 500 {
			orgs = append(orgs, o)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	keyCounties := map[string]int{}
	keys, made := 0, 0
	for i, pr := range pairings {
		if made >= n {
			break
		}
		if pr.VillageCode == "" {
			continue
		}
		status := projectPlan[i%len(projectPlan)]
		if status == zhuxiang.ProjectCompleted && pr.NeedID == "" {
			status = zhuxiang.ProjectRunning // a completed project shows the need it answered done
		}
		p := demoProject(pr, byCounty[pr.CountyCode], orgs, status, rng)
		lead := sys
		if pr.OrgID == home.org.ID {
			lead = actors["org"]
		}
		if _, err := st.CreateProject(ctx, lead, p); err != nil {
			return made, fmt.Errorf("演示项目“%s”: %w", p.Name, err)
		}
		made++
		for _, step := range projectSteps[status] {
			// Who takes the step, as the lifecycle table says: the lead,
			// or the county (the admin where the demo has no county
			// account).
			a, reason := lead, ""
			if t, _ := zhuxiang.FindProjectTransition(step); t.By != "lead" {
				a = reviewer(p.CountyCode)
			}
			switch step {
			case "complete": // reported on, and every report confirmed, first
				if err := reports(lead, p, true); err != nil {
					return made, err
				}
			case "return":
				reason = returnReasons[rng.IntN(len(returnReasons))]
			case "stop":
				reason = stopReasons[rng.IntN(len(stopReasons))]
			}
			if err := st.TransitionProject(ctx, a, p.ID, step, reason, 0); err != nil {
				return made, fmt.Errorf("演示项目“%s”%s: %w", p.Name, step, err)
			}
			if step == "start" { // what it spent once under way
				if err := spend(ctx, st, lead, p, rng); err != nil {
					return made, err
				}
			}
		}
		if status == zhuxiang.ProjectRunning || status == zhuxiang.ProjectAwaiting {
			if err := reports(lead, p, false); err != nil {
				return made, err
			}
		}
		// Key projects: approved or further, in key villages, at most two
		// per county until there are twelve, so that they spread.
		live := status != zhuxiang.ProjectDraft && status != zhuxiang.ProjectSubmitted && status != zhuxiang.ProjectReturned
		if live && isKey[pr.VillageCode] && ((keys < 12 && keyCounties[p.CountyCode] < 2) || rng.IntN(12) == 0) {
			if err := st.SetProjectKey(ctx, actors["admin"], p.ID, true); err != nil {
				return made, fmt.Errorf("演示重点项目: %w", err)
			}
			keys++
			keyCounties[p.CountyCode]++
		}
	}
	return made, nil
}

// demoProject invents the project grown from pairing pr: its village and
// sometimes a neighbour or two of the same county, a partner or a donor,
// a budget by source (sometimes revised), people by category, and dates
// in 2025–2026.
func demoProject(pr *zhuxiang.Pairing, county []*zhuxiang.Region, orgs []*zhuxiang.Org, status zhuxiang.ProjectStatus, rng *rand.Rand) *zhuxiang.Project {
	a := pr.Action
	if a == "" {
		a = zhuxiang.Actions[rng.IntN(len(zhuxiang.Actions))]
	}
	names := projectNames[a]
	village := pr.Village // its name ends in 村
	p := &zhuxiang.Project{
		Name:      village + names[rng.IntN(len(names))] + "（演示）",
		Action:    a,
		PairingID: pr.ID,
		Villages:  []string{pr.VillageCode},
		Parties:   []zhuxiang.ProjectParty{{OrgID: pr.OrgID, Role: zhuxiang.PartyLead, AmountFen: int64(2+rng.IntN(20)) * 1_000_000}},
	}
	if pr.NeedID != "" {
		p.NeedIDs = []string{pr.NeedID}
	}
	for extra := rng.IntN(4); extra > 1 && len(county) > 1; extra-- {
		v := county[rng.IntN(len(county))]
		if v.Code != pr.VillageCode && len(p.Villages) < 3 && !slices.Contains(p.Villages, v.Code) {
			p.Villages = append(p.Villages, v.Code)
		}
	}
	if r := rng.IntN(3); r > 0 && len(orgs) > 0 {
		role := zhuxiang.PartyPartner
		if r == 2 {
			role = zhuxiang.PartyDonor
		}
		if o := orgs[rng.IntN(len(orgs))]; o.ID != pr.OrgID {
			var amount int64
			if role == zhuxiang.PartyDonor || rng.IntN(2) == 0 {
				amount = int64(1+rng.IntN(30)) * 1_000_000
			}
			p.Parties = append(p.Parties, zhuxiang.ProjectParty{OrgID: o.ID, Role: role, AmountFen: amount})
		}
	}
	for _, src := range zhuxiang.FundSources {
		if src != zhuxiang.FundOwn && rng.IntN(2) == 0 {
			continue
		}
		b := zhuxiang.ProjectBudget{Source: src, OriginalFen: int64(5+rng.IntN(60)) * 1_000_000}
		if status != zhuxiang.ProjectDraft && rng.IntN(4) == 0 {
			b.RevisedFen = b.OriginalFen + int64(rng.IntN(21)-10)*500_000
		}
		p.Budget = append(p.Budget, b)
	}
	cats := projectPeople[a]
	for _, c := range cats[:1+rng.IntN(len(cats))] {
		target := 10 + rng.IntN(200)
		if c == "村民" {
			target = 100 + rng.IntN(800)
		}
		pp := zhuxiang.ProjectPeople{Category: c, Target: target}
		switch status {
		case zhuxiang.ProjectRunning, zhuxiang.ProjectAwaiting, zhuxiang.ProjectStopped:
			pp.Reached = target * (20 + rng.IntN(70)) / 100
		case zhuxiang.ProjectCompleted:
			pp.Reached = target * (90 + rng.IntN(20)) / 100
		}
		p.People = append(p.People, pp)
	}
	start := 3 + rng.IntN(16) // months since 2024-12: 2025-03 to 2026-06
	p.StartDate = fmt.Sprintf("%d-%02d-%02d", 2024+(start+11)/12, (start+11)%12+1, 1+rng.IntN(28))
	end := min(start+6+rng.IntN(12), 24)
	p.EndDate = fmt.Sprintf("%d-%02d-%02d", 2024+(end+11)/12, (end+11)%12+1, 28)
	p.Description = "（演示数据，虚构）由" + pr.Org + "牵头，在" + village + "实施，围绕" + a.Short() + "开展帮扶。"
	return p
}

// spend records one to three spending entries of project p, from the
// sources of its budget.
func spend(ctx context.Context, st *store.Store, lead zhuxiang.Actor, p *zhuxiang.Project, rng *rand.Rand) error {
	for range 1 + rng.IntN(3) {
		b := p.Budget[rng.IntN(len(p.Budget))]
		e := &zhuxiang.ProjectSpending{Date: p.StartDate, Source: b.Source, AmountFen: max(100, b.OriginalFen/int64(3+rng.IntN(5))),
			Note: spendNotes[rng.IntN(len(spendNotes))]}
		if err := st.AddProjectSpending(ctx, lead, p.ID, e); err != nil {
			return fmt.Errorf("演示项目支出: %w", err)
		}
	}
	return nil
}

// pairNeeds turns up to n open needs, key villages first, into platform
// pairings: the county expresses interest in an open offer of the same
// action, the organization accepts, the county confirms. A need no offer
// suits is left open.
func pairNeeds(ctx context.Context, st *store.Store, n int, rng *rand.Rand) error {
	sys := zhuxiang.SystemActor
	offers := map[zhuxiang.Action][]*zhuxiang.Offer{}
	for _, a := range zhuxiang.Actions {
		page, err := st.ListOffers(ctx, sys, store.OfferFilter{Action: a, Status: zhuxiang.OfferOpen, Limit: 500})
		if err != nil {
			return err
		}
		offers[a] = page.Offers
	}
	var needs []*zhuxiang.Need
	for _, tag := range []zhuxiang.VillageTag{"any", ""} {
		cursor := ""
		for len(needs) < n {
			page, err := st.ListNeeds(ctx, sys, store.NeedFilter{Status: zhuxiang.NeedOpen, Tag: tag, Cursor: cursor, Limit: 200})
			if err != nil {
				return err
			}
			for _, nd := range page.Needs {
				if !slices.ContainsFunc(needs, func(x *zhuxiang.Need) bool { return x.ID == nd.ID }) {
					needs = append(needs, nd)
				}
			}
			if page.Next == "" {
				break
			}
			cursor = page.Next
		}
	}
	paired := 0
	for _, nd := range needs {
		if paired >= n {
			break
		}
		cands := offers[nd.Action]
		for try := 0; try < 4 && len(cands) > 0; try++ {
			o := cands[rng.IntN(len(cands))]
			id, err := st.ExpressInterest(ctx, sys, nd.ID, o.ID, "演示：县里推荐对接。")
			if err != nil {
				continue // not eligible (area, capacity): another offer
			}
			// The demo loader answers for the organization, which has no
			// account of its own; the audit log still names the system.
			side := zhuxiang.Actor{UserID: sys.UserID, Name: sys.Name, Role: zhuxiang.RoleOrg, OrgID: o.OrgID, System: true}
			if err := st.TransitionMatch(ctx, side, id, "accept", ""); err != nil {
				return fmt.Errorf("演示对接: %w", err)
			}
			if err := st.TransitionMatch(ctx, sys, id, "confirm", ""); err != nil {
				return fmt.Errorf("演示对接: %w", err)
			}
			paired++
			break
		}
	}
	return nil
}
