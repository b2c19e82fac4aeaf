package store

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"zhuxiang"
)

// The work bench (工作台) puts first what waits for the signed-in user: one
// line per kind of to-do, each a count that links to the list showing
// exactly those records. The kinds are one table, todoKinds: a record type
// that brings work of its own (a project to confirm, a report to review)
// adds an entry there, naming its list's condition, and every role it
// concerns sees it, without a change to the page.
//
// A count is the list's own condition (needWhere, matchWhere, pairingWhere,
// orgWhere), the actor's scope included, counted up to CountCap as the
// lists count: a number on the work bench and the list behind it cannot
// disagree.

// Todo is one line of the work bench.
type Todo struct {
	Key   string // stable name of the kind: review, answer, …
	Label string // what waits, as the user reads it
	Hint  string // what to do about it, in a few words
	Link  string // the list, with its filter, that shows exactly these records
	Count int    // how many, up to CountCap
	More  bool   // Count reached CountCap: there are at least that many
	// Items names the first few records, for kinds that show them (the
	// interests about to lapse, with the days left).
	Items []TodoItem
}

// TodoItem is one record named on the work bench.
type TodoItem struct {
	Title string
	Place string
	Link  string
	Note  string
}

// CountyBacklog is one county's line of the prefecture admin's table: the
// county kinds of to-do (todoKind.county) counted in that county, each
// linking to its list filtered by the county.
type CountyBacklog struct {
	Code, Name string
	Todos      []Todo
	Total      int // the sum of the counts
}

// todoQuery is what a kind counts: the list's FROM clause and condition,
// and the column holding each record's county.
type todoQuery struct {
	from, cond string
	args       []any
	county     string
}

// todoKind is one kind of to-do.
type todoKind struct {
	key, label, hint string
	link             string // the list behind the count, with its filter
	roles            []zhuxiang.Role
	// county marks a county's work, which the prefecture admin sees county
	// by county (Backlog); link then takes "&county=" and the county code.
	county bool
	// query is the list's own condition for the actor, as of now.
	query func(a zhuxiang.Actor, now time.Time) (todoQuery, error)
	// items, when set, names the first few records (Todo.Items).
	items func(ctx context.Context, s *Store, a zhuxiang.Actor) ([]TodoItem, error)
}

// needTodo counts the needs list with filter f.
func needTodo(f NeedFilter) func(zhuxiang.Actor, time.Time) (todoQuery, error) {
	return func(a zhuxiang.Actor, _ time.Time) (todoQuery, error) {
		cond, args := needWhere(a, f)
		return todoQuery{from: needFrom, cond: cond, args: args, county: "n.county_code"}, nil
	}
}

// matchTodo counts the interests list with filter f.
func matchTodo(f MatchFilter) func(zhuxiang.Actor, time.Time) (todoQuery, error) {
	return func(a zhuxiang.Actor, now time.Time) (todoQuery, error) {
		cond, args := matchWhere(a, f, now)
		return todoQuery{from: ` FROM matches m`, cond: cond, args: args, county: "m.county_code"}, nil
	}
}

// pairingTodo counts the pairings list with filter f.
func pairingTodo(f PairingFilter) func(zhuxiang.Actor, time.Time) (todoQuery, error) {
	return func(a zhuxiang.Actor, _ time.Time) (todoQuery, error) {
		cond, args := pairingWhere(a, f)
		return todoQuery{from: pairingFrom, cond: cond, args: args, county: "p.county_code"}, nil
	}
}

// projectTodo counts the projects list with filter f.
func projectTodo(f ProjectFilter) func(zhuxiang.Actor, time.Time) (todoQuery, error) {
	return func(a zhuxiang.Actor, _ time.Time) (todoQuery, error) {
		cond, args := projectWhere(a, f)
		return todoQuery{from: projectFrom, cond: cond, args: args, county: "p.county_code"}, nil
	}
}

// orgTodo counts the organization list with filter f.
func orgTodo(f OrgFilter) func(zhuxiang.Actor, time.Time) (todoQuery, error) {
	return func(a zhuxiang.Actor, now time.Time) (todoQuery, error) {
		where, args, _, err := orgWhere(a, f, now)
		return todoQuery{from: ` FROM orgs o`, cond: strings.Join(where, " AND "), args: args, county: "o.reg_county"}, err
	}
}

