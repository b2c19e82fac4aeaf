package zhuxiang

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// CaseCall is a call for cases (案例征集活动) the prefecture opens: a theme
// and a period. Whether it takes submissions follows from its dates alone
// (Status): a call the admin wants to end early gets an earlier closing
// date, so there is one truth, the dates, and nothing to forget to close.
type CaseCall struct {
	ID          string
	Seq         int64
	Theme       string
	Description string
	OpensOn     string // YYYY-MM-DD, the first day cases may be submitted
	ClosesOn    string // YYYY-MM-DD, the last day
	Version     int
	CreatedAt   time.Time
	CreatedBy   string
	UpdatedAt   time.Time
	UpdatedBy   string
	// Counts, filled on read of a list or of one call.
	Cases     int // every case but the drafts
	Published int
}

// CallStatus is where a call stands on a day.
type CallStatus string

// Call statuses.
const (
	CallUpcoming CallStatus = "upcoming" // 未开始
	CallOpen     CallStatus = "open"     // 征集中
	CallClosed   CallStatus = "closed"   // 已截止
)

// Label is the status's Chinese name.
func (s CallStatus) Label() string {
	switch s {
	case CallUpcoming:
		return "未开始"
	case CallOpen:
		return "征集中"
	case CallClosed:
		return "已截止"
	}
	return string(s)
}

// Status is the call's status on day today (YYYY-MM-DD): dates of that
// form compare as text.
func (c *CaseCall) Status(today string) CallStatus {
	switch {
	case today < c.OpensOn:
		return CallUpcoming
	case today > c.ClosesOn:
		return CallClosed
	}
	return CallOpen
}

// Normalize trims the call's fields.
func (c *CaseCall) Normalize() {
	c.Theme = strings.TrimSpace(c.Theme)
	c.Description = strings.TrimSpace(c.Description)
	c.OpensOn = strings.TrimSpace(c.OpensOn)
	c.ClosesOn = strings.TrimSpace(c.ClosesOn)
}

// Validate checks the call and reports every bad field at once.
func (c *CaseCall) Validate() error {
	c.Normalize()
	var pr Problems
	if c.Theme == "" {
		pr.Addf("theme", "请填写征集主题")
	} else {
		pr.Add(CheckLine("theme", "征集主题", c.Theme, 60))
	}
	pr.Add(CheckText("description", "征集说明", c.Description, MaxFreeTextRunes))
	for _, d := range []struct {
		field, label string
		v            *string
	}{{"opens_on", "开始日期", &c.OpensOn}, {"closes_on", "截止日期", &c.ClosesOn}} {
		if *d.v == "" {
			pr.Addf(d.field, "请填写%s", d.label)
		} else if s, err := ParseDate(d.field, *d.v); err != nil {
			pr.Add(err)
		} else {
			*d.v = s
		}
	}
	if !pr.Has("opens_on") && !pr.Has("closes_on") && c.ClosesOn < c.OpensOn {
		pr.Addf("closes_on", "截止日期不能早于开始日期")
	}
	pr.Add(CheckVersion(c.Version))
	return pr.Err()
}

// CaseStatus is where a case (案例) is in its lifecycle (CaseTransitions).
type CaseStatus string

// Case statuses, in lifecycle order. Scoring happens while a case is
// submitted: a score is not a state, the admin decides after it.
const (
	CaseDraft       CaseStatus = "draft"        // 草稿
	CaseSubmitted   CaseStatus = "submitted"    // 待评审
	CaseSelected    CaseStatus = "selected"     // 已入选
	CasePublished   CaseStatus = "published"    // 已发布
	CaseNotSelected CaseStatus = "not_selected" // 未入选
)

// CaseStatuses lists the statuses in lifecycle order.
var CaseStatuses = []CaseStatus{CaseDraft, CaseSubmitted, CaseSelected, CasePublished, CaseNotSelected}

// Label is the status's Chinese name.
func (s CaseStatus) Label() string {
	switch s {
	case CaseDraft:
		return "草稿"
	case CaseSubmitted:
		return "待评审"
	case CaseSelected:
		return "已入选"
	case CasePublished:
		return "已发布"
	case CaseNotSelected:
		return "未入选"
	}
	return string(s)
}

// Case is a case submitted to a call (案例): what an organization or a
// county did, told for others to learn from, with photos and the projects
// it is about. OrgID is the submitting organization; a case a county
// submits has none and is its county's.
type Case struct {
	ID         string
	Seq        int64
	CallID     string
	CallTheme  string     // filled on read
	CallStatus CallStatus // filled on read, as of the store's today
	Title      string
	Body       string
	OrgID      string // "" for a county's own case
	Org        string // filled on read
	CountyCode string // the submitter's county: the organization's, or the county user's
	County     string // filled on read
	ProjectIDs []string
	Projects   []CaseProject // filled on read of one case
	Photos     []Attachment  // in the order shown; the first is the cover
	Status     CaseStatus
	Reason     string // why it was not selected
	Version    int
	CreatedAt  time.Time
	CreatedBy  string
	UpdatedAt  time.Time
	UpdatedBy  string
	// PublishedOn is the day it was published (YYYY-MM-DD), "" before.
	PublishedOn string
	// The scores: how many reviewers scored it and the mean of their
	// totals, filled on read.
	Scores    int
	MeanScore float64
}

