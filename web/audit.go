package web

import (
	"net/http"
	"net/url"
	"strconv"
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
	Entries  []zhuxiang.AuditEntry
	Verify   store.AuditVerifyResult
	Verified bool // the chain was checked for this view (?verify=1)
	Users    []*zhuxiang.User
	Entities []string
	Ops      []string
	NextURL  string
	FirstURL string
	Errors   formErrors
	Names    map[string]string // entity ID → what people call it
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
	d := auditData{F: f, Entities: []string{"org", "region", "user", "department"}, Ops: auditOps(), Errors: formErrors{}}
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
	var err error
	if len(d.Errors) == 0 {
		if d.Entries, err = s.st.ListAudit(ctx, a, af); err != nil {
			return err
		}
	}
	// Re-hashing the chain reads every entry (about a second per 100 000
	// on our machines), so it runs when the administrator asks for it.
	if qs.Get("verify") == "1" {
		if d.Verify, err = s.st.VerifyAudit(ctx); err != nil {
			return err
		}
		d.Verified = true
	}
	if d.Users, err = s.st.ListUsers(ctx, a); err != nil {
		return err
	}
	d.Names = s.auditNames(r, q, d.Entries, d.Users)
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
	if len(d.Entries) == auditPageSize {
		v.Set("before", strconv.FormatInt(d.Entries[len(d.Entries)-1].Seq, 10))
		d.NextURL = "/audit?" + v.Encode()
	}
	status := http.StatusOK
	if len(d.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, "audit", &view{Title: "审计日志", Nav: "audit", Data: d})
	return nil
}

// auditNames names the objects of one page of entries, so that the admin
// reads "和静县养殖协会" rather than an opaque ID. A page holds at most
// auditPageSize entries, which bounds the lookups; a record deleted or
// renamed since keeps showing its ID or its current name.
func (s *server) auditNames(r *http.Request, q *request, entries []zhuxiang.AuditEntry, users []*zhuxiang.User) map[string]string {
	ctx, a := r.Context(), q.actor
	names := map[string]string{}
	for _, u := range users {
		names[u.ID] = u.DisplayName
	}
	var depts []*zhuxiang.Department
	for _, e := range entries {
		if e.EntityID == "" {
			continue
		}
		if _, done := names[e.EntityID]; done {
			continue
		}
		switch e.Entity {
		case "org":
			if o, err := s.st.Org(ctx, a, e.EntityID); err == nil {
				names[e.EntityID] = o.Name
			}
		case "region":
			if reg, err := s.st.Region(ctx, a, e.EntityID); err == nil {
				names[e.EntityID] = reg.Name
			}
		case "department":
			if depts == nil {
				depts, _ = s.st.Departments(ctx, a)
				for _, d := range depts {
					names[d.ID] = d.Name
				}
			}
		}
	}
	return names
}
