package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"zhuxiang"
	"zhuxiang/store"
)

// TestCountyUserFiltersByDepartment: the API lets a county user narrow its
// organizations by supervising department (GET /api/v1/orgs?department=),
// so the page offers the same filter to everyone whose registry spans
// several departments, and not only to the admin.
func TestCountyUserFiltersByDepartment(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.user("hejing", zhuxiang.RoleCounty, "652827")
	d := &zhuxiang.Department{Name: "县科协"}
	if err := e.st.SaveDepartment(ctx, zhuxiang.SystemActor, d); err != nil {
		t.Fatal(err)
	}
	supervised := e.org("和静县科普协会", "652827", 3)
	supervised.DepartmentID = d.ID
	if _, err := e.st.UpdateOrg(ctx, zhuxiang.SystemActor, supervised); err != nil {
		t.Fatal(err)
	}
	e.org("和静县蔬菜协会", "652827", 4)
	c := e.client()
	c.signIn("hejing")

	r := c.get("/orgs")
	mustContain(t, r, `name="dept"`, "县科协", "和静县科普协会", "和静县蔬菜协会")
	r = c.get("/orgs?dept=" + url.QueryEscape(d.ID))
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, "和静县科普协会")
	if strings.Contains(r.Body, "和静县蔬菜协会") {
		t.Error("department filter ignored for a county user")
	}

	// A department user's registry is one department: no filter to offer.
	if _, err := e.st.CreateUser(ctx, zhuxiang.SystemActor, store.NewUser{Name: "kexie", Role: zhuxiang.RoleDepartment,
		DepartmentID: d.ID, Password: initialPassword}); err != nil {
		t.Fatal(err)
	}
	k := e.client()
	k.signIn("kexie")
	r = k.get("/orgs")
	mustContain(t, r, "和静县科普协会")
	if strings.Contains(r.Body, `name="dept"`) {
		t.Error("department user offered a department filter")
	}
}
