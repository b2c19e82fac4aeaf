package zhuxiang

import (
	"slices"
	"strings"
)

// Lifecycles are tables of allowed transitions (DESIGN §5): who may move a
// record from which state to which. The store asks them before every status
// change and the pages ask them to decide which buttons to show, so both
// give the same answer. Whose record it is (scope) is asked of authz.go.

// NeedTransition is one allowed change of a need's status.
type NeedTransition struct {
	Name   string // submit, withdraw, approve, reject, done, close
	Label  string // the button's words
	From   []NeedStatus
	To     NeedStatus
	Roles  []Role
	Author bool // only the need's author may take it (IsNeedAuthor)
	Reason bool // a reason is required (rejections and closings are explained)
	// ReasonLabel names the reason's field and says who reads it (a
	// template: NeedText fills it).
	ReasonLabel string
	// Confirm marks a step that cannot be undone: pages ask first, showing
	// this summary of what will happen and who is told (a template:
	// NeedText fills it), and refuse the step without the confirmation.
	// The JSON API does not ask: a client that calls has decided.
	Confirm string
}

// NeedTransitions is the need lifecycle. "matched" is not here: only a
// confirmed match moves a need there, in the same transaction as its pairing.
// Who is told of each step is what store.TransitionNeed notifies; the
// summaries say exactly that, so change them together.
var NeedTransitions = []NeedTransition{
	{Name: "submit", Label: "提交审核", From: []NeedStatus{NeedDraft, NeedRejected}, To: NeedSubmitted, Roles: []Role{RoleVillage, RoleCounty, RoleAdmin}},
	{Name: "withdraw", Label: "撤回修改", From: []NeedStatus{NeedSubmitted}, To: NeedDraft, Roles: []Role{RoleVillage, RoleCounty, RoleAdmin}, Author: true},
	{Name: "approve", Label: "审核通过", From: []NeedStatus{NeedSubmitted}, To: NeedOpen, Roles: []Role{RoleCounty, RoleAdmin},
		Confirm: "审核通过后，需求“{need}”将公开（联系人和电话不公开）：全州的社会组织和公众都能看到，服务{county}的社会组织可以表达对接意向；{told}的用户会收到通知。审核通过后不能撤回。"},
	{Name: "reject", Label: "退回", From: []NeedStatus{NeedSubmitted}, To: NeedRejected, Roles: []Role{RoleCounty, RoleAdmin}, Reason: true,
		ReasonLabel: "退回理由（必填；{told}的用户会收到含理由的通知，修改后可重新提交）"},
	{Name: "done", Label: "确认完成", From: []NeedStatus{NeedMatched}, To: NeedDone, Roles: []Role{RoleVillage, RoleCounty, RoleAdmin},
		Confirm: "确认完成后，需求“{need}”标记为已完成，不能改回：{orgs}的资源释放一个承接名额，这次帮扶计入其已完成的帮扶记录（今后推荐时加分）。不发送通知。"},
	{Name: "close", Label: "关闭需求", From: []NeedStatus{NeedDraft, NeedSubmitted, NeedRejected, NeedOpen}, To: NeedClosed, Roles: []Role{RoleVillage, RoleCounty, RoleAdmin}, Reason: true,
		ReasonLabel: "关闭原因（必填；{told}的用户和州级管理员能看到，社会组织看不到）",
		Confirm:     "关闭后，需求“{need}”不公开、不能对接，也不能再修改或重新打开；尚在进行的对接意向将自动撤回，表达过意向的社会组织会收到“需求已关闭”的通知（不含关闭原因）。"},
}

