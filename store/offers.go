package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"zhuxiang"
	"zhuxiang/secure"
)

// OfferFilter selects offers.
type OfferFilter struct {
	Org    string
	Action zhuxiang.Action
	Kind   zhuxiang.OfferKind
	County string // offers that serve this county
	Status zhuxiang.OfferStatus
	Q      string
	Cursor string
	Limit  int
}

// OfferPage is one page of offers, newest first.
type OfferPage struct {
	Offers []*zhuxiang.Offer
	Next   string
	Total  int
}

const offerCols = `f.id, f.seq, f.org_id, COALESCE(o.name, ''), f.action, f.kind, f.title, f.description, f.capacity, f.amount_fen, f.area, f.counties,
	f.valid_from, f.valid_to, f.status, f.version, f.created_at, f.updated_at, f.updated_by,
	(SELECT COUNT(*) FROM matches m JOIN needs n ON n.id = m.need_id WHERE m.offer_id = f.id AND m.status = 'confirmed' AND n.status = 'matched')`

const offerFrom = ` FROM offers f LEFT JOIN orgs o ON o.id = f.org_id`

func scanOffer(sc interface{ Scan(...any) error }) (*zhuxiang.Offer, error) {
	var f zhuxiang.Offer
	var action, kind, area, counties, status, created, updated string
	if err := sc.Scan(&f.ID, &f.Seq, &f.OrgID, &f.Org, &action, &kind, &f.Title, &f.Description, &f.Capacity, &f.AmountFen, &area, &counties,
		&f.ValidFrom, &f.ValidTo, &status, &f.Version, &created, &updated, &f.UpdatedBy, &f.InUse); err != nil {
		return nil, err
	}
	f.Action, f.Kind, f.Area, f.Status = zhuxiang.Action(action), zhuxiang.OfferKind(kind), zhuxiang.Area(area), zhuxiang.OfferStatus(status)
	f.Counties = splitComma(counties)
	f.CreatedAt, f.UpdatedAt = parseTS(created), parseTS(updated)
	return &f, nil
}

// ListOffers lists offers, newest first. Every signed-in user sees open and
// paused offers (they are what organizations put forward); closed ones only
// their organization and the admin.
func (s *Store) ListOffers(ctx context.Context, a zhuxiang.Actor, f OfferFilter) (*OfferPage, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	// Closed offers only for those who keep them (zhuxiang.CanSeeOffer).
	if sc := zhuxiang.OfferScope(a); !sc.All {
		cond, sargs := scopeSQL(sc, offerKeys, len(args)+1)
		args = append(args, sargs...)
		where = append(where, "(f.status <> 'closed' OR "+cond+")")
	}
	if f.Org != "" {
		where = append(where, "f.org_id = "+arg(f.Org))
	}
	if f.Action != "" {
		where = append(where, "f.action = "+arg(string(f.Action)))
	}
	if f.Kind != "" {
		where = append(where, "f.kind = "+arg(string(f.Kind)))
	}
	if f.Status != "" {
		where = append(where, "f.status = "+arg(string(f.Status)))
	}
	if f.County != "" {
		where = append(where, "(f.area <> 'counties' OR f.counties LIKE "+arg("%"+f.County+"%")+")")
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		p := arg(like(q))
		where = append(where, "(f.title LIKE "+p+" OR o.name LIKE "+p+")")
	}
	cond := "1=1"
	if len(where) > 0 {
		cond = strings.Join(where, " AND ")
	}
	items, next, total, err := seqPage(ctx, s, seqQuery{cols: offerCols, from: offerFrom, alias: "f", cond: cond, args: args,
		cursor: f.Cursor, limit: f.Limit}, scanOffer, func(o *zhuxiang.Offer) int64 { return o.Seq })
	if err != nil {
		return nil, err
	}
	return &OfferPage{Offers: items, Next: next, Total: total}, nil
}

