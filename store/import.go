package store

import (
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"time"

	"zhuxiang"
)

// The import runner. Every import (organizations, regions, pairings, and
// the records later issues add) is a check and a write per row type; the
// runner owns everything else, so that every import means the same thing:
//
//   - every row is checked, against the database and the rows accepted
//     before it, so one pass reports every bad row, sorted as the file reads;
//   - all or nothing by default: one bad row and nothing is stored; a dry
//     run stores nothing; partial stores the good rows;
//   - the counters say what was stored (or, in a dry run, would be): created,
//     updated, unchanged; Valid says how many rows passed the checks, so a
//     refused file still tells how much of it was right;
//   - one audit policy: each updated record gets an entry with what changed;
//     created records are listed by the batch of importBatch, each with its
//     row; and the import's own entry gives the counts.
//
// The whole import is one write (Store.write), so it commits or fails as
// one.

// rowAction is what storing a checked row will do.
type rowAction int

const (
	rowCreate    rowAction = iota // a new record
	rowUpdate                     // an existing record changes
	rowUnchanged                  // the record is already stored as the row says
)

// checked is what a row's check found.
type checked struct {
	action  rowAction
	id      string   // the record an update changes, for its audit entry
	changes []Change // what an update changes, as the audit log shows it
	warning *zhuxiang.Error
}

// importKind is one type of import, over parsed rows of type T: how to
// check a row and how to write it.
type importKind[T any] struct {
	entity string       // the audit log's entity of the records
	row    func(*T) int // the row's number as the user sees it
	// load reads what checking needs, once, inside the import's transaction.
	load func(ctx context.Context, tx *writeTx) error
	// window, if set, runs before each importBatch rows are checked, with
	// those rows: a kind that compares rows with stored records reads
	// them here, a few hundred per statement instead of one query a row,
	// and holds no more than one window's records at a time.
	window func(ctx context.Context, tx *writeTx, items []T) error
	// check validates one row against what is stored and the rows accepted
	// before it, and says what storing it will do. It runs for every row,
	// in file order, in dry runs too.
	check func(ctx context.Context, tx *writeTx, it *T) (checked, error)
	// update writes one changed record.
	update func(ctx context.Context, tx *writeTx, it *T) error
	// create writes the new records, in file order. entry(i) is the number
	// of the audit entry that will list fresh[i], for records that point at
	// their creation (an organization's history shows it as its own line).
	// saved(n) says that the first n are written, for the progress bar.
	create func(ctx context.Context, tx *writeTx, fresh []*T, entry func(i int) int64, saved func(n int)) error
	// created names a created record in its batch's audit entry.
	created func(it *T) ImportedRecord
}

// importBatch is how many created records one audit entry lists (one entry
// per record was a third of the time of a 100 000-row import), and how many
// rows a window reads stored records for.
const importBatch = 500

// ImportedBatch is the summary of an "import_create" audit entry: the
// records one batch of an import created, in row order.
type ImportedBatch struct {
	Count   int              `json:"新增"`
	Records []ImportedRecord `json:"记录"`
}

// ImportedRecord is one created record in an ImportedBatch.
type ImportedRecord struct {
	ID   string `json:"id"`
	Name string `json:"名称"`
	Code string `json:"代码,omitempty"` // the natural key: credit code, region code
	Row  int    `json:"导入行号"`
}

