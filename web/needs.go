package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"zhuxiang"
	"zhuxiang/match"
	"zhuxiang/store"
)

// needFilters are the needs hall's query parameters; the same names serve
// the page, its pagination links and the API (DESIGN §5b).
type needFilters struct {
	County string
	Tag    string // lifted, key, model or "any"
	Action string
	Status string
	Q      string
	Mine   bool
	Cursor string
}

func readNeedFilters(qs url.Values) needFilters {
	f := needFilters{County: qs.Get("county"), Tag: qs.Get("tag"), Action: qs.Get("action"), Status: qs.Get("status"),
		Q: strings.TrimSpace(qs.Get("q")), Mine: qs.Get("mine") != "", Cursor: qs.Get("cursor")}
	if _, ok := zhuxiang.ParseVillageTag(f.Tag); !ok && f.Tag != "any" {
		f.Tag = ""
	}
	if _, ok := zhuxiang.ParseAction(f.Action); !ok {
		f.Action = ""
	}
	if !slices.Contains(zhuxiang.NeedStatuses, zhuxiang.NeedStatus(f.Status)) {
		f.Status = ""
	}
	if !zhuxiang.IsRegionCode(f.County) {
		f.County = ""
	}
	if len([]rune(f.Q)) > 60 {
		f.Q = string([]rune(f.Q)[:60])
	}
	return f
}

func (f needFilters) store() store.NeedFilter {
	return store.NeedFilter{County: f.County, Tag: zhuxiang.VillageTag(f.Tag), Action: zhuxiang.Action(f.Action),
		Status: zhuxiang.NeedStatus(f.Status), Q: f.Q, Mine: f.Mine, Cursor: f.Cursor, Limit: 20}
}

// query renders the filters without the cursor, for links that keep them.
func (f needFilters) query() string {
	return filterQuery(map[string]string{"county": f.County, "tag": f.Tag, "action": f.Action, "status": f.Status, "q": f.Q}, f.Mine)
}

// filterQuery encodes the filters that are set, and "mine" when the list
// is limited to the user's own records, as a query string.
func filterQuery(filters map[string]string, mine bool) string {
	v := url.Values{}
	for k, x := range filters {
		if x != "" {
			v.Set(k, x)
		}
	}
	if mine {
		v.Set("mine", "1")
	}
	return v.Encode()
}

// Active tells the page whether to offer "清除".
func (f needFilters) Active() bool { return f.query() != "" }

// Option lists of the matching pages, built once.
var (
	actionOptions     []option
	needStatusOptions []option
	tagOptions        []option
	offerKindOptions  []option
	offerStatusOpts   = []option{{"open", "开放"}, {"paused", "暂停"}, {"closed", "已关闭"}}
	sourceOptions     []option
	urgencyOptions    = []option{{"1", "一般"}, {"2", "较急"}, {"3", "紧急"}}
)

func init() {
	for _, a := range zhuxiang.Actions {
		actionOptions = append(actionOptions, option{string(a), a.Short()})
	}
	for _, s := range zhuxiang.NeedStatuses {
		needStatusOptions = append(needStatusOptions, option{string(s), s.Label()})
	}
	for _, t := range zhuxiang.VillageTags {
		tagOptions = append(tagOptions, option{string(t), t.Label()})
	}
	tagOptions = append(tagOptions, option{"any", "任一重点村"})
	for _, k := range zhuxiang.OfferKinds {
		offerKindOptions = append(offerKindOptions, option{string(k), k.Label()})
	}
	for _, s := range []zhuxiang.PairingSource{zhuxiang.PairingFromMatch, zhuxiang.PairingDirect, zhuxiang.PairingImported} {
		sourceOptions = append(sourceOptions, option{string(s), s.Label()})
	}
}

// countyOptions lists the counties for a filter.
func countyOptions(counties []*zhuxiang.Region) []option {
	out := make([]option, 0, len(counties))
	for _, c := range counties {
		out = append(out, option{c.Code, c.Name})
	}
	return out
}

type needListData struct {
	F         needFilters
	Page      *store.NeedPage
	Counties  []option
	Tags      []option
	Actions   []option
	Statuses  []option
	FirstURL  string
	NextURL   string
	CanCreate bool
	CanMine   bool // only users with a place of their own have "本辖区"
	Cap       int
}

