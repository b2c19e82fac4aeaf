package zhuxiang

import (
	"strings"
	"testing"
)

func TestCanSeePhone(t *testing.T) {
	org := &Org{ID: "o1", RegCounty: "652827", DepartmentID: "d1"}
	need := &Need{ID: "n1", CountyCode: "652827", VillageCode: "652827100200", PairedOrgIDs: []string{"o1"}}
	admin := Actor{Role: RoleAdmin, UserID: "u"}
	county := Actor{Role: RoleCounty, UserID: "u2", CountyCode: "652827", RegionCode: "652827"}
	otherCounty := Actor{Role: RoleCounty, UserID: "u3", CountyCode: "652801", RegionCode: "652801"}
	village := Actor{Role: RoleVillage, UserID: "u4", RegionCode: "652827100200", CountyCode: "652827"}
	otherVillage := Actor{Role: RoleVillage, UserID: "u5", RegionCode: "652827100201", CountyCode: "652827"}
	self := Actor{Role: RoleOrg, UserID: "u6", OrgID: "o1"}
	otherOrg := Actor{Role: RoleOrg, UserID: "u7", OrgID: "o2"}
	dept := Actor{Role: RoleDepartment, UserID: "u8", DepartmentID: "d1"}
	cases := []struct {
		name  string
		actor Actor
		rec   any
		want  bool
	}{
		{"admin, org", admin, org, true},
		{"its county, org", county, org, true},
		{"other county, org", otherCounty, org, false},
		{"itself", self, org, true},
		{"other org, org", otherOrg, org, false},
		{"its department, org", dept, org, false},
		{"village, org", village, org, false},
		{"county of an org registered outside", county, &Org{ID: "o3"}, false},
		{"admin, need", admin, need, true},
		{"its county, need", county, need, true},
		{"its village, need", village, need, true},
		{"other village, need", otherVillage, need, false},
		{"other county, need", otherCounty, need, false},
		{"paired org, need", self, need, true},
		{"unpaired org, need", otherOrg, need, false},
		{"department, need", dept, need, false},
		{"an org with an empty id, need", Actor{Role: RoleOrg}, &Need{PairedOrgIDs: []string{""}}, false},
		{"unknown record", admin, "13812345678", false},
	}
	for _, c := range cases {
		if got := CanSeePhone(c.actor, c.rec); got != c.want {
			t.Errorf("%s: CanSeePhone = %v, want %v", c.name, got, c.want)
		}
	}
	if got := PhoneFor(dept, org, "13812345678"); got != "138****5678" {
		t.Errorf("PhoneFor masked = %q", got)
	}
	if got := PhoneFor(admin, org, "13812345678"); got != "13812345678" {
		t.Errorf("PhoneFor whole = %q", got)
	}
	if got := PhoneFor(dept, org, ""); got != "" {
		t.Errorf("PhoneFor of no phone = %q", got)
	}
	if p := need.Public(); p.PairedOrgIDs != nil || p.Phone != "" {
		t.Error("Need.Public keeps paired ids or the phone")
	}
}

func TestPhoneDigits(t *testing.T) {
	for in, want := range map[string]string{
		"13812345678":       "13812345678",
		"138-1234-5678":     "13812345678",
		"+86 138 1234 5678": "13812345678",
		"8613812345678":     "13812345678",
		"１３８１２３４５６７８":       "13812345678",
		"(0996) 202-1234":   "09962021234",
		"":                  "",
		"+86 0996 2021234 ": "8609962021234",
	} {
		if got := PhoneDigits(in); got != want {
			t.Errorf("PhoneDigits(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPhoneErrorsDoNotEchoTheNumber: error messages reach logs and pages,
// so a refused phone is not repeated in them.
func TestPhoneErrorsDoNotEchoTheNumber(t *testing.T) {
	const bad = "1381234567８x"
	o := &Org{Name: "甲协会", CreditCode: "51652827MJ0000001H", LegalForm: LegalAssociation, RegCounty: "652827", Phone: bad}
	_, err := o.Validate()
	if err == nil || ErrorField(err) != "phone" {
		t.Fatalf("bad phone: %v", err)
	}
	if strings.Contains(err.Error(), "1381234567") {
		t.Errorf("the error repeats the phone: %v", err)
	}
}
