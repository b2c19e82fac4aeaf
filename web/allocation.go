package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"zhuxiang"
	"zhuxiang/match"
	"zhuxiang/sheet"
	"zhuxiang/store"
)

// The pages of allocations keep the URL /plan, the navigation key "plan" and
// the templates plan.html and plan_weights.html named after it: users know the
// address, and the area is 对接方案 to them.

type allocationData struct {
	Allocation *store.SavedAllocation // nil before the first run
	Previous   *store.SavedAllocation
	History    []*store.SavedAllocation // the latest runs, newest first
	Reached    int                      // key villages paired so far, whatever allocation
	KeyTotal   int
	CanRun     bool
	Latest     bool
	Running    []jobStatus // the user's allocation runs in progress
	Counties   []option
	allocationPart
}

// allocationPart is what the page shows of one saved allocation: totals
// per county, and one page of one list (assignments, unmatched needs or
// changes since the previous run) for the county chosen. At prefecture
// scale an allocation has thousands of lines; the page shows at most
// planPageSize of them, so that it stays small on a village's phone.
type allocationPart struct {
	County     string // the county whose lines are shown; "" for all
	CountyName string // its name, or 全州
	ByCounty   []countyLine
	Total      countyLine // the whole prefecture
	Show       string     // "assigned", "unmatched" or "changes"
	Tabs       []planTab
	Assigned   []store.AllocationItem // the page shown, when Show is "assigned"
	Unmatched  []store.AllocationItem // … "unmatched"
	Changes    []store.AllocationChange
	Page       int // 1-based
	Pages      int
	PrevURL    string
	NextURL    string
}

// countyLine is one county's figures in an allocation.
type countyLine struct {
	Code, Name         string
	Needs, Matched     int
	KeyNeeds, KeyMatch int // needs from key villages, and of those matched
	URL                string
	Current            bool
}

// add counts one need's line of the allocation.
func (c *countyLine) add(it store.AllocationItem) {
	c.Needs++
	if it.KeyVillage {
		c.KeyNeeds++
	}
	if it.OfferID != "" {
		c.Matched++
		if it.KeyVillage {
			c.KeyMatch++
		}
	}
}

// Unmatched is how many needs the line leaves without an offer.
func (c countyLine) Unmatched() int { return c.Needs - c.Matched }

// planTab is one of the lists the page can show.
type planTab struct {
	Show, Label string
	Count       int
	URL         string
	Current     bool
}

// planPageSize is how many lines of a list one page shows.
const planPageSize = 50

// allocationPage builds what the page shows of allocation p (compared with
// prev, which may be nil) for county ("" for all), list show and page
// number page; base is the page's path, and counties are listed in their order.
func allocationPage(p, prev *store.SavedAllocation, base, county, show string, page int, counties []*zhuxiang.Region) allocationPart {
	d := allocationPart{County: county, CountyName: "全州", Show: show, Page: page}
	link := func(county, show string, page int) string {
		v := url.Values{"county": {county}}
		if show != "assigned" {
			v.Set("show", show)
		}
		if page > 1 {
			v.Set("page", strconv.Itoa(page))
		}
		return base + "?" + v.Encode()
	}
	idx := map[string]int{}
	for _, c := range counties {
		idx[c.Code] = len(d.ByCounty)
		d.ByCounty = append(d.ByCounty, countyLine{Code: c.Code, Name: c.Name, URL: link(c.Code, show, 1), Current: c.Code == county})
		if c.Code == county {
			d.CountyName = c.Name
		}
	}
	var assigned, unmatched []store.AllocationItem
	for _, it := range p.Items {
		d.Total.add(it)
		if i, ok := idx[it.CountyCode]; ok {
			d.ByCounty[i].add(it)
		}
		if county != "" && it.CountyCode != county {
			continue
		}
		if it.OfferID != "" {
			assigned = append(assigned, it)
		} else {
			unmatched = append(unmatched, it)
		}
	}
	d.Total.Name, d.Total.URL, d.Total.Current = "全州", link("", show, 1), county == ""
	var changes []store.AllocationChange
	if prev != nil {
		for _, c := range store.CompareAllocations(prev, p) {
			if county == "" || c.CountyCode == county {
				changes = append(changes, c)
			}
		}
	}
	counts := map[string]int{"assigned": len(assigned), "unmatched": len(unmatched), "changes": len(changes)}
	for _, t := range []struct{ show, label string }{{"assigned", "已分配"}, {"unmatched", "未匹配"}, {"changes", "有变化"}} {
		d.Tabs = append(d.Tabs, planTab{Show: t.show, Label: t.label, Count: counts[t.show], URL: link(county, t.show, 1), Current: t.show == show})
	}
	n := counts[show]
	d.Pages = max(1, (n+planPageSize-1)/planPageSize)
	d.Page = min(max(1, page), d.Pages)
	lo, hi := (d.Page-1)*planPageSize, min(n, d.Page*planPageSize)
	switch show {
	case "assigned":
		d.Assigned = assigned[lo:hi]
	case "unmatched":
		d.Unmatched = unmatched[lo:hi]
	case "changes":
		d.Changes = changes[lo:hi]
	}
	if d.Page > 1 {
		d.PrevURL = link(county, show, d.Page-1)
	}
	if d.Page < d.Pages {
		d.NextURL = link(county, show, d.Page+1)
	}
	return d
}

