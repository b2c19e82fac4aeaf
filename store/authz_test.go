package store_test

import (
	"testing"

	"zhuxiang"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

// TestCountyImportCannotRenameItsCounty: a county user may not rename its
// own county on the region page or through the API (zhuxiang.CanEditRegion),
// so a region import must not do it either. The county's row may appear in
// the file unchanged, as the parent of the rows below it.
func TestCountyImportCannotRenameItsCounty(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		county := mustUser(t, st, store.NewUser{Name: "hejing", Role: zhuxiang.RoleCounty, RegionCode: "652827"})
		before, err := st.Region(ctx, county, "652827")
		if err != nil {
			t.Fatal(err)
		}
		row := func(name string) store.RegionRow {
			return store.RegionRow{Row: 2, Code: "652827", Name: name, Level: "county", Parent: zhuxiang.PrefectureCode}
		}
		town := store.RegionRow{Row: 3, Code: "652827100", Name: "和静镇", Level: "township", Parent: "652827"}

		res, err := st.ImportRegions(ctx, county, []store.RegionRow{row(before.Name), town}, zhuxiang.ImportAll)
		if err != nil || len(res.Rejected) != 0 || res.Created != 1 {
			t.Fatalf("unchanged county row with a new township: %v %+v", err, res)
		}

		renamed := &zhuxiang.Region{Code: "652827", Name: "改名县", Version: before.Version}
		if err := st.UpdateRegion(ctx, county, renamed); zhuxiang.ErrorCodeOf(err) != zhuxiang.EForbidden {
			t.Fatalf("page rename of own county = %v, want forbidden", err)
		}
		res, err = st.ImportRegions(ctx, county, []store.RegionRow{row("改名县")}, zhuxiang.ImportAll)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Rejected) != 1 || res.Rejected[0].Row != 2 || res.Updated != 0 || res.Stored {
			t.Errorf("import renaming own county = %+v, want row 2 refused", res)
		}
		after, err := st.Region(ctx, county, "652827")
		if err != nil {
			t.Fatal(err)
		}
		if after.Name != before.Name {
			t.Errorf("county renamed by import to %q", after.Name)
		}
	})
}

