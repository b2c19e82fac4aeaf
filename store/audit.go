package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"zhuxiang"
	"zhuxiang/secure"
)

// pendingAudit is an entry recorded by a write, appended to the chain when
// the write commits.
type pendingAudit struct {
	op, entity, id string
	summary        any
}

// auditHead is the chain's last entry: its number and hash.
type auditHead struct {
	seq  int64
	hash string
}

// auditHead reads the chain's head inside a write transaction, locking it
// on PostgreSQL (SQLite's single writer already orders writers).
func (s *Store) auditHead(ctx context.Context, tx *sql.Tx) (auditHead, error) {
	var h auditHead
	if err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`+s.forUpdate()).Scan(&h.seq, &h.hash); err != nil {
		return h, fmt.Errorf("audit head: %w", err)
	}
	return h, nil
}

// auditBatch appends entries after head, read earlier in the same
// transaction, with one write of the chain head: one entry for most
// writes, hundreds for an import. Only the write path calls it.
func (s *Store) auditBatch(ctx context.Context, tx *sql.Tx, a zhuxiang.Actor, head auditHead, entries []pendingAudit) error {
	seq, prev := head.seq, head.hash
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO audit_log (seq, at, actor_id, actor_name, op, entity, entity_id, summary, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	at := secure.TruncateAuditTime(s.Now())
	name := a.Name
	if a.System && name == "" {
		name = zhuxiang.SystemActor.Name
	}
	for _, p := range entries {
		text, err := auditText(p.summary)
		if err != nil {
			return err
		}
		seq++
		e := zhuxiang.AuditEntry{Seq: seq, At: at, ActorID: a.UserID, ActorName: name, Op: p.op, Entity: p.entity, EntityID: p.id, Summary: text, PrevHash: prev}
		e.Hash = secure.AuditHash(&e)
		if _, err := stmt.ExecContext(ctx, e.Seq, ts(e.At), e.ActorID, e.ActorName, e.Op, e.Entity, e.EntityID, e.Summary, e.PrevHash, e.Hash); err != nil {
			return err
		}
		prev = e.Hash
	}
	_, err = tx.ExecContext(ctx, `UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1`, seq, prev)
	return err
}

// auditText is an entry's summary as stored: JSON, unless it is already a
// string; nothing for nil.
func auditText(summary any) (string, error) {
	switch v := summary.(type) {
	case string:
		return v, nil
	case nil:
		return "", nil
	}
	b, err := json.Marshal(summary)
	return string(b), err
}

// auditAlone records an event that changes nothing else (a login, a failed
// login) in a transaction of its own.
func (s *Store) auditAlone(ctx context.Context, a zhuxiang.Actor, op, entity, id string, summary any) error {
	return s.write(ctx, a, func(w *writeTx) error { return w.audit(op, entity, id, summary) })
}

// Change is one field's before and after in an audit summary.
type Change struct {
	Field  string `json:"field"`
	Before any    `json:"before,omitempty"`
	After  any    `json:"after,omitempty"`
}

// diff lists the fields whose values differ; both maps use the Chinese field
// names people read in the audit log.
func diff(before, after []kv) []Change {
	var out []Change
	for i := range after {
		var b any
		if i < len(before) {
			b = before[i].v
		}
		if fmt.Sprint(b) != fmt.Sprint(after[i].v) {
			out = append(out, Change{Field: after[i].k, Before: b, After: after[i].v})
		}
	}
	return out
}

type kv struct {
	k string
	v any
}

// AuditVerifyResult is the outcome of re-computing the chain.
type AuditVerifyResult struct {
	Entries int64
	// BrokenAt is the first entry that does not verify, or that no
	// agreeing checkpoint vouches for; 0 when all do.
	BrokenAt int64
	// Reason says in Chinese what is wrong; empty when nothing is.
	Reason string
	// Checkpoints counts the signed checkpoints the chain agreed with.
	Checkpoints int
}

// OK tells whether the chain and every checkpoint verified.
func (r AuditVerifyResult) OK() bool { return r.Reason == "" }

// VerifyAudit re-computes every hash from the first entry on and reports the
// first entry whose hash, link or sequence is wrong, and whether the head
// agrees with the last entry (a deleted tail shows there). It catches edits
// made without recomputing the chain; VerifyAuditCheckpoints also catches
// the rest.
func (s *Store) VerifyAudit(ctx context.Context) (AuditVerifyResult, error) {
	return s.verifyChain(ctx, nil)
}

// ListAudit returns audit entries, newest first; only the prefecture admin
// may browse the log.
func (s *Store) ListAudit(ctx context.Context, a zhuxiang.Actor, f zhuxiang.AuditFilter) ([]zhuxiang.AuditEntry, error) {
	if err := zhuxiang.CanSeeAuditLog(a); err != nil {
		return nil, err
	}
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.ActorID != "" {
		add("actor_id = $%d", f.ActorID)
	}
	if f.Entity != "" {
		add("entity = $%d", f.Entity)
	}
	if f.EntityID != "" {
		add("entity_id = $%d", f.EntityID)
	}
	if f.Op != "" {
		add("op = $%d", f.Op)
	}
	if !f.From.IsZero() {
		add("at >= $%d", ts(f.From))
	}
	if !f.To.IsZero() {
		add("at < $%d", ts(f.To))
	}
	if f.BeforeSeq > 0 {
		add("seq < $%d", f.BeforeSeq)
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	q := `SELECT ` + auditCols + ` FROM audit_log`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += fmt.Sprintf(" ORDER BY seq DESC LIMIT %d", limit)
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []zhuxiang.AuditEntry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// OrgHistory returns the audit entries of one organization, newest first,
// to anyone who may see the organization: the people who keep a record
// should see who changed it. Phone numbers in them are already masked.
func (s *Store) OrgHistory(ctx context.Context, a zhuxiang.Actor, id string, limit int) ([]zhuxiang.AuditEntry, error) {
	if _, err := s.Org(ctx, a, id); err != nil {
		return nil, err
	}
	out, err := s.ListAudit(ctx, zhuxiang.SystemActor, zhuxiang.AuditFilter{Entity: "org", EntityID: id, Limit: limit})
	if err != nil || len(out) >= limit {
		return out, err
	}
	// Created by an import: its creation is one line of a batch's entry,
	// shown here as this organization's own.
	var created int64
	if err := s.queryRow(ctx, `SELECT created_audit FROM orgs WHERE id = $1`, id).Scan(&created); err != nil || created == 0 {
		return out, err
	}
	e, err := s.auditEntry(ctx, created)
	if err != nil {
		return nil, err
	}
	// Entries written before the import runner listed organizations under
	// other keys; a signed chain is never rewritten, so both shapes are read.
	var batch struct {
		ImportedBatch
		Orgs []struct {
			ID   string `json:"id"`
			Name string `json:"名称"`
			Code string `json:"统一社会信用代码"`
			Row  int    `json:"导入行号"`
		} `json:"组织"`
	}
	if err := json.Unmarshal([]byte(e.Summary), &batch); err != nil {
		return nil, fmt.Errorf("audit entry %d: %w", created, err)
	}
	for _, o := range batch.Orgs {
		batch.Records = append(batch.Records, ImportedRecord(o))
	}
	for _, o := range batch.Records {
		if o.ID == id {
			b, _ := json.Marshal([]Change{{Field: "名称", After: o.Name}, {Field: "统一社会信用代码", After: o.Code}, {Field: "导入行号", After: o.Row}})
			e.EntityID, e.Summary = id, string(b)
			return append(out, e), nil
		}
	}
	return nil, fmt.Errorf("audit entry %d does not list organization %s", created, id)
}

// auditEntry reads one entry by number.
func (s *Store) auditEntry(ctx context.Context, seq int64) (zhuxiang.AuditEntry, error) {
	return scanAudit(s.queryRow(ctx, `SELECT `+auditCols+` FROM audit_log WHERE seq = $1`, seq))
}

// auditCols are the columns scanAudit reads, in its order.
const auditCols = `seq, at, actor_id, actor_name, op, entity, entity_id, summary, prev_hash, hash`

func scanAudit(row interface{ Scan(...any) error }) (zhuxiang.AuditEntry, error) {
	var e zhuxiang.AuditEntry
	var at string
	err := row.Scan(&e.Seq, &at, &e.ActorID, &e.ActorName, &e.Op, &e.Entity, &e.EntityID, &e.Summary, &e.PrevHash, &e.Hash)
	e.At = parseTS(at)
	return e, err
}

// AuditObject is what the audit page calls an object an entry names: its
// name today (a record renamed since shows its new name) and, for an
// interest, the need whose page shows it.
type AuditObject struct {
	Name   string
	NeedID string
}

// auditObjectQueries names the objects of each kind, given their ids as
// parameters ($1, $2, … in the IN list that replaces "%s"). A kind missing
// here has no name of its own (settings, keys).
var auditObjectQueries = map[string]string{
	"org":        `SELECT id, name, '' FROM orgs WHERE id IN (%s)`,
	"region":     `SELECT code, name, '' FROM regions WHERE code IN (%s)`,
	"department": `SELECT id, name, '' FROM departments WHERE id IN (%s)`,
	"user":       `SELECT id, CASE WHEN display_name = '' THEN name ELSE display_name END, '' FROM users WHERE id IN (%s)`,
	"need":       `SELECT id, title, '' FROM needs WHERE id IN (%s)`,
	"offer":      `SELECT id, title, '' FROM offers WHERE id IN (%s)`,
	"match": `SELECT m.id, n.title || ' ↔ ' || o.title, m.need_id FROM matches m
		JOIN needs n ON n.id = m.need_id JOIN offers o ON o.id = m.offer_id WHERE m.id IN (%s)`,
	"pairing": `SELECT p.id, o.name || ' ↔ ' || COALESCE(v.name, c.name, p.county_code), '' FROM pairings p
		JOIN orgs o ON o.id = p.org_id LEFT JOIN regions c ON c.code = p.county_code
		LEFT JOIN regions v ON v.code = p.village_code WHERE p.id IN (%s)`,
	"plan":    `SELECT id, created_at, '' FROM plans WHERE id IN (%s)`,
	"project": `SELECT id, name, '' FROM projects WHERE id IN (%s)`,
	"brand":   `SELECT id, name, '' FROM brands WHERE id IN (%s)`,
}

// AuditObjects names the objects one page of the audit log points at: ids
// maps a kind of object to the ids to name. The answer maps kind and id to
// the object; an id no longer found is left out. It runs one query per kind,
// whatever the number of entries, so a page of 50 entries costs a handful
// of queries.
func (s *Store) AuditObjects(ctx context.Context, a zhuxiang.Actor, ids map[string][]string) (map[string]map[string]AuditObject, error) {
	if err := zhuxiang.CanSeeAuditLog(a); err != nil {
		return nil, err
	}
	out := map[string]map[string]AuditObject{}
	for kind, list := range ids {
		q, ok := auditObjectQueries[kind]
		if !ok || len(list) == 0 {
			continue
		}
		// The list is padded to a power of two by repeating its last id, so
		// that the statement is one of a few texts the store keeps prepared.
		n := 1
		for n < len(list) {
			n *= 2
		}
		args, marks := make([]any, n), make([]string, n)
		for i := range n {
			args[i], marks[i] = list[min(i, len(list)-1)], "$"+strconv.Itoa(i+1)
		}
		rows, err := s.query(ctx, fmt.Sprintf(q, strings.Join(marks, ", ")), args...)
		if err != nil {
			return nil, err
		}
		named := map[string]AuditObject{}
		for rows.Next() {
			var id string
			var o AuditObject
			if err := rows.Scan(&id, &o.Name, &o.NeedID); err != nil {
				rows.Close()
				return nil, err
			}
			if kind == "plan" {
				o.Name = parseTS(o.Name).In(zhuxiang.Shanghai).Format("2006-01-02 15:04") + " 计算的方案"
			}
			named[id] = o
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		out[kind] = named
	}
	return out, nil
}
