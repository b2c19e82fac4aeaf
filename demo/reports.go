package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"

	"zhuxiang"
	"zhuxiang/store"
)

// Progress reports of the demo projects: one to three a project once it
// runs, most confirmed by the village, some waiting, a few disputed with a
// reason — only on projects still running or awaiting acceptance, since a
// completed project cannot have been accepted past a dispute. Some carry a
// photo drawn here (no network, no files): a field, a greenhouse and the
// sun, different for each of a few seeds.

var (
	reportTexts = []string{
		"演示：完成前期入户调查，确定受益户名单并在村委会公示。",
		"演示：设备已采购到位，完成安装调试，组织村民现场观摩。",
		"演示：开展技能培训两期，村民参训积极，已有部分学员实现就业。",
		"演示：基础设施主体完工，正在进行收尾与验收准备。",
		"演示：组织志愿者入户服务，建立服务台账，回访满意度良好。",
		"演示：产品通过电商平台上线销售，首月销售额稳步增长。",
	}
	disputeReasons = []string{
		"演示：报告所列受益人数与村里登记的不一致，请核实。",
		"演示：照片中的设备尚未通电使用，报告称已投入使用不符。",
		"演示：培训实际参加人数少于报告所述，请补充签到表。",
	}
	answers = []string{"演示：已补充签到表并更正人数，请村里再次核实。", "演示：设备已于本周通电运行，附新照片见下一份报告。"}
)

// demoPhotos are a few generated JPEGs, made once per load.
type demoPhotos [][]byte

// newDemoPhotos draws n photos of 800×533.
func newDemoPhotos(n int) (demoPhotos, error) {
	var out demoPhotos
	acts := zhuxiang.Actions
	for seed := range n {
		// The case photos' drawing (cases.go), a different action's
		// colours and sun for each.
		b, err := demoPhoto(acts[seed%len(acts)], seed%2, rand.New(rand.NewPCG(uint64(seed), 2026)))
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

func clamp(v int) uint8 { return uint8(max(0, min(255, v))) }

// demoReports writes one to three reports on project p (running, awaiting
// acceptance, or about to be completed: settle says so, and then every
// report is confirmed). The village's account confirms where the project
// is in its village; elsewhere no village has an account, and the county
// (or the admin) confirms on its behalf, as the lifecycle allows. It
// returns how many reports it wrote and how many it left disputed.
func demoReports(ctx context.Context, st *store.Store, lead, village, county zhuxiang.Actor, p *zhuxiang.Project, settle bool,
	photos demoPhotos, rng *rand.Rand) (made, disputed int, err error) {
	n := 1 + rng.IntN(3)
	confirmer := county
	ours := slices.Contains(p.Villages, village.RegionCode)
	if ours {
		confirmer = village
	}
	for i := range n {
		r := &zhuxiang.ProjectReport{Date: p.StartDate, Text: reportTexts[rng.IntN(len(reportTexts))]}
		if d, err := addMonths(p.StartDate, 1+i*2); err == nil {
			r.Date = d
		}
		for _, pp := range p.People {
			r.People = append(r.People, zhuxiang.ReportPeople{Category: pp.Category, Reached: pp.Reached * (i + 1) / n})
		}
		if rng.IntN(3) == 0 && len(p.Budget) > 0 {
			b := p.Budget[rng.IntN(len(p.Budget))]
			r.Spending = []zhuxiang.ProjectSpending{{Date: r.Date, Source: b.Source, AmountFen: max(100, b.OriginalFen/int64(8+rng.IntN(8))),
				Note: spendNotes[rng.IntN(len(spendNotes))]}}
		}
		var ups []store.ReportUpload
		if len(photos) > 0 && rng.IntN(3) == 0 {
			ups = []store.ReportUpload{{Name: fmt.Sprintf("现场照片%d.jpg", i+1), Data: photos[rng.IntN(len(photos))]}}
		}
		id, err := st.CreateReport(ctx, lead, p.ID, r, ups)
		if err != nil {
			return made, disputed, fmt.Errorf("演示进展报告“%s”: %w", p.Name, err)
		}
		made++
		last := i == n-1
		step, reason := "confirm", ""
		switch {
		case settle:
		case last && ours:
			continue // the demo village's account has a report to confirm or dispute
		case last && rng.IntN(5) == 0:
			step, reason = "dispute", disputeReasons[rng.IntN(len(disputeReasons))]
		case last && rng.IntN(3) == 0:
			continue // waits for the village
		}
		if err := st.TransitionReport(ctx, confirmer, p.ID, id, step, reason, 0); err != nil {
			return made, disputed, fmt.Errorf("演示进展报告%s: %w", step, err)
		}
		if step == "dispute" {
			disputed++
		}
	}
	return made, disputed, nil
}

// addMonths moves a YYYY-MM-DD date on by m months, keeping the day (the
// demo's days are at most 28).
func addMonths(date string, m int) (string, error) {
	var y, mo, d int
	if _, err := fmt.Sscanf(date, "%d-%d-%d", &y, &mo, &d); err != nil {
		return "", err
	}
	mo += m
	y, mo = y+(mo-1)/12, (mo-1)%12+1
	return fmt.Sprintf("%04d-%02d-%02d", y, mo, min(d, 28)), nil
}
