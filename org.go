package zhuxiang

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// LegalForm is an organization's legal form under the registration rules of
// the civil-affairs authorities (社会团体 / 社会服务机构 / 基金会).
type LegalForm string

// Legal forms. The credit code's second character names one of them too
// (1 社会团体, 2 社会服务机构, 3 基金会, 9 other), which is why a mismatch is
// worth a warning rather than silence.
const (
	LegalAssociation LegalForm = "association" // 社会团体
	LegalService     LegalForm = "service"     // 社会服务机构 (民办非企业单位)
	LegalFoundation  LegalForm = "foundation"  // 基金会
	LegalOther       LegalForm = "other"       // 其他
)

// OrgKind is a kind of organization the plan names when it says who should
// lead which action; an organization may be of several kinds.
type OrgKind string

// Organization kinds named in the plan (section 二).
const (
	KindTrade          OrgKind = "trade"           // 行业协会商会
	KindAgri           OrgKind = "agri"            // 农业农村类
	KindTech           OrgKind = "tech"            // 科技类
	KindEcommerce      OrgKind = "ecommerce"       // 网络电商类
	KindSocialService  OrgKind = "social_service"  // 民办学校医院等社会服务机构
	KindTraining       OrgKind = "training"        // 培训类
	KindAcademic       OrgKind = "academic"        // 学术类
	KindCharityFund    OrgKind = "charity_fund"    // 基金会等慈善组织
	KindCulture        OrgKind = "culture"         // 社科研究、文化艺术、文物考古
	KindCharity        OrgKind = "charity"         // 公益慈善类
	KindCommunity      OrgKind = "community"       // 城乡社区服务类
	KindRuralCommunity OrgKind = "rural_community" // 农村社区社会组织
)

// OrgKinds lists the kinds in the plan's order, with their Chinese names.
var OrgKinds = []OrgKind{KindTrade, KindAgri, KindTech, KindEcommerce, KindSocialService, KindTraining,
	KindAcademic, KindCharityFund, KindCulture, KindCharity, KindCommunity, KindRuralCommunity}

var orgKindLabels = map[OrgKind]string{
	KindTrade: "行业协会商会", KindAgri: "农业农村类", KindTech: "科技类", KindEcommerce: "网络电商类",
	KindSocialService: "民办学校医院等社会服务机构", KindTraining: "培训类", KindAcademic: "学术类",
	KindCharityFund: "基金会等慈善组织", KindCulture: "社科研究/文化艺术/文物考古", KindCharity: "公益慈善类",
	KindCommunity: "城乡社区服务类", KindRuralCommunity: "农村社区社会组织",
}

// Label is the kind's name in the plan.
func (k OrgKind) Label() string {
	if l, ok := orgKindLabels[k]; ok {
		return l
	}
	return string(k)
}

// ParseOrgKind accepts a code name, the plan's name or a common short form.
func ParseOrgKind(s string) (OrgKind, bool) {
	s = strings.TrimSpace(s)
	for _, k := range OrgKinds {
		if s == string(k) || s == k.Label() {
			return k, true
		}
	}
	switch s {
	case "行业协会", "商会", "行业协会商会类":
		return KindTrade, true
	case "农业农村":
		return KindAgri, true
	case "科技":
		return KindTech, true
	case "电商", "网络电商":
		return KindEcommerce, true
	case "社会服务机构", "民办学校", "民办医院":
		return KindSocialService, true
	case "培训":
		return KindTraining, true
	case "学术":
		return KindAcademic, true
	case "基金会", "慈善组织":
		return KindCharityFund, true
	case "社科研究", "文化艺术", "文物考古", "文化类":
		return KindCulture, true
	case "公益慈善":
		return KindCharity, true
	case "城乡社区服务", "社区服务类":
		return KindCommunity, true
	case "农村社区", "社区社会组织":
		return KindRuralCommunity, true
	}
	return "", false
}

