package web

import (
	"context"
	"net/http"
	"strconv"

	"zhuxiang"
	"zhuxiang/match"
	"zhuxiang/store"
)

// The work bench (工作台) is the page everyone opens first: what waits for
// the user comes first (store.Todos, one line per kind of to-do, each a
// count that links to the list showing exactly those records), then what
// the platform recommends to an organization, then the figures of the
// user's scope. Figures a module not yet built would give (projects,
// brands) are shown as targets, never as zeros.
//
// The content is kept in the response cache (cachedContent): keyed by the
// data generation, the day and the scope, so between writes a request costs
// its session read, and every count stays exact.

// homeData is what the work bench shows; nothing in it depends on the user
// beyond the scope, so that one rendering serves everyone who shares it.
type homeData struct {
	Admin bool
	// Todos are the user's kinds of to-do in order (zero counts included);
	// Waiting sums them. For the admin they are the prefecture's totals,
	// and Backlog splits them by county.
	Todos   []store.Todo
	Waiting int
	Backlog []store.CountyBacklog
	// ByCounty are the to-dos the Backlog splits by county (its columns);
	// Whole are the others, which belong to the prefecture as a whole (a
	// case to review), listed beside the table.
	ByCounty, Whole []store.Todo
	// Items are the records some to-dos name (interests about to lapse).
	Items []todoItems
	// Org users: the best open needs for their open offers.
	IsOrg       bool
	OpenOffers  int
	Recommended []match.Candidate
	// Figures of the user's scope, each linking to its list; a village's
	// needs by status go in a table of their own.
	Figures  []figure
	Statuses []figure
	// The admin: key villages against the plan, and the plan's targets.
	Plan *planFigures
}

// todoItems are the records a to-do names, under its label.
type todoItems struct {
	Label string
	Link  string
	Items []store.TodoItem
}

// figure is one number of the user's scope.
type figure struct {
	Label string
	Value string
	Note  string
	Link  string // the list behind it, or "" for a figure no list shows
}

// planFigures compares the key villages with the plan's numbers.
type planFigures struct {
	Tags        []tagCount
	KeyVillages int
	KeyPaired   int
	KeyTotal    int
	// The prefecture's key projects and published brands, counted as the
	// public site counts them, against the plan's numbers.
	KeyProjects, KeyProjectTarget int
	Brands                        int
}

// tagCount compares the villages carrying a tag with the plan's figure.
type tagCount struct {
	Tag    zhuxiang.VillageTag
	Count  int
	Target int
}

// planTargets are the plan's numbers of key villages per tag.
var planTargets = map[zhuxiang.VillageTag]int{zhuxiang.TagLifted: 38, zhuxiang.TagKey: 10, zhuxiang.TagModel: 79}

// recommendLimit is how many needs the work bench recommends to an
// organization.
const recommendLimit = 10

func (s *server) home(w http.ResponseWriter, r *http.Request, q *request) error {
	content, err := s.cachedContent(r, q, "home", func() (any, error) { return s.homeData(r.Context(), q) })
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "cached", &view{Title: "工作台", Nav: "home", Data: content})
	return nil
}

// homeData reads what the work bench shows for the request's actor.
func (s *server) homeData(ctx context.Context, q *request) (*homeData, error) {
	a := q.actor
	d := &homeData{Admin: a.IsAdmin()}
	var err error
	if d.Todos, err = s.st.Todos(ctx, a); err != nil {
		return nil, err
	}
	for _, t := range d.Todos {
		d.Waiting += t.Count
		if len(t.Items) > 0 {
			d.Items = append(d.Items, todoItems{Label: t.Label, Link: t.Link, Items: t.Items})
		}
	}
	if d.Admin {
		if d.Backlog, err = s.st.Backlog(ctx, a); err != nil {
			return nil, err
		}
		d.ByCounty, d.Whole = splitByCounty(d.Todos, d.Backlog)
	}
	if own := zhuxiang.OwnOrg(a); own != "" {
		d.IsOrg = true
		offers, err := s.st.ListOffers(ctx, a, store.OfferFilter{Org: own, Status: zhuxiang.OfferOpen, Limit: 1})
		if err != nil {
			return nil, err
		}
		d.OpenOffers = offers.Total
		if d.Recommended, err = s.st.ProposalsForOrg(ctx, a, recommendLimit); err != nil {
			return nil, err
		}
	}
	if d.Figures, err = s.figures(ctx, q); err != nil {
		return nil, err
	}
	if a.Role == zhuxiang.RoleVillage {
		if d.Statuses, err = s.needStatuses(ctx, a); err != nil {
			return nil, err
		}
	}
	if d.Admin {
		if d.Plan, err = s.planFigures(ctx, a); err != nil {
			return nil, err
		}
	}
	if d.Admin || a.Role == zhuxiang.RoleCounty {
		reached, total, err := s.st.KeyVillageCoverage(ctx)
		if err != nil {
			return nil, err
		}
		d.Figures = append(d.Figures, figure{Label: "重点村已结对", Value: strconv.Itoa(reached) + "/" + strconv.Itoa(total), Note: "全州重点帮扶村"})
	}
	return d, nil
}

