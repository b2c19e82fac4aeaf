package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"zhuxiang"
	"zhuxiang/attach"
	"zhuxiang/sheet"
	"zhuxiang/store"
)

// pairingFilters are the pairing list's query parameters.
type pairingFilters struct {
	County string
	Action string
	Source string
	Agree  string // "has" or "none": with or without an agreement file
	Q      string
	Page   int // from 1; pairings are few enough per scope for offsets
}

const pairingPageSize = 50

// agreementOptions filter pairings by their agreement file.
var agreementOptions = []option{{"has", "已上传"}, {"none", "未上传"}}

func readPairingFilters(qs url.Values) pairingFilters {
	f := pairingFilters{County: qs.Get("county"), Action: qs.Get("action"), Source: qs.Get("source"), Agree: qs.Get("agreement"), Q: strings.TrimSpace(qs.Get("q"))}
	if f.Agree != "has" && f.Agree != "none" {
		f.Agree = ""
	}
	if _, ok := zhuxiang.ParseAction(f.Action); !ok {
		f.Action = ""
	}
	switch zhuxiang.PairingSource(f.Source) {
	case zhuxiang.PairingFromMatch, zhuxiang.PairingDirect, zhuxiang.PairingImported:
	default:
		f.Source = ""
	}
	if !zhuxiang.IsRegionCode(f.County) {
		f.County = ""
	}
	if len([]rune(f.Q)) > 60 {
		f.Q = string([]rune(f.Q)[:60])
	}
	f.Page, _ = strconv.Atoi(qs.Get("page"))
	if f.Page < 1 || f.Page > 10000 {
		f.Page = 1
	}
	return f
}

func (f pairingFilters) store() store.PairingFilter {
	return store.PairingFilter{County: f.County, Action: zhuxiang.Action(f.Action), Source: zhuxiang.PairingSource(f.Source), Agreement: f.Agree, Q: f.Q,
		Limit: pairingPageSize, Offset: (f.Page - 1) * pairingPageSize}
}

func (f pairingFilters) query() string {
	v := url.Values{}
	for k, x := range map[string]string{"county": f.County, "action": f.Action, "source": f.Source, "agreement": f.Agree, "q": f.Q} {
		if x != "" {
			v.Set(k, x)
		}
	}
	return v.Encode()
}

// Active tells the page whether to offer "清除".
func (f pairingFilters) Active() bool { return f.query() != "" }

type pairingListData struct {
	F         pairingFilters
	Page      *store.PairingPage
	Counties  []option
	Actions   []option
	Sources   []option
	Agrees    []option
	PrevURL   string
	NextURL   string
	ExportURL string
	CanCreate bool
	CanImport bool
	Today     string
}

func (s *server) pairingList(w http.ResponseWriter, r *http.Request, q *request) error {
	ctx, a := r.Context(), q.actor
	f := readPairingFilters(r.URL.Query())
	page, err := s.st.ListPairings(ctx, a, f.store())
	if err != nil {
		return err
	}
	counties, err := q.counties(ctx, s.st)
	if err != nil {
		return err
	}
	d := pairingListData{F: f, Page: page, Counties: countyOptions(counties), Actions: actionOptions, Sources: sourceOptions, Agrees: agreementOptions,
		CanCreate: zhuxiang.CanCreatePairings(a) == nil, CanImport: zhuxiang.CanImport(a, zhuxiang.ImportPairings) == nil, Today: time.Now().In(s.loc).Format(zhuxiang.DateLayout)}
	base := f.query()
	d.PrevURL, d.NextURL = offsetLinks("/pairings", base, f.Page, pairingPageSize, page.Total)
	d.ExportURL = "/pairings/export.xlsx"
	if base != "" {
		d.ExportURL += "?" + base
	}
	s.render(w, r, http.StatusOK, "pairings", &view{Title: "结对帮扶", Nav: "pairings", Data: d})
	return nil
}

// pairingExportMax bounds one export; the store caps a page at this.
const pairingExportMax = 10000