// pageLinks builds the first-page and next-page links of a keyset list.
func pageLinks(base, query, next string) (first, nextURL string) {
	first = base
	if query != "" {
		first += "?" + query
	}
	if next != "" {
		sep := "?"
		if query != "" {
			sep = "?" + query + "&"
		}
		nextURL = base + sep + "cursor=" + url.QueryEscape(next)
	}
	return first, nextURL
}

// needList is the needs hall: every public need and, for users with a
// place, that place's drafts and reviews too (the store decides which).
func (s *server) needList(w http.ResponseWriter, r *http.Request, q *request) error {
	ctx, a := r.Context(), q.actor
	f := readNeedFilters(r.URL.Query())
	page, err := s.st.ListNeeds(ctx, a, f.store())
	if zhuxiang.ErrorCodeOf(err) == zhuxiang.EInvalid && f.Cursor != "" {
		f.Cursor = ""
		page, err = s.st.ListNeeds(ctx, a, f.store())
	}
	if err != nil {
		return err
	}
	counties, err := q.counties(ctx, s.st)
	if err != nil {
		return err
	}
	d := needListData{F: f, Page: page, Counties: countyOptions(counties), Tags: tagOptions, Actions: actionOptions,
		Statuses: needStatusOptions, Cap: store.CountCap,
		CanCreate: zhuxiang.CanCreateNeeds(a) == nil,
		CanMine:   !zhuxiang.NeedScope(a).None()}
	d.FirstURL, d.NextURL = pageLinks("/needs", f.query(), page.Next)
	s.render(w, r, http.StatusOK, "needs", &view{Title: "需求大厅", Nav: "needs", Data: d})
	return nil
}

// placeGroup is a county with its villages, for the place select of the
// need and pairing forms.
type placeGroup struct {
	County   *zhuxiang.Region
	Villages []placeOption
}

// placeOption is a village named with its township, because village names
// repeat across townships (every county has a 团结村).
type placeOption struct {
	Code, Label string
}

// places lists the places the actor may choose for a need or a pairing:
// the admin every county and village, a county user its own.
func (s *server) places(r *http.Request, q *request) ([]placeGroup, error) {
	ctx, a := r.Context(), q.actor
	counties, err := q.counties(ctx, s.st)
	if err != nil {
		return nil, err
	}
	// The places are those the actor answers for (zhuxiang.CanCreatePairing,
	// CanCreateNeed): every county for the admin, its own for a county user.
	f := store.RegionFilter{}
	sc := zhuxiang.NeedScope(a)
	if !sc.All {
		f.County = a.CountyCode
	}
	tf, vf := f, f
	tf.Level, vf.Level = zhuxiang.LevelTownship, zhuxiang.LevelVillage
	towns, err := s.st.ListRegions(ctx, a, tf)
	if err != nil {
		return nil, err
	}
	villages, err := s.st.ListRegions(ctx, a, vf)
	if err != nil {
		return nil, err
	}
	townName := make(map[string]string, len(towns))
	for _, t := range towns {
		townName[t.Code] = t.Name
	}
	byCounty := map[string][]placeOption{}
	for _, v := range villages {
		label := v.Name
		if t := townName[v.ParentCode]; t != "" {
			label = t + " " + v.Name
		}
		byCounty[v.CountyCode] = append(byCounty[v.CountyCode], placeOption{v.Code, label})
	}
	var out []placeGroup
	for _, c := range counties {
		if !sc.All && c.Code != a.CountyCode {
			continue
		}
		// Township first, then village, each in pinyin order.
		zhuxiang.SortByPinyin(byCounty[c.Code], func(p placeOption) string { return p.Label })
		out = append(out, placeGroup{County: c, Villages: byCounty[c.Code]})
	}
	return out, nil
}

// isCounty reports whether code is one of the counties.
func (q *request) isCounty(r *http.Request, st *store.Store, code string) bool {
	counties, err := q.counties(r.Context(), st)
	if err != nil {
		return false
	}
	for _, c := range counties {
		if c.Code == code {
			return true
		}
	}
	return false
}

// needInput keeps the numbers as typed, so that a rejected form comes back
// with "12.345" and not with a zero.
type needInput struct {
	Quantity, Budget, People string
	errs                     formErrors
}

type needFormData struct {
	New        bool
	Action     string
	Need       *zhuxiang.Need
	In         needInput
	Place      string // the chosen county or village code
	Places     []placeGroup
	FixedPlace string // village users publish for their village only
	Errors     formErrors
}