// caseTodo counts the cases list with filter f.
func caseTodo(f CaseFilter) func(zhuxiang.Actor, time.Time) (todoQuery, error) {
	return func(a zhuxiang.Actor, _ time.Time) (todoQuery, error) {
		cond, args := caseWhere(a, f)
		return todoQuery{from: caseFrom, cond: cond, args: args, county: "c.county_code"}, nil
	}
}

// openCallsTodo counts the calls open today, as /cases?calls=open lists
// them (CallFilterOpen).
func openCallsTodo(_ zhuxiang.Actor, now time.Time) (todoQuery, error) {
	cond, args := openCallsWhere(now.In(zhuxiang.Shanghai).Format(zhuxiang.DateLayout))
	return todoQuery{from: ` FROM case_calls k`, cond: cond, args: args, county: "''"}, nil
}

// needRoles are the roles a need's transition allows, so that a to-do goes
// to whoever the lifecycle lets do it.
func needRoles(name string) []zhuxiang.Role {
	t, _ := zhuxiang.FindNeedTransition(name)
	return t.Roles
}

// answerRoles are the roles that answer interests (zhuxiang.AnswerSide).
var answerRoles = []zhuxiang.Role{zhuxiang.RoleCounty, zhuxiang.RoleAdmin, zhuxiang.RoleOrg}

