package zhuxiang

import (
	"slices"
	"strings"
	"time"
)

// ProjectStatus is where a project (帮扶项目) is in its lifecycle
// (ProjectTransitions in lifecycle.go).
type ProjectStatus string

// Project statuses, in lifecycle order.
const (
	ProjectDraft     ProjectStatus = "draft"               // 草稿: the lead organization is writing it
	ProjectSubmitted ProjectStatus = "submitted"           // 待审批
	ProjectReturned  ProjectStatus = "returned"            // 已退回: the reason says what to change
	ProjectApproved  ProjectStatus = "approved"            // 已批准: not started yet
	ProjectRunning   ProjectStatus = "running"             // 实施中
	ProjectAwaiting  ProjectStatus = "awaiting_acceptance" // 待验收
	ProjectCompleted ProjectStatus = "completed"           // 已完成
	ProjectStopped   ProjectStatus = "stopped"             // 已终止: the reason says why
)

// ProjectStatuses lists the statuses in lifecycle order.
var ProjectStatuses = []ProjectStatus{ProjectDraft, ProjectSubmitted, ProjectReturned, ProjectApproved, ProjectRunning, ProjectAwaiting, ProjectCompleted, ProjectStopped}

// ProjectLive is the states in which a project runs: it may be stopped
// and its spending recorded.
var ProjectLive = []ProjectStatus{ProjectApproved, ProjectRunning, ProjectAwaiting}

// Label is the status's Chinese name.
func (s ProjectStatus) Label() string {
	switch s {
	case ProjectDraft:
		return "草稿"
	case ProjectSubmitted:
		return "待审批"
	case ProjectReturned:
		return "已退回"
	case ProjectApproved:
		return "已批准"
	case ProjectRunning:
		return "实施中"
	case ProjectAwaiting:
		return "待验收"
	case ProjectCompleted:
		return "已完成"
	case ProjectStopped:
		return "已终止"
	}
	return string(s)
}

// PartyRole is an organization's part in a project.
type PartyRole string

// Party roles.
const (
	PartyLead    PartyRole = "lead"    // 牵头: exactly one; its staff keep the project
	PartyPartner PartyRole = "partner" // 合作
	PartyDonor   PartyRole = "donor"   // 捐赠
)

// PartyRoles lists the roles in display order.
var PartyRoles = []PartyRole{PartyLead, PartyPartner, PartyDonor}

// Label is the role's Chinese name.
func (r PartyRole) Label() string {
	switch r {
	case PartyLead:
		return "牵头单位"
	case PartyPartner:
		return "合作单位"
	case PartyDonor:
		return "捐赠单位"
	}
	return string(r)
}

// FundSource is where a project's money comes from.
type FundSource string

// Fund sources, as the plan counts them.
const (
	FundOwn      FundSource = "own"      // 自有资金
	FundSpecial  FundSource = "special"  // 专项资金
	FundDonation FundSource = "donation" // 社会捐赠
	FundPurchase FundSource = "purchase" // 政府购买服务
)

// FundSources lists the sources in display order.
var FundSources = []FundSource{FundOwn, FundSpecial, FundDonation, FundPurchase}

// Label is the source's Chinese name.
func (f FundSource) Label() string {
	switch f {
	case FundOwn:
		return "自有资金"
	case FundSpecial:
		return "专项资金"
	case FundDonation:
		return "社会捐赠"
	case FundPurchase:
		return "政府购买服务"
	}
	return string(f)
}

// ProjectParty is an organization taking part in a project, with what it
// puts in (fen).
type ProjectParty struct {
	OrgID     string
	Org       string // name, filled on read
	Role      PartyRole
	AmountFen int64
	// Department supervises the organization, filled on read: a
	// department sees the projects of the organizations it supervises.
	Department string
}

// ProjectBudget is the budget from one source: as approved, and as revised
// since (0 when never revised).
type ProjectBudget struct {
	Source      FundSource
	OriginalFen int64
	RevisedFen  int64
}

// ProjectSpending is one entry of what a project actually spent.
type ProjectSpending struct {
	ID        string
	Date      string // YYYY-MM-DD
	Source    FundSource
	AmountFen int64
	Note      string
	CreatedAt time.Time
	CreatedBy string
}

// ProjectPeople is how many people of one category a project means to
// benefit and has reached (BeneficiaryCategories).
type ProjectPeople struct {
	Category string
	Target   int
	Reached  int
}

