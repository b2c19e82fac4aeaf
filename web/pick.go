package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"zhuxiang"
	"zhuxiang/store"
)

// Pick, don't type: a form names a village or an organization by a search
// field instead of a 12-digit region code or an 18-character credit code.
//
// The field is one template ("picker", templates/_picker.html) on one value
// (picker). With JavaScript, app.js lists the matches of what is typed as
// the user types, from GET /pick/{kind}?q= (villages, orgs), and a choice
// fills the hidden id field ({name}_id) and the text field with the
// choice's label. Without JavaScript the form is submitted with the text,
// and resolve decides: a code, or a single match, is taken; several
// matches come back as radio buttons ({name}_pick) with a message; none,
// with a message. A code pasted whole is still accepted.

// pickKind is what a picker picks: its endpoint, its store queries and its
// words in Chinese.
type pickKind struct {
	name string // "villages" or "orgs": /pick/{name}
	what string // 村, 社会组织
	hint string // what may be typed
	find func(st *store.Store, ctx context.Context, a zhuxiang.Actor, q string) ([]store.Pick, error)
	byID func(st *store.Store, ctx context.Context, a zhuxiang.Actor, id string) (*store.Pick, error)
	// code finds the record a pasted code names; ok is false when text is
	// no such code.
	code  func(st *store.Store, ctx context.Context, a zhuxiang.Actor, text string) (p *store.Pick, ok bool, err error)
	label func(p *store.Pick) string
}

var (
	pickVillages = &pickKind{name: "villages", what: "村", hint: "输入村名、所在乡镇或拼音（全拼或首字母，如 tjc），也可粘贴12位区划代码",
		find: (*store.Store).PickVillages, byID: (*store.Store).PickVillage,
		code: func(st *store.Store, ctx context.Context, a zhuxiang.Actor, text string) (*store.Pick, bool, error) {
			if len(text) != 12 || !zhuxiang.IsRegionCode(text) {
				return nil, false, nil
			}
			p, err := st.PickVillage(ctx, a, text)
			if zhuxiang.ErrorCodeOf(err) == zhuxiang.ENotFound {
				err = zhuxiang.Errorf(zhuxiang.EInvalid, "", "区划代码“%s”不是可选的村", text)
			}
			return p, true, err
		},
		// Village names repeat (every county has a 团结村): the label says
		// which one.
		label: func(p *store.Pick) string {
			return p.Name + "（" + strings.TrimSpace(p.County+" "+p.Detail) + "）"
		}}
	pickOrgs = &pickKind{name: "orgs", what: "社会组织", hint: "输入组织名称或拼音（全拼或首字母），也可粘贴统一社会信用代码",
		find: (*store.Store).PickOrgs, byID: (*store.Store).PickOrg,
		code: func(st *store.Store, ctx context.Context, a zhuxiang.Actor, text string) (*store.Pick, bool, error) {
			code, err := zhuxiang.ValidateCreditCode(text)
			if err != nil {
				return nil, false, nil
			}
			// A credit code is a public registry fact: it names an
			// organization registered anywhere (store.OrgByCreditCode).
			ref, err := st.OrgByCreditCode(ctx, a, code)
			if zhuxiang.ErrorCodeOf(err) == zhuxiang.ENotFound {
				return nil, true, zhuxiang.Errorf(zhuxiang.EInvalid, "", "%s", zhuxiang.ErrorMessage(err))
			}
			if err != nil {
				return nil, true, err
			}
			return &store.Pick{ID: ref.ID, Name: ref.Name, Detail: ref.CreditCode}, true, nil
		},
		label: func(p *store.Pick) string { return p.Name }}
)

// picker is one picker on a form, as the template shows it.
type picker struct {
	Kind        string // the endpoint's name: /pick/{Kind}
	Name        string // the text field; the id travels as Name_id, a radio choice as Name_pick
	Label       string
	Required    bool
	Placeholder string
	Hint        string
	Role        string // on the user form: the role whose scope this is, for the script to show it with that role only
	Text        string // as typed, or the label of the choice
	ID          string // the choice, once made
	Choice      string // the label of what the text resolved to, shown under the field
	Candidates  []pickChoice
	Error       string
}

// pickChoice is one candidate of a picker, as a radio button and as JSON.
type pickChoice struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	County string `json:"county"`
	Detail string `json:"detail"`
	Label  string `json:"label"`
}

