// Package demo fills an empty database with demonstration data: the real
// prefecture, counties and townships (built into the project, see
// zhuxiang.PrefectureRegions), invented villages and organizations that say they are invented, and one
// account per role. Two scales: "prefecture" (hundreds of organizations, for
// trying the platform) and "region" (100 000 organizations, for load runs).
package demo

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"

	"zhuxiang"
	"zhuxiang/importer"
	"zhuxiang/sheet"
	"zhuxiang/store"
)

// Password is the password of every demo account. The demo accounts do
// not have to change it at first login, so that a visitor can look around
// at once; real accounts always do.
const Password = "Demo@2026zx"

// Account is a demo login.
type Account struct {
	Name  string
	Role  zhuxiang.Role
	Scope string
}

// Result says what Load made.
type Result struct {
	Accounts  []Account
	Orgs      int
	Villages  int
	Needs     int
	Offers    int
	Projects  int
	Reports   int // progress reports, Disputed of them disputed
	Disputed  int
	Brands    int
	Cases     int
	Townships int // real townships, from the built-in regions file
}

// Load fills st with demo data at scale "prefecture" or "region". It
// refuses a database that already has organizations, so it never mixes
// invented records into real ones.
func Load(ctx context.Context, st *store.Store, scale string, log io.Writer) (*Result, error) {
	orgCount := 0
	switch scale {
	case "", "prefecture":
		orgCount = 300
	case "region":
		orgCount = 100_000
	default:
		return nil, fmt.Errorf("未知的规模“%s”（可选 prefecture、region）", scale)
	}
	sys := zhuxiang.SystemActor
	p, err := st.ListOrgs(ctx, sys, store.OrgFilter{Limit: 1})
	if err != nil {
		return nil, err
	}
	if p.Total > 0 {
		return nil, fmt.Errorf("数据库中已有社会组织，不再加载演示数据")
	}
	res := &Result{}
	rng := rand.New(rand.NewPCG(2026, 652800))
	towns, err := townships(ctx, st)
	if err != nil {
		return nil, err
	}
	for _, ts := range towns {
		res.Townships += len(ts)
	}
	villages, err := loadVillages(ctx, st, towns, rng)
	if err != nil {
		return nil, err
	}
	res.Villages = len(villages)
	fmt.Fprintf(log, "演示数据：%d 个乡镇（真实区划，内置于程序），%d 个村（虚构，均标注“演示”）\n", res.Townships, len(villages))
	n, err := loadOrgs(ctx, st, orgCount, rng)
	if err != nil {
		return nil, err
	}
	res.Orgs = n
	fmt.Fprintf(log, "演示数据：%d 个社会组织（虚构）\n", n)
	var home demoHome
	res.Accounts, home, err = loadAccounts(ctx, st, villages)
	if err != nil {
		return nil, err
	}
	needs, offers, projects := 200, 80, 40
	if scale == "region" {
		needs, offers, projects = 3000, 1200, 300
	}
	if err := loadMatching(ctx, st, villages, needs, offers, home, rng); err != nil {
		return nil, err
	}
	res.Needs, res.Offers = needs+2, offers+1
	fmt.Fprintf(log, "演示数据：%d 条需求、%d 条资源（虚构）\n", res.Needs, res.Offers)
	if res.Projects, err = loadProjects(ctx, st, villages, projects, home, rng, res); err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "演示数据：%d 个帮扶项目（虚构，均标注“演示”），%d 份进展报告（%d 份村里有异议）\n", res.Projects, res.Reports, res.Disputed)
	if res.Brands, err = loadBrands(ctx, st, func(f string, a ...any) { fmt.Fprintf(log, f, a...) }); err != nil {
		return nil, err
	}
	published := 6
	if scale == "region" {
		published = 10
	}
	if res.Cases, err = loadCases(ctx, st, published, rng); err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "演示数据：%d 篇案例（虚构，均标注“演示”），其中%d篇已发布\n", res.Cases, published)
	return res, nil
}

