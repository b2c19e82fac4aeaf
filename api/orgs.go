package api

import (
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"zhuxiang"
	"zhuxiang/store"
)

// orgJSON is an organization as other systems receive it.
type orgJSON struct {
	ID             string   `json:"id"`
	Name           string   `json:"name"`
	CreditCode     string   `json:"credit_code"`
	LegalForm      string   `json:"legal_form"`
	LegalFormLabel string   `json:"legal_form_label"`
	Kinds          []string `json:"kinds"`
	KindLabels     []string `json:"kind_labels"`
	DepartmentID   string   `json:"department_id"`
	Department     string   `json:"department"`
	Rating         int      `json:"rating"`
	RatingLabel    string   `json:"rating_label"`
	RatingDate     string   `json:"rating_date"`
	RatingValid    bool     `json:"rating_valid"`
	// Inspections is absent from list items: the list reads one row per
	// organization, and an empty array there would wrongly say "none".
	Inspections *[]inspectionJSON `json:"inspections,omitempty"`
	Flags       []flagJSON        `json:"flags"`
	RegCounty   string            `json:"reg_county"`
	RegPlace    string            `json:"reg_place"`
	Contact     string            `json:"contact"`
	Phone       string            `json:"phone"`
	Address     string            `json:"address"`
	Intro       string            `json:"intro"`
	Version     int               `json:"version"`
	CreatedAt   string            `json:"created_at"`
	UpdatedAt   string            `json:"updated_at"`
	Warning     string            `json:"warning,omitempty"`
}

type inspectionJSON struct {
	Year   int    `json:"year"`
	Result string `json:"result"`
}

// flagJSON is a list the organization is on. Source and date are absent in
// list items, which carry only which lists apply.
type flagJSON struct {
	Kind   string `json:"kind"`
	Label  string `json:"label"`
	Source string `json:"source,omitempty"`
	Date   string `json:"date,omitempty"`
}