// count spells a list's count as the list does: past store.CountCap it
// says "超过 1000".
func count(n int) string {
	if n >= store.CountCap {
		return "超过 " + strconv.Itoa(store.CountCap)
	}
	return strconv.Itoa(n)
}

// figures are the numbers of the actor's scope, by role.
func (s *server) figures(ctx context.Context, q *request) ([]figure, error) {
	a := q.actor
	var out []figure
	needs := func(label, note string, f store.NeedFilter, link string) error {
		f.Limit = 1
		p, err := s.st.ListNeeds(ctx, a, f)
		if err == nil {
			out = append(out, figure{Label: label, Value: count(p.Total), Note: note, Link: link})
		}
		return err
	}
	pairings := func(label, note string) error {
		p, err := s.st.ListPairings(ctx, a, store.PairingFilter{Limit: 1})
		if err == nil {
			out = append(out, figure{Label: label, Value: strconv.Itoa(p.Total), Note: note, Link: "/pairings"})
		}
		return err
	}
	orgs := func(label, note string) error {
		n, err := s.st.CountOrgs(ctx, a)
		if err == nil {
			out = append(out, figure{Label: label, Value: strconv.Itoa(n), Note: note, Link: "/orgs"})
		}
		return err
	}
	openOffers := func(label, note string, f store.OfferFilter, link string) error {
		f.Status, f.Limit = zhuxiang.OfferOpen, 1
		p, err := s.st.ListOffers(ctx, a, f)
		if err == nil {
			out = append(out, figure{Label: label, Value: count(p.Total), Note: note, Link: link})
		}
		return err
	}
	var err error
	switch a.Role {
	case zhuxiang.RoleAdmin:
		err = first(
			func() error {
				return needs("对接中的需求", "已审核公开", store.NeedFilter{Status: zhuxiang.NeedOpen}, "/needs?status=open")
			},
			func() error {
				return openOffers("开放的资源", "社会组织发布", store.OfferFilter{}, "/offers?status=open")
			},
			func() error { return pairings("结对", "全州") },
			func() error { return orgs("社会组织", "全州登记及州外") },
			func() error { return s.regionFigures(ctx, q, &out) },
		)
	case zhuxiang.RoleCounty:
		err = first(
			func() error {
				return needs("本县市对接中的需求", "已审核公开", store.NeedFilter{Mine: true, Status: zhuxiang.NeedOpen}, "/needs?mine=1&status=open")
			},
			func() error { return pairings("本县市结对", "含平台对接与直接录入") },
			func() error { return orgs("本县市登记的社会组织", "") },
			func() error {
				return openOffers("开放的资源", "全州社会组织发布", store.OfferFilter{}, "/offers?status=open")
			},
		)
	case zhuxiang.RoleVillage:
		err = first(
			func() error {
				return needs("本村的需求", "各状态合计", store.NeedFilter{Mine: true}, "/needs?mine=1")
			},
			func() error { return pairings("本村结对", "") },
		)
	case zhuxiang.RoleOrg:
		err = first(
			func() error {
				return openOffers("本组织开放的资源", "", store.OfferFilter{Org: zhuxiang.OwnOrg(a)}, "/offers?mine=1&status=open")
			},
			func() error { return pairings("本组织结对", "") },
		)
		if err == nil {
			var n int
			if n, err = s.st.CountMatches(ctx, a, store.MatchFilter{}); err == nil {
				out = append(out, figure{Label: "本组织的对接意向", Value: count(n), Note: "含已结束的", Link: "/matches"})
			}
		}
	case zhuxiang.RoleDepartment:
		err = first(
			func() error { return orgs("主管的社会组织", "") },
			func() error { return pairings("主管组织的结对", "") },
		)
	}
	return out, err
}

