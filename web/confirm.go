package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"zhuxiang"
)

// Irreversible steps (审核通过, 确认结对, 确认完成, 关闭需求: the lifecycle
// tables mark them with Confirm) are asked first. Their button is a link to
// a confirmation page that says what will happen and who is told, with a
// 确认 button that posts the step with a "confirm" field and a 返回 link;
// app.js shows the same page's form in a <dialog> instead, and without
// script the page itself serves. The step's POST without the field renders
// that page instead of acting, so a stray or replayed form cannot skip it.
// The JSON API does not ask: a client that calls has decided.

// confirmField is the field a confirmed step's form carries.
const confirmField = "confirm"

// confirmed reports whether the posted form says the user confirmed.
func confirmed(r *http.Request) bool { return r.PostForm.Get(confirmField) != "" }

// hiddenField is a field the confirmation's form posts as it is.
type hiddenField struct{ Name, Value string }

// confirmData is what the confirmation page shows.
type confirmData struct {
	Label       string // the step's words, as on its button
	Button      string // the confirming button's words
	Danger      bool   // the step ends something (closing)
	Summary     string // what will happen and who is told
	Refused     string // set when a POST came without the confirmation
	Action      string // where the form posts
	Hidden      []hiddenField
	Reason      bool // the step takes a reason, typed here
	ReasonLabel string
	ReasonValue string
	Errors      formErrors // "reason"
	Back        string     // the page the step was started from
	BackLabel   string
}

// refusedUnconfirmed is the message on a confirmation page reached by a
// POST that did not carry the confirmation.
func refusedUnconfirmed(label string) string {
	return "尚未执行：“" + label + "”不能撤销，须先确认。请核对下面的说明后点击“" + confirmButton(label) + "”。"
}

// confirmButton is the confirming button's words: 确认 and the step,
// without saying 确认 twice (确认完成, 确认结对).
func confirmButton(label string) string {
	if strings.HasPrefix(label, "确认") {
		return label
	}
	return "确认" + label
}

func (s *server) renderConfirm(w http.ResponseWriter, r *http.Request, status int, nav string, d confirmData) {
	d.Button = confirmButton(d.Label)
	s.render(w, r, status, "confirm", &view{Title: "确认：" + d.Label, Nav: nav, Data: d})
}

// needConfirmData is the confirmation of step t on need n; reason is what
// was typed already, if anything.
func needConfirmData(n *zhuxiang.Need, t zhuxiang.NeedTransition, reason string) confirmData {
	back := "/needs/" + url.PathEscape(n.ID)
	return confirmData{Label: t.Label, Danger: t.To == zhuxiang.NeedClosed, Summary: t.Summary(n), Action: back + "/transition",
		Hidden: []hiddenField{{"name", t.Name}, {"version", strconv.Itoa(n.Version)}},
		Reason: t.Reason, ReasonLabel: t.ReasonFor(n), ReasonValue: reason, Back: back, BackLabel: n.Title}
}

