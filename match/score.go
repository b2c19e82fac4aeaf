// Package match scores (need, offer) pairs, proposes candidates with their
// reasons, and computes the allocation (分配方案): which offer serves which open
// need. It is pure: the caller loads needs, offers and organizations from the
// store and passes them in, so the rules are tested without a database.
//
// The score of a pair is a sum of points, each with a reason in Chinese that
// the pages show beside it (DESIGN §2: the plan names which kinds of
// organization suit which action, welcomes organizations from the provinces
// that aid Xinjiang everywhere, and forbids pairing organizations on the
// 活动异常 or 失信 lists). The weights are settings the prefecture admin edits;
// DefaultWeights documents the defaults.
package match

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"time"

	"zhuxiang"
)

// Weights are the points each criterion gives. All are whole numbers so
// that scores add exactly and the optimiser works in integers.
type Weights struct {
	Action          int `json:"action"`            // the offer serves the need's action (a pair must share it)
	KindFit         int `json:"kind_fit"`          // the organization is of a kind the plan names for the action
	OfferKindFit    int `json:"offer_kind_fit"`    // the offer's kind suits the action (sales channels for industry, …)
	SameCounty      int `json:"same_county"`       // registered in the need's county
	SamePrefecture  int `json:"same_prefecture"`   // registered elsewhere in the prefecture
	AidProvince     int `json:"aid_province"`      // registered outside: 对口援疆 provinces are welcome everywhere
	RatingPerA      int `json:"rating_per_a"`      // per A of a rating still in force
	InspectionPass  int `json:"inspection_pass"`   // latest annual inspection 合格
	InspectionBasic int `json:"inspection_basic"`  // latest annual inspection 基本合格
	TrackPerItem    int `json:"track_per_item"`    // per completed and confirmed piece of work
	TrackMax        int `json:"track_max"`         // cap on the track-record points
	Capacity        int `json:"capacity"`          // scaled by the share of capacity still free
	KeyVillage      int `json:"key_village"`       // the need is from a key village (any tag)
	KeyVillageExtra int `json:"key_village_extra"` // per further tag (脱贫村 and 示范村 at once, …)
	LeadingCounty   int `json:"leading_county"`    // the need is in a leading county (示范引领县)
	UrgencyPerLevel int `json:"urgency_per_level"` // per level above 一般
	Deadline        int `json:"deadline"`          // wanted within DeadlineDays
	DeadlineDays    int `json:"deadline_days"`
}

// DefaultWeights are the weights until the admin changes them. Fit to the
// action matters most (the plan assigns kinds of organization to actions),
// then geography and the village's priority, then standing and record.
var DefaultWeights = Weights{
	Action:          100,
	KindFit:         60,
	OfferKindFit:    20,
	SameCounty:      50,
	SamePrefecture:  25,
	AidProvince:     25,
	RatingPerA:      8,
	InspectionPass:  15,
	InspectionBasic: 5,
	TrackPerItem:    5,
	TrackMax:        25,
	Capacity:        10,
	KeyVillage:      40,
	KeyVillageExtra: 10,
	LeadingCounty:   10,
	UrgencyPerLevel: 15,
	Deadline:        10,
	DeadlineDays:    30,
}

// Validate refuses negative weights (which would make a criterion a
// penalty nobody asked for) and absurd ones.
func (w Weights) Validate() error {
	vals := []struct {
		name string
		v    int
	}{
		{"action", w.Action}, {"kind_fit", w.KindFit}, {"offer_kind_fit", w.OfferKindFit},
		{"same_county", w.SameCounty}, {"same_prefecture", w.SamePrefecture}, {"aid_province", w.AidProvince},
		{"rating_per_a", w.RatingPerA}, {"inspection_pass", w.InspectionPass}, {"inspection_basic", w.InspectionBasic},
		{"track_per_item", w.TrackPerItem}, {"track_max", w.TrackMax}, {"capacity", w.Capacity},
		{"key_village", w.KeyVillage}, {"key_village_extra", w.KeyVillageExtra}, {"leading_county", w.LeadingCounty},
		{"urgency_per_level", w.UrgencyPerLevel}, {"deadline", w.Deadline}, {"deadline_days", w.DeadlineDays},
	}
	// Every bad weight is reported, so the form marks them all at once.
	var p zhuxiang.Problems
	for _, x := range vals {
		if x.v < 0 || x.v > 10000 {
			p.Addf(x.name, "权重应为 0 至 10000 的整数")
		}
	}
	if w.Action < 1 && !p.Has("action") {
		p.Addf("action", "“行动一致”的权重至少为 1，否则得分可能为零")
	}
	return p.Err()
}

