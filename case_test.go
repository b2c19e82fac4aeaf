package zhuxiang

import (
	"strings"
	"testing"
)

// TestCanCase reads the case lifecycle table as every kind of actor: who
// takes each step, from which states, and only while the call is open
// where the table says so.
func TestCanCase(t *testing.T) {
	admin := Actor{UserID: "a", Role: RoleAdmin}
	org := Actor{UserID: "o", Role: RoleOrg, OrgID: "org1"}
	other := Actor{UserID: "o2", Role: RoleOrg, OrgID: "org2"}
	county := Actor{UserID: "c", Role: RoleCounty, CountyCode: "652827", RegionCode: "652827"}
	dept := Actor{UserID: "d", Role: RoleDepartment, DepartmentID: "dep1"}
	orgCase := func(st CaseStatus, call CallStatus, scores int) *Case {
		return &Case{Title: "红枣", OrgID: "org1", Org: "协会", CountyCode: "652827", Status: st, CallStatus: call, Scores: scores, CallTheme: "2026年度"}
	}
	countyCase := &Case{Title: "综述", CountyCode: "652827", County: "和静县", Status: CaseDraft, CallStatus: CallOpen}
	tests := []struct {
		name string
		a    Actor
		c    *Case
		step string
		want ErrorCode
	}{
		{"the organization submits", org, orgCase(CaseDraft, CallOpen, 0), "submit", ""},
		{"the county submits its own", county, countyCase, "submit", ""},
		{"not before the call opens", org, orgCase(CaseDraft, CallUpcoming, 0), "submit", EConflict},
		{"not after it closes", org, orgCase(CaseDraft, CallClosed, 0), "submit", EConflict},
		{"the county does not submit an organization's case", county, orgCase(CaseDraft, CallOpen, 0), "submit", EForbidden},
		{"another organization does not submit it", other, orgCase(CaseDraft, CallOpen, 0), "submit", EForbidden},
		{"withdraw while open", org, orgCase(CaseSubmitted, CallOpen, 2), "withdraw", ""},
		{"no withdrawal once closed", org, orgCase(CaseSubmitted, CallClosed, 0), "withdraw", EConflict},
		{"the admin selects a scored case", admin, orgCase(CaseSubmitted, CallClosed, 1), "select", ""},
		{"not an unscored one", admin, orgCase(CaseSubmitted, CallClosed, 0), "select", EConflict},
		{"a reviewer does not select", dept, orgCase(CaseSubmitted, CallClosed, 1), "select", EForbidden},
		{"the admin publishes a selected case", admin, orgCase(CaseSelected, CallClosed, 1), "publish", ""},
		{"not a submitted one", admin, orgCase(CaseSubmitted, CallClosed, 1), "publish", EConflict},
		{"the submitter does not publish", org, orgCase(CaseSelected, CallClosed, 1), "publish", EForbidden},
		{"not selected from submitted", admin, orgCase(CaseSubmitted, CallOpen, 0), "not_select", ""},
		{"an unknown step", admin, orgCase(CaseSubmitted, CallOpen, 0), "delete", EInvalid},
		{"an anonymous visitor does nothing", Actor{Role: RoleAdmin}, orgCase(CaseSelected, CallClosed, 1), "publish", EForbidden},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ErrorCodeOf(CanCase(tc.a, tc.c, tc.step)); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
	publish, _ := FindCaseTransition("publish")
	if s := publish.Summary(orgCase(CaseSelected, CallClosed, 1)); strings.ContainsAny(s, "{}") || !strings.Contains(s, "“红枣”") || !strings.Contains(s, "协会") {
		t.Errorf("publish summary %q", s)
	}
}

// TestCaseReaders: who reads a case in each state.
func TestCaseReaders(t *testing.T) {
	c := &Case{OrgID: "org1", CountyCode: "652827"}
	readers := map[string]Actor{
		"admin":   {UserID: "a", Role: RoleAdmin},
		"org":     {UserID: "o", Role: RoleOrg, OrgID: "org1"},
		"other":   {UserID: "o2", Role: RoleOrg, OrgID: "org2"},
		"county":  {UserID: "c", Role: RoleCounty, CountyCode: "652827"},
		"county2": {UserID: "c2", Role: RoleCounty, CountyCode: "652824"},
		"dept":    {UserID: "d", Role: RoleDepartment, DepartmentID: "dep1"},
		"village": {UserID: "v", Role: RoleVillage, RegionCode: "652827100201"},
		"public":  {},
	}
	want := map[CaseStatus]string{
		CaseDraft:     "admin org county",
		CaseSubmitted: "admin org county dept",
		CasePublished: "admin org other county county2 dept village public",
	}
	for st, who := range want {
		c.Status = st
		for name, a := range readers {
			if got, w := CanSeeCase(a, c), strings.Contains(" "+who+" ", " "+name+" "); got != w {
				t.Errorf("%s reads a %s case: %v, want %v", name, st, got, w)
			}
		}
	}
}

// FuzzCaseScore: any points and comment validate to nil or to a field
// error, never a panic, and a valid score set encodes and decodes to the
// same points and a total of at most 100.
func FuzzCaseScore(f *testing.F) {
	f.Add(35, 15, 16, 18, "做法扎实", "impact:35;innovation:15")
	f.Add(-1, 99, 0, 20, "", ";;:x:")
	f.Fuzz(func(t *testing.T, i, n, s, d int, comment, encoded string) {
		sc := &CaseScore{Points: map[string]int{"impact": i, "innovation": n, "sustainability": s, "demonstration": d}, Comment: comment}
		if err := sc.Validate(); err != nil {
			if ErrorCodeOf(err) != EInvalid {
				t.Fatalf("error %v", err)
			}
		} else {
			back := DecodeCasePoints(sc.EncodePoints())
			for k, v := range sc.Points {
				if back[k] != v {
					t.Fatalf("%s: %d decoded as %d", k, v, back[k])
				}
			}
			if tot := sc.Total(); tot < 0 || tot > 100 {
				t.Fatalf("total %d", tot)
			}
		}
		_ = DecodeCasePoints(encoded)
	})
}

// FuzzCaseValidate: any title, body and call validate without a panic,
// to nil or to the invalid-input error.
func FuzzCaseValidate(f *testing.F) {
	f.Add("小红枣做成大产业", "第一段。\n\n第二段。", "abcdefghijklmnopqrstuvwx")
	f.Add("", "\x00", "../x")
	f.Fuzz(func(t *testing.T, title, body, call string) {
		c := &Case{Title: title, Body: body, CallID: call}
		if err := c.Validate(); err != nil && ErrorCodeOf(err) != EInvalid {
			t.Fatalf("error %v", err)
		}
		k := &CaseCall{Theme: title, Description: body, OpensOn: call, ClosesOn: title}
		if err := k.Validate(); err != nil && ErrorCodeOf(err) != EInvalid {
			t.Fatalf("call error %v", err)
		}
	})
}