// NeedText fills a transition's summary or reason label with the need's
// names: {need} its title, {county} its county, {place} where it is,
// {told} the places whose users store.TransitionNeed notifies (its village
// and county), {orgs} the organizations paired on it.
func NeedText(text string, n *Need) string {
	told := n.County
	if n.Village != "" {
		told = n.Village + "、" + n.County
	}
	orgs := "结对组织"
	if len(n.MatchedOrgs) > 0 {
		orgs = strings.Join(n.MatchedOrgs, "、")
	}
	return strings.NewReplacer("{need}", n.Title, "{county}", n.County, "{place}", n.Place(), "{told}", told, "{orgs}", orgs).Replace(text)
}

// Summary is what the confirmation of the step on n says, or "" for a
// step that needs none.
func (t NeedTransition) Summary(n *Need) string { return NeedText(t.Confirm, n) }

// ReasonFor is the label of the step's reason on n.
func (t NeedTransition) ReasonFor(n *Need) string {
	if t.ReasonLabel == "" {
		return t.Label + "的理由（必填）"
	}
	return NeedText(t.ReasonLabel, n)
}

// FindNeedTransition returns the transition called name.
func FindNeedTransition(name string) (NeedTransition, bool) {
	for _, t := range NeedTransitions {
		if t.Name == name {
			return t, true
		}
	}
	return NeedTransition{}, false
}

// CanNeed says whether the actor may apply transition name to the need,
// and if not, why, in words a user understands.
func CanNeed(a Actor, n *Need, name string) error {
	t, ok := FindNeedTransition(name)
	if !ok {
		return Errorf(EInvalid, "action", "未知的操作")
	}
	if !slices.Contains(t.Roles, a.Role) {
		return Errorf(EForbidden, "", "您的角色不能“%s”", t.Label)
	}
	if !NeedInScope(a, n) {
		return Errorf(EForbidden, "", "只能处理本村或本县市的需求")
	}
	if t.Author && !IsNeedAuthor(a, n) {
		return Errorf(EForbidden, "", "只有需求的填报人可以“%s”；县市审核时可“退回”并说明理由", t.Label)
	}
	if !slices.Contains(t.From, n.Status) {
		return Errorf(EConflict, "status", "需求当前为“%s”，不能“%s”", n.Status.Label(), t.Label)
	}
	// A village proposes; its county reviews. Letting the author approve its
	// own need would defeat the review.
	return nil
}

// NeedActions lists the transitions the actor may apply now, for buttons.
func NeedActions(a Actor, n *Need) []NeedTransition {
	var out []NeedTransition
	for _, t := range NeedTransitions {
		if CanNeed(a, n, t.Name) == nil {
			out = append(out, t)
		}
	}
	return out
}

// OfferTransitions maps an offer status change to the statuses it leaves.
var OfferTransitions = map[OfferStatus][]OfferStatus{
	OfferPaused: {OfferOpen},
	OfferOpen:   {OfferPaused},
	OfferClosed: {OfferOpen, OfferPaused},
}

// CanSetOfferStatus says whether the actor may move the offer to status to.
func CanSetOfferStatus(a Actor, o *Offer, to OfferStatus) error {
	if err := canKeepOffer(a, o); err != nil {
		return err
	}
	from, ok := OfferTransitions[to]
	if !ok || !slices.Contains(from, o.Status) {
		return Errorf(EConflict, "status", "资源当前为“%s”，不能改为“%s”", o.Status.Label(), to.Label())
	}
	return nil
}

// MatchTransition is one allowed change of a match's status.
type MatchTransition struct {
	Name   string // accept, decline, confirm, withdraw
	Label  string
	From   []MatchStatus
	To     MatchStatus
	By     string // "other": the side that did not initiate; "initiator"; "county"
	Reason bool
	// Confirm marks a step that cannot be undone, as on NeedTransition;
	// MatchText fills it.
	Confirm string
}

