package zhuxiang

import "time"

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

// MatchWarnDays is how many days before it lapses an interest is shown as
// about to lapse on the work bench.
const MatchWarnDays = 7

// LapseDay is the day (in Shanghai) on which an interest expressed at
// created lapses if nobody answers it: LapseMatches ends it during that day.
func LapseDay(created time.Time) time.Time {
	d := created.Add(MatchLapseDays * 24 * time.Hour).In(Shanghai)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, Shanghai)
}

// DaysLeft counts the whole days from now's day to the day the interest
// lapses: 0 on that day itself. Counting calendar days (not hours) keeps the
// figure the same all day, so a page cached for the day stays true.
func DaysLeft(created, now time.Time) int {
	n := now.In(Shanghai)
	today := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, Shanghai)
	return max(0, int(LapseDay(created).Sub(today).Hours()+12)/24)
}

// LapsingBefore is the moment before which an interest must have been
// expressed to lapse within MatchWarnDays days of now's day (DaysLeft at
// most MatchWarnDays): the store's list of interests about to lapse asks
// created_at < LapsingBefore(now).
func LapsingBefore(now time.Time) time.Time {
	n := now.In(Shanghai)
	after := time.Date(n.Year(), n.Month(), n.Day()+MatchWarnDays+1, 0, 0, 0, 0, Shanghai)
	return after.Add(-MatchLapseDays * 24 * time.Hour)
}

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

// LapsesAt is when the interest lapses if it is still unanswered then:
// MatchLapseDays after it was expressed. Only a pending interest lapses;
// for any other the answer is the zero time.
func (m *Match) LapsesAt() time.Time {
	if m.Status != MatchPending {
		return time.Time{}
	}
	return m.CreatedAt.Add(MatchLapseDays * 24 * time.Hour)
}

// DaysLeft is how many days a pending interest has left before it lapses,
// counting a part of a day as a day (so the last day reads 1, not 0), and
// whether it can lapse at all.
func (m *Match) DaysLeft(now time.Time) (int, bool) {
	at := m.LapsesAt()
	if at.IsZero() {
		return 0, false
	}
	d := at.Sub(now)
	if d <= 0 {
		return 0, true
	}
	return int((d + 24*time.Hour - 1) / (24 * time.Hour)), true
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
	Place      string // county and village, for lists
	County     string // their names one by one, for sentences
	Village    string
}
