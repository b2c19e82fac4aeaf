package store_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"zhuxiang"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

// parallel runs fn(i) for i in [0, n) at once, released together, and
// returns each call's error.
func parallel(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = fn(i)
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

// tally counts nil errors and conflicts, and fails on anything else.
func tally(t *testing.T, what string, errs []error) (ok, conflicts int) {
	t.Helper()
	for _, err := range errs {
		switch zhuxiang.ErrorCodeOf(err) {
		case "":
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			ok++
		case zhuxiang.EConflict:
			conflicts++
		default:
			t.Fatalf("%s: %v, want success or conflict", what, err)
		}
	}
	return ok, conflicts
}

// TestOfferCapacityUnderParallelConfirmations confirms twelve accepted
// interests on one offer at once: exactly as many pairings as the offer's
// capacity, every other confirmation refused as a conflict, trial after
// trial. On PostgreSQL the capacity in use was counted from a snapshot
// taken before the offer's lock was granted, and capacity 2 gave 3
// pairings.
func TestOfferCapacityUnderParallelConfirmations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newMatchFixture(t, st)
		for _, capacity := range []int{2, 1} {
			for trial := 0; trial < 3; trial++ {
				o := f.offer(t, f.orgU1, zhuxiang.ActionIndustry, capacity)
				ids := make([]string, 12)
				for i := range ids {
					n := f.need(t, f.vil1, f.village1, zhuxiang.ActionIndustry, zhuxiang.NeedOpen)
					id, err := st.ExpressInterest(ctx, f.orgU1, n.ID, o.ID, "")
					if err != nil {
						t.Fatalf("interest %d: %v", i, err)
					}
					if err := st.TransitionMatch(ctx, f.county1, id, "accept", ""); err != nil {
						t.Fatalf("accept %d: %v", i, err)
					}
					ids[i] = id
				}
				errs := parallel(len(ids), func(i int) error { return st.TransitionMatch(ctx, f.county1, ids[i], "confirm", "") })
				what := fmt.Sprintf("capacity %d, trial %d", capacity, trial)
				ok, _ := tally(t, what, errs)
				ms, err := st.ListMatches(ctx, f.admin, store.MatchFilter{OfferID: o.ID, Status: zhuxiang.MatchConfirmed})
				if err != nil {
					t.Fatal(err)
				}
				if ok != capacity || len(ms) != capacity {
					t.Errorf("%s: %d confirmations succeeded, %d confirmed matches, want %d", what, ok, len(ms), capacity)
				}
				pairs, err := st.ListPairings(ctx, f.admin, store.PairingFilter{Org: f.org1.ID, Limit: 1000})
				if err != nil {
					t.Fatal(err)
				}
				var onOffer int
				for _, p := range pairs.Pairings {
					for _, m := range ms {
						if p.MatchID == m.ID {
							onOffer++
						}
					}
				}
				if onOffer != len(ms) {
					t.Errorf("%s: %d pairings for %d confirmed matches", what, onOffer, len(ms))
				}
				got, err := st.Offer(ctx, f.admin, o.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.InUse != capacity {
					t.Errorf("%s: offer in use %d, want %d", what, got.InUse, capacity)
				}
			}
		}
	})
}

// TestNeedConfirmedOnceUnderParallelConfirmations confirms, at once,
// interests of six offers in the same need: one pairing, the need matched
// once, the other interests refused.
func TestNeedConfirmedOnceUnderParallelConfirmations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newMatchFixture(t, st)
		for trial := 0; trial < 3; trial++ {
			n := f.need(t, f.vil1, f.village1, zhuxiang.ActionIndustry, zhuxiang.NeedOpen)
			ids := make([]string, 6)
			for i := range ids {
				o := f.offer(t, f.orgU1, zhuxiang.ActionIndustry, 3)
				id, err := st.ExpressInterest(ctx, f.orgU1, n.ID, o.ID, "")
				if err != nil {
					t.Fatalf("interest %d: %v", i, err)
				}
				if err := st.TransitionMatch(ctx, f.county1, id, "accept", ""); err != nil {
					t.Fatalf("accept %d: %v", i, err)
				}
				ids[i] = id
			}
			errs := parallel(len(ids), func(i int) error { return st.TransitionMatch(ctx, f.county1, ids[i], "confirm", "") })
			ok, _ := tally(t, "confirm", errs)
			ms, err := st.ListMatches(ctx, f.admin, store.MatchFilter{NeedID: n.ID, Status: zhuxiang.MatchConfirmed})
			if err != nil {
				t.Fatal(err)
			}
			if ok != 1 || len(ms) != 1 {
				t.Errorf("trial %d: %d confirmations succeeded, %d confirmed matches on one need, want 1", trial, ok, len(ms))
			}
		}
	})
}

// TestInterestOnceUnderParallelRequests sends the same interest eight
// times at once: one match is created, the others are conflicts.
func TestInterestOnceUnderParallelRequests(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newMatchFixture(t, st)
		for trial := 0; trial < 3; trial++ {
			n := f.need(t, f.vil1, f.village1, zhuxiang.ActionIndustry, zhuxiang.NeedOpen)
			o := f.offer(t, f.orgU1, zhuxiang.ActionIndustry, 1)
			errs := parallel(8, func(int) error {
				_, err := st.ExpressInterest(ctx, f.orgU1, n.ID, o.ID, "")
				return err
			})
			ok, _ := tally(t, "interest", errs)
			ms, err := st.ListMatches(ctx, f.admin, store.MatchFilter{NeedID: n.ID})
			if err != nil {
				t.Fatal(err)
			}
			if ok != 1 || len(ms) != 1 {
				t.Errorf("trial %d: %d interests accepted, %d matches, want 1", trial, ok, len(ms))
			}
		}
	})
}

