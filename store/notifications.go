package store

import (
	"context"
	"database/sql"
	"strconv"

	"zhuxiang"
	"zhuxiang/secure"
)

// notifyWhere writes one notification to every enabled user matching the
// SQL condition on users, in the transaction of the step it reports.
func (s *Store) notifyWhere(ctx context.Context, tx *writeTx, text, link, cond string, args ...any) error {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM users WHERE disabled = 0 AND `+cond, args...)
	if err != nil {
		return err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	now := ts(s.Now())
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `INSERT INTO notifications (id, user_id, at, text, link) VALUES ($1, $2, $3, $4, $5)`,
			secure.NewID(), id, now, text, link); err != nil {
			return err
		}
	}
	return nil
}

// notifyCounty tells the county's users.
func (s *Store) notifyCounty(ctx context.Context, tx *writeTx, county, text, link string) error {
	return s.notifyWhere(ctx, tx, text, link, `role = 'county' AND county_code = $1`, county)
}

// notifyPlace tells the users of the need's village and of its county.
func (s *Store) notifyPlace(ctx context.Context, tx *writeTx, n *zhuxiang.Need, text, link string) error {
	return s.notifyWhere(ctx, tx, text, link, `((role = 'county' AND county_code = $1) OR (role = 'village' AND region_code = $2 AND $2 <> ''))`, n.CountyCode, n.VillageCode)
}

// notifyOrg tells the organization's users.
func (s *Store) notifyOrg(ctx context.Context, tx *writeTx, org, text, link string) error {
	return s.notifyWhere(ctx, tx, text, link, `role = 'org' AND org_id = $1`, org)
}

// Notifications returns the actor's latest notifications, newest first.
func (s *Store) Notifications(ctx context.Context, a zhuxiang.Actor, limit int) ([]zhuxiang.Notification, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	rows, err := s.query(ctx, `SELECT id, at, text, link, read_at FROM notifications WHERE user_id = $1 ORDER BY at DESC, id LIMIT `+strconv.Itoa(limit), a.UserID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []zhuxiang.Notification
	for rows.Next() {
		var n zhuxiang.Notification
		var at, read string
		if err := rows.Scan(&n.ID, &at, &n.Text, &n.Link, &read); err != nil {
			return nil, err
		}
		n.UserID, n.At, n.Read = a.UserID, parseTS(at), read != ""
		out = append(out, n)
	}
	return out, rows.Err()
}

// MarkNotificationsRead marks one notification (or all, when id is empty)
// of the actor as read.
func (s *Store) MarkNotificationsRead(ctx context.Context, a zhuxiang.Actor, id string) error {
	if err := signedIn(a); err != nil {
		return err
	}
	// A read mark is the user's own bookkeeping, not a record: unaudited.
	return s.housekeep(ctx, func(tx *sql.Tx) error {
		q := `UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at = ''`
		args := []any{ts(s.Now()), a.UserID}
		if id != "" {
			q += ` AND id = $3`
			args = append(args, id)
		}
		_, err := tx.ExecContext(ctx, q, args...)
		return err
	})
}