// KindsFor are the kinds of organization the plan names for each action
// (section 二 of the plan: 以……为重点).
var KindsFor = map[zhuxiang.Action][]zhuxiang.OrgKind{
	zhuxiang.ActionIndustry:   {zhuxiang.KindTrade, zhuxiang.KindAgri, zhuxiang.KindTech, zhuxiang.KindEcommerce, zhuxiang.KindSocialService},
	zhuxiang.ActionTech:       {zhuxiang.KindTraining, zhuxiang.KindTech, zhuxiang.KindAcademic, zhuxiang.KindCharityFund},
	zhuxiang.ActionCulture:    {zhuxiang.KindCulture},
	zhuxiang.ActionWelfare:    {zhuxiang.KindCharity, zhuxiang.KindCommunity, zhuxiang.KindRuralCommunity},
	zhuxiang.ActionGovernance: {zhuxiang.KindCharity, zhuxiang.KindRuralCommunity, zhuxiang.KindCommunity},
}

// OfferKindsFor are the kinds of offer that suit each action best.
var OfferKindsFor = map[zhuxiang.Action][]zhuxiang.OfferKind{
	zhuxiang.ActionIndustry:   {zhuxiang.OfferSales, zhuxiang.OfferFunds, zhuxiang.OfferTech},
	zhuxiang.ActionTech:       {zhuxiang.OfferTraining, zhuxiang.OfferTech, zhuxiang.OfferExpertise},
	zhuxiang.ActionCulture:    {zhuxiang.OfferVolunteers, zhuxiang.OfferExpertise},
	zhuxiang.ActionWelfare:    {zhuxiang.OfferFunds, zhuxiang.OfferGoods, zhuxiang.OfferVolunteers, zhuxiang.OfferExpertise},
	zhuxiang.ActionGovernance: {zhuxiang.OfferExpertise, zhuxiang.OfferVolunteers, zhuxiang.OfferFunds},
}

// Input is everything the scoring and the allocation read. The store fills it.
type Input struct {
	Needs   []*zhuxiang.Need         // open needs, with VillageTags filled
	Offers  []*zhuxiang.Offer        // offers, with InUse filled
	Orgs    map[string]*zhuxiang.Org // the offers' organizations, with flags, rating, inspections
	Track   map[string]int           // per organization: completed and confirmed work
	Leading map[string]bool          // county codes of leading counties (示范引领县)
	Reached map[string]bool          // key villages already paired: reaching them again adds no coverage
	Today   time.Time
	Weights Weights
	// Candidates bounds the candidates per need in the allocation (the best by
	// score); 0 keeps every eligible offer, which is exact for the data.
	Candidates int
}

// Candidate is a proposed (need, offer) pair with its score and reasons.
type Candidate struct {
	NeedID  string
	OfferID string
	OrgID   string
	Org     string
	Score   int
	Reasons []string
	// For lists: what the two sides are called.
	NeedTitle  string
	Place      string
	OfferTitle string
}

// Exclusion says why an offer is not a candidate for a need, or "".
type Exclusion string

// Why an offer is not a candidate. The allocation reports the most telling one
// for a need left unmatched.
const (
	ExclAction  Exclusion = "action"  // a different action
	ExclArea    Exclusion = "area"    // does not serve the need's county
	ExclStatus  Exclusion = "status"  // paused, closed or outside its valid period
	ExclFull    Exclusion = "full"    // no capacity left
	ExclFlagged Exclusion = "flagged" // the organization is on the 活动异常 or 失信 list
	ExclUnknown Exclusion = "unknown" // the organization is not known (deleted)
)

func day(t time.Time) string { return t.In(zhuxiang.Shanghai).Format(zhuxiang.DateLayout) }

// Eligible says why offer o cannot serve need n, or "" when it can.
func (in *Input) Eligible(n *zhuxiang.Need, o *zhuxiang.Offer) Exclusion {
	if o.Action != n.Action {
		return ExclAction
	}
	if !o.Serves(n.CountyCode) {
		return ExclArea
	}
	org := in.Orgs[o.OrgID]
	if org == nil {
		return ExclUnknown
	}
	if org.HasFlag(zhuxiang.FlagAbnormal) || org.HasFlag(zhuxiang.FlagDishonest) {
		return ExclFlagged
	}
	if o.Status != zhuxiang.OfferOpen || !o.Valid(day(in.Today)) {
		return ExclStatus
	}
	if o.Remaining() <= 0 {
		return ExclFull
	}
	return ""
}

