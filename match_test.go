package zhuxiang

import (
	"testing"
	"time"
)

// TestMatchDaysLeft counts the days a pending interest has left before
// LapseMatches ends it: a part of a day counts as a day, and only a
// pending interest lapses.
func TestMatchDaysLeft(t *testing.T) {
	at := time.Date(2026, 5, 1, 10, 0, 0, 0, Shanghai)
	day := 24 * time.Hour
	for _, c := range []struct {
		status MatchStatus
		after  time.Duration
		days   int
		ok     bool
	}{
		{MatchPending, 0, MatchLapseDays, true},
		{MatchPending, time.Minute, MatchLapseDays, true},
		{MatchPending, day, MatchLapseDays - 1, true},
		{MatchPending, 27*day + time.Hour, 3, true},
		{MatchPending, 30*day - time.Minute, 1, true},
		{MatchPending, 30 * day, 0, true},
		{MatchPending, 31 * day, 0, true},
		{MatchAccepted, day, 0, false},
		{MatchConfirmed, day, 0, false},
	} {
		m := &Match{Status: c.status, CreatedAt: at}
		days, ok := m.DaysLeft(at.Add(c.after))
		if days != c.days || ok != c.ok {
			t.Errorf("%s after %v: %d, %v; want %d, %v", c.status, c.after, days, ok, c.days, c.ok)
		}
	}
}