// todoKinds is every kind of to-do, in the order the work bench shows them.
//
// The project kinds count projectWhere (store/projects.go) with one status,
// as /projects?status=… lists them: the county approves and accepts its
// projects (the admin too), the department leading a project's action
// approves it as well (review=1 keeps those it may approve, not those of
// the organizations it supervises), and the organization resubmits the
// returned projects it leads (mine=1: a partner or donor cannot edit them).
// The report kinds count the projects with a report waiting: for the
// village to confirm (for the county, where the village has no account:
// zhuxiang.CanReport), for the lead organization to answer a dispute.
var todoKinds = []todoKind{
	{key: "review", label: "待审核的需求", hint: "审核通过后需求才会公开，退回须说明理由",
		link: "/needs?mine=1&status=submitted", roles: needRoles("approve"), county: true,
		query: needTodo(NeedFilter{Mine: true, Status: zhuxiang.NeedSubmitted})},
	{key: "answer", label: "待我方回应的对接意向", hint: "接受或婉拒；接受后由县市确认结对",
		link: "/matches?waiting=1", roles: answerRoles, county: true,
		query: matchTodo(MatchFilter{Waiting: true})},
	{key: "lapsing", label: "即将过期的对接意向", hint: "对接意向" + strconv.Itoa(zhuxiang.MatchLapseDays) + "天无人回应即过期；此处为" + strconv.Itoa(zhuxiang.MatchWarnDays) + "天内到期的",
		link: "/matches?lapsing=1", roles: answerRoles, county: true,
		query: matchTodo(MatchFilter{Lapsing: true}), items: lapsingItems},
	{key: "project_review", label: "待审批的项目", hint: "批准立项或退回修改，退回须说明理由",
		link: "/projects?review=1&status=submitted", roles: []zhuxiang.Role{zhuxiang.RoleCounty, zhuxiang.RoleAdmin, zhuxiang.RoleDepartment}, county: true,
		query: projectTodo(ProjectFilter{Status: zhuxiang.ProjectSubmitted, Review: true})},
	{key: "project_acceptance", label: "待验收的项目", hint: "项目实施完毕，请组织验收",
		link: "/projects?status=awaiting_acceptance", roles: []zhuxiang.Role{zhuxiang.RoleCounty, zhuxiang.RoleAdmin}, county: true,
		query: projectTodo(ProjectFilter{Status: zhuxiang.ProjectAwaiting})},
	{key: "project_returned", label: "被退回的项目", hint: "按退回理由修改后重新提交审批",
		link: "/projects?mine=1&status=returned", roles: []zhuxiang.Role{zhuxiang.RoleOrg},
		query: projectTodo(ProjectFilter{Status: zhuxiang.ProjectReturned, Mine: true})},
	{key: "report_pending", label: "进展报告待确认", hint: "核实项目进展后确认，或提出异议并说明理由（双向确认）",
		link: "/projects?report=pending", roles: []zhuxiang.Role{zhuxiang.RoleVillage, zhuxiang.RoleCounty, zhuxiang.RoleAdmin}, county: true,
		query: projectTodo(ProjectFilter{Report: "pending"})},
	{key: "report_disputed", label: "村里有异议的进展报告", hint: "答复异议后由村里重新确认；异议处理前项目不能验收完成",
		link: "/projects?report=disputed", roles: []zhuxiang.Role{zhuxiang.RoleOrg},
		query: projectTodo(ProjectFilter{Report: "disputed"})},
	{key: "case_review", label: "案例待评审", hint: "按评分表为提交的案例打分；州级管理员据评分评选入选并发布",
		link: "/cases?unscored=1", roles: []zhuxiang.Role{zhuxiang.RoleAdmin, zhuxiang.RoleDepartment},
		query: caseTodo(CaseFilter{Unscored: true})},
	{key: "case_call", label: "案例征集进行中", hint: "可在截止日期前提交本单位的帮扶案例",
		link: "/cases?calls=open", roles: []zhuxiang.Role{zhuxiang.RoleOrg, zhuxiang.RoleCounty},
		query: openCallsTodo},
	{key: "agreement", label: "未上传协议的结对", hint: "结对协议文件请在结对页面补充",
		link: "/pairings?agreement=none", roles: []zhuxiang.Role{zhuxiang.RoleCounty, zhuxiang.RoleAdmin}, county: true,
		query: pairingTodo(PairingFilter{Agreement: "none"})},
	{key: "done", label: "待确认完成的需求", hint: "已结对的需求，帮扶完成后请确认（双向确认）",
		link: "/needs?mine=1&status=matched", roles: []zhuxiang.Role{zhuxiang.RoleVillage},
		query: needTodo(NeedFilter{Mine: true, Status: zhuxiang.NeedMatched})},
	{key: "rejected", label: "被退回的需求", hint: "按退回理由修改后重新提交审核",
		link: "/needs?mine=1&status=rejected", roles: []zhuxiang.Role{zhuxiang.RoleVillage},
		query: needTodo(NeedFilter{Mine: true, Status: zhuxiang.NeedRejected})},
	{key: "draft", label: "尚未提交的草稿", hint: "提交审核后由县市审核",
		link: "/needs?mine=1&status=draft", roles: []zhuxiang.Role{zhuxiang.RoleVillage},
		query: needTodo(NeedFilter{Mine: true, Status: zhuxiang.NeedDraft})},
	{key: "rating_lapsed", label: "评估等级已过期的组织", hint: "等级自评估之日起" + strconv.Itoa(zhuxiang.RatingValidYears) + "年有效，请督促重新评估",
		link: "/orgs?rating=lapsed", roles: []zhuxiang.Role{zhuxiang.RoleDepartment},
		query: orgTodo(OrgFilter{RatingState: "lapsed"})},
	{key: "rating_expiring", label: "评估等级即将到期的组织", hint: strconv.Itoa(zhuxiang.DueSoonDays) + "天内到期",
		link: "/orgs?rating=expiring", roles: []zhuxiang.Role{zhuxiang.RoleDepartment},
		query: orgTodo(OrgFilter{RatingState: "expiring"})},
	{key: "inspection_overdue", label: "年检逾期的组织", hint: "未按期完成上一年度检查（每年" + strconv.Itoa(int(zhuxiang.InspectionDueMonth)) + "月" + strconv.Itoa(zhuxiang.InspectionDueDay) + "日截止）",
		link: "/orgs?inspection=overdue", roles: []zhuxiang.Role{zhuxiang.RoleDepartment},
		query: orgTodo(OrgFilter{Inspection: "overdue"})},
	{key: "inspection_due", label: "上年度年检尚未完成的组织", hint: "年检截止日前" + strconv.Itoa(zhuxiang.DueSoonDays) + "天内提示",
		link: "/orgs?inspection=due", roles: []zhuxiang.Role{zhuxiang.RoleDepartment},
		query: orgTodo(OrgFilter{Inspection: "due"})},
	{key: "flagged", label: "列入异常或失信名单的组织", hint: "活动异常名录、严重违法失信名单上的组织不能结对和评优",
		link: "/orgs?flag=any", roles: []zhuxiang.Role{zhuxiang.RoleDepartment},
		query: orgTodo(OrgFilter{Flag: "any"})},
}

