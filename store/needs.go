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

// NeedFilter selects needs; the same filters serve the needs hall, the API
// and the export.
type NeedFilter struct {
	County  string
	Village string
	Tag     zhuxiang.VillageTag // only needs of villages with this tag
	Action  zhuxiang.Action
	Status  zhuxiang.NeedStatus // "" for every status the actor may see
	Q       string              // a fragment of the title
	Mine    bool                // only needs in the actor's own scope (drafts and reviews included)
	Cursor  string              // opaque: continue after this position
	Limit   int
}

// NeedPage is one page of needs, newest first.
type NeedPage struct {
	Needs []*zhuxiang.Need
	Next  string
	Total int
}

const needCols = `n.id, n.seq, n.county_code, n.village_code, COALESCE(c.name, ''), COALESCE(v.name, ''), COALESCE(v.tag_lifted, 0), COALESCE(v.tag_key, 0), COALESCE(v.tag_model, 0),
	n.action, n.category, n.title, n.description, n.quantity, n.unit, n.budget_fen, n.people, n.people_kinds, n.urgency, n.wanted_by,
	n.contact, n.phone, n.status, n.reason, n.version, n.created_at, n.created_by, n.created_by_id, n.updated_at, n.updated_by, n.reviewed_at, n.reviewed_by`

const needFrom = ` FROM needs n LEFT JOIN regions c ON c.code = n.county_code LEFT JOIN regions v ON v.code = n.village_code AND n.village_code <> ''`

// scanNeed reads a row of needCols, the phone opened whole: callers that
// hand the need to an actor decide with CanSeePhone what it keeps.
func (s *Store) scanNeed(sc interface{ Scan(...any) error }) (*zhuxiang.Need, error) {
	return s.scanNeedPersonal(sc, true)
}

// scanNeedPersonal is scanNeed; with personal false it leaves the phone
// empty (see scanOrgPersonal).
func (s *Store) scanNeedPersonal(sc interface{ Scan(...any) error }, personal bool) (*zhuxiang.Need, error) {
	var n zhuxiang.Need
	var lifted, key, model int
	var action, kinds, status, created, updated, reviewed, phone string
	if err := sc.Scan(&n.ID, &n.Seq, &n.CountyCode, &n.VillageCode, &n.County, &n.Village, &lifted, &key, &model,
		&action, &n.Category, &n.Title, &n.Description, &n.Quantity, &n.Unit, &n.BudgetFen, &n.People, &kinds, &n.Urgency, &n.WantedBy,
		&n.Contact, &phone, &status, &n.Reason, &n.Version, &created, &n.CreatedBy, &n.CreatedByID, &updated, &n.UpdatedBy, &reviewed, &n.ReviewedBy); err != nil {
		return nil, err
	}
	if personal {
		var err error
		if n.Phone, err = s.open(needPhone, n.ID, phone); err != nil {
			return nil, err
		}
	}
	n.Action, n.Status = zhuxiang.Action(action), zhuxiang.NeedStatus(status)
	n.PeopleKinds = splitComma(kinds)
	n.CreatedAt, n.UpdatedAt = parseTS(created), parseTS(updated)
	if reviewed != "" {
		n.ReviewedAt = parseTS(reviewed)
	}
	if lifted == 1 {
		n.VillageTags = append(n.VillageTags, zhuxiang.TagLifted)
	}
	if key == 1 {
		n.VillageTags = append(n.VillageTags, zhuxiang.TagKey)
	}
	if model == 1 {
		n.VillageTags = append(n.VillageTags, zhuxiang.TagModel)
	}
	return &n, nil
}

// publicStatuses is the SQL list of statuses anyone may see.
const publicStatuses = `('open', 'matched', 'done')`

// needScope is the SQL predicate for needs in the actor's own scope
// (zhuxiang.NeedScope).
func needScope(a zhuxiang.Actor, next int) (string, []any) {
	return scopeSQL(zhuxiang.NeedScope(a), needKeys, next)
}

