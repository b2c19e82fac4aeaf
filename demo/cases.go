package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"strings"
	"time"

	"zhuxiang"
	"zhuxiang/attach"
	"zhuxiang/store"
)

// caseStories are invented but plausible case texts per action, a few
// paragraphs each about a Bayingolin village; {village}, {county}, {org}
// and {project} are filled from the demo project the case is about.
var caseStories = map[zhuxiang.Action][]string{
	zhuxiang.ActionIndustry: {
		"{village}地处{county}，村里家家种红枣、香梨，过去果子熟了只能等客商上门，价格压得很低，一些低收入户一年忙到头，卖果的钱还不够买来年的农资。",
		"{org}与村里结对后，先请县里的农技人员把全村果园摸了一遍底，再牵头成立合作社，统一分级、统一包装，通过“{project}”建起了小型冷库和分拣线，又联系了库尔勒、乌鲁木齐的商超和线上平台。",
		"一年下来，合作社收购的果子比散卖每公斤多卖了一元多，分拣线上常年有二十多名村民务工，其中大半是妇女。村委会在验收时确认了增收数字，村民说：“果子还是那些果子，路子宽了。”",
		"这个案例的可借鉴之处在于：组织不替村里做主，而是把合作社交给村里人管，自己负责找渠道、请老师、管账目公开，项目结束后合作社仍能自己运转。（演示）",
	},
	zhuxiang.ActionTech: {
		"{village}是{county}的一个农业村，年轻人外出务工多，留在村里的多是中年人，种地靠老经验，病虫害一来就慌。",
		"{org}通过“{project}”在村里办起了田间课堂：白天在地头讲修剪、讲测土配方施肥，晚上在村委会活动室用手机教大家看行情、开网店，课程用国家通用语言和少数民族语言双语讲授。",
		"半年里先后开课四十多场，参训村民三百多人次，有十几户开始在网上卖自家的农产品。县里的农技站把这里的做法整理成了培训手册，准备在其他乡镇推广。（演示）",
	},
	zhuxiang.ActionCulture: {
		"{village}的老人们会唱很多老歌，会绣传统花样，但年轻人很少学，村里的文化活动也就是过节时热闹一下。",
		"{org}联合县文化馆开展“{project}”，把村里的能人请出来当老师，每周两晚在村文化广场排练，又把刺绣、剪纸做成了能卖的文创小件，在旅游旺季摆到景区售卖。",
		"如今村里有了自己的文艺队和刺绣工坊，农闲时妇女们在工坊里一边做活一边拉家常，每人每月能多挣几百元，村里的精气神也提起来了。（演示）",
	},
	zhuxiang.ActionWelfare: {
		"{village}有不少留守儿童和独居老人，家里的青壮年常年在外打工，孩子放学后没人辅导功课，老人看病要跑很远的路。",
		"{org}实施“{project}”，在村里设立了儿童之家和老年人互助点，组织志愿者每周上门探访，联系县医院的医生定期进村义诊，并为行动不便的老人建立了健康档案。",
		"一年来，志愿者服务时长超过两千小时，受益儿童和老人两百多人。村委会确认了服务台账，家长们说孩子的作业有人管了，在外打工也更安心。这个项目靠村里自己培养的志愿者持续运转，投入少、见效快，适合在其他村推广。（演示）",
	},
	zhuxiang.ActionGovernance: {
		"{village}过去村容村貌比较乱，柴草乱堆、垃圾乱倒，邻里间因为宅基地、浇水排班也常有纠纷。",
		"{org}配合村“两委”开展“{project}”，引入积分制管理：村民参加环境整治、志愿服务、移风易俗就能攒积分，在村里的积分超市兑换日用品；同时请法律志愿者驻村，每月开一次“板凳会”调解矛盾。",
		"一年下来，村里的主干道和房前屋后变得干净整洁，邻里纠纷明显减少，村里被县里评为人居环境整治示范村。积分制的规则由村民大会讨论通过，组织退出后村里照样在用。（演示）",
	},
}

