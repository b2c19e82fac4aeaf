package web

import (
	"net/http"
	"net/url"
	"strconv"

	"zhuxiang"
	"zhuxiang/store"
)

// matchFilters are the interest list's query parameters (对接意向): the
// work bench links here with waiting=1 (awaiting the user's answer) and
// lapsing=1 (about to lapse), so the list shows exactly what it counted.
type matchFilters struct {
	Waiting bool
	Lapsing bool
	Status  string
	County  string
	Page    int // from 1; interests are few enough per scope for offsets
}

const matchPageSize = 50

// matchStatusOptions are the statuses offered by the filter.
var matchStatusOptions = func() []option {
	var out []option
	for _, s := range []zhuxiang.MatchStatus{zhuxiang.MatchPending, zhuxiang.MatchAccepted, zhuxiang.MatchConfirmed,
		zhuxiang.MatchDeclined, zhuxiang.MatchWithdrawn, zhuxiang.MatchLapsed} {
		out = append(out, option{string(s), s.Label()})
	}
	return out
}()

func readMatchFilters(qs url.Values) matchFilters {
	f := matchFilters{Waiting: qs.Get("waiting") != "", Lapsing: qs.Get("lapsing") != "", Status: qs.Get("status"), County: qs.Get("county")}
	valid := false
	for _, o := range matchStatusOptions {
		valid = valid || o.Value == f.Status
	}
	if !valid {
		f.Status = ""
	}
	if !zhuxiang.IsRegionCode(f.County) {
		f.County = ""
	}
	f.Page, _ = strconv.Atoi(qs.Get("page"))
	if f.Page < 1 || f.Page > 10000 {
		f.Page = 1
	}
	return f
}

func (f matchFilters) store() store.MatchFilter {
	return store.MatchFilter{Waiting: f.Waiting, Lapsing: f.Lapsing, Status: zhuxiang.MatchStatus(f.Status), County: f.County,
		Limit: matchPageSize, Offset: (f.Page - 1) * matchPageSize}
}

// query renders the filters without the page, for links that keep them.
func (f matchFilters) query() string {
	v := url.Values{}
	for k, x := range map[string]string{"status": f.Status, "county": f.County} {
		if x != "" {
			v.Set(k, x)
		}
	}
	if f.Waiting {
		v.Set("waiting", "1")
	}
	if f.Lapsing {
		v.Set("lapsing", "1")
	}
	return v.Encode()
}

// Active tells the page whether to offer "清除".
func (f matchFilters) Active() bool { return f.query() != "" }

// offsetLinks builds the previous-page and next-page links of a list paged
// by number (page from 1, size rows a page, total rows), keeping query.
func offsetLinks(base, query string, page, size, total int) (prev, next string) {
	link := func(p int) string {
		v, _ := url.ParseQuery(query)
		if p > 1 {
			v.Set("page", strconv.Itoa(p))
		}
		if e := v.Encode(); e != "" {
			return base + "?" + e
		}
		return base
	}
	if page > 1 {
		prev = link(page - 1)
	}
	if page*size < total {
		next = link(page + 1)
	}
	return prev, next
}

type matchListData struct {
	F         matchFilters
	Rows      []matchListRow
	Total     int
	Cap       int
	Counties  []option
	Statuses  []option
	CanAnswer bool // the user answers for a side: "待我方回应" means something
	PrevURL   string
	NextURL   string
}

// matchListRow is an interest with the days it has left while unanswered.
type matchListRow struct {
	*zhuxiang.Match
	DaysLeft int
	Pending  bool
	Soon     bool // lapses within zhuxiang.MatchWarnDays
}

// matchList lists the interests in the user's scope (zhuxiang.MatchScope);
// answering happens on the need's page, where the buttons are.
func (s *server) matchListPage(w http.ResponseWriter, r *http.Request, q *request) error {
	ctx, a := r.Context(), q.actor
	f := readMatchFilters(r.URL.Query())
	ms, err := s.st.ListMatches(ctx, a, f.store())
	if err != nil {
		return err
	}
	total, err := s.st.CountMatches(ctx, a, f.store())
	if err != nil {
		return err
	}
	counties, err := q.counties(ctx, s.st)
	if err != nil {
		return err
	}
	_, answers := zhuxiang.AnswerSide(a)
	d := matchListData{F: f, Total: total, Cap: store.CountCap, Counties: countyOptions(counties), Statuses: matchStatusOptions, CanAnswer: answers}
	now := s.st.Now()
	for _, m := range ms {
		left := zhuxiang.DaysLeft(m.CreatedAt, now)
		d.Rows = append(d.Rows, matchListRow{Match: m, Pending: m.Status == zhuxiang.MatchPending, DaysLeft: left, Soon: left <= zhuxiang.MatchWarnDays})
	}
	d.PrevURL, d.NextURL = offsetLinks("/matches", f.query(), f.Page, matchPageSize, total)
	s.render(w, r, http.StatusOK, "matches", &view{Title: "对接意向", Nav: "matches", Data: d})
	return nil
}
