package web

import (
	"net/http"
	"net/url"
	"testing"

	"zhuxiang"
)

// TestLoginEndsTheBrowsersPreviousSession: on a shared computer, signing
// in as someone else ends the previous user's session rather than only
// replacing its cookie, so a copy of the old token no longer works.
func TestLoginEndsTheBrowsersPreviousSession(t *testing.T) {
	e := newEnv(t)
	e.user("cadre1", zhuxiang.RoleCounty, "652827")
	e.user("cadre2", zhuxiang.RoleCounty, "652827")
	c := e.client()
	c.signIn("cadre1")
	u, _ := url.Parse(e.srv.URL)
	var old string
	for _, ck := range c.hc.Jar.Cookies(u) {
		if ck.Name == sessionCookie {
			old = ck.Value
		}
	}
	if old == "" {
		t.Fatal("no session cookie after signing in")
	}
	thief := e.client()
	thief.hc.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: old, Path: "/"}})
	if r := thief.get("/needs"); r.Status != http.StatusOK {
		t.Fatalf("setup: the copied token does not work before: %d", r.Status)
	}
	c.signIn("cadre2")
	if r := thief.get("/needs"); r.Status != http.StatusSeeOther || r.Location == "" {
		t.Errorf("the previous user's token still works after another sign-in on the same browser: %d", r.Status)
	}
}