// allocationList shows the latest saved allocation; allocationShow an earlier one. Both
// compare with the allocation saved just before the one shown.
func (s *server) allocationList(w http.ResponseWriter, r *http.Request, q *request) error {
	return s.renderAllocation(w, r, q, "")
}

func (s *server) allocationShow(w http.ResponseWriter, r *http.Request, q *request) error {
	return s.renderAllocation(w, r, q, r.PathValue("id"))
}

// planHistoryShown is how many earlier runs the page lists.
const planHistoryShown = 20

func (s *server) renderAllocation(w http.ResponseWriter, r *http.Request, q *request, id string) error {
	ctx, a := r.Context(), q.actor
	history, err := s.st.Allocations(ctx, a, 100)
	if err != nil {
		return err
	}
	d := allocationData{History: history[:min(len(history), planHistoryShown)], CanRun: zhuxiang.CanAllocate(a) == nil}
	for _, j := range s.jobs.of(a.UserID, "plan") {
		if j.State == jobQueued || j.State == jobRunning {
			d.Running = append(d.Running, j)
		}
	}
	// A county reads its own lines first; anyone may choose another county
	// or the whole prefecture, because the allocation is one for all.
	qs := r.URL.Query()
	county := qs.Get("county")
	if _, set := qs["county"]; !set {
		county, _ = zhuxiang.HomePlace(a)
	}
	show := qs.Get("show")
	if show != "unmatched" && show != "changes" {
		show = "assigned"
	}
	page, _ := strconv.Atoi(qs.Get("page"))
	counties, err := q.counties(ctx, s.st)
	if err != nil {
		return err
	}
	d.Counties = countyOptions(counties)
	if d.Reached, d.KeyTotal, err = s.st.KeyVillageCoverage(ctx); err != nil {
		return err
	}
	idx := -1
	switch {
	case id == "" && len(history) > 0:
		idx, id = 0, history[0].ID
	case id != "":
		for i, p := range history {
			if p.ID == id {
				idx = i
			}
		}
	}
	if id != "" {
		if d.Allocation, err = s.st.Allocation(ctx, a, id); err != nil {
			return err
		}
		d.Latest = idx == 0
		if idx >= 0 && idx+1 < len(history) {
			if d.Previous, err = s.st.Allocation(ctx, a, history[idx+1].ID); err != nil {
				return err
			}
		}
		base := "/plan"
		if !d.Latest {
			base += "/" + url.PathEscape(id)
		}
		d.allocationPart = allocationPage(d.Allocation, d.Previous, base, county, show, page, counties)
	}
	v := &view{Title: "对接方案", Nav: "plan", Data: d}
	if r.URL.Query().Get("done") != "" && d.Allocation != nil {
		v.Flash = fmt.Sprintf("已计算新的对接方案：%d 条需求中匹配 %d 条，用时 %s。", d.Allocation.Needs, d.Allocation.Matched,
			zhuxiang.Elapsed(time.Duration(d.Allocation.Seconds*float64(time.Second))))
	}
	s.render(w, r, http.StatusOK, "plan", v)
	return nil
}