// needFields are the fields the form shows errors next to; the store's
// "village" and "county" are shown beside the one place field, "region".
var needFields = []string{"action", "category", "title", "description", "quantity", "unit", "budget", "people", "people_kinds", "urgency",
	"wanted_by", "contact", "phone", "region"}

func (s *server) needNew(w http.ResponseWriter, r *http.Request, q *request) error {
	a := q.actor
	if err := zhuxiang.CanCreateNeeds(a); err != nil {
		return err
	}
	n := &zhuxiang.Need{Urgency: zhuxiang.UrgencyNormal}
	n.CountyCode, n.VillageCode = zhuxiang.HomePlace(a)
	return s.renderNeedForm(w, r, http.StatusOK, q, n, needInput{})
}

func (s *server) needEdit(w http.ResponseWriter, r *http.Request, q *request) error {
	n, err := s.st.Need(r.Context(), q.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := zhuxiang.CanEditNeed(q.actor, n); err != nil {
		return err
	}
	in := needInput{Quantity: strconv.FormatInt(n.Quantity, 10), Budget: yuanInput(n.BudgetFen), People: strconv.Itoa(n.People)}
	if n.Quantity == 0 {
		in.Quantity = ""
	}
	if n.People == 0 {
		in.People = ""
	}
	return s.renderNeedForm(w, r, http.StatusOK, q, n, in)
}

func (s *server) renderNeedForm(w http.ResponseWriter, r *http.Request, status int, q *request, n *zhuxiang.Need, in needInput) error {
	d := needFormData{New: n.ID == "", Need: n, In: in, Place: n.RegionCode(), Errors: in.errs}
	switch {
	case !d.New:
		// The place of a need does not move (the store keeps it), so the
		// edit form only names it.
		d.FixedPlace = n.Place()
	case zhuxiang.NeedScope(q.actor).Village != "":
		d.FixedPlace = s.scopeName(r.Context(), q)
	default:
		places, err := s.places(r, q)
		if err != nil {
			return err
		}
		d.Places = places
	}
	title := "发布需求"
	d.Action = "/needs/new"
	if !d.New {
		title = "修改需求：" + n.Title
		d.Action = "/needs/" + url.PathEscape(n.ID) + "/edit"
	}
	s.render(w, r, status, "need_form", &view{Title: title, Nav: "needs", Data: d})
	return nil
}

// readNeedForm copies the posted fields onto n. Numbers that do not parse
// are kept as typed and reported next to their field.
func (s *server) readNeedForm(r *http.Request, q *request, n *zhuxiang.Need) needInput {
	pf := r.PostForm
	in := needInput{Quantity: strings.TrimSpace(pf.Get("quantity")), Budget: strings.TrimSpace(pf.Get("budget")),
		People: strings.TrimSpace(pf.Get("people")), errs: formErrors{}}
	n.Action = zhuxiang.Action(pf.Get("action"))
	n.Category, n.Title, n.Description = pf.Get("category"), pf.Get("title"), pf.Get("description")
	n.Unit, n.WantedBy, n.Contact, n.Phone = pf.Get("unit"), pf.Get("wanted_by"), pf.Get("contact"), pf.Get("phone")
	n.PeopleKinds = nil
	for _, k := range pf["people_kinds"] {
		if slices.Contains(zhuxiang.BeneficiaryCategories, k) {
			n.PeopleKinds = append(n.PeopleKinds, k)
		}
	}
	n.Urgency, _ = strconv.Atoi(pf.Get("urgency"))
	n.Version, _ = strconv.Atoi(pf.Get("version"))
	var err error
	if n.Quantity, err = parseCount("quantity", "数量", in.Quantity); err != nil {
		in.errs["quantity"] = zhuxiang.ErrorMessage(err)
	}
	if n.BudgetFen, err = parseYuan("budget", in.Budget); err != nil {
		in.errs["budget"] = zhuxiang.ErrorMessage(err)
	}
	people, err := parseCount("people", "受益人数", in.People)
	if err != nil {
		in.errs["people"] = zhuxiang.ErrorMessage(err)
	}
	n.People = int(people)
	if n.ID != "" {
		return in
	}
	a := q.actor
	switch place := strings.TrimSpace(pf.Get("region")); {
	case zhuxiang.NeedScope(a).Village != "":
		// A village user publishes for its village only.
		n.CountyCode, n.VillageCode = zhuxiang.HomePlace(a)
	case place == "":
		in.errs["region"] = "请选择需求所在的县市或村"
	case q.isCounty(r, s.st, place):
		n.CountyCode, n.VillageCode = place, ""
	default:
		// The store fills the county from the village and checks that the
		// actor may publish there.
		n.CountyCode, n.VillageCode = "", place
	}
	return in
}

// submitNow tells whether the user pressed 提交审核 rather than 保存草稿.
func submitNow(r *http.Request) bool { return r.PostForm.Get("op") == "submit" }

func (s *server) needCreate(w http.ResponseWriter, r *http.Request, q *request) error {
	a := q.actor
	if err := zhuxiang.CanCreateNeeds(a); err != nil {
		return err
	}
	n := &zhuxiang.Need{}
	in := s.readNeedForm(r, q, n)
	if len(in.errs) > 0 {
		// Every other problem too, so the form shows them all at once.
		in.errs.add(n.Validate(), needFields...)
		return s.renderNeedForm(w, r, http.StatusUnprocessableEntity, q, n, in)
	}
	if submitNow(r) {
		n.Status = zhuxiang.NeedSubmitted
	}
	id, err := s.st.CreateNeed(r.Context(), a, n)
	if err != nil {
		return s.needSaveFailed(w, r, q, n, in, err)
	}
	done := "saved"
	if n.Status == zhuxiang.NeedSubmitted {
		done = "submit"
	}
	redirect(w, r, "/needs/"+url.PathEscape(id)+"?done="+done)
	return nil
}

func (s *server) needUpdate(w http.ResponseWriter, r *http.Request, q *request) error {
	ctx, a := r.Context(), q.actor
	old, err := s.st.Need(ctx, a, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := zhuxiang.CanEditNeed(a, old); err != nil {
		return err
	}
	n := *old
	in := s.readNeedForm(r, q, &n)
	if len(in.errs) > 0 {
		in.errs.add(n.Validate(), needFields...)
		return s.renderNeedForm(w, r, http.StatusUnprocessableEntity, q, &n, in)
	}
	if err := s.st.UpdateNeed(ctx, a, &n); err != nil {
		return s.needSaveFailed(w, r, q, &n, in, err)
	}
	done := "saved"
	if submitNow(r) {
		if err := s.st.TransitionNeed(ctx, a, n.ID, "submit", "", n.Version); err != nil {
			return err
		}
		done = "submit"
	}
	redirect(w, r, "/needs/"+url.PathEscape(n.ID)+"?done="+done)
	return nil
}

// needSaveFailed re-renders the form for what the user can fix and leaves
// the rest (a refusal, a failure) to the error pages.
func (s *server) needSaveFailed(w http.ResponseWriter, r *http.Request, q *request, n *zhuxiang.Need, in needInput, err error) error {
	switch code := zhuxiang.ErrorCodeOf(err); code {
	case zhuxiang.EInvalid, zhuxiang.EConflict:
		in.errs = fieldError(err, needFields...)
		return s.renderNeedForm(w, r, code.HTTPStatus(), q, n, in)
	case zhuxiang.EForbidden:
		if zhuxiang.ErrorField(err) == "region" {
			in.errs = formErrors{"region": zhuxiang.ErrorMessage(err)}
			return s.renderNeedForm(w, r, http.StatusForbidden, q, n, in)
		}
	}
	return err
}

// proposalRow is a proposed pair with whether it is already under way, so
// that the page offers the button only where pressing it can succeed.
type proposalRow struct {
	match.Candidate
	Taken       bool // a live or confirmed match exists for this pair
	CanInterest bool // the user may express interest in it (the need's page asks per row)
}

// matchList is what the "match-list" template shows: matches with the
// actions the user may take on each, posting to Action + "/" + match id.
type matchList struct {
	Action string
	CSRF   string
	Rows   []matchRow
}

type matchRow struct {
	Match   *zhuxiang.Match
	Actions []zhuxiang.MatchTransition
	Error   string
}

func (s *server) matchList(q *request, action string, ms []*zhuxiang.Match, errs map[string]string) matchList {
	l := matchList{Action: action, CSRF: q.sess.CSRF}
	for _, m := range ms {
		l.Rows = append(l.Rows, matchRow{Match: m, Actions: zhuxiang.MatchActions(q.actor, m), Error: errs[m.ID]})
	}
	return l
}

// proposalRows marks the proposals whose pair already has a live or
// confirmed match among ms, so the page offers no second interest there.
func proposalRows(props []match.Candidate, ms []*zhuxiang.Match) []proposalRow {
	taken := map[string]bool{}
	for _, m := range ms {
		if m.Status.Live() || m.Status == zhuxiang.MatchConfirmed {
			taken[m.NeedID+"|"+m.OfferID] = true
		}
	}
	out := make([]proposalRow, 0, len(props))
	for _, p := range props {
		out = append(out, proposalRow{Candidate: p, Taken: taken[p.NeedID+"|"+p.OfferID]})
	}
	return out
}

type needDetailData struct {
	Need        *zhuxiang.Need
	Actions     []zhuxiang.NeedTransition
	CanEdit     bool
	CanWithdraw bool
	ShowContact bool
	Proposals   []proposalRow
	CanInterest bool // on some proposal
	OwnOffers   bool // the proposals are the user's organization's own offers
	CanOffer    bool // the user may publish an offer
	Matches     matchList
	Errors      formErrors // "transition", "interest"
}

// needDone are the flashes after a step, by the done parameter: a need's
// steps by name, a match's (answerMatch) as "match-" and its name.
var needDone = map[string]string{
	"saved": "已保存为草稿。提交审核后，县市审核通过才会公开。", "submit": "已提交审核，等待县市审核。",
	"withdraw": "已撤回修改：需求回到草稿，修改后请重新提交审核。",
	"approve":  "已审核通过，需求已公开。", "reject": "已退回，村里可修改后重新提交。", "done": "已确认完成。", "close": "需求已关闭。",
	"interest": "已表达对接意向，等待对方回应。", "match-accept": "已接受对接，等待县市确认结对。", "match-decline": "已婉拒。",
	"match-confirm": "已确认结对。", "match-refuse": "已不予确认。", "match-withdraw": "已撤回对接意向。",
}

func (s *server) needDetail(w http.ResponseWriter, r *http.Request, q *request) error {
	n, err := s.st.Need(r.Context(), q.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	v := &view{Flash: needDone[r.URL.Query().Get("done")]}
	return s.renderNeed(w, r, q, http.StatusOK, v, n, nil, nil)
}

// renderNeed shows a need's state and next steps first, then its content,
// then proposals and matches (DESIGN §5a: state and next action first).
func (s *server) renderNeed(w http.ResponseWriter, r *http.Request, q *request, status int, v *view, n *zhuxiang.Need, errs formErrors, matchErrs map[string]string) error {
	ctx, a := r.Context(), q.actor
	d := needDetailData{Need: n, Actions: zhuxiang.NeedActions(a, n), CanEdit: zhuxiang.CanEditNeed(a, n) == nil, Errors: errs,
		CanWithdraw: zhuxiang.CanNeed(a, n, "withdraw") == nil, ShowContact: zhuxiang.NeedInScope(a, n) || n.Contact != "" || n.Phone != ""}
	ms, err := s.st.ListMatches(ctx, a, store.MatchFilter{NeedID: n.ID})
	if err != nil {
		return err
	}
	d.Matches = s.matchList(q, "/needs/"+n.ID+"/matches", ms, matchErrs)
	if n.Status == zhuxiang.NeedOpen {
		// The store shows an organization its own offers only
		// (zhuxiang.ProposedOfferScope), each of which it may act on;
		// the county and the admin see every candidate.
		props, err := s.st.ProposalsForNeed(ctx, a, n.ID, 10)
		if err != nil {
			return err
		}
		d.Proposals = proposalRows(props, ms)
		for i, p := range d.Proposals {
			if len(zhuxiang.ActorSides(a, n.CountyCode, p.OrgID)) > 0 {
				d.Proposals[i].CanInterest, d.CanInterest = true, true
			}
		}
		d.OwnOffers = zhuxiang.OwnOrg(a) != ""
		d.CanOffer = zhuxiang.CanCreateOffers(a) == nil
	}
	v.Title, v.Nav, v.Data = n.Title, "needs", d
	s.render(w, r, status, "need", v)
	return nil
}

// needTransition applies a step of the need's lifecycle (applyStep).
func (s *server) needTransition(w http.ResponseWriter, r *http.Request, q *request) error {
	ctx, a := r.Context(), q.actor
	id, name, reason := r.PathValue("id"), r.PostForm.Get("name"), r.PostForm.Get("reason")
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	t, _ := zhuxiang.FindNeedTransition(name)
	st := lifecycleStep[*zhuxiang.Need]{nav: "needs", path: "/needs/" + url.PathEscape(id), name: name, label: t.Label, confirm: t.Confirm,
		load:  func() (*zhuxiang.Need, error) { return s.st.Need(ctx, a, id) },
		may:   func(n *zhuxiang.Need) bool { return zhuxiang.CanNeed(a, n, name) == nil },
		data:  func(n *zhuxiang.Need) confirmData { return needConfirmData(n, t, reason) },
		apply: func() error { return s.st.TransitionNeed(ctx, a, id, name, reason, version) },
		page: func(n *zhuxiang.Need, status int, errs formErrors) error {
			return s.renderNeed(w, r, q, status, &view{}, n, errs, nil)
		},
	}
	return applyStep(s, w, r, st)
}

// needInterest is the county side's "表达对接意向" on a proposed offer.
func (s *server) needInterest(w http.ResponseWriter, r *http.Request, q *request) error {
	id := r.PathValue("id")
	_, err := s.st.ExpressInterest(r.Context(), q.actor, id, r.PostForm.Get("offer"), r.PostForm.Get("note"))
	return s.interestDone(w, r, err, "/needs/"+url.PathEscape(id), func(status int, errs formErrors) error {
		n, err := s.st.Need(r.Context(), q.actor, id)
		if err != nil {
			return err
		}
		return s.renderNeed(w, r, q, status, &view{}, n, errs, nil)
	})
}

// interestDone finishes an interest expressed from a need's or an offer's
// page: back to the page on success, or the page again with the refusal
// beside the proposals.
func (s *server) interestDone(w http.ResponseWriter, r *http.Request, err error, back string, again func(status int, errs formErrors) error) error {
	switch code := zhuxiang.ErrorCodeOf(err); code {
	case "":
		redirect(w, r, back+"?done=interest#matches")
		return nil
	case zhuxiang.EInvalid, zhuxiang.EConflict:
		return again(code.HTTPStatus(), formErrors{"interest": zhuxiang.ErrorMessage(err)})
	}
	return err
}

// needMatch answers a match from the need's page.
func (s *server) needMatch(w http.ResponseWriter, r *http.Request, q *request) error {
	id := r.PathValue("id")
	return s.answerMatch(w, r, q, "needs", func(m *zhuxiang.Match) bool { return m.NeedID == id }, "/needs/"+url.PathEscape(id),
		func(m *zhuxiang.Match) string { return m.NeedTitle }, func(status int, errs map[string]string) error {
			n, err := s.st.Need(r.Context(), q.actor, id)
			if err != nil {
				return err
			}
			return s.renderNeed(w, r, q, status, &view{}, n, nil, errs)
		})
}

// answerMatch applies a match transition posted from a need's or an
// offer's page (an irreversible one only when confirmed: confirm.go).
// belongs checks that the match is one the page lists, so a crafted URL
// cannot pair a page with a foreign match; again re-renders the page with
// the error beside the match.
func (s *server) answerMatch(w http.ResponseWriter, r *http.Request, q *request, nav string, belongs func(*zhuxiang.Match) bool, back string,
	backLabel func(*zhuxiang.Match) string, again func(status int, errs map[string]string) error) error {
	ctx, a := r.Context(), q.actor
	m, err := s.st.Match(ctx, a, r.PathValue("mid"))
	if err != nil {
		return err
	}
	if !belongs(m) {
		return zhuxiang.Errorf(zhuxiang.ENotFound, "", "对接不存在")
	}
	name := r.PostForm.Get("name")
	if t, _ := zhuxiang.FindMatchTransition(name); t.Confirm != "" && !confirmed(r) && zhuxiang.CanMatch(a, m, name) == nil {
		d := matchConfirmData(m, t, back, backLabel(m))
		d.Refused = refusedUnconfirmed(t.Label)
		s.renderConfirm(w, r, http.StatusOK, nav, d)
		return nil
	}
	err = s.st.TransitionMatch(ctx, a, m.ID, name, r.PostForm.Get("reason"))
	switch code := zhuxiang.ErrorCodeOf(err); code {
	case "":
		redirect(w, r, back+"?done=match-"+url.QueryEscape(name)+"#matches")
		return nil
	case zhuxiang.EInvalid, zhuxiang.EConflict:
		return again(code.HTTPStatus(), map[string]string{m.ID: zhuxiang.ErrorMessage(err)})
	}
	return err
}