// ListNeeds lists the needs the actor may see, newest first: the public ones
// (open, matched, done) for everyone, the others only in scope. Contact
// details are stripped from needs outside the actor's scope.
func (s *Store) ListNeeds(ctx context.Context, a zhuxiang.Actor, f NeedFilter) (*NeedPage, error) {
	cond, args := needWhere(a, f)
	items, next, total, err := seqPage(ctx, s, seqQuery{cols: needCols, from: needFrom, alias: "n", cond: cond, args: args,
		cursor: f.Cursor, limit: f.Limit}, s.scanNeed, func(n *zhuxiang.Need) int64 { return n.Seq })
	if err != nil {
		return nil, err
	}
	for i, n := range items {
		if !zhuxiang.CanSeePhone(a, n) {
			items[i] = n.Public()
		}
	}
	return &NeedPage{Needs: items, Next: next, Total: total}, nil
}

// needWhere is the condition of the needs list for f (on needFrom), the
// actor's scope included; the work bench counts with it too
// (store/todo.go), so a count and the list behind it cannot differ.
func needWhere(a zhuxiang.Actor, f NeedFilter) (string, []any) {
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	scope, sargs := needScope(a, 1)
	args = append(args, sargs...)
	if f.Mine {
		where = append(where, scope)
	} else {
		where = append(where, "(n.status IN "+publicStatuses+" OR "+scope+")")
	}
	if f.County != "" {
		where = append(where, "n.county_code = "+arg(f.County))
	}
	if f.Village != "" {
		where = append(where, "n.village_code = "+arg(f.Village))
	}
	switch f.Tag {
	case zhuxiang.TagLifted:
		where = append(where, "v.tag_lifted = 1")
	case zhuxiang.TagKey:
		where = append(where, "v.tag_key = 1")
	case zhuxiang.TagModel:
		where = append(where, "v.tag_model = 1")
	case "any":
		where = append(where, "(v.tag_lifted = 1 OR v.tag_key = 1 OR v.tag_model = 1)")
	}
	if f.Action != "" {
		where = append(where, "n.action = "+arg(string(f.Action)))
	}
	if f.Status != "" {
		where = append(where, "n.status = "+arg(string(f.Status)))
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		where = append(where, "n.title LIKE "+arg(like(q)))
	}
	return strings.Join(where, " AND "), args
}