// allocationRun computes and saves a new allocation in a background job,
// whose page shows the progress and then leads to the new allocation; the
// store allows only the admin, and so does this handler before it starts.
func (s *server) allocationRun(w http.ResponseWriter, r *http.Request, q *request) error {
	if err := zhuxiang.CanAllocate(q.actor); err != nil {
		return err
	}
	actor := q.actor
	j, err := s.jobs.start(actor.UserID, "plan", "计算全州对接方案", []zhuxiang.Step{zhuxiang.StepLoad, zhuxiang.StepScore, zhuxiang.StepSolve, zhuxiang.StepSave},
		func(ctx context.Context) (jobResult, error) {
			p, _, err := s.st.Allocate(ctx, actor)
			if err != nil {
				return jobResult{}, err
			}
			return jobResult{URL: "/plan/" + url.PathEscape(p.ID) + "?done=1"}, nil
		})
	if busy, ok := err.(errBusy); ok {
		s.renderError(w, r, http.StatusServiceUnavailable, string(busy))
		return nil
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/jobs/"+j.ID)
	return nil
}

// allocationExport writes a saved allocation as a workbook: assignments and unmatched
// needs on two sheets, the way the prefecture circulates it.
func (s *server) allocationExport(w http.ResponseWriter, r *http.Request, q *request) error {
	p, err := s.st.Allocation(r.Context(), q.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	at := p.CreatedAt.In(s.loc).Format("2006-01-02 15:04")
	assigned := sheet.Sheet{Name: "对接方案", Header: []string{"需求", "所在地", "行动", "重点村", "社会组织", "资源", "得分", "理由"}}
	unmatched := sheet.Sheet{Name: "未匹配需求", Header: []string{"需求", "所在地", "行动", "重点村", "原因"}}
	for _, it := range p.Items {
		key := ""
		if it.KeyVillage {
			key = "是"
		}
		if it.OfferID != "" {
			assigned.Rows = append(assigned.Rows, []any{it.NeedTitle, it.Place, it.Action.Short(), key, it.Org, it.OfferTitle, it.Score, strings.Join(it.Reasons, "；")})
		} else {
			unmatched.Rows = append(unmatched.Rows, []any{it.NeedTitle, it.Place, it.Action.Short(), key, strings.Join(it.Reasons, "；")})
		}
	}
	summary := sheet.Sheet{Name: "概况", Header: []string{"项目", "数值"}, Rows: [][]any{
		{"计算时间", at}, {"计算人", p.CreatedBy}, {"对接中的需求", p.Needs}, {"有余量的资源", p.Offers}, {"匹配的需求", p.Matched},
		{"尚未结对且有需求的重点村", p.KeyVillages}, {"本方案覆盖其中", p.KeyReached}, {"总得分", p.TotalScore},
	}}
	name := "对接方案-" + p.CreatedAt.In(s.loc).Format("20060102-1504") + ".xlsx"
	hw := &headerOnWrite{ResponseWriter: w, set: func(h http.Header) {
		h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		h.Set("Content-Disposition", "attachment; filename=\"plan.xlsx\"; filename*=UTF-8''"+url.PathEscape(name))
		h.Set("Cache-Control", "no-store")
	}}
	if err := sheet.WriteXLSX(hw, summary, assigned, unmatched); err != nil {
		if hw.started {
			s.log.Error("allocation export aborted", "err", err)
			return nil
		}
		return err
	}
	return nil
}

// weightInfo says what a weight means, in the words of the plan.
type weightInfo struct {
	Key, Label, Help, Unit string
}

// weightInfos lists the weights in the order of match.Weights, keyed by
// their JSON names so that the form and the stored settings agree.
var weightInfos = []weightInfo{
	{"action", "行动一致", "资源与需求属于同一项行动（必须一致才会推荐）", "分"},
	{"kind_fit", "组织类别对口", "组织属于方案为该行动点名的类别，如产业发展对行业协会商会、农业农村类", "分"},
	{"offer_kind_fit", "资源类型适合", "资源类型适合该行动，如产业发展配销售渠道、资金", "分"},
	{"same_county", "同县", "组织登记在需求所在县市", "分"},
	{"same_prefecture", "同州", "组织登记在州内其他县市", "分"},
	{"aid_province", "对口援疆", "组织在州外登记（对口援疆省市），各县市一律欢迎", "分"},
	{"rating_per_a", "评估等级", "有效期内的评估等级，每 A 加分", "分/A"},
	{"inspection_pass", "年检合格", "最近一次年检结论为合格", "分"},
	{"inspection_basic", "年检基本合格", "最近一次年检结论为基本合格", "分"},
	{"track_per_item", "帮扶记录", "每项已完成并经村里确认的帮扶", "分/项"},
	{"track_max", "帮扶记录上限", "帮扶记录加分的上限", "分"},
	{"capacity", "承接余量", "按资源剩余承接能力的比例折算", "分"},
	{"key_village", "重点帮扶村", "需求来自重点帮扶村（任一标签）", "分"},
	{"key_village_extra", "多重标签", "重点村每多一个标签（如既是脱贫村又是示范村）", "分/个"},
	{"leading_county", "示范引领县", "需求在示范引领县（和静县、若羌县）", "分"},
	{"urgency_per_level", "紧急程度", "需求每高一级（较急、紧急）", "分/级"},
	{"deadline", "期限临近", "期望完成日期在下面的天数之内", "分"},
	{"deadline_days", "期限临近天数", "多少天之内算期限临近", "天"},
}

// weightKeys are the weights' form fields, beside which their errors go.
var weightKeys = func() []string {
	out := make([]string, len(weightInfos))
	for i, w := range weightInfos {
		out[i] = w.Key
	}
	return out
}()

// weightRow is one line of the weights form.
type weightRow struct {
	weightInfo
	Default int
	Value   string
	Error   string
}

type weightsData struct {
	Rows []weightRow
	Form string // an error about the whole form
}

// weightsMap turns weights into their JSON names and back, so the form
// never lists a weight under a name the store does not read.
func weightsMap(w match.Weights) map[string]int {
	b, _ := json.Marshal(w)
	m := map[string]int{}
	_ = json.Unmarshal(b, &m)
	return m
}

func (s *server) weightsPage(w http.ResponseWriter, r *http.Request, q *request) error {
	if err := zhuxiang.CanEditMatchWeights(q.actor); err != nil {
		return err
	}
	cur, err := s.st.MatchWeights(r.Context())
	if err != nil {
		return err
	}
	vals := weightsMap(cur)
	typed := map[string]string{}
	for k, v := range vals {
		typed[k] = strconv.Itoa(v)
	}
	v := &view{}
	if r.URL.Query().Get("saved") != "" {
		v.Flash = "已保存。新的权重用于此后的推荐和下一次计算的对接方案。"
	}
	s.renderWeights(w, r, http.StatusOK, v, typed, nil, "")
	return nil
}

func (s *server) renderWeights(w http.ResponseWriter, r *http.Request, status int, v *view, typed map[string]string, errs map[string]string, formErr string) {
	defaults := weightsMap(match.DefaultWeights)
	d := weightsData{Form: formErr}
	for _, info := range weightInfos {
		d.Rows = append(d.Rows, weightRow{weightInfo: info, Default: defaults[info.Key], Value: typed[info.Key], Error: errs[info.Key]})
	}
	v.Title, v.Nav, v.Data = "匹配权重", "plan", d
	s.render(w, r, status, "plan_weights", v)
}

func (s *server) weightsSave(w http.ResponseWriter, r *http.Request, q *request) error {
	if err := zhuxiang.CanEditMatchWeights(q.actor); err != nil {
		return err
	}
	typed, errs, vals := map[string]string{}, map[string]string{}, map[string]int{}
	if r.PostForm.Get("reset") != "" {
		vals = weightsMap(match.DefaultWeights)
	} else {
		for _, info := range weightInfos {
			t := strings.TrimSpace(r.PostForm.Get(info.Key))
			typed[info.Key] = t
			n, err := strconv.Atoi(t)
			if err != nil {
				errs[info.Key] = "请填写 0 至 10000 的整数"
				continue
			}
			vals[info.Key] = n
		}
	}
	var wt match.Weights
	b, _ := json.Marshal(vals)
	if err := json.Unmarshal(b, &wt); err != nil {
		return err
	}
	err := wt.Validate()
	if len(errs) == 0 && err == nil {
		err = s.st.SetMatchWeights(r.Context(), q.actor, wt)
	}
	if len(errs) > 0 || zhuxiang.ErrorCodeOf(err) == zhuxiang.EInvalid {
		// Every bad weight at once: those that are not numbers and those
		// out of range. A weight left unparsed is zero above, which is in
		// range, so its own message stays.
		fe := formErrors(errs)
		fe.add(err, weightKeys...)
		s.renderWeights(w, r, http.StatusUnprocessableEntity, &view{}, typed, fe, fe["form"])
		return nil
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/plan/weights?saved=1")
	return nil
}
