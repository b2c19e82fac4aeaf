package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"zhuxiang"
	"zhuxiang/store"
)

// planPageLimit is the most HTML the plan page may send: a county cadre
// opens it on a phone over a rural mobile network.
const planPageLimit = 200 << 10

// bigAllocation makes an allocation the size of a region's: needs in every
// county with long titles, places and reasons, two thirds matched.
func bigAllocation(needs int, seed int) *store.SavedAllocation {
	p := &store.SavedAllocation{ID: fmt.Sprintf("plan%d", seed), CreatedAt: time.Date(2026, 11, 3, 9, 30, 0, 0, time.UTC), CreatedBy: "州乡村振兴局管理员",
		Needs: needs, Offers: needs / 3, KeyVillages: needs / 10}
	for i := range needs {
		c := zhuxiang.SeedCounties[i%len(zhuxiang.SeedCounties)]
		it := store.AllocationItem{NeedID: fmt.Sprintf("need%06d", i), NeedTitle: fmt.Sprintf("第%d号需求：红枣线上销售渠道对接与冷链仓储建设（演示数据）", i),
			CountyCode: c.Code, Place: c.Name + " 巴伦台镇阳光" + fmt.Sprint(i%12) + "村", Action: zhuxiang.Actions[i%5], KeyVillage: i%3 == 0}
		if (i+seed)%3 != 0 {
			it.OfferID, it.OfferTitle, it.Org, it.Score = fmt.Sprintf("offer%05d", i%900), "会员企业包销特色农产品", "巴音郭楞蒙古自治州天山红枣产业协会", 80+i%40
			it.Reasons = []string{"行动一致·产业发展", "组织类别对口：行业协会商会", "资源类型适合：销售渠道", "同县", "评估等级 4A", "年检合格", "帮扶记录 3 项", "重点帮扶村：脱贫村"}
			p.Matched++
		} else {
			it.Reasons = []string{"12 个候选资源的名额都已分给覆盖更多重点村或得分更高的需求"}
		}
		p.Items = append(p.Items, it)
	}
	return p
}

// TestPlanPageSize renders the plan page of an allocation of 6 000 needs
// (twice the region demo) for every county and list, first and last page,
// through the real templates and layout, and keeps each under
// planPageLimit; it also checks that paging shows every line once.
func TestPlanPageSize(t *testing.T) {
	s := &server{log: slog.New(slog.NewTextHandler(io.Discard, nil)), loc: shanghai(), jobs: newJobRegistry(nil)}
	var err error
	if s.assets, err = loadAssets(); err != nil {
		t.Fatal(err)
	}
	if s.pages, err = s.parseTemplates(); err != nil {
		t.Fatal(err)
	}
	var counties []*zhuxiang.Region
	for _, c := range zhuxiang.SeedCounties {
		counties = append(counties, &zhuxiang.Region{Code: c.Code, Name: c.Name, Level: zhuxiang.LevelCounty})
	}
	cur, prev := bigAllocation(6000, 1), bigAllocation(5800, 2)
	user := &zhuxiang.User{ID: "u1", Name: "admin", DisplayName: "州乡村振兴局管理员", Role: zhuxiang.RoleAdmin}
	q := &request{user: user, actor: user.Actor(), sess: &store.Session{CSRF: strings.Repeat("c", 43), User: user}}
	history := []*store.SavedAllocation{cur, prev}
	for range 98 {
		history = append(history, prev)
	}
	biggest, where := 0, ""
	for _, county := range append([]string{""}, func() (cs []string) {
		for _, c := range counties {
			cs = append(cs, c.Code)
		}
		return
	}()...) {
		for _, show := range []string{"assigned", "unmatched", "changes"} {
			seen := map[string]bool{}
			part := allocationPage(cur, prev, "/plan", county, show, 1, counties)
			for page := 1; page <= part.Pages; page++ {
				part = allocationPage(cur, prev, "/plan", county, show, page, counties)
				for _, it := range part.Assigned {
					seen[it.NeedID] = true
				}
				for _, it := range part.Unmatched {
					seen[it.NeedID] = true
				}
				for _, c := range part.Changes {
					seen[c.NeedID] = true
				}
				if page > 1 && page < part.Pages-1 {
					continue // the size of a middle page is the first's
				}
				d := allocationData{Allocation: cur, Previous: prev, History: history[:planHistoryShown], Reached: 40, KeyTotal: 127, CanRun: true, Latest: true,
					Counties: countyOptions(counties), allocationPart: part}
				r := httptest.NewRequest(http.MethodGet, "/plan", nil)
				r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, q))
				w := httptest.NewRecorder()
				s.render(w, r, http.StatusOK, "plan", &view{Title: "对接方案", Nav: "plan", Scope: "全州", Data: d})
				if w.Code != http.StatusOK {
					t.Fatalf("county %q %s page %d: status %d\n%s", county, show, page, w.Code, excerpt(w.Body.String()))
				}
				if n := w.Body.Len(); n > biggest {
					biggest, where = n, fmt.Sprintf("county %q, %s, page %d/%d", county, show, page, part.Pages)
				}
			}
			want := 0
			for _, tab := range part.Tabs {
				if tab.Show == show {
					want = tab.Count
				}
			}
			if len(seen) != want {
				t.Errorf("county %q %s: the pages show %d lines, the tab counts %d", county, show, len(seen), want)
			}
		}
	}
	t.Logf("largest plan page: %d bytes (%s)", biggest, where)
	if biggest > planPageLimit {
		t.Errorf("the plan page is %d KB at %s, more than %d KB", biggest>>10, where, planPageLimit>>10)
	}
	// The whole prefecture's totals add up.
	part := allocationPage(cur, prev, "/plan", "", "assigned", 1, counties)
	sum := 0
	for _, c := range part.ByCounty {
		sum += c.Needs
	}
	if sum != 6000 || part.Total.Needs != 6000 || part.Total.Matched != cur.Matched {
		t.Errorf("county totals: sum %d, total %+v, matched %d", sum, part.Total, cur.Matched)
	}
}

// TestPlaceAndThousands checks two small formatters the plan and job pages
// use: names kept whole (and escaped), and counts with separators.
func TestPlaceAndThousands(t *testing.T) {
	for in, want := range map[string]string{
		"焉耆回族自治县 七个星镇 <b>村": `<span class="nowrap">焉耆回族自治县</span> <span class="nowrap">七个星镇</span> <span class="nowrap">&lt;b&gt;村</span>`,
		"  和静县  ": `<span class="nowrap">和静县</span>`,
		"":        "",
	} {
		if got := string(place(in)); got != want {
			t.Errorf("place(%q) = %q, want %q", in, got, want)
		}
	}
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 123456789: "123,456,789", -1234: "-1,234", -999: "-999"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