// Project is a piece of help an organization carries out in one or more
// villages (帮扶项目), often grown from a pairing. Its villages lie in one
// county, which approves it (with the action's lead department) and
// accepts it when done: a cross-county effort is one project per county,
// so that every project has one county answering for it.
type Project struct {
	ID           string
	Seq          int64
	Name         string
	Description  string
	Parties      []ProjectParty // exactly one lead (LeadOrgID)
	CountyCode   string         // the county of its villages, set by the store
	County       string         // filled on read
	Villages     []string       // village codes, one or more
	VillageNames []string       // filled on read, in the order of Villages
	VillageTowns []string       // their townships' names, filled on read: a county may have two villages of one name
	Action       Action
	PairingID    string   // the pairing it grew from, optional
	NeedIDs      []string // the needs it answers, optional; completing it marks them done
	Key          bool     // 重点项目: the prefecture admin alone sets it
	Budget       []ProjectBudget
	Spending     []ProjectSpending // filled on read of one project
	// Spent is the sum of the spending entries, filled on every read
	// (lists too, where the entries themselves are not).
	Spent     int64
	People    []ProjectPeople
	StartDate string
	EndDate   string
	Status    ProjectStatus
	Reason    string // why it was returned or stopped
	Version   int
	CreatedAt time.Time
	CreatedBy string
	UpdatedAt time.Time
	UpdatedBy string
	// LeadDepartments are the departments that lead the project's action
	// (牵头部门), filled on read: they review it as the county does.
	LeadDepartments []string
}

// LeadOrgID is the lead organization's id, or "" if none is named.
func (p *Project) LeadOrgID() string {
	for _, pt := range p.Parties {
		if pt.Role == PartyLead {
			return pt.OrgID
		}
	}
	return ""
}

// LeadOrg is the lead organization's name.
func (p *Project) LeadOrg() string {
	for _, pt := range p.Parties {
		if pt.Role == PartyLead {
			return pt.Org
		}
	}
	return ""
}

// OrgIDs are the organizations taking part, the lead first.
func (p *Project) OrgIDs() []string {
	var out []string
	for _, pt := range p.Parties {
		out = append(out, pt.OrgID)
	}
	return out
}

// BudgetFen sums the budget, the revised figure where there is one.
func (p *Project) BudgetFen() int64 {
	var sum int64
	for _, b := range p.Budget {
		if b.RevisedFen > 0 {
			sum += b.RevisedFen
		} else {
			sum += b.OriginalFen
		}
	}
	return sum
}

// SpentFen sums the spending entries.
func (p *Project) SpentFen() int64 {
	var sum int64
	for _, s := range p.Spending {
		sum += s.AmountFen
	}
	return sum
}

// ParseFundSource accepts a source's code or its Chinese name.
func ParseFundSource(s string) (FundSource, bool) {
	s = strings.TrimSpace(s)
	for _, f := range FundSources {
		if s == string(f) || s == f.Label() {
			return f, true
		}
	}
	return "", false
}

// Limits of a project's lists: more is a typing error, not a project.
const (
	MaxProjectVillages = 50
	MaxProjectParties  = 20
	MaxProjectNeeds    = 50
)

// Normalize trims the project's text fields.
func (p *Project) Normalize() {
	p.Name = strings.TrimSpace(p.Name)
	p.Description = strings.TrimSpace(p.Description)
	p.StartDate = strings.TrimSpace(p.StartDate)
	p.EndDate = strings.TrimSpace(p.EndDate)
	p.PairingID = strings.TrimSpace(p.PairingID)
}

