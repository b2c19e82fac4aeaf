package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"slices"

	"zhuxiang"
	"zhuxiang/store"
)

// demoBrand is one brand the demo recognises: products and crafts the
// prefecture is known for, tied to the county that makes them. A county
// brand takes projects of its county; where the demo has none there, it
// is recognised at the prefecture's level from projects elsewhere.
type demoBrand struct {
	name, county string // county "" for a prefecture brand
	year         int
	colour       color.RGBA
	text         string
}

var demoBrands = []demoBrand{
	{"巴州好物消费帮扶", "", 2025, color.RGBA{0x1f, 0x4e, 0x8c, 0xff}, "社会组织牵线，把各县市村里的农产品送进机关食堂、商超和线上店铺，以购代捐、长期订单。"},
	{"库尔勒香梨", "652801", 2025, color.RGBA{0x8a, 0xa8, 0x2e, 0xff}, "围绕香梨种植、冷链仓储和电商销售，社会组织与合作社共建标准果园，帮助农户稳定增收。"},
	{"若羌红枣", "652824", 2025, color.RGBA{0xa6, 0x1b, 0x1b, 0xff}, "红枣提质增效、分级加工和品牌营销，商会带动枣农对接外地客商。"},
	{"和静民族刺绣", "652827", 2026, color.RGBA{0xb4, 0x53, 0x09, 0xff}, "蒙古族刺绣传承工坊，妇女在家门口学技艺、接订单，作品进入文旅市场。"},
	{"博湖芦苇画", "652829", 2026, color.RGBA{0xc2, 0x9a, 0x3a, 0xff}, "利用博斯腾湖芦苇资源开发芦苇画和工艺品，培训村民手工技能，带动就业。"},
	{"焉耆葡萄", "652826", 2025, color.RGBA{0x5b, 0x2a, 0x86, 0xff}, "酿酒葡萄和鲜食葡萄种植技术服务，科技类社会组织下乡指导修剪和病虫害防治。"},
	{"轮台白杏", "652822", 2026, color.RGBA{0xe0, 0xa1, 0x1b, 0xff}, "白杏种植、采摘节和冷链直供，行业协会组织产销对接。"},
	{"和硕辣椒", "652828", 2026, color.RGBA{0xd9, 0x48, 0x1c, 0xff}, "辣椒种植合作社扶持与订单收购，社会组织提供技术培训和销售渠道。"},
}

// demoReserveBrands are prefecture brands recognised only when too few
// counties have projects for their own brands, so that the demo always
// shows the plan's six published brands and one being prepared.
var demoReserveBrands = []demoBrand{
	{"巴州巾帼手工", "", 2026, color.RGBA{0x9d, 0x2b, 0x6b, 0xff}, "妇联牵头的社会组织开展手工技能培训，留守妇女居家就业，产品统一标准、统一销售。"},
	{"塔里木河畔文旅", "", 2026, color.RGBA{0x0f, 0x76, 0x6e, 0xff}, "沿塔里木河的村落发展民宿和乡村旅游，社会组织提供规划、培训和线上推广。"},
	{"博斯腾湖渔业", "", 2025, color.RGBA{0x1d, 0x5f, 0xa8, 0xff}, "湖区渔业合作社养殖技术与冷链销售帮扶。"},
	{"巴州乡村课堂", "", 2025, color.RGBA{0x4d, 0x7c, 0x0f, 0xff}, "科技类和培训类社会组织进村开展农技、电商和职业技能课程。"},
}

// demoBrandsWanted is how many brands the demo recognises: the plan's six
// published and one draft.
const demoBrandsWanted = 7