// toOrgJSON renders o as the store handed it back: the phone is already
// masked for those who may not see it whole (zhuxiang.CanSeePhone).
func toOrgJSON(o *zhuxiang.Org, detail bool, now time.Time) orgJSON {
	out := orgJSON{ID: o.ID, Name: o.Name, CreditCode: o.CreditCode, LegalForm: string(o.LegalForm), LegalFormLabel: o.LegalForm.Label(),
		Kinds: []string{}, KindLabels: []string{}, DepartmentID: o.DepartmentID, Department: o.Department,
		Rating: o.Rating, RatingLabel: o.RatingLabel(), RatingDate: o.RatingDate, RatingValid: o.RatingValid(now),
		Flags: []flagJSON{}, RegCounty: o.RegCounty, RegPlace: o.RegPlace, Contact: o.Contact, Phone: o.Phone,
		Address: o.Address, Intro: o.Intro, Version: o.Version, CreatedAt: rfc3339(o.CreatedAt), UpdatedAt: rfc3339(o.UpdatedAt)}
	for _, k := range o.Kinds {
		out.Kinds = append(out.Kinds, string(k))
		out.KindLabels = append(out.KindLabels, k.Label())
	}
	for _, f := range o.Flags {
		out.Flags = append(out.Flags, flagJSON{Kind: string(f.Kind), Label: f.Kind.Label(), Source: f.Source, Date: f.Date})
	}
	if detail {
		ins := make([]inspectionJSON, 0, len(o.Inspections))
		for _, in := range o.Inspections {
			ins = append(ins, inspectionJSON{Year: in.Year, Result: in.Result})
		}
		out.Inspections = &ins
	}
	return out
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func (s *server) listOrgs(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	q := newQuery(r)
	f := store.OrgFilter{Department: q.str("department"), Q: q.str("q"), Cursor: q.str("cursor")}
	if v := q.str("county"); v != "" {
		if v != "outside" && !zhuxiang.IsRegionCode(v) {
			q.fail("county", "county应为县市区划代码或outside（州外登记）")
		}
		f.County = v
	}
	if v := q.str("kind"); v != "" {
		k, ok := zhuxiang.ParseOrgKind(v)
		if !ok {
			q.fail("kind", "未知的组织类别“%s”", v)
		}
		f.Kind = k
	}
	if v := q.str("legal_form"); v != "" {
		lf, ok := zhuxiang.ParseLegalForm(v)
		if !ok {
			q.fail("legal_form", "法人类型“%s”无效（可选：association、service、foundation、other）", v)
		}
		f.LegalForm = lf
	}
	switch v := q.str("rating"); v {
	case "":
	case "none", "0":
		f.Rating = -1
	case "lapsed", "expiring":
		f.RatingState = v
	default:
		n, err := zhuxiang.ParseRating(v)
		if err != nil || n == 0 {
			q.fail("rating", "rating应为1至5、none、lapsed或expiring")
		}
		f.Rating = n
	}
	switch v := q.str("inspection"); v {
	case "", "overdue", "due":
		f.Inspection = v
	default:
		q.fail("inspection", "inspection应为overdue或due")
	}
	switch v := q.str("flag"); v {
	case "", "abnormal", "dishonest", "any", "none":
		f.Flag = v
	default:
		q.fail("flag", "flag应为abnormal、dishonest、any或none")
	}
	// The store quietly turns a limit over 500 into 20; an API client
	// deserves to be told instead.
	f.Limit = q.limit(20, 500)
	if q.err != nil {
		return q.err
	}
	page, err := s.st.ListOrgs(r.Context(), a, f)
	if err != nil {
		return err
	}
	now := time.Now()
	items := make([]orgJSON, 0, len(page.Orgs))
	for _, o := range page.Orgs {
		items = append(items, toOrgJSON(o, false, now))
	}
	writeJSON(w, http.StatusOK, struct {
		Items       []orgJSON `json:"items"`
		NextCursor  string    `json:"next_cursor"`
		Total       int       `json:"total"`
		TotalCapped bool      `json:"total_capped"`
	}{items, page.Next, page.Total, page.Capped})
	return nil
}

func (s *server) getOrg(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	o, err := s.st.Org(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toOrgJSON(o, true, time.Now()))
	return nil
}

// orgInput is the body of POST and PUT. The read-only fields of an answer
// are accepted and ignored, so that a client can GET an organization, change
// a field and PUT it back; anything else unknown is refused.
type orgInput struct {
	Name         string           `json:"name"`
	CreditCode   string           `json:"credit_code"`
	LegalForm    string           `json:"legal_form"`
	Kinds        []string         `json:"kinds"`
	DepartmentID string           `json:"department_id"`
	Rating       int              `json:"rating"`
	RatingDate   string           `json:"rating_date"`
	Inspections  []inspectionJSON `json:"inspections"`
	Flags        []flagInput      `json:"flags"`
	RegCounty    string           `json:"reg_county"`
	RegPlace     string           `json:"reg_place"`
	Contact      string           `json:"contact"`
	Phone        string           `json:"phone"`
	Address      string           `json:"address"`
	Intro        string           `json:"intro"`
	Version      *int             `json:"version"`

	ID             string          `json:"id"`
	LegalFormLabel json.RawMessage `json:"legal_form_label"`
	KindLabels     json.RawMessage `json:"kind_labels"`
	Department     json.RawMessage `json:"department"`
	RatingLabel    json.RawMessage `json:"rating_label"`
	RatingValid    json.RawMessage `json:"rating_valid"`
	CreatedAt      json.RawMessage `json:"created_at"`
	UpdatedAt      json.RawMessage `json:"updated_at"`
	Warning        json.RawMessage `json:"warning"`
}

type flagInput struct {
	Kind   string          `json:"kind"`
	Source string          `json:"source"`
	Date   string          `json:"date"`
	Label  json.RawMessage `json:"label"` // read-only, ignored
}

// toOrg turns the body into a domain value; the store validates it further
// (with messages naming the field) and applies the actor's rights.
func (in *orgInput) toOrg() (*zhuxiang.Org, error) {
	o := &zhuxiang.Org{Name: in.Name, CreditCode: in.CreditCode, DepartmentID: in.DepartmentID, Rating: in.Rating,
		RegCounty: in.RegCounty, RegPlace: in.RegPlace, Contact: in.Contact, Phone: in.Phone, Address: in.Address, Intro: in.Intro}
	if in.LegalForm != "" {
		lf, ok := zhuxiang.ParseLegalForm(in.LegalForm)
		if !ok {
			return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "legal_form", "法人类型“%s”无效（可选：association、service、foundation、other）", in.LegalForm)
		}
		o.LegalForm = lf
	}
	for _, v := range in.Kinds {
		k, ok := zhuxiang.ParseOrgKind(v)
		if !ok {
			return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "kinds", "未知的组织类别“%s”", v)
		}
		o.Kinds = append(o.Kinds, k)
	}
	var err error
	if o.RatingDate, err = zhuxiang.ParseDate("rating_date", in.RatingDate); err != nil {
		return nil, err
	}
	for _, i := range in.Inspections {
		o.Inspections = append(o.Inspections, zhuxiang.Inspection{Year: i.Year, Result: i.Result})
	}
	for _, f := range in.Flags {
		k, ok := zhuxiang.ParseFlagKind(f.Kind)
		if !ok {
			return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "flags", "未知的名录类型“%s”（可选：abnormal、dishonest）", f.Kind)
		}
		d, err := zhuxiang.ParseDate("flags", f.Date)
		if err != nil {
			return nil, err
		}
		o.Flags = append(o.Flags, zhuxiang.OrgFlag{Kind: k, Source: f.Source, Date: d})
	}
	return o, nil
}

func (s *server) createOrg(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	var in orgInput
	if err := decode(r, &in); err != nil {
		return err
	}
	o, err := in.toOrg()
	if err != nil {
		return err
	}
	warn, err := s.st.CreateOrg(r.Context(), a, o)
	if err != nil {
		return err
	}
	// Read back for the department name and timestamps the store sets; the
	// organization exists now, so a failed read must not turn into an error
	// that invites the client to create it again.
	if saved, err := s.st.Org(r.Context(), a, o.ID); err == nil {
		o = saved
	}
	out := toOrgJSON(o, true, time.Now())
	out.Warning = warn
	w.Header().Set("Location", Prefix+"/orgs/"+url.PathEscape(o.ID))
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *server) putOrg(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	var in orgInput
	if err := decode(r, &in); err != nil {
		return err
	}
	id, version, err := putTarget(r, in.ID, in.Version)
	if err != nil {
		return err
	}
	o, err := in.toOrg()
	if err != nil {
		return err
	}
	o.ID, o.Version = id, version
	warn, err := s.st.UpdateOrg(r.Context(), a, o)
	if err != nil {
		return err
	}
	saved, err := s.st.Org(r.Context(), a, id)
	if err != nil {
		return err
	}
	out := toOrgJSON(saved, true, time.Now())
	out.Warning = warn
	writeJSON(w, http.StatusOK, out)
	return nil
}