// pairingExport writes the list with the page's filters as a workbook.
func (s *server) pairingExport(w http.ResponseWriter, r *http.Request, q *request) error {
	f := readPairingFilters(r.URL.Query())
	sf := f.store()
	sf.Limit, sf.Offset = pairingExportMax, 0
	page, err := s.st.ListPairings(r.Context(), q.actor, sf)
	if err != nil {
		return err
	}
	sh := sheet.Sheet{Name: "结对帮扶", Header: []string{"社会组织", "县市", "村", "行动", "开始日期", "结束日期", "来源", "备注", "协议文件"}}
	for _, p := range page.Pairings {
		sh.Rows = append(sh.Rows, []any{p.Org, p.County, p.Village, p.Action.Short(), p.StartDate, p.EndDate, p.Source.Label(), p.Note, p.FileName})
	}
	name := "结对帮扶-" + time.Now().In(s.loc).Format("20060102") + ".xlsx"
	hw := &headerOnWrite{ResponseWriter: w, set: func(h http.Header) {
		h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		h.Set("Content-Disposition", "attachment; filename=\"pairings.xlsx\"; filename*=UTF-8''"+url.PathEscape(name))
		h.Set("Cache-Control", "no-store")
	}}
	if err := sheet.WriteXLSX(hw, sh); err != nil {
		if hw.started {
			s.log.Error("pairing export aborted", "err", err)
			return nil
		}
		return err
	}
	return nil
}

// pairingInput is the form as typed; the file cannot be kept across an
// error (browsers refuse to prefill file inputs), the page says so.
type pairingInput struct {
	County, Action, Start, End, Note string
}

type pairingFormData struct {
	In       pairingInput
	Org      *picker
	Village  *picker
	Counties []*zhuxiang.Region // those the actor may enter pairings in
	Errors   formErrors
}

// ActionFixed tells the shared fields (templates/_pairing.html) to offer
// the action: a pairing entered by hand names its own.
func (d *pairingFormData) ActionFixed() bool { return false }

var pairingFields = []string{"county", "action", "start_date", "end_date", "note", "file"}

// newPairingForm is the form with its two pickers: the organization
// (among those the actor may see, or any by credit code) and the village
// (among those of the counties the actor enters pairings for).
func newPairingForm(in pairingInput) *pairingFormData {
	d := &pairingFormData{In: in, Org: pickOrgs.newPicker("org", "社会组织"), Village: pickVillages.newPicker("village", "结对的村"), Errors: formErrors{}}
	d.Org.Required = true
	d.Org.Hint = "输入组织名称或拼音（全拼或首字母）；搜不到的组织（如对口援疆省市的）请粘贴其统一社会信用代码。列入活动异常或失信名录的组织不能结对。"
	d.Village.Hint = "与县市结对时不填。" + d.Village.Hint
	return d
}

func (s *server) pairingNew(w http.ResponseWriter, r *http.Request, q *request) error {
	if err := zhuxiang.CanCreatePairings(q.actor); err != nil {
		return err
	}
	in := pairingInput{Start: time.Now().In(s.loc).Format(zhuxiang.DateLayout)}
	in.County, _ = zhuxiang.HomePlace(q.actor)
	return s.renderPairingForm(w, r, http.StatusOK, q, newPairingForm(in))
}

func (s *server) renderPairingForm(w http.ResponseWriter, r *http.Request, status int, q *request, d *pairingFormData) error {
	counties, err := q.counties(r.Context(), s.st)
	if err != nil {
		return err
	}
	for _, c := range counties {
		if zhuxiang.CanCreatePairing(q.actor, c.Code) == nil {
			d.Counties = append(d.Counties, c)
		}
	}
	for _, p := range []*picker{d.Org, d.Village} {
		if e := d.Errors[p.Name]; e != "" && p.Error == "" {
			p.Error = e
		}
	}
	s.render(w, r, status, "pairing_form", &view{Title: "录入结对", Nav: "pairings", Data: d})
	return nil
}