// runImport checks items and stores them as mode says; rejected holds the
// rows the parser already refused and rows counts the file's data rows.
func runImport[T any](ctx context.Context, s *Store, a zhuxiang.Actor, k importKind[T], items []T, rejected []zhuxiang.RowError, rows int, mode zhuxiang.ImportMode) (*zhuxiang.ImportResult, error) {
	res := &zhuxiang.ImportResult{Rows: rows, DryRun: mode == zhuxiang.ImportDryRun, Rejected: append([]zhuxiang.RowError{}, rejected...)}
	progress := zhuxiang.ProgressOf(ctx)
	err := s.write(ctx, a, func(tx *writeTx) error {
		progress.Tick(zhuxiang.StepCheck, 0, len(items))
		if err := k.load(ctx, tx); err != nil {
			return err
		}
		var fresh, changed []*T
		var updates []checked
		unchanged := 0
		for i := range items {
			if k.window != nil && i%importBatch == 0 {
				if err := k.window(ctx, tx, items[i:min(i+importBatch, len(items))]); err != nil {
					return err
				}
			}
			it := &items[i]
			c, err := k.check(ctx, tx, it)
			if err != nil {
				if zhuxiang.ErrorCodeOf(err) == zhuxiang.EInternal {
					return err // the database failed, not the row
				}
				res.Reject(k.row(it), err)
				continue
			}
			if c.warning != nil {
				res.Warnings = append(res.Warnings, zhuxiang.RowError{Row: k.row(it), Field: c.warning.Field, Message: c.warning.Message})
			}
			switch c.action {
			case rowCreate:
				fresh = append(fresh, it)
			case rowUpdate:
				changed, updates = append(changed, it), append(updates, c)
			default:
				unchanged++
			}
			progress.Tick(zhuxiang.StepCheck, i+1, len(items))
		}
		sort.SliceStable(res.Rejected, func(i, j int) bool { return res.Rejected[i].Row < res.Rejected[j].Row })
		res.Valid = len(fresh) + len(changed) + unchanged
		store := mode == zhuxiang.ImportPartial || (mode == zhuxiang.ImportAll && len(res.Rejected) == 0)
		if !store && mode != zhuxiang.ImportDryRun {
			return nil // refused as a whole: nothing stored, nothing counted
		}
		res.Created, res.Updated, res.Unchanged, res.Accepted = len(fresh), len(changed), unchanged, res.Valid
		if !store || res.Valid == 0 {
			return nil
		}
		toSave := len(changed) + len(fresh)
		progress.Tick(zhuxiang.StepSave, 0, toSave)
		for i, it := range changed {
			if err := k.update(ctx, tx, it); err != nil {
				return err
			}
			progress.Tick(zhuxiang.StepSave, i+1, toSave)
			if err := tx.audit("update", k.entity, updates[i].id, updates[i].changes); err != nil {
				return err
			}
		}
		if len(fresh) > 0 {
			first, err := tx.nextAuditSeq()
			if err != nil {
				return err
			}
			saved := func(n int) { progress.Tick(zhuxiang.StepSave, len(changed)+n, toSave) }
			if err := k.create(ctx, tx, fresh, func(i int) int64 { return first + int64(i/importBatch) }, saved); err != nil {
				return err
			}
			for i := 0; i < len(fresh); i += importBatch {
				b := &ImportedBatch{}
				for _, it := range fresh[i:min(i+importBatch, len(fresh))] {
					b.Count++
					b.Records = append(b.Records, k.created(it))
				}
				if err := tx.audit("import_create", k.entity, "", b); err != nil {
					return err
				}
			}
		}
		res.Stored = true
		return tx.audit("import", k.entity, "", map[string]int{"行数": res.Rows, "新增": res.Created, "更新": res.Updated, "未变": res.Unchanged, "有误": len(res.Rejected)})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// PastImport is an import that stored something, as its audit entry tells.
type PastImport struct {
	At        time.Time
	Entity    string // org, region or pairing
	Rows      int
	Created   int
	Updated   int
	Unchanged int
	Rejected  int // rows left out by a partial import
}

// PastImports lists the actor's own imports that stored something, newest
// first, from the audit log: the import page shows them so that a person
// who left a long import finds what it did. Only imports by the actor's own
// account are read, whoever it is; nobody reads another's here.
func (s *Store) PastImports(ctx context.Context, a zhuxiang.Actor, limit int) ([]PastImport, error) {
	if a.UserID == "" {
		return nil, nil
	}
	rows, err := s.query(ctx, `SELECT at, entity, summary FROM audit_log WHERE actor_id = $1 AND op = 'import' ORDER BY seq DESC LIMIT `+strconv.Itoa(max(1, min(limit, 100))), a.UserID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PastImport
	for rows.Next() {
		var at, entity, summary string
		if err := rows.Scan(&at, &entity, &summary); err != nil {
			return nil, err
		}
		var c map[string]int
		_ = json.Unmarshal([]byte(summary), &c) // an entry of another shape shows no counts
		out = append(out, PastImport{At: parseTS(at), Entity: entity, Rows: c["行数"], Created: c["新增"], Updated: c["更新"], Unchanged: c["无变化"], Rejected: c["有误"]})
	}
	return out, rows.Err()
}
