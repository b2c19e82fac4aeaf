package zhuxiang

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

// NeedStatus is where a need (帮扶需求) is in its lifecycle. Nothing is
// public before the county has reviewed it (DESIGN §2a: odd or inflated
// needs published without review are what discredited earlier platforms).
type NeedStatus string

// Need statuses, in lifecycle order.
const (
	NeedDraft     NeedStatus = "draft"     // 草稿: only its author side sees it
	NeedSubmitted NeedStatus = "submitted" // 待审核: waiting for the county
	NeedRejected  NeedStatus = "rejected"  // 已退回: the author sees the reason, may edit and resubmit
	NeedOpen      NeedStatus = "open"      // 对接中: approved and public, without personal data
	NeedMatched   NeedStatus = "matched"   // 已结对: a confirmed match made a pairing
	NeedDone      NeedStatus = "done"      // 已完成
	NeedClosed    NeedStatus = "closed"    // 已关闭
)

// NeedStatuses lists the statuses in lifecycle order.
var NeedStatuses = []NeedStatus{NeedDraft, NeedSubmitted, NeedRejected, NeedOpen, NeedMatched, NeedDone, NeedClosed}

// Label is the status's Chinese name.
func (s NeedStatus) Label() string {
	switch s {
	case NeedDraft:
		return "草稿"
	case NeedSubmitted:
		return "待审核"
	case NeedRejected:
		return "已退回"
	case NeedOpen:
		return "对接中"
	case NeedMatched:
		return "已结对"
	case NeedDone:
		return "已完成"
	case NeedClosed:
		return "已关闭"
	}
	return string(s)
}

// Public reports whether a need in this status may be shown to anyone.
func (s NeedStatus) Public() bool {
	return s == NeedOpen || s == NeedMatched || s == NeedDone
}

// BeneficiaryCategories are the groups of people the plan names under
// 扶弱济困, plus ordinary villagers for the other actions.
var BeneficiaryCategories = []string{"村民", "低收入人口", "特困供养人员", "空巢老人", "孤儿", "事实无人抚养儿童", "留守儿童", "残疾人"}

// NeedCategories suggests categories per action (the plan's wording); the
// field is free text, these feed the form's suggestions.
var NeedCategories = map[Action][]string{
	ActionIndustry:   {"特色产业", "招商引资", "就业帮扶", "消费帮扶", "农产品加工流通", "乡村休闲旅游"},
	ActionTech:       {"种养技术", "技能培训", "法律服务", "社工服务", "医疗卫生", "教育助学"},
	ActionCulture:    {"文艺下基层", "非遗保护", "文旅融合", "巡演巡展"},
	ActionWelfare:    {"救助帮扶", "心理慰藉", "生活照护", "学习辅导", "康复护理"},
	ActionGovernance: {"人居环境", "公共服务设施", "数字乡村", "矛盾调解", "移风易俗", "三留守关爱"},
}

// Urgency levels of a need.
const (
	UrgencyNormal = 1 // 一般
	UrgencyHigh   = 2 // 较急
	UrgencyUrgent = 3 // 紧急
)

// UrgencyLabel names an urgency level.
func UrgencyLabel(u int) string {
	switch u {
	case UrgencyHigh:
		return "较急"
	case UrgencyUrgent:
		return "紧急"
	}
	return "一般"
}

// Need is a village's or a county's request for help (帮扶需求).
type Need struct {
	ID          string
	CountyCode  string
	VillageCode string // empty for a county-level need
	County      string // names, filled on read
	Village     string
	VillageTags []VillageTag // the village's tags, filled on read
	Action      Action
	Category    string
	Title       string
	Description string
	Quantity    int64
	Unit        string
	BudgetFen   int64
	People      int      // people to benefit
	PeopleKinds []string // categories of people (BeneficiaryCategories)
	Urgency     int
	WantedBy    string // YYYY-MM-DD, may be empty
	Contact     string // personal data: never public
	Phone       string // personal data: never public
	Status      NeedStatus
	Reason      string // why it was rejected or closed
	Version     int
	Seq         int64
	CreatedAt   time.Time
	CreatedBy   string
	CreatedByID string // the account that created it (its author: IsNeedAuthor); "" for needs older than the platform kept it
	UpdatedAt   time.Time
	UpdatedBy   string
	ReviewedAt  time.Time
	ReviewedBy  string
	MatchedOrgs []string // names of the organizations paired on it, filled on read
	// PairedOrgIDs are the organizations paired on it, filled when one need
	// is read, for CanSeePhone: their staff need the village's number.
	PairedOrgIDs []string
}

