package zhuxiang

import (
	"strings"
	"time"
)

// BrandLevel is who recognised a brand (项目品牌): the prefecture or one
// county.
type BrandLevel string

// Brand levels.
const (
	BrandPrefecture BrandLevel = "prefecture" // 州级
	BrandCounty     BrandLevel = "county"     // 县级: the brand names its county
)

// BrandLevels lists the levels in display order.
var BrandLevels = []BrandLevel{BrandPrefecture, BrandCounty}

// Label is the level's Chinese name.
func (l BrandLevel) Label() string {
	switch l {
	case BrandPrefecture:
		return "州级"
	case BrandCounty:
		return "县级"
	}
	return string(l)
}

// ParseBrandLevel accepts a level's code or its Chinese name.
func ParseBrandLevel(s string) (BrandLevel, bool) {
	s = strings.TrimSpace(s)
	for _, l := range BrandLevels {
		if s == string(l) || s == l.Label() {
			return l, true
		}
	}
	return "", false
}

// BrandStatus is where a brand is in its lifecycle (BrandTransitions in
// lifecycle.go): the public sees published brands only.
type BrandStatus string

// Brand statuses.
const (
	BrandDraft     BrandStatus = "draft"     // 未发布: being prepared by the prefecture
	BrandPublished BrandStatus = "published" // 已发布: on the public site
	BrandWithdrawn BrandStatus = "withdrawn" // 已撤下: the reason says why
)

// BrandStatuses lists the statuses in lifecycle order.
var BrandStatuses = []BrandStatus{BrandDraft, BrandPublished, BrandWithdrawn}

// Label is the status's Chinese name.
func (s BrandStatus) Label() string {
	switch s {
	case BrandDraft:
		return "未发布"
	case BrandPublished:
		return "已发布"
	case BrandWithdrawn:
		return "已撤下"
	}
	return string(s)
}

// BrandProjectStatuses are the states a project may be in to form a brand:
// it has been approved and is under way or done. A draft or a project
// under review has not been checked by its county, and a stopped one is
// not something to show off.
var BrandProjectStatuses = []ProjectStatus{ProjectRunning, ProjectAwaiting, ProjectCompleted}

// BrandProject is what a brand shows of one of its projects, filled on
// read: names, places and figures, nothing about a person.
type BrandProject struct {
	ID            string
	Name          string
	Status        ProjectStatus
	Key           bool
	LeadOrg       string
	CountyCode    string
	County        string
	Villages      []string // village codes
	VillageNames  []string
	BudgetFen     int64 // Project.BudgetFen
	SpentFen      int64 // Project.SpentFen
	PeopleTarget  int
	PeopleReached int
}

// Brand is a project brand (项目品牌): the prefecture recognises one or
// more projects as a brand to be publicised, at the prefecture's level or
// a county's. Its figures are the sums of its projects' (Figures), never
// stored on the brand.
type Brand struct {
	ID          string
	Seq         int64
	Name        string
	Level       BrandLevel
	CountyCode  string // a county brand's county; "" for a prefecture brand
	County      string // filled on read
	Year        int    // the year it was recognised
	Description string
	Logo        Attachment // Logo.SHA == "" when it has none
	ProjectIDs  []string   // one or more, in the order the brand lists them
	Projects    []BrandProject
	Status      BrandStatus
	Reason      string // why it was withdrawn
	Version     int
	CreatedAt   time.Time
	CreatedBy   string
	UpdatedAt   time.Time
	UpdatedBy   string
}

// Limits of a brand.
const (
	MaxBrandProjects = 30
	MinBrandYear     = 2020 // the programme's brands are recognised from 2020 on
	MaxBrandYear     = 2100
)

// HasLogo says whether the brand has a logo to show.
func (b *Brand) HasLogo() bool { return b.Logo.SHA != "" }

// Public says whether anyone, without signing in, may see the brand.
func (b *Brand) Public() bool { return b.Status == BrandPublished }

