package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"zhuxiang"
)

// The write path. Every change to the platform's records goes through
// Store.write, which owns the transaction, appends the audit entries the
// change recorded to the hash chain, bumps the data generations those
// entries' entities imply, and refuses to commit a change that recorded no
// audit entry. A new record type gets its audit trail and its cache
// invalidation by naming its entity in entityGens and calling w.audit; it
// cannot forget either, because the helper checks both.
//
// The only writes outside it are bookkeeping that is not a record anyone
// audits: session rows (store/users.go), read marks on notifications, and a
// login attempt's reservation (Store.housekeep; the attempt's outcome is
// audited right after, by the write path); the migrations; and SQLite file
// maintenance. TestWritesGoThroughWritePath keeps it so.

// gens is a set of data generations. Each is a counter row that caches
// compare against, bumped by the transaction that changes the data, so a
// cache never outlives a write made by any process.
type gens uint8

const (
	// genMatch covers the match input: needs, offers, pairings, regions
	// and the scoring weights (store/matchinput.go).
	genMatch gens = 1 << iota
	// genOrgs covers organizations and the department names shown with
	// them: web's response cache and the search index (store/orgindex.go).
	genOrgs
	// genInterests covers interests (matches) and their answers, which the
	// work bench counts (store/todo.go) and web's response cache keeps.
	genInterests
)

// genCounters names each generation's row in counters.
var genCounters = []struct {
	g    gens
	name string
}{{genMatch, "match_gen"}, {genOrgs, "orgs_gen"}, {genInterests, "interests_gen"}}

// entityGens says, for every entity the audit log names, which generations a
// write to it changes. An audit entry for an entity missing here is an error:
// a new record type must decide which caches its writes touch.
var entityGens = map[string]gens{
	"org":        genOrgs,
	"department": genOrgs,
	"need":       genMatch,
	"offer":      genMatch,
	"pairing":    genMatch,
	"region":     genMatch,
	"settings":   genMatch,
	// An interest changes no match input (eligibility is re-checked in its
	// own transaction), but the work bench counts interests.
	"match": genInterests,
	// A project is no match input either (completing one writes its needs,
	// which are audited as needs); what counts and shows projects is keyed
	// on interests_gen, as the work bench's interests are.
	"project": genInterests,
	// A progress report is counted on the work bench (a report to confirm)
	// and shown on its project's page, as projects are.
	"report": genInterests,
	// A brand is shown with its projects' figures, on the same pages and
	// behind the same caches (the public site's included).
	"brand": genInterests,
	// Cases and calls show on the public site and the work bench, whose
	// caches are keyed on interests_gen as the projects' are.
	"case":      genInterests,
	"case_call": genInterests,
	"plan":      0,
	"user":      0,
	// Sealing or re-sealing personal data rewrites organizations' and
	// needs' rows: every cache of them starts again.
	"field_key": genOrgs | genMatch,
}

// errUnaudited is returned by a write that changed rows but recorded no
// audit entry: a programming error, caught by tests, never committed.
var errUnaudited = errors.New("store: a write changed data but recorded no audit entry; refused")

// writeTx is one write's transaction: the SQL it runs, the audit entries
// it records and the generations it changes. Its query methods make it a
// querier, so the store's helpers run inside it unchanged.
type writeTx struct {
	tx      *sql.Tx
	s       *Store
	ctx     context.Context
	actor   zhuxiang.Actor
	pending []pendingAudit
	head    *auditHead // read, and on PostgreSQL locked, when first needed
	bumped  gens       // generations already bumped inside the transaction
	orgsGen int64      // the orgs_gen this write stamps on rows, once bumped
	wrote   bool       // a statement other than a SELECT ran
}

