package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"zhuxiang"
	"zhuxiang/store"
)

type auditFilters struct {
	Entity, Op, Actor, From, To string
	Before                      int64
}

type auditData struct {
	F        auditFilters
	Rows     []auditRow
	Verify   store.AuditVerifyResult
	Verified bool // the chain was checked for this view (?verify=1)
	Users    []*zhuxiang.User
	Entities []zhuxiang.AuditLabel
	Ops      []zhuxiang.AuditLabel
	NextURL  string
	FirstURL string
	Errors   formErrors
}

// auditRow is one entry as people read it: who, what, on which object
// (by name, linked to its page) and the summary in lines, all in Chinese.
type auditRow struct {
	Seq    int64
	At     time.Time
	Actor  string
	Op     string
	Kind   string // the kind of object
	Object string // its name; empty when the entry names no single object
	Link   string // its page; empty when it has none
	Lines  []string
}

// auditPageSize is how many entries one page shows.
const auditPageSize = 50

// auditList browses the log newest first and, on request, says at the top
// whether the hash chain still verifies, so that tampering is visible to the
// person who is supposed to notice it.
func (s *server) auditList(w http.ResponseWriter, r *http.Request, q *request) error {
	ctx, a := r.Context(), q.actor
	if err := zhuxiang.CanSeeAuditLog(a); err != nil {
		return err
	}
	qs := r.URL.Query()
	f := auditFilters{Entity: qs.Get("entity"), Op: qs.Get("op"), Actor: qs.Get("actor"), From: qs.Get("from"), To: qs.Get("to")}
	f.Before, _ = strconv.ParseInt(qs.Get("before"), 10, 64)
	d := auditData{F: f, Entities: zhuxiang.AuditEntities, Ops: zhuxiang.AuditOps, Errors: formErrors{}}
	af := zhuxiang.AuditFilter{Entity: f.Entity, Op: f.Op, ActorID: f.Actor, BeforeSeq: f.Before, Limit: auditPageSize}
	if f.From != "" {
		t, err := time.ParseInLocation(zhuxiang.DateLayout, f.From, s.loc)
		if err != nil {
			d.Errors["from"] = "日期格式应为2026-11-30"
		}
		af.From = t
	}
	if f.To != "" {
		t, err := time.ParseInLocation(zhuxiang.DateLayout, f.To, s.loc)
		if err != nil {
			d.Errors["to"] = "日期格式应为2026-11-30"
		} else {
			af.To = t.AddDate(0, 0, 1) // the whole of the last day
		}
	}
	var entries []zhuxiang.AuditEntry
	var err error
	if len(d.Errors) == 0 {
		if entries, err = s.st.ListAudit(ctx, a, af); err != nil {
			return err
		}
	}
	// Re-hashing the chain reads every entry (about a second per 100 000
	// on our machines), so it runs when the administrator asks for it.
	if qs.Get("verify") == "1" {
		if d.Verify, err = s.verifyAudit(ctx); err != nil {
			return err
		}
		d.Verified = true
	}
	if d.Users, err = s.st.ListUsers(ctx, a); err != nil {
		return err
	}
	zhuxiang.SortByPinyin(d.Users, func(u *zhuxiang.User) string { return u.DisplayName })
	if d.Rows, err = s.auditRows(ctx, a, entries, true); err != nil {
		return err
	}
	v := url.Values{}
	for k, x := range map[string]string{"entity": f.Entity, "op": f.Op, "actor": f.Actor, "from": f.From, "to": f.To} {
		if x != "" {
			v.Set(k, x)
		}
	}
	base := v.Encode()
	d.FirstURL = "/audit"
	if base != "" {
		d.FirstURL += "?" + base
	}
	if len(entries) == auditPageSize {
		v.Set("before", strconv.FormatInt(entries[len(entries)-1].Seq, 10))
		d.NextURL = "/audit?" + v.Encode()
	}
	status := http.StatusOK
	if len(d.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, "audit", &view{Title: "审计日志", Nav: "audit", Data: d})
	return nil
}

