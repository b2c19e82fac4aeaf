package zhuxiang

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// ReportStatus is where a progress report (项目进展报告) is in its
// lifecycle (ReportTransitions in lifecycle.go).
type ReportStatus string

// Report statuses.
const (
	ReportSubmitted ReportStatus = "submitted" // 待村确认
	ReportConfirmed ReportStatus = "confirmed" // 村已确认
	ReportDisputed  ReportStatus = "disputed"  // 村有异议: the reason says why
)

// ReportStatuses lists the statuses in lifecycle order.
var ReportStatuses = []ReportStatus{ReportSubmitted, ReportConfirmed, ReportDisputed}

// Label is the status's Chinese name.
func (s ReportStatus) Label() string {
	switch s {
	case ReportSubmitted:
		return "待村确认"
	case ReportConfirmed:
		return "村已确认"
	case ReportDisputed:
		return "村有异议"
	}
	return string(s)
}

// ReportLive is the project states in which its lead organization reports
// progress: once it runs, and until it is accepted. An approved project
// that has not started has nothing to report; a completed or stopped one
// reports no more, and nothing said about it can be disputed any more.
var ReportLive = []ProjectStatus{ProjectRunning, ProjectAwaiting}

// Limits of one report.
const (
	// MaxReportFiles bounds a report's photos and PDFs: a page of
	// thumbnails, and a request of at most some 60 MB.
	MaxReportFiles = 6
	// MaxReportSpending bounds the spending entries one report records.
	MaxReportSpending = 10
)

// ReportPeople is how many people of one category a project has reached
// in all, as a report states it: the project's Reached for the category
// becomes this figure (a report says where things stand, so a later report
// corrects an earlier one instead of adding to it).
type ReportPeople struct {
	Category string
	Reached  int
}

// ProjectReport is a progress report (进展报告) of a running project: what
// was done, the people reached, what was spent, with photos or PDFs. The
// project's village confirms it or disputes it (双向确认); while a report
// is disputed the project cannot be completed.
type ProjectReport struct {
	ID        string
	ProjectID string
	Date      string // YYYY-MM-DD: the day the figures stand at
	Text      string
	People    []ReportPeople
	Spending  []ProjectSpending // recorded with the report into the project's spending
	Files     []Attachment      // filled by the store, in the order uploaded
	Status    ReportStatus
	Reason    string // why the village disputes it
	Answer    string // the lead organization's answer to the dispute
	// VillageAccount says whether one of the project's villages has a
	// user who can confirm (filled on read): when none has, the county
	// confirms on the village's behalf (CanReport).
	VillageAccount bool
	Version        int
	CreatedAt      time.Time
	CreatedBy      string
	UpdatedAt      time.Time
	UpdatedBy      string
}

// SpentFen sums the report's spending entries.
func (r *ProjectReport) SpentFen() int64 {
	var sum int64
	for _, s := range r.Spending {
		sum += s.AmountFen
	}
	return sum
}

// Validate checks the report's own fields and reports every bad one at
// once; the spending entries are checked one by one (field "spending",
// the entry's number in the message). Attachments are vetted by package
// attach, the project's state by CanWriteReport.
func (r *ProjectReport) Validate() error {
	var pr Problems
	r.Text = strings.TrimSpace(r.Text)
	if strings.TrimSpace(r.Date) == "" {
		pr.Addf("date", "请填写报告日期")
	} else if d, err := ParseDate("date", r.Date); err != nil {
		pr.Add(err)
	} else {
		r.Date = d
	}
	if r.Text == "" {
		pr.Addf("text", "请填写进展情况")
	} else {
		pr.Add(CheckText("text", "进展情况", r.Text, MaxFreeTextRunes))
	}
	seen := map[string]bool{}
	for _, p := range r.People {
		switch {
		case !slices.Contains(BeneficiaryCategories, p.Category):
			pr.Addf("people", "未知的受益人群类别“%s”", p.Category)
		case seen[p.Category]:
			pr.Addf("people", "受益人群类别“%s”重复", p.Category)
		case p.Reached < 0 || p.Reached > MaxPeople:
			pr.Addf("people", "已惠及人数应为0至%d", MaxPeople)
		}
		seen[p.Category] = true
	}
	if len(r.Spending) > MaxReportSpending {
		pr.Addf("spending", "一份报告最多登记%d笔支出", MaxReportSpending)
	}
	for i := range r.Spending {
		if err := r.Spending[i].Validate(); err != nil {
			pr.Addf("spending", "第%d笔支出：%s", i+1, ErrorMessage(err))
		}
	}
	pr.Add(CheckVersion(r.Version))
	return pr.Err()
}

// ApplyPeople sets the project's people reached to the report's figures,
// adding a category the project did not name with no target.
func ApplyPeople(p *Project, people []ReportPeople) {
	for _, rp := range people {
		i := slices.IndexFunc(p.People, func(pp ProjectPeople) bool { return pp.Category == rp.Category })
		if i < 0 {
			p.People = append(p.People, ProjectPeople{Category: rp.Category, Reached: rp.Reached})
			continue
		}
		p.People[i].Reached = rp.Reached
	}
}

// PeopleText spells the figures for a list or an audit entry: "村民 80人、留守儿童 12人".
func PeopleText(people []ReportPeople) string {
	parts := make([]string, 0, len(people))
	for _, p := range people {
		parts = append(parts, p.Category+" "+strconv.Itoa(p.Reached)+"人")
	}
	return strings.Join(parts, "、")
}