// MatchTransitions is the match lifecycle after an interest is expressed.
// Lapsing is done by the system, not by a person. The confirmation's
// summary says what store.TransitionMatch does and whom it notifies.
var MatchTransitions = []MatchTransition{
	{Name: "accept", Label: "接受", From: []MatchStatus{MatchPending}, To: MatchAccepted, By: "other"},
	{Name: "decline", Label: "婉拒", From: []MatchStatus{MatchPending}, To: MatchDeclined, By: "other", Reason: true},
	{Name: "confirm", Label: "确认结对", From: []MatchStatus{MatchAccepted}, To: MatchConfirmed, By: "county",
		Confirm: "确认结对后，{org}与{place}结对帮扶（需求“{need}”），占用资源“{offer}”的一个承接名额；该需求其他尚在进行的对接意向将自动撤回。将通知{org}以及{told}的用户，被撤回意向的社会组织也会收到通知。结对确认后不能撤销。"},
	{Name: "refuse", Label: "不予确认", From: []MatchStatus{MatchAccepted}, To: MatchDeclined, By: "county", Reason: true},
	{Name: "withdraw", Label: "撤回", From: []MatchStatus{MatchPending, MatchAccepted}, To: MatchWithdrawn, By: "initiator"},
}

// FindMatchTransition returns the transition called name.
func FindMatchTransition(name string) (MatchTransition, bool) {
	for _, t := range MatchTransitions {
		if t.Name == name {
			return t, true
		}
	}
	return MatchTransition{}, false
}

// MatchText fills a match step's summary with the match's names: {org},
// {place} (county and village), {need}, {offer}, and {told}, the places
// whose users store.TransitionMatch notifies.
func MatchText(text string, m *Match) string {
	told := m.County
	if m.Village != "" {
		told = m.Village + "、" + m.County
	}
	return strings.NewReplacer("{org}", m.Org, "{place}", m.Place, "{need}", m.NeedTitle, "{offer}", m.OfferTitle, "{told}", told).Replace(text)
}

// Summary is what the confirmation of the step on m says, or "" for a
// step that needs none.
func (t MatchTransition) Summary(m *Match) string { return MatchText(t.Confirm, m) }

// CanMatch says whether the actor may apply transition name to the match.
func CanMatch(a Actor, m *Match, name string) error {
	t, ok := FindMatchTransition(name)
	if !ok {
		return Errorf(EInvalid, "action", "未知的操作")
	}
	sides := ActorSides(a, m.CountyCode, m.OrgID)
	if len(sides) == 0 {
		return Errorf(EForbidden, "", "只有对接双方可以处理")
	}
	var want Side
	switch t.By {
	case "other":
		want = m.Initiator.Other()
	case "initiator":
		want = m.Initiator
	default:
		want = SideCounty
	}
	if !slices.Contains(sides, want) {
		return Errorf(EForbidden, "", "应由%s一方“%s”", want.Label(), t.Label)
	}
	if !slices.Contains(t.From, m.Status) {
		return Errorf(EConflict, "status", "对接当前为“%s”，不能“%s”", m.Status.Label(), t.Label)
	}
	return nil
}

// MatchActions lists the transitions the actor may apply now.
func MatchActions(a Actor, m *Match) []MatchTransition {
	var out []MatchTransition
	for _, t := range MatchTransitions {
		if CanMatch(a, m, t.Name) == nil {
			out = append(out, t)
		}
	}
	return out
}

// MatchWait is a state in which a match waits for one side: its status,
// and the side that must have initiated it ("" for either).
type MatchWait struct {
	Status    MatchStatus
	Initiator Side
}

// MatchWaitsFor lists the states in which side must answer a match, read
// from MatchTransitions: an interest the other side expressed (accept or
// decline), and for the county an accepted match to confirm or refuse.
// The initiator's withdrawal is a choice, not an answer anyone waits for.
// The work bench and the list of interests awaiting an answer ask this, so
// a new transition changes both.
func MatchWaitsFor(side Side) []MatchWait {
	var out []MatchWait
	for _, t := range MatchTransitions {
		var w MatchWait
		switch {
		case t.By == "other":
			w.Initiator = side.Other()
		case t.By == "county" && side == SideCounty:
		default:
			continue
		}
		for _, from := range t.From {
			w.Status = from
			if !slices.Contains(out, w) {
				out = append(out, w)
			}
		}
	}
	return out
}

