package zhuxiang

import "time"

// AuditEntry is one line of the append-only audit log. Hash chains it to the
// entry before, so an edit or a deletion anywhere breaks verification.
type AuditEntry struct {
	Seq       int64
	At        time.Time
	ActorID   string
	ActorName string
	Op        string // create, update, delete, login, login_failed, logout, import, …
	Entity    string // org, region, user, department, session, …
	EntityID  string
	Summary   string // JSON: before/after of the changed fields, or a note
	PrevHash  string
	Hash      string
}

// AuditFilter selects audit entries for browsing.
type AuditFilter struct {
	ActorID   string
	Entity    string
	EntityID  string
	Op        string
	From, To  time.Time
	BeforeSeq int64 // keyset pagination: entries with a smaller sequence
	Limit     int
}