// needConfirm is the confirmation page of an irreversible step on a need
// (GET /needs/{id}/confirm?action=approve).
func (s *server) needConfirm(w http.ResponseWriter, r *http.Request, q *request) error {
	n, err := s.st.Need(r.Context(), q.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	name := r.URL.Query().Get("action")
	t, ok := zhuxiang.FindNeedTransition(name)
	if !ok || t.Confirm == "" {
		return zhuxiang.Errorf(zhuxiang.ENotFound, "", "没有需要确认的操作")
	}
	if err := zhuxiang.CanNeed(q.actor, n, name); err != nil {
		// The need moved on since the button was shown: its page says how.
		if code := zhuxiang.ErrorCodeOf(err); code == zhuxiang.EConflict {
			return s.renderNeed(w, r, q, code.HTTPStatus(), &view{}, n, formErrors{"transition": zhuxiang.ErrorMessage(err)}, nil)
		}
		return err
	}
	s.renderConfirm(w, r, http.StatusOK, "needs", needConfirmData(n, t, ""))
	return nil
}

// matchConfirmData is the confirmation of step t on match m, posted from
// the page at back (a need's or an offer's).
func matchConfirmData(m *zhuxiang.Match, t zhuxiang.MatchTransition, back, backLabel string) confirmData {
	return confirmData{Label: t.Label, Summary: t.Summary(m), Action: back + "/matches/" + url.PathEscape(m.ID),
		Hidden: []hiddenField{{"name", t.Name}}, Reason: t.Reason, ReasonLabel: t.Label + "的理由（必填）", Back: back, BackLabel: backLabel}
}

// needMatchConfirm and offerMatchConfirm are the confirmation pages of an
// irreversible step on a match, from the need's or the offer's page.
func (s *server) needMatchConfirm(w http.ResponseWriter, r *http.Request, q *request) error {
	id := r.PathValue("id")
	return s.matchConfirm(w, r, q, "needs", func(m *zhuxiang.Match) bool { return m.NeedID == id }, "/needs/"+url.PathEscape(id),
		func(m *zhuxiang.Match) string { return m.NeedTitle })
}

func (s *server) offerMatchConfirm(w http.ResponseWriter, r *http.Request, q *request) error {
	id := r.PathValue("id")
	return s.matchConfirm(w, r, q, "offers", func(m *zhuxiang.Match) bool { return m.OfferID == id }, "/offers/"+url.PathEscape(id),
		func(m *zhuxiang.Match) string { return m.OfferTitle })
}

func (s *server) matchConfirm(w http.ResponseWriter, r *http.Request, q *request, nav string, belongs func(*zhuxiang.Match) bool, back string,
	backLabel func(*zhuxiang.Match) string) error {
	m, err := s.st.Match(r.Context(), q.actor, r.PathValue("mid"))
	if err != nil {
		return err
	}
	if !belongs(m) {
		return zhuxiang.Errorf(zhuxiang.ENotFound, "", "对接不存在")
	}
	name := r.URL.Query().Get("action")
	t, ok := zhuxiang.FindMatchTransition(name)
	if !ok || t.Confirm == "" {
		return zhuxiang.Errorf(zhuxiang.ENotFound, "", "没有需要确认的操作")
	}
	if err := zhuxiang.CanMatch(q.actor, m, name); err != nil {
		return err
	}
	s.renderConfirm(w, r, http.StatusOK, nav, matchConfirmData(m, t, back, backLabel(m)))
	return nil
}

// lifecycleStep is one step of a record's lifecycle posted from its page:
// what applyStep needs to know of the record, so that needs and projects
// (and the records after them) confirm, apply and report a step alike.
type lifecycleStep[T any] struct {
	nav, path, name string // the menu entry, the record's page, the step
	label, confirm  string // the step's words and its Confirm (empty: none)
	load            func() (T, error)
	may             func(T) bool        // the actor may take the step now
	data            func(T) confirmData // the step's confirmation page
	apply           func() error
	page            func(T, int, formErrors) error // the record's page with an error
}

// applyStep applies a step. An irreversible step posted without the
// confirmation shows its confirmation instead (a step the user may not
// take is refused by apply, with its reason). A missing reason comes back
// beside the reason's field, a stale version or a refused step on the
// record's page, next to the buttons.
func applyStep[T any](s *server, w http.ResponseWriter, r *http.Request, st lifecycleStep[T]) error {
	if st.confirm != "" && !confirmed(r) {
		rec, err := st.load()
		if err != nil {
			return err
		}
		if st.may(rec) {
			d := st.data(rec)
			d.Refused = refusedUnconfirmed(st.label)
			s.renderConfirm(w, r, http.StatusOK, st.nav, d)
			return nil
		}
	}
	err := st.apply()
	switch code := zhuxiang.ErrorCodeOf(err); code {
	case "":
		redirect(w, r, st.path+"?done="+url.QueryEscape(st.name))
		return nil
	case zhuxiang.EInvalid, zhuxiang.EConflict:
		rec, lerr := st.load()
		if lerr != nil {
			return lerr
		}
		if st.confirm != "" && zhuxiang.ErrorField(err) == "reason" {
			d := st.data(rec)
			d.Errors = formErrors{"reason": zhuxiang.ErrorMessage(err)}
			s.renderConfirm(w, r, code.HTTPStatus(), st.nav, d)
			return nil
		}
		return st.page(rec, code.HTTPStatus(), formErrors{"transition": zhuxiang.ErrorMessage(err)})
	}
	return err
}
