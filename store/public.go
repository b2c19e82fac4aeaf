package store

import (
	"context"
	"strconv"

	"zhuxiang"
)

// PublicFigures are the plan's headline figures as the public site shows
// them: counts over the whole prefecture, with nothing that names a person.
type PublicFigures struct {
	Orgs        int // organizations taking part: paired, or offering help now
	Pairings    int
	Counties    int // counties with at least one pairing
	KeyReached  int // key villages with a pairing
	KeyVillages int // key villages the plan lists (127)
	OpenNeeds   int // needs open for interest, as /public/needs lists them
	Brands      int // published brands (项目品牌), as /public/brands lists them
	// KeyProjects are the key projects (重点项目) not stopped: the plan
	// asks for at least KeyProjectTarget.
	KeyProjects int
	// InvestedFen is the money the projects have spent (the sum of their
	// spending entries), in fen: what was put in, not what was budgeted.
	InvestedFen int64
	// People is the people the approved projects have reached, summed over
	// their categories (a person helped by two projects counts twice).
	People int
}

// KeyProjectTarget is the plan's number of key projects: at least ten.
const KeyProjectTarget = 10

// publicProjectStatuses are the projects whose figures the public site
// counts: approved ones, running or done; a draft's numbers are a plan,
// a stopped project's reach is not claimed.
var publicProjectStatuses = []zhuxiang.ProjectStatus{zhuxiang.ProjectApproved, zhuxiang.ProjectRunning, zhuxiang.ProjectAwaiting, zhuxiang.ProjectCompleted}

// PublicFigures counts the public site's headline figures. They are public
// facts of the programme (DESIGN §3: public), so no actor is asked: the
// counts are over the whole prefecture and name nobody.
func (s *Store) PublicFigures(ctx context.Context) (PublicFigures, error) {
	var f PublicFigures
	err := s.queryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM (SELECT org_id FROM pairings UNION SELECT org_id FROM offers WHERE status = $1) t),
		(SELECT COUNT(*) FROM pairings),
		(SELECT COUNT(DISTINCT county_code) FROM pairings),
		(SELECT COUNT(*) FROM needs WHERE status = $2),
		(SELECT COUNT(*) FROM brands WHERE status = $3)`, string(zhuxiang.OfferOpen), string(zhuxiang.NeedOpen), string(zhuxiang.BrandPublished)).
		Scan(&f.Orgs, &f.Pairings, &f.Counties, &f.OpenNeeds, &f.Brands)
	if err != nil {
		return f, err
	}
	if f.KeyReached, f.KeyVillages, err = s.KeyVillageCoverage(ctx); err != nil {
		return f, err
	}
	err = s.queryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM projects WHERE key_project = 1 AND status <> $1),
		(SELECT COALESCE(SUM(amount_fen), 0) FROM project_spending)`, string(zhuxiang.ProjectStopped)).Scan(&f.KeyProjects, &f.InvestedFen)
	if err != nil {
		return f, err
	}
	// The people are kept as short text on each row (see the migration),
	// so they are summed here; the page is cached by generation, so this
	// runs once per change of the data, not per visit.
	marks, args := "", []any{}
	for i, st := range publicProjectStatuses {
		if i > 0 {
			marks += ", "
		}
		marks += "$" + strconv.Itoa(i+1)
		args = append(args, string(st))
	}
	err = eachRow(ctx, s.r, `SELECT people FROM projects WHERE status IN (`+marks+`) AND people <> ''`, args, func(sc interface{ Scan(...any) error }) error {
		var people string
		if err := sc.Scan(&people); err != nil {
			return err
		}
		for _, pp := range decodePeople(people) {
			f.People += pp.Reached
		}
		return nil
	})
	return f, err
}
