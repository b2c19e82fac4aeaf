package zhuxiang

import "slices"

// Every rule of who may see or do what lives in this file (DESIGN §3, §5).
// The store asks it before every read and write, and translates the scopes
// below into SQL; the pages ask it which buttons and menu items to show;
// the API asks it what a caller may do. A rule restated anywhere else can
// drift from this one, which is what this file exists to prevent.
//
// Two kinds of answer:
//   - a Scope says which records of a kind the actor works on. The store
//     spells it as a WHERE condition and the in-memory checks (Scope.Has)
//     read the same value, so a list and a single-record check cannot
//     disagree;
//   - a capability (CanImport, CanManageUsers, …) says whether the actor
//     may use a function at all, as an error with the Chinese reason, so
//     that the store can return it as it is and a page can test it for nil.

// Scope selects the records an actor works on: all of them, or those whose
// county, village, organization or department is the one named. At most
// one of the fields is set. The zero Scope selects nothing, and so does a
// field set to "" — an account with no county must not match every record
// whose county is blank.
type Scope struct {
	All        bool
	County     string
	Village    string
	Org        string
	Department string
}

// Keys are the fields of one record that a Scope selects on. A kind of
// record that has no such field leaves it empty, and no scope on that field
// ever selects it.
type Keys struct {
	County     string
	Village    string
	Org        string
	Department string
}

// Has reports whether the scope selects a record with keys k.
func (s Scope) Has(k Keys) bool {
	switch {
	case s.All:
		return true
	case s.County != "":
		return s.County == k.County
	case s.Village != "":
		return s.Village == k.Village
	case s.Org != "":
		return s.Org == k.Org
	case s.Department != "":
		return s.Department == k.Department
	}
	return false
}

// None reports whether the scope selects nothing at all.
func (s Scope) None() bool {
	return !s.All && s.County == "" && s.Village == "" && s.Org == "" && s.Department == ""
}

// SignedIn reports whether the actor is a signed-in user or the command
// line. Anonymous visitors see only what the public pages show.
func SignedIn(a Actor) bool { return a.UserID != "" || a.System }

// isAdmin is the prefecture admin, signed in. An actor that merely carries
// the admin role without an account (a mistake in a caller) gets nothing.
func isAdmin(a Actor) bool { return a.Role == RoleAdmin && SignedIn(a) }

// IsAdmin reports whether the actor has prefecture-wide rights. Pages use it
// for wording ("全州"); a permission is asked by its own function below, so
// that its rule can change in one place.
func (a Actor) IsAdmin() bool { return isAdmin(a) }

// roleScope is the scope of an actor that works on its own county, village,
// organization or department, limited to the roles given; the admin always
// works on all.
func roleScope(a Actor, roles ...Role) Scope {
	if isAdmin(a) {
		return Scope{All: true}
	}
	if !SignedIn(a) {
		return Scope{}
	}
	for _, r := range roles {
		if r != a.Role {
			continue
		}
		switch r {
		case RoleCounty:
			return Scope{County: a.CountyCode}
		case RoleVillage:
			return Scope{Village: a.RegionCode}
		case RoleOrg:
			return Scope{Org: a.OrgID}
		case RoleDepartment:
			return Scope{Department: a.DepartmentID}
		}
	}
	return Scope{}
}

// countyScope is what the admin and a county user answer for: review,
// registry, pairings entered directly, the county side of a match.
func countyScope(a Actor) Scope { return roleScope(a, RoleCounty) }

func forbiddenf(field, format string, args ...any) error {
	return Errorf(EForbidden, field, format, args...)
}

// ---- organizations ----

// OrgKeys are an organization's keys: the county it is registered in, its
// own id and its supervising department.
func OrgKeys(o *Org) Keys { return Keys{County: o.RegCounty, Org: o.ID, Department: o.DepartmentID} }

// OrgScope is the organizations the actor may read: the admin all, a county
// user those registered in its county, a department those it supervises,
// an organization user its own. Village users do not read the registry.
func OrgScope(a Actor) Scope { return roleScope(a, RoleCounty, RoleDepartment, RoleOrg) }

// orgEditScope is the organizations whose profile the actor may change:
// departments only read.
func orgEditScope(a Actor) Scope { return roleScope(a, RoleCounty, RoleOrg) }

// orgRegistryScope is where the actor keeps the registry facts that civil
// affairs records, and registers new organizations.
func orgRegistryScope(a Actor) Scope { return countyScope(a) }

// CanSeeOrgs says whether the actor may open the organization registry at
// all (the store refuses rather than showing an empty list).
func CanSeeOrgs(a Actor) error {
	if OrgScope(a).None() {
		return forbiddenf("", "无权查看社会组织名录")
	}
	return nil
}