// ProjectTransition is one allowed change of a project's status.
type ProjectTransition struct {
	Name  string // submit, approve, return, start, request_acceptance, complete, stop
	Label string
	From  []ProjectStatus
	To    ProjectStatus
	// By is who takes the step: "lead" the lead organization's staff (and
	// the admin), "review" those who approve projects (the project's
	// county, the action's lead department, the admin: CanReviewProject),
	// "county" the project's county and the admin.
	By     string
	Reason bool
	// Tell is who store.TransitionProject notifies: "county" the county's
	// users, "lead" the lead organization's, "villages" its villages'.
	Tell []string
	// Confirm marks a step that cannot be undone: pages ask first, showing
	// this summary of what happens and who is told. The JSON API does not
	// ask: a client that calls has decided.
	Confirm string
}

// ProjectTransitions is the project lifecycle (issue 11): draft →
// submitted → approved or returned (and returned → submitted again) →
// running → awaiting acceptance → completed; stopped, with a reason, from
// any state in which it runs (ProjectLive). Completing is refused while a
// progress report is disputed, and marks the project's matched needs done
// (store.TransitionProject).
var ProjectTransitions = []ProjectTransition{
	{Name: "submit", Label: "提交审批", From: []ProjectStatus{ProjectDraft, ProjectReturned}, To: ProjectSubmitted, By: "lead", Tell: []string{"county"}},
	{Name: "approve", Label: "批准立项", From: []ProjectStatus{ProjectSubmitted}, To: ProjectApproved, By: "review", Tell: []string{"lead", "villages"},
		Confirm: "批准后项目立项，牵头单位可以开始实施；项目内容不能再修改。牵头单位和项目所在村会收到通知。"},
	{Name: "return", Label: "退回修改", From: []ProjectStatus{ProjectSubmitted}, To: ProjectReturned, By: "review", Reason: true, Tell: []string{"lead"}},
	{Name: "start", Label: "开始实施", From: []ProjectStatus{ProjectApproved}, To: ProjectRunning, By: "lead", Tell: []string{"county", "villages"}},
	{Name: "request_acceptance", Label: "申请验收", From: []ProjectStatus{ProjectRunning}, To: ProjectAwaiting, By: "lead", Tell: []string{"county"}},
	{Name: "complete", Label: "验收完成", From: []ProjectStatus{ProjectAwaiting}, To: ProjectCompleted, By: "county", Tell: []string{"lead", "villages"},
		Confirm: "验收完成后项目结束，不能再登记支出；项目对接的需求标记为已完成。牵头单位和项目所在村会收到通知。"},
	{Name: "stop", Label: "终止项目", From: ProjectLive, To: ProjectStopped, By: "county", Reason: true, Tell: []string{"lead", "villages"},
		Confirm: "终止后项目不再实施，不能恢复，也不能再登记支出。牵头单位和项目所在村会收到通知，并看到终止理由。"},
}

// FindProjectTransition returns the transition called name.
func FindProjectTransition(name string) (ProjectTransition, bool) {
	for _, t := range ProjectTransitions {
		if t.Name == name {
			return t, true
		}
	}
	return ProjectTransition{}, false
}

// CanProject says whether the actor may apply transition name to the
// project, and if not, why. Whether the actor may see the project at all
// is asked first (CanSeeProject); the store answers "not found" otherwise.
func CanProject(a Actor, p *Project, name string) error {
	t, ok := FindProjectTransition(name)
	if !ok {
		return Errorf(EInvalid, "action", "未知的操作")
	}
	var err error
	switch t.By {
	case "lead":
		err = canLeadProject(a, p)
	case "review":
		err = CanReviewProject(a, p)
	default:
		if !countyScope(a).Has(Keys{County: p.CountyCode}) {
			err = forbiddenf("", "只有项目所在县市或州级管理员可以“%s”", t.Label)
		}
	}
	if err != nil {
		return err
	}
	if !slices.Contains(t.From, p.Status) {
		return Errorf(EConflict, "status", "项目当前为“%s”，不能“%s”", p.Status.Label(), t.Label)
	}
	return nil
}