// needStatuses counts the actor's own needs by status, for a village's
// table: each a link to the list of them.
func (s *server) needStatuses(ctx context.Context, a zhuxiang.Actor) ([]figure, error) {
	var out []figure
	for _, st := range zhuxiang.NeedStatuses {
		p, err := s.st.ListNeeds(ctx, a, store.NeedFilter{Mine: true, Status: st, Limit: 1})
		if err != nil {
			return nil, err
		}
		out = append(out, figure{Label: st.Label(), Value: count(p.Total), Link: "/needs?mine=1&status=" + string(st)})
	}
	return out, nil
}

// first runs fns in order and stops at the first error.
func first(fns ...func() error) error {
	for _, fn := range fns {
		if err := fn(); err != nil {
			return err
		}
	}
	return nil
}

// regionFigures adds the prefecture's divisions and departments.
func (s *server) regionFigures(ctx context.Context, q *request, out *[]figure) error {
	a := q.actor
	counties, err := q.counties(ctx, s.st)
	if err != nil {
		return err
	}
	leading, steady := 0, 0
	for _, c := range counties {
		switch c.CountyClass {
		case zhuxiang.ClassLeading:
			leading++
		case zhuxiang.ClassSteady:
			steady++
		}
	}
	towns, err := s.st.ListRegions(ctx, a, store.RegionFilter{Level: zhuxiang.LevelTownship})
	if err != nil {
		return err
	}
	villages, err := s.st.ListRegions(ctx, a, store.RegionFilter{Level: zhuxiang.LevelVillage})
	if err != nil {
		return err
	}
	depts, err := s.st.Departments(ctx, a)
	if err != nil {
		return err
	}
	*out = append(*out,
		figure{Label: "县市", Value: strconv.Itoa(len(counties)), Note: "示范引领县" + strconv.Itoa(leading) + "个，稳步发展县" + strconv.Itoa(steady) + "个", Link: "/regions"},
		figure{Label: "乡镇（街道）", Value: strconv.Itoa(len(towns)), Link: "/regions"},
		figure{Label: "村（社区）", Value: strconv.Itoa(len(villages)), Note: "已录入", Link: "/regions"},
		figure{Label: "部门", Value: strconv.Itoa(len(depts)), Note: "牵头与配合单位", Link: "/departments"})
	return nil
}

// planFigures counts the key villages by tag against the plan, and those
// already paired.
func (s *server) planFigures(ctx context.Context, a zhuxiang.Actor) (*planFigures, error) {
	p := &planFigures{}
	count := func(f store.RegionFilter) (int, error) {
		f.Level = zhuxiang.LevelVillage
		rs, err := s.st.ListRegions(ctx, a, f)
		return len(rs), err
	}
	var err error
	if p.KeyVillages, err = count(store.RegionFilter{Tag: "any"}); err != nil {
		return nil, err
	}
	for _, t := range zhuxiang.VillageTags {
		n, err := count(store.RegionFilter{Tag: t})
		if err != nil {
			return nil, err
		}
		p.Tags = append(p.Tags, tagCount{Tag: t, Count: n, Target: planTargets[t]})
	}
	pf, err := s.st.PublicFigures(ctx)
	if err != nil {
		return nil, err
	}
	p.KeyPaired, p.KeyTotal = pf.KeyReached, pf.KeyVillages
	p.KeyProjects, p.KeyProjectTarget, p.Brands = pf.KeyProjects, store.KeyProjectTarget, pf.Brands
	return p, nil
}

// splitByCounty parts the to-dos into those the backlog has a column for
// and the rest, each in the work bench's order.
func splitByCounty(todos []store.Todo, backlog []store.CountyBacklog) (byCounty, whole []store.Todo) {
	cols := map[string]bool{}
	if len(backlog) > 0 {
		for _, t := range backlog[0].Todos {
			cols[t.Key] = true
		}
	}
	for _, t := range todos {
		if cols[t.Key] {
			byCounty = append(byCounty, t)
		} else {
			whole = append(whole, t)
		}
	}
	return byCounty, whole
}