// ParseOrgKinds reads a list cell of kinds; an unknown kind is an error
// naming it.
func ParseOrgKinds(s string) ([]OrgKind, error) {
	var out []OrgKind
	for _, part := range SplitList(s) {
		k, ok := ParseOrgKind(part)
		if !ok {
			return nil, Errorf(EInvalid, "kinds", "未知的组织类别“%s”", part)
		}
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out, nil
}

// Inspection results of the annual inspection (年度检查).
const (
	InspectionPass   = "合格"
	InspectionBasic  = "基本合格"
	InspectionFail   = "不合格"
	RatingValidYears = 5
	MaxOrgNameRunes  = 100
	MaxFreeTextRunes = 2000
	DateLayout       = "2006-01-02"
)

// Inspection is one year's annual inspection conclusion.
type Inspection struct {
	Year   int
	Result string
}

// FlagKind is a list an organization can be put on.
type FlagKind string

// Flags that bar an organization from pairing and awards.
const (
	FlagAbnormal  FlagKind = "abnormal"  // 活动异常名录
	FlagDishonest FlagKind = "dishonest" // 严重违法失信名单
)

// Label is the list's Chinese name.
func (f FlagKind) Label() string {
	switch f {
	case FlagAbnormal:
		return "活动异常"
	case FlagDishonest:
		return "严重违法失信"
	}
	return string(f)
}

// ParseFlagKind accepts a code name or a Chinese name.
func ParseFlagKind(s string) (FlagKind, bool) {
	switch strings.TrimSpace(s) {
	case "abnormal", "活动异常", "活动异常名录":
		return FlagAbnormal, true
	case "dishonest", "失信", "严重违法失信", "严重违法失信名单":
		return FlagDishonest, true
	}
	return "", false
}

// OrgFlag records that an organization is on a list, where that came from
// and since when.
type OrgFlag struct {
	Kind   FlagKind
	Source string
	Date   string // YYYY-MM-DD
}

// Org is a social organization (社会组织).
type Org struct {
	ID           string
	Name         string
	CreditCode   string
	LegalForm    LegalForm
	Kinds        []OrgKind
	DepartmentID string // supervising department (业务主管单位)
	Department   string // its name, filled on read
	Rating       int    // 0 none, 1..5 for 1A..5A
	RatingDate   string // YYYY-MM-DD
	Inspections  []Inspection
	Flags        []OrgFlag
	RegCounty    string // county of the prefecture where it is registered; empty when outside
	RegPlace     string // where it is registered when outside the prefecture, e.g. 河北省
	Contact      string
	Phone        string
	Address      string
	Intro        string
	Version      int
	Seq          int64 // registration order: newest-first lists and their cursors
	CreatedAt    time.Time
	UpdatedAt    time.Time
	UpdatedBy    string
}

// RatingLabel shows the rating as 1A..5A, or 未评估.
func (o *Org) RatingLabel() string {
	if o.Rating < 1 || o.Rating > 5 {
		return "未评估"
	}
	return strconv.Itoa(o.Rating) + "A"
}

// RatingValid reports whether the rating is still in force on day now: a
// grade is valid five years from its date (RatingLapsedBy).
func (o *Org) RatingValid(now time.Time) bool {
	if o.Rating == 0 || o.RatingDate == "" {
		return false
	}
	if _, err := time.Parse(DateLayout, o.RatingDate); err != nil {
		return false
	}
	return o.RatingDate > RatingLapsedBy(now)
}

// RatingLapsedBy returns the last rating date whose grade is no longer in
// force on day now: a grade given on or before it has lapsed. Dates compare
// as text (YYYY-MM-DD), so the store asks the same question in SQL with
// this one value, and a list of lapsed ratings cannot disagree with an
// organization's page.
func RatingLapsedBy(now time.Time) string {
	n := now.In(Shanghai)
	d := time.Date(n.Year()-RatingValidYears, n.Month(), n.Day(), 0, 0, 0, 0, Shanghai)
	if d.Month() != n.Month() { // 29 February in a year that has none
		d = time.Date(n.Year()-RatingValidYears, n.Month()+1, 0, 0, 0, 0, 0, Shanghai)
	}
	return d.Format(DateLayout)
}

// DueSoonDays is how far ahead the work bench warns of a deadline: a
// rating about to lapse, an annual inspection about to fall due.
const DueSoonDays = 60

// InspectionDueMonth and InspectionDueDay are the day by which a year's
// annual inspection (年度检查) is concluded in the following year: the
// civil-affairs authorities hold it from 1 January to 31 May.
const (
	InspectionDueMonth = time.May
	InspectionDueDay   = 31
)

// InspectionDeadline is the last day of the inspection of the year before
// now's (days are Shanghai days, as everywhere on the platform).
func InspectionDeadline(now time.Time) time.Time {
	return time.Date(now.In(Shanghai).Year(), InspectionDueMonth, InspectionDueDay, 0, 0, 0, 0, Shanghai)
}

// InspectionRequiredYear is the latest year whose annual inspection every
// organization must have concluded by day now: last year's once this
// year's deadline has passed, the year before last until then. An
// organization whose latest inspection is older is overdue (年检逾期).
func InspectionRequiredYear(now time.Time) int {
	now = now.In(Shanghai)
	if now.Format(DateLayout) > InspectionDeadline(now).Format(DateLayout) {
		return now.Year() - 1
	}
	return now.Year() - 2
}

// InspectionDueSoon reports whether last year's inspection falls due
// within DueSoonDays of day now (its deadline not yet passed): an
// organization without it is then about to be overdue.
func InspectionDueSoon(now time.Time) bool {
	today := now.In(Shanghai).Format(DateLayout)
	deadline := InspectionDeadline(now)
	return today <= deadline.Format(DateLayout) && today > deadline.AddDate(0, 0, -DueSoonDays).Format(DateLayout)
}

// HasFlag reports whether the organization is on list k.
func (o *Org) HasFlag(k FlagKind) bool {
	for _, f := range o.Flags {
		if f.Kind == k {
			return true
		}
	}
	return false
}

// LatestInspection returns the most recent inspection, if any.
func (o *Org) LatestInspection() (Inspection, bool) {
	var best Inspection
	for _, in := range o.Inspections {
		if in.Year > best.Year {
			best = in
		}
	}
	return best, best.Year != 0
}

// InspectionOverdue reports whether the organization lacks the annual
// inspection it must have by day now (InspectionRequiredYear).
func (o *Org) InspectionOverdue(now time.Time) bool {
	latest, _ := o.LatestInspection()
	return latest.Year < InspectionRequiredYear(now)
}

// ParseRating reads 1A..5A (or 1..5, or empty for none).
func ParseRating(s string) (int, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	s = strings.TrimSuffix(strings.TrimSuffix(s, "级"), "A")
	if s == "" || s == "无" || s == "未评估" || s == "0" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 5 {
		return 0, Errorf(EInvalid, "rating", "评估等级应为1A至5A")
	}
	return n, nil
}

// ParseDate reads a date as people type it (2026-11-30, 2026/11/30,
// 2026.11.30, 2026年11月30日) into YYYY-MM-DD.
func ParseDate(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	r := strings.NewReplacer("/", "-", ".", "-", "年", "-", "月", "-", "日", "")
	t, err := time.Parse("2006-1-2", r.Replace(s))
	if err != nil {
		return "", Errorf(EInvalid, field, "日期“%s”格式不正确，应为2026-11-30", s)
	}
	return t.Format(DateLayout), nil
}

// ParseInspectionResult accepts 合格/基本合格/不合格.
func ParseInspectionResult(s string) (string, bool) {
	switch strings.TrimSpace(s) {
	case InspectionPass:
		return InspectionPass, true
	case InspectionBasic:
		return InspectionBasic, true
	case InspectionFail:
		return InspectionFail, true
	}
	return "", false
}

// Normalize trims the text fields and normalizes the credit code, so that
// validation and storage see the same values.
func (o *Org) Normalize() {
	o.Name = strings.TrimSpace(o.Name)
	o.CreditCode = NormalizeCreditCode(o.CreditCode)
	o.Contact = strings.TrimSpace(o.Contact)
	o.Phone = strings.TrimSpace(o.Phone)
	o.Address = strings.TrimSpace(o.Address)
	o.Intro = strings.TrimSpace(o.Intro)
	o.RegPlace = strings.TrimSpace(o.RegPlace)
}

// Validate checks an organization's own fields (not references to other
// records, which the store checks), reports every bad one at once, and
// returns a warning that does not block saving.
func (o *Org) Validate() (warning string, err error) {
	o.Normalize()
	var p Problems
	if o.Name == "" {
		p.Addf("name", "组织名称不能为空")
	}
	for _, f := range []struct {
		field, label, v string
		max             int
		lines           bool
	}{
		{"name", "组织名称", o.Name, MaxOrgNameRunes, false},
		{"reg_place", "登记地", o.RegPlace, MaxNameRunes, false},
		{"contact", "联系人", o.Contact, 200, false},
		{"phone", "联系电话", o.Phone, 20, false},
		{"address", "地址", o.Address, 200, true},
		{"intro", "简介", o.Intro, MaxFreeTextRunes, true},
	} {
		if !p.Has(f.field) {
			p.Add(checkText(f.field, f.label, f.v, f.max, f.lines))
		}
	}
	p.Add(CheckVersion(o.Version))
	p.Add(CheckRef("department_id", "业务主管单位", o.DepartmentID))
	p.Add(CheckRef("reg_county", "登记县市", o.RegCounty))
	code, err := ValidateSocialOrgCreditCode(o.CreditCode)
	if err != nil {
		p.Add(err)
	} else {
		o.CreditCode = code
	}
	switch o.LegalForm {
	case LegalAssociation, LegalService, LegalFoundation, LegalOther:
	case "":
		if f := CreditCodeLegalForm(code); f != "" {
			o.LegalForm = f
		} else if err == nil {
			p.Addf("legal_form", "请选择法人类型（社会团体、社会服务机构、基金会）")
		}
	default:
		p.Addf("legal_form", "法人类型“%s”无效", o.LegalForm)
	}
	for _, k := range o.Kinds {
		if _, ok := orgKindLabels[k]; !ok {
			p.Addf("kinds", "未知的组织类别“%s”", k)
		}
	}
	if o.Rating < 0 || o.Rating > 5 {
		p.Addf("rating", "评估等级应为1A至5A")
	}
	if o.Rating > 0 && o.RatingDate == "" && !p.Has("rating") {
		p.Addf("rating_date", "填写了评估等级时须填写评估日期")
	}
	if o.RatingDate != "" {
		if _, err := time.Parse(DateLayout, o.RatingDate); err != nil {
			p.Addf("rating_date", "评估日期格式不正确，应为2026-11-30")
		}
	}
	seen := map[int]bool{}
	for _, in := range o.Inspections {
		switch _, ok := ParseInspectionResult(in.Result); {
		case in.Year < 1990 || in.Year > 2100:
			p.Addf("inspections", "年检年度%d不正确", in.Year)
		case seen[in.Year]:
			p.Addf("inspections", "%d年的年检结论重复", in.Year)
		case !ok:
			p.Addf("inspections", "%d年的年检结论应为合格、基本合格或不合格", in.Year)
		}
		seen[in.Year] = true
	}
	for _, f := range o.Flags {
		_, derr := time.Parse(DateLayout, f.Date)
		serr := CheckLine("flags", "名录来源", f.Source, 200)
		switch {
		case f.Kind != FlagAbnormal && f.Kind != FlagDishonest:
			p.Addf("flags", "未知的名录类型“%s”", f.Kind)
		case f.Source == "":
			p.Addf("flags", "列入%s名录须注明来源", f.Kind.Label())
		case serr != nil:
			p.Add(serr)
		case derr != nil:
			p.Addf("flags", "列入%s名录的日期格式不正确", f.Kind.Label())
		}
	}
	if o.RegCounty == "" && o.RegPlace == "" {
		p.Addf("reg_county", "请填写登记地：本州的县市，或州外的省市（如河北省）")
	}
	if o.RegCounty != "" {
		o.RegPlace = ""
	}
	if o.Phone != "" && !p.Has("phone") && !validPhone(o.Phone) {
		p.Addf("phone", "联系电话格式不正确：只能有数字、空格和 +-()，共 7 到 15 位数字")
	}
	if err := p.Err(); err != nil {
		return "", err
	}
	return CreditCodeFormWarning(code, o.LegalForm), nil
}

func validPhone(p string) bool {
	n := 0
	for _, r := range p {
		switch {
		case r >= '0' && r <= '9':
			n++
		case r == '-' || r == ' ' || r == '+' || r == '(' || r == ')':
		default:
			return false
		}
	}
	return n >= 7 && n <= 15
}
