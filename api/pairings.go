package api

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"

	"zhuxiang"
	"zhuxiang/attach"
	"zhuxiang/store"
)

// pairingJSON is an organization paired with a county or a village.
type pairingJSON struct {
	ID          string         `json:"id"`
	OrgID       string         `json:"org_id"`
	Org         string         `json:"org"`
	CountyCode  string         `json:"county_code"`
	VillageCode string         `json:"village_code"`
	County      string         `json:"county"`
	Village     string         `json:"village"`
	Place       string         `json:"place"`
	Action      string         `json:"action"`
	ActionLabel string         `json:"action_label"`
	NeedID      string         `json:"need_id"`
	MatchID     string         `json:"match_id"`
	StartDate   string         `json:"start_date"`
	EndDate     string         `json:"end_date"`
	Source      string         `json:"source"`
	SourceLabel string         `json:"source_label"`
	Note        string         `json:"note"`
	Agreement   *agreementJSON `json:"agreement"` // null when none was uploaded
	Version     int            `json:"version"`
	CreatedAt   string         `json:"created_at"`
	CreatedBy   string         `json:"created_by"`
	UpdatedAt   string         `json:"updated_at"`
}

// agreementJSON describes the agreement file; the file itself is fetched
// from URL, so that lists stay small.
type agreementJSON struct {
	Name   string `json:"name"`
	Type   string `json:"type"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	URL    string `json:"url"`
}

func toPairingJSON(p *zhuxiang.Pairing) pairingJSON {
	out := pairingJSON{ID: p.ID, OrgID: p.OrgID, Org: p.Org, CountyCode: p.CountyCode, VillageCode: p.VillageCode, County: p.County,
		Village: p.Village, Place: p.Place(), Action: string(p.Action), ActionLabel: p.Action.Label(), NeedID: p.NeedID, MatchID: p.MatchID,
		StartDate: p.StartDate, EndDate: p.EndDate, Source: string(p.Source), SourceLabel: p.Source.Label(), Note: p.Note, Version: p.Version,
		CreatedAt: rfc3339(p.CreatedAt), CreatedBy: p.CreatedBy, UpdatedAt: rfc3339(p.UpdatedAt)}
	if p.FileSHA != "" {
		out.Agreement = &agreementJSON{Name: p.FileName, Type: p.FileType, Size: p.FileSize, SHA256: p.FileSHA,
			URL: Prefix + "/pairings/" + url.PathEscape(p.ID) + "/agreement"}
	}
	return out
}

func (s *server) listPairings(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	q := newQuery(r)
	f := store.PairingFilter{County: q.county("county"), Org: q.str("org"), Action: q.action("action"), Q: q.str("q")}
	switch v := zhuxiang.PairingSource(q.str("source")); v {
	case "", zhuxiang.PairingFromMatch, zhuxiang.PairingDirect, zhuxiang.PairingImported:
		f.Source = v
	default:
		q.fail("source", "来源“%s”无效（可选：match、direct、import）", v)
	}
	switch v := q.str("agreement"); v {
	case "", "has", "none":
		f.Agreement = v
	default:
		q.fail("agreement", "agreement应为has或none")
	}
	f.Offset = q.offsetCursor()
	f.Limit = q.limit(50, 500)
	if q.err != nil {
		return q.err
	}
	page, err := s.st.ListPairings(r.Context(), a, f)
	if err != nil {
		return err
	}
	items := make([]pairingJSON, 0, len(page.Pairings))
	for _, p := range page.Pairings {
		items = append(items, toPairingJSON(p))
	}
	next := ""
	if end := f.Offset + len(page.Pairings); len(page.Pairings) > 0 && end < page.Total {
		next = strconv.FormatInt(int64(end), 36)
	}
	// The store counts pairings exactly; there is no cap to report.
	writeJSON(w, http.StatusOK, list[pairingJSON]{items, next, page.Total, false})
	return nil
}

func (s *server) getPairing(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	return s.writePairing(w, r, a, r.PathValue("id"))
}

// writePairing answers with the pairing as the caller sees it now, after
// a change as on a read.
func (s *server) writePairing(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor, id string) error {
	p, err := s.st.Pairing(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toPairingJSON(p))
	return nil
}

// pairingInput is the body of POST /pairings. The agreement travels base64
// encoded (encoding/json's form for bytes), so that a pairing and its file
// arrive in one request and are stored in one transaction.
type pairingInput struct {
	OrgID       string          `json:"org_id"`
	CountyCode  string          `json:"county_code"`
	VillageCode string          `json:"village_code"`
	Action      string          `json:"action"`
	StartDate   string          `json:"start_date"`
	EndDate     string          `json:"end_date"`
	Note        string          `json:"note"`
	Agreement   *agreementInput `json:"agreement"`
}

// agreementInput carries the file as base64 text. It is decoded here rather
// than by encoding/json, whose error for bad base64 names no field.
type agreementInput struct {
	Name string `json:"name"`
	Data string `json:"data"`
}

func (in *agreementInput) decode(field string) (*store.Agreement, error) {
	data, err := base64.StdEncoding.DecodeString(in.Data)
	if err != nil {
		return nil, zhuxiang.Errorf(zhuxiang.EInvalid, field, "协议文件内容应为base64编码")
	}
	if len(data) == 0 {
		return nil, nil
	}
	return &store.Agreement{Name: in.Name, Data: data}, nil
}

func (s *server) createPairing(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	var in pairingInput
	if err := decode(r, &in); err != nil {
		return err
	}
	// A county user enters pairings for its own county unless it names a
	// village, from which the store finds the county.
	if in.CountyCode == "" && in.VillageCode == "" {
		if c, v := zhuxiang.HomePlace(a); v == "" {
			in.CountyCode = c
		}
	}
	p := &zhuxiang.Pairing{OrgID: in.OrgID, CountyCode: in.CountyCode, VillageCode: in.VillageCode, StartDate: in.StartDate, EndDate: in.EndDate, Note: in.Note}
	if in.Action != "" {
		p.Action = parseAction(in.Action)
	}
	var file *store.Agreement
	if in.Agreement != nil {
		var err error
		if file, err = in.Agreement.decode("agreement.data"); err != nil {
			return err
		}
	}
	id, err := s.st.CreatePairing(r.Context(), a, p, file)
	if err != nil {
		return err
	}
	if saved, err := s.st.Pairing(r.Context(), a, id); err == nil {
		p = saved
	}
	created(w, "/pairings/"+url.PathEscape(id), toPairingJSON(p))
	return nil
}

// getPairingAgreement sends the agreement file itself, the one answer of
// the API that is not JSON: the current one, or with ?version=N an earlier
// one (listPairingAgreements lists them).
func (s *server) getPairingAgreement(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	n := 0
	if v := newQuery(r).str("version"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 || n > zhuxiang.MaxInt32 {
			return zhuxiang.Errorf(zhuxiang.EInvalid, "version", "version应为正整数")
		}
	}
	ag, err := s.st.AgreementFile(r.Context(), a, r.PathValue("id"), n)
	if err != nil {
		return err
	}
	// The type was recognised from the file's content when it was stored;
	// attach.Serve sends it as a download that nothing sniffs or runs.
	attach.Serve(w, r, attach.Served{Name: ag.Name, Type: ag.Type, SHA: ag.SHA, Data: ag.Data, Download: true})
	return nil
}

// putPairingAgreement uploads a pairing's agreement, or replaces it; the
// replaced file stays in the pairing's versions. The body is an
// agreementInput, the file base64 encoded.
func (s *server) putPairingAgreement(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	var in agreementInput
	if err := decode(r, &in); err != nil {
		return err
	}
	file, err := in.decode("data")
	if err != nil {
		return err
	}
	if file == nil {
		return zhuxiang.Errorf(zhuxiang.EInvalid, "data", "请提供协议文件内容（base64编码）")
	}
	id := r.PathValue("id")
	if err := s.st.UploadAgreement(r.Context(), a, id, file); err != nil {
		return err
	}
	return s.writePairing(w, r, a, id)
}

// pairingPatch corrects a pairing's details; a field left out keeps its
// value. Without a version, the one just read still guards against a
// change between this read and the write.
type pairingPatch struct {
	Version   *int    `json:"version"`
	Action    *string `json:"action"`
	StartDate *string `json:"start_date"`
	EndDate   *string `json:"end_date"`
	Note      *string `json:"note"`
}

func (s *server) patchPairing(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	var in pairingPatch
	if err := decode(r, &in); err != nil {
		return err
	}
	ctx, id := r.Context(), r.PathValue("id")
	cur, err := s.st.Pairing(ctx, a, id)
	if err != nil {
		return err
	}
	c := store.PairingChange{Version: cur.Version, Action: cur.Action, StartDate: cur.StartDate, EndDate: cur.EndDate, Note: cur.Note}
	if in.Version != nil {
		c.Version = *in.Version
	}
	if in.Action != nil {
		c.Action = parseAction(*in.Action)
		if cur.ActionFixed() && c.Action != cur.Action {
			return zhuxiang.Errorf(zhuxiang.EInvalid, "action", "平台对接形成的结对，行动随需求确定，不能更改")
		}
	}
	if in.StartDate != nil {
		c.StartDate = *in.StartDate
	}
	if in.EndDate != nil {
		c.EndDate = *in.EndDate
	}
	if in.Note != nil {
		c.Note = *in.Note
	}
	if err := s.st.UpdatePairing(ctx, a, id, c); err != nil {
		return err
	}
	return s.writePairing(w, r, a, id)
}

// agreementVersionJSON is one agreement file a pairing has had.
type agreementVersionJSON struct {
	Version    int    `json:"version"`
	Current    bool   `json:"current"`
	Name       string `json:"name"`
	Type       string `json:"type"`
	Size       int64  `json:"size"`
	SHA256     string `json:"sha256"`
	UploadedAt string `json:"uploaded_at"`
	UploadedBy string `json:"uploaded_by"`
	ReplacedAt string `json:"replaced_at"` // "" for the current file
	ReplacedBy string `json:"replaced_by"`
	URL        string `json:"url"`
}

// listPairingAgreements lists a pairing's agreement files, the current one
// first, then those it replaced, newest first.
func (s *server) listPairingAgreements(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	id := r.PathValue("id")
	vs, err := s.st.AgreementVersions(r.Context(), a, id)
	if err != nil {
		return err
	}
	items := make([]agreementVersionJSON, 0, len(vs))
	for _, v := range vs {
		j := agreementVersionJSON{Version: v.N, Current: v.Current(), Name: v.Name, Type: v.Type, Size: v.Size, SHA256: v.SHA,
			UploadedAt: rfc3339(v.UploadedAt), UploadedBy: v.UploadedBy, ReplacedAt: rfc3339(v.ReplacedAt), ReplacedBy: v.ReplacedBy,
			URL: Prefix + "/pairings/" + url.PathEscape(id) + "/agreement?version=" + strconv.Itoa(v.N)}
		items = append(items, j)
	}
	writeJSON(w, http.StatusOK, list[agreementVersionJSON]{items, "", len(items), false})
	return nil
}
