package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"zhuxiang"
	"zhuxiang/match"
	"zhuxiang/secure"
)

// MatchFilter selects matches.
type MatchFilter struct {
	NeedID  string
	OfferID string
	County  string
	Status  zhuxiang.MatchStatus
	Live    bool // only those waiting for someone
	// Waiting keeps those that wait for the actor's own answer
	// (zhuxiang.AnswerSide, zhuxiang.MatchWaitsFor); an actor that answers
	// for no side gets none.
	Waiting bool
	// Lapsing keeps the interests still unanswered that lapse within
	// zhuxiang.MatchWarnDays days (zhuxiang.LapsingBefore).
	Lapsing bool
	Limit   int
	Offset  int
}

const matchCols = `m.id, m.need_id, m.offer_id, m.org_id, m.county_code, m.village_code, m.initiator, m.status, m.score, m.reasons, m.note, m.reason,
	m.pairing_id, m.version, m.created_at, m.created_by, m.updated_at, m.updated_by, COALESCE(n.title, ''), COALESCE(f.title, ''), COALESCE(o.name, ''),
	COALESCE(c.name, ''), COALESCE(v.name, '')`

const matchFrom = ` FROM matches m LEFT JOIN needs n ON n.id = m.need_id LEFT JOIN offers f ON f.id = m.offer_id LEFT JOIN orgs o ON o.id = m.org_id
	LEFT JOIN regions c ON c.code = m.county_code LEFT JOIN regions v ON v.code = m.village_code AND m.village_code <> ''`

func scanMatch(sc interface{ Scan(...any) error }) (*zhuxiang.Match, error) {
	var m zhuxiang.Match
	var initiator, status, reasons, created, updated, county, village string
	if err := sc.Scan(&m.ID, &m.NeedID, &m.OfferID, &m.OrgID, &m.CountyCode, &m.VillageCode, &initiator, &status, &m.Score, &reasons, &m.Note, &m.Reason,
		&m.PairingID, &m.Version, &created, &m.CreatedBy, &updated, &m.UpdatedBy, &m.NeedTitle, &m.OfferTitle, &m.Org, &county, &village); err != nil {
		return nil, err
	}
	m.Initiator, m.Status = zhuxiang.Side(initiator), zhuxiang.MatchStatus(status)
	if reasons != "" {
		m.Reasons = strings.Split(reasons, "|")
	}
	m.CreatedAt, m.UpdatedAt = parseTS(created), parseTS(updated)
	m.Place = strings.TrimSpace(county + " " + village)
	m.County, m.Village = county, village
	return &m, nil
}

// matchScope is the SQL predicate for matches the actor is party to or
// oversees (zhuxiang.MatchScope).
func matchScope(a zhuxiang.Actor, next int) (string, []any) {
	return scopeSQL(zhuxiang.MatchScope(a), matchKeys, next)
}