// kindsFor lists the kinds of to-do the actor has; county limits them to
// the county kinds.
func kindsFor(a zhuxiang.Actor, county bool) []todoKind {
	if !zhuxiang.SignedIn(a) || a.System {
		return nil
	}
	var out []todoKind
	for _, k := range todoKinds {
		if slices.Contains(k.roles, a.Role) && (!county || k.county) {
			out = append(out, k)
		}
	}
	return out
}

// Todos counts every kind of to-do the actor has, in its scope, in the
// work bench's order; a kind with nothing waiting is there with a zero, so
// the page can say that nothing waits.
func (s *Store) Todos(ctx context.Context, a zhuxiang.Actor) ([]Todo, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	now := s.Now()
	var out []Todo
	for _, k := range kindsFor(a, false) {
		q, err := k.query(a, now)
		if err != nil {
			return nil, err
		}
		n, err := s.countWhere(ctx, q.from, q.cond, q.args)
		if err != nil {
			return nil, err
		}
		t := Todo{Key: k.key, Label: k.label, Hint: k.hint, Link: k.link, Count: n, More: n >= CountCap}
		if k.items != nil && n > 0 {
			if t.Items, err = k.items(ctx, s, a); err != nil {
				return nil, err
			}
		}
		out = append(out, t)
	}
	return out, nil
}

// Backlog counts the county kinds of to-do county by county, for the
// prefecture admin's table, every county in the actor's scope listed even
// when nothing waits there. Each kind is one grouped query.
func (s *Store) Backlog(ctx context.Context, a zhuxiang.Actor) ([]CountyBacklog, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	_, counties, err := s.reference(ctx)
	if err != nil {
		return nil, err
	}
	kinds := kindsFor(a, true)
	counts := make([]map[string]int, len(kinds))
	now := s.Now()
	for i, k := range kinds {
		q, err := k.query(a, now)
		if err != nil {
			return nil, err
		}
		if counts[i], err = s.countByCounty(ctx, q); err != nil {
			return nil, err
		}
	}
	sc := zhuxiang.NeedScope(a)
	var out []CountyBacklog
	for _, c := range counties {
		if !sc.Has(zhuxiang.Keys{County: c.Code}) {
			continue
		}
		row := CountyBacklog{Code: c.Code, Name: c.Name}
		for i, k := range kinds {
			n := min(counts[i][c.Code], CountCap)
			row.Todos = append(row.Todos, Todo{Key: k.key, Label: k.label, Link: k.link + "&county=" + c.Code, Count: n, More: n >= CountCap})
			row.Total += n
		}
		out = append(out, row)
	}
	return out, nil
}

// countWhere counts, up to CountCap, the rows of from (a " FROM …" clause)
// that meet cond: the count the lists show beside their rows.
func (s *Store) countWhere(ctx context.Context, from, cond string, args []any) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1`+from+` WHERE `+cond+` LIMIT `+strconv.Itoa(CountCap)+`) t`, args...).Scan(&n)
	return n, err
}

// countByCounty counts q's records per county, in one grouped query.
func (s *Store) countByCounty(ctx context.Context, q todoQuery) (map[string]int, error) {
	rows, err := s.query(ctx, `SELECT `+q.county+`, COUNT(*)`+q.from+` WHERE `+q.cond+` GROUP BY `+q.county, q.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var code string
		var n int
		if err := rows.Scan(&code, &n); err != nil {
			return nil, err
		}
		out[code] = n
	}
	return out, rows.Err()
}

// lapsingItems names the first interests to lapse, with the days left.
func lapsingItems(ctx context.Context, s *Store, a zhuxiang.Actor) ([]TodoItem, error) {
	ms, err := s.ListMatches(ctx, a, MatchFilter{Lapsing: true, Limit: 5})
	if err != nil {
		return nil, err
	}
	now := s.Now()
	out := make([]TodoItem, 0, len(ms))
	for _, m := range ms {
		note := "今天到期"
		if d := zhuxiang.DaysLeft(m.CreatedAt, now); d > 0 {
			note = "还剩 " + strconv.Itoa(d) + " 天"
		}
		out = append(out, TodoItem{Title: m.NeedTitle + " ↔ " + m.OfferTitle, Place: m.Place, Link: "/needs/" + m.NeedID + "#match-" + m.ID, Note: note})
	}
	return out, nil
}