// ProjectActions lists the transitions the actor may apply now.
func ProjectActions(a Actor, p *Project) []ProjectTransition {
	var out []ProjectTransition
	for _, t := range ProjectTransitions {
		if CanProject(a, p, t.Name) == nil {
			out = append(out, t)
		}
	}
	return out
}

// ReportTransition is one allowed change of a progress report's status.
type ReportTransition struct {
	Name  string // confirm, dispute, answer
	Label string
	From  []ReportStatus
	To    ReportStatus
	// By is who takes the step: "village" the project's village (or, for
	// a village without an account, its county: CanReport), "lead" the
	// lead organization's staff (and the admin).
	By string
	// Reason marks a step that needs words: the dispute's reason, the
	// answer to it. ReasonLabel names the field.
	Reason      bool
	ReasonLabel string
	// Tell is who store.TransitionReport notifies: "lead" the lead
	// organization's users, "villages" the project's villages' (and its
	// county when none of them has an account).
	Tell []string
	// Confirm marks a step that cannot be undone, as on
	// ProjectTransition: pages ask first, showing this summary.
	Confirm string
	// Live marks a step taken only while the project reports
	// (ReportLive): a dispute on a completed project could never be
	// settled.
	Live bool
}

// ReportTransitions is the progress report lifecycle (issue 11, 双向确认):
// the lead organization submits a report; the village confirms it, which
// is final, or disputes it with a reason; the lead organization answers a
// dispute (correcting in a new report what was wrong) and the report is
// submitted again for the village to look at. While a report is disputed
// the project cannot be completed (store.TransitionProject).
//
// The receiving village confirms: it is the one that saw the work done. A
// village without an account (not every village has one yet) would leave
// every report of its projects waiting forever, so the county — and the
// admin — confirm or dispute on its behalf then, and only then: where the
// village can speak, nobody speaks for it (CanReport).
var ReportTransitions = []ReportTransition{
	{Name: "confirm", Label: "确认报告", From: []ReportStatus{ReportSubmitted}, To: ReportConfirmed, By: "village", Tell: []string{"lead"},
		Confirm: "确认后，这份进展报告记为村里认可：报告的进展、受益人数和支出不能再提出异议，确认不能撤回。牵头单位会收到通知。"},
	{Name: "dispute", Label: "提出异议", From: []ReportStatus{ReportSubmitted}, To: ReportDisputed, By: "village", Reason: true, Live: true,
		ReasonLabel: "异议理由（必填；牵头单位和县市能看到，异议处理前项目不能验收完成）", Tell: []string{"lead"}},
	{Name: "answer", Label: "答复异议", From: []ReportStatus{ReportDisputed}, To: ReportSubmitted, By: "lead", Reason: true, Live: true,
		ReasonLabel: "答复（必填；说明已如何处理或更正，村里会收到通知并重新确认）", Tell: []string{"villages"}},
}

// FindReportTransition returns the transition called name.
func FindReportTransition(name string) (ReportTransition, bool) {
	for _, t := range ReportTransitions {
		if t.Name == name {
			return t, true
		}
	}
	return ReportTransition{}, false
}

// ReasonFor is the label of the step's reason.
func (t ReportTransition) ReasonFor() string {
	if t.ReasonLabel == "" {
		return t.Label + "的理由（必填）"
	}
	return t.ReasonLabel
}