// caseTitles are the cases' titles per action; {village} is filled.
var caseTitles = map[zhuxiang.Action]string{
	zhuxiang.ActionIndustry:   "小果子做成大产业——{village}合作社带动增收",
	zhuxiang.ActionTech:       "田间课堂开到家门口——{village}技能培训纪实",
	zhuxiang.ActionCulture:    "老手艺唱出新生活——{village}文化振兴小记",
	zhuxiang.ActionWelfare:    "让留守的孩子和老人有人管——{village}关爱服务",
	zhuxiang.ActionGovernance: "积分换来好风气——{village}乡村治理新做法",
}

// caseSky are the scene colours of the generated photos per action: sky,
// ground, accent.
var caseSky = map[zhuxiang.Action][3]color.RGBA{
	zhuxiang.ActionIndustry:   {{135, 190, 235, 255}, {176, 140, 70, 255}, {200, 40, 40, 255}},
	zhuxiang.ActionTech:       {{150, 200, 240, 255}, {90, 150, 70, 255}, {40, 90, 180, 255}},
	zhuxiang.ActionCulture:    {{240, 200, 150, 255}, {160, 110, 80, 255}, {210, 60, 120, 255}},
	zhuxiang.ActionWelfare:    {{170, 210, 240, 255}, {120, 170, 110, 255}, {240, 170, 40, 255}},
	zhuxiang.ActionGovernance: {{120, 180, 230, 255}, {140, 150, 120, 255}, {230, 230, 230, 255}},
}

// demoPhoto draws a plain landscape (sky, sun, fields, a few houses) as a
// JPEG, so the demo has photos without fetching any: variant moves the sun
// and the houses.
func demoPhoto(act zhuxiang.Action, variant int, rng *rand.Rand) ([]byte, error) {
	const w, h = 800, 533
	pal := caseSky[act]
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	horizon := h*55/100 + variant*10
	sunX, sunY, sunR := 120+variant*420, 110, 45
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var c color.RGBA
			if y < horizon {
				t := float64(y) / float64(horizon)
				c = color.RGBA{uint8(float64(pal[0].R) * (1 - 0.3*t)), uint8(float64(pal[0].G) * (1 - 0.15*t)), pal[0].B, 255}
				if dx, dy := x-sunX, y-sunY; dx*dx+dy*dy < sunR*sunR {
					c = color.RGBA{250, 230, 120, 255}
				}
			} else {
				c = pal[1]
				if ((y-horizon)/14)%2 == 0 { // rows of a field
					c = color.RGBA{uint8(min(255, int(c.R)+20)), uint8(min(255, int(c.G)+25)), c.B, 255}
				}
			}
			img.SetRGBA(x, y, c)
		}
	}
	for i := range 3 + rng.IntN(3) { // houses on the horizon
		x0 := 60 + i*150 + rng.IntN(60)
		bw, bh := 80+rng.IntN(40), 50+rng.IntN(30)
		for y := horizon - bh; y < horizon+8; y++ {
			for x := x0; x < min(w, x0+bw); x++ {
				c := color.RGBA{235, 228, 215, 255}
				if y < horizon-bh+14 {
					c = pal[2] // the roof
				}
				img.SetRGBA(x, y, c)
			}
		}
	}
	var buf bytes.Buffer
	err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80})
	return buf.Bytes(), err
}

// caseText fills a story's placeholders.
func caseText(s string, p *zhuxiang.Project) string {
	village := p.County
	if len(p.VillageNames) > 0 {
		village = strings.TrimSuffix(p.VillageNames[0], "（演示）")
	}
	name := strings.TrimSuffix(p.Name, "（演示）")
	if len(p.VillageNames) > 0 {
		name = strings.TrimPrefix(name, p.VillageNames[0])
	}
	return strings.NewReplacer("{village}", village, "{county}", p.County, "{org}", p.LeadOrg(), "{project}", name).Replace(s)
}

