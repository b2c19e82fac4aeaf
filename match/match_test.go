package match

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"zhuxiang"
)

var today = time.Date(2026, 11, 28, 10, 0, 0, 0, zhuxiang.Shanghai)

func baseInput() *Input {
	return &Input{
		Orgs: map[string]*zhuxiang.Org{
			"hj":   {ID: "hj", Name: "和静县农业协会", RegCounty: "652827", Kinds: []zhuxiang.OrgKind{zhuxiang.KindAgri}, Rating: 5, RatingDate: "2024-01-01", Inspections: []zhuxiang.Inspection{{Year: 2025, Result: zhuxiang.InspectionPass}}},
			"kel":  {ID: "kel", Name: "库尔勒市电商协会", RegCounty: "652801", Kinds: []zhuxiang.OrgKind{zhuxiang.KindEcommerce}, Rating: 3, RatingDate: "2015-01-01"},
			"hb":   {ID: "hb", Name: "河北省援疆商会", RegPlace: "河北省", Kinds: []zhuxiang.OrgKind{zhuxiang.KindTrade}},
			"bad":  {ID: "bad", Name: "异常协会", RegCounty: "652827", Kinds: []zhuxiang.OrgKind{zhuxiang.KindAgri}, Flags: []zhuxiang.OrgFlag{{Kind: zhuxiang.FlagAbnormal}}},
			"lier": {ID: "lier", Name: "失信协会", RegCounty: "652827", Kinds: []zhuxiang.OrgKind{zhuxiang.KindAgri}, Flags: []zhuxiang.OrgFlag{{Kind: zhuxiang.FlagDishonest}}},
		},
		Track:   map[string]int{"hj": 2},
		Leading: map[string]bool{"652827": true},
		Reached: map[string]bool{},
		Today:   today,
		Weights: DefaultWeights,
	}
}

func offer(id, org string, a zhuxiang.Action, capacity int) *zhuxiang.Offer {
	return &zhuxiang.Offer{ID: id, OrgID: org, Action: a, Kind: zhuxiang.OfferSales, Title: id, Capacity: capacity, Area: zhuxiang.AreaPrefecture, Status: zhuxiang.OfferOpen}
}

func need(id, county, village string, a zhuxiang.Action, tags ...zhuxiang.VillageTag) *zhuxiang.Need {
	return &zhuxiang.Need{ID: id, CountyCode: county, VillageCode: village, VillageTags: tags, Action: a, Title: id, Urgency: 1, Status: zhuxiang.NeedOpen}
}

func TestScoreReasons(t *testing.T) {
	in := baseInput()
	n := need("n1", "652827", "652827100201", zhuxiang.ActionIndustry, zhuxiang.TagLifted, zhuxiang.TagModel)
	n.Urgency, n.WantedBy = 3, "2026-12-10"
	cases := []struct {
		offer   *zhuxiang.Offer
		want    []string // reasons that must be present
		notWant []string
	}{
		{offer("o1", "hj", zhuxiang.ActionIndustry, 2), []string{"行动一致·产业发展", "农业农村类·对口产业发展", "同县", "5A级", "2025年检合格", "已完成帮扶2项", "重点帮扶村·脱贫村、乡村振兴示范村", "示范引领县", "紧急", "2026-12-10前需要"}, []string{"同州"}},
		{offer("o2", "kel", zhuxiang.ActionIndustry, 1), []string{"同州", "网络电商类·对口产业发展"}, []string{"3A级", "同县"}}, // rating of 2015 has lapsed
		{offer("o3", "hb", zhuxiang.ActionIndustry, 1), []string{"对口援疆·河北省", "行业协会商会·对口产业发展"}, nil},
	}
	for _, c := range cases {
		if ex := in.Eligible(n, c.offer); ex != "" {
			t.Fatalf("%s not eligible: %s", c.offer.ID, ex)
		}
		score, reasons := in.Score(n, c.offer)
		if score <= 0 {
			t.Errorf("%s: score %d", c.offer.ID, score)
		}
		for _, w := range c.want {
			if !slices.Contains(reasons, w) {
				t.Errorf("%s: reasons %v lack %q", c.offer.ID, reasons, w)
			}
		}
		for _, w := range c.notWant {
			if slices.Contains(reasons, w) {
				t.Errorf("%s: reasons %v should not have %q", c.offer.ID, reasons, w)
			}
		}
	}
	// Same county, rated, with a record beats a newcomer from afar.
	s1, _ := in.Score(n, offer("o1", "hj", zhuxiang.ActionIndustry, 2))
	s2, _ := in.Score(n, offer("o2", "kel", zhuxiang.ActionIndustry, 1))
	if s1 <= s2 {
		t.Errorf("same-county 5A score %d not above %d", s1, s2)
	}
	// The admin's weights change the score.
	in.Weights.SameCounty = 500
	s3, _ := in.Score(n, offer("o1", "hj", zhuxiang.ActionIndustry, 2))
	if s3 != s1+500-DefaultWeights.SameCounty {
		t.Errorf("weight change: %d, want %d", s3, s1+500-DefaultWeights.SameCounty)
	}
}

