package zhuxiang

import "fmt"

// RowError is one rejected row of an import, numbered as the user sees it in
// the sheet (the header is row 1).
type RowError struct {
	Row     int    `json:"row"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ImportResult summarises an import. Its counters say what was stored, or
// in a dry run what would be: an all-or-nothing import refused for a bad row
// stores and counts nothing, and Valid tells how many rows were right.
type ImportResult struct {
	Rows      int        `json:"rows"`      // data rows in the file, without the template's sample row
	Valid     int        `json:"valid"`     // rows that passed every check
	Accepted  int        `json:"accepted"`  // rows stored (or that would be): Created + Updated + Unchanged
	Created   int        `json:"created"`   // new records
	Updated   int        `json:"updated"`   // records that changed
	Unchanged int        `json:"unchanged"` // rows already stored as they read
	Rejected  []RowError `json:"rejected"`  // bad rows, in file order
	Warnings  []RowError `json:"warnings,omitempty"`
	DryRun    bool       `json:"dry_run,omitempty"`
	Stored    bool       `json:"stored"`
}

// Counts says what an import stored (or would store), in the words the
// import page uses: "新增 3，更新 1，未变 7".
func (r *ImportResult) Counts() string {
	return fmt.Sprintf("新增 %d，更新 %d，未变 %d", r.Created, r.Updated, r.Unchanged)
}

// Reject records a rejected row from err, keeping its field and message.
func (r *ImportResult) Reject(row int, err error) {
	r.Rejected = append(r.Rejected, RowError{Row: row, Field: ErrorField(err), Message: ErrorMessage(err)})
}

// ImportMode says what an import does with bad rows.
type ImportMode int

// Import modes. All-or-nothing is the default: one bad row and nothing is
// stored, so a half-imported file never has to be untangled by hand.
const (
	ImportAll     ImportMode = iota // store everything or, if any row is bad, nothing
	ImportDryRun                    // check every row, store nothing
	ImportPartial                   // store the good rows, report the bad ones
)