// ListMatches lists the matches the actor is party to or oversees, newest
// first.
func (s *Store) ListMatches(ctx context.Context, a zhuxiang.Actor, f MatchFilter) ([]*zhuxiang.Match, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	cond, args := matchWhere(a, f, s.Now())
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	order := ` ORDER BY m.created_at DESC, m.id`
	if f.Lapsing {
		order = ` ORDER BY m.created_at, m.id` // the first to lapse first
	}
	rows, err := s.query(ctx, `SELECT `+matchCols+matchFrom+` WHERE `+cond+order+` LIMIT `+strconv.Itoa(limit)+` OFFSET `+strconv.Itoa(max(0, f.Offset)), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*zhuxiang.Match
	for rows.Next() {
		m, err := scanMatch(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// CountMatches counts, up to CountCap, the matches ListMatches lists for f.
func (s *Store) CountMatches(ctx context.Context, a zhuxiang.Actor, f MatchFilter) (int, error) {
	if err := signedIn(a); err != nil {
		return 0, err
	}
	cond, args := matchWhere(a, f, s.Now())
	return s.countWhere(ctx, ` FROM matches m`, cond, args)
}

// matchWhere is the condition of the matches list for f (on matches m; the
// joins of matchFrom add no condition), the actor's scope included; the
// work bench counts with it too (store/todo.go).
func matchWhere(a zhuxiang.Actor, f MatchFilter, now time.Time) (string, []any) {
	cond, args := matchScope(a, 1)
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	if f.NeedID != "" {
		cond += " AND m.need_id = " + arg(f.NeedID)
	}
	if f.OfferID != "" {
		cond += " AND m.offer_id = " + arg(f.OfferID)
	}
	if f.County != "" {
		cond += " AND m.county_code = " + arg(f.County)
	}
	if f.Status != "" {
		cond += " AND m.status = " + arg(string(f.Status))
	}
	if f.Live {
		cond += " AND m.status IN ('pending', 'accepted')"
	}
	if f.Waiting {
		side, ok := zhuxiang.AnswerSide(a)
		var alts []string
		if ok {
			for _, w := range zhuxiang.MatchWaitsFor(side) {
				alt := "m.status = " + arg(string(w.Status))
				if w.Initiator != "" {
					alt = "(" + alt + " AND m.initiator = " + arg(string(w.Initiator)) + ")"
				}
				alts = append(alts, alt)
			}
		}
		if len(alts) == 0 {
			alts = []string{"1=0"}
		}
		cond += " AND (" + strings.Join(alts, " OR ") + ")"
	}
	if f.Lapsing {
		cond += " AND m.status = 'pending' AND m.created_at < " + arg(ts(zhuxiang.LapsingBefore(now)))
	}
	return cond, args
}

// Match returns one match the actor is party to or oversees.
func (s *Store) Match(ctx context.Context, a zhuxiang.Actor, id string) (*zhuxiang.Match, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	cond, args := matchScope(a, 2)
	m, err := scanMatch(s.queryRow(ctx, `SELECT `+matchCols+matchFrom+` WHERE m.id = $1 AND `+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("对接")
	}
	return m, err
}

// exclusionMessage explains to a user why an offer cannot serve a need.
func exclusionMessage(e match.Exclusion) string {
	switch e {
	case match.ExclAction:
		return "资源与需求不属于同一项行动"
	case match.ExclArea:
		return "资源的服务地区不含该需求所在县市"
	case match.ExclFlagged:
		return "该组织在活动异常名录或严重违法失信名单中，不能结对"
	case match.ExclStatus:
		return "资源已暂停、关闭或不在有效期内"
	case match.ExclFull:
		return "资源可承接的需求已满"
	}
	return "资源所属组织不存在"
}

// ExpressInterest records that the organization (for its offer) or the
// county (for its need) wants this need and offer paired. The other side is
// notified and answers within zhuxiang.MatchLapseDays.
func (s *Store) ExpressInterest(ctx context.Context, a zhuxiang.Actor, needID, offerID, note string) (string, error) {
	if err := signedIn(a); err != nil {
		return "", err
	}
	note = strings.TrimSpace(note)
	if err := zhuxiang.CheckText("note", "留言", note, zhuxiang.MaxNoteRunes); err != nil {
		return "", err
	}
	// An id that cannot exist is not looked up: PostgreSQL would fail on a
	// NUL byte where SQLite finds nothing.
	if !zhuxiang.IsID(needID) {
		return "", notFound("需求")
	}
	if !zhuxiang.IsID(offerID) {
		return "", notFound("资源")
	}
	w, err := s.MatchWeights(ctx)
	if err != nil {
		return "", err
	}
	var id string
	err = s.write(ctx, a, func(tx *writeTx) error {
		// The need's row lock serializes interests on it, so the duplicate
		// check below cannot race.
		n, err := s.lockNeed(ctx, tx, needID)
		if err != nil {
			return err
		}
		if !zhuxiang.CanSeeNeed(a, n) {
			return notFound("需求")
		}
		o, err := s.lockOffer(ctx, tx, a, offerID)
		if err != nil {
			return err
		}
		sides := zhuxiang.ActorSides(a, n.CountyCode, o.OrgID)
		if len(sides) == 0 {
			return forbidden("只有资源所属的社会组织或需求所在的县市可以发起对接")
		}
		if n.Status != zhuxiang.NeedOpen {
			return zhuxiang.Errorf(zhuxiang.EConflict, "status", "需求当前为“%s”，不能发起对接", n.Status.Label())
		}
		org, err := s.orgForMatch(ctx, tx, o.OrgID)
		if err != nil {
			return err
		}
		in, err := s.pairInput(ctx, tx, org, w)
		if err != nil {
			return err
		}
		if ex := in.Eligible(n, o); ex != "" {
			return zhuxiang.Errorf(zhuxiang.EConflict, "offer", "%s", exclusionMessage(ex))
		}
		var one int
		err = tx.QueryRowContext(ctx, `SELECT 1 FROM matches WHERE need_id = $1 AND offer_id = $2 AND status IN ('pending', 'accepted', 'confirmed')`, needID, offerID).Scan(&one)
		if err == nil {
			return zhuxiang.Errorf(zhuxiang.EConflict, "offer", "该需求与资源已有进行中的对接")
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		score, reasons := in.Score(n, o)
		side := sides[0]
		now := ts(s.Now())
		id = secure.NewID()
		if _, err := tx.ExecContext(ctx, `INSERT INTO matches (id, need_id, offer_id, org_id, county_code, village_code, initiator, status, score, reasons, note,
			created_at, created_by, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9, $10, $11, $12, $11, $12)`,
			id, needID, offerID, o.OrgID, n.CountyCode, n.VillageCode, string(side), score, strings.Join(reasons, "|"), note, now, a.Name); err != nil {
			return err
		}
		if err := tx.audit("create", "match", id, []Change{{Field: "对接", After: side.Label() + "发起：" + n.Title + " ↔ " + o.Title}}); err != nil {
			return err
		}
		link := "/needs/" + needID
		if side == zhuxiang.SideOrg {
			return s.notifyCounty(ctx, tx, n.CountyCode, org.Name+"希望对接需求“"+n.Title+"”，请回应", link)
		}
		return s.notifyOrg(ctx, tx, o.OrgID, n.Place()+"希望您的资源“"+o.Title+"”对接需求“"+n.Title+"”，请回应", link)
	})
	return id, err
}

// pairInput is the part of match.Input that scoring one pair with org
// reads: far cheaper than MatchInput, which loads every open need and offer.
func (s *Store) pairInput(ctx context.Context, q querier, org *zhuxiang.Org, w match.Weights) (*match.Input, error) {
	in := &match.Input{Orgs: map[string]*zhuxiang.Org{org.ID: org}, Track: map[string]int{}, Leading: map[string]bool{}, Reached: map[string]bool{}, Today: s.Now(), Weights: w}
	var track int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM pairings p JOIN needs n ON n.id = p.need_id WHERE n.status = 'done' AND p.org_id = $1`, org.ID).Scan(&track); err != nil {
		return nil, err
	}
	in.Track[org.ID] = track
	rows, err := q.QueryContext(ctx, `SELECT code FROM regions WHERE level = 'county' AND county_class = 'leading'`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		in.Leading[c] = true
	}
	return in, rows.Err()
}

// orgForMatch reads the organization of an offer with its flags, whatever
// the actor's scope: eligibility depends on them.
func (s *Store) orgForMatch(ctx context.Context, q querier, id string) (*zhuxiang.Org, error) {
	o, err := s.scanOrg(q.QueryRowContext(ctx, `SELECT `+orgListCols+` FROM orgs o LEFT JOIN departments d ON d.id = o.department_id WHERE o.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("社会组织")
	}
	return o, err
}

// TransitionMatch applies accept, decline, confirm, refuse or withdraw. A
// confirmation creates the pairing and marks the need matched in the same
// transaction.
func (s *Store) TransitionMatch(ctx context.Context, a zhuxiang.Actor, id, name, reason string) error {
	t, ok := zhuxiang.FindMatchTransition(name)
	if !ok {
		return zhuxiang.Errorf(zhuxiang.EInvalid, "action", "未知的操作")
	}
	reason = strings.TrimSpace(reason)
	if t.Reason && reason == "" {
		return zhuxiang.Errorf(zhuxiang.EInvalid, "reason", "请填写“%s”的理由", t.Label)
	}
	if err := zhuxiang.CheckText("reason", "理由", reason, zhuxiang.MaxReasonRunes); err != nil {
		return err
	}
	if !t.Reason {
		reason = ""
	}
	return s.write(ctx, a, func(tx *writeTx) error {
		var n *zhuxiang.Need
		var o *zhuxiang.Offer
		if name == "confirm" {
			// A confirmation locks the need, then the offer, then the need's
			// live matches (this one among them), and only then writes: the
			// order in which ExpressInterest, TransitionNeed and
			// SetOfferStatus lock too. Locking this match first, as the
			// other transitions do, deadlocked two confirmations on one need
			// on PostgreSQL: each held its match and waited for the other's,
			// which closeLiveMatches withdraws. Locking the live matches
			// before the first audit entry also keeps an answer to one of
			// them (which holds it and then waits for the audit head) from
			// deadlocking with this transaction, which would hold the head.
			var needID, offerID string
			err := tx.QueryRowContext(ctx, `SELECT need_id, offer_id FROM matches WHERE id = $1`, id).Scan(&needID, &offerID)
			if errors.Is(err, sql.ErrNoRows) {
				return notFound("对接")
			} else if err != nil {
				return err
			}
			if n, err = s.lockNeed(ctx, tx, needID); err != nil {
				return err
			}
			if o, err = s.lockOffer(ctx, tx, zhuxiang.SystemActor, offerID); err != nil {
				return err
			}
			if err := s.lockLiveMatches(ctx, tx, "need_id", needID); err != nil {
				return err
			}
		}
		cond, args := matchScope(a, 2)
		m, err := scanMatch(tx.QueryRowContext(ctx, `SELECT `+matchCols+matchFrom+` WHERE m.id = $1 AND `+cond+s.forUpdateOf("m"), append([]any{id}, args...)...))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("对接")
		} else if err != nil {
			return err
		}
		if err := zhuxiang.CanMatch(a, m, name); err != nil {
			return err
		}
		now := ts(s.Now())
		pairingID := ""
		if name == "confirm" {
			if n.Status != zhuxiang.NeedOpen {
				return zhuxiang.Errorf(zhuxiang.EConflict, "status", "需求当前为“%s”，不能再确认结对", n.Status.Label())
			}
			if o.Status != zhuxiang.OfferOpen {
				return zhuxiang.Errorf(zhuxiang.EConflict, "offer", "资源当前为“%s”，不能确认结对", o.Status.Label())
			}
			if o.Remaining() <= 0 {
				return zhuxiang.Errorf(zhuxiang.EConflict, "offer", "资源可承接的需求已满")
			}
			org, err := s.orgForMatch(ctx, tx, m.OrgID)
			if err != nil {
				return err
			}
			if org.HasFlag(zhuxiang.FlagAbnormal) || org.HasFlag(zhuxiang.FlagDishonest) {
				return zhuxiang.Errorf(zhuxiang.EConflict, "org", "该组织在活动异常名录或严重违法失信名单中，不能结对")
			}
			p := &zhuxiang.Pairing{OrgID: m.OrgID, CountyCode: m.CountyCode, VillageCode: m.VillageCode, Action: n.Action, NeedID: n.ID, MatchID: m.ID,
				StartDate: s.Now().In(zhuxiang.Shanghai).Format(zhuxiang.DateLayout), Source: zhuxiang.PairingFromMatch, Note: n.Title + " ↔ " + o.Title}
			if err := s.insertPairing(ctx, tx, a, p, nil); err != nil {
				return err
			}
			if err := s.recordPairing(ctx, tx, p); err != nil {
				return err
			}
			pairingID = p.ID
			if _, err := tx.ExecContext(ctx, `UPDATE needs SET status = 'matched', version = version + 1, updated_at = $1, updated_by = $2 WHERE id = $3`, now, a.Name, n.ID); err != nil {
				return err
			}
			if err := tx.audit("match", "need", n.ID, diff([]kv{{"状态", n.Status.Label()}}, []kv{{"状态", zhuxiang.NeedMatched.Label()}})); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE matches SET status = $1, reason = $2, pairing_id = $3, version = version + 1, updated_at = $4, updated_by = $5 WHERE id = $6`,
			string(t.To), reason, pairingID, now, a.Name, id); err != nil {
			return err
		}
		changes := []kv{{"状态", t.To.Label()}}
		if reason != "" {
			changes = append(changes, kv{"理由", reason})
		}
		if err := tx.audit(name, "match", id, diff([]kv{{"状态", m.Status.Label()}, {"理由", ""}}, changes)); err != nil {
			return err
		}
		if name == "confirm" {
			// The need is paired: other interests on it can lead nowhere.
			if err := s.closeLiveMatches(ctx, tx, a, "need_id", m.NeedID, "需求已与其他资源结对"); err != nil {
				return err
			}
		}
		text := "对接“" + m.NeedTitle + " ↔ " + m.OfferTitle + "”" + t.To.Label()
		if reason != "" {
			text += "：" + reason
		}
		link := "/needs/" + m.NeedID
		if err := s.notifyOrg(ctx, tx, m.OrgID, text, link); err != nil {
			return err
		}
		return s.notifyPlace(ctx, tx, &zhuxiang.Need{CountyCode: m.CountyCode, VillageCode: m.VillageCode}, text, link)
	})
}

// lockLiveMatches locks, on PostgreSQL, the matches still waiting on a need
// or an offer (col is need_id or offer_id), in id order, for a transaction
// that will end them, before it writes anything. A write takes the audit
// head with its first entry and keeps it until it commits, while an answer
// to one of those matches holds the match and then waits for the head: a
// transaction that locked the matches after its first entry deadlocked
// with such an answer (closing an offer while the county answered its
// interests).
func (s *Store) lockLiveMatches(ctx context.Context, tx querier, col, id string) error {
	if s.dialect != Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT id FROM matches WHERE `+col+` = $1 AND status IN ('pending', 'accepted') ORDER BY id FOR UPDATE`, id)
	return err
}

// closeLiveMatches ends the matches still waiting on a need or an offer that
// was just closed, so nobody answers an interest that can no longer lead
// anywhere.
func (s *Store) closeLiveMatches(ctx context.Context, tx *writeTx, a zhuxiang.Actor, col, id, why string) error {
	ls, err := waitingMatches(ctx, tx, s.forUpdateOf("m"), `m.`+col+` = $1 AND m.status IN ('pending', 'accepted')`, id)
	if err != nil {
		return err
	}
	for _, l := range ls {
		if _, err := tx.ExecContext(ctx, `UPDATE matches SET status = 'withdrawn', reason = $1, version = version + 1, updated_at = $2, updated_by = $3 WHERE id = $4`,
			why, ts(s.Now()), a.Name, l.id); err != nil {
			return err
		}
		if err := tx.audit("withdraw", "match", l.id, []Change{{Field: "状态", After: zhuxiang.MatchWithdrawn.Label() + "（" + why + "）"}}); err != nil {
			return err
		}
		if err := s.notifyOrg(ctx, tx, l.org, "对接“"+l.title+"”已撤回："+why, ""); err != nil {
			return err
		}
	}
	return nil
}

// waitingMatch is a match about to be ended by the system, with what the
// notifications name.
type waitingMatch struct{ id, org, county, village, title string }

// waitingMatches reads the matches matching cond (on matches m) inside tx
// and, with lock (FOR UPDATE OF m on PostgreSQL), locks them in id order
// before the caller writes anything.
//
// A match that another transaction is answering is then waited for and its
// status tested again once that one commits (PostgreSQL re-checks a locked
// row's condition against its newest version), so it drops out instead of
// being overwritten: LapseMatches used to turn an acceptance made a moment
// after its read into a lapse, and, holding the audit head after its first
// entry, deadlocked with answers that held a match and waited for the head.
// Every statement that locks several matches does so in id order, so two of
// them cannot wait for each other.
func waitingMatches(ctx context.Context, tx querier, lock, cond string, args ...any) ([]waitingMatch, error) {
	rows, err := tx.QueryContext(ctx, `SELECT m.id, m.org_id, m.county_code, m.village_code, COALESCE(n.title, '') FROM matches m LEFT JOIN needs n ON n.id = m.need_id
		WHERE `+cond+` ORDER BY m.id`+lock, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []waitingMatch
	for rows.Next() {
		var w waitingMatch
		if err := rows.Scan(&w.id, &w.org, &w.county, &w.village, &w.title); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// LapseMatches ends the interests that waited more than
// zhuxiang.MatchLapseDays without an answer, and tells both sides. The
// server calls it periodically; it returns how many lapsed.
func (s *Store) LapseMatches(ctx context.Context) (int, error) {
	cutoff := ts(s.Now().Add(-zhuxiang.MatchLapseDays * 24 * time.Hour))
	var n int
	err := s.write(ctx, zhuxiang.SystemActor, func(tx *writeTx) error {
		ls, err := waitingMatches(ctx, tx, s.forUpdateOf("m"), `m.status = 'pending' AND m.created_at < $1`, cutoff)
		if err != nil {
			return err
		}
		for _, l := range ls {
			if _, err := tx.ExecContext(ctx, `UPDATE matches SET status = 'lapsed', version = version + 1, updated_at = $1, updated_by = $2 WHERE id = $3`,
				ts(s.Now()), zhuxiang.SystemActor.Name, l.id); err != nil {
				return err
			}
			if err := tx.audit("lapse", "match", l.id, []Change{{Field: "状态", After: zhuxiang.MatchLapsed.Label()}}); err != nil {
				return err
			}
			text := "对接意向“" + l.title + "”" + strconv.Itoa(zhuxiang.MatchLapseDays) + "天未获回应，已过期"
			if err := s.notifyOrg(ctx, tx, l.org, text, ""); err != nil {
				return err
			}
			if err := s.notifyPlace(ctx, tx, &zhuxiang.Need{CountyCode: l.county, VillageCode: l.village}, text, ""); err != nil {
				return err
			}
		}
		n = len(ls)
		return nil
	})
	return n, err
}