func (k *pickKind) choices(ps []store.Pick) []pickChoice {
	out := make([]pickChoice, len(ps))
	for i := range ps {
		p := &ps[i]
		out[i] = pickChoice{ID: p.ID, Name: p.Name, County: p.County, Detail: p.Detail, Label: k.label(p)}
	}
	return out
}

// newPicker is an empty picker of kind k for the field name.
func (k *pickKind) newPicker(name, label string) *picker {
	return &picker{Kind: k.name, Name: name, Label: label, Placeholder: "输入名称或拼音搜索", Hint: k.hint}
}

// resolve reads the picker's fields from a submitted form (get) and finds
// what they name, as the actor may pick it; nil when nothing was entered
// or the user must choose or correct (the picker then says why). The
// order: a radio choice; the id the script filled in, while the text is
// still that choice's label (text typed over it wins); a code; a search
// that finds one record, or one named exactly so.
func (k *pickKind) resolve(ctx context.Context, st *store.Store, a zhuxiang.Actor, p *picker, get func(string) string) (*store.Pick, error) {
	p.Text = strings.TrimSpace(get(p.Name))
	chosen := func(id string, keep bool) (*store.Pick, error) {
		if id == "" || !zhuxiang.IsID(id) {
			return nil, nil
		}
		c, err := k.byID(st, ctx, a, id)
		if zhuxiang.ErrorCodeOf(err) == zhuxiang.ENotFound || zhuxiang.ErrorCodeOf(err) == zhuxiang.EForbidden {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		if !keep && p.Text != k.label(c) {
			return nil, nil
		}
		p.ID, p.Text, p.Choice = c.ID, k.label(c), k.label(c)
		return c, nil
	}
	if c, err := chosen(get(p.Name+"_pick"), true); c != nil || err != nil {
		return c, err
	}
	if c, err := chosen(get(p.Name+"_id"), false); c != nil || err != nil {
		return c, err
	}
	if p.Text == "" {
		return nil, nil
	}
	if c, ok, err := k.code(st, ctx, a, p.Text); ok {
		if zhuxiang.ErrorCodeOf(err) == zhuxiang.EInvalid {
			p.Error = zhuxiang.ErrorMessage(err)
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		// The text stays the code: it names the record again on the next
		// submission, even one outside what a search would find.
		p.Choice = k.label(c)
		return c, nil
	}
	found, err := k.find(st, ctx, a, p.Text)
	if err != nil {
		return nil, err
	}
	var exact []int
	for i := range found {
		if found[i].Name == p.Text || k.label(&found[i]) == p.Text {
			exact = append(exact, i)
		}
	}
	switch {
	case len(exact) == 1:
		c := found[exact[0]]
		p.Choice = k.label(&c)
		return &c, nil
	case len(found) == 1:
		p.Choice = k.label(&found[0])
		return &found[0], nil
	case len(found) == 0:
		p.Error = fmt.Sprintf("找不到与“%s”相符的%s。%s", p.Text, k.what, k.hint)
		return nil, nil
	}
	p.Candidates = k.choices(found)
	if len(found) >= store.PickLimit {
		p.Error = fmt.Sprintf("与“%s”相符的%s较多，下面列出前%d个：请选择一个，或输入更完整的名称", p.Text, k.what, store.PickLimit)
	} else {
		p.Error = fmt.Sprintf("与“%s”相符的%s有%d个，请在下面选择一个", p.Text, k.what, len(found))
	}
	return nil, nil
}

// pickJSON answers GET /pick/{kind}?q=: at most store.PickLimit matches of
// q that the actor may pick, for the script. A refusal is JSON too, so the
// script can tell it from a failure.
func (s *server) pickJSON(k *pickKind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, q *request) error {
		text := r.URL.Query().Get("q")
		if len([]rune(text)) > 60 {
			text = string([]rune(text)[:60])
		}
		found, err := k.find(s.st, r.Context(), q.actor, text)
		code := zhuxiang.ErrorCodeOf(err)
		if err != nil && code != zhuxiang.EForbidden && code != zhuxiang.EInvalid {
			return err
		}
		h := w.Header()
		h.Set("Content-Type", "application/json; charset=utf-8")
		// The answer depends on who asks: no shared cache may keep it.
		h.Set("Cache-Control", "private, no-store")
		if err != nil {
			w.WriteHeader(code.HTTPStatus())
			return json.NewEncoder(w).Encode(map[string]string{"error": zhuxiang.ErrorMessage(err)})
		}
		return json.NewEncoder(w).Encode(map[string]any{"items": k.choices(found)})
	}
}