// OrgPermission says what the actor may do with an organization.
type OrgPermission struct {
	Edit     bool // may change the profile at all
	Registry bool // may change registry facts: credit code, legal form, rating, inspections, flags, department, where registered
}

// OrgPermissions tells what the actor may change on o: the prefecture admin
// everything; a county user the organizations registered in its county; an
// organization user its own profile but not the registry facts that civil
// affairs records; departments and villages only read.
func OrgPermissions(a Actor, o *Org) OrgPermission {
	k := OrgKeys(o)
	return OrgPermission{Edit: orgEditScope(a).Has(k), Registry: orgRegistryScope(a).Has(k)}
}

// CanCreateOrg says whether the actor may register organizations at all;
// CanPlaceOrg then says whether it may register one where o says.
func CanCreateOrg(a Actor) error {
	if orgRegistryScope(a).None() {
		return forbiddenf("", "仅州级管理员和县市用户可登记社会组织")
	}
	return nil
}

// CanPlaceOrg says whether the actor may keep o registered where it is
// after a change: a county user may not register an organization in, or
// move one to, another county (or outside the prefecture).
func CanPlaceOrg(a Actor, o *Org) error {
	if !OrgPermissions(a, o).Edit {
		return forbiddenf("reg_county", "县市用户只能登记和修改本县市登记的社会组织")
	}
	return nil
}

// OrgCountyFixed names the county an actor's new organizations are
// registered in without a choice (a county user's own), or "".
func OrgCountyFixed(a Actor) string { return orgRegistryScope(a).County }

// ---- regions ----

// CanEditRegion says whether the actor may change region r: the prefecture
// admin anything, a county user the townships and villages of its county.
func CanEditRegion(a Actor, r *Region) error {
	below := r.Level == LevelVillage || r.Level == LevelTownship
	if s := countyScope(a); s.All || (below && s.Has(Keys{County: r.CountyCode})) {
		return nil
	}
	return forbiddenf("", "无权修改%s（%s）：县市用户只能修改本县市的乡镇和村", r.Name, r.Code)
}

// CanImportRegion is CanEditRegion for a row of an import, where old is the
// region as stored (nil when the row adds one). A county user's file may
// repeat its own county's row as the parent of the rows below it, but only
// unchanged: renaming the county is refused on the page, so it is refused
// here too.
func CanImportRegion(a Actor, old, r *Region) error {
	err := CanEditRegion(a, r)
	if err == nil {
		return nil
	}
	if old != nil && r.Level == LevelCounty && old.Name == r.Name && countyScope(a).Has(Keys{County: r.Code}) {
		return nil
	}
	return err
}

// CanEditCountyClass says whether the actor may classify counties (leading
// or steady): a prefecture decision.
func CanEditCountyClass(a Actor) bool { return isAdmin(a) }

// ---- needs ----

// NeedKeys are a need's place.
func NeedKeys(n *Need) Keys { return Keys{County: n.CountyCode, Village: n.VillageCode} }

// NeedScope is the needs the actor works for: the admin all, a county user
// its county's, a village user its village's. Organization and department
// users never act for a need; they see the public ones.
func NeedScope(a Actor) Scope { return roleScope(a, RoleCounty, RoleVillage) }

// NeedInScope reports whether the actor works for the need's place.
func NeedInScope(a Actor, n *Need) bool { return NeedScope(a).Has(NeedKeys(n)) }

// CanSeeNeed reports whether the actor may read the need: public needs are
// for everyone; the others only in scope.
func CanSeeNeed(a Actor, n *Need) bool {
	return n.Status.Public() || NeedInScope(a, n)
}

// CanEditNeed says whether the actor may change the need's content: its
// author side, while it is a draft or has been sent back.
func CanEditNeed(a Actor, n *Need) error {
	if !NeedInScope(a, n) {
		return forbiddenf("", "只能修改本村或本县市的需求")
	}
	if n.Status != NeedDraft && n.Status != NeedRejected {
		return Errorf(EConflict, "status", "需求“%s”，只有草稿或已退回的需求可以修改", n.Status.Label())
	}
	return nil
}

// IsNeedAuthor reports whether the actor wrote the need, who alone may
// withdraw it from review to change it (the county answers a submission by
// approving or rejecting it, with a reason, not by pulling it back): the
// account that created it. A need older than the platform's record of its
// creator is its own level's: its village's accounts for a village need,
// its county's for a county one.
func IsNeedAuthor(a Actor, n *Need) bool {
	if !NeedInScope(a, n) {
		return false
	}
	if n.CreatedByID != "" {
		return a.UserID != "" && a.UserID == n.CreatedByID
	}
	if n.VillageCode != "" {
		return a.Role == RoleVillage
	}
	return a.Role == RoleCounty
}

