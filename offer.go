package zhuxiang

import (
	"slices"
	"strings"
	"time"
)

// OfferKind is what an organization offers (资源供给的类型).
type OfferKind string

// Offer kinds.
const (
	OfferFunds      OfferKind = "funds"      // 资金
	OfferGoods      OfferKind = "goods"      // 物资
	OfferTech       OfferKind = "tech"       // 技术
	OfferTraining   OfferKind = "training"   // 培训
	OfferSales      OfferKind = "sales"      // 销售渠道
	OfferVolunteers OfferKind = "volunteers" // 志愿服务
	OfferExpertise  OfferKind = "expertise"  // 专业服务（法律、社工、医疗等）
)

// OfferKinds lists the kinds in display order.
var OfferKinds = []OfferKind{OfferFunds, OfferGoods, OfferTech, OfferTraining, OfferSales, OfferVolunteers, OfferExpertise}

// Label is the kind's Chinese name.
func (k OfferKind) Label() string {
	switch k {
	case OfferFunds:
		return "资金"
	case OfferGoods:
		return "物资"
	case OfferTech:
		return "技术"
	case OfferTraining:
		return "培训"
	case OfferSales:
		return "销售渠道"
	case OfferVolunteers:
		return "志愿服务"
	case OfferExpertise:
		return "专业服务"
	}
	return string(k)
}

// ParseOfferKind accepts the code name or the Chinese name.
func ParseOfferKind(s string) (OfferKind, bool) {
	s = strings.TrimSpace(s)
	for _, k := range OfferKinds {
		if s == string(k) || s == k.Label() {
			return k, true
		}
	}
	return "", false
}

// OfferStatus is whether an offer takes new needs.
type OfferStatus string

// Offer statuses.
const (
	OfferOpen   OfferStatus = "open"   // 开放
	OfferPaused OfferStatus = "paused" // 暂停
	OfferClosed OfferStatus = "closed" // 已关闭
)

// Label is the status's Chinese name.
func (s OfferStatus) Label() string {
	switch s {
	case OfferOpen:
		return "开放"
	case OfferPaused:
		return "暂停"
	case OfferClosed:
		return "已关闭"
	}
	return string(s)
}

// Area is where an offer may serve.
type Area string

// Areas an offer serves.
const (
	AreaPrefecture Area = "prefecture" // 全州
	AreaCounties   Area = "counties"   // 指定县市
	AreaAnywhere   Area = "anywhere"   // 不限地区
)

// Label is the area's Chinese name.
func (a Area) Label() string {
	switch a {
	case AreaPrefecture:
		return "全州"
	case AreaCounties:
		return "指定县市"
	case AreaAnywhere:
		return "不限地区"
	}
	return string(a)
}

// Offer is what an organization offers to villages (资源供给).
type Offer struct {
	ID          string
	OrgID       string
	Org         string // the organization's name, filled on read
	Action      Action
	Kind        OfferKind
	Title       string
	Description string
	Capacity    int   // how many needs it can take at once
	AmountFen   int64 // money or goods value, where it applies
	Area        Area
	Counties    []string // county codes when Area is AreaCounties
	ValidFrom   string   // YYYY-MM-DD, may be empty
	ValidTo     string   // YYYY-MM-DD, may be empty
	Status      OfferStatus
	Version     int
	Seq         int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
	UpdatedBy   string
	InUse       int // needs currently taken (confirmed pairings on open or matched needs), filled on read
}

// Serves reports whether the offer's area covers county (a county code).
func (o *Offer) Serves(county string) bool {
	switch o.Area {
	case AreaCounties:
		return slices.Contains(o.Counties, county)
	default:
		return true
	}
}

// Valid reports whether day (YYYY-MM-DD) lies in the offer's period.
func (o *Offer) Valid(day string) bool {
	return (o.ValidFrom == "" || o.ValidFrom <= day) && (o.ValidTo == "" || day <= o.ValidTo)
}

// Remaining is the capacity not yet taken.
func (o *Offer) Remaining() int { return max(0, o.Capacity-o.InUse) }

// Validate checks the offer's own fields and reports every bad one at once.
func (o *Offer) Validate() error {
	o.Title = strings.TrimSpace(o.Title)
	o.Description = strings.TrimSpace(o.Description)
	var p Problems
	if act, ok := ParseAction(string(o.Action)); ok {
		o.Action = act
	} else {
		p.Addf("action", "请选择五项行动之一")
	}
	if kind, ok := ParseOfferKind(string(o.Kind)); ok {
		o.Kind = kind
	} else {
		p.Addf("kind", "请选择资源类型")
	}
	if o.Title == "" {
		p.Addf("title", "标题不能为空")
	} else {
		p.Add(CheckLine("title", "标题", o.Title, 60))
	}
	p.Add(CheckText("description", "说明", o.Description, MaxFreeTextRunes))
	if o.Capacity < 1 || o.Capacity > 1000 {
		p.Addf("capacity", "可同时承接的需求数应为 1 至 1000")
	}
	if o.AmountFen < 0 || o.AmountFen > MaxFen {
		p.Addf("amount", "金额应为0至%d元", int64(MaxFen/100))
	}
	p.Add(CheckVersion(o.Version))
	p.Add(CheckRef("org", "社会组织", o.OrgID))
	switch o.Area {
	case AreaPrefecture, AreaAnywhere:
		o.Counties = nil
	case AreaCounties:
		if len(o.Counties) == 0 {
			p.Addf("counties", "请至少选择一个服务的县市")
		}
		for _, c := range o.Counties {
			p.Add(CheckRef("counties", "县市", c))
		}
	default:
		p.Addf("area", "请选择服务地区")
	}
	// A date that does not parse stays as typed, for the form to show.
	if d, err := ParseDate("valid_from", o.ValidFrom); err != nil {
		p.Add(err)
	} else {
		o.ValidFrom = d
	}
	if d, err := ParseDate("valid_to", o.ValidTo); err != nil {
		p.Add(err)
	} else {
		o.ValidTo = d
	}
	if !p.Has("valid_from") && !p.Has("valid_to") && o.ValidFrom != "" && o.ValidTo != "" && o.ValidTo < o.ValidFrom {
		p.Addf("valid_to", "有效期结束日期早于开始日期")
	}
	return p.Err()
}