// Offer returns one offer.
func (s *Store) Offer(ctx context.Context, a zhuxiang.Actor, id string) (*zhuxiang.Offer, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	o, err := s.offer(ctx, s.r, id)
	if err != nil {
		return nil, err
	}
	if !zhuxiang.CanSeeOffer(a, o) {
		return nil, notFound("资源")
	}
	return o, nil
}

func (s *Store) offer(ctx context.Context, q querier, id string) (*zhuxiang.Offer, error) {
	return s.offerRow(ctx, q, id, "")
}

// lockOffer reads an offer inside a write transaction and locks its row on
// PostgreSQL, so that two confirmations cannot both take its last place.
//
// The lock is taken by a statement of its own, and the offer (with its
// capacity in use, counted from confirmed matches) is read by the next one.
// Under READ COMMITTED each statement reads the snapshot taken when it
// starts: a single SELECT … FOR UPDATE that waits for another confirmation
// gets the offer's row once that one commits, but its count of confirmed
// matches still comes from the snapshot taken before the wait, without the
// pairing just made (twelve confirmations at once on an offer of capacity 2
// all went through). A statement that starts after the lock is granted sees
// every confirmation committed before, and later ones wait for this
// transaction, because a confirmation, the only write that adds to the
// count, takes this lock first. SQLite's single writer already orders them.
func (s *Store) lockOffer(ctx context.Context, tx querier, a zhuxiang.Actor, id string) (*zhuxiang.Offer, error) {
	if s.dialect == Postgres {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM offers WHERE id = $1 FOR UPDATE`, id).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, notFound("资源")
		} else if err != nil {
			return nil, err
		}
	}
	o, err := s.offerRow(ctx, tx, id, "")
	if err != nil {
		return nil, err
	}
	if !zhuxiang.CanSeeOffer(a, o) {
		return nil, notFound("资源") // closed offers are visible to their organization only
	}
	return o, nil
}

func (s *Store) offerRow(ctx context.Context, q querier, id, lock string) (*zhuxiang.Offer, error) {
	o, err := scanOffer(q.QueryRowContext(ctx, `SELECT `+offerCols+offerFrom+` WHERE f.id = $1`+lock, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("资源")
	}
	return o, err
}

func offerKV(o *zhuxiang.Offer) []kv {
	valid := "" // no dates: valid until closed
	if o.ValidFrom != "" || o.ValidTo != "" {
		valid = o.ValidFrom + "至" + o.ValidTo
	}
	return []kv{{"行动", o.Action.Short()}, {"类型", o.Kind.Label()}, {"标题", o.Title}, {"说明", o.Description},
		{"可承接数", strconv.Itoa(o.Capacity)}, {"金额（分）", strconv.FormatInt(o.AmountFen, 10)}, {"服务地区", strings.TrimSpace(o.Area.Label() + " " + strings.Join(o.Counties, "、"))},
		{"有效期", valid}}
}

func (s *Store) checkOfferCounties(ctx context.Context, o *zhuxiang.Offer) error {
	if o.Area != zhuxiang.AreaCounties {
		return nil
	}
	_, counties, err := s.reference(ctx)
	if err != nil {
		return err
	}
	for _, c := range o.Counties {
		found := false
		for _, r := range counties {
			if r.Code == c {
				found = true
			}
		}
		if !found {
			return zhuxiang.Errorf(zhuxiang.EInvalid, "counties", "县市“%s”不存在", c)
		}
	}
	return nil
}

// CreateOffer saves a new open offer for the actor's organization (the
// admin names the organization in o.OrgID).
func (s *Store) CreateOffer(ctx context.Context, a zhuxiang.Actor, o *zhuxiang.Offer) (string, error) {
	if err := zhuxiang.CanCreateOffers(a); err != nil {
		return "", err
	}
	if org := zhuxiang.OwnOrg(a); org != "" {
		o.OrgID = org
	}
	if o.OrgID == "" {
		return "", zhuxiang.Errorf(zhuxiang.EInvalid, "org", "请选择发布资源的社会组织")
	}
	if err := zhuxiang.CanCreateOffer(a, o.OrgID); err != nil {
		return "", err
	}
	if err := o.Validate(); err != nil {
		return "", err
	}
	if err := s.checkOfferCounties(ctx, o); err != nil {
		return "", err
	}
	o.Status = zhuxiang.OfferOpen
	err := s.write(ctx, a, func(tx *writeTx) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM orgs WHERE id = $1`, o.OrgID).Scan(&one); err != nil {
			return zhuxiang.Errorf(zhuxiang.EInvalid, "org", "社会组织不存在")
		}
		seq, err := nextSeq(ctx, tx, "offers", 1)
		if err != nil {
			return err
		}
		now := ts(s.Now())
		o.ID, o.Seq, o.Version = secure.NewID(), seq, 1
		if _, err := tx.ExecContext(ctx, `INSERT INTO offers (id, seq, org_id, action, kind, title, description, capacity, amount_fen, area, counties,
			valid_from, valid_to, status, created_at, created_by, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $15, $16)`,
			o.ID, seq, o.OrgID, string(o.Action), string(o.Kind), o.Title, o.Description, o.Capacity, o.AmountFen, string(o.Area), strings.Join(o.Counties, ","),
			o.ValidFrom, o.ValidTo, string(o.Status), now, a.Name); err != nil {
			return err
		}
		return tx.audit("create", "offer", o.ID, diff(nil, offerKV(o)))
	})
	return o.ID, err
}

