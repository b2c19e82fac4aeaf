package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"zhuxiang"
	"zhuxiang/match"
)

const weightsKey = "match_weights"

// MatchWeights returns the scoring weights: the admin's settings, or the
// documented defaults.
func (s *Store) MatchWeights(ctx context.Context) (match.Weights, error) {
	w := match.DefaultWeights
	var text string
	err := s.queryRow(ctx, `SELECT value FROM settings WHERE key = $1`, weightsKey).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return w, nil
	}
	if err != nil {
		return w, err
	}
	if err := json.Unmarshal([]byte(text), &w); err != nil {
		return match.DefaultWeights, nil
	}
	return w, nil
}

// SetMatchWeights saves the scoring weights; only the prefecture admin.
func (s *Store) SetMatchWeights(ctx context.Context, a zhuxiang.Actor, w match.Weights) error {
	if err := zhuxiang.CanEditMatchWeights(a); err != nil {
		return err
	}
	if err := w.Validate(); err != nil {
		return err
	}
	old, err := s.MatchWeights(ctx)
	if err != nil {
		return err
	}
	before, _ := json.Marshal(old)
	after, _ := json.Marshal(w)
	return s.write(ctx, a, func(tx *writeTx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM settings WHERE key = $1`, weightsKey); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)`, weightsKey, string(after)); err != nil {
			return err
		}
		return tx.audit("update", "settings", weightsKey, diff([]kv{{"匹配权重", string(before)}}, []kv{{"匹配权重", string(after)}}))
	})
}

// MatchInput loads what scoring and the plan read: every open need (with
// its village's tags), every offer, their organizations with flags, rating
// and inspections, track records, leading counties, and key villages
// already paired. It reads across scopes on purpose: proposals may name any
// organization and need. Callers show the results only through pages that
// apply the actor's scope to what they display.
func (s *Store) MatchInput(ctx context.Context) (*match.Input, error) {
	// Every need and offer page asks for proposals, and loading the input
	// is too costly to repeat per page; it changes only with a write that
	// bumps match_gen or orgs_gen (in the writer's transaction), or with
	// the day (validity periods, deadlines).
	var mg, og int64
	if err := s.queryRow(ctx, `SELECT (SELECT value FROM counters WHERE name = 'match_gen'), (SELECT value FROM counters WHERE name = 'orgs_gen')`).Scan(&mg, &og); err != nil {
		return nil, err
	}
	now := s.Now()
	key := fmt.Sprintf("%d|%d|%s", mg, og, now.In(zhuxiang.Shanghai).Format(zhuxiang.DateLayout))
	s.matchCache.mu.Lock()
	cached := s.matchCache.key == key
	in := s.matchCache.in
	s.matchCache.mu.Unlock()
	if cached {
		c := *in // the maps and slices are shared and read-only
		c.Today = now
		return &c, nil
	}
	in, err := s.loadMatchInput(ctx)
	if err != nil {
		return nil, err
	}
	s.matchCache.mu.Lock()
	s.matchCache.key, s.matchCache.in = key, in
	s.matchCache.mu.Unlock()
	c := *in
	return &c, nil
}

// matchCache holds the last loaded match input and the generations read
// just before loading it. The load starts after the generations are read,
// so what it holds is never older than its key (a write racing the load can
// only make it newer, and the next read of the key misses). Interests and
// confirmations re-check eligibility in their own transaction anyway.
type matchCache struct {
	mu  sync.Mutex
	key string
	in  *match.Input
}

