package zhuxiang

// RowError is one rejected row of an import, numbered as the user sees it in
// the sheet (the header is row 1).
type RowError struct {
	Row     int    `json:"row"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ImportResult summarises an import. Imports are all-or-nothing: when
// Rejected is not empty nothing was stored.
type ImportResult struct {
	Rows     int        `json:"rows"`
	Accepted int        `json:"accepted"`
	Created  int        `json:"created"`
	Updated  int        `json:"updated"`
	Rejected []RowError `json:"rejected"`
	Warnings []RowError `json:"warnings,omitempty"`
	DryRun   bool       `json:"dry_run,omitempty"`
	Stored   bool       `json:"stored"`
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