// Need returns one need the actor may see. Outside the actor's scope the
// contact details are removed, and a need that is not public reads as not
// found.
func (s *Store) Need(ctx context.Context, a zhuxiang.Actor, id string) (*zhuxiang.Need, error) {
	n, err := s.need(ctx, s.r, id)
	if err != nil {
		return nil, err
	}
	if !zhuxiang.CanSeeNeed(a, n) {
		return nil, notFound("需求")
	}
	rows, err := s.query(ctx, `SELECT o.id, o.name FROM pairings p JOIN orgs o ON o.id = p.org_id WHERE p.need_id = $1 ORDER BY p.created_at`, n.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		n.MatchedOrgs = append(n.MatchedOrgs, name)
		n.PairedOrgIDs = append(n.PairedOrgIDs, id)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// An organization paired on the need must call the village
	// (CanSeePhone); anyone else outside its scope gets the public copy.
	if !zhuxiang.CanSeePhone(a, n) {
		n = n.Public()
	}
	return n, nil
}

func (s *Store) need(ctx context.Context, q querier, id string) (*zhuxiang.Need, error) {
	return s.needRow(ctx, q, id, "")
}

// lockNeed reads a need inside a write transaction and, on PostgreSQL,
// locks its row until the commit: two reviewers, or two confirmations of
// matches on the same need, then take turns instead of both acting on the
// state they read. (SQLite's single writer already serializes.)
func (s *Store) lockNeed(ctx context.Context, tx querier, id string) (*zhuxiang.Need, error) {
	return s.needRow(ctx, tx, id, s.forUpdateOf("n"))
}

func (s *Store) needRow(ctx context.Context, q querier, id, lock string) (*zhuxiang.Need, error) {
	n, err := s.scanNeed(q.QueryRowContext(ctx, `SELECT `+needCols+needFrom+` WHERE n.id = $1`+lock, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("需求")
	}
	return n, err
}

// needRegion checks the need's county and village and fills the county from
// the village when only the village is given.
func (s *Store) needRegion(ctx context.Context, q querier, n *zhuxiang.Need) error {
	if n.VillageCode != "" {
		var level, county string
		err := q.QueryRowContext(ctx, `SELECT level, county_code FROM regions WHERE code = $1`, n.VillageCode).Scan(&level, &county)
		if err != nil || level != string(zhuxiang.LevelVillage) {
			return zhuxiang.Errorf(zhuxiang.EInvalid, "village", "村“%s”不存在", n.VillageCode)
		}
		if n.CountyCode != "" && n.CountyCode != county {
			return zhuxiang.Errorf(zhuxiang.EInvalid, "village", "该村不属于所选县市")
		}
		n.CountyCode = county
		return nil
	}
	var level string
	err := q.QueryRowContext(ctx, `SELECT level FROM regions WHERE code = $1`, n.CountyCode).Scan(&level)
	if err != nil || level != string(zhuxiang.LevelCounty) {
		return zhuxiang.Errorf(zhuxiang.EInvalid, "county", "县市“%s”不存在", n.CountyCode)
	}
	return nil
}

func needKV(n *zhuxiang.Need) []kv {
	return []kv{{"行动", n.Action.Short()}, {"类别", n.Category}, {"标题", n.Title}, {"说明", n.Description},
		{"数量", strconv.FormatInt(n.Quantity, 10) + n.Unit}, {"预算（分）", strconv.FormatInt(n.BudgetFen, 10)},
		{"受益人数", strconv.Itoa(n.People)}, {"受益人群", strings.Join(n.PeopleKinds, "、")}, {"紧急程度", zhuxiang.UrgencyLabel(n.Urgency)},
		{"期望日期", n.WantedBy}, {"联系人", n.Contact}, {"联系电话", zhuxiang.MaskPhone(n.Phone)}}
}

// CreateNeed saves a new need as a draft, or submitted for review when
// n.Status is NeedSubmitted. It returns the new id.
func (s *Store) CreateNeed(ctx context.Context, a zhuxiang.Actor, n *zhuxiang.Need) (string, error) {
	if err := n.Validate(); err != nil {
		return "", err
	}
	if n.Status != zhuxiang.NeedSubmitted {
		n.Status = zhuxiang.NeedDraft
	}
	err := s.write(ctx, a, func(tx *writeTx) error {
		if err := s.needRegion(ctx, tx, n); err != nil {
			return err
		}
		if err := zhuxiang.CanCreateNeed(a, n.CountyCode, n.VillageCode); err != nil {
			return err
		}
		seq, err := nextSeq(ctx, tx, "needs", 1)
		if err != nil {
			return err
		}
		now := ts(s.Now())
		n.ID, n.Seq, n.Version, n.CreatedByID = secure.NewID(), seq, 1, a.UserID
		phone, phoneIdx, err := s.seal(needPhone, n.ID, n.Phone)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO needs (id, seq, county_code, village_code, action, category, title, description, quantity, unit, budget_fen,
			people, people_kinds, urgency, wanted_by, contact, phone, status, created_at, created_by, updated_at, updated_by, phone_idx, created_by_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $19, $20, $21, $22)`,
			n.ID, seq, n.CountyCode, n.VillageCode, string(n.Action), n.Category, n.Title, n.Description, n.Quantity, n.Unit, n.BudgetFen,
			n.People, strings.Join(n.PeopleKinds, ","), n.Urgency, n.WantedBy, n.Contact, phone, string(n.Status), now, a.Name, phoneIdx, a.UserID); err != nil {
			return err
		}
		if err := tx.audit("create", "need", n.ID, diff(nil, append(needKV(n), kv{"状态", n.Status.Label()}))); err != nil {
			return err
		}
		if n.Status == zhuxiang.NeedSubmitted {
			return s.notifyCounty(ctx, tx, n.CountyCode, "新需求待审核："+n.Title, "/needs/"+n.ID)
		}
		return nil
	})
	return n.ID, err
}

// UpdateNeed changes a draft or returned need's content. The version must
// match the one the editor read.
func (s *Store) UpdateNeed(ctx context.Context, a zhuxiang.Actor, n *zhuxiang.Need) error {
	if err := n.Validate(); err != nil {
		return err
	}
	return s.write(ctx, a, func(tx *writeTx) error {
		old, err := s.lockNeed(ctx, tx, n.ID)
		if err != nil {
			return err
		}
		if !zhuxiang.CanSeeNeed(a, old) {
			return notFound("需求")
		}
		if err := zhuxiang.CanEditNeed(a, old); err != nil {
			return err
		}
		if old.Version != n.Version {
			return zhuxiang.Errorf(zhuxiang.EConflict, "version", "该需求已被他人修改，请刷新后重试")
		}
		// The place of a need does not move: a need for another village is
		// another need.
		n.CountyCode, n.VillageCode, n.Status = old.CountyCode, old.VillageCode, old.Status
		phone, phoneIdx, err := s.seal(needPhone, n.ID, n.Phone)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE needs SET action = $1, category = $2, title = $3, description = $4, quantity = $5, unit = $6, budget_fen = $7,
			people = $8, people_kinds = $9, urgency = $10, wanted_by = $11, contact = $12, phone = $13, version = version + 1, updated_at = $14, updated_by = $15,
			phone_idx = $17 WHERE id = $16`,
			string(n.Action), n.Category, n.Title, n.Description, n.Quantity, n.Unit, n.BudgetFen, n.People, strings.Join(n.PeopleKinds, ","),
			n.Urgency, n.WantedBy, n.Contact, phone, ts(s.Now()), a.Name, n.ID, phoneIdx); err != nil {
			return err
		}
		n.Version++
		return tx.audit("update", "need", n.ID, diff(needKV(old), needKV(n)))
	})
}

// TransitionNeed applies a lifecycle step (submit, withdraw, approve,
// reject, done, close) to a need. version, when not zero, must match the one the user saw,
// so that two reviewers do not both act on the same need.
func (s *Store) TransitionNeed(ctx context.Context, a zhuxiang.Actor, id, name, reason string, version int) error {
	t, ok := zhuxiang.FindNeedTransition(name)
	if !ok {
		return zhuxiang.Errorf(zhuxiang.EInvalid, "action", "未知的操作")
	}
	reason, err := stepInput(t.Label, t.Reason, reason, version)
	if err != nil {
		return err
	}
	return s.write(ctx, a, func(tx *writeTx) error {
		n, err := s.lockNeed(ctx, tx, id)
		if err != nil {
			return err
		}
		if !zhuxiang.CanSeeNeed(a, n) {
			return notFound("需求")
		}
		if err := zhuxiang.CanNeed(a, n, name); err != nil {
			return err
		}
		if version != 0 && version != n.Version {
			return zhuxiang.Errorf(zhuxiang.EConflict, "version", "该需求已被他人处理，请刷新后重试")
		}
		if name == "close" {
			if err := s.lockLiveMatches(ctx, tx, "need_id", id); err != nil {
				return err
			}
		}
		now := ts(s.Now())
		set := `status = $1, reason = $2, version = version + 1, updated_at = $3, updated_by = $4`
		if name == "approve" || name == "reject" {
			set += `, reviewed_at = $3, reviewed_by = $4`
		}
		if !t.Reason {
			reason = ""
		}
		if _, err := tx.ExecContext(ctx, `UPDATE needs SET `+set+` WHERE id = $5`, string(t.To), reason, now, a.Name, id); err != nil {
			return err
		}
		changes := []kv{{"状态", t.To.Label()}}
		if reason != "" {
			changes = append(changes, kv{"理由", reason})
		}
		if err := tx.audit(name, "need", id, diff([]kv{{"状态", n.Status.Label()}, {"理由", ""}}, changes)); err != nil {
			return err
		}
		link := "/needs/" + id
		switch name {
		case "submit":
			return s.notifyCounty(ctx, tx, n.CountyCode, "新需求待审核："+n.Title, link)
		case "withdraw":
			// The county was asked to review it; now it need not.
			return s.notifyCounty(ctx, tx, n.CountyCode, "需求已由填报人撤回修改，暂不需审核："+n.Title, link)
		case "approve":
			return s.notifyPlace(ctx, tx, n, "需求已审核通过并公开："+n.Title, link)
		case "reject":
			return s.notifyPlace(ctx, tx, n, "需求被退回："+n.Title+"（"+reason+"）", link)
		case "close":
			return s.closeLiveMatches(ctx, tx, a, "need_id", id, "需求已关闭")
		}
		return nil
	})
}