// readAgreementForm reads a pairing form with its one agreement file (at
// most 10 MB; the body is cut at 11): its fields, and the file, kept in
// memory. A file too large or an upload cut short is reported in errs,
// with the fields read before it kept.
func readAgreementForm(q *request, errs formErrors) (url.Values, *store.Agreement) {
	vals, name, data := readUpload(q, "file", zhuxiang.AgreementMaxBytes, "协议文件", errs)
	if data == nil {
		return vals, nil
	}
	return vals, &store.Agreement{Name: name, Data: data}
}

// pairingCreate hands the form and its agreement to the store, which
// checks the file by its content.
func (s *server) pairingCreate(w http.ResponseWriter, r *http.Request, q *request) error {
	ctx, a := r.Context(), q.actor
	if err := zhuxiang.CanCreatePairings(a); err != nil {
		return err
	}
	if q.mr == nil {
		d := newPairingForm(pairingInput{})
		d.Errors["form"] = "请通过本页的表单提交（含协议文件的表单）"
		return s.renderPairingForm(w, r, http.StatusBadRequest, q, d)
	}
	errs := formErrors{}
	vals, file := readAgreementForm(q, errs)
	d := newPairingForm(pairingInput{County: strings.TrimSpace(vals.Get("county")), Action: vals.Get("action"),
		Start: strings.TrimSpace(vals.Get("start_date")), End: strings.TrimSpace(vals.Get("end_date")), Note: vals.Get("note")})
	d.Errors = errs
	in := d.In
	// The note's limit is the domain's (Pairing.Validate), so the API
	// keeps it too; its error comes back from the store by field.
	p := &zhuxiang.Pairing{Action: zhuxiang.Action(in.Action), StartDate: in.Start, EndDate: in.End, Note: strings.TrimSpace(in.Note)}
	org, err := pickOrgs.resolve(ctx, s.st, a, d.Org, vals.Get)
	if err != nil {
		return err
	}
	switch {
	case org != nil:
		p.OrgID = org.ID
	case d.Org.Error == "":
		d.Org.Error = "请选择社会组织：" + pickOrgs.hint
	}
	village, err := pickVillages.resolve(ctx, s.st, a, d.Village, vals.Get)
	if err != nil {
		return err
	}
	// A village names its county (the store checks that it is the one
	// chosen, if any); without one the pairing is with the county.
	p.CountyCode = in.County
	switch {
	case village != nil:
		p.VillageCode = village.ID
	case d.Village.Error == "" && in.County == "":
		errs["county"] = "请选择结对的县市，或在下面选择村"
	}
	if d.Org.Error != "" {
		errs["org"] = d.Org.Error
	}
	if d.Village.Error != "" {
		errs["village"] = d.Village.Error
	}
	if len(errs) > 0 {
		// Every other problem too, so the form shows them all at once. A
		// missing place is said already, by the county select or the
		// village picker.
		errs.add(p.Validate(), append(pairingFields, "org", "village", "region")...)
		if e := errs["region"]; e != "" {
			delete(errs, "region")
			if errs["county"] == "" && errs["village"] == "" {
				errs["county"] = e
			}
		}
		return s.renderPairingForm(w, r, http.StatusUnprocessableEntity, q, d)
	}
	id, err := s.st.CreatePairing(ctx, a, p, file)
	switch code := zhuxiang.ErrorCodeOf(err); code {
	case "":
		redirect(w, r, "/pairings/"+url.PathEscape(id)+"?saved=1")
		return nil
	case zhuxiang.EInvalid, zhuxiang.EConflict:
		d.Errors = fieldError(err, append(pairingFields, "org", "village")...)
		return s.renderPairingForm(w, r, code.HTTPStatus(), q, d)
	}
	return err
}

// baseName keeps the last element of an uploaded file's name: old
// browsers send the whole Windows path.
func baseName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	if len([]rune(name)) > 100 {
		name = string([]rune(name)[:100])
	}
	return name
}

// agreementRow is one version of a pairing's agreement, as the page
// lists it.
type agreementRow struct {
	zhuxiang.AgreementVersion
	Size string
	URL  string
}

