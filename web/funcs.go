package web

import (
	"fmt"
	"html/template"
	"slices"
	"strings"
	"time"

	"zhuxiang"
	"zhuxiang/store"
)

// funcs are the helpers templates may call. They are pure formatting, so
// that pages stay free of logic that the API would have to repeat.
func (s *server) funcs() template.FuncMap {
	return template.FuncMap{
		"date":        s.date,
		"datetime":    s.datetime,
		"asset":       s.assetURL,
		"who":         zhuxiang.ActorLabel,
		"lapse":       s.lapseNote,
		"hasKind":     func(ks []zhuxiang.OrgKind, k zhuxiang.OrgKind) bool { return slices.Contains(ks, k) },
		"hasTag":      func(ts []zhuxiang.VillageTag, t zhuxiang.VillageTag) bool { return slices.Contains(ts, t) },
		"orgKinds":    func() []zhuxiang.OrgKind { return zhuxiang.OrgKinds },
		"villageTags": func() []zhuxiang.VillageTag { return zhuxiang.VillageTags },
		"actions":     func() []zhuxiang.Action { return zhuxiang.Actions },
		"roles":       func() []zhuxiang.Role { return zhuxiang.Roles },
		"legalForms": func() []zhuxiang.LegalForm {
			return []zhuxiang.LegalForm{zhuxiang.LegalAssociation, zhuxiang.LegalService, zhuxiang.LegalFoundation, zhuxiang.LegalOther}
		},
		"inspResults": func() []string {
			return []string{zhuxiang.InspectionPass, zhuxiang.InspectionBasic, zhuxiang.InspectionFail}
		},
		"ratings":     func() []int { return []int{1, 2, 3, 4, 5} },
		"deptRole":    deptRole,
		"countyName":  func(m map[string]string, code string) string { return m[code] },
		"inc":         func(i int) int { return i + 1 },
		"importLabel": func(k string) string { return importLabels[k] },
		"canImport": func(a zhuxiang.Actor, kind string) bool {
			return zhuxiang.CanImport(a, zhuxiang.ImportKind(kind)) == nil
		},
		"place":                 place,
		"options":               selectOptions,
		"yuan":                  yuan,
		"wan":                   wan,
		"urgency":               zhuxiang.UrgencyLabel,
		"needBadge":             needBadge,
		"projectBadge":          projectBadge,
		"reportBadge":           reportBadge,
		"brandBadge":            brandBadge,
		"caseBadge":             caseBadge,
		"callBadge":             callBadge,
		"thumbSize":             thumbSize,
		"criteria":              func() []zhuxiang.CaseCriterion { return zhuxiang.CaseCriteria },
		"matchBadge":            matchBadge,
		"offerBadge":            offerBadge,
		"hasString":             func(ss []string, s string) bool { return slices.Contains(ss, s) },
		"beneficiaryCategories": func() []string { return zhuxiang.BeneficiaryCategories },
		"needCategories":        needCategories,
		"offerKinds":            func() []zhuxiang.OfferKind { return zhuxiang.OfferKinds },
		"urgencies":             func() []int { return []int{zhuxiang.UrgencyNormal, zhuxiang.UrgencyHigh, zhuxiang.UrgencyUrgent} },
	}
}

// lapseNote says how long a pending interest has left before it lapses
// unanswered, by the store's clock (the one LapseMatches reads); "" for an
// interest that cannot lapse.
func (s *server) lapseNote(m *zhuxiang.Match) string {
	days, ok := m.DaysLeft(s.st.Now())
	switch {
	case !ok:
		return ""
	case days == 0:
		return "已到期，即将自动过期"
	}
	return fmt.Sprintf("还剩 %d 天：逾期未回应将自动过期", days)
}

// needBadge picks the badge colour of a need's status; the badge always
// carries the status's words too, colour only helps.
func needBadge(s zhuxiang.NeedStatus) string {
	switch s {
	case zhuxiang.NeedSubmitted:
		return "badge-warn"
	case zhuxiang.NeedRejected:
		return "badge-danger"
	case zhuxiang.NeedOpen:
		return "badge-rating"
	case zhuxiang.NeedMatched, zhuxiang.NeedDone:
		return "badge-ok"
	}
	return "badge-todo"
}

// matchBadge picks the badge colour of a match's status.
func matchBadge(s zhuxiang.MatchStatus) string {
	switch s {
	case zhuxiang.MatchPending, zhuxiang.MatchAccepted:
		return "badge-warn"
	case zhuxiang.MatchConfirmed:
		return "badge-ok"
	case zhuxiang.MatchDeclined:
		return "badge-danger"
	}
	return "badge-todo"
}

// offerBadge picks the badge colour of an offer's status.
func offerBadge(s zhuxiang.OfferStatus) string {
	switch s {
	case zhuxiang.OfferOpen:
		return "badge-ok"
	case zhuxiang.OfferPaused:
		return "badge-warn"
	}
	return "badge-todo"
}