// CanCreateNeed says whether the actor may publish a need for the county
// and (optional) village: the admin anywhere, a county user for its county
// and its villages, a village user for its village.
func CanCreateNeed(a Actor, county, village string) error {
	s := NeedScope(a)
	switch {
	case s.None():
		return forbiddenf("", "只有村、县市和州级用户可以发布需求")
	case s.Has(Keys{County: county, Village: village}):
		return nil
	case s.Village != "":
		return forbiddenf("region", "只能为本村发布需求")
	}
	return forbiddenf("region", "只能为本县市及其村发布需求")
}

// CanCreateNeeds says whether the actor may publish needs at all, for the
// button and before a request's body is read.
func CanCreateNeeds(a Actor) error {
	if NeedScope(a).None() {
		return forbiddenf("", "只有村、县市和州级用户可以发布需求")
	}
	return nil
}

// HomePlace is where the actor publishes and enters records unless it says
// otherwise: a village user its village, a county user its county; the
// admin has no default.
func HomePlace(a Actor) (county, village string) {
	switch s := NeedScope(a); {
	case s.Village != "":
		return a.CountyCode, s.Village
	case s.County != "":
		return s.County, ""
	}
	return "", ""
}

// ---- offers ----

// OfferKeys are an offer's organization.
func OfferKeys(o *Offer) Keys { return Keys{Org: o.OrgID} }

// OfferScope is the offers the actor keeps: the admin all, an organization
// user its own. Other signed-in users see every offer that is not closed.
func OfferScope(a Actor) Scope { return roleScope(a, RoleOrg) }

// CanSeeOffer reports whether the actor may read the offer: offers are for
// signed-in users, and a closed one only for those who keep it.
func CanSeeOffer(a Actor, o *Offer) bool {
	return SignedIn(a) && (o.Status != OfferClosed || OfferScope(a).Has(OfferKeys(o)))
}

// CanCreateOffers says whether the actor may publish offers at all: staff of
// an organization for it, the admin for any.
func CanCreateOffers(a Actor) error {
	if OfferScope(a).None() {
		return forbiddenf("", "只有社会组织可以发布资源")
	}
	return nil
}

// CanCreateOffer says whether the actor may publish an offer of org.
func CanCreateOffer(a Actor, org string) error {
	if err := CanCreateOffers(a); err != nil {
		return err
	}
	if !OfferScope(a).Has(Keys{Org: org}) {
		return forbiddenf("org", "只能为本组织发布资源")
	}
	return nil
}

// OwnOrg names the organization the actor works for (an organization
// user's), or "": its offers are that organization's without a choice, and
// its staff see the contact of the needs it is paired on.
func OwnOrg(a Actor) string { return roleScope(a, RoleOrg).Org }

// canKeepOffer is the role part of every change to an offer.
func canKeepOffer(a Actor, o *Offer) error {
	if !OfferScope(a).Has(OfferKeys(o)) {
		return forbiddenf("", "只能维护本组织的资源")
	}
	return nil
}

// CanEditOffer says whether the actor may change the offer: its own
// organization's staff or the admin, while the offer is not closed.
func CanEditOffer(a Actor, o *Offer) error {
	if err := canKeepOffer(a, o); err != nil {
		return err
	}
	if o.Status == OfferClosed {
		return Errorf(EConflict, "status", "资源已关闭，不能修改")
	}
	return nil
}

// ---- matches ----

// MatchKeys are a match's place and organization.
func MatchKeys(m *Match) Keys {
	return Keys{County: m.CountyCode, Village: m.VillageCode, Org: m.OrgID}
}

// MatchScope is the matches the actor is party to or oversees: the admin
// all, a county its county's, a village its own, an organization its own.
func MatchScope(a Actor) Scope { return roleScope(a, RoleCounty, RoleVillage, RoleOrg) }

// MatchInScope reports whether the actor may read the match.
func MatchInScope(a Actor, m *Match) bool { return MatchScope(a).Has(MatchKeys(m)) }

// ActorSides returns the sides the actor may act for on a match between a
// need in county and an offer of org: an organization user for its own
// organization, a county user for its county; the admin answers for
// counties.
func ActorSides(a Actor, county, org string) []Side {
	var out []Side
	// The admin keeps every offer but speaks only for counties.
	if s := OfferScope(a); !s.All && s.Has(Keys{Org: org}) {
		out = append(out, SideOrg)
	}
	if countyScope(a).Has(Keys{County: county}) {
		out = append(out, SideCounty)
	}
	return out
}