// Validate checks the project's own fields and reports every bad one at
// once (a Problems list); the store checks that the organizations,
// villages, pairing and needs exist and fit together.
func (p *Project) Validate() error {
	p.Normalize()
	var pr Problems
	if p.Name == "" {
		pr.Addf("name", "项目名称不能为空")
	} else {
		pr.Add(CheckLine("name", "项目名称", p.Name, 60))
	}
	pr.Add(CheckText("description", "项目简介", p.Description, MaxFreeTextRunes))
	if act, ok := ParseAction(string(p.Action)); ok {
		p.Action = act
	} else {
		pr.Addf("action", "请选择五项行动之一")
	}
	leads := 0
	seen := map[string]bool{}
	for _, pt := range p.Parties {
		switch {
		case !slices.Contains(PartyRoles, pt.Role):
			pr.Addf("parties", "参与单位的角色“%s”无效（可选：牵头单位、合作单位、捐赠单位）", pt.Role)
		case pt.OrgID == "" || !IsID(pt.OrgID):
			pr.Addf("parties", "参与单位不存在")
		case seen[pt.OrgID]:
			pr.Addf("parties", "同一社会组织在参与单位中只能出现一次")
		case pt.AmountFen < 0 || pt.AmountFen > MaxFen:
			pr.Addf("parties", "参与单位的投入金额应为0至%d元", int64(MaxFen/100))
		}
		seen[pt.OrgID] = true
		if pt.Role == PartyLead {
			leads++
		}
	}
	if leads != 1 && !pr.Has("parties") {
		pr.Addf("parties", "参与单位中应有且只有一个牵头单位")
	}
	if len(p.Parties) > MaxProjectParties {
		pr.Addf("parties", "参与单位不能超过%d个", MaxProjectParties)
	}
	if len(p.Villages) == 0 {
		pr.Addf("villages", "请选择项目所在的村（至少一个）")
	}
	if len(p.Villages) > MaxProjectVillages {
		pr.Addf("villages", "项目所在的村不能超过%d个", MaxProjectVillages)
	}
	for i, v := range p.Villages {
		if !IsID(v) {
			pr.Addf("villages", "村“%s”不存在", v)
		} else if slices.Contains(p.Villages[:i], v) {
			pr.Addf("villages", "村“%s”重复", v)
		}
	}
	pr.Add(CheckRef("pairing", "结对", p.PairingID))
	if len(p.NeedIDs) > MaxProjectNeeds {
		pr.Addf("needs", "关联的需求不能超过%d个", MaxProjectNeeds)
	}
	for _, id := range p.NeedIDs {
		pr.Add(CheckRef("needs", "需求", id))
	}
	sources := map[FundSource]bool{}
	for _, b := range p.Budget {
		switch {
		case !slices.Contains(FundSources, b.Source):
			pr.Addf("budget", "资金来源“%s”无效（可选：自有资金、专项资金、社会捐赠、政府购买服务）", b.Source)
		case sources[b.Source]:
			pr.Addf("budget", "资金来源“%s”重复", b.Source.Label())
		case b.OriginalFen < 0 || b.OriginalFen > MaxFen || b.RevisedFen < 0 || b.RevisedFen > MaxFen:
			pr.Addf("budget", "预算金额应为0至%d元", int64(MaxFen/100))
		}
		sources[b.Source] = true
	}
	cats := map[string]bool{}
	for _, pp := range p.People {
		switch {
		case !slices.Contains(BeneficiaryCategories, pp.Category):
			pr.Addf("people", "未知的受益人群类别“%s”", pp.Category)
		case cats[pp.Category]:
			pr.Addf("people", "受益人群类别“%s”重复", pp.Category)
		case pp.Target < 0 || pp.Target > MaxPeople || pp.Reached < 0 || pp.Reached > MaxPeople:
			pr.Addf("people", "受益人数应为0至%d", MaxPeople)
		}
		cats[pp.Category] = true
	}
	if p.StartDate == "" {
		pr.Addf("start_date", "请填写开始日期")
	} else if d, err := ParseDate("start_date", p.StartDate); err != nil {
		pr.Add(err)
	} else {
		p.StartDate = d
	}
	if p.EndDate != "" {
		if d, err := ParseDate("end_date", p.EndDate); err != nil {
			pr.Add(err)
		} else {
			p.EndDate = d
			if !pr.Has("start_date") && d < p.StartDate {
				pr.Addf("end_date", "结束日期不能早于开始日期")
			}
		}
	}
	pr.Add(CheckVersion(p.Version))
	return pr.Err()
}

// Validate checks one spending entry.
func (e *ProjectSpending) Validate() error {
	var pr Problems
	e.Note = strings.TrimSpace(e.Note)
	if strings.TrimSpace(e.Date) == "" {
		pr.Addf("date", "请填写支出日期")
	} else if d, err := ParseDate("date", e.Date); err != nil {
		pr.Add(err)
	} else {
		e.Date = d
	}
	if !slices.Contains(FundSources, e.Source) {
		pr.Addf("source", "请选择资金来源（自有资金、专项资金、社会捐赠、政府购买服务）")
	}
	if e.AmountFen <= 0 || e.AmountFen > MaxFen {
		pr.Addf("amount", "支出金额应大于0且不超过%d元", int64(MaxFen/100))
	}
	pr.Add(CheckLine("note", "支出说明", e.Note, MaxNoteRunes))
	return pr.Err()
}

// FromPairing fills a new project from the pairing it grows out of (立项):
// the paired organization leads it, in the pairing's village, under its
// action, answering the need the pairing was made on.
func (p *Project) FromPairing(pr *Pairing) {
	p.PairingID, p.Action = pr.ID, pr.Action
	p.Parties = []ProjectParty{{OrgID: pr.OrgID, Org: pr.Org, Role: PartyLead}}
	if pr.VillageCode != "" {
		p.Villages, p.VillageNames = []string{pr.VillageCode}, []string{pr.Village}
	}
	if pr.NeedID != "" {
		p.NeedIDs = []string{pr.NeedID}
	}
}