// auditRows turns entries into rows people read. With lookup, the objects
// the entries and their summaries point at are named, in one query per kind
// of object for the whole page (store.AuditObjects); without it (an
// organization's own history, whose summaries name no other record) only
// the words change.
func (s *server) auditRows(ctx context.Context, a zhuxiang.Actor, entries []zhuxiang.AuditEntry, lookup bool) ([]auditRow, error) {
	sums := make([]summary, len(entries))
	for i, e := range entries {
		sums[i] = parseSummary(e.Entity, e.Summary)
	}
	var names map[string]map[string]store.AuditObject
	if lookup {
		ids := map[string][]string{}
		add := func(kind, id string) {
			if id != "" && !slices.Contains(ids[kind], id) {
				ids[kind] = append(ids[kind], id)
			}
		}
		for i, e := range entries {
			add(e.Entity, e.EntityID)
			for _, r := range sums[i].refs() {
				add(r[0], r[1])
			}
		}
		var err error
		if names, err = s.st.AuditObjects(ctx, a, ids); err != nil {
			return nil, err
		}
	}
	rows := make([]auditRow, len(entries))
	for i, e := range entries {
		op, _ := zhuxiang.AuditOpLabel(e.Op, e.Entity)
		kind, _ := zhuxiang.AuditEntityLabel(e.Entity)
		row := auditRow{Seq: e.Seq, At: e.At, Actor: zhuxiang.ActorLabel(e.ActorName), Op: op, Kind: kind, Lines: sums[i].lines(names)}
		if e.EntityID != "" {
			row.Object, row.Link = auditObject(e.Entity, e.EntityID, names)
		}
		rows[i] = row
	}
	return rows, nil
}

// auditObject names an entry's object and links to its page. An object not
// found (or not looked up) is named by its kind's page where the id is a
// public code, and otherwise not at all: an opaque id tells people nothing.
func auditObject(entity, id string, names map[string]map[string]store.AuditObject) (name, link string) {
	o, found := names[entity][id]
	switch entity {
	case "settings":
		return "匹配权重", "/plan/weights"
	case "field_key":
		return "", ""
	case "match":
		if found {
			return o.Name, "/needs/" + o.NeedID
		}
	}
	if !found {
		return "", ""
	}
	if p := auditPages[entity]; p != "" {
		link = strings.Replace(p, "{id}", url.PathEscape(id), 1)
	}
	return o.Name, link
}

// auditPages is where each kind of object has its own page.
var auditPages = map[string]string{
	"org": "/orgs/{id}", "region": "/regions/{id}", "need": "/needs/{id}", "offer": "/offers/{id}",
	"pairing": "/pairings/{id}", "plan": "/plan/{id}", "department": "/departments/{id}/edit",
	"brand": "/brands/{id}",
}

// summary is an entry's JSON, read once: a list of changes, a batch of
// created records, a note of named values, or text of another shape.
type summary struct {
	entity  string
	changes []store.Change
	batch   *store.ImportedBatch
	note    map[string]any
	text    string
}

func parseSummary(entity, text string) summary {
	sm := summary{entity: entity}
	text = strings.TrimSpace(text)
	if text == "" || text == "null" {
		return sm
	}
	if err := json.Unmarshal([]byte(text), &sm.changes); err == nil {
		return sm
	}
	var b store.ImportedBatch
	if err := json.Unmarshal([]byte(text), &b); err == nil && len(b.Records) > 0 {
		sm.batch = &b
		return sm
	}
	if err := json.Unmarshal([]byte(text), &sm.note); err == nil {
		return sm
	}
	// Text that is not JSON is shown as it is: an old entry must stay
	// readable whatever its shape.
	sm.text = text
	return sm
}

// refFields are the summary fields whose values point at other records by
// id or code, and the kind of record they point at.
var refFields = map[string]string{
	"社会组织": "org", "组织": "org", "部门": "department",
	"区划": "region", "县市": "region", "村": "region", "服务地区": "region",
}

// regionCode finds division codes inside a value (服务地区 lists several):
// six digits for a county, twelve for a township or village, whose last
// three may be a letter and two digits for a village the platform added.
var regionCode = regexp.MustCompile(`\b\d{6}(?:\d{3}(?:\d{3}|[A-Z]\d{2}))?\b`)

// refs lists (kind, id) of every record the summary's values point at.
func (sm summary) refs() [][2]string {
	var out [][2]string
	add := func(field string, v any) {
		kind, ok := refFields[field]
		s, isText := v.(string)
		if !ok || !isText || s == "" {
			return
		}
		if kind != "region" {
			out = append(out, [2]string{kind, s})
			return
		}
		for _, c := range regionCode.FindAllString(s, -1) {
			out = append(out, [2]string{kind, c})
		}
	}
	for _, c := range sm.changes {
		add(c.Field, c.Before)
		add(c.Field, c.After)
	}
	for k, v := range sm.note {
		add(k, v)
	}
	return out
}