func TestEligible(t *testing.T) {
	in := baseInput()
	n := need("n1", "652827", "", zhuxiang.ActionIndustry)
	paused := offer("p", "hj", zhuxiang.ActionIndustry, 1)
	paused.Status = zhuxiang.OfferPaused
	expired := offer("e", "hj", zhuxiang.ActionIndustry, 1)
	expired.ValidTo = "2026-01-01"
	full := offer("f", "hj", zhuxiang.ActionIndustry, 2)
	full.InUse = 2
	elsewhere := offer("x", "hj", zhuxiang.ActionIndustry, 1)
	elsewhere.Area, elsewhere.Counties = zhuxiang.AreaCounties, []string{"652824"}
	cases := []struct {
		o    *zhuxiang.Offer
		want Exclusion
	}{
		{offer("ok", "hj", zhuxiang.ActionIndustry, 1), ""},
		{offer("a", "hj", zhuxiang.ActionCulture, 1), ExclAction},
		{offer("b", "bad", zhuxiang.ActionIndustry, 1), ExclFlagged},
		{offer("l", "lier", zhuxiang.ActionIndustry, 1), ExclFlagged},
		{offer("u", "ghost", zhuxiang.ActionIndustry, 1), ExclUnknown},
		{paused, ExclStatus},
		{expired, ExclStatus},
		{full, ExclFull},
		{elsewhere, ExclArea},
	}
	for _, c := range cases {
		if got := in.Eligible(n, c.o); got != c.want {
			t.Errorf("Eligible(%s) = %q, want %q", c.o.ID, got, c.want)
		}
	}
}

func TestProposals(t *testing.T) {
	in := baseInput()
	in.Offers = []*zhuxiang.Offer{offer("o1", "hj", zhuxiang.ActionIndustry, 2), offer("o2", "kel", zhuxiang.ActionIndustry, 1),
		offer("o3", "bad", zhuxiang.ActionIndustry, 5), offer("o4", "hb", zhuxiang.ActionTech, 5)}
	n := need("n1", "652827", "", zhuxiang.ActionIndustry)
	in.Needs = []*zhuxiang.Need{n, need("n2", "652824", "", zhuxiang.ActionIndustry), need("n3", "652824", "", zhuxiang.ActionTech)}
	got := in.ForNeed(n, 10)
	var ids []string
	for _, c := range got {
		ids = append(ids, c.OfferID)
	}
	if !slices.Equal(ids, []string{"o1", "o2"}) {
		t.Fatalf("ForNeed = %v, want [o1 o2] (flagged and other-action offers never proposed)", ids)
	}
	if got := in.ForNeed(n, 1); len(got) != 1 || got[0].OfferID != "o1" {
		t.Fatalf("limit 1 = %v", got)
	}
	byOffer := in.ForOffer(in.Offers[0], 0)
	if len(byOffer) != 2 || byOffer[0].NeedID != "n1" {
		t.Fatalf("ForOffer = %+v, want n1 first (same county)", byOffer)
	}
	if c := in.ForOffer(in.Offers[2], 0); len(c) != 0 {
		t.Fatalf("a flagged organization's offer was proposed: %+v", c)
	}
}

