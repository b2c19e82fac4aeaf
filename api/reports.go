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

// Progress reports travel as JSON, their files base64 encoded inside the
// body (as a pairing's agreement does), so that one request creates the
// report and its files together or not at all; the files are downloaded
// one by one from their own address.

// reportPeopleJSON is the people of one category a report states as
// reached in all.
type reportPeopleJSON struct {
	Category string `json:"category"`
	Reached  int    `json:"reached"`
}

// reportFileJSON is a file of a report: where to download it, and its
// thumbnail's address for an image ("" for a PDF).
type reportFileJSON struct {
	N        int    `json:"n"`
	Name     string `json:"name"`
	Type     string `json:"type"`
	Size     int64  `json:"size"`
	Width    int    `json:"width"`
	Height   int    `json:"height"`
	URL      string `json:"url"`
	ThumbURL string `json:"thumb_url"`
}

// reportJSON is a progress report as a caller who may see its project
// receives it.
type reportJSON struct {
	ID          string                `json:"id"`
	ProjectID   string                `json:"project_id"`
	Date        string                `json:"date"`
	Text        string                `json:"text"`
	People      []reportPeopleJSON    `json:"people"`
	Spending    []projectSpendingJSON `json:"spending"`
	Files       []reportFileJSON      `json:"files"`
	Status      string                `json:"status"`
	StatusLabel string                `json:"status_label"`
	Reason      string                `json:"reason"`
	Answer      string                `json:"answer"`
	Actions     []string              `json:"actions"`
	Version     int                   `json:"version"`
	CreatedAt   string                `json:"created_at"`
	CreatedBy   string                `json:"created_by"`
	UpdatedAt   string                `json:"updated_at"`
	UpdatedBy   string                `json:"updated_by"`
}

func toReportJSON(a zhuxiang.Actor, p *zhuxiang.Project, r *zhuxiang.ProjectReport) reportJSON {
	out := reportJSON{ID: r.ID, ProjectID: p.ID, Date: r.Date, Text: r.Text, People: []reportPeopleJSON{}, Spending: []projectSpendingJSON{},
		Files: []reportFileJSON{}, Status: string(r.Status), StatusLabel: r.Status.Label(), Reason: r.Reason, Answer: r.Answer, Actions: []string{},
		Version: r.Version, CreatedAt: rfc3339(r.CreatedAt), CreatedBy: r.CreatedBy, UpdatedAt: rfc3339(r.UpdatedAt), UpdatedBy: r.UpdatedBy}
	for _, pp := range r.People {
		out.People = append(out.People, reportPeopleJSON(pp))
	}
	for _, e := range r.Spending {
		out.Spending = append(out.Spending, projectSpendingJSON{ID: e.ID, Date: e.Date, Source: string(e.Source), SourceLabel: e.Source.Label(),
			AmountFen: e.AmountFen, Note: e.Note, CreatedAt: rfc3339(e.CreatedAt), CreatedBy: e.CreatedBy})
	}
	base := Prefix + "/projects/" + url.PathEscape(p.ID) + "/reports/" + url.PathEscape(r.ID) + "/files/"
	for i, f := range r.Files {
		u := base + strconv.Itoa(i+1)
		fj := reportFileJSON{N: i + 1, Name: f.Name, Type: f.Type, Size: f.Size, Width: f.Width, Height: f.Height, URL: u}
		if f.ThumbSHA != "" {
			fj.ThumbURL = u + "?thumb=1"
		}
		out.Files = append(out.Files, fj)
	}
	for _, t := range zhuxiang.ReportActions(a, p, r) {
		out.Actions = append(out.Actions, t.Name)
	}
	return out
}

// fileInput is an uploaded file, its bytes base64 encoded.
type fileInput struct {
	Name string `json:"name"`
	Data string `json:"data"`
}

// reportInput is the body of POST /projects/{id}/reports.
type reportInput struct {
	Date     string                `json:"date"`
	Text     string                `json:"text"`
	People   []reportPeopleJSON    `json:"people"`
	Spending []projectSpendingJSON `json:"spending"`
	Files    []fileInput           `json:"files"`
}