// townships imports the prefecture's real townships, built into the
// program, and returns them by county.
func townships(ctx context.Context, st *store.Store) (map[string][]*zhuxiang.Region, error) {
	sys := zhuxiang.SystemActor
	t, err := sheet.Read(zhuxiang.PrefectureRegions(), zhuxiang.PrefectureRegionsFile, sheet.DefaultLimits())
	if err != nil {
		return nil, err
	}
	res, err := importer.Regions(ctx, st, sys, t, zhuxiang.ImportAll)
	if err != nil {
		return nil, err
	}
	if len(res.Rejected) > 0 {
		return nil, fmt.Errorf("内置区划文件第%d行：%s", res.Rejected[0].Row, res.Rejected[0].Message)
	}
	out := map[string][]*zhuxiang.Region{}
	for _, c := range zhuxiang.SeedCounties {
		ts, err := st.ListRegions(ctx, sys, store.RegionFilter{Parent: c.Code, Level: zhuxiang.LevelTownship})
		if err != nil {
			return nil, err
		}
		if len(ts) == 0 {
			return nil, fmt.Errorf("内置区划文件中%s没有乡镇", c.Name)
		}
		out[c.Code] = ts
	}
	return out, nil
}

var villageWords = []string{"阳光", "团结", "幸福", "红旗", "和平", "新华", "胜利", "光明", "丰收", "友谊", "前进", "建设", "金泉", "绿洲", "东风", "富民", "兴农", "塔里木", "孔雀", "博斯腾"}

// loadVillages invents the plan's 127 key villages (38 lifted, 10 key, 79
// model) plus some untagged ones, spread over the counties' townships.
func loadVillages(ctx context.Context, st *store.Store, towns map[string][]*zhuxiang.Region, rng *rand.Rand) ([]*zhuxiang.Region, error) {
	tags := make([]string, 0, 160)
	for i := 0; i < 38; i++ {
		tags = append(tags, "脱贫村")
	}
	for i := 0; i < 10; i++ {
		tags = append(tags, "乡村振兴重点村")
	}
	for i := 0; i < 79; i++ {
		tags = append(tags, "乡村振兴示范村")
	}
	for i := 0; i < 33; i++ {
		tags = append(tags, "")
	}
	var rows []store.RegionRow
	used := map[string]bool{}
	for i, tag := range tags {
		c := zhuxiang.SeedCounties[i%len(zhuxiang.SeedCounties)]
		ts := towns[c.Code]
		t := ts[rng.IntN(len(ts))]
		var name string
		for {
			name = villageWords[rng.IntN(len(villageWords))] + fmt.Sprintf("%d村", 1+rng.IntN(12))
			if !used[t.Code+name] {
				used[t.Code+name] = true
				break
			}
		}
		rows = append(rows, store.RegionRow{Row: i + 2, County: c.Code, Township: t.Code, Village: name, Tags: tag, Demo: true})
	}
	res, err := st.ImportRegions(ctx, zhuxiang.SystemActor, rows, zhuxiang.ImportAll)
	if err != nil {
		return nil, err
	}
	if len(res.Rejected) > 0 {
		return nil, fmt.Errorf("演示村第%d行：%s", res.Rejected[0].Row, res.Rejected[0].Message)
	}
	return st.ListRegions(ctx, zhuxiang.SystemActor, store.RegionFilter{Level: zhuxiang.LevelVillage})
}