// UpdateOffer changes an offer's content; the version must match.
func (s *Store) UpdateOffer(ctx context.Context, a zhuxiang.Actor, o *zhuxiang.Offer) error {
	if err := o.Validate(); err != nil {
		return err
	}
	if err := s.checkOfferCounties(ctx, o); err != nil {
		return err
	}
	return s.write(ctx, a, func(tx *writeTx) error {
		old, err := s.lockOffer(ctx, tx, a, o.ID)
		if err != nil {
			return err
		}
		if err := zhuxiang.CanEditOffer(a, old); err != nil {
			return err
		}
		if old.Version != o.Version {
			return zhuxiang.Errorf(zhuxiang.EConflict, "version", "该资源已被他人修改，请刷新后重试")
		}
		o.OrgID, o.Status = old.OrgID, old.Status
		if _, err := tx.ExecContext(ctx, `UPDATE offers SET action = $1, kind = $2, title = $3, description = $4, capacity = $5, amount_fen = $6, area = $7, counties = $8,
			valid_from = $9, valid_to = $10, version = version + 1, updated_at = $11, updated_by = $12 WHERE id = $13`,
			string(o.Action), string(o.Kind), o.Title, o.Description, o.Capacity, o.AmountFen, string(o.Area), strings.Join(o.Counties, ","),
			o.ValidFrom, o.ValidTo, ts(s.Now()), a.Name, o.ID); err != nil {
			return err
		}
		o.Version++
		return tx.audit("update", "offer", o.ID, diff(offerKV(old), offerKV(o)))
	})
}

// SetOfferStatus pauses, resumes or closes an offer. Closing withdraws the
// interests still waiting on it.
func (s *Store) SetOfferStatus(ctx context.Context, a zhuxiang.Actor, id string, to zhuxiang.OfferStatus) error {
	return s.write(ctx, a, func(tx *writeTx) error {
		o, err := s.lockOffer(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := zhuxiang.CanSetOfferStatus(a, o, to); err != nil {
			return err
		}
		if to == zhuxiang.OfferClosed {
			if err := s.lockLiveMatches(ctx, tx, "offer_id", id); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE offers SET status = $1, version = version + 1, updated_at = $2, updated_by = $3 WHERE id = $4`,
			string(to), ts(s.Now()), a.Name, id); err != nil {
			return err
		}
		if err := tx.audit("status", "offer", id, diff([]kv{{"状态", o.Status.Label()}}, []kv{{"状态", to.Label()}})); err != nil {
			return err
		}
		if to == zhuxiang.OfferClosed {
			return s.closeLiveMatches(ctx, tx, a, "offer_id", id, "资源已关闭")
		}
		return nil
	})
}