// Normalize trims the brand's text fields.
func (b *Brand) Normalize() {
	b.Name = strings.TrimSpace(b.Name)
	b.Description = strings.TrimSpace(b.Description)
	b.CountyCode = strings.TrimSpace(b.CountyCode)
	for i, id := range b.ProjectIDs {
		b.ProjectIDs[i] = strings.TrimSpace(id)
	}
}

// Validate checks the brand's own fields and reports every bad one at once;
// the store checks that its county and projects exist, that the projects
// may form a brand and lie in a county brand's county.
func (b *Brand) Validate() error {
	b.Normalize()
	var pr Problems
	if b.Name == "" {
		pr.Addf("name", "品牌名称不能为空")
	} else {
		pr.Add(CheckLine("name", "品牌名称", b.Name, 40))
	}
	if l, ok := ParseBrandLevel(string(b.Level)); ok {
		b.Level = l
	} else {
		pr.Addf("level", "请选择品牌级别（州级或县级）")
	}
	switch {
	case b.Level == BrandCounty && b.CountyCode == "":
		pr.Addf("county", "县级品牌请选择所属县市")
	case b.Level == BrandCounty && !IsRegionCode(b.CountyCode):
		pr.Addf("county", "所选的县市不存在（区划代码无效）")
	case b.Level == BrandPrefecture:
		b.CountyCode = "" // a prefecture brand belongs to no county
	}
	if b.Year < MinBrandYear || b.Year > MaxBrandYear {
		pr.Addf("year", "认定年份应为%d至%d年", MinBrandYear, MaxBrandYear)
	}
	pr.Add(CheckText("description", "品牌介绍", b.Description, MaxFreeTextRunes))
	switch {
	case len(b.ProjectIDs) == 0:
		pr.Addf("projects", "请选择组成品牌的项目（至少一个）")
	case len(b.ProjectIDs) > MaxBrandProjects:
		pr.Addf("projects", "组成品牌的项目不能超过%d个", MaxBrandProjects)
	}
	seen := map[string]bool{}
	for _, id := range b.ProjectIDs {
		switch {
		case !IsID(id):
			// Not echoed: it is not an id, and may not even be text.
			pr.Addf("projects", "所选的项目不存在（项目编号无效）")
		case seen[id]:
			pr.Addf("projects", "项目“%s”重复", id)
		}
		seen[id] = true
	}
	pr.Add(CheckVersion(b.Version))
	return pr.Err()
}

// BrandFigures are a brand's figures, summed over its projects.
type BrandFigures struct {
	Projects      int
	BudgetFen     int64
	SpentFen      int64
	PeopleTarget  int
	PeopleReached int
	Villages      int // distinct villages
	Counties      int // distinct counties
}

// Figures sums the brand's projects (Projects, filled on read): money and
// people add up; a village or county that two projects share counts once.
func (b *Brand) Figures() BrandFigures {
	f := BrandFigures{Projects: len(b.Projects)}
	villages, counties := map[string]bool{}, map[string]bool{}
	for _, p := range b.Projects {
		f.BudgetFen += p.BudgetFen
		f.SpentFen += p.SpentFen
		f.PeopleTarget += p.PeopleTarget
		f.PeopleReached += p.PeopleReached
		for _, v := range p.Villages {
			villages[v] = true
		}
		if p.CountyCode != "" {
			counties[p.CountyCode] = true
		}
	}
	f.Villages, f.Counties = len(villages), len(counties)
	return f
}

// PeopleTotals sums a project's people, target and reached, over its
// categories.
func PeopleTotals(ps []ProjectPeople) (target, reached int) {
	for _, p := range ps {
		target += p.Target
		reached += p.Reached
	}
	return target, reached
}

// VillageList names the brand's villages once each, in the order its
// projects list them.
func (b *Brand) VillageList() []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range b.Projects {
		for i, v := range p.Villages {
			if !seen[v] && i < len(p.VillageNames) {
				seen[v] = true
				out = append(out, p.VillageNames[i])
			}
		}
	}
	return out
}
