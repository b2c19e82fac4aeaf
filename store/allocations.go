package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"zhuxiang"
	"zhuxiang/match"
	"zhuxiang/secure"
)

// Allocations are the optimiser's output (分配方案). They were called plans
// before "plan" came to mean only the prefecture's programme; the tables keep
// their names (plans, plan_items), as does the audit entity "plan" already in
// signed audit chains, because renaming stored data needs a migration for no
// gain to anyone reading it.

// SavedAllocation is an allocation computed at a time, kept so the next one can be
// compared with it.
type SavedAllocation struct {
	ID          string
	CreatedAt   time.Time
	CreatedBy   string
	Needs       int
	Offers      int
	Arcs        int
	Matched     int
	KeyVillages int
	KeyReached  int
	TotalScore  int64
	Cost        int64
	Seconds     float64
	Weights     match.Weights
	Items       []AllocationItem // in need order; filled by Allocation, not by Allocations
}

// AllocationItem is one need's line in a saved allocation: its offer, or why none.
type AllocationItem struct {
	NeedID     string
	NeedTitle  string
	CountyCode string
	Place      string
	Action     zhuxiang.Action
	KeyVillage bool
	OfferID    string // empty when unmatched
	OfferTitle string
	Org        string
	Score      int
	Reasons    []string // for a match; for an unmatched need, one line saying why
}

// Allocate computes the allocation on the current data and saves it; only the
// prefecture admin. It returns the saved allocation with its items.
func (s *Store) Allocate(ctx context.Context, a zhuxiang.Actor) (*SavedAllocation, *match.Result, error) {
	if err := zhuxiang.CanAllocate(a); err != nil {
		return nil, nil, err
	}
	progress := zhuxiang.ProgressOf(ctx)
	progress.Tick(zhuxiang.StepLoad, 0, 1)
	in, err := s.MatchInput(ctx)
	if err != nil {
		return nil, nil, err
	}
	progress.Tick(zhuxiang.StepLoad, 1, 1)
	r, err := match.AllocateProgress(in, progress)
	if err != nil {
		return nil, nil, err
	}
	w, _ := json.Marshal(in.Weights)
	p := &SavedAllocation{ID: secure.NewID(), CreatedAt: s.Now(), CreatedBy: a.Name, Needs: r.Needs, Offers: r.Offers, Arcs: r.Arcs, Matched: r.Matched,
		KeyVillages: r.KeyVillages, KeyReached: r.KeyReached, TotalScore: r.TotalScore, Cost: r.Cost, Seconds: r.Seconds, Weights: in.Weights}
	err = s.write(ctx, a, func(tx *writeTx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO plans (id, created_at, created_by, needs, offers, arcs, matched, key_villages, key_reached, total_score, cost, micros, weights)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			p.ID, ts(p.CreatedAt), a.Name, p.Needs, p.Offers, p.Arcs, p.Matched, p.KeyVillages, p.KeyReached, p.TotalScore, p.Cost, int64(r.Seconds*1e6), string(w)); err != nil {
			return err
		}
		items := len(r.Assignments) + len(r.Unmatched)
		progress.Tick(zhuxiang.StepSave, 0, items)
		for i, as := range r.Assignments {
			if _, err := tx.ExecContext(ctx, `INSERT INTO plan_items (plan_id, need_id, offer_id, score, reasons) VALUES ($1, $2, $3, $4, $5)`,
				p.ID, as.NeedID, as.OfferID, as.Score, strings.Join(as.Reasons, "|")); err != nil {
				return err
			}
			progress.Tick(zhuxiang.StepSave, i+1, items)
		}
		for i, u := range r.Unmatched {
			if _, err := tx.ExecContext(ctx, `INSERT INTO plan_items (plan_id, need_id, offer_id, score, reasons) VALUES ($1, $2, '', 0, $3)`, p.ID, u.NeedID, u.Reason); err != nil {
				return err
			}
			progress.Tick(zhuxiang.StepSave, len(r.Assignments)+i+1, items)
		}
		return tx.audit("create", "plan", p.ID, []Change{{Field: "对接方案", After: "需求" + strconv.Itoa(p.Needs) + "个，匹配" + strconv.Itoa(p.Matched) +
			"个，覆盖重点村" + strconv.Itoa(p.KeyReached) + "/" + strconv.Itoa(p.KeyVillages)}})
	})
	if err != nil {
		return nil, nil, err
	}
	saved, err := s.Allocation(ctx, a, p.ID)
	return saved, r, err
}

const allocationCols = `id, created_at, created_by, needs, offers, arcs, matched, key_villages, key_reached, total_score, cost, micros, weights`