// ProposedOfferScope is whose offers the actor is shown as proposals for a
// need: an organization user its own organization's only (another
// organization's offers are its competitors', not its business, and it can
// act on none of them); everyone else who may read the need sees every
// candidate, which is what the county chooses from.
func ProposedOfferScope(a Actor) Scope {
	if !SignedIn(a) {
		return Scope{}
	}
	if org := OwnOrg(a); org != "" {
		return Scope{Org: org}
	}
	if a.Role == RoleOrg {
		return Scope{} // an organization account without an organization
	}
	return Scope{All: true}
}

// AnswerSide is the side the actor answers interests for across all the
// matches in its scope (MatchScope): an organization user its
// organization's, a county user its county's, the admin every county's
// (ActorSides for one match says the same). Village and department users
// answer none.
func AnswerSide(a Actor) (Side, bool) {
	if s := OfferScope(a); !s.All && s.Org != "" {
		return SideOrg, true
	}
	if !countyScope(a).None() {
		return SideCounty, true
	}
	return "", false
}

// ---- pairings ----

// PairingKeys are a pairing's place, organization and the department that
// supervises the organization (read with the pairing).
func PairingKeys(p *Pairing, department string) Keys {
	return Keys{County: p.CountyCode, Village: p.VillageCode, Org: p.OrgID, Department: department}
}

// PairingScope is the pairings the actor sees: the admin all, a county its
// county's, a village its own, an organization its own, a department those
// of the organizations it supervises.
func PairingScope(a Actor) Scope {
	return roleScope(a, RoleCounty, RoleVillage, RoleOrg, RoleDepartment)
}

// CanCreatePairings says whether the actor may enter pairings at all (the
// button, the import); CanCreatePairing then checks the county.
func CanCreatePairings(a Actor) error {
	if countyScope(a).None() {
		return forbiddenf("", "只有县市或州级用户可以录入结对")
	}
	return nil
}

// CanCreatePairing says whether the actor may enter a pairing directly in
// county: the county itself or the admin.
func CanCreatePairing(a Actor, county string) error {
	if countyScope(a).Has(Keys{County: county}) {
		return nil
	}
	return forbiddenf("", "只有本县市或州级用户可以录入结对")
}

// pairingSideScope is the pairings the actor is party to or answers for:
// the admin all, a county its county's, a village its own, an
// organization its own. A department supervises; it only reads.
func pairingSideScope(a Actor) Scope { return roleScope(a, RoleCounty, RoleVillage, RoleOrg) }

// CanEditPairing says whether the actor may upload or replace the
// agreement of pairing p and correct its details (dates, note, action):
// both sides — the organization paired and the village — the county it is
// in, and the admin, whatever way the pairing came about. The parties
// themselves are not changed this way.
func CanEditPairing(a Actor, p *Pairing) error {
	if pairingSideScope(a).Has(PairingKeys(p, "")) {
		return nil
	}
	return forbiddenf("", "只有结对的社会组织、村和所在县市可以上传协议或更正结对信息")
}

// ---- projects ----

// ProjectScope is the projects the actor sees: the admin all, a county its
// county's, a village those in its village, an organization those it
// takes part in (lead, partner or donor), a department those of the
// actions it leads (it reviews them) and those of the organizations it
// supervises. A project has several villages and organizations, so it is
// asked with ProjectInScope, not Scope.Has; the store spells the same
// rule in SQL (store/projects.go, projectScopeSQL).
func ProjectScope(a Actor) Scope {
	return roleScope(a, RoleCounty, RoleVillage, RoleOrg, RoleDepartment)
}

// ProjectInScope reports whether the project is in the actor's scope.
func ProjectInScope(a Actor, p *Project) bool {
	s := ProjectScope(a)
	switch {
	case s.All:
		return true
	case s.County != "":
		return s.County == p.CountyCode
	case s.Village != "":
		return slices.Contains(p.Villages, s.Village)
	case s.Org != "":
		return slices.Contains(p.OrgIDs(), s.Org)
	case s.Department != "":
		if slices.Contains(p.LeadDepartments, s.Department) {
			return true
		}
		for _, pt := range p.Parties {
			if pt.Department == s.Department {
				return true
			}
		}
	}
	return false
}

// CanSeeProject reports whether the actor may read the project. Projects
// are not public yet: the public site (a later layer) will show completed
// ones without internal fields.
func CanSeeProject(a Actor, p *Project) bool { return ProjectInScope(a, p) }

