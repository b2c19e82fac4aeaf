package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"zhuxiang"
	"zhuxiang/store"
)

// offerFilters are the offer list's query parameters.
type offerFilters struct {
	Action string
	Kind   string
	Status string
	County string // offers that serve this county
	Q      string
	Mine   bool // an organization's own offers
	Cursor string
}

func readOfferFilters(qs url.Values) offerFilters {
	f := offerFilters{Action: qs.Get("action"), Kind: qs.Get("kind"), Status: qs.Get("status"), County: qs.Get("county"),
		Q: strings.TrimSpace(qs.Get("q")), Mine: qs.Get("mine") != "", Cursor: qs.Get("cursor")}
	if _, ok := zhuxiang.ParseAction(f.Action); !ok {
		f.Action = ""
	}
	if _, ok := zhuxiang.ParseOfferKind(f.Kind); !ok {
		f.Kind = ""
	}
	switch zhuxiang.OfferStatus(f.Status) {
	case zhuxiang.OfferOpen, zhuxiang.OfferPaused, zhuxiang.OfferClosed:
	default:
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

func (f offerFilters) store(a zhuxiang.Actor) store.OfferFilter {
	sf := store.OfferFilter{Action: zhuxiang.Action(f.Action), Kind: zhuxiang.OfferKind(f.Kind), Status: zhuxiang.OfferStatus(f.Status),
		County: f.County, Q: f.Q, Cursor: f.Cursor, Limit: 20}
	if org := zhuxiang.OwnOrg(a); f.Mine && org != "" {
		sf.Org = org
	}
	return sf
}

// query renders the filters without the cursor, for links that keep them.
func (f offerFilters) query() string {
	return filterQuery(map[string]string{"action": f.Action, "kind": f.Kind, "status": f.Status, "county": f.County, "q": f.Q}, f.Mine)
}

// Active tells the page whether to offer "清除".
func (f offerFilters) Active() bool { return f.query() != "" }

type offerListData struct {
	F           offerFilters
	Page        *store.OfferPage
	Counties    []option
	CountyNames map[string]string
	Actions     []option
	Kinds       []option
	Statuses    []option
	FirstURL    string
	NextURL     string
	CanCreate   bool
	IsOrg       bool
	Cap         int
}

func (s *server) offerList(w http.ResponseWriter, r *http.Request, q *request) error {
	ctx, a := r.Context(), q.actor
	f := readOfferFilters(r.URL.Query())
	page, err := s.st.ListOffers(ctx, a, f.store(a))
	if zhuxiang.ErrorCodeOf(err) == zhuxiang.EInvalid && f.Cursor != "" {
		f.Cursor = ""
		page, err = s.st.ListOffers(ctx, a, f.store(a))
	}
	if err != nil {
		return err
	}
	counties, err := q.counties(ctx, s.st)
	if err != nil {
		return err
	}
	names, _ := q.countyNames(ctx, s.st)
	d := offerListData{F: f, Page: page, Counties: countyOptions(counties), CountyNames: names, Actions: actionOptions, Kinds: offerKindOptions,
		Statuses: offerStatusOpts, CanCreate: zhuxiang.CanCreateOffers(a) == nil, IsOrg: zhuxiang.OwnOrg(a) != "", Cap: store.CountCap}
	d.FirstURL, d.NextURL = pageLinks("/offers", f.query(), page.Next)
	s.render(w, r, http.StatusOK, "offers", &view{Title: "资源", Nav: "offers", Data: d})
	return nil
}

// offerInput keeps numbers and the organization as typed.
type offerInput struct {
	Capacity, Amount, OrgCode string
	errs                      formErrors
}

type offerFormData struct {
	New      bool
	Action   string
	Offer    *zhuxiang.Offer
	In       offerInput
	Counties []*zhuxiang.Region
	PickOrg  bool // the admin names the organization
	Errors   formErrors
}

var offerFields = []string{"org", "action", "kind", "title", "description", "capacity", "amount", "area", "counties", "valid_from", "valid_to"}

func (s *server) offerNew(w http.ResponseWriter, r *http.Request, q *request) error {
	if err := zhuxiang.CanCreateOffers(q.actor); err != nil {
		return err
	}
	o := &zhuxiang.Offer{Area: zhuxiang.AreaPrefecture, Capacity: 1}
	// A need's page links here with its action, for an organization that
	// has no offer fitting it yet.
	if act, ok := zhuxiang.ParseAction(r.URL.Query().Get("action")); ok {
		o.Action = act
	}
	return s.renderOfferForm(w, r, http.StatusOK, q, o, offerInput{Capacity: "1"})
}

func (s *server) offerEdit(w http.ResponseWriter, r *http.Request, q *request) error {
	o, err := s.st.Offer(r.Context(), q.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := zhuxiang.CanEditOffer(q.actor, o); err != nil {
		return err
	}
	return s.renderOfferForm(w, r, http.StatusOK, q, o, offerInput{Capacity: strconv.Itoa(o.Capacity), Amount: yuanInput(o.AmountFen)})
}

func (s *server) renderOfferForm(w http.ResponseWriter, r *http.Request, status int, q *request, o *zhuxiang.Offer, in offerInput) error {
	counties, err := q.counties(r.Context(), s.st)
	if err != nil {
		return err
	}
	d := offerFormData{New: o.ID == "", Offer: o, In: in, Counties: counties, PickOrg: o.ID == "" && zhuxiang.OwnOrg(q.actor) == "", Errors: in.errs}
	title := "发布资源"
	d.Action = "/offers/new"
	if !d.New {
		title = "修改资源：" + o.Title
		d.Action = "/offers/" + url.PathEscape(o.ID) + "/edit"
	}
	s.render(w, r, status, "offer_form", &view{Title: title, Nav: "offers", Data: d})
	return nil
}

func readOfferForm(pf url.Values, o *zhuxiang.Offer) offerInput {
	in := offerInput{Capacity: strings.TrimSpace(pf.Get("capacity")), Amount: strings.TrimSpace(pf.Get("amount")),
		OrgCode: strings.TrimSpace(pf.Get("org")), errs: formErrors{}}
	o.Action, o.Kind = zhuxiang.Action(pf.Get("action")), zhuxiang.OfferKind(pf.Get("kind"))
	o.Title, o.Description = pf.Get("title"), pf.Get("description")
	o.Area = zhuxiang.Area(pf.Get("area"))
	o.Counties = nil
	for _, c := range pf["counties"] {
		if zhuxiang.IsRegionCode(c) && !slices.Contains(o.Counties, c) {
			o.Counties = append(o.Counties, c)
		}
	}
	o.ValidFrom, o.ValidTo = pf.Get("valid_from"), pf.Get("valid_to")
	o.Version, _ = strconv.Atoi(pf.Get("version"))
	c, err := parseCount("capacity", "可同时承接的需求数", in.Capacity)
	if err != nil {
		in.errs["capacity"] = zhuxiang.ErrorMessage(err)
	}
	o.Capacity = int(c)
	if o.AmountFen, err = parseYuan("amount", in.Amount); err != nil {
		in.errs["amount"] = zhuxiang.ErrorMessage(err)
	}
	return in
}

// findOrg resolves what a user typed to name an organization: its credit
// code, or its exact name among the organizations the actor may see.
// Credit codes are public registry facts, so a code also finds an
// organization registered outside the actor's county (pairings with
// organizations from the aiding provinces are the common case); a name
// only finds one in scope, so the form does not become a registry search.
func (s *server) findOrg(r *http.Request, a zhuxiang.Actor, text string) (*zhuxiang.Org, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "org", "请填写社会组织的统一社会信用代码或全称")
	}
	ctx := r.Context()
	if code, err := zhuxiang.ValidateCreditCode(text); err == nil {
		ref, err := s.st.OrgByCreditCode(ctx, a, code)
		if zhuxiang.ErrorCodeOf(err) == zhuxiang.ENotFound {
			return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "org", "%s", zhuxiang.ErrorMessage(err))
		} else if err != nil {
			return nil, err
		}
		return &zhuxiang.Org{ID: ref.ID, Name: ref.Name, CreditCode: ref.CreditCode}, nil
	}
	if zhuxiang.CanSeeOrgs(a) != nil {
		return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "org", "请填写社会组织的统一社会信用代码")
	}
	p, err := s.st.ListOrgs(ctx, a, store.OrgFilter{Q: text, Limit: 20})
	if err != nil {
		return nil, err
	}
	for _, o := range p.Orgs {
		if o.Name == text {
			return o, nil
		}
	}
	return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "org", "找不到名为“%s”的社会组织，请改填统一社会信用代码", text)
}

