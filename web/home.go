package web

import (
	"net/http"

	"zhuxiang"
	"zhuxiang/store"
)

// homeData holds the plain counts of the home page. Figures the platform
// cannot compute yet (projects, brands) are shown as targets only, so that
// nobody mistakes an empty module for a zero.
type homeData struct {
	ShowOrgs    bool
	Orgs        int
	Counties    int
	Leading     int
	Steady      int
	Townships   int
	Villages    int
	KeyVillages int
	Tags        []tagCount
	Departments int
	// Matching figures: open needs and offers, pairings in the user's
	// scope, and key villages paired across the prefecture.
	OpenNeeds  int
	OpenOffers int
	Pairings   int
	KeyPaired  int
	KeyTotal   int
}

// tagCount compares the villages carrying a tag with the plan's figure.
type tagCount struct {
	Tag    zhuxiang.VillageTag
	Count  int
	Target int
}

// planTargets are the plan's numbers of key villages per tag.
var planTargets = map[zhuxiang.VillageTag]int{zhuxiang.TagLifted: 38, zhuxiang.TagKey: 10, zhuxiang.TagModel: 79}

func (s *server) home(w http.ResponseWriter, r *http.Request, q *request) error {
	ctx, a := r.Context(), q.actor
	var d homeData
	if zhuxiang.CanSeeOrgs(a) == nil {
		n, err := s.st.CountOrgs(ctx, a)
		if err != nil {
			return err
		}
		d.ShowOrgs, d.Orgs = true, n
	}
	counties, err := q.counties(ctx, s.st)
	if err != nil {
		return err
	}
	d.Counties = len(counties)
	for _, c := range counties {
		switch c.CountyClass {
		case zhuxiang.ClassLeading:
			d.Leading++
		case zhuxiang.ClassSteady:
			d.Steady++
		}
	}
	count := func(f store.RegionFilter) (int, error) {
		rs, err := s.st.ListRegions(ctx, a, f)
		return len(rs), err
	}
	if d.Townships, err = count(store.RegionFilter{Level: zhuxiang.LevelTownship}); err != nil {
		return err
	}
	if d.Villages, err = count(store.RegionFilter{Level: zhuxiang.LevelVillage}); err != nil {
		return err
	}
	if d.KeyVillages, err = count(store.RegionFilter{Level: zhuxiang.LevelVillage, Tag: "any"}); err != nil {
		return err
	}
	for _, t := range zhuxiang.VillageTags {
		n, err := count(store.RegionFilter{Level: zhuxiang.LevelVillage, Tag: t})
		if err != nil {
			return err
		}
		d.Tags = append(d.Tags, tagCount{Tag: t, Count: n, Target: planTargets[t]})
	}
	depts, err := s.st.Departments(ctx, a)
	if err != nil {
		return err
	}
	d.Departments = len(depts)
	if err := s.homeMatching(r, q, &d); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "home", &view{Title: "工作台", Nav: "home", Data: d})
	return nil
}

// homeMatching fills the matching figures: four counts, each one indexed
// query, so the home page stays as fast as before.
func (s *server) homeMatching(r *http.Request, q *request, d *homeData) error {
	ctx, a := r.Context(), q.actor
	needs, err := s.st.ListNeeds(ctx, a, store.NeedFilter{Status: zhuxiang.NeedOpen, Limit: 1})
	if err != nil {
		return err
	}
	offers, err := s.st.ListOffers(ctx, a, store.OfferFilter{Status: zhuxiang.OfferOpen, Limit: 1})
	if err != nil {
		return err
	}
	pairings, err := s.st.ListPairings(ctx, a, store.PairingFilter{Limit: 1})
	if err != nil {
		return err
	}
	d.OpenNeeds, d.OpenOffers, d.Pairings = needs.Total, offers.Total, pairings.Total
	d.KeyPaired, d.KeyTotal, err = s.st.KeyVillageCoverage(ctx)
	return err
}