// CanCreateProjects says whether the actor may start projects at all: an
// organization's staff, as its lead, and the admin.
func CanCreateProjects(a Actor) error {
	if OfferScope(a).None() {
		return forbiddenf("", "只有社会组织（作为牵头单位）和州级管理员可以创建帮扶项目")
	}
	return nil
}

// CanCreateProject says whether the actor may start project p: an
// organization user only with its own organization as the lead.
func CanCreateProject(a Actor, p *Project) error {
	if err := CanCreateProjects(a); err != nil {
		return err
	}
	return canLeadProject(a, p)
}

// CanStartProjectFrom says whether the actor may start a project from
// pairing pr (立项): the paired organization's staff, who will lead it,
// and the admin. The county that entered the pairing approves the project
// later; it does not write it.
func CanStartProjectFrom(a Actor, pr *Pairing) error {
	if err := CanCreateProjects(a); err != nil {
		return err
	}
	if !isAdmin(a) && OwnOrg(a) != pr.OrgID {
		return forbiddenf("", "只有结对的社会组织可以据此结对立项")
	}
	return nil
}

// canLeadProject is whether the actor speaks for the project's lead
// organization: its staff, or the admin.
func canLeadProject(a Actor, p *Project) error {
	if !OfferScope(a).Has(Keys{Org: p.LeadOrgID()}) {
		return forbiddenf("parties", "只有牵头单位可以维护该项目")
	}
	return nil
}

// CanEditProject says whether the actor may change the project's content:
// the lead organization, while it is a draft or has been returned.
func CanEditProject(a Actor, p *Project) error {
	if err := canLeadProject(a, p); err != nil {
		return err
	}
	if p.Status != ProjectDraft && p.Status != ProjectReturned {
		return Errorf(EConflict, "status", "项目“%s”，只有草稿或已退回的项目可以修改", p.Status.Label())
	}
	return nil
}

// CanReviewProject says whether the actor may approve or return the
// project: its county, the department that leads its action (牵头部门),
// or the admin.
func CanReviewProject(a Actor, p *Project) error {
	if countyScope(a).Has(Keys{County: p.CountyCode}) {
		return nil
	}
	if s := roleScope(a, RoleDepartment); s.Department != "" && slices.Contains(p.LeadDepartments, s.Department) {
		return nil
	}
	return forbiddenf("", "只有项目所在县市、该行动的牵头部门或州级管理员可以审批项目")
}

// ProjectReviewScope is the projects the actor may approve or return, as
// CanReviewProject decides one: the admin all, a county its county's, a
// department the projects of the actions it leads (Scope.Department: the
// store asks the department's lead actions). An organization or a village
// reviews none. The work bench's 待审批的项目 counts this, so that a
// department supervising a partner does not see work that is not its own.
func ProjectReviewScope(a Actor) Scope { return roleScope(a, RoleCounty, RoleDepartment) }

// CanSpendProject says whether the actor may record the project's
// spending: the lead organization, while the project runs.
func CanSpendProject(a Actor, p *Project) error {
	if err := canLeadProject(a, p); err != nil {
		return err
	}
	if !slices.Contains(ProjectLive, p.Status) {
		return Errorf(EConflict, "status", "项目“%s”，只有批准后、完成前的项目可以登记支出", p.Status.Label())
	}
	return nil
}

// CanMarkKeyProject says whether the actor may mark projects as key
// projects (重点项目): a prefecture decision, counted against the plan's
// target of at least ten.
func CanMarkKeyProject(a Actor) error {
	if !isAdmin(a) {
		return forbiddenf("key", "仅州级管理员可以设定重点项目")
	}
	return nil
}

// ---- brands ----

// CanManageBrands says whether the actor may create, change, publish and
// withdraw brands (项目品牌): a prefecture decision, the admin's alone.
// Counties, organizations and villages read them.
func CanManageBrands(a Actor) error {
	if !isAdmin(a) {
		return forbiddenf("", "仅州级管理员可以认定和维护项目品牌")
	}
	return nil
}

// CanSeeBrand reports whether the actor may read the brand: everyone signed
// in reads every brand, drafts included (so a county can see what is being
// prepared about it); the public only published ones.
func CanSeeBrand(a Actor, b *Brand) bool { return SignedIn(a) || b.Public() }

// projectImportScope is whose project ledgers the actor may import: an
// organization's staff its own organization's, a county user the
// projects in its county (for whichever organization leads them, named by
// credit code), the admin all.
func projectImportScope(a Actor) Scope { return roleScope(a, RoleOrg, RoleCounty) }