// Score returns the score of an eligible pair and its reasons, in the order
// of the criteria. Call Eligible first: Score does not repeat its checks.
func (in *Input) Score(n *zhuxiang.Need, o *zhuxiang.Offer) (int, []string) {
	w := in.Weights
	org := in.Orgs[o.OrgID]
	score := w.Action
	reasons := []string{"行动一致·" + n.Action.Short()}
	if org != nil {
		for _, k := range org.Kinds {
			if slices.Contains(KindsFor[n.Action], k) {
				score += w.KindFit
				reasons = append(reasons, k.Label()+"·对口"+n.Action.Short())
				break
			}
		}
	}
	if slices.Contains(OfferKindsFor[n.Action], o.Kind) {
		score += w.OfferKindFit
		reasons = append(reasons, "资源类型适合·"+o.Kind.Label())
	}
	if org != nil {
		switch {
		case org.RegCounty != "" && org.RegCounty == n.CountyCode:
			score += w.SameCounty
			reasons = append(reasons, "同县")
		case org.RegCounty != "":
			score += w.SamePrefecture
			reasons = append(reasons, "同州")
		default:
			score += w.AidProvince
			place := org.RegPlace
			if place == "" {
				place = "州外"
			}
			reasons = append(reasons, "对口援疆·"+place)
		}
		if org.RatingValid(in.Today) {
			score += w.RatingPerA * org.Rating
			reasons = append(reasons, org.RatingLabel()+"级")
		}
		if ins, ok := org.LatestInspection(); ok {
			switch ins.Result {
			case zhuxiang.InspectionPass:
				score += w.InspectionPass
				reasons = append(reasons, strconv.Itoa(ins.Year)+"年检合格")
			case zhuxiang.InspectionBasic:
				score += w.InspectionBasic
				reasons = append(reasons, strconv.Itoa(ins.Year)+"年检基本合格")
			}
		}
		if t := in.Track[o.OrgID]; t > 0 && w.TrackPerItem > 0 {
			score += min(w.TrackMax, t*w.TrackPerItem)
			reasons = append(reasons, fmt.Sprintf("已完成帮扶%d项", t))
		}
	}
	if o.Capacity > 0 {
		if pts := w.Capacity * o.Remaining() / o.Capacity; pts > 0 {
			score += pts
			reasons = append(reasons, fmt.Sprintf("尚可承接%d项", o.Remaining()))
		}
	}
	if n.IsKeyVillage() {
		score += w.KeyVillage + w.KeyVillageExtra*(len(n.VillageTags)-1)
		var names []string
		for _, t := range n.VillageTags {
			names = append(names, t.Label())
		}
		reasons = append(reasons, "重点帮扶村·"+joinCN(names))
	}
	if in.Leading[n.CountyCode] {
		score += w.LeadingCounty
		reasons = append(reasons, "示范引领县")
	}
	if n.Urgency > zhuxiang.UrgencyNormal {
		score += w.UrgencyPerLevel * (n.Urgency - zhuxiang.UrgencyNormal)
		reasons = append(reasons, zhuxiang.UrgencyLabel(n.Urgency))
	}
	if n.WantedBy != "" && w.DeadlineDays > 0 {
		limit := in.Today.AddDate(0, 0, w.DeadlineDays)
		if d, err := time.ParseInLocation(zhuxiang.DateLayout, n.WantedBy, zhuxiang.Shanghai); err == nil && !d.After(limit) {
			score += w.Deadline
			reasons = append(reasons, n.WantedBy+"前需要")
		}
	}
	return max(score, 1), reasons
}

func joinCN(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += "、"
		}
		out += x
	}
	return out
}

func (in *Input) candidate(n *zhuxiang.Need, o *zhuxiang.Offer) Candidate {
	s, r := in.Score(n, o)
	c := Candidate{NeedID: n.ID, OfferID: o.ID, OrgID: o.OrgID, Score: s, Reasons: r,
		NeedTitle: n.Title, Place: n.Place(), OfferTitle: o.Title}
	if org := in.Orgs[o.OrgID]; org != nil {
		c.Org = org.Name
	}
	return c
}

// byScore orders candidates best first; ties by ids, so lists are stable.
func byScore(a, b Candidate) int {
	if c := cmp.Compare(b.Score, a.Score); c != 0 {
		return c
	}
	if c := cmp.Compare(a.OfferID, b.OfferID); c != 0 {
		return c
	}
	return cmp.Compare(a.NeedID, b.NeedID)
}

// ForNeed proposes the best limit offers for need n (all when limit ≤ 0).
func (in *Input) ForNeed(n *zhuxiang.Need, limit int) []Candidate {
	return in.ForNeedWhere(n, limit, nil)
}

// ForNeedWhere is ForNeed among the offers keep accepts (all when keep is
// nil): an organization is shown its own offers only, and scoring the
// others would be work thrown away.
func (in *Input) ForNeedWhere(n *zhuxiang.Need, limit int, keep func(*zhuxiang.Offer) bool) []Candidate {
	var out []Candidate
	for _, o := range in.Offers {
		if (keep == nil || keep(o)) && in.Eligible(n, o) == "" {
			out = append(out, in.candidate(n, o))
		}
	}
	return top(out, limit)
}

// ForOffer proposes the best limit needs for offer o (all when limit ≤ 0).
func (in *Input) ForOffer(o *zhuxiang.Offer, limit int) []Candidate {
	var out []Candidate
	for _, n := range in.Needs {
		if in.Eligible(n, o) == "" {
			out = append(out, in.candidate(n, o))
		}
	}
	return top(out, limit)
}

func top(c []Candidate, limit int) []Candidate {
	slices.SortFunc(c, byScore)
	if limit > 0 && len(c) > limit {
		c = c[:limit]
	}
	return c
}