func (s *Store) loadMatchInput(ctx context.Context) (*match.Input, error) {
	in := &match.Input{Orgs: map[string]*zhuxiang.Org{}, Track: map[string]int{}, Leading: map[string]bool{}, Reached: map[string]bool{}, Today: s.Now()}
	var err error
	if in.Weights, err = s.MatchWeights(ctx); err != nil {
		return nil, err
	}
	rows, err := s.query(ctx, `SELECT `+needCols+needFrom+` WHERE n.status = 'open' ORDER BY n.seq`)
	if err != nil {
		return nil, err
	}
	// The match input never shows a phone: it is not opened.
	for rows.Next() {
		n, err := s.scanNeedPersonal(rows, false)
		if err != nil {
			rows.Close()
			return nil, err
		}
		in.Needs = append(in.Needs, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.query(ctx, `SELECT `+offerCols+offerFrom+` WHERE f.status <> 'closed' ORDER BY f.seq`)
	if err != nil {
		return nil, err
	}
	orgIDs := map[string]bool{}
	for rows.Next() {
		o, err := scanOffer(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		in.Offers = append(in.Offers, o)
		orgIDs[o.OrgID] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.query(ctx, `SELECT `+orgListCols+` FROM orgs o LEFT JOIN departments d ON d.id = o.department_id WHERE o.id IN (SELECT org_id FROM offers WHERE status <> 'closed')`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		o, err := s.scanOrgPersonal(rows, false)
		if err != nil {
			rows.Close()
			return nil, err
		}
		in.Orgs[o.ID] = o
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	type pair struct {
		k string
		n int
	}
	for _, q := range []struct {
		sql string
		fn  func(k string, n int)
	}{
		// Track record: pairings whose need the village confirmed done.
		{`SELECT p.org_id, COUNT(*) FROM pairings p JOIN needs n ON n.id = p.need_id WHERE n.status = 'done' GROUP BY p.org_id`, func(k string, n int) { in.Track[k] = n }},
		{`SELECT code, 1 FROM regions WHERE level = 'county' AND county_class = 'leading'`, func(k string, n int) { in.Leading[k] = true }},
		{`SELECT DISTINCT village_code, 1 FROM pairings WHERE village_code <> ''`, func(k string, n int) { in.Reached[k] = true }},
	} {
		rows, err := s.query(ctx, q.sql)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var p pair
			if err := rows.Scan(&p.k, &p.n); err != nil {
				rows.Close()
				return nil, err
			}
			q.fn(p.k, p.n)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return in, nil
}

// ProposalsForNeed returns the best limit offers for a need the actor may
// see, with scores and reasons: only those whose organization the actor is
// shown (zhuxiang.ProposedOfferScope: an organization its own).
func (s *Store) ProposalsForNeed(ctx context.Context, a zhuxiang.Actor, needID string, limit int) ([]match.Candidate, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	n, err := s.need(ctx, s.r, needID)
	if err != nil {
		return nil, err
	}
	if !zhuxiang.CanSeeNeed(a, n) {
		return nil, notFound("需求")
	}
	if n.Status != zhuxiang.NeedOpen {
		return nil, nil
	}
	in, err := s.MatchInput(ctx)
	if err != nil {
		return nil, err
	}
	sc := zhuxiang.ProposedOfferScope(a)
	return in.ForNeedWhere(n, limit, func(o *zhuxiang.Offer) bool { return sc.Has(zhuxiang.OfferKeys(o)) }), nil
}

// ProposalsForOffer returns the best limit open needs for an offer the
// actor may see. Needs are public once open, so any signed-in user may see
// them; contact details are not part of a proposal.
func (s *Store) ProposalsForOffer(ctx context.Context, a zhuxiang.Actor, offerID string, limit int) ([]match.Candidate, error) {
	o, err := s.Offer(ctx, a, offerID)
	if err != nil {
		return nil, err
	}
	in, err := s.MatchInput(ctx)
	if err != nil {
		return nil, err
	}
	return in.ForOffer(o, limit), nil
}

// ProposalsForOrg returns the best limit open needs for the open offers of
// the actor's own organization, each need once (with the offer that fits
// it best), leaving out the pairs that already have an interest under way
// or a pairing: what its work bench recommends. Other actors get none.
func (s *Store) ProposalsForOrg(ctx context.Context, a zhuxiang.Actor, limit int) ([]match.Candidate, error) {
	org := zhuxiang.OwnOrg(a)
	if org == "" {
		return nil, nil
	}
	taken := map[[2]string]bool{}
	rows, err := s.query(ctx, `SELECT need_id, offer_id FROM matches WHERE org_id = $1 AND status IN ('pending', 'accepted', 'confirmed')`, org)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var k [2]string
		if err := rows.Scan(&k[0], &k[1]); err != nil {
			rows.Close()
			return nil, err
		}
		taken[k] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	in, err := s.MatchInput(ctx)
	if err != nil {
		return nil, err
	}
	best := map[string]match.Candidate{}
	for _, o := range in.Offers {
		if o.OrgID != org || o.Status != zhuxiang.OfferOpen {
			continue
		}
		for _, c := range in.ForOffer(o, 0) {
			if taken[[2]string{c.NeedID, c.OfferID}] {
				continue
			}
			if b, ok := best[c.NeedID]; !ok || c.Score > b.Score || c.Score == b.Score && c.OfferID < b.OfferID {
				best[c.NeedID] = c
			}
		}
	}
	out := make([]match.Candidate, 0, len(best))
	for _, c := range best {
		out = append(out, c)
	}
	slices.SortFunc(out, func(x, y match.Candidate) int {
		if x.Score != y.Score {
			return y.Score - x.Score
		}
		return strings.Compare(x.NeedID, y.NeedID)
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}