// CanImportProject says whether the actor may create or change project p
// by importing a ledger row (项目台账): an organization leads its own; a
// county enters those in its county, for the organizations that keep
// their ledgers with it; the admin any. The store keeps an import to
// drafts and returned projects, as the form is (CanEditProject).
func CanImportProject(a Actor, p *Project) error {
	s := projectImportScope(a)
	switch {
	case s.All:
		return nil
	case s.Org != "":
		if p.LeadOrgID() != s.Org {
			return forbiddenf("lead", "社会组织只能导入本组织牵头的项目")
		}
		return nil
	case s.County != "":
		if p.CountyCode != s.County {
			return forbiddenf("county", "县市用户只能导入本县市的项目")
		}
		return nil
	}
	return forbiddenf("", "仅社会组织、县市用户和州级管理员可导入帮扶项目")
}

// ---- picking a party on a form ----

// VillagePickScope is the villages an actor may pick as a party of a record
// it enters (a pairing, an account): the admin every village, a county user
// its county's, a village user its own. Organizations and departments enter
// nothing for a village, except an organization's staff, who pick any
// village for a project their organization leads (the store checks that a
// project's villages lie in one county). Village names are public facts;
// the scope keeps a county's picker to the villages its forms accept, not
// the names secret.
func VillagePickScope(a Actor) Scope {
	if SignedIn(a) && a.Role == RoleOrg && a.OrgID != "" {
		return Scope{All: true}
	}
	return roleScope(a, RoleCounty, RoleVillage)
}

// CanPickVillages says whether the actor may search villages to pick one.
func CanPickVillages(a Actor) error {
	if VillagePickScope(a).None() {
		return forbiddenf("", "无权选择村")
	}
	return nil
}

// Organizations are picked among those the actor may read (OrgScope, asked
// through CanSeeOrgs); a credit code typed whole still names any
// organization, as OrgByCreditCode documents.

// ---- functions of the platform ----

// ImportKind names what an import loads.
type ImportKind string

// The imports.
const (
	ImportOrgs     ImportKind = "orgs"
	ImportRegions  ImportKind = "regions"
	ImportPairings ImportKind = "pairings"
	ImportProjects ImportKind = "projects"
)

// CanImport says whether the actor may import records of kind; each row is
// then checked against the rule for one record (CanPlaceOrg,
// CanImportRegion, CanCreatePairing). Without a kind it says whether the
// actor may import anything, for the menu.
func CanImport(a Actor, kind ImportKind) error {
	switch kind {
	case ImportOrgs:
		if CanCreateOrg(a) != nil {
			return forbiddenf("", "仅州级管理员和县市用户可导入社会组织")
		}
		return nil
	case ImportRegions:
		if countyScope(a).None() {
			return forbiddenf("", "仅州级管理员和县市用户可导入行政区划")
		}
		return nil
	case ImportPairings:
		if CanCreatePairings(a) != nil {
			return forbiddenf("", "仅州级管理员和县市用户可导入结对")
		}
		return nil
	case ImportProjects:
		if projectImportScope(a).None() {
			return forbiddenf("", "仅社会组织、县市用户和州级管理员可导入帮扶项目")
		}
		return nil
	}
	for _, k := range []ImportKind{ImportOrgs, ImportRegions, ImportPairings, ImportProjects} {
		if CanImport(a, k) == nil {
			return nil
		}
	}
	return forbiddenf("", "仅州级管理员和县市用户可导入数据")
}

// CanManageUsers says whether the actor may create, disable and reset
// accounts and issue or revoke API tokens.
func CanManageUsers(a Actor) error {
	if !isAdmin(a) {
		return forbiddenf("", "仅州级管理员可管理用户")
	}
	return nil
}

// CanManageDepartments says whether the actor may add and edit departments
// and their roles in the five actions. Everyone signed in reads them.
func CanManageDepartments(a Actor) error {
	if !isAdmin(a) {
		return forbiddenf("", "仅州级管理员可维护部门")
	}
	return nil
}

// CanSeeAuditLog says whether the actor may browse the whole audit log; an
// organization's own history is shown to whoever may see the organization.
func CanSeeAuditLog(a Actor) error {
	if !isAdmin(a) {
		return forbiddenf("", "仅州级管理员可查看审计日志")
	}
	return nil
}

// CanSeeAllocations says whether the actor may read the saved allocations: they
// show every county's needs and organizations, and a county sees the whole
// allocation because whether its needs are matched depends on everyone else's.
func CanSeeAllocations(a Actor) error {
	if countyScope(a).None() {
		return forbiddenf("", "对接方案仅州级和县市用户可见")
	}
	return nil
}

