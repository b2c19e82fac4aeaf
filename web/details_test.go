package web

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"zhuxiang"
)

// TestFavicon: every page links an icon, and /favicon.ico, which browsers
// ask for anyway, answers with it instead of a 404.
func TestFavicon(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	r := c.get("/favicon.ico")
	mustStatus(t, r, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "image/") || !strings.Contains(r.Body, "<svg") {
		t.Errorf("/favicon.ico: Content-Type %q, body %.60q", ct, r.Body)
	}
	login := c.get("/login")
	m := regexp.MustCompile(`<link rel="icon" href="([^"]+)" type="image/svg\+xml">`).FindStringSubmatch(login.Body)
	if m == nil {
		t.Fatalf("the layout links no icon:\n%s", login.Body[:min(600, len(login.Body))])
	}
	icon := c.get(strings.ReplaceAll(m[1], "&amp;", "&"))
	mustStatus(t, icon, http.StatusOK)
	if icon.Body != r.Body {
		t.Error("/favicon.ico and the linked icon differ")
	}
}

// TestMenuShowsOnlyBuiltModules: the navigation offers no entry for a
// module that does not exist yet, for any role.
func TestMenuShowsOnlyBuiltModules(t *testing.T) {
	f := newFixture(t)
	for _, name := range []string{"admin1", "hejing", "cun", "orguser", "kexie"} {
		r := f.as(name).get("/")
		mustStatus(t, r, http.StatusOK)
		nav := regexp.MustCompile(`(?s)<nav class="nav".*?</nav>`).FindString(r.Body)
		for _, want := range []string{`href="/needs"`, `href="/pairings"`, `href="/regions"`, `href="/projects"`} {
			if !strings.Contains(nav, want) {
				t.Errorf("%s: the menu lacks %s", name, want)
			}
		}
		for _, not := range []string{"建设中", "nav-todo", "评估评价", "年度报送"} {
			if strings.Contains(nav, not) {
				t.Errorf("%s: the menu offers %q", name, not)
			}
		}
	}
}

// TestInterestShowsDaysLeft: a pending interest says how many days are
// left before it lapses unanswered, on the need's page and the offer's;
// an answered one says nothing of the kind.
func TestInterestShowsDaysLeft(t *testing.T) {
	f := newFixture(t)
	need := f.need(f.actor("cun"), f.village, "帮助销售红枣", zhuxiang.ActionIndustry, zhuxiang.NeedOpen)
	offer := f.offer(f.org.ID, "直播带货助农", zhuxiang.ActionIndustry, zhuxiang.OfferSales)
	// The interest was expressed 27 days and an hour ago.
	f.st.Now = func() time.Time { return time.Now().Add(-(27*24 + 1) * time.Hour) }
	id, err := f.st.ExpressInterest(t.Context(), f.actor("orguser"), need.ID, offer.ID, "")
	f.st.Now = time.Now
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ user, path string }{{"hejing", "/needs/" + need.ID}, {"orguser", "/offers/" + offer.ID}} {
		r := f.as(c.user).get(c.path)
		mustStatus(t, r, http.StatusOK)
		mustContain(t, r, "还剩 3 天：逾期未回应将自动过期")
	}
	if err := f.st.TransitionMatch(t.Context(), f.actor("hejing"), id, "accept", ""); err != nil {
		t.Fatal(err)
	}
	mustNotContain(t, f.as("hejing").get("/needs/"+need.ID), "逾期未回应")
}

// TestSelectsInPinyinOrder: counties and departments are offered in the
// order of their pinyin, as a Chinese reader looks a name up, not in the
// order of their code points or codes.
func TestSelectsInPinyinOrder(t *testing.T) {
	f := newFixture(t)
	options := func(page, name string) []string {
		t.Helper()
		sel := regexp.MustCompile(`(?s)<select name="` + name + `">(.*?)</select>`).FindStringSubmatch(page)
		if sel == nil {
			t.Fatalf("no select %q", name)
		}
		var out []string
		for _, m := range regexp.MustCompile(`<option value="[^"]+"[^>]*>([^<]+)</option>`).FindAllStringSubmatch(sel[1], -1) {
			out = append(out, m[1])
		}
		return out
	}
	r := f.as("admin1").get("/orgs")
	for _, name := range []string{"county", "dept"} {
		got := options(r.Body, name)
		want := slices.Clone(got)
		zhuxiang.SortByPinyin(want, func(s string) string { return s })
		if len(got) < 5 || !slices.Equal(got, want) {
			t.Errorf("%s options %v, want %v", name, got, want)
		}
	}
	// The last option, 州外登记, is not a county.
	if got := options(r.Body, "county"); got[0] != "博湖县" || got[len(got)-2] != "尉犁县" {
		t.Errorf("counties %v: want 博湖县 first and 尉犁县 (yù lí) last", got)
	}
}