// loadCases makes the case collection: a closed 2025 call with published
// cases (and one not selected, one selected but not yet published) and an
// open 2026 call with submitted and draft cases, about the demo's running
// and completed projects, each with generated photos and reviewers'
// scores. Every step goes through the store, so the audit log and the
// notices are real. The 2025 call is opened for the demo's submissions
// and then given its 2025 dates, as an admin ends a call.
func loadCases(ctx context.Context, st *store.Store, published int, rng *rand.Rand) (int, error) {
	sys := zhuxiang.SystemActor
	actors := map[string]zhuxiang.Actor{}
	for _, name := range []string{"admin", "org", "hejing", "kexie"} {
		u, err := st.UserByName(ctx, name)
		if err != nil {
			return 0, err
		}
		actors[name] = u.Actor()
	}
	admin, dept := actors["admin"], actors["kexie"]
	var projects []*zhuxiang.Project
	for _, s := range []zhuxiang.ProjectStatus{zhuxiang.ProjectCompleted, zhuxiang.ProjectRunning, zhuxiang.ProjectAwaiting} {
		page, err := st.ListProjects(ctx, sys, store.ProjectFilter{Status: s, Limit: 200})
		if err != nil {
			return 0, err
		}
		projects = append(projects, page.Projects...)
	}
	if len(projects) < published+6 {
		return 0, fmt.Errorf("演示数据中实施中或已完成的项目只有%d个，不够生成案例", len(projects))
	}
	now := st.Now().In(zhuxiang.Shanghai)
	day := func(d int) string { return now.AddDate(0, 0, d).Format(zhuxiang.DateLayout) }
	// The 2025 call happened in 2025: its writes are made on the store's
	// clock set to its days (as the matching demo sets it back), so that
	// its cases were submitted while it was open and published after it
	// closed, and say so. The clock is put back before the 2026 call.
	clock := st.Now
	defer func() { st.Now = clock }()
	at := func(day string) {
		t, err := time.ParseInLocation("2006-01-02 15:04", day, zhuxiang.Shanghai)
		if err != nil {
			panic(err)
		}
		st.Now = func() time.Time { return t }
	}
	at("2025-03-01 10:00")
	old := &zhuxiang.CaseCall{Theme: "2025年度社会组织助力乡村振兴典型案例征集（演示）",
		Description: "面向全州参与专项行动的社会组织和各县市，征集产业、人才、文化、生态、组织五个方面的帮扶典型案例。案例须有村里确认的成效，配1至2张现场照片。（演示）",
		OpensOn:     "2025-03-01", ClosesOn: "2025-10-31"}
	if _, err := st.CreateCall(ctx, admin, old); err != nil {
		return 0, err
	}
	st.Now = clock
	cur := &zhuxiang.CaseCall{Theme: "2026年度社会组织助力乡村振兴典型案例征集（演示）",
		Description: "继续征集各地帮扶中的好做法、好经验，重点关注重点帮扶村和“五大行动”中的创新做法。（演示）",
		OpensOn:     day(-20), ClosesOn: day(40)}
	if _, err := st.CreateCall(ctx, admin, cur); err != nil {
		return 0, err
	}
	// submitter is who writes the case about p: the demo organization's
	// account for its own projects, otherwise the lead organization (as
	// the system, acting for it).
	submitter := func(p *zhuxiang.Project) zhuxiang.Actor {
		if p.LeadOrgID() == actors["org"].OrgID {
			return actors["org"]
		}
		return zhuxiang.Actor{UserID: sys.UserID, Name: sys.Name, Role: zhuxiang.RoleOrg, OrgID: p.LeadOrgID(), System: true}
	}
	made := 0
	write := func(call *zhuxiang.CaseCall, p *zhuxiang.Project, a zhuxiang.Actor, photos int) (*zhuxiang.Case, error) {
		full, err := st.Project(ctx, sys, p.ID)
		if err != nil {
			return nil, err
		}
		story := caseStories[full.Action]
		var body []string
		for _, para := range story {
			body = append(body, caseText(para, full))
		}
		c := &zhuxiang.Case{CallID: call.ID, Title: caseText(caseTitles[full.Action], full), Body: strings.Join(body, "\n\n"), ProjectIDs: []string{full.ID}}
		if _, err := st.CreateCase(ctx, a, c); err != nil {
			return nil, fmt.Errorf("演示案例“%s”: %w", c.Title, err)
		}
		made++
		for i := range photos {
			data, err := demoPhoto(full.Action, i, rng)
			if err != nil {
				return nil, err
			}
			f, err := attach.Vet(fmt.Sprintf("现场照片%d.jpg", i+1), data)
			if err != nil {
				return nil, err
			}
			if err := st.AddCasePhoto(ctx, a, c.ID, f); err != nil {
				return nil, err
			}
		}
		return c, nil
	}
	score := func(c *zhuxiang.Case, reviewers ...zhuxiang.Actor) error {
		for _, r := range reviewers {
			sc := &zhuxiang.CaseScore{Points: map[string]int{}, Comment: "做法扎实，成效有村里确认。（演示）"}
			for _, cr := range zhuxiang.CaseCriteria {
				sc.Points[cr.Key] = cr.Max*6/10 + rng.IntN(cr.Max*4/10+1)
			}
			if err := st.ScoreCase(ctx, r, c.ID, sc); err != nil {
				return err
			}
		}
		return nil
	}
	step := func(a zhuxiang.Actor, c *zhuxiang.Case, name, reason string) error {
		if err := st.TransitionCase(ctx, a, c.ID, name, reason, 0); err != nil {
			return fmt.Errorf("演示案例“%s”%s: %w", c.Title, name, err)
		}
		return nil
	}
	// Spread the cases over the actions: one project per action in turn.
	byAction := map[zhuxiang.Action][]*zhuxiang.Project{}
	for _, p := range projects {
		byAction[p.Action] = append(byAction[p.Action], p)
	}
	var order []*zhuxiang.Project
	for len(order) < published+6 {
		moved := false
		for _, act := range zhuxiang.Actions {
			if ps := byAction[act]; len(ps) > 0 {
				order, byAction[act], moved = append(order, ps[0]), ps[1:], true
			}
		}
		if !moved {
			break
		}
	}
	// The 2025 call: published, one selected not yet published, one not
	// selected.
	for i, p := range order[:published+2] {
		a := submitter(p)
		at(fmt.Sprintf("2025-09-%02d 16:30", 10+i))
		c, err := write(old, p, a, 1+i%2)
		if err != nil {
			return made, err
		}
		if err := step(a, c, "submit", ""); err != nil {
			return made, err
		}
		at(fmt.Sprintf("2025-11-%02d 10:00", 10+i))
		if err := score(c, admin, dept); err != nil {
			return made, err
		}
		switch {
		case i < published:
			if err := step(admin, c, "select", ""); err != nil {
				return made, err
			}
			if err := step(admin, c, "publish", ""); err != nil {
				return made, err
			}
		case i == published:
			if err := step(admin, c, "select", ""); err != nil {
				return made, err
			}
		default:
			if err := step(admin, c, "not_select", "演示：成效数据缺少村里的确认，建议补充后参加下一年度征集"); err != nil {
				return made, err
			}
		}
	}
	st.Now = clock
	// The 2026 call: three submitted (one scored by both reviewers, one by
	// the admin, one not yet), two drafts, one of them the county's own.
	for i, p := range order[published+2 : published+5] {
		a := submitter(p)
		c, err := write(cur, p, a, 1+i%2)
		if err != nil {
			return made, err
		}
		if err := step(a, c, "submit", ""); err != nil {
			return made, err
		}
		switch i {
		case 0:
			err = score(c, admin, dept)
		case 1:
			err = score(c, admin)
		}
		if err != nil {
			return made, err
		}
	}
	if _, err := write(cur, order[published+5], submitter(order[published+5]), 1); err != nil {
		return made, err
	}
	hejing := actors["hejing"]
	page, err := st.ListProjects(ctx, hejing, store.ProjectFilter{Limit: 1})
	if err != nil {
		return made, err
	}
	var linked []string
	if len(page.Projects) > 0 {
		linked = []string{page.Projects[0].ID}
	}
	c := &zhuxiang.Case{CallID: cur.ID, Title: "和静县社会组织结对帮扶工作综述（演示）", ProjectIDs: linked,
		Body: "和静县组织全县社会组织与重点帮扶村结对，县民政局建立了需求清单、资源清单和项目清单“三张清单”，每季度召开一次对接会。\n\n" +
			"今年全县社会组织共实施帮扶项目二十余个，覆盖产业、培训、关爱服务等方面，项目成效均由受帮扶村确认。（演示，草稿）"}
	if _, err := st.CreateCase(ctx, hejing, c); err != nil {
		return made, fmt.Errorf("演示县市案例: %w", err)
	}
	made++
	return made, nil
}