// loadBrands recognises the demo brands from the projects that may form
// one, key projects first, spreading the projects so that few serve two
// brands: a county brand from its county's projects (skipped where the
// county has none), a prefecture brand from any. All but the last are
// published; the last stays a draft, so that the admin sees one being
// prepared. It returns how many it made.
func loadBrands(ctx context.Context, st *store.Store, log func(string, ...any)) (int, error) {
	admin, err := st.UserByName(ctx, "admin")
	if err != nil {
		return 0, err
	}
	a := admin.Actor()
	cands, err := st.BrandCandidates(ctx, a, "", 0)
	if err != nil {
		return 0, err
	}
	if len(cands) == 0 {
		return 0, fmt.Errorf("演示数据中没有实施中或已完成的项目，无法认定品牌")
	}
	used := map[string]int{}
	// pick takes up to n projects that fit (key ones come first in
	// cands), the least used first.
	pick := func(n int, fits func(zhuxiang.BrandProject) bool) []string {
		var fit []zhuxiang.BrandProject
		for _, p := range cands {
			if fits(p) {
				fit = append(fit, p)
			}
		}
		slices.SortStableFunc(fit, func(x, y zhuxiang.BrandProject) int { return used[x.ID] - used[y.ID] })
		var ids []string
		for _, p := range fit[:min(n, len(fit))] {
			ids = append(ids, p.ID)
			used[p.ID]++
		}
		return ids
	}
	type planned struct {
		b      *zhuxiang.Brand
		colour color.RGBA
	}
	var plan []planned
	for i, d := range append(slices.Clone(demoBrands), demoReserveBrands...) {
		if i >= len(demoBrands) && len(plan) >= demoBrandsWanted {
			break
		}
		b := &zhuxiang.Brand{Name: d.name, Level: zhuxiang.BrandPrefecture, CountyCode: d.county, Year: d.year,
			Description: d.text + "（演示数据，虚构）"}
		if d.county != "" {
			b.Level = zhuxiang.BrandCounty
			b.ProjectIDs = pick(3, func(p zhuxiang.BrandProject) bool { return p.CountyCode == d.county })
		} else {
			b.ProjectIDs = pick(2+i%3, func(zhuxiang.BrandProject) bool { return true })
		}
		if len(b.ProjectIDs) > 0 {
			plan = append(plan, planned{b, d.colour})
		}
	}
	for i, p := range plan {
		logo, err := demoLogo(p.colour, i)
		if err != nil {
			return i, err
		}
		id, err := st.CreateBrand(ctx, a, p.b, &store.LogoFile{Name: p.b.Name + ".png", Data: logo})
		if err != nil {
			return i, fmt.Errorf("演示品牌“%s”: %w", p.b.Name, err)
		}
		if i < len(plan)-1 {
			if err := st.TransitionBrand(ctx, a, id, "publish", "", 0); err != nil {
				return i, fmt.Errorf("发布演示品牌“%s”: %w", p.b.Name, err)
			}
		}
	}
	log("演示数据：%d 个项目品牌（%d 个已发布，标志由程序生成）\n", len(plan), len(plan)-1)
	return len(plan), nil
}

// demoLogo draws a brand's logo: a disc of its colour with rings and a
// pattern of dots that differs by n, on a transparent ground, as a PNG.
// No glyph: the demo has no font to draw the brand's name with.
func demoLogo(c color.RGBA, n int) ([]byte, error) {
	const side = 160
	img := image.NewNRGBA(image.Rect(0, 0, side, side))
	light := color.NRGBA{R: c.R/2 + 128, G: c.G/2 + 128, B: c.B/2 + 128, A: 255}
	dark := color.NRGBA{R: c.R, G: c.G, B: c.B, A: 255}
	petals := 5 + n%4
	for y := 0; y < side; y++ {
		for x := 0; x < side; x++ {
			dx, dy := float64(x)-side/2+.5, float64(y)-side/2+.5
			r := math.Hypot(dx, dy)
			switch {
			case r > side/2-2:
				continue // transparent outside the disc
			case r > side/2-12:
				img.SetNRGBA(x, y, dark)
			case r > side/2-16:
				img.SetNRGBA(x, y, color.NRGBA{255, 255, 255, 255})
			default:
				// A rose of petals: light where the curve r = R·|cos(kθ)|
				// lies beyond the point.
				theta := math.Atan2(dy, dx)
				if r < (side/2-22)*math.Abs(math.Cos(float64(petals)*theta/2)) {
					img.SetNRGBA(x, y, light)
				} else {
					img.SetNRGBA(x, y, dark)
				}
			}
		}
	}
	var b bytes.Buffer
	err := png.Encode(&b, img)
	return b.Bytes(), err
}