// noteOrder puts the counts of an import in the order the import page
// shows them; other keys follow in pinyin order.
var noteOrder = []string{"行数", "新增", "更新", "未变", "无变化", "有误"}

// noteWords renames keys stored before the pages settled on their words.
var noteWords = map[string]string{"无变化": "未变"}

// lines is the summary in lines people read: "字段：旧 → 新" for a change,
// "键：值" for a note. Fields a new record left empty say nothing and are
// left out; money is in yuan; ids and codes become names.
func (sm summary) lines(names map[string]map[string]store.AuditObject) []string {
	switch {
	case sm.text != "":
		return []string{sm.text}
	case sm.batch != nil:
		return importedSummary(sm.entity, *sm.batch)
	case sm.note != nil:
		keys := make([]string, 0, len(sm.note))
		for k := range sm.note {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b string) int {
			ia, ib := slices.Index(noteOrder, a), slices.Index(noteOrder, b)
			if ia < 0 {
				ia = len(noteOrder)
			}
			if ib < 0 {
				ib = len(noteOrder)
			}
			if ia != ib {
				return ia - ib
			}
			return zhuxiang.ComparePinyin(a, b)
		})
		out := make([]string, 0, len(keys))
		for _, k := range keys {
			v := sm.note[k]
			if isEmpty(v) {
				continue
			}
			label := k
			if w, ok := noteWords[k]; ok {
				label = w
			}
			out = append(out, label+"："+showValue(k, v, names))
		}
		return out
	}
	out := make([]string, 0, len(sm.changes))
	for _, c := range sm.changes {
		if c.Before == nil && isEmpty(c.After) {
			continue // a new record's empty field
		}
		if sub := weightChanges(c); sub != nil {
			out = append(out, sub...)
			continue
		}
		field, money := strings.CutSuffix(c.Field, "（分）")
		show := func(v any) string {
			if v == nil {
				return "（空）"
			}
			if money {
				if fen, err := strconv.ParseInt(fmt.Sprint(v), 10, 64); err == nil {
					return yuan(fen)
				}
			}
			if s, ok := v.(string); ok && s == "" {
				return "（空）"
			}
			return showValue(c.Field, v, names)
		}
		if c.Before == nil {
			out = append(out, field+"："+show(c.After))
		} else {
			out = append(out, field+"："+show(c.Before)+" → "+show(c.After))
		}
	}
	return out
}

// zeroValue is a count or amount of nothing, with or without its unit
// ("0", "0吨"): on a new record, a field left empty.
var zeroValue = regexp.MustCompile(`^0+(\.0+)?\D*$`)

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		// "至" is an offer's validity without either date, as entries
		// written before it was left empty say it.
		return x == "" || x == "至" || zeroValue.MatchString(x)
	}
	return false
}

// showValue shows one value of field, with the records it points at named.
func showValue(field string, v any, names map[string]map[string]store.AuditObject) string {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case float64:
		s = strconv.FormatFloat(x, 'f', -1, 64)
	default:
		s = fmt.Sprint(v)
	}
	kind, ok := refFields[field]
	if !ok {
		return s
	}
	if kind != "region" {
		if o, ok := names[kind][s]; ok {
			return o.Name
		}
		return s
	}
	return regionCode.ReplaceAllStringFunc(s, func(code string) string {
		if o, ok := names["region"][code]; ok {
			return o.Name
		}
		return code
	})
}

// weightChanges shows a change of the matching weights (stored as their
// JSON) as one line per weight that changed, in the words of the weights
// page; nil for any other change.
func weightChanges(c store.Change) []string {
	if c.Field != "匹配权重" {
		return nil
	}
	var before, after map[string]int
	bs, _ := c.Before.(string)
	as, _ := c.After.(string)
	if json.Unmarshal([]byte(bs), &before) != nil || json.Unmarshal([]byte(as), &after) != nil {
		return nil
	}
	out := []string{}
	for _, w := range weightInfos {
		if before[w.Key] != after[w.Key] {
			out = append(out, fmt.Sprintf("%s：%d → %d", w.Label, before[w.Key], after[w.Key]))
		}
	}
	return out
}