// CanAllocate says whether the actor may compute and save an allocation.
func CanAllocate(a Actor) error {
	if !isAdmin(a) {
		return forbiddenf("", "仅州级管理员可以计算全州对接方案")
	}
	return nil
}

// CanSeeJob says whether the actor may follow a piece of long work (an
// import, an allocation run) and read its result: only the account that
// started it. An import's refused rows quote the file, which may hold
// records of the starter's scope that nobody else may read; pages answer
// "not found", so that another user cannot learn the job exists.
func CanSeeJob(a Actor, owner string) error {
	if a.UserID == "" || a.UserID != owner {
		return forbiddenf("", "只能查看自己发起的任务")
	}
	return nil
}

// CanEditMatchWeights says whether the actor may change the scoring weights.
func CanEditMatchWeights(a Actor) error {
	if !isAdmin(a) {
		return forbiddenf("", "仅州级管理员可以调整匹配权重")
	}
	return nil
}

// CanSeePhone is the one rule for who sees a phone number whole (DESIGN §3
// and §6: personal data masked by default, shown whole only to those who
// need it). rec is the record that carries the number:
//
//   - *Org: those who may edit the organization, who keep its contact
//     details: the prefecture admin, the county it is registered in, and
//     the organization itself. Everyone else who may read it sees
//     MaskPhone's 138****5678.
//   - *Need: those who have to call the village: the need's village and
//     county (and the prefecture admin), and an organization paired on it
//     (Need.PairedOrgIDs, filled by the store on reading one need).
//     Everyone else gets Need.Public, without contact or phone at all.
//
// Any other record gets false, so a new kind of record is masked until it
// has its own line here. The store applies this rule when it hands back a
// record (PhoneFor), so pages, the API and exports show the same thing.
func CanSeePhone(a Actor, rec any) bool {
	switch r := rec.(type) {
	case *Org:
		return orgEditScope(a).Has(OrgKeys(r))
	case *Need:
		own := OwnOrg(a)
		return NeedInScope(a, r) || own != "" && slices.Contains(r.PairedOrgIDs, own)
	}
	return false
}

// CanSearchByPhone says whether a phone number typed into the organization
// search may find the organization it belongs to: only for those who see
// every phone in their scope whole (CanSeePhone on organizations), so that a
// search cannot confirm whose a masked number is.
func CanSearchByPhone(a Actor) bool {
	sc := orgEditScope(a)
	return sc.All || sc.County != "" || sc.Org != ""
}

// PhoneFor returns phone, the number on rec, as the actor may see it: whole
// or masked.
func PhoneFor(a Actor, rec any, phone string) string {
	if phone == "" || CanSeePhone(a, rec) {
		return phone
	}
	return MaskPhone(phone)
}

// ---- progress reports ----

// CanWriteReport says whether the actor may submit a progress report on
// project p: the lead organization's staff (and the admin), while the
// project runs or awaits acceptance (ReportLive). Everyone who may see the
// project reads its reports.
func CanWriteReport(a Actor, p *Project) error {
	if err := canLeadProject(a, p); err != nil {
		return forbiddenf("", "只有牵头单位可以提交进展报告")
	}
	if !slices.Contains(ReportLive, p.Status) {
		return Errorf(EConflict, "status", "项目“%s”，只有实施中或待验收的项目可以提交进展报告", p.Status.Label())
	}
	return nil
}

// canConfirmReport is whether the actor speaks for the village that
// received the work: a village user of one of the project's villages; or,
// when none of them has an account (r.VillageAccount), the project's
// county and the admin on its behalf (ReportTransitions says why).
func canConfirmReport(a Actor, p *Project, r *ProjectReport) error {
	if s := roleScope(a, RoleVillage); s.Village != "" {
		if slices.Contains(p.Villages, s.Village) {
			return nil
		}
		return forbiddenf("", "只有项目所在村可以确认或对进展报告提出异议")
	}
	if countyScope(a).Has(Keys{County: p.CountyCode}) {
		if r.VillageAccount {
			return forbiddenf("", "项目所在村有账号，应由村里确认或提出异议")
		}
		return nil
	}
	return forbiddenf("", "只有项目所在村（村里没有账号时由县市代为）确认进展报告")
}

// ---- case collection ----

// CanOpenCalls says whether the actor may open and change calls for cases
// (案例征集): a prefecture decision.
func CanOpenCalls(a Actor) error {
	if !isAdmin(a) {
		return forbiddenf("", "只有州级管理员可以发起案例征集")
	}
	return nil
}