var (
	orgTopics = []struct {
		word  string
		kinds []zhuxiang.OrgKind
		dept  string
	}{
		{"红枣产业", []zhuxiang.OrgKind{zhuxiang.KindTrade, zhuxiang.KindAgri}, "自治州工商联"},
		{"香梨协会", []zhuxiang.OrgKind{zhuxiang.KindAgri}, "自治州农业农村局"},
		{"养蜂", []zhuxiang.OrgKind{zhuxiang.KindAgri, zhuxiang.KindTech}, "自治州科协"},
		{"农业技术", []zhuxiang.OrgKind{zhuxiang.KindTech, zhuxiang.KindTraining}, "自治州科协"},
		{"电子商务", []zhuxiang.OrgKind{zhuxiang.KindEcommerce, zhuxiang.KindTrade}, "自治州商务局"},
		{"餐饮行业", []zhuxiang.OrgKind{zhuxiang.KindTrade}, "自治州商务局"},
		{"职业技能培训", []zhuxiang.OrgKind{zhuxiang.KindTraining}, "自治州科技局"},
		{"慈善", []zhuxiang.OrgKind{zhuxiang.KindCharity, zhuxiang.KindCharityFund}, "自治州民政局"},
		{"社会工作服务", []zhuxiang.OrgKind{zhuxiang.KindCommunity, zhuxiang.KindCharity}, "自治州民政局"},
		{"老年人服务", []zhuxiang.OrgKind{zhuxiang.KindCommunity}, "自治州民政局"},
		{"文化艺术", []zhuxiang.OrgKind{zhuxiang.KindCulture}, "自治州文广旅局"},
		{"民间文艺", []zhuxiang.OrgKind{zhuxiang.KindCulture}, "自治州文联"},
		{"社会科学", []zhuxiang.OrgKind{zhuxiang.KindCulture, zhuxiang.KindAcademic}, "自治州社科联"},
		{"畜牧兽医学会", []zhuxiang.OrgKind{zhuxiang.KindAcademic, zhuxiang.KindTech}, "自治州畜牧兽医局"},
		{"林果业", []zhuxiang.OrgKind{zhuxiang.KindAgri}, "自治州林草局"},
		{"青年志愿者", []zhuxiang.OrgKind{zhuxiang.KindCharity}, "自治州团委"},
		{"妇女儿童关爱", []zhuxiang.OrgKind{zhuxiang.KindCharity, zhuxiang.KindCommunity}, "自治州妇联"},
		{"残疾人康复", []zhuxiang.OrgKind{zhuxiang.KindSocialService}, "自治州残联"},
		{"民办职业学校", []zhuxiang.OrgKind{zhuxiang.KindSocialService, zhuxiang.KindTraining}, "自治州民政局"},
		{"人民调解", []zhuxiang.OrgKind{zhuxiang.KindRuralCommunity}, "自治州司法局"},
	}
	forms = []struct {
		suffix string
		digit  byte
		form   zhuxiang.LegalForm
	}{
		{"协会", '1', zhuxiang.LegalAssociation},
		{"商会", '1', zhuxiang.LegalAssociation},
		{"促进会", '1', zhuxiang.LegalAssociation},
		{"服务中心", '2', zhuxiang.LegalService},
		{"研究院", '2', zhuxiang.LegalService},
		{"基金会", '3', zhuxiang.LegalFoundation},
	}
	outside   = []string{"河北省", "河北省石家庄市", "河北省邯郸市", "北京市", "天津市"}
	surnames  = []string{"王", "李", "张", "刘", "陈", "马", "艾", "阿", "热", "吐"}
	givenName = []string{"建国", "丽", "军", "芳", "伟", "古丽", "买买提", "娜", "强", "燕"}
)

func creditCode(digit byte, region string, n int) string {
	first := fmt.Sprintf("5%c%sMJ%07d", digit, region, n%10_000_000)
	c, err := zhuxiang.CreditCodeCheckChar(first)
	if err != nil {
		panic(err)
	}
	return first + string(c)
}

// loadOrgs invents n organizations through the real import path, in
// batches, so that the demo exercises what an administrator's import does.
func loadOrgs(ctx context.Context, st *store.Store, n int, rng *rand.Rand) (int, error) {
	counties := zhuxiang.SeedCounties
	made := 0
	for start := 0; start < n; start += 20_000 {
		end := min(n, start+20_000)
		items := make([]store.OrgImport, 0, end-start)
		for i := start; i < end; i++ {
			items = append(items, Org(i, rng, counties, len(counties)))
		}
		res, err := st.ImportOrgs(ctx, zhuxiang.SystemActor, items, nil, len(items), zhuxiang.ImportAll)
		if err != nil {
			return made, err
		}
		if len(res.Rejected) > 0 {
			return made, fmt.Errorf("演示组织第%d行：%s", res.Rejected[0].Row, res.Rejected[0].Message)
		}
		made += res.Created
	}
	return made, nil
}

// brandWords make demo names distinct without numbering most of them.
var brandWords = []string{"", "天山", "金穗", "绿源", "博斯腾", "孔雀河", "开都河", "塔里木", "梨城", "楼兰"}