// write runs fn in a write transaction acting as a, then records fn's audit
// entries, bumps the generations they imply and commits. A fn that wrote
// nothing and recorded nothing (a dry run, nothing to lapse) rolls back and
// returns nil; one that wrote without recording an entry is refused.
func (s *Store) write(ctx context.Context, a zhuxiang.Actor, fn func(w *writeTx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	w := &writeTx{tx: tx, s: s, ctx: ctx, actor: a}
	if err := fn(w); err != nil {
		tx.Rollback()
		return dataError(err)
	}
	if len(w.pending) == 0 {
		tx.Rollback()
		if w.wrote {
			return errUnaudited
		}
		return nil
	}
	if err := w.finish(); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	// Any committed write may have changed reference data; dropping the
	// cache after the commit (not before) means no reader can cache the old
	// state past it.
	s.ref.clear()
	return nil
}

// finish bumps every generation the recorded entities imply that fn did
// not bump itself, and appends the entries to the chain. The chain's head
// is locked last unless fn needed entry numbers earlier, so concurrent
// writers on PostgreSQL queue on it only for the append itself.
func (w *writeTx) finish() error {
	var need gens
	for _, p := range w.pending {
		need |= entityGens[p.entity]
	}
	for _, c := range genCounters {
		if need&c.g != 0 && w.bumped&c.g == 0 {
			if _, err := w.bump(c.g, c.name); err != nil {
				return err
			}
		}
	}
	if err := w.loadHead(); err != nil {
		return err
	}
	return w.s.auditBatch(w.ctx, w.tx, w.actor, *w.head, w.pending)
}

// bump increments one generation's counter and returns its new value.
func (w *writeTx) bump(g gens, name string) (int64, error) {
	var v int64
	if err := w.tx.QueryRowContext(w.ctx, `UPDATE counters SET value = value + 1 WHERE name = $1 RETURNING value`, name).Scan(&v); err != nil {
		return 0, fmt.Errorf("bump %s: %w", name, err)
	}
	w.bumped |= g
	return v, nil
}

// audit records one entry, appended to the chain when the write commits.
// summary is marshalled to JSON then (unless it is a string), so a summary
// filled in after the call, such as an import's batch, is recorded whole.
func (w *writeTx) audit(op, entity, id string, summary any) error {
	if _, ok := entityGens[entity]; !ok {
		return fmt.Errorf("store: audit entity %q is not in entityGens", entity)
	}
	// The log is read by people: an operation without Chinese words would
	// show as code on the audit page.
	if _, ok := zhuxiang.AuditOpLabel(op, ""); !ok {
		return fmt.Errorf("store: audit operation %q has no label in zhuxiang.AuditOps", op)
	}
	w.pending = append(w.pending, pendingAudit{op: op, entity: entity, id: id, summary: summary})
	return nil
}

// nextAuditSeq is the number the next entry recorded will get. It reads, and
// on PostgreSQL locks, the chain's head: rows that point at their entry (an
// import's created organizations) know its number before it is written.
func (w *writeTx) nextAuditSeq() (int64, error) {
	if err := w.loadHead(); err != nil {
		return 0, err
	}
	return w.head.seq + int64(len(w.pending)) + 1, nil
}

// loadHead reads the chain's head once per write, locking it on PostgreSQL.
func (w *writeTx) loadHead() error {
	if w.head != nil {
		return nil
	}
	h, err := w.s.auditHead(w.ctx, w.tx)
	if err != nil {
		return err
	}
	w.head = &h
	return nil
}

// orgsRev bumps orgs_gen, once per write, and returns the new value, which
// the organizations written in this transaction carry as their rev so every
// process's search index catches up with them (store/orgindex.go).
func (w *writeTx) orgsRev() (int64, error) {
	if w.bumped&genOrgs != 0 {
		return w.orgsGen, nil
	}
	v, err := w.bump(genOrgs, "orgs_gen")
	w.orgsGen = v
	return v, err
}

// ExecContext runs a statement in the write's transaction.
func (w *writeTx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	w.wrote = true
	return w.tx.ExecContext(ctx, q, args...)
}

// QueryContext runs a query in the write's transaction; an INSERT, UPDATE or
// DELETE with RETURNING counts as a write.
func (w *writeTx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	w.noteWrite(q)
	return w.tx.QueryContext(ctx, q, args...)
}

// QueryRowContext is QueryContext for one row.
func (w *writeTx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	w.noteWrite(q)
	return w.tx.QueryRowContext(ctx, q, args...)
}

// PrepareContext prepares a statement in the write's transaction; preparing
// anything but a SELECT counts as a write.
func (w *writeTx) PrepareContext(ctx context.Context, q string) (*sql.Stmt, error) {
	w.noteWrite(q)
	return w.tx.PrepareContext(ctx, q)
}

func (w *writeTx) noteWrite(q string) {
	q = strings.TrimLeft(q, " \t\r\n(")
	if len(q) < 6 || !strings.EqualFold(q[:6], "SELECT") {
		w.wrote = true
	}
}

// dataError turns PostgreSQL's refusal of a value (SQLSTATE class 22: a NUL
// in text, invalid UTF-8, a number out of range) into the invalid-input
// error users see, in case a validator missed a field: the domain's rules
// (text.go) are meant to refuse such input first, and SQLite stores it, so
// without this the same input would be a 4xx on one engine and a 500 on the
// other.
func dataError(err error) error {
	var pg *pgconn.PgError
	if errors.As(err, &pg) && strings.HasPrefix(pg.Code, "22") {
		return zhuxiang.Errorf(zhuxiang.EInvalid, "", "提交的内容含有无法保存的值（如不可见的控制字符或超出范围的数字），请检查后重试")
	}
	return err
}

// housekeep runs fn in a transaction that records no audit entry, for
// bookkeeping that is not a record of the platform: read marks on the
// user's notifications, and the counter that reserves a login attempt before
// its password is hashed (Login audits the attempt's outcome as soon as it
// is known). Nothing a person could dispute goes here.
func (s *Store) housekeep(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}