// CanSubmitCases says whether the actor may write cases at all: an
// organization's staff (for their organization) and a county user (for
// the county). The admin and the departments review them instead, and a
// village tells its story through the organization or county that helped.
func CanSubmitCases(a Actor) error {
	if SignedIn(a) && ((a.Role == RoleOrg && a.OrgID != "") || (a.Role == RoleCounty && a.CountyCode != "")) {
		return nil
	}
	return forbiddenf("", "只有社会组织和县市用户可以提交案例")
}

// CaseSubmitterFor fills the case's submitter from the actor who writes
// it: an organization's staff submit for their organization (the store
// sets the county to the organization's), a county user for the county.
func CaseSubmitterFor(a Actor, c *Case) {
	if a.Role == RoleOrg {
		c.OrgID = a.OrgID
		return
	}
	c.OrgID, c.CountyCode = "", a.CountyCode
}

// IsCaseSubmitter says whether the actor speaks for the case's submitter:
// the submitting organization's staff, or, for a county's own case, the
// county's users.
func IsCaseSubmitter(a Actor, c *Case) bool {
	if !SignedIn(a) {
		return false
	}
	switch a.Role {
	case RoleOrg:
		return a.OrgID != "" && c.OrgID == a.OrgID
	case RoleCounty:
		return a.CountyCode != "" && c.OrgID == "" && c.CountyCode == a.CountyCode
	}
	return false
}

// CanReviewCases says whether the actor scores cases: the prefecture admin
// and the departments' users. Cases are judged on the actions the
// departments lead (industry, employment, education, health, consumption),
// so their judgement is what a panel needs; a county or an organization
// would score its own. The admin alone selects and publishes.
func CanReviewCases(a Actor) error {
	if isAdmin(a) || (SignedIn(a) && a.Role == RoleDepartment && a.DepartmentID != "") {
		return nil
	}
	return forbiddenf("", "只有州级管理员和部门用户可以评审案例")
}

// caseReader is whose cases, beyond the published ones, the actor reads:
// "all" (the admin), "reviewer" (every case but drafts: the departments),
// or the actor's own organization's or county's (Scope). A published case
// is read by anyone, on the public site too.
func caseReader(a Actor) (all, reviewer bool, s Scope) {
	switch {
	case isAdmin(a):
		return true, false, Scope{All: true}
	case CanReviewCases(a) == nil:
		return false, true, Scope{}
	}
	return false, false, roleScope(a, RoleCounty, RoleOrg)
}

// CaseScope is what the store spells as SQL for the actor's list of cases:
// All for the admin, Reviewer for the departments (every case submitted),
// or the organization's or county's own (a county reads its own cases and
// its organizations' cases: every case whose county is its county).
type CaseScope struct {
	All, Reviewer bool
	Scope
}

// CasesFor is the actor's CaseScope; published cases are added to every
// list.
func CasesFor(a Actor) CaseScope {
	all, rev, s := caseReader(a)
	return CaseScope{All: all, Reviewer: rev, Scope: s}
}

// CanSeeCase says whether the actor may read the case: anyone a published
// one; the admin every case; the departments every case submitted; the
// submitting organization its own, and the county those of its county.
func CanSeeCase(a Actor, c *Case) bool {
	if c.Status == CasePublished {
		return true
	}
	cs := CasesFor(a)
	switch {
	case cs.All:
		return true
	case cs.Reviewer:
		return c.Status != CaseDraft
	}
	return cs.Scope.Has(Keys{County: c.CountyCode, Org: c.OrgID})
}

// CanEditCase says whether the actor may change the case's text, photos
// and projects: its submitter, while it is a draft.
func CanEditCase(a Actor, c *Case) error {
	if !IsCaseSubmitter(a, c) {
		return forbiddenf("", "只有提交案例的社会组织或县市可以修改案例")
	}
	if c.Status != CaseDraft {
		return Errorf(EConflict, "status", "案例“%s”，只有草稿可以修改（已提交的可在征集期内撤回修改）", c.Status.Label())
	}
	return nil
}

// CanScoreCase says whether the actor may score the case: a reviewer,
// while the case awaits review.
func CanScoreCase(a Actor, c *Case) error {
	if err := CanReviewCases(a); err != nil {
		return err
	}
	if c.Status != CaseSubmitted {
		return Errorf(EConflict, "status", "案例当前为“%s”，只有待评审的案例可以打分", c.Status.Label())
	}
	return nil
}

// CanLinkCaseProject says whether the actor may link project p to a case:
// only a project in the submitter's own scope (its organization takes
// part; the county's), so no one claims another's work.
func CanLinkCaseProject(a Actor, p *Project) error {
	if CanSubmitCases(a) != nil || !ProjectInScope(a, p) {
		return forbiddenf("projects", "只能关联本单位参与或本县市的项目")
	}
	return nil
}
