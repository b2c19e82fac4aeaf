package zhuxiang

import (
	"slices"
	"strings"
	"testing"
)

// TestAuthz asks every rule of authz.go as every kind of actor. Each row is
// one question about fixed records; its answer is a string with one letter
// per actor, in the order of the columns below: Y yes, . no.
func TestAuthz(t *testing.T) {
	const (
		c1, c2 = "652827", "652824" // the county of the records, another county
		v1, v2 = "652827100201", "652827100202"
	)
	// The columns. "role only" carries the admin role without an account:
	// a caller's mistake, which must get nothing rather than everything.
	cols := []struct {
		name string
		a    Actor
	}{
		{"admin", Actor{UserID: "a", Role: RoleAdmin}},
		{"county in", Actor{UserID: "c", Role: RoleCounty, RegionCode: c1, CountyCode: c1}},
		{"county out", Actor{UserID: "c2", Role: RoleCounty, RegionCode: c2, CountyCode: c2}},
		{"department", Actor{UserID: "d", Role: RoleDepartment, DepartmentID: "d1"}},
		{"org own", Actor{UserID: "o", Role: RoleOrg, OrgID: "org1"}},
		{"org other", Actor{UserID: "o2", Role: RoleOrg, OrgID: "org2"}},
		{"village own", Actor{UserID: "v", Role: RoleVillage, RegionCode: v1, CountyCode: c1}},
		{"village other", Actor{UserID: "v2", Role: RoleVillage, RegionCode: v2, CountyCode: c1}},
		{"system", SystemActor},
		{"anonymous", Actor{}},
		{"role only", Actor{Role: RoleAdmin}},
		{"county no code", Actor{UserID: "c0", Role: RoleCounty}},
	}

	org := &Org{ID: "org1", RegCounty: c1, DepartmentID: "d1"}
	ledgerProject := &Project{CountyCode: c1, Parties: []ProjectParty{{OrgID: "org1", Role: PartyLead}, {OrgID: "org2", Role: PartyPartner}}}
	newOrg := &Org{RegCounty: c1}
	outsideOrg := &Org{ID: "org9", RegPlace: "北京市"}
	draft := &Need{CountyCode: c1, VillageCode: v1, Status: NeedDraft}
	submitted := &Need{CountyCode: c1, VillageCode: v1, Status: NeedSubmitted}
	open := &Need{CountyCode: c1, VillageCode: v1, Status: NeedOpen}
	countyDraft := &Need{CountyCode: c1, Status: NeedDraft}
	byVillage := &Need{CountyCode: c1, VillageCode: v1, Status: NeedSubmitted, CreatedByID: "v"}
	byCounty := &Need{CountyCode: c1, VillageCode: v1, Status: NeedSubmitted, CreatedByID: "c"}
	legacyCounty := &Need{CountyCode: c1, Status: NeedSubmitted}
	offer := &Offer{OrgID: "org1", Status: OfferOpen}
	rival := &Offer{OrgID: "org2", Status: OfferOpen}
	closed := &Offer{OrgID: "org1", Status: OfferClosed}
	byOrg := &Match{CountyCode: c1, VillageCode: v1, OrgID: "org1", Initiator: SideOrg, Status: MatchPending}
	accepted := &Match{CountyCode: c1, VillageCode: v1, OrgID: "org1", Initiator: SideOrg, Status: MatchAccepted}
	pairing := &Pairing{CountyCode: c1, VillageCode: v1, OrgID: "org1"}
	countyPairing := &Pairing{CountyCode: c1, OrgID: "org1"}
	village := &Region{Code: v1, Name: "团结村", Level: LevelVillage, CountyCode: c1}
	county := &Region{Code: c1, Name: "和静县", Level: LevelCounty, CountyCode: c1}
	renamed := &Region{Code: c1, Name: "和静市", Level: LevelCounty, CountyCode: c1}
	ok := func(err error) bool { return err == nil }

	rows := []struct {
		rule string
		ask  func(a Actor) bool
		want string
	}{
		//                                                                                            admin
		//                                                                                            |cIn cOut dept oOwn oOth vOwn vOth sys anon role c0
		{"CanManageBrands", func(a Actor) bool { return ok(CanManageBrands(a)) }, "Y.......Y..."},
		{"CanSeeBrand draft", func(a Actor) bool { return CanSeeBrand(a, &Brand{Status: BrandDraft}) }, "YYYYYYYYY..Y"},
		{"CanSeeBrand published", func(a Actor) bool { return CanSeeBrand(a, &Brand{Status: BrandPublished}) }, "YYYYYYYYYYYY"},
		{"CanBrand publish draft", func(a Actor) bool { return ok(CanBrand(a, &Brand{Status: BrandDraft}, "publish")) }, "Y.......Y..."},
		{"CanBrand withdraw draft", func(a Actor) bool { return ok(CanBrand(a, &Brand{Status: BrandDraft}, "withdraw")) }, "............"},
		{"OrgScope has org", func(a Actor) bool { return OrgScope(a).Has(OrgKeys(org)) }, "YY.YY...Y..."},
		{"OrgScope has org registered outside", func(a Actor) bool { return OrgScope(a).Has(OrgKeys(outsideOrg)) }, "Y.......Y..."},
		{"CanSeeOrgs", func(a Actor) bool { return ok(CanSeeOrgs(a)) }, "YYYYYY..Y..."},
		{"OrgPermissions edit", func(a Actor) bool { return OrgPermissions(a, org).Edit }, "YY..Y...Y..."},
		{"OrgPermissions registry", func(a Actor) bool { return OrgPermissions(a, org).Registry }, "YY......Y..."},
		{"CanCreateOrg", func(a Actor) bool { return ok(CanCreateOrg(a)) }, "YYY.....Y..."},
		{"CanPlaceOrg in the county", func(a Actor) bool { return ok(CanPlaceOrg(a, newOrg)) }, "YY......Y..."},
		{"CanPlaceOrg outside", func(a Actor) bool { return ok(CanPlaceOrg(a, &Org{RegPlace: "北京市"})) }, "Y.......Y..."},
		{"OrgCountyFixed", func(a Actor) bool { return OrgCountyFixed(a) != "" }, ".YY........."},

		{"CanEditRegion village", func(a Actor) bool { return ok(CanEditRegion(a, village)) }, "YY......Y..."},
		{"CanEditRegion county", func(a Actor) bool { return ok(CanEditRegion(a, county)) }, "Y.......Y..."},
		{"CanImportRegion county unchanged", func(a Actor) bool { return ok(CanImportRegion(a, county, county)) }, "YY......Y..."},
		{"CanImportRegion county renamed", func(a Actor) bool { return ok(CanImportRegion(a, county, renamed)) }, "Y.......Y..."},
		{"CanImportRegion new county", func(a Actor) bool { return ok(CanImportRegion(a, nil, county)) }, "Y.......Y..."},
		{"CanEditCountyClass", CanEditCountyClass, "Y.......Y..."},

		{"NeedInScope village need", func(a Actor) bool { return NeedInScope(a, draft) }, "YY....Y.Y..."},
		{"NeedInScope county need", func(a Actor) bool { return NeedInScope(a, countyDraft) }, "YY......Y..."},
		{"CanSeeNeed draft", func(a Actor) bool { return CanSeeNeed(a, draft) }, "YY....Y.Y..."},
		{"CanSeeNeed open", func(a Actor) bool { return CanSeeNeed(a, open) }, "YYYYYYYYYYYY"},
		{"CanEditNeed draft", func(a Actor) bool { return ok(CanEditNeed(a, draft)) }, "YY....Y.Y..."},
		{"CanEditNeed open", func(a Actor) bool { return ok(CanEditNeed(a, open)) }, "............"},
		{"CanCreateNeed village", func(a Actor) bool { return ok(CanCreateNeed(a, c1, v1)) }, "YY....Y.Y..."},
		{"CanCreateNeed county", func(a Actor) bool { return ok(CanCreateNeed(a, c1, "")) }, "YY......Y..."},
		{"CanCreateNeeds", func(a Actor) bool { return ok(CanCreateNeeds(a)) }, "YYY...YYY..."},
		{"CanNeed submit draft", func(a Actor) bool { return ok(CanNeed(a, draft, "submit")) }, "YY....Y.Y..."},
		{"CanNeed approve", func(a Actor) bool { return ok(CanNeed(a, submitted, "approve")) }, "YY......Y..."},
		{"NeedActions of open", func(a Actor) bool { return len(NeedActions(a, open)) > 0 }, "YY....Y.Y..."},
		{"IsNeedAuthor village's need", func(a Actor) bool { return IsNeedAuthor(a, byVillage) }, "......Y....."},
		{"IsNeedAuthor county's need", func(a Actor) bool { return IsNeedAuthor(a, byCounty) }, ".Y.........."},
		{"IsNeedAuthor old village need", func(a Actor) bool { return IsNeedAuthor(a, submitted) }, "......Y....."},
		{"IsNeedAuthor old county need", func(a Actor) bool { return IsNeedAuthor(a, legacyCounty) }, ".Y.........."},
		{"CanNeed withdraw village's", func(a Actor) bool { return ok(CanNeed(a, byVillage, "withdraw")) }, "......Y....."},
		{"CanNeed withdraw county's", func(a Actor) bool { return ok(CanNeed(a, byCounty, "withdraw")) }, ".Y.........."},

		{"CanSeeOffer open", func(a Actor) bool { return CanSeeOffer(a, offer) }, "YYYYYYYYY..Y"},
		{"CanSeeOffer closed", func(a Actor) bool { return CanSeeOffer(a, closed) }, "Y...Y...Y..."},
		{"CanEditOffer", func(a Actor) bool { return ok(CanEditOffer(a, offer)) }, "Y...Y...Y..."},
		{"CanEditOffer closed", func(a Actor) bool { return ok(CanEditOffer(a, closed)) }, "............"},
		{"CanSetOfferStatus pause", func(a Actor) bool { return ok(CanSetOfferStatus(a, offer, OfferPaused)) }, "Y...Y...Y..."},
		{"CanCreateOffers", func(a Actor) bool { return ok(CanCreateOffers(a)) }, "Y...YY..Y..."},
		{"CanCreateOffer of org", func(a Actor) bool { return ok(CanCreateOffer(a, "org1")) }, "Y...Y...Y..."},
		{"OwnOrg", func(a Actor) bool { return OwnOrg(a) == "org1" }, "....Y......."},
		{"ProposedOfferScope own org's", func(a Actor) bool { return ProposedOfferScope(a).Has(OfferKeys(offer)) }, "YYYYY.YYY..Y"},
		{"ProposedOfferScope another org's", func(a Actor) bool { return ProposedOfferScope(a).Has(OfferKeys(rival)) }, "YYYY.YYYY..Y"},

		{"MatchInScope", func(a Actor) bool { return MatchInScope(a, byOrg) }, "YY..Y.Y.Y..."},
		{"ActorSides county", func(a Actor) bool { return slices.Contains(ActorSides(a, c1, "org1"), SideCounty) }, "YY......Y..."},
		{"ActorSides org", func(a Actor) bool { return slices.Contains(ActorSides(a, c1, "org1"), SideOrg) }, "....Y......."},
		{"CanMatch accept", func(a Actor) bool { return ok(CanMatch(a, byOrg, "accept")) }, "YY......Y..."},
		{"CanMatch withdraw", func(a Actor) bool { return ok(CanMatch(a, byOrg, "withdraw")) }, "....Y......."},
		{"CanMatch confirm", func(a Actor) bool { return ok(CanMatch(a, accepted, "confirm")) }, "YY......Y..."},

		{"PairingScope", func(a Actor) bool { return PairingScope(a).Has(PairingKeys(pairing, "d1")) }, "YY.YY.Y.Y..."},
		{"CanCreatePairings", func(a Actor) bool { return ok(CanCreatePairings(a)) }, "YYY.....Y..."},
		{"CanCreatePairing in county", func(a Actor) bool { return ok(CanCreatePairing(a, c1)) }, "YY......Y..."},
		{"CanEditPairing village pairing", func(a Actor) bool { return ok(CanEditPairing(a, pairing)) }, "YY..Y.Y.Y..."},
		{"CanEditPairing county pairing", func(a Actor) bool { return ok(CanEditPairing(a, countyPairing)) }, "YY..Y...Y..."},
		{"VillagePickScope has the village", func(a Actor) bool { return VillagePickScope(a).Has(Keys{County: c1, Village: v1}) }, "YY..YYY.Y..."},
		{"CanPickVillages", func(a Actor) bool { return ok(CanPickVillages(a)) }, "YYY.YYYYY..."},
		{"HomePlace", func(a Actor) bool { c, v := HomePlace(a); return c == c1 && (v == "" || v == v1) }, ".Y....Y....."},

		{"CanImport orgs", func(a Actor) bool { return ok(CanImport(a, ImportOrgs)) }, "YYY.....Y..."},
		{"CanImport regions", func(a Actor) bool { return ok(CanImport(a, ImportRegions)) }, "YYY.....Y..."},
		{"CanImport pairings", func(a Actor) bool { return ok(CanImport(a, ImportPairings)) }, "YYY.....Y..."},
		{"CanImport projects", func(a Actor) bool { return ok(CanImport(a, ImportProjects)) }, "YYY.YY..Y..."},
		{"CanImportProject org1's in county 1", func(a Actor) bool { return ok(CanImportProject(a, ledgerProject)) }, "YY..Y...Y..."},
		{"CanImport any", func(a Actor) bool { return ok(CanImport(a, "")) }, "YYY.YY..Y..."},
		{"CanManageUsers", func(a Actor) bool { return ok(CanManageUsers(a)) }, "Y.......Y..."},
		{"CanManageDepartments", func(a Actor) bool { return ok(CanManageDepartments(a)) }, "Y.......Y..."},
		{"CanSeeAuditLog", func(a Actor) bool { return ok(CanSeeAuditLog(a)) }, "Y.......Y..."},
		{"CanSeeAllocations", func(a Actor) bool { return ok(CanSeeAllocations(a)) }, "YYY.....Y..."},
		{"CanAllocate", func(a Actor) bool { return ok(CanAllocate(a)) }, "Y.......Y..."},
		{"CanEditMatchWeights", func(a Actor) bool { return ok(CanEditMatchWeights(a)) }, "Y.......Y..."},
		{"CanSeeJob of the county user's", func(a Actor) bool { return ok(CanSeeJob(a, "c")) }, ".Y.........."},
		{"CanSeeJob of nobody's", func(a Actor) bool { return ok(CanSeeJob(a, "")) }, "............"},
		{"SignedIn", SignedIn, "YYYYYYYYY..Y"},
	}
	for _, r := range rows {
		if len(r.want) != len(cols) {
			t.Fatalf("%s: %d answers for %d actors", r.rule, len(r.want), len(cols))
		}
		var got strings.Builder
		for _, c := range cols {
			if r.ask(c.a) {
				got.WriteByte('Y')
			} else {
				got.WriteByte('.')
			}
		}
		if got.String() != r.want {
			for i, c := range cols {
				if got.String()[i] != r.want[i] {
					t.Errorf("%s as %s = %c, want %c", r.rule, c.name, got.String()[i], r.want[i])
				}
			}
		}
	}
}

// TestScopeHas checks the one reading of a Scope that both the store's SQL
// and the in-memory checks follow: a set field selects on equality, an
// empty value selects nothing, and a key the record lacks never matches.
func TestScopeHas(t *testing.T) {
	k := Keys{County: "652827", Village: "652827100201", Org: "org1"}
	for _, c := range []struct {
		s    Scope
		want bool
	}{
		{Scope{}, false},
		{Scope{All: true}, true},
		{Scope{County: "652827"}, true},
		{Scope{County: "652824"}, false},
		{Scope{Village: "652827100201"}, true},
		{Scope{Village: "652827100202"}, false},
		{Scope{Org: "org1"}, true},
		{Scope{Org: "org2"}, false},
		{Scope{Department: "d1"}, false}, // the record has no department
	} {
		if got := c.s.Has(k); got != c.want {
			t.Errorf("%+v.Has(%+v) = %v, want %v", c.s, k, got, c.want)
		}
		if c.s.None() != (c.s == Scope{}) {
			t.Errorf("%+v.None() = %v", c.s, c.s.None())
		}
	}
	if (Scope{}).Has(Keys{}) {
		t.Error("the zero scope selects a record with empty keys")
	}
}
