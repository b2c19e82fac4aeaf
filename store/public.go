package store

import (
	"context"

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
}

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
	f.KeyReached, f.KeyVillages, err = s.KeyVillageCoverage(ctx)
	return f, err
}