type pairingDetailData struct {
	Pairing  *zhuxiang.Pairing
	Size     string
	Versions []agreementRow
	CanEdit  bool // a side or the county: may upload and correct
	CanStart bool // the paired organization (or the admin): may start a project from it
	// Projects are those grown from the pairing that the user may see.
	Projects  []*zhuxiang.Project
	FileError string // the upload's error, next to its field
}

func (s *server) pairingDetail(w http.ResponseWriter, r *http.Request, q *request) error {
	v := &view{}
	switch qs := r.URL.Query(); {
	case qs.Get("saved") != "":
		v.Flash = "已录入结对。"
	case qs.Get("done") == "upload":
		v.Flash = "已上传协议文件。"
	case qs.Get("done") == "replace":
		v.Flash = "已上传协议文件的新版本，原文件保留在版本记录中。"
	case qs.Get("done") == "edit":
		v.Flash = "已更正结对信息。"
	}
	return s.renderPairing(w, r, q, http.StatusOK, v, "")
}

func (s *server) renderPairing(w http.ResponseWriter, r *http.Request, q *request, status int, v *view, fileError string) error {
	ctx := r.Context()
	p, err := s.st.Pairing(ctx, q.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	vs, err := s.st.AgreementVersions(ctx, q.actor, p.ID)
	if err != nil {
		return err
	}
	d := pairingDetailData{Pairing: p, CanEdit: zhuxiang.CanEditPairing(q.actor, p) == nil, FileError: fileError,
		CanStart: zhuxiang.CanStartProjectFrom(q.actor, p) == nil}
	if p.FileSize > 0 {
		d.Size = sizeText(p.FileSize)
	}
	if !zhuxiang.ProjectScope(q.actor).None() {
		page, err := s.st.ListProjects(ctx, q.actor, store.ProjectFilter{Pairing: p.ID, Limit: 20})
		if err != nil {
			return err
		}
		d.Projects = page.Projects
	}
	for _, ver := range vs {
		row := agreementRow{AgreementVersion: ver, Size: sizeText(ver.Size), URL: "/pairings/" + url.PathEscape(p.ID) + "/agreement?version=" + strconv.Itoa(ver.N)}
		if ver.Current() {
			row.URL = "/pairings/" + url.PathEscape(p.ID) + "/agreement"
		}
		d.Versions = append(d.Versions, row)
	}
	v.Title, v.Nav, v.Data = p.Org+" · "+p.Place(), "pairings", d
	s.render(w, r, status, "pairing", v)
	return nil
}

// pairingUpload attaches or replaces a pairing's agreement; the replaced
// file stays in its history. A refused file comes back on the pairing's
// page, next to the upload field.
func (s *server) pairingUpload(w http.ResponseWriter, r *http.Request, q *request) error {
	id := r.PathValue("id")
	// Asked before the file is read: a department may read the pairing
	// but not upload.
	p, err := s.st.Pairing(r.Context(), q.actor, id)
	if err != nil {
		return err
	}
	if err := zhuxiang.CanEditPairing(q.actor, p); err != nil {
		return err
	}
	if q.mr == nil {
		return s.renderPairing(w, r, q, http.StatusBadRequest, &view{}, "请通过本页的上传表单提交协议文件")
	}
	errs := formErrors{}
	_, file := readAgreementForm(q, errs)
	if msg := errs["file"] + errs["form"]; msg != "" {
		return s.renderPairing(w, r, q, http.StatusUnprocessableEntity, &view{}, msg)
	}
	err = s.st.UploadAgreement(r.Context(), q.actor, id, file)
	if code := zhuxiang.ErrorCodeOf(err); code == zhuxiang.EInvalid {
		return s.renderPairing(w, r, q, code.HTTPStatus(), &view{}, zhuxiang.ErrorMessage(err))
	} else if err != nil {
		return err
	}
	done := "upload"
	if p.FileSHA != "" {
		done = "replace"
	}
	redirect(w, r, "/pairings/"+url.PathEscape(id)+"?done="+done+"#agreement")
	return nil
}

// pairingEditData is the correction form: the pairing as stored and the
// fields as typed.
type pairingEditData struct {
	Pairing *zhuxiang.Pairing
	In      pairingInput
	Version int
	Errors  formErrors
}

// ActionFixed tells the shared fields whether to offer the action: a
// platform pairing keeps its need's.
func (d pairingEditData) ActionFixed() bool { return d.Pairing.ActionFixed() }

func (s *server) pairingEdit(w http.ResponseWriter, r *http.Request, q *request) error {
	p, err := s.st.Pairing(r.Context(), q.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := zhuxiang.CanEditPairing(q.actor, p); err != nil {
		return err
	}
	in := pairingInput{Action: string(p.Action), Start: p.StartDate, End: p.EndDate, Note: p.Note}
	return s.renderPairingEdit(w, r, http.StatusOK, p, pairingEditData{In: in, Version: p.Version})
}

func (s *server) renderPairingEdit(w http.ResponseWriter, r *http.Request, status int, p *zhuxiang.Pairing, d pairingEditData) error {
	d.Pairing = p
	s.render(w, r, status, "pairing_edit", &view{Title: "更正结对信息", Nav: "pairings", Data: d})
	return nil
}

func (s *server) pairingUpdate(w http.ResponseWriter, r *http.Request, q *request) error {
	ctx, id := r.Context(), r.PathValue("id")
	p, err := s.st.Pairing(ctx, q.actor, id)
	if err != nil {
		return err
	}
	pf := r.PostForm
	in := pairingInput{Action: pf.Get("action"), Start: strings.TrimSpace(pf.Get("start_date")), End: strings.TrimSpace(pf.Get("end_date")), Note: pf.Get("note")}
	version, _ := strconv.Atoi(pf.Get("version"))
	d := pairingEditData{In: in, Version: version}
	if p.ActionFixed() {
		in.Action = string(p.Action)
	}
	err = s.st.UpdatePairing(ctx, q.actor, id, store.PairingChange{Version: version, Action: zhuxiang.Action(in.Action), StartDate: in.Start, EndDate: in.End, Note: in.Note})
	switch code := zhuxiang.ErrorCodeOf(err); code {
	case "":
		redirect(w, r, "/pairings/"+url.PathEscape(id)+"?done=edit")
		return nil
	case zhuxiang.EInvalid, zhuxiang.EConflict:
		d.Errors = fieldError(err, "action", "start_date", "end_date", "note", "version")
		return s.renderPairingEdit(w, r, code.HTTPStatus(), p, d)
	}
	return err
}

// sizeText shows a file size the way people read it.
func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	case n >= 1<<10:
		return strconv.FormatInt((n+512)>>10, 10) + " KB"
	}
	return strconv.FormatInt(n, 10) + " 字节"
}

// pairingAgreement sends the current agreement, or with ?version=N an
// earlier one (so that every agreement download is a path ending in
// /agreement, which admission lets through at a slow phone's pace), as a
// download with the type found from its content when it was stored
// (attach.Serve: never rendered inline, never sniffed, sandboxed), so an
// uploaded file cannot run as a page of this site.
func (s *server) pairingAgreement(w http.ResponseWriter, r *http.Request, q *request) error {
	n := 0
	if v := r.URL.Query().Get("version"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 || n > zhuxiang.MaxInt32 {
			return zhuxiang.Errorf(zhuxiang.ENotFound, "", "协议文件不存在")
		}
	}
	return s.sendAgreement(w, r, q, n)
}

func (s *server) sendAgreement(w http.ResponseWriter, r *http.Request, q *request, n int) error {
	ag, err := s.st.AgreementFile(r.Context(), q.actor, r.PathValue("id"), n)
	if err != nil {
		return err
	}
	attach.Serve(w, r, attach.Served{Name: ag.Name, Type: ag.Type, SHA: ag.SHA, Data: ag.Data, Download: true})
	return nil
}
