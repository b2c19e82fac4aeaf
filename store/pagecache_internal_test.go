package store

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zhuxiang"
)

// TestPageCacheMakesOnce checks that many requests for a page nobody has
// cached make it once, each getting its own copy, and that when the one
// making it fails, the others make their own rather than share the error.
func TestPageCacheMakesOnce(t *testing.T) {
	for _, fail := range []bool{false, true} {
		c := newPageCache(8)
		var builds atomic.Int32
		release := make(chan struct{})
		build := func() (*OrgPage, error) {
			n := builds.Add(1)
			if n == 1 {
				<-release
				if fail {
					return nil, errors.New("cancelled")
				}
			}
			return &OrgPage{Total: 1, Orgs: []*zhuxiang.Org{{Name: "和静县协会"}}}, nil
		}
		var wg sync.WaitGroup
		leaderErr := make(chan error, 1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.do("k", build)
			leaderErr <- err
		}()
		for builds.Load() == 0 {
			time.Sleep(time.Millisecond)
		}
		pages := make([]*OrgPage, 20)
		errs := make([]error, 20)
		for i := range pages {
			wg.Add(1)
			go func() {
				defer wg.Done()
				pages[i], errs[i] = c.do("k", build)
			}()
		}
		time.Sleep(20 * time.Millisecond) // let them wait; late ones take the cache or build
		close(release)
		wg.Wait()
		if err := <-leaderErr; (err != nil) != fail {
			t.Fatalf("fail=%t: leader got %v", fail, err)
		}
		for i, p := range pages {
			if errs[i] != nil || p == nil || p.Orgs[0].Name != "和静县协会" {
				t.Fatalf("fail=%t: request %d got %v, %v", fail, i, p, errs[i])
			}
			if i > 0 && p.Orgs[0] == pages[0].Orgs[0] {
				t.Fatalf("fail=%t: two requests share one organization value", fail)
			}
		}
		if got := builds.Load(); !fail && got != 1 {
			t.Errorf("21 requests made the page %d times, want 1", got)
		}
		if got := builds.Load(); fail && got < 2 {
			t.Errorf("after a failed build, %d builds; the others must make their own", got)
		}
	}
}
