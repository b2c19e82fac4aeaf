package zhuxiang

import (
	"slices"
	"testing"
	"time"
)

// TestMatchWaitsForAgreesWithCanMatch: a match waits for an actor's answer
// (MatchWaitsFor of its AnswerSide, which the work bench and the list of
// interests awaiting an answer count) exactly when the lifecycle gives the
// actor an answer to it (a transition other than the initiator's
// withdrawal), for every status and initiator.
func TestMatchWaitsForAgreesWithCanMatch(t *testing.T) {
	actors := map[string]Actor{
		"county":  {UserID: "c", Role: RoleCounty, CountyCode: "652827"},
		"admin":   {UserID: "a", Role: RoleAdmin},
		"org":     {UserID: "o", Role: RoleOrg, OrgID: "org1"},
		"village": {UserID: "v", Role: RoleVillage, RegionCode: "652827100201"},
		"dept":    {UserID: "d", Role: RoleDepartment, DepartmentID: "d1"},
	}
	statuses := []MatchStatus{MatchPending, MatchAccepted, MatchConfirmed, MatchDeclined, MatchWithdrawn, MatchLapsed}
	for name, a := range actors {
		side, ok := AnswerSide(a)
		waits := MatchWaitsFor(side)
		for _, init := range []Side{SideOrg, SideCounty} {
			for _, st := range statuses {
				m := &Match{CountyCode: "652827", VillageCode: "652827100201", OrgID: "org1", Initiator: init, Status: st}
				answers := false
				for _, tr := range MatchActions(a, m) {
					answers = answers || tr.Name != "withdraw"
				}
				counted := ok && (slices.Contains(waits, MatchWait{Status: st}) || slices.Contains(waits, MatchWait{Status: st, Initiator: init}))
				if answers != counted {
					t.Errorf("%s, %s initiated, %s: lifecycle answers=%v, MatchWaitsFor counts=%v", name, init, st, answers, counted)
				}
			}
		}
	}
}

func day(s string) time.Time {
	d, err := time.ParseInLocation("2006-01-02 15:04", s, Shanghai)
	if err != nil {
		panic(err)
	}
	return d
}

// TestRatingLapse: a grade is in force five years from its date, and the
// date the store compares with (RatingLapsedBy) says the same as
// RatingValid, leap days included.
func TestRatingLapse(t *testing.T) {
	cases := []struct {
		date, now string
		valid     bool
	}{
		{"2021-12-03", "2026-12-02 23:59", true},
		{"2021-12-03", "2026-12-03 00:00", false},
		{"2020-02-29", "2025-02-28 12:00", true},
		{"2020-02-29", "2025-03-01 12:00", false},
		{"2019-03-01", "2024-02-29 12:00", true},
		{"2019-03-01", "2024-03-01 12:00", false},
	}
	for _, c := range cases {
		now := day(c.now)
		o := &Org{Rating: 3, RatingDate: c.date}
		if got := o.RatingValid(now); got != c.valid {
			t.Errorf("rating of %s on %s: valid %v, want %v", c.date, c.now, got, c.valid)
		}
		if lapsed := c.date <= RatingLapsedBy(now); lapsed == c.valid {
			t.Errorf("rating of %s on %s: RatingLapsedBy %s disagrees", c.date, c.now, RatingLapsedBy(now))
		}
	}
	// A time late in the day in UTC is already the next day in Shanghai.
	if got := RatingLapsedBy(time.Date(2026, 12, 2, 20, 0, 0, 0, time.UTC)); got != "2021-12-03" {
		t.Errorf("RatingLapsedBy at 2026-12-02 20:00 UTC = %s, want the Shanghai day's 2021-12-03", got)
	}
}

// TestInspectionDue: last year's inspection is due by 31 May; until then
// the year before last's is the one that must be there.
func TestInspectionDue(t *testing.T) {
	cases := []struct {
		now      string
		required int
		soon     bool
	}{
		{"2026-01-15 10:00", 2024, false},
		{"2026-04-02 10:00", 2024, true},
		{"2026-05-31 23:00", 2024, true},
		{"2026-06-01 00:00", 2025, false},
		{"2026-12-03 10:00", 2025, false},
	}
	for _, c := range cases {
		now := day(c.now)
		if got := InspectionRequiredYear(now); got != c.required {
			t.Errorf("%s: required year %d, want %d", c.now, got, c.required)
		}
		if got := InspectionDueSoon(now); got != c.soon {
			t.Errorf("%s: due soon %v, want %v", c.now, got, c.soon)
		}
		o := &Org{Inspections: []Inspection{{Year: c.required, Result: InspectionPass}}}
		if o.InspectionOverdue(now) {
			t.Errorf("%s: an organization with the %d inspection is overdue", c.now, c.required)
		}
		o.Inspections[0].Year--
		if !o.InspectionOverdue(now) {
			t.Errorf("%s: an organization with only the %d inspection is not overdue", c.now, c.required-1)
		}
	}
}

// TestDaysLeft: an interest lapses 30 days after it was expressed; the days
// left count calendar days in Shanghai, and LapsingBefore selects exactly
// those with at most MatchWarnDays left.
func TestDaysLeft(t *testing.T) {
	now := day("2026-12-03 10:00")
	for _, c := range []struct {
		created string
		left    int
	}{
		{"2026-11-03 09:00", 0},  // lapses today (by the hourly run)
		{"2026-11-03 23:30", 0},  // today too, late
		{"2026-11-04 00:10", 1},  // tomorrow
		{"2026-11-10 12:00", 7},  // the last day counted as lapsing
		{"2026-11-11 00:00", 8},  // not yet
		{"2026-12-03 09:00", 30}, // expressed today
	} {
		created := day(c.created)
		if got := DaysLeft(created, now); got != c.left {
			t.Errorf("expressed %s: %d days left, want %d", c.created, got, c.left)
		}
		if lapsing := created.Before(LapsingBefore(now)); lapsing != (c.left <= MatchWarnDays) {
			t.Errorf("expressed %s: LapsingBefore says %v with %d days left", c.created, lapsing, c.left)
		}
	}
}
