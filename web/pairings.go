package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"zhuxiang"
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
	Org, Region, Action, Start, End, Note string
}

type pairingFormData struct {
	In     pairingInput
	Places []placeGroup
	Orgs   []*zhuxiang.Org // suggestions for the organization field
	Errors formErrors
}

var pairingFields = []string{"org", "region", "action", "start_date", "end_date", "note", "file"}

func (s *server) pairingNew(w http.ResponseWriter, r *http.Request, q *request) error {
	if err := zhuxiang.CanCreatePairings(q.actor); err != nil {
		return err
	}
	in := pairingInput{Start: time.Now().In(s.loc).Format(zhuxiang.DateLayout)}
	in.Region, _ = zhuxiang.HomePlace(q.actor)
	return s.renderPairingForm(w, r, http.StatusOK, q, in, nil)
}

func (s *server) renderPairingForm(w http.ResponseWriter, r *http.Request, status int, q *request, in pairingInput, errs formErrors) error {
	places, err := s.places(r, q)
	if err != nil {
		return err
	}
	d := pairingFormData{In: in, Places: places, Errors: errs}
	// A handful of suggestions from the user's own registry; anyone else
	// is found by credit code.
	if p, err := s.st.ListOrgs(r.Context(), q.actor, store.OrgFilter{Flag: "none", Limit: 100}); err == nil {
		d.Orgs = p.Orgs
	}
	s.render(w, r, status, "pairing_form", &view{Title: "录入结对", Nav: "pairings", Data: d})
	return nil
}

// pairingCreate reads the multipart form as it streams (the csrf field was
// checked first), keeps the agreement in memory (it is at most 10 MB, and
// the body is cut at 11), and hands both to the store, which checks the
// file by its content.
func (s *server) pairingCreate(w http.ResponseWriter, r *http.Request, q *request) error {
	a := q.actor
	if err := zhuxiang.CanCreatePairings(a); err != nil {
		return err
	}
	if q.mr == nil {
		return s.renderPairingForm(w, r, http.StatusBadRequest, q, pairingInput{}, formErrors{"form": "请通过本页的表单提交（含协议文件的表单）"})
	}
	var in pairingInput
	errs := formErrors{}
	var file *store.Agreement
	for {
		part, err := q.mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				errs["file"] = "协议文件不能超过 10 MB"
			} else {
				errs["form"] = "上传中断，请重新提交"
			}
			break
		}
		name := part.FormName()
		if name == "file" {
			if part.FileName() == "" {
				part.Close()
				continue
			}
			data, err := io.ReadAll(io.LimitReader(part, zhuxiang.AgreementMaxBytes+1))
			part.Close()
			var mbe *http.MaxBytesError
			switch {
			case errors.As(err, &mbe), err == nil && len(data) > zhuxiang.AgreementMaxBytes:
				errs["file"] = "协议文件不能超过 10 MB"
			case err != nil:
				errs["form"] = "上传中断，请重新提交"
			case len(data) > 0:
				file = &store.Agreement{Name: baseName(part.FileName()), Data: data}
			}
			if err != nil {
				break
			}
			continue
		}
		b, _ := io.ReadAll(io.LimitReader(part, 8<<10))
		part.Close()
		v := string(b)
		switch name {
		case "org":
			in.Org = strings.TrimSpace(v)
		case "region":
			in.Region = strings.TrimSpace(v)
		case "action":
			in.Action = v
		case "start_date":
			in.Start = strings.TrimSpace(v)
		case "end_date":
			in.End = strings.TrimSpace(v)
		case "note":
			in.Note = v
		}
	}
	// The note's limit is the domain's (Pairing.Validate), so the API
	// keeps it too; its error comes back from the store by field.
	p := &zhuxiang.Pairing{Action: zhuxiang.Action(in.Action), StartDate: in.Start, EndDate: in.End, Note: strings.TrimSpace(in.Note)}
	if org, err := s.findOrg(r, a, in.Org); err != nil {
		if zhuxiang.ErrorCodeOf(err) != zhuxiang.EInvalid {
			return err
		}
		errs["org"] = zhuxiang.ErrorMessage(err)
	} else {
		p.OrgID = org.ID
	}
	switch {
	case in.Region == "":
		errs["region"] = "请选择结对的县市或村"
	case q.isCounty(r, s.st, in.Region):
		p.CountyCode = in.Region
	default:
		p.VillageCode = in.Region
	}
	if len(errs) > 0 {
		return s.renderPairingForm(w, r, http.StatusUnprocessableEntity, q, in, errs)
	}
	id, err := s.st.CreatePairing(r.Context(), a, p, file)
	switch code := zhuxiang.ErrorCodeOf(err); code {
	case "":
		redirect(w, r, "/pairings/"+url.PathEscape(id)+"?saved=1")
		return nil
	case zhuxiang.EInvalid, zhuxiang.EConflict:
		errs = fieldError(err, pairingFields...)
		switch zhuxiang.ErrorField(err) {
		case "village", "county":
			errs = formErrors{"region": zhuxiang.ErrorMessage(err)}
		}
		return s.renderPairingForm(w, r, code.HTTPStatus(), q, in, errs)
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

type pairingDetailData struct {
	Pairing *zhuxiang.Pairing
	Size    string
}

func (s *server) pairingDetail(w http.ResponseWriter, r *http.Request, q *request) error {
	p, err := s.st.Pairing(r.Context(), q.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	d := pairingDetailData{Pairing: p}
	if p.FileSize > 0 {
		d.Size = sizeText(p.FileSize)
	}
	v := &view{Title: p.Org + " · " + p.Place(), Nav: "pairings", Data: d}
	if r.URL.Query().Get("saved") != "" {
		v.Flash = "已录入结对。"
	}
	s.render(w, r, http.StatusOK, "pairing", v)
	return nil
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

// pairingAgreement sends the agreement as a download with the type found
// from its content when it was stored: never rendered inline, never
// sniffed, so an uploaded file cannot run as a page of this site.
func (s *server) pairingAgreement(w http.ResponseWriter, r *http.Request, q *request) error {
	ag, err := s.st.PairingAgreement(r.Context(), q.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	ctype, ext := ag.Type, ""
	switch ctype {
	case "application/pdf":
		ext = ".pdf"
	case "image/jpeg":
		ext = ".jpg"
	case "image/png":
		ext = ".png"
	default:
		ctype = "application/octet-stream"
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", "attachment; filename=\"agreement"+ext+"\"; filename*=UTF-8''"+url.PathEscape(ag.Name))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.Itoa(len(ag.Data)))
	w.Write(ag.Data)
	return nil
}
