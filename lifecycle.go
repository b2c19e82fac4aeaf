package zhuxiang

import (
	"slices"
	"time"
)

// Lifecycles are tables of allowed transitions (DESIGN §5): who may move a
// record from which state to which. The store asks them before every status
// change and the pages ask them to decide which buttons to show, so both
// give the same answer. Whose record it is (scope) is asked of authz.go.

// NeedTransition is one allowed change of a need's status.
type NeedTransition struct {
	Name   string // submit, approve, reject, done, close
	Label  string // the button's words
	From   []NeedStatus
	To     NeedStatus
	Roles  []Role
	Reason bool // a reason is required (rejections and closings are explained)
}

// NeedTransitions is the need lifecycle. "matched" is not here: only a
// confirmed match moves a need there, in the same transaction as its pairing.
var NeedTransitions = []NeedTransition{
	{Name: "submit", Label: "提交审核", From: []NeedStatus{NeedDraft, NeedRejected}, To: NeedSubmitted, Roles: []Role{RoleVillage, RoleCounty, RoleAdmin}},
	{Name: "approve", Label: "审核通过", From: []NeedStatus{NeedSubmitted}, To: NeedOpen, Roles: []Role{RoleCounty, RoleAdmin}},
	{Name: "reject", Label: "退回", From: []NeedStatus{NeedSubmitted}, To: NeedRejected, Roles: []Role{RoleCounty, RoleAdmin}, Reason: true},
	{Name: "done", Label: "确认完成", From: []NeedStatus{NeedMatched}, To: NeedDone, Roles: []Role{RoleVillage, RoleCounty, RoleAdmin}},
	{Name: "close", Label: "关闭", From: []NeedStatus{NeedDraft, NeedSubmitted, NeedRejected, NeedOpen}, To: NeedClosed, Roles: []Role{RoleVillage, RoleCounty, RoleAdmin}, Reason: true},
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

// Side is a party to a match: the organization that offers, or the county
// that answers for the need.
type Side string

// The two sides of a match.
const (
	SideOrg    Side = "org"
	SideCounty Side = "county"
)

// Label names the side.
func (s Side) Label() string {
	if s == SideOrg {
		return "社会组织"
	}
	return "县市"
}

// Other is the side that answers this one.
func (s Side) Other() Side {
	if s == SideOrg {
		return SideCounty
	}
	return SideOrg
}

// MatchStatus is where a match (对接) between a need and an offer is.
type MatchStatus string

// Match statuses.
const (
	MatchPending   MatchStatus = "pending"   // 待回应: one side expressed interest
	MatchAccepted  MatchStatus = "accepted"  // 待确认: the other side accepted; the county confirms
	MatchConfirmed MatchStatus = "confirmed" // 已确认: a pairing was made
	MatchDeclined  MatchStatus = "declined"  // 已婉拒, with a reason
	MatchWithdrawn MatchStatus = "withdrawn" // 已撤回
	MatchLapsed    MatchStatus = "lapsed"    // 已过期: no answer in MatchLapseDays
)

// MatchLapseDays is how long an interest waits for an answer.
const MatchLapseDays = 30

// Label is the status's Chinese name.
func (s MatchStatus) Label() string {
	switch s {
	case MatchPending:
		return "待回应"
	case MatchAccepted:
		return "待县市确认"
	case MatchConfirmed:
		return "已确认结对"
	case MatchDeclined:
		return "已婉拒"
	case MatchWithdrawn:
		return "已撤回"
	case MatchLapsed:
		return "已过期"
	}
	return string(s)
}

// Live reports whether the match still waits for someone.
func (s MatchStatus) Live() bool { return s == MatchPending || s == MatchAccepted }

// Match is an interest between a need and an offer and its answers (对接).
type Match struct {
	ID          string
	NeedID      string
	OfferID     string
	OrgID       string
	CountyCode  string
	VillageCode string
	Initiator   Side
	Status      MatchStatus
	Score       int
	Reasons     []string
	Note        string // the initiator's message
	Reason      string // why it was declined
	PairingID   string
	CreatedAt   time.Time
	CreatedBy   string
	UpdatedAt   time.Time
	UpdatedBy   string
	Version     int
	// Filled on read, for lists.
	NeedTitle  string
	OfferTitle string
	Org        string
	Place      string
}

// MatchTransition is one allowed change of a match's status.
type MatchTransition struct {
	Name   string // accept, decline, confirm, withdraw
	Label  string
	From   []MatchStatus
	To     MatchStatus
	By     string // "other": the side that did not initiate; "initiator"; "county"
	Reason bool
}

// MatchTransitions is the match lifecycle after an interest is expressed.
// Lapsing is done by the system, not by a person.
var MatchTransitions = []MatchTransition{
	{Name: "accept", Label: "接受", From: []MatchStatus{MatchPending}, To: MatchAccepted, By: "other"},
	{Name: "decline", Label: "婉拒", From: []MatchStatus{MatchPending}, To: MatchDeclined, By: "other", Reason: true},
	{Name: "confirm", Label: "确认结对", From: []MatchStatus{MatchAccepted}, To: MatchConfirmed, By: "county"},
	{Name: "refuse", Label: "不予确认", From: []MatchStatus{MatchAccepted}, To: MatchDeclined, By: "county", Reason: true},
	{Name: "withdraw", Label: "撤回", From: []MatchStatus{MatchPending, MatchAccepted}, To: MatchWithdrawn, By: "initiator"},
}

// CanMatch says whether the actor may apply transition name to the match.
func CanMatch(a Actor, m *Match, name string) error {
	var t *MatchTransition
	for i := range MatchTransitions {
		if MatchTransitions[i].Name == name {
			t = &MatchTransitions[i]
		}
	}
	if t == nil {
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

// PairingSource says how a pairing came to be.
type PairingSource string

// Pairing sources.
const (
	PairingFromMatch PairingSource = "match"  // a confirmed match
	PairingDirect    PairingSource = "direct" // entered by the county or the admin
	PairingImported  PairingSource = "import" // the plan's existing pairings, from XLSX
)

// Label names the source.
func (p PairingSource) Label() string {
	switch p {
	case PairingFromMatch:
		return "平台对接"
	case PairingDirect:
		return "直接录入"
	case PairingImported:
		return "批量导入"
	}
	return string(p)
}

// Pairing is an organization paired with a county or a village (结对帮扶).
type Pairing struct {
	ID          string
	OrgID       string
	Org         string // filled on read
	CountyCode  string
	VillageCode string // empty when paired with the county
	County      string // filled on read
	Village     string
	Action      Action // may be empty for imported pairings that name none
	NeedID      string
	MatchID     string
	StartDate   string
	EndDate     string
	Source      PairingSource
	Note        string
	FileName    string // the agreement, if any
	FileType    string // application/pdf, image/jpeg, image/png
	FileSize    int64
	FileSHA     string
	Version     int
	CreatedAt   time.Time
	CreatedBy   string
	UpdatedAt   time.Time
}

// Place names the county and village.
func (p *Pairing) Place() string {
	if p.Village != "" {
		return p.County + " " + p.Village
	}
	return p.County
}

// Active reports whether the pairing runs on day (YYYY-MM-DD); the
// pairings page marks those that do not.
func (p *Pairing) Active(day string) bool {
	return (p.StartDate == "" || p.StartDate <= day) && (p.EndDate == "" || day <= p.EndDate)
}

// Validate checks the pairing's own fields.
func (p *Pairing) Validate() error {
	if p.OrgID == "" {
		return Errorf(EInvalid, "org", "请选择社会组织")
	}
	if p.CountyCode == "" && p.VillageCode == "" {
		return Errorf(EInvalid, "region", "请选择结对的县市或村")
	}
	if err := CheckRef("org", "社会组织", p.OrgID); err != nil {
		return err
	}
	if err := CheckRef("county", "县市", p.CountyCode); err != nil {
		return err
	}
	if err := CheckRef("village", "村", p.VillageCode); err != nil {
		return err
	}
	if p.Action != "" {
		if _, ok := ParseAction(string(p.Action)); !ok {
			return Errorf(EInvalid, "action", "行动无效")
		}
	}
	if err := CheckText("note", "备注", p.Note, MaxNoteRunes); err != nil {
		return err
	}
	var err error
	if p.StartDate, err = ParseDate("start_date", p.StartDate); err != nil {
		return err
	}
	if p.StartDate == "" {
		return Errorf(EInvalid, "start_date", "请填写结对开始日期")
	}
	if p.EndDate, err = ParseDate("end_date", p.EndDate); err != nil {
		return err
	}
	if p.EndDate != "" && p.EndDate < p.StartDate {
		return Errorf(EInvalid, "end_date", "结束日期早于开始日期")
	}
	return nil
}

// AgreementMaxBytes bounds an agreement file.
const AgreementMaxBytes = 10 << 20

// AgreementType recognises an agreement file by its first bytes, not its
// name: PDF, JPEG or PNG. It returns the MIME type or an error in Chinese.
func AgreementType(head []byte) (string, error) {
	switch {
	case len(head) >= 5 && string(head[:5]) == "%PDF-":
		return "application/pdf", nil
	case len(head) >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF:
		return "image/jpeg", nil
	case len(head) >= 8 && string(head[:8]) == "\x89PNG\r\n\x1a\n":
		return "image/png", nil
	}
	return "", Errorf(EInvalid, "file", "协议文件只能是 PDF、JPEG 或 PNG（按文件内容识别，而非文件名）")
}

// Notification is an in-app message to one user about a step that concerns
// them.
type Notification struct {
	ID     string
	UserID string
	At     time.Time
	Text   string
	Link   string
	Read   bool
}