func TestWeightsValidate(t *testing.T) {
	if err := DefaultWeights.Validate(); err != nil {
		t.Fatal(err)
	}
	w := DefaultWeights
	w.SameCounty = -1
	if zhuxiang.ErrorField(w.Validate()) != "same_county" {
		t.Fatal("negative weight accepted")
	}
	w = DefaultWeights
	w.Action = 0
	if zhuxiang.ErrorField(w.Validate()) != "action" {
		t.Fatal("zero action weight accepted")
	}
}

func TestAllocationReasonsAndKeyVillages(t *testing.T) {
	in := baseInput()
	in.Offers = []*zhuxiang.Offer{offer("o1", "hj", zhuxiang.ActionIndustry, 1), offer("o3", "bad", zhuxiang.ActionWelfare, 3)}
	// n-plain scores higher (same county, urgent) but n-key is a key village:
	// coverage comes first.
	plain := need("n-plain", "652827", "", zhuxiang.ActionIndustry)
	plain.Urgency = 3
	key := need("n-key", "652824", "652824100201", zhuxiang.ActionIndustry, zhuxiang.TagLifted)
	in.Needs = []*zhuxiang.Need{plain, key, need("n-culture", "652827", "", zhuxiang.ActionCulture), need("n-welfare", "652827", "", zhuxiang.ActionWelfare)}
	r, err := Allocate(in)
	if err != nil {
		t.Fatal(err)
	}
	if r.Matched != 1 || r.KeyReached != 1 || r.KeyVillages != 1 {
		t.Fatalf("matched %d, key %d/%d; want 1, 1/1", r.Matched, r.KeyReached, r.KeyVillages)
	}
	if r.Assignments[0].NeedID != "n-key" || r.Assignments[0].KeyVillage != "652824100201" {
		t.Fatalf("assigned %+v, want the key village's need", r.Assignments[0])
	}
	reasons := map[string]string{}
	for _, u := range r.Unmatched {
		reasons[u.NeedID] = u.Reason
	}
	for id, want := range map[string]string{"n-plain": "名额都已分给", "n-culture": "暂无“文化润疆”", "n-welfare": "活动异常或失信"} {
		if !strings.Contains(reasons[id], want) {
			t.Errorf("%s unmatched because %q, want it to say %q", id, reasons[id], want)
		}
	}
	// A key village already paired adds no coverage: then score decides.
	in.Reached["652824100201"] = true
	r, _ = Allocate(in)
	if r.Assignments[0].NeedID != "n-plain" || r.KeyVillages != 0 {
		t.Fatalf("with the village already reached, assigned %+v (key villages %d)", r.Assignments[0], r.KeyVillages)
	}
}

// randomInput builds a small random prefecture: a few organizations, some
// flagged, offers of random action and capacity, needs in key and other
// villages.
func randomInput(rng *rand.Rand) *Input {
	in := baseInput()
	in.Orgs = map[string]*zhuxiang.Org{}
	counties := []string{"652801", "652827", "652824"}
	for i := range 4 {
		o := &zhuxiang.Org{ID: fmt.Sprintf("org%d", i), Name: fmt.Sprintf("组织%d", i), RegCounty: counties[rng.IntN(3)],
			Kinds: []zhuxiang.OrgKind{zhuxiang.OrgKinds[rng.IntN(len(zhuxiang.OrgKinds))]}, Rating: rng.IntN(6), RatingDate: "2025-01-01"}
		if rng.IntN(6) == 0 {
			o.Flags = []zhuxiang.OrgFlag{{Kind: zhuxiang.FlagDishonest}}
		}
		in.Orgs[o.ID] = o
	}
	acts := zhuxiang.Actions[:2]
	for i := range 1 + rng.IntN(3) {
		o := offer(fmt.Sprintf("of%d", i), fmt.Sprintf("org%d", rng.IntN(4)), acts[rng.IntN(2)], 1+rng.IntN(2))
		o.Kind = zhuxiang.OfferKinds[rng.IntN(len(zhuxiang.OfferKinds))]
		in.Offers = append(in.Offers, o)
	}
	for i := range 1 + rng.IntN(6) {
		v := fmt.Sprintf("%s1002%02d", counties[rng.IntN(3)], rng.IntN(3))
		var tags []zhuxiang.VillageTag
		if rng.IntN(2) == 0 {
			tags = []zhuxiang.VillageTag{zhuxiang.TagKey}
		}
		n := need(fmt.Sprintf("n%d", i), v[:6], v, acts[rng.IntN(2)], tags...)
		n.Urgency = 1 + rng.IntN(3)
		in.Needs = append(in.Needs, n)
	}
	return in
}