// needCategories is every suggested category once, in the plan's order of
// actions, for the form's datalist: without script the list cannot follow
// the chosen action, and the field is free text anyway.
func needCategories() []string {
	var out []string
	for _, a := range zhuxiang.Actions {
		for _, c := range zhuxiang.NeedCategories[a] {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}

// date shows a day as 2026-11-30, from a time or from a stored date text.
func (s *server) date(v any) string {
	switch t := v.(type) {
	case time.Time:
		if t.IsZero() {
			return ""
		}
		return t.In(s.loc).Format(zhuxiang.DateLayout)
	case string:
		return t
	}
	return fmt.Sprint(v)
}

// datetime shows a moment in Beijing time to the minute.
func (s *server) datetime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(s.loc).Format("2006-01-02 15:04")
}

// assetURL names a static file with its content hash, which lets browsers
// keep it for a year and still see every new release at once.
func (s *server) assetURL(name string) string {
	if a := s.assets[name]; a != nil {
		return "/static/" + name + "?v=" + a.hash
	}
	return "/static/" + name
}

// deptRole tells whether d leads (牵头) or cooperates (配合) on a, or "".
func deptRole(d *zhuxiang.Department, a zhuxiang.Action) string {
	for _, r := range d.Roles {
		if r.Action == a {
			if r.Lead {
				return "lead"
			}
			return "coop"
		}
	}
	return ""
}

// Can tells the layout which navigation entries the user may use; the
// store refuses the rest anyway, this only avoids offering dead ends.
func (v *view) Can(area string) bool {
	if v.User == nil {
		return false
	}
	a := v.Actor
	switch area {
	case "orgs":
		return zhuxiang.CanSeeOrgs(a) == nil
	case "createOrg":
		return zhuxiang.CanCreateOrg(a) == nil
	case "import":
		return zhuxiang.CanImport(a, "") == nil
	case "plan":
		return zhuxiang.CanSeeAllocations(a) == nil
	case "matches":
		return !zhuxiang.MatchScope(a).None()
	case "projects":
		return !zhuxiang.ProjectScope(a).None()
	case "brands", "cases":
		// Every signed-in user reads the brands and the published cases at least.
		return zhuxiang.SignedIn(a)
	case "users", "admin":
		return zhuxiang.CanManageUsers(a) == nil
	case "audit":
		return zhuxiang.CanSeeAuditLog(a) == nil
	}
	return true
}

// option is one entry of a select.
type option struct{ Value, Label string }

// selectList is what the "options" template (layout.html) writes: the
// <option> elements of a filter with one selected.
type selectList struct {
	Opts     []option
	Selected string
}

// selectOptions pairs a filter's options with the value now chosen, for
// {{template "options" (options $opts $value)}}.
func selectOptions(opts []option, selected string) selectList {
	return selectList{Opts: opts, Selected: selected}
}

// Option lists that never change, built once.
var (
	kindOptions   []option
	formOptions   []option
	ratingOptions = []option{{"1", "1A"}, {"2", "2A"}, {"3", "3A"}, {"4", "4A"}, {"5", "5A"}, {"none", "未评估"},
		{"lapsed", "等级已过期"}, {"expiring", "等级即将到期"}}
	inspectionOptions = []option{{"overdue", "年检逾期"}, {"due", "上年度年检待完成"}}
	flagOptions       = []option{{"abnormal", "活动异常"}, {"dishonest", "严重违法失信"}, {"any", "任一名录"}, {"none", "未列入"}}
)

func init() {
	for _, k := range zhuxiang.OrgKinds {
		kindOptions = append(kindOptions, option{string(k), k.Label()})
	}
	for _, f := range []zhuxiang.LegalForm{zhuxiang.LegalAssociation, zhuxiang.LegalService, zhuxiang.LegalFoundation, zhuxiang.LegalOther} {
		formOptions = append(formOptions, option{string(f), f.Label()})
	}
}

// importedSummary says what one batch of an import created: how many, which
// rows, and the first few names (each record's own page shows its line).
func importedSummary(entity string, b store.ImportedBatch) []string {
	first, last := b.Records[0], b.Records[len(b.Records)-1]
	var names []string
	for _, r := range b.Records[:min(3, len(b.Records))] {
		names = append(names, r.Name)
	}
	list := strings.Join(names, "、")
	if len(b.Records) > len(names) {
		list += fmt.Sprintf("等%d个", len(b.Records))
	}
	kind, ok := zhuxiang.AuditEntityLabel(entity)
	if !ok {
		kind = "记录"
	}
	return []string{fmt.Sprintf("新增%s：%d个", kind, b.Count), fmt.Sprintf("导入行号：第%d–%d行", first.Row, last.Row), "名称：" + list}
}

// place shows a place written as names separated by spaces (和静县 巴伦台镇
// 阳光村) with each name kept whole on a phone: the line breaks between
// the names, never inside 焉耆回族自治县.
func place(s string) template.HTML {
	var b strings.Builder
	for i, name := range strings.Fields(s) {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(`<span class="nowrap">`)
		b.WriteString(template.HTMLEscapeString(name))
		b.WriteString(`</span>`)
	}
	return template.HTML(b.String())
}