// CanReport says whether the actor may apply transition name to report r
// of project p, and if not, why. Whether the actor may see the project is
// asked first (CanSeeProject).
func CanReport(a Actor, p *Project, r *ProjectReport, name string) error {
	t, ok := FindReportTransition(name)
	if !ok {
		return Errorf(EInvalid, "action", "未知的操作")
	}
	switch t.By {
	case "lead":
		if err := canLeadProject(a, p); err != nil {
			return forbiddenf("", "只有牵头单位可以“%s”", t.Label)
		}
	default:
		if err := canConfirmReport(a, p, r); err != nil {
			return err
		}
	}
	if !slices.Contains(t.From, r.Status) {
		return Errorf(EConflict, "status", "报告当前为“%s”，不能“%s”", r.Status.Label(), t.Label)
	}
	if t.Live && !slices.Contains(ReportLive, p.Status) {
		return Errorf(EConflict, "status", "项目“%s”，不能再“%s”", p.Status.Label(), t.Label)
	}
	return nil
}

// ReportActions lists the transitions the actor may apply to r now.
func ReportActions(a Actor, p *Project, r *ProjectReport) []ReportTransition {
	var out []ReportTransition
	for _, t := range ReportTransitions {
		if CanReport(a, p, r, t.Name) == nil {
			out = append(out, t)
		}
	}
	return out
}

// BrandTransition is one allowed change of a brand's status. Only the
// prefecture admin takes any (CanManageBrands).
type BrandTransition struct {
	Name   string // publish, withdraw
	Label  string
	From   []BrandStatus
	To     BrandStatus
	Reason bool
}

// BrandTransitions is the brand lifecycle: a brand is prepared as a draft,
// published to the public site, and may be withdrawn with a reason (a
// project found wanting) and published again once put right. Nothing is
// notified: brands are the prefecture's own publicity.
var BrandTransitions = []BrandTransition{
	{Name: "publish", Label: "发布", From: []BrandStatus{BrandDraft, BrandWithdrawn}, To: BrandPublished},
	{Name: "withdraw", Label: "撤下", From: []BrandStatus{BrandPublished}, To: BrandWithdrawn, Reason: true},
}

// FindBrandTransition returns the transition called name.
func FindBrandTransition(name string) (BrandTransition, bool) {
	for _, t := range BrandTransitions {
		if t.Name == name {
			return t, true
		}
	}
	return BrandTransition{}, false
}

// CanBrand says whether the actor may apply transition name to the brand.
func CanBrand(a Actor, b *Brand, name string) error {
	t, ok := FindBrandTransition(name)
	if !ok {
		return Errorf(EInvalid, "action", "未知的操作")
	}
	if err := CanManageBrands(a); err != nil {
		return err
	}
	if !slices.Contains(t.From, b.Status) {
		return Errorf(EConflict, "status", "品牌当前为“%s”，不能“%s”", b.Status.Label(), t.Label)
	}
	return nil
}

// BrandActions lists the transitions the actor may apply now.
func BrandActions(a Actor, b *Brand) []BrandTransition {
	var out []BrandTransition
	for _, t := range BrandTransitions {
		if CanBrand(a, b, t.Name) == nil {
			out = append(out, t)
		}
	}
	return out
}

// CaseTransition is one allowed change of a case's status.
type CaseTransition struct {
	Name  string // submit, withdraw, select, not_select, publish
	Label string
	From  []CaseStatus
	To    CaseStatus
	// By is who takes the step: "submitter" the organization's staff or
	// the county that submitted the case (IsCaseSubmitter), "admin" the
	// prefecture admin, who alone selects and publishes.
	By     string
	Reason bool
	// OpenCall marks a step taken only while the case's call is open:
	// submitting, and withdrawing to change and submit again.
	OpenCall bool
	// Scored marks a step taken only on a case some reviewer has scored.
	Scored bool
	// Tell is who store.TransitionCase notifies: "submitter" the
	// submitting organization's or county's users, "reviewers" the admin
	// and the department users, who score cases.
	Tell []string
	// Confirm marks a step that cannot be undone: pages ask first (CaseText
	// fills {case} and {submitter}).
	Confirm string
}