// reportTransitionInput is the body of POST
// /projects/{id}/reports/{rid}/transition.
type reportTransitionInput struct {
	Name    string `json:"name"`
	Reason  string `json:"reason"`
	Version int    `json:"version"`
}

func (s *server) listReports(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	p, err := s.st.Project(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	rs, err := s.st.ProjectReports(r.Context(), a, p)
	if err != nil {
		return err
	}
	items := make([]reportJSON, 0, len(rs))
	for _, rep := range rs {
		items = append(items, toReportJSON(a, p, rep))
	}
	writeJSON(w, http.StatusOK, list[reportJSON]{items, "", len(items), false})
	return nil
}

// writeReport answers with the report as stored.
func (s *server) writeReport(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor, status int, id, rid string) error {
	p, rep, err := s.st.Report(r.Context(), a, id, rid)
	if err != nil {
		return err
	}
	if status == http.StatusCreated {
		created(w, "/projects/"+url.PathEscape(id)+"/reports", toReportJSON(a, p, rep))
		return nil
	}
	writeJSON(w, status, toReportJSON(a, p, rep))
	return nil
}

func (s *server) createReport(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	id := r.PathValue("id")
	// Asked before the body is read: who may not report sends nothing.
	p, err := s.st.Project(r.Context(), a, id)
	if err != nil {
		return err
	}
	if err := zhuxiang.CanWriteReport(a, p); err != nil {
		return err
	}
	var in reportInput
	if err := decode(r, &in); err != nil {
		return err
	}
	rep := &zhuxiang.ProjectReport{Date: in.Date, Text: in.Text}
	for _, pp := range in.People {
		rep.People = append(rep.People, zhuxiang.ReportPeople(pp))
	}
	for _, e := range in.Spending {
		src, ok := zhuxiang.ParseFundSource(e.Source)
		if !ok {
			src = zhuxiang.FundSource(e.Source)
		}
		rep.Spending = append(rep.Spending, zhuxiang.ProjectSpending{Date: e.Date, Source: src, AmountFen: e.AmountFen, Note: e.Note})
	}
	if len(in.Files) > zhuxiang.MaxReportFiles {
		return zhuxiang.Errorf(zhuxiang.EInvalid, "files", "一份报告最多上传%d个文件", zhuxiang.MaxReportFiles)
	}
	var ups []store.ReportUpload
	for i, f := range in.Files {
		data, err := base64.StdEncoding.DecodeString(f.Data)
		if err != nil || len(data) == 0 {
			return zhuxiang.Errorf(zhuxiang.EInvalid, "files", "第%d个文件的内容应为非空的base64编码", i+1)
		}
		ups = append(ups, store.ReportUpload{Name: f.Name, Data: data})
	}
	rid, err := s.st.CreateReport(r.Context(), a, id, rep, ups)
	if err != nil {
		return err
	}
	return s.writeReport(w, r, a, http.StatusCreated, id, rid)
}

func (s *server) transitionReport(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	var in reportTransitionInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Version < 0 {
		return zhuxiang.Errorf(zhuxiang.EInvalid, "version", "version应为正整数")
	}
	id, rid := r.PathValue("id"), r.PathValue("rid")
	if err := s.st.TransitionReport(r.Context(), a, id, rid, in.Name, in.Reason, in.Version); err != nil {
		return err
	}
	return s.writeReport(w, r, a, http.StatusOK, id, rid)
}

func (s *server) getReportFile(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 || n > zhuxiang.MaxReportFiles {
		return zhuxiang.Errorf(zhuxiang.ENotFound, "", "附件不存在")
	}
	f, err := s.st.ReportFile(r.Context(), a, r.PathValue("id"), r.PathValue("rid"), n, newQuery(r).boolean("thumb"))
	if err != nil {
		return err
	}
	attach.Serve(w, r, *f)
	return nil
}