// RegionCode is the village, or the county for a county-level need.
func (n *Need) RegionCode() string {
	if n.VillageCode != "" {
		return n.VillageCode
	}
	return n.CountyCode
}

// Place names where the need is, for lists.
func (n *Need) Place() string {
	if n.Village != "" {
		return n.County + " " + n.Village
	}
	return n.County
}

// IsKeyVillage reports whether the need is from one of the plan's key
// villages (any tag).
func (n *Need) IsKeyVillage() bool { return n.VillageCode != "" && len(n.VillageTags) > 0 }

// Public returns the need as anyone may see it: no contact, no phone, no
// internal review fields.
func (n *Need) Public() *Need {
	c := *n
	c.Contact, c.Phone = "", ""
	c.PairedOrgIDs = nil
	c.CreatedBy, c.CreatedByID, c.UpdatedBy, c.ReviewedBy = "", "", "", ""
	c.Reason = ""
	return &c
}

// personalData finds text that looks like an ID number or a mobile phone
// number: such text must not reach a public page through a description.
var personalData = regexp.MustCompile(`\d{17}[\dXx]|(^|\D)1[3-9]\d{9}(\D|$)`)

// Normalize trims the need's text fields.
func (n *Need) Normalize() {
	n.Title = strings.TrimSpace(n.Title)
	n.Description = strings.TrimSpace(n.Description)
	n.Category = strings.TrimSpace(n.Category)
	n.Unit = strings.TrimSpace(n.Unit)
	n.Contact = strings.TrimSpace(n.Contact)
	n.Phone = strings.TrimSpace(n.Phone)
	n.WantedBy = strings.TrimSpace(n.WantedBy)
	if n.Urgency == 0 {
		n.Urgency = UrgencyNormal
	}
}

// Validate checks the need's own fields and reports every bad one at once
// (a Problems list); the store checks the region.
func (n *Need) Validate() error {
	n.Normalize()
	var p Problems
	if act, ok := ParseAction(string(n.Action)); ok {
		n.Action = act
	} else {
		p.Addf("action", "请选择五项行动之一")
	}
	if n.Title == "" {
		p.Addf("title", "标题不能为空")
	}
	for _, f := range []struct {
		field, label, v string
		max             int
		lines           bool
	}{
		{"title", "标题", n.Title, 60, false},
		{"description", "说明", n.Description, MaxFreeTextRunes, true},
		{"category", "类别", n.Category, 30, false},
		{"unit", "单位", n.Unit, 10, false},
		{"contact", "联系人", n.Contact, 50, false},
		{"phone", "联系电话", n.Phone, 20, false},
	} {
		if !p.Has(f.field) {
			p.Add(checkText(f.field, f.label, f.v, f.max, f.lines))
		}
	}
	if personalData.MatchString(n.Title) || personalData.MatchString(n.Description) {
		p.Addf("description", "标题和说明会公开，不能包含身份证号或手机号；联系人电话请填在“联系电话”")
	}
	if n.Quantity < 0 || n.Quantity > MaxQuantity {
		p.Addf("quantity", "数量应为0至%d", int64(MaxQuantity))
	}
	if n.BudgetFen < 0 || n.BudgetFen > MaxFen {
		p.Addf("budget", "预算应为0至%d元", int64(MaxFen/100))
	}
	if n.People < 0 || n.People > MaxPeople {
		p.Addf("people", "受益人数应为0至%d", MaxPeople)
	}
	p.Add(CheckVersion(n.Version))
	p.Add(CheckRef("county", "县市", n.CountyCode))
	p.Add(CheckRef("village", "村", n.VillageCode))
	for _, k := range n.PeopleKinds {
		if !slices.Contains(BeneficiaryCategories, k) {
			p.Addf("people_kinds", "未知的受益人群类别“%s”", k)
		}
	}
	if n.Urgency < UrgencyNormal || n.Urgency > UrgencyUrgent {
		p.Addf("urgency", "紧急程度无效")
	}
	if n.WantedBy != "" {
		if d, err := ParseDate("wanted_by", n.WantedBy); err != nil {
			p.Add(err)
		} else {
			n.WantedBy = d
		}
	}
	if n.Phone != "" && !p.Has("phone") && !validPhone(n.Phone) {
		p.Addf("phone", "联系电话格式不正确")
	}
	if n.CountyCode == "" && n.VillageCode == "" {
		p.Addf("region", "请选择需求所在的县市或村")
	}
	return p.Err()
}

// Shanghai is the time zone pages show times in (DESIGN §4). China has one
// offset and no daylight saving, so a fixed zone is exact and needs no
// time-zone database on the server.
var Shanghai = time.FixedZone("CST", 8*3600)
