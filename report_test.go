package zhuxiang

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestCanReport checks the report lifecycle's rules in memory: who speaks
// for the village, and in which states of the report and the project.
func TestCanReport(t *testing.T) {
	p := &Project{ID: "p1", CountyCode: "652827", Villages: []string{"652827100201", "652827100202"}, Status: ProjectRunning,
		Parties: []ProjectParty{{OrgID: "o1", Role: PartyLead}, {OrgID: "o2", Role: PartyPartner}}}
	village := Actor{UserID: "u1", Role: RoleVillage, RegionCode: "652827100202"}
	otherVillage := Actor{UserID: "u2", Role: RoleVillage, RegionCode: "652824100202"}
	county := Actor{UserID: "u3", Role: RoleCounty, CountyCode: "652827"}
	admin := Actor{UserID: "u4", Role: RoleAdmin}
	lead := Actor{UserID: "u5", Role: RoleOrg, OrgID: "o1"}
	partner := Actor{UserID: "u6", Role: RoleOrg, OrgID: "o2"}
	cases := []struct {
		name    string
		a       Actor
		status  ReportStatus
		project ProjectStatus
		account bool
		step    string
		want    ErrorCode
	}{
		{"a village of the project confirms", village, ReportSubmitted, ProjectRunning, true, "confirm", ""},
		{"it disputes while acceptance waits", village, ReportSubmitted, ProjectAwaiting, true, "dispute", ""},
		{"it confirms a report of a completed project", village, ReportSubmitted, ProjectCompleted, true, "confirm", ""},
		{"no dispute once completed", village, ReportSubmitted, ProjectCompleted, true, "dispute", EConflict},
		{"another village", otherVillage, ReportSubmitted, ProjectRunning, true, "confirm", EForbidden},
		{"the county, while the village has an account", county, ReportSubmitted, ProjectRunning, true, "confirm", EForbidden},
		{"the county, for a village without one", county, ReportSubmitted, ProjectRunning, false, "confirm", ""},
		{"the admin, for a village without one", admin, ReportSubmitted, ProjectRunning, false, "dispute", ""},
		{"the lead does not confirm", lead, ReportSubmitted, ProjectRunning, false, "confirm", EForbidden},
		{"the lead answers", lead, ReportDisputed, ProjectRunning, true, "answer", ""},
		{"a partner does not answer", partner, ReportDisputed, ProjectRunning, true, "answer", EForbidden},
		{"no answer to a confirmed report", lead, ReportConfirmed, ProjectRunning, true, "answer", EConflict},
		{"no answer once stopped", lead, ReportDisputed, ProjectStopped, true, "answer", EConflict},
		{"confirmed once", village, ReportConfirmed, ProjectRunning, true, "confirm", EConflict},
		{"unknown", village, ReportSubmitted, ProjectRunning, true, "approve", EInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := *p
			q.Status = c.project
			r := &ProjectReport{Status: c.status, VillageAccount: c.account}
			if got := ErrorCodeOf(CanReport(c.a, &q, r, c.step)); got != c.want {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
	if err := CanWriteReport(lead, p); err != nil {
		t.Errorf("the lead cannot report on a running project: %v", err)
	}
	for _, a := range []Actor{partner, village, county} {
		if ErrorCodeOf(CanWriteReport(a, p)) != EForbidden {
			t.Errorf("%s may report", a.Role)
		}
	}
	q := *p
	q.Status = ProjectApproved
	if ErrorCodeOf(CanWriteReport(lead, &q)) != EConflict {
		t.Error("a report on a project not started")
	}
	// Every step has Chinese words in the audit log.
	for _, tr := range ReportTransitions {
		if l, ok := AuditOpLabel(tr.Name, "report"); !ok || l == tr.Name {
			t.Errorf("step %s has no audit label", tr.Name)
		}
	}
	if l, _ := AuditOpLabel("confirm", "report"); l != "确认报告" {
		t.Errorf("confirm on a report reads %q", l)
	}
}

func TestApplyPeople(t *testing.T) {
	p := &Project{People: []ProjectPeople{{Category: "村民", Target: 100, Reached: 10}}}
	ApplyPeople(p, []ReportPeople{{Category: "村民", Reached: 60}, {Category: "留守儿童", Reached: 5}})
	if len(p.People) != 2 || p.People[0] != (ProjectPeople{"村民", 100, 60}) || p.People[1] != (ProjectPeople{"留守儿童", 0, 5}) {
		t.Errorf("people %+v", p.People)
	}
}

// FuzzReportValidate: whatever is typed, a report either passes with a
// date in YYYY-MM-DD and text within bounds, or is refused with a Chinese
// message on a field of the form.
func FuzzReportValidate(f *testing.F) {
	f.Add("2026-06-30", "进展", "村民", 10, "2026-06-01", int64(100))
	f.Add("六月", "", "游客", -1, "", int64(0))
	f.Add("2026/6/30", "a\x00b", "村民", MaxPeople+1, "2026-13-01", int64(MaxFen+1))
	f.Fuzz(func(t *testing.T, date, text, cat string, reached int, spentOn string, fen int64) {
		r := &ProjectReport{Date: date, Text: text, People: []ReportPeople{{Category: cat, Reached: reached}},
			Spending: []ProjectSpending{{Date: spentOn, Source: FundOwn, AmountFen: fen}}}
		err := r.Validate()
		if err == nil {
			if len(r.Date) != 10 || r.Text == "" || utf8.RuneCountInString(r.Text) > MaxFreeTextRunes {
				t.Fatalf("accepted %+v", r)
			}
			return
		}
		for _, fe := range FieldErrors(err) {
			if !strings.Contains("date text people spending version", fe.Field) || fe.Field == "" || fe.Message == "" {
				t.Fatalf("error on field %q: %q", fe.Field, fe.Message)
			}
		}
	})
}
