package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"zhuxiang"
	"zhuxiang/match"
	"zhuxiang/store"
)

// needTitles and offerTitles are invented but plausible, in the plan's
// words, per action.
var needTitles = map[zhuxiang.Action][]string{
	zhuxiang.ActionIndustry:   {"红枣线上销售渠道对接", "香梨冷链仓储建设", "辣椒种植合作社招商", "农家乐经营指导", "牛羊养殖产业链对接", "特色农产品展销"},
	zhuxiang.ActionTech:       {"设施农业种植技术培训", "果树修剪与病虫害防治", "农村电商直播培训", "法律咨询进村", "乡村医生进修", "畜牧兽医技术服务"},
	zhuxiang.ActionCulture:    {"村史馆布展", "文艺下乡巡演", "非遗刺绣传承", "农家书屋建设"},
	zhuxiang.ActionWelfare:    {"留守儿童课后辅导", "空巢老人上门照护", "残疾人康复护理", "困难家庭冬季物资"},
	zhuxiang.ActionGovernance: {"人居环境整治", "数字乡村平台建设", "矛盾纠纷调解培训", "积分制管理推广"},
}

var offerTitles = map[zhuxiang.Action][]struct {
	title string
	kind  zhuxiang.OfferKind
}{
	zhuxiang.ActionIndustry:   {{"会员企业包销特色农产品", zhuxiang.OfferSales}, {"产业发展帮扶资金", zhuxiang.OfferFunds}, {"冷链物流技术支持", zhuxiang.OfferTech}},
	zhuxiang.ActionTech:       {{"种养技术培训班", zhuxiang.OfferTraining}, {"专家进村技术服务", zhuxiang.OfferExpertise}, {"电商直播实训", zhuxiang.OfferTraining}},
	zhuxiang.ActionCulture:    {{"文艺志愿者巡演", zhuxiang.OfferVolunteers}, {"非遗项目策划", zhuxiang.OfferExpertise}},
	zhuxiang.ActionWelfare:    {{"困难群众救助物资", zhuxiang.OfferGoods}, {"社工上门服务", zhuxiang.OfferExpertise}, {"助学助老资金", zhuxiang.OfferFunds}},
	zhuxiang.ActionGovernance: {{"人民调解员培训", zhuxiang.OfferExpertise}, {"志愿者清洁家园行动", zhuxiang.OfferVolunteers}},
}

