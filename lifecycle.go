package zhuxiang

import "slices"

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