// CaseTransitions is the case lifecycle (issue 11): draft → submitted
// (only while the call is open) → scored by reviewers → selected →
// published, or not selected with a reason; the submitter may withdraw a
// submitted case to change it while the call is open, which discards the
// scores it had (they scored another text).
var CaseTransitions = []CaseTransition{
	{Name: "submit", Label: "提交案例", From: []CaseStatus{CaseDraft}, To: CaseSubmitted, By: "submitter", OpenCall: true, Tell: []string{"reviewers"}},
	{Name: "withdraw", Label: "撤回修改", From: []CaseStatus{CaseSubmitted}, To: CaseDraft, By: "submitter", OpenCall: true},
	{Name: "select", Label: "评为入选", From: []CaseStatus{CaseSubmitted}, To: CaseSelected, By: "admin", Scored: true, Tell: []string{"submitter"}},
	{Name: "not_select", Label: "不予入选", From: []CaseStatus{CaseSubmitted}, To: CaseNotSelected, By: "admin", Reason: true, Tell: []string{"submitter"}},
	{Name: "publish", Label: "发布案例", From: []CaseStatus{CaseSelected}, To: CasePublished, By: "admin", Tell: []string{"submitter"},
		Confirm: "发布后，案例“{case}”将在公开网站的“典型案例”栏目展示：标题、正文、照片、{submitter}的名称和关联项目的名称，任何人无需登录即可查看和转发。评分和评审意见不公开。发布后不能撤回；{submitter}的用户会收到通知。"},
}

// CaseText fills a case step's summary: {case} its title, {submitter}
// who submitted it.
func CaseText(text string, c *Case) string {
	return strings.NewReplacer("{case}", c.Title, "{submitter}", c.Submitter()).Replace(text)
}

// Summary is what the confirmation of the step on c says, or "".
func (t CaseTransition) Summary(c *Case) string { return CaseText(t.Confirm, c) }

// FindCaseTransition returns the transition called name.
func FindCaseTransition(name string) (CaseTransition, bool) {
	for _, t := range CaseTransitions {
		if t.Name == name {
			return t, true
		}
	}
	return CaseTransition{}, false
}

// CanCase says whether the actor may apply transition name to the case,
// and if not, why. The case's CallStatus and Scores are read as the store
// filled them.
func CanCase(a Actor, c *Case, name string) error {
	t, ok := FindCaseTransition(name)
	if !ok {
		return Errorf(EInvalid, "action", "未知的操作")
	}
	switch t.By {
	case "submitter":
		if !IsCaseSubmitter(a, c) {
			return forbiddenf("", "只有提交案例的社会组织或县市可以“%s”", t.Label)
		}
	default:
		if !isAdmin(a) {
			return forbiddenf("", "只有州级管理员可以“%s”", t.Label)
		}
	}
	if !slices.Contains(t.From, c.Status) {
		return Errorf(EConflict, "status", "案例当前为“%s”，不能“%s”", c.Status.Label(), t.Label)
	}
	if t.OpenCall && c.CallStatus != CallOpen {
		return Errorf(EConflict, "call", "征集活动“%s”%s，不能“%s”", c.CallTheme, c.CallStatus.Label(), t.Label)
	}
	if t.Scored && c.Scores == 0 {
		return Errorf(EConflict, "scores", "案例尚无评审打分，请评审后再“%s”", t.Label)
	}
	return nil
}

// CaseActions lists the transitions the actor may apply now.
func CaseActions(a Actor, c *Case) []CaseTransition {
	var out []CaseTransition
	for _, t := range CaseTransitions {
		if CanCase(a, c, t.Name) == nil {
			out = append(out, t)
		}
	}
	return out
}