// loadMatching publishes demo needs (most of them open, from key villages
// and others, a few waiting for review or still drafts), offers from
// organizations of fitting kinds, and a few pairings the prefecture already
// had, so that proposals and the plan have something to work on.
func loadMatching(ctx context.Context, st *store.Store, villages []*zhuxiang.Region, needs, offers int, home demoHome, rng *rand.Rand) error {
	sys := zhuxiang.SystemActor
	var orgs []*zhuxiang.Org
	err := st.EachOrg(ctx, sys, store.OrgFilter{Flag: "none"}, func(o *zhuxiang.Org) error {
		if len(orgs) < 4*offers {
			orgs = append(orgs, o)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(orgs) == 0 || len(villages) == 0 {
		return fmt.Errorf("演示数据中没有可用的社会组织或村")
	}
	var key []*zhuxiang.Region
	for _, v := range villages {
		if v.IsKeyVillage() {
			key = append(key, v)
		}
	}
	// Pairings the prefecture had before the platform: a tenth of the key
	// villages.
	for i := 0; i < len(key)/10; i++ {
		v := key[(i*7)%len(key)]
		p := &zhuxiang.Pairing{OrgID: orgs[rng.IntN(len(orgs))].ID, VillageCode: v.Code, StartDate: "2025-03-01", EndDate: "2027-12-31",
			Action: zhuxiang.Actions[rng.IntN(5)], Note: "演示：平台上线前已有的结对"}
		if _, err := st.CreatePairing(ctx, sys, p, nil); err != nil {
			return fmt.Errorf("演示结对: %w", err)
		}
	}
	for i := range needs {
		v := villages[rng.IntN(len(villages))]
		if i%3 != 0 { // two thirds from key villages
			v = key[rng.IntN(len(key))]
		}
		a := zhuxiang.Actions[rng.IntN(5)]
		titles := needTitles[a]
		n := &zhuxiang.Need{VillageCode: v.Code, Action: a, Title: titles[rng.IntN(len(titles))], Category: zhuxiang.NeedCategories[a][rng.IntN(len(zhuxiang.NeedCategories[a]))],
			Description: "演示数据：" + v.Name + "的需求，内容为虚构。", People: 20 + rng.IntN(300), Urgency: 1 + rng.IntN(3),
			BudgetFen: int64(10_000+rng.IntN(500_000)) * 100, Contact: "演示联系人", Phone: fmt.Sprintf("1390996%04d", i%10000),
			WantedBy: fmt.Sprintf("2027-%02d-%02d", 1+rng.IntN(12), 1+rng.IntN(28)), Status: zhuxiang.NeedSubmitted}
		if a == zhuxiang.ActionWelfare {
			n.PeopleKinds = []string{zhuxiang.BeneficiaryCategories[2+rng.IntN(len(zhuxiang.BeneficiaryCategories)-2)]}
		}
		switch {
		case i%10 == 9:
			n.Status = zhuxiang.NeedDraft
		}
		if _, err := st.CreateNeed(ctx, sys, n); err != nil {
			return fmt.Errorf("演示需求: %w", err)
		}
		if n.Status == zhuxiang.NeedSubmitted && i%10 != 8 { // a tenth wait for review
			if err := st.TransitionNeed(ctx, sys, n.ID, "approve", "", 0); err != nil {
				return err
			}
		}
	}
	// The demo accounts' own organization and village have something to
	// show at first sign-in: an open offer and an open need that fit.
	mine := &zhuxiang.Offer{OrgID: home.org.ID, Action: zhuxiang.ActionIndustry, Kind: zhuxiang.OfferSales, Title: "会员企业包销和静县特色农产品",
		Description: "演示数据：内容为虚构。", Capacity: 3, Area: zhuxiang.AreaPrefecture}
	if _, err := st.CreateOffer(ctx, sys, mine); err != nil {
		return fmt.Errorf("演示资源: %w", err)
	}
	own := &zhuxiang.Need{VillageCode: home.village.Code, Action: zhuxiang.ActionIndustry, Title: "辣椒销售渠道对接", Category: "消费帮扶",
		Description: "演示数据：本村辣椒种植合作社希望对接稳定的销售渠道。", Quantity: 200, Unit: "吨", People: 160, Urgency: zhuxiang.UrgencyHigh,
		Contact: "演示村干部", Phone: "13909960000", Status: zhuxiang.NeedSubmitted}
	if _, err := st.CreateNeed(ctx, sys, own); err != nil {
		return fmt.Errorf("演示需求: %w", err)
	}
	if err := st.TransitionNeed(ctx, sys, own.ID, "approve", "", 0); err != nil {
		return err
	}
	// And one waiting for the county's review, so the demo county account
	// sees the review step at first sign-in.
	waiting := &zhuxiang.Need{VillageCode: home.village.Code, Action: zhuxiang.ActionGovernance, Title: "村文化广场照明改造", Category: "公共服务设施",
		Description: "演示数据：村文化广场夜间照明不足，需要安装太阳能路灯约 20 盏。", Quantity: 20, Unit: "盏", BudgetFen: 6_000_000, People: 900,
		Urgency: zhuxiang.UrgencyNormal, Contact: "演示村干部", Phone: "13909960000", Status: zhuxiang.NeedSubmitted}
	if _, err := st.CreateNeed(ctx, sys, waiting); err != nil {
		return fmt.Errorf("演示需求: %w", err)
	}
	for i := range offers {
		a := zhuxiang.Actions[i%5]
		// An organization whose kind suits the action, if one is at hand.
		org := orgs[rng.IntN(len(orgs))]
		for try := 0; try < 20; try++ {
			o := orgs[rng.IntN(len(orgs))]
			if suits(o, a) {
				org = o
				break
			}
		}
		t := offerTitles[a][rng.IntN(len(offerTitles[a]))]
		o := &zhuxiang.Offer{OrgID: org.ID, Action: a, Kind: t.kind, Title: t.title, Description: "演示数据：" + org.Name + "提供，内容为虚构。",
			Capacity: 1 + rng.IntN(2), Area: zhuxiang.AreaPrefecture, ValidFrom: "2026-01-01", ValidTo: "2027-12-31"}
		if org.RegCounty != "" && rng.IntN(3) == 0 {
			o.Area, o.Counties = zhuxiang.AreaCounties, []string{org.RegCounty}
		}
		if t.kind == zhuxiang.OfferFunds || t.kind == zhuxiang.OfferGoods {
			o.AmountFen = int64(50_000+rng.IntN(1_000_000)) * 100
		}
		if _, err := st.CreateOffer(ctx, sys, o); err != nil {
			return fmt.Errorf("演示资源: %w", err)
		}
	}
	return loadInterests(ctx, st, mine, own)
}

// loadInterests gives every demo account something on its work bench: the
// organization's interest in the village's own need, accepted and
// confirmed by the county (a pairing without an agreement file, a need the
// village confirms done); another interest of the organization the county
// must answer; and one the county expressed 25 days ago that the
// organization must answer before it lapses.
func loadInterests(ctx context.Context, st *store.Store, mine *zhuxiang.Offer, own *zhuxiang.Need) error {
	actor := func(name string) (zhuxiang.Actor, error) {
		u, err := st.UserByName(ctx, name)
		if err != nil {
			return zhuxiang.Actor{}, err
		}
		return u.Actor(), nil
	}
	org, err := actor("org")
	if err != nil {
		return err
	}
	county, err := actor("hejing")
	if err != nil {
		return err
	}
	id, err := st.ExpressInterest(ctx, org, own.ID, mine.ID, "演示：我会可组织会员企业包销。")
	if err != nil {
		return fmt.Errorf("演示对接: %w", err)
	}
	for _, step := range []string{"accept", "confirm"} {
		if err := st.TransitionMatch(ctx, county, id, step, ""); err != nil {
			return fmt.Errorf("演示对接: %w", err)
		}
	}
	page, err := st.ListNeeds(ctx, zhuxiang.SystemActor, store.NeedFilter{County: own.CountyCode, Action: mine.Action, Status: zhuxiang.NeedOpen, Limit: 2})
	if err != nil {
		return err
	}
	if len(page.Needs) < 2 {
		return nil // nothing more that fits in this county
	}
	if _, err := st.ExpressInterest(ctx, org, page.Needs[0].ID, mine.ID, "演示：希望对接。"); err != nil {
		return fmt.Errorf("演示对接: %w", err)
	}
	clock := st.Now
	st.Now = func() time.Time { return clock().Add(-25 * 24 * time.Hour) }
	_, err = st.ExpressInterest(ctx, county, page.Needs[1].ID, mine.ID, "演示：县里推荐贵会的资源。")
	st.Now = clock
	if err != nil {
		return fmt.Errorf("演示对接: %w", err)
	}
	return nil
}

func suits(o *zhuxiang.Org, a zhuxiang.Action) bool {
	for _, k := range o.Kinds {
		if slices.Contains(match.KindsFor[a], k) {
			return true
		}
	}
	return false
}

// demoHome is the organization and the village of the demo accounts.
type demoHome struct {
	org     *zhuxiang.Org
	village *zhuxiang.Region
}