// CaseProject is a project a case is linked to, as the case shows it.
type CaseProject struct {
	ID, Name, County string
}

// Submitter names who submitted the case: the organization, or the county.
func (c *Case) Submitter() string {
	if c.OrgID != "" {
		return c.Org
	}
	return c.County
}

// Cover is the case's first photo, if any.
func (c *Case) Cover() (Attachment, bool) {
	if len(c.Photos) == 0 {
		return Attachment{}, false
	}
	return c.Photos[0], true
}

// Mean is the mean score as a page shows it, one decimal.
func (c *Case) Mean() string {
	if c.Scores == 0 {
		return "—"
	}
	return strconv.FormatFloat(c.MeanScore, 'f', 1, 64)
}

// Limits of a case.
const (
	MaxCaseBodyRunes = 6000
	MaxCasePhotos    = 6
	MaxCaseProjects  = 10
)

// Normalize trims the case's text.
func (c *Case) Normalize() {
	c.Title = strings.TrimSpace(c.Title)
	c.Body = strings.TrimSpace(c.Body)
	c.CallID = strings.TrimSpace(c.CallID)
}

// Validate checks the case's own fields; the store checks that its call
// and projects exist and that the projects are the submitter's.
func (c *Case) Validate() error {
	c.Normalize()
	var pr Problems
	pr.Add(CheckRef("call", "征集活动", c.CallID))
	if c.CallID == "" {
		pr.Addf("call", "请选择征集活动")
	}
	if c.Title == "" {
		pr.Addf("title", "请填写案例标题")
	} else {
		pr.Add(CheckLine("title", "案例标题", c.Title, 60))
	}
	if c.Body == "" {
		pr.Addf("body", "请填写案例正文")
	} else {
		pr.Add(CheckText("body", "案例正文", c.Body, MaxCaseBodyRunes))
	}
	if len(c.ProjectIDs) > MaxCaseProjects {
		pr.Addf("projects", "关联的项目不能超过%d个", MaxCaseProjects)
	}
	for i, id := range c.ProjectIDs {
		if err := CheckRef("projects", "项目", id); err != nil {
			pr.Add(err)
		} else if slices.Contains(c.ProjectIDs[:i], id) {
			pr.Addf("projects", "关联的项目重复")
		}
	}
	pr.Add(CheckVersion(c.Version))
	return pr.Err()
}

// CaseCriterion is one line of the scoring form, with its full marks.
type CaseCriterion struct {
	Key   string
	Label string
	Max   int
	Hint  string
}

// CaseCriteria is the scoring form (评分表): four criteria adding up to 100.
var CaseCriteria = []CaseCriterion{
	{"impact", "帮扶成效", 40, "受益人数、增收和村里确认的实际变化"},
	{"innovation", "创新性", 20, "做法是否新颖、因地制宜"},
	{"sustainability", "可持续性", 20, "项目结束后能否持续，村里能否接得住"},
	{"demonstration", "示范推广价值", 20, "其他村、其他组织能否借鉴复制"},
}

// CaseScore is one reviewer's scores of one case. A reviewer scores a
// case once; scoring again replaces the earlier scores.
type CaseScore struct {
	CaseID     string
	ReviewerID string
	Reviewer   string
	Points     map[string]int // by CaseCriterion.Key
	Comment    string
	At         time.Time
}

// Total sums the points.
func (s *CaseScore) Total() int {
	t := 0
	for _, c := range CaseCriteria {
		t += s.Points[c.Key]
	}
	return t
}

// Validate checks every criterion is scored within its range.
func (s *CaseScore) Validate() error {
	var pr Problems
	for _, c := range CaseCriteria {
		v, ok := s.Points[c.Key]
		if !ok {
			pr.Addf(c.Key, "请为“%s”打分（0至%d分）", c.Label, c.Max)
		} else if v < 0 || v > c.Max {
			pr.Addf(c.Key, "“%s”的得分应为0至%d分", c.Label, c.Max)
		}
	}
	for k := range s.Points {
		if !slices.ContainsFunc(CaseCriteria, func(c CaseCriterion) bool { return c.Key == k }) {
			pr.Addf("scores", "未知的评分项“%s”", k)
		}
	}
	s.Comment = strings.TrimSpace(s.Comment)
	pr.Add(CheckText("comment", "评审意见", s.Comment, MaxReasonRunes))
	return pr.Err()
}

// EncodePoints spells the points as "impact:35;innovation:15;…", in the
// form's order, as the store keeps them.
func (s *CaseScore) EncodePoints() string {
	parts := make([]string, 0, len(CaseCriteria))
	for _, c := range CaseCriteria {
		parts = append(parts, c.Key+":"+strconv.Itoa(s.Points[c.Key]))
	}
	return strings.Join(parts, ";")
}

// DecodeCasePoints reads what EncodePoints wrote.
func DecodeCasePoints(text string) map[string]int {
	out := map[string]int{}
	for _, part := range strings.Split(text, ";") {
		if k, v, ok := strings.Cut(part, ":"); ok {
			n, _ := strconv.Atoi(v)
			out[k] = n
		}
	}
	return out
}
