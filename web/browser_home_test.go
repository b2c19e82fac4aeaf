package web

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserHome signs every role in to a real Chromium and reads its work
// bench: the to-dos are the ones its records give, each link leads to a
// list that shows exactly the count the work bench gave, and at 375 px the
// page is no wider than the screen. Screenshots (ZHUXIANG_SCREENSHOTS=1):
// home-<account> and home-<account>-phone.
func TestBrowserHome(t *testing.T) {
	needChromium(t)
	f := newFixture(t)
	homeFixture(t, f)
	b := startBrowser(t, f.srv.URL, 240*time.Second)
	for _, name := range []string{"admin1", "hejing", "ruoqiang", "cun", "cun2", "orguser", "kexie"} {
		want := homeWant()[name]
		b.signIn(name)
		b.navigate("/")
		links, err := chromedp.Run(b.ctx, chromedp.Evaluate[[][]string](`Array.from(document.querySelectorAll('.todo-link, .todo-backlog a')).map(a =>
			[a.getAttribute('href'), (a.querySelector('.todo-count') || a).textContent.trim()])`))
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, l := range links {
			got[l[0]] = l[1]
		}
		if len(got) != len(want) {
			t.Errorf("%s's work bench shows %v, want %v", name, got, want)
		}
		for link, n := range want {
			if got[link] != n {
				t.Errorf("%s: %s shows %q, want %q", name, link, got[link], n)
			}
		}
		if len(want) == 0 {
			if page := b.text(".todo"); !strings.Contains(page, "暂无待办") {
				t.Errorf("%s: an empty work bench says %q", name, page)
			}
		}
		b.shot("home-" + name)
		b.do(chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile))
		b.navigate("/")
		fits, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`))
		if err != nil {
			t.Fatal(err)
		}
		if !fits {
			t.Errorf("%s: the work bench is wider than a 375 px screen", name)
		}
		b.shot("home-" + name + "-phone")
		b.do(chromedp.EmulateViewport(1280, 900))
		// Each to-do leads to its list, which counts the same; the first
		// one is followed by a click, as a user would.
		first := true
		for link, n := range want {
			if first {
				b.navigate("/")
				b.submit(`a[href="` + link + `"]`)
				first = false
			} else {
				b.navigate(link)
			}
			if total := b.text(".summary .num"); total != n {
				t.Errorf("%s: %s lists %s, the work bench said %s", name, link, total, n)
			}
		}
		b.logout()
	}
}
