package web

import (
	"context"
	"testing"

	"zhuxiang"
	"zhuxiang/store"
)

// TestOrgPagePhoneByViewer: the organization page shows the phone as the
// store hands it back (zhuxiang.CanSeePhone), whole to those who keep the
// organization's contact details and masked to its department.
func TestOrgPagePhoneByViewer(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	depts, err := e.st.Departments(ctx, zhuxiang.SystemActor)
	if err != nil || len(depts) == 0 {
		t.Fatalf("departments: %v", err)
	}
	o := &zhuxiang.Org{Name: "电话协会", CreditCode: creditCode(t, '1', 41), LegalForm: zhuxiang.LegalAssociation, RegCounty: "652827",
		DepartmentID: depts[0].ID, Phone: "13912345678"}
	if _, err := e.st.CreateOrg(ctx, zhuxiang.SystemActor, o); err != nil {
		t.Fatal(err)
	}
	e.user("admin1", zhuxiang.RoleAdmin, "")
	e.user("hejing", zhuxiang.RoleCounty, "652827")
	if _, err := e.st.CreateUser(ctx, zhuxiang.SystemActor, store.NewUser{Name: "dept1", DisplayName: "部门", Role: zhuxiang.RoleDepartment,
		DepartmentID: depts[0].ID, Password: initialPassword}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		user         string
		want, absent string
	}{
		// (their page also shows the history, whose summaries are masked)
		{"admin1", "13912345678", ""},
		{"hejing", "13912345678", ""},
		{"dept1", "139****5678", "13912345678"},
	} {
		cl := e.client()
		cl.signIn(c.user)
		r := cl.get("/orgs/" + o.ID)
		mustContain(t, r, c.want)
		if c.absent != "" {
			mustNotContain(t, r, c.absent)
		}
	}
}