// Org invents the i-th demo organization; benchmarks use it too. Names are
// distinct for the first 12 000 (place × word × topic × form); beyond that
// they carry a number.
func Org(i int, rng *rand.Rand, counties []zhuxiang.SeedCounty, _ int) store.OrgImport {
	places := len(counties) + 1 // the counties and "outside the prefecture"
	c, k := i%places, i/places
	// (k%20, (k/20+k%20)%6) runs through every topic × form pair once per
	// 120 values of k, mixing forms early so a small demo has all of them.
	topic := orgTopics[k%len(orgTopics)]
	form := forms[(k/len(orgTopics)+k%len(orgTopics))%len(forms)]
	word := brandWords[(k/(len(orgTopics)*len(forms)))%len(brandWords)]
	round := k / (len(orgTopics) * len(forms) * len(brandWords))
	o := &zhuxiang.Org{LegalForm: form.form, Kinds: topic.kinds}
	it := store.OrgImport{Row: i + 2, Org: o, Department: topic.dept}
	var place, region string
	switch {
	case c < len(counties):
		it.County = counties[c].Code
		place, region = counties[c].Name, counties[c].Code
		if rng.IntN(4) == 0 {
			place = "巴音郭楞蒙古自治州" + strings.TrimSuffix(strings.TrimSuffix(counties[c].Name, "市"), "县")
		}
	default:
		o.RegPlace = outside[rng.IntN(len(outside))]
		place, region = o.RegPlace, "130000"
	}
	o.Name = place + word + topic.word + form.suffix
	if round > 0 {
		o.Name += fmt.Sprintf("（%d）", round+1)
	}
	o.CreditCode = creditCode(form.digit, region, i+1)
	if r := rng.IntN(10); r < 6 {
		o.Rating = 1 + rng.IntN(5)
		o.RatingDate = fmt.Sprintf("%d-%02d-%02d", 2020+rng.IntN(6), 1+rng.IntN(12), 1+rng.IntN(28))
	}
	for y := 2023; y <= 2025; y++ {
		res := zhuxiang.InspectionPass
		switch rng.IntN(15) {
		case 0:
			res = zhuxiang.InspectionFail
		case 1, 2:
			res = zhuxiang.InspectionBasic
		}
		o.Inspections = append(o.Inspections, zhuxiang.Inspection{Year: y, Result: res})
	}
	if rng.IntN(40) == 0 {
		o.Flags = []zhuxiang.OrgFlag{{Kind: zhuxiang.FlagAbnormal, Source: "州民政局2025年第2号公告（演示）", Date: "2025-06-30"}}
	} else if rng.IntN(200) == 0 {
		o.Flags = []zhuxiang.OrgFlag{{Kind: zhuxiang.FlagDishonest, Source: "州民政局2025年第5号公告（演示）", Date: "2025-09-15"}}
	}
	o.Contact = surnames[rng.IntN(len(surnames))] + givenName[rng.IntN(len(givenName))]
	o.Phone = fmt.Sprintf("13%d%08d", rng.IntN(10), rng.IntN(100_000_000))
	o.Intro = "（演示数据，虚构）围绕" + topic.word + "开展服务。"
	return it
}

// loadAccounts creates one account per role, named for what it is.
func loadAccounts(ctx context.Context, st *store.Store, villages []*zhuxiang.Region) ([]Account, demoHome, error) {
	sys := zhuxiang.SystemActor
	page, err := st.ListOrgs(ctx, sys, store.OrgFilter{County: "652827", Flag: "none", Limit: 1})
	if err != nil || len(page.Orgs) == 0 {
		return nil, demoHome{}, fmt.Errorf("演示数据中没有和静县的社会组织: %v", err)
	}
	org := page.Orgs[0]
	var village *zhuxiang.Region
	for _, v := range villages {
		if v.CountyCode == "652827" && v.IsKeyVillage() {
			village = v
			break
		}
	}
	if village == nil {
		return nil, demoHome{}, fmt.Errorf("演示数据中没有和静县的重点村")
	}
	users := []store.NewUser{
		{Name: "admin", DisplayName: "州乡村振兴局管理员", Role: zhuxiang.RoleAdmin},
		{Name: "hejing", DisplayName: "和静县民政局", Role: zhuxiang.RoleCounty, RegionCode: "652827"},
		{Name: "ruoqiang", DisplayName: "若羌县民政局", Role: zhuxiang.RoleCounty, RegionCode: "652824"},
		{Name: "kuerle", DisplayName: "库尔勒市民政局", Role: zhuxiang.RoleCounty, RegionCode: "652801"},
		{Name: "kexie", DisplayName: "自治州科协", Role: zhuxiang.RoleDepartment, Department: "自治州科协"},
		{Name: "org", DisplayName: org.Name, Role: zhuxiang.RoleOrg, OrgID: org.ID},
		{Name: "village", DisplayName: village.Name + "村委会", Role: zhuxiang.RoleVillage, RegionCode: village.Code},
	}
	var out []Account
	for _, nu := range users {
		nu.Password, nu.NoChangeRequired = Password, true
		u, err := st.CreateUser(ctx, sys, nu)
		if err != nil {
			return nil, demoHome{}, fmt.Errorf("演示账号%s: %w", nu.Name, err)
		}
		scope := nu.DisplayName
		out = append(out, Account{Name: u.Name, Role: u.Role, Scope: scope})
	}
	return out, demoHome{org: org, village: village}, nil
}
