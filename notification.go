package zhuxiang

import "time"

// Notification is an in-app message to one user about a step that concerns
// them.
type Notification struct {
	ID     string
	UserID string
	At     time.Time
	Text   string
	Link   string
	Read   bool
}