// TestListsAgreeWithAuthz checks that the SQL the store builds from a scope
// and the in-memory rule in authz.go select the same records, for every
// kind of record and every kind of actor: each list must hold exactly the
// records the rule admits, and each single read must succeed exactly for
// them.
func TestListsAgreeWithAuthz(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newMatchFixture(t, st)
		sys := zhuxiang.SystemActor
		f.org1.DepartmentID = f.dept.DepartmentID
		if _, err := st.UpdateOrg(ctx, sys, f.org1); err != nil {
			t.Fatal(err)
		}
		n1 := f.need(t, f.vil1, f.village1, zhuxiang.ActionIndustry, zhuxiang.NeedOpen)
		n2 := f.need(t, f.vil2, f.village2, zhuxiang.ActionIndustry, zhuxiang.NeedOpen)
		f.need(t, f.vil1, f.village1, zhuxiang.ActionIndustry, zhuxiang.NeedDraft)
		f.need(t, f.vil2, f.village2, zhuxiang.ActionCulture, zhuxiang.NeedSubmitted)
		countyNeed := &zhuxiang.Need{CountyCode: "652827", Action: zhuxiang.ActionCulture, Title: "县级需求", Contact: "王五", Phone: "13987654321"}
		if _, err := st.CreateNeed(ctx, f.county1, countyNeed); err != nil {
			t.Fatal(err)
		}
		o1 := f.offer(t, f.orgU1, zhuxiang.ActionIndustry, 5)
		o2 := f.offer(t, f.orgU2, zhuxiang.ActionIndustry, 5)
		closed := f.offer(t, f.orgU2, zhuxiang.ActionIndustry, 5)
		if err := st.SetOfferStatus(ctx, f.orgU2, closed.ID, zhuxiang.OfferClosed); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ExpressInterest(ctx, f.orgU1, n1.ID, o1.ID, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ExpressInterest(ctx, f.county2, n2.ID, o2.ID, ""); err != nil {
			t.Fatal(err)
		}
		for _, p := range []*zhuxiang.Pairing{{OrgID: f.org1.ID, VillageCode: f.village1}, {OrgID: f.org2.ID, CountyCode: "652824"}, {OrgID: f.org2.ID, VillageCode: f.village1}} {
			p.StartDate = "2026-01-01"
			if _, err := st.CreatePairing(ctx, sys, p, nil); err != nil {
				t.Fatal(err)
			}
		}

		for _, p := range []*zhuxiang.Project{
			{Name: "一村项目", Action: zhuxiang.ActionIndustry, Villages: []string{f.village1}, Parties: []zhuxiang.ProjectParty{{OrgID: f.org1.ID, Role: zhuxiang.PartyLead}}},
			{Name: "二村项目", Action: zhuxiang.ActionCulture, Villages: []string{f.village2}, Parties: []zhuxiang.ProjectParty{{OrgID: f.org2.ID, Role: zhuxiang.PartyLead}, {OrgID: f.org1.ID, Role: zhuxiang.PartyDonor}}},
			{Name: "二村另一项目", Action: zhuxiang.ActionWelfare, Villages: []string{f.village2}, Parties: []zhuxiang.ProjectParty{{OrgID: f.org2.ID, Role: zhuxiang.PartyLead}}},
		} {
			p.StartDate = "2026-01-01"
			if _, err := st.CreateProject(ctx, f.admin, p); err != nil {
				t.Fatal(err)
			}
		}
		projects, err := st.ListProjects(ctx, f.admin, store.ProjectFilter{})
		if err != nil || len(projects.Projects) != 3 {
			t.Fatalf("projects: %v", err)
		}

		orgs, err := st.ListOrgs(ctx, sys, store.OrgFilter{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		dept := map[string]string{}
		for _, o := range orgs.Orgs {
			dept[o.ID] = o.DepartmentID
		}
		needs, err := st.ListNeeds(ctx, sys, store.NeedFilter{Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		offers, err := st.ListOffers(ctx, sys, store.OfferFilter{Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		matches, err := st.ListMatches(ctx, sys, store.MatchFilter{})
		if err != nil {
			t.Fatal(err)
		}
		pairings, err := st.ListPairings(ctx, sys, store.PairingFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(orgs.Orgs) < 3 || len(needs.Needs) != 5 || len(offers.Offers) != 3 || len(matches) != 2 || len(pairings.Pairings) != 3 {
			t.Fatalf("fixture: %d orgs, %d needs, %d offers, %d matches, %d pairings", len(orgs.Orgs), len(needs.Needs), len(offers.Offers), len(matches), len(pairings.Pairings))
		}

		actors := map[string]zhuxiang.Actor{"admin": f.admin, "county1": f.county1, "county2": f.county2, "department": f.dept,
			"org1": f.orgU1, "org2": f.orgU2, "village1": f.vil1, "village2": f.vil2}
		for name, a := range actors {
			t.Run(name, func(t *testing.T) {
				// compare checks a list against the rule, and every single
				// read (when read is not nil).
				compare := func(kind string, all []string, listed []string, listErr error, rule func(i int) bool, read func(id string) error) {
					t.Helper()
					var want []string
					for i, id := range all {
						in := rule(i)
						if in {
							want = append(want, id)
						}
						if read == nil {
							continue
						}
						if err := read(id); (err == nil) != in {
							t.Errorf("%s %s: single read = %v, rule says %v", kind, id, err, in)
						}
					}
					if listErr != nil {
						if len(want) > 0 {
							t.Errorf("%s: list refused (%v) but the rule admits %d", kind, listErr, len(want))
						}
						return
					}
					if !sameSet(want, listed) {
						t.Errorf("%s: list = %v, rule admits %v", kind, listed, want)
					}
				}

				var ids, listed []string
				for _, o := range orgs.Orgs {
					ids = append(ids, o.ID)
				}
				page, err := st.ListOrgs(ctx, a, store.OrgFilter{Limit: 500})
				if (err != nil) != (zhuxiang.CanSeeOrgs(a) != nil) {
					t.Errorf("orgs list error %v, CanSeeOrgs %v", err, zhuxiang.CanSeeOrgs(a))
				}
				if page != nil {
					for _, o := range page.Orgs {
						listed = append(listed, o.ID)
					}
				}
				compare("org", ids, listed, err, func(i int) bool { return zhuxiang.OrgScope(a).Has(zhuxiang.OrgKeys(orgs.Orgs[i])) },
					func(id string) error { _, err := st.Org(ctx, a, id); return err })

				ids, listed = nil, nil
				for _, n := range needs.Needs {
					ids = append(ids, n.ID)
				}
				np, err := st.ListNeeds(ctx, a, store.NeedFilter{Limit: 200})
				if err == nil {
					for _, n := range np.Needs {
						listed = append(listed, n.ID)
					}
				}
				compare("need", ids, listed, err, func(i int) bool { return zhuxiang.CanSeeNeed(a, needs.Needs[i]) },
					func(id string) error { _, err := st.Need(ctx, a, id); return err })
				listed = nil
				np, err = st.ListNeeds(ctx, a, store.NeedFilter{Limit: 200, Mine: true})
				if err == nil {
					for _, n := range np.Needs {
						listed = append(listed, n.ID)
					}
				}
				compare("own need", ids, listed, err, func(i int) bool { return zhuxiang.NeedInScope(a, needs.Needs[i]) }, nil)
				if err == nil {
					for _, n := range np.Needs {
						if n.Phone == "" {
							t.Errorf("own need %s listed without its contact", n.Title)
						}
					}
				}

				ids, listed = nil, nil
				for _, p := range projects.Projects {
					ids = append(ids, p.ID)
				}
				prj, err := st.ListProjects(ctx, a, store.ProjectFilter{})
				if err == nil {
					for _, p := range prj.Projects {
						listed = append(listed, p.ID)
					}
				}
				compare("project", ids, listed, err, func(i int) bool { return zhuxiang.CanSeeProject(a, projects.Projects[i]) },
					func(id string) error { _, err := st.Project(ctx, a, id); return err })

				ids, listed = nil, nil
				for _, o := range offers.Offers {
					ids = append(ids, o.ID)
				}
				op, err := st.ListOffers(ctx, a, store.OfferFilter{Limit: 200})
				if err == nil {
					for _, o := range op.Offers {
						listed = append(listed, o.ID)
					}
				}
				compare("offer", ids, listed, err, func(i int) bool { return zhuxiang.CanSeeOffer(a, offers.Offers[i]) },
					func(id string) error { _, err := st.Offer(ctx, a, id); return err })

				ids, listed = nil, nil
				for _, m := range matches {
					ids = append(ids, m.ID)
				}
				ms, err := st.ListMatches(ctx, a, store.MatchFilter{})
				for _, m := range ms {
					listed = append(listed, m.ID)
				}
				compare("match", ids, listed, err, func(i int) bool { return zhuxiang.MatchInScope(a, matches[i]) },
					func(id string) error { _, err := st.Match(ctx, a, id); return err })

				ids, listed = nil, nil
				for _, p := range pairings.Pairings {
					ids = append(ids, p.ID)
				}
				pp, err := st.ListPairings(ctx, a, store.PairingFilter{})
				if err == nil {
					for _, p := range pp.Pairings {
						listed = append(listed, p.ID)
					}
				}
				compare("pairing", ids, listed, err, func(i int) bool {
					p := pairings.Pairings[i]
					return zhuxiang.PairingScope(a).Has(zhuxiang.PairingKeys(p, dept[p.OrgID]))
				}, func(id string) error { _, err := st.Pairing(ctx, a, id); return err })
			})
		}
	})
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, s := range a {
		seen[s]++
	}
	for _, s := range b {
		seen[s]--
	}
	for _, n := range seen {
		if n != 0 {
			return false
		}
	}
	return true
}
