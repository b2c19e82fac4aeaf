package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"zhuxiang"
)

// TestPublicHome: the public front page answers anyone, counts from the
// records (a new pairing moves its figures), names nobody, and describes
// itself for a shared link; with --base-url the link is absolute.
func TestPublicHome(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		f := newFixtureOn(t, engine)
		anon := f.client()
		figure := func(r *resp, label string) string {
			t.Helper()
			m := statValue(label).FindStringSubmatch(r.Body)
			if m == nil {
				t.Fatalf("no figure %q on the public page:\n%s", label, excerpt(r.Body))
			}
			return m[1]
		}
		r := anon.get("/public")
		mustStatus(t, r, http.StatusOK)
		mustContain(t, r, `<meta property="og:title" content="社会组织助力乡村振兴专项行动">`, `<meta name="description"`, `href="/public/needs"`)
		mustNotContain(t, r, "og:url") // no --base-url: the server does not know its address
		before := figure(r, "结对帮扶")

		p := &zhuxiang.Pairing{OrgID: f.org.ID, VillageCode: f.village, Action: zhuxiang.ActionIndustry, StartDate: "2026-03-01"}
		if _, err := f.st.CreatePairing(context.Background(), zhuxiang.SystemActor, p, nil); err != nil {
			t.Fatal(err)
		}
		r = anon.get("/public")
		n, _ := strconv.Atoi(before)
		if got := figure(r, "结对帮扶"); got != strconv.Itoa(n+1) {
			t.Errorf("pairings after one more: %s, want %d", got, n+1)
		}
		if got := figure(r, "参与的社会组织"); got != "1" {
			t.Errorf("organizations taking part: %s, want 1", got)
		}
		mustNotContain(t, r, f.org.Name) // counts only: no organization named
	})

	e := newServedEnv(t, "sqlite", Options{BaseURL: mustParseBaseURL(t, "https://zhuxiang.example.gov.cn")})
	c := e.client()
	r := c.get("/public/needs?county=652827")
	mustContain(t, r, `<meta property="og:url" content="https://zhuxiang.example.gov.cn/public/needs?county=652827">`)
}

// statValue finds the value of the figure labelled label.
func statValue(label string) *regexp.Regexp {
	return regexp.MustCompile(`<span class="stat-label">` + regexp.QuoteMeta(label) + `</span><span class="stat-value num">([0-9/]+)</span>`)
}

func mustParseBaseURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := ParseBaseURL(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