// TestLapseRacesAnswers lets interests lapse while the county accepts them:
// each ends either accepted or lapsed, as its answer says, never accepted
// and then overwritten as lapsed, and no request fails.
func TestLapseRacesAnswers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newMatchFixture(t, st)
		now := time.Now()
		st.Now = func() time.Time { return now }
		for trial := 0; trial < 3; trial++ {
			now = time.Now().Add(-(zhuxiang.MatchLapseDays + 1) * 24 * time.Hour)
			o := f.offer(t, f.orgU1, zhuxiang.ActionIndustry, 10)
			ids := make([]string, 10)
			for i := range ids {
				n := f.need(t, f.vil1, f.village1, zhuxiang.ActionIndustry, zhuxiang.NeedOpen)
				id, err := st.ExpressInterest(ctx, f.orgU1, n.ID, o.ID, "")
				if err != nil {
					t.Fatalf("interest %d: %v", i, err)
				}
				ids[i] = id
			}
			now = time.Now()
			lapsed := 0
			errs := parallel(len(ids)+1, func(i int) error {
				if i == len(ids) {
					n, err := st.LapseMatches(ctx)
					lapsed = n
					return err
				}
				return st.TransitionMatch(ctx, f.county1, ids[i], "accept", "")
			})
			for i, err := range errs {
				if err != nil && zhuxiang.ErrorCodeOf(err) != zhuxiang.EConflict {
					t.Fatalf("trial %d, request %d: %v", trial, i, err)
				}
			}
			accepted := 0
			for i, id := range ids {
				m, err := st.Match(ctx, f.admin, id)
				if err != nil {
					t.Fatal(err)
				}
				want := zhuxiang.MatchLapsed
				if errs[i] == nil {
					want = zhuxiang.MatchAccepted
					accepted++
				}
				if m.Status != want {
					t.Errorf("trial %d: match %d is %s, its answer said %s", trial, i, m.Status, want)
				}
			}
			if accepted+lapsed != len(ids) {
				t.Errorf("trial %d: %d accepted + %d lapsed, want %d", trial, accepted, lapsed, len(ids))
			}
		}
	})
}

// TestCloseRacesAnswers closes an offer, and a need, while the other side
// answers the interests waiting on them: no request fails, and each
// interest ends as its answer says (accepted, or withdrawn by the close).
func TestCloseRacesAnswers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newMatchFixture(t, st)
		for trial := 0; trial < 3; trial++ {
			o := f.offer(t, f.orgU1, zhuxiang.ActionIndustry, 10)
			ids := make([]string, 10)
			for i := range ids {
				n := f.need(t, f.vil1, f.village1, zhuxiang.ActionIndustry, zhuxiang.NeedOpen)
				id, err := st.ExpressInterest(ctx, f.orgU1, n.ID, o.ID, "")
				if err != nil {
					t.Fatalf("interest %d: %v", i, err)
				}
				ids[i] = id
			}
			errs := parallel(len(ids)+1, func(i int) error {
				if i == len(ids) {
					return st.SetOfferStatus(ctx, f.orgU1, o.ID, zhuxiang.OfferClosed)
				}
				return st.TransitionMatch(ctx, f.county1, ids[i], "accept", "")
			})
			for i, err := range errs {
				if err != nil && zhuxiang.ErrorCodeOf(err) != zhuxiang.EConflict {
					t.Fatalf("trial %d, request %d: %v", trial, i, err)
				}
			}
			for i, id := range ids {
				m, err := st.Match(ctx, f.admin, id)
				if err != nil {
					t.Fatal(err)
				}
				if m.Status != zhuxiang.MatchWithdrawn {
					t.Errorf("trial %d: match %d is %s after its offer closed, want withdrawn", trial, i, m.Status)
				}
			}

			n := f.need(t, f.vil1, f.village1, zhuxiang.ActionIndustry, zhuxiang.NeedOpen)
			for i := range ids {
				o := f.offer(t, f.orgU1, zhuxiang.ActionIndustry, 1)
				id, err := st.ExpressInterest(ctx, f.orgU1, n.ID, o.ID, "")
				if err != nil {
					t.Fatalf("interest %d: %v", i, err)
				}
				ids[i] = id
			}
			errs = parallel(len(ids)+1, func(i int) error {
				if i == len(ids) {
					return st.TransitionNeed(ctx, f.county1, n.ID, "close", "村里已自行解决", 0)
				}
				return st.TransitionMatch(ctx, f.county1, ids[i], "accept", "")
			})
			for i, err := range errs {
				if err != nil && zhuxiang.ErrorCodeOf(err) != zhuxiang.EConflict {
					t.Fatalf("trial %d, need closed, request %d: %v", trial, i, err)
				}
			}
			for i, id := range ids {
				m, err := st.Match(ctx, f.admin, id)
				if err != nil {
					t.Fatal(err)
				}
				if m.Status != zhuxiang.MatchWithdrawn {
					t.Errorf("trial %d: match %d is %s after its need closed, want withdrawn", trial, i, m.Status)
				}
			}
		}
	})
}