// bruteForce tries every assignment and returns the best (key villages
// reached, total score), lexicographically.
func bruteForce(in *Input) (int, int64) {
	type opt struct {
		offer int
		score int
	}
	opts := make([][]opt, len(in.Needs))
	for i, n := range in.Needs {
		for j, o := range in.Offers {
			if in.Eligible(n, o) == "" {
				s, _ := in.Score(n, o)
				opts[i] = append(opts[i], opt{j, s})
			}
		}
	}
	used := make([]int, len(in.Offers))
	bestKey, bestScore := -1, int64(-1)
	var rec func(i int, score int64, reached map[string]bool)
	rec = func(i int, score int64, reached map[string]bool) {
		if i == len(in.Needs) {
			k := len(reached)
			if k > bestKey || (k == bestKey && score > bestScore) {
				bestKey, bestScore = k, score
			}
			return
		}
		rec(i+1, score, reached)
		n := in.Needs[i]
		for _, o := range opts[i] {
			if used[o.offer] >= in.Offers[o.offer].Remaining() {
				continue
			}
			used[o.offer]++
			r := reached
			if n.IsKeyVillage() && !in.Reached[n.VillageCode] && !reached[n.VillageCode] {
				r = map[string]bool{n.VillageCode: true}
				for k := range reached {
					r[k] = true
				}
			}
			rec(i+1, score+int64(o.score), r)
			used[o.offer]--
		}
	}
	rec(0, 0, map[string]bool{})
	return bestKey, bestScore
}

// TestAllocationOptimal checks the plan against brute force on thousands of small
// random prefectures: coverage is maximal, then the score; and the same data
// in another order gives the same plan.
func TestAllocationOptimal(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for iter := range 3000 {
		in := randomInput(rng)
		r, err := Allocate(in)
		if err != nil {
			t.Fatal(err)
		}
		key, score := bruteForce(in)
		if r.KeyReached != key || r.TotalScore != score {
			t.Fatalf("instance %d: plan reaches %d key villages with score %d; brute force %d with %d", iter, r.KeyReached, r.TotalScore, key, score)
		}
		used := map[string]int{}
		for _, a := range r.Assignments {
			used[a.OfferID]++
		}
		for _, o := range in.Offers {
			if used[o.ID] > o.Remaining() {
				t.Fatalf("instance %d: offer %s over capacity", iter, o.ID)
			}
		}
		if len(r.Assignments)+len(r.Unmatched) != len(in.Needs) {
			t.Fatalf("instance %d: %d assigned + %d unmatched != %d needs", iter, len(r.Assignments), len(r.Unmatched), len(in.Needs))
		}
		// Same data, shuffled: the same plan.
		rng.Shuffle(len(in.Needs), func(i, j int) { in.Needs[i], in.Needs[j] = in.Needs[j], in.Needs[i] })
		rng.Shuffle(len(in.Offers), func(i, j int) { in.Offers[i], in.Offers[j] = in.Offers[j], in.Offers[i] })
		again, err := Allocate(in)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(assignIDs(r)) != fmt.Sprint(assignIDs(again)) {
			t.Fatalf("instance %d: plan changed with input order: %v vs %v", iter, assignIDs(r), assignIDs(again))
		}
	}
}

func assignIDs(r *Result) []string {
	var out []string
	for _, a := range r.Assignments {
		out = append(out, a.NeedID+"→"+a.OfferID)
	}
	return out
}