func scanAllocation(sc interface{ Scan(...any) error }) (*SavedAllocation, error) {
	var p SavedAllocation
	var created, weights string
	var micros int64
	if err := sc.Scan(&p.ID, &created, &p.CreatedBy, &p.Needs, &p.Offers, &p.Arcs, &p.Matched, &p.KeyVillages, &p.KeyReached, &p.TotalScore, &p.Cost, &micros, &weights); err != nil {
		return nil, err
	}
	p.CreatedAt, p.Seconds = parseTS(created), float64(micros)/1e6
	_ = json.Unmarshal([]byte(weights), &p.Weights)
	return &p, nil
}

// Allocations lists saved allocations, newest first.
func (s *Store) Allocations(ctx context.Context, a zhuxiang.Actor, limit int) ([]*SavedAllocation, error) {
	if err := zhuxiang.CanSeeAllocations(a); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	rows, err := s.query(ctx, `SELECT `+allocationCols+` FROM plans ORDER BY created_at DESC, id LIMIT `+strconv.Itoa(limit))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*SavedAllocation
	for rows.Next() {
		p, err := scanAllocation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Allocation returns one saved allocation with its items.
func (s *Store) Allocation(ctx context.Context, a zhuxiang.Actor, id string) (*SavedAllocation, error) {
	if err := zhuxiang.CanSeeAllocations(a); err != nil {
		return nil, err
	}
	p, err := scanAllocation(s.queryRow(ctx, `SELECT `+allocationCols+` FROM plans WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("对接方案")
	} else if err != nil {
		return nil, err
	}
	rows, err := s.query(ctx, `SELECT i.need_id, COALESCE(n.title, ''), COALESCE(n.county_code, ''), COALESCE(c.name, ''), COALESCE(v.name, ''), COALESCE(n.action, ''),
		COALESCE(v.tag_lifted + v.tag_key + v.tag_model, 0), i.offer_id, COALESCE(f.title, ''), COALESCE(o.name, ''), i.score, i.reasons
		FROM plan_items i LEFT JOIN needs n ON n.id = i.need_id LEFT JOIN regions c ON c.code = n.county_code
		LEFT JOIN regions v ON v.code = n.village_code AND n.village_code <> '' LEFT JOIN offers f ON f.id = i.offer_id AND i.offer_id <> ''
		LEFT JOIN orgs o ON o.id = f.org_id WHERE i.plan_id = $1 ORDER BY n.seq`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var it AllocationItem
		var county, village, action, reasons string
		var tags int
		if err := rows.Scan(&it.NeedID, &it.NeedTitle, &it.CountyCode, &county, &village, &action, &tags, &it.OfferID, &it.OfferTitle, &it.Org, &it.Score, &reasons); err != nil {
			return nil, err
		}
		it.Place = strings.TrimSpace(county + " " + village)
		it.Action, it.KeyVillage = zhuxiang.Action(action), tags > 0
		if reasons != "" {
			it.Reasons = strings.Split(reasons, "|")
		}
		p.Items = append(p.Items, it)
	}
	return p, rows.Err()
}

// AllocationChange is how one need fares in an allocation compared with the previous.
type AllocationChange struct {
	NeedID     string
	NeedTitle  string
	CountyCode string
	Place      string
	Before     string // the offer's title before, or "未匹配" / "（不在上次方案中）"
	After      string
}

// CompareAllocations lists the needs whose assignment differs between two saved
// allocations (prev older, cur newer).
func CompareAllocations(prev, cur *SavedAllocation) []AllocationChange {
	label := func(it AllocationItem) string {
		if it.OfferID == "" {
			return "未匹配"
		}
		return it.Org + "·" + it.OfferTitle
	}
	old := map[string]AllocationItem{}
	for _, it := range prev.Items {
		old[it.NeedID] = it
	}
	var out []AllocationChange
	seen := map[string]bool{}
	for _, it := range cur.Items {
		seen[it.NeedID] = true
		o, ok := old[it.NeedID]
		switch {
		case !ok:
			out = append(out, AllocationChange{it.NeedID, it.NeedTitle, it.CountyCode, it.Place, "（不在上次方案中）", label(it)})
		case o.OfferID != it.OfferID:
			out = append(out, AllocationChange{it.NeedID, it.NeedTitle, it.CountyCode, it.Place, label(o), label(it)})
		}
	}
	for _, it := range prev.Items {
		if !seen[it.NeedID] {
			out = append(out, AllocationChange{it.NeedID, it.NeedTitle, it.CountyCode, it.Place, label(it), "（已不在对接中）"})
		}
	}
	return out
}

// KeyVillageCoverage counts the key villages (any tag) and how many of them
// are reached by a pairing, for the allocation page's "x/127".
func (s *Store) KeyVillageCoverage(ctx context.Context) (reached, total int, err error) {
	err = s.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM pairings p WHERE p.village_code = r.code) THEN 1 ELSE 0 END), 0)
		FROM regions r WHERE r.level = 'village' AND (r.tag_lifted = 1 OR r.tag_key = 1 OR r.tag_model = 1)`).Scan(&total, &reached)
	return reached, total, err
}