func (s *server) offerCreate(w http.ResponseWriter, r *http.Request, q *request) error {
	a := q.actor
	if err := zhuxiang.CanCreateOffers(a); err != nil {
		return err
	}
	o := &zhuxiang.Offer{}
	in := readOfferForm(r.PostForm, o)
	if zhuxiang.OwnOrg(a) == "" {
		if org, err := s.findOrg(r, a, in.OrgCode); err != nil {
			if zhuxiang.ErrorCodeOf(err) != zhuxiang.EInvalid {
				return err
			}
			in.errs["org"] = zhuxiang.ErrorMessage(err)
		} else {
			o.OrgID = org.ID
		}
	}
	if len(in.errs) > 0 {
		// Every other problem too, so the form shows them all at once.
		in.errs.add(o.Validate(), offerFields...)
		return s.renderOfferForm(w, r, http.StatusUnprocessableEntity, q, o, in)
	}
	id, err := s.st.CreateOffer(r.Context(), a, o)
	if err != nil {
		return s.offerSaveFailed(w, r, q, o, in, err)
	}
	redirect(w, r, "/offers/"+url.PathEscape(id)+"?done=saved")
	return nil
}

func (s *server) offerUpdate(w http.ResponseWriter, r *http.Request, q *request) error {
	ctx, a := r.Context(), q.actor
	old, err := s.st.Offer(ctx, a, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := zhuxiang.CanEditOffer(a, old); err != nil {
		return err
	}
	o := *old
	in := readOfferForm(r.PostForm, &o)
	if len(in.errs) > 0 {
		in.errs.add(o.Validate(), offerFields...)
		return s.renderOfferForm(w, r, http.StatusUnprocessableEntity, q, &o, in)
	}
	if err := s.st.UpdateOffer(ctx, a, &o); err != nil {
		return s.offerSaveFailed(w, r, q, &o, in, err)
	}
	redirect(w, r, "/offers/"+url.PathEscape(o.ID)+"?done=saved")
	return nil
}

func (s *server) offerSaveFailed(w http.ResponseWriter, r *http.Request, q *request, o *zhuxiang.Offer, in offerInput, err error) error {
	switch code := zhuxiang.ErrorCodeOf(err); code {
	case zhuxiang.EInvalid, zhuxiang.EConflict:
		in.errs = fieldError(err, offerFields...)
		return s.renderOfferForm(w, r, code.HTTPStatus(), q, o, in)
	}
	return err
}

// statusButton is one of pause, resume and close on an offer's page.
type statusButton struct {
	To      zhuxiang.OfferStatus
	Label   string
	Confirm string
}

type offerDetailData struct {
	Offer       *zhuxiang.Offer
	Area        string
	CanEdit     bool
	Buttons     []statusButton
	Proposals   []proposalRow
	CanInterest bool
	Matches     matchList
	Errors      formErrors
}

var offerDone = map[string]string{
	"saved": "已保存。", "open": "资源已恢复开放。", "paused": "资源已暂停，暂不承接新的需求。", "closed": "资源已关闭。",
	"interest": "已表达对接意向，等待需求所在县市回应。", "match-accept": "已接受对接，等待县市确认结对。", "match-decline": "已婉拒。",
	"match-confirm": "已确认结对。", "match-refuse": "已不予确认。", "match-withdraw": "已撤回对接意向。",
}

func (s *server) offerDetail(w http.ResponseWriter, r *http.Request, q *request) error {
	o, err := s.st.Offer(r.Context(), q.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.renderOffer(w, r, q, http.StatusOK, &view{Flash: offerDone[r.URL.Query().Get("done")]}, o, nil, nil)
}

// areaText names where an offer serves, with county names.
func areaText(o *zhuxiang.Offer, names map[string]string) string {
	if o.Area != zhuxiang.AreaCounties {
		return o.Area.Label()
	}
	var out []string
	for _, c := range o.Counties {
		if n := names[c]; n != "" {
			out = append(out, n)
		} else {
			out = append(out, c)
		}
	}
	return strings.Join(out, "、")
}

func (s *server) renderOffer(w http.ResponseWriter, r *http.Request, q *request, status int, v *view, o *zhuxiang.Offer, errs formErrors, matchErrs map[string]string) error {
	ctx, a := r.Context(), q.actor
	names, err := q.countyNames(ctx, s.st)
	if err != nil {
		return err
	}
	d := offerDetailData{Offer: o, Area: areaText(o, names), CanEdit: zhuxiang.CanEditOffer(a, o) == nil, Errors: errs,
		CanInterest: o.Status == zhuxiang.OfferOpen && slices.Contains(zhuxiang.ActorSides(a, "", o.OrgID), zhuxiang.SideOrg)}
	for _, b := range []statusButton{
		{zhuxiang.OfferPaused, "暂停", ""},
		{zhuxiang.OfferOpen, "恢复开放", ""},
		{zhuxiang.OfferClosed, "关闭", "关闭后不能再修改或承接需求，尚未回应的对接意向将撤回。确定关闭？"},
	} {
		if zhuxiang.CanSetOfferStatus(a, o, b.To) == nil {
			d.Buttons = append(d.Buttons, b)
		}
	}
	ms, err := s.st.ListMatches(ctx, a, store.MatchFilter{OfferID: o.ID})
	if err != nil {
		return err
	}
	d.Matches = s.matchList(q, "/offers/"+o.ID+"/matches", ms, matchErrs)
	if o.Status == zhuxiang.OfferOpen {
		props, err := s.st.ProposalsForOffer(ctx, a, o.ID, 20)
		if err != nil {
			return err
		}
		d.Proposals = proposalRows(props, ms)
	}
	v.Title, v.Nav, v.Data = o.Title, "offers", d
	s.render(w, r, status, "offer", v)
	return nil
}

// offerStatus pauses, resumes or closes an offer.
func (s *server) offerStatus(w http.ResponseWriter, r *http.Request, q *request) error {
	ctx, a := r.Context(), q.actor
	id, to := r.PathValue("id"), zhuxiang.OfferStatus(r.PostForm.Get("to"))
	err := s.st.SetOfferStatus(ctx, a, id, to)
	if zhuxiang.ErrorCodeOf(err) == zhuxiang.EConflict {
		o, oerr := s.st.Offer(ctx, a, id)
		if oerr != nil {
			return oerr
		}
		return s.renderOffer(w, r, q, http.StatusConflict, &view{}, o, formErrors{"status": zhuxiang.ErrorMessage(err)}, nil)
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/offers/"+url.PathEscape(id)+"?done="+url.QueryEscape(string(to)))
	return nil
}

// offerInterest is the organization's "表达对接意向" on a proposed need.
func (s *server) offerInterest(w http.ResponseWriter, r *http.Request, q *request) error {
	id := r.PathValue("id")
	_, err := s.st.ExpressInterest(r.Context(), q.actor, r.PostForm.Get("need"), id, r.PostForm.Get("note"))
	return s.interestDone(w, r, err, "/offers/"+url.PathEscape(id), func(status int, errs formErrors) error {
		o, err := s.st.Offer(r.Context(), q.actor, id)
		if err != nil {
			return err
		}
		return s.renderOffer(w, r, q, status, &view{}, o, errs, nil)
	})
}

// offerMatch answers a match from the offer's page.
func (s *server) offerMatch(w http.ResponseWriter, r *http.Request, q *request) error {
	id := r.PathValue("id")
	return s.answerMatch(w, r, q, "offers", func(m *zhuxiang.Match) bool { return m.OfferID == id }, "/offers/"+url.PathEscape(id),
		func(m *zhuxiang.Match) string { return m.OfferTitle }, func(status int, errs map[string]string) error {
			o, err := s.st.Offer(r.Context(), q.actor, id)
			if err != nil {
				return err
			}
			return s.renderOffer(w, r, q, status, &view{}, o, nil, errs)
		})
}
