package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"zhuxiang"
	"zhuxiang/attach"
	"zhuxiang/store"
)

// Progress reports on a project's page: the lead organization submits them
// on their own form (several photos or PDFs at once), the village confirms
// or disputes them from the project's page through the report lifecycle
// (zhuxiang.ReportTransitions, applyStep), and their files are served
// from the project's address, so whoever may see the project may see them.

// maxReportBytes bounds a request carrying a report: every file at its
// limit, and room for the fields and the multipart framing.
const maxReportBytes = zhuxiang.MaxReportFiles*attach.MaxBytes + 1<<20

// reportSpendRows is how many spending lines the form offers.
const reportSpendRows = 3

// reportView is one report as the project's page shows it.
type reportView struct {
	*zhuxiang.ProjectReport
	Actions []zhuxiang.ReportTransition
}

// Photos and Docs split the report's files by kind, each with its number
// in the report (the file's address).
func (v reportView) Photos() []reportFile { return v.files(true) }

// Docs are the report's PDFs.
func (v reportView) Docs() []reportFile { return v.files(false) }

func (v reportView) files(images bool) []reportFile {
	var out []reportFile
	for i, f := range v.Files {
		if f.IsImage() == images {
			out = append(out, reportFile{N: i + 1, Attachment: f})
		}
	}
	return out
}

// reportFile is a file of a report with its number.
type reportFile struct {
	N int
	zhuxiang.Attachment
}

// reportBadge picks the badge colour of a report's status.
func reportBadge(s zhuxiang.ReportStatus) string {
	switch s {
	case zhuxiang.ReportConfirmed:
		return "badge-ok"
	case zhuxiang.ReportDisputed:
		return "badge-danger"
	}
	return "badge-warn"
}

// projectReports reads the reports the project's page lists, with the
// steps the user may take on each.
func (s *server) projectReports(r *http.Request, a zhuxiang.Actor, p *zhuxiang.Project) ([]reportView, error) {
	rs, err := s.st.ProjectReports(r.Context(), a, p)
	if err != nil {
		return nil, err
	}
	out := make([]reportView, 0, len(rs))
	for _, rep := range rs {
		out = append(out, reportView{ProjectReport: rep, Actions: zhuxiang.ReportActions(a, p, rep)})
	}
	return out, nil
}

// reportInput is the report form as typed; files cannot be kept across an
// error (a browser does not let a page refill them), so the form says to
// choose them again.
type reportInput struct {
	Date, Text string
	People     map[string]string
	Spend      []spendInput
}

type reportFormData struct {
	Project    *zhuxiang.Project
	In         reportInput
	Categories []string
	Sources    []zhuxiang.FundSource
	MaxFiles   int
	MaxSize    string
	Errors     formErrors
}

func (s *server) renderReportForm(w http.ResponseWriter, r *http.Request, status int, p *zhuxiang.Project, in reportInput, errs formErrors) {
	if in.People == nil {
		in.People = map[string]string{}
	}
	for len(in.Spend) < reportSpendRows {
		in.Spend = append(in.Spend, spendInput{})
	}
	d := reportFormData{Project: p, In: in, Categories: zhuxiang.BeneficiaryCategories, Sources: zhuxiang.FundSources,
		MaxFiles: zhuxiang.MaxReportFiles, MaxSize: attach.Size(attach.MaxBytes), Errors: errs}
	s.render(w, r, status, "report_form", &view{Title: "提交进展报告", Nav: "projects", Data: d})
}

// reportNew is the report form (GET /projects/{id}/reports/new).
func (s *server) reportNew(w http.ResponseWriter, r *http.Request, q *request) error {
	p, err := s.st.Project(r.Context(), q.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := zhuxiang.CanWriteReport(q.actor, p); err != nil {
		return err
	}
	s.renderReportForm(w, r, http.StatusOK, p, reportInput{Date: s.st.Now().Format(zhuxiang.DateLayout)}, nil)
	return nil
}

// reportFields are the form's fields, as the domain names them.
var reportFields = []string{"date", "text", "people", "spending", "files"}

// reportCreate saves a report from the form. Every problem comes back
// beside its field, and nothing is written while any file is refused.
func (s *server) reportCreate(w http.ResponseWriter, r *http.Request, q *request) error {
	ctx, a := r.Context(), q.actor
	id := r.PathValue("id")
	// Asked before the files are read: who may not report sends nothing.
	p, err := s.st.Project(ctx, a, id)
	if err != nil {
		return err
	}
	if err := zhuxiang.CanWriteReport(a, p); err != nil {
		return err
	}
	if q.mr == nil {
		return zhuxiang.Errorf(zhuxiang.EInvalid, "", "请通过进展报告表单提交")
	}
	in, ups, errs := readReportForm(q)
	rep := &zhuxiang.ProjectReport{Date: in.Date, Text: in.Text}
	for _, c := range zhuxiang.BeneficiaryCategories {
		v := strings.TrimSpace(in.People[c])
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			if errs["people"] == "" {
				errs["people"] = "“" + c + "”的已惠及人数应为整数"
			}
			continue
		}
		rep.People = append(rep.People, zhuxiang.ReportPeople{Category: c, Reached: n})
	}
	for i, sp := range in.Spend {
		if sp == (spendInput{}) {
			continue
		}
		fen, err := parseYuan("amount", sp.Amount)
		if err != nil {
			if errs["spending"] == "" {
				errs["spending"] = "第" + strconv.Itoa(i+1) + "笔支出：" + zhuxiang.ErrorMessage(err)
			}
			continue
		}
		rep.Spending = append(rep.Spending, zhuxiang.ProjectSpending{Date: sp.Date, Source: zhuxiang.FundSource(sp.Source), AmountFen: fen, Note: sp.Note})
	}
	if len(errs) > 0 {
		errs.add(rep.Validate(), reportFields...)
	} else {
		_, err = s.st.CreateReport(ctx, a, id, rep, ups)
		switch code := zhuxiang.ErrorCodeOf(err); code {
		case "":
			redirect(w, r, "/projects/"+url.PathEscape(id)+"?done=report#reports")
			return nil
		case zhuxiang.EInvalid:
			errs.add(err, reportFields...)
		case zhuxiang.EConflict:
			errs["form"] = zhuxiang.ErrorMessage(err)
		default:
			return err
		}
	}
	if errs["files"] == "" && len(ups) > 0 {
		errs["files"] = "其他内容有误，报告未保存：请改正后重新选择文件"
	}
	s.renderReportForm(w, r, http.StatusUnprocessableEntity, p, in, errs)
	return nil
}

// readReportForm reads the multipart form: its fields as typed and the
// files, each at most attach.MaxBytes (a larger one is named in the
// "files" error and not kept).
func readReportForm(q *request) (reportInput, []store.ReportUpload, formErrors) {
	in := reportInput{People: map[string]string{}, Spend: make([]spendInput, reportSpendRows)}
	errs := formErrors{}
	var ups []store.ReportUpload
	var big []string
	vals, problem := readParts(q, "files", attach.MaxBytes, func(name string, data []byte) {
		if len(data) > attach.MaxBytes {
			big = append(big, "第"+strconv.Itoa(len(ups)+len(big)+1)+"个文件（"+attach.SafeName(name)+"）超过了 "+attach.Size(attach.MaxBytes)+" 的上限，请压缩后再上传")
			return
		}
		ups = append(ups, store.ReportUpload{Name: name, Data: data})
	})
	switch problem {
	case uploadTooLarge:
		errs["files"] = "所选文件合计超过 " + attach.Size(maxReportBytes-1<<20) + "，请减少文件或压缩后再上传"
	case uploadBroken, uploadBadHeader:
		errs["form"] = problem.message()
	}
	for name := range vals {
		v := vals.Get(name)
		switch {
		case name == "date":
			in.Date = strings.TrimSpace(v)
		case name == "text":
			in.Text = v
		case strings.HasPrefix(name, "people_"):
			in.People[strings.TrimPrefix(name, "people_")] = v
		case strings.HasPrefix(name, "spend"):
			// spend0_date, spend0_source, spend0_amount, spend0_note
			i, field, ok := strings.Cut(strings.TrimPrefix(name, "spend"), "_")
			n, err := strconv.Atoi(i)
			if !ok || err != nil || n < 0 || n >= reportSpendRows {
				continue
			}
			sp := &in.Spend[n]
			switch field {
			case "date":
				sp.Date = strings.TrimSpace(v)
			case "source":
				sp.Source = v
			case "amount":
				sp.Amount = v
			case "note":
				sp.Note = v
			}
		}
	}
	if len(big) > 0 && errs["files"] == "" {
		errs["files"] = strings.Join(big, "；")
	}
	return in, ups, errs
}

// reportConfirmData is the confirmation of step t on report rep of p.
func reportConfirmData(p *zhuxiang.Project, rep *zhuxiang.ProjectReport, t zhuxiang.ReportTransition, reason string) confirmData {
	back := "/projects/" + url.PathEscape(p.ID)
	return confirmData{Label: t.Label, Summary: t.Confirm, Action: back + "/reports/" + url.PathEscape(rep.ID) + "/transition",
		Hidden: []hiddenField{{"name", t.Name}, {"version", strconv.Itoa(rep.Version)}},
		Reason: t.Reason, ReasonLabel: t.ReasonFor(), ReasonValue: reason, Back: back + "#report-" + rep.ID, BackLabel: p.Name + "（" + rep.Date + "进展报告）"}
}

// reportConfirm is the confirmation page of an irreversible step on a
// report (GET /projects/{id}/reports/{rid}/confirm?action=confirm).
func (s *server) reportConfirm(w http.ResponseWriter, r *http.Request, q *request) error {
	p, rep, err := s.st.Report(r.Context(), q.actor, r.PathValue("id"), r.PathValue("rid"))
	if err != nil {
		return err
	}
	name := r.URL.Query().Get("action")
	t, ok := zhuxiang.FindReportTransition(name)
	if !ok || t.Confirm == "" {
		return zhuxiang.Errorf(zhuxiang.ENotFound, "", "没有需要确认的操作")
	}
	if err := zhuxiang.CanReport(q.actor, p, rep, name); err != nil {
		if code := zhuxiang.ErrorCodeOf(err); code == zhuxiang.EConflict {
			return s.renderProject(w, r, q, code.HTTPStatus(), &view{}, p, formErrors{"report-" + rep.ID: zhuxiang.ErrorMessage(err)}, nil)
		}
		return err
	}
	s.renderConfirm(w, r, http.StatusOK, "projects", reportConfirmData(p, rep, t, ""))
	return nil
}

// reportStep is a report with its project, for applyStep.
type reportStep struct {
	p   *zhuxiang.Project
	rep *zhuxiang.ProjectReport
}

// reportTransition applies a step of a report's lifecycle posted from the
// project's page, as projectTransition does for the project.
func (s *server) reportTransition(w http.ResponseWriter, r *http.Request, q *request) error {
	ctx, a := r.Context(), q.actor
	id, rid, name, reason := r.PathValue("id"), r.PathValue("rid"), r.PostForm.Get("name"), r.PostForm.Get("reason")
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	t, _ := zhuxiang.FindReportTransition(name)
	st := lifecycleStep[reportStep]{nav: "projects", path: "/projects/" + url.PathEscape(id), name: "report_" + name, label: t.Label, confirm: t.Confirm,
		load: func() (reportStep, error) {
			p, rep, err := s.st.Report(ctx, a, id, rid)
			return reportStep{p, rep}, err
		},
		may:   func(x reportStep) bool { return zhuxiang.CanReport(a, x.p, x.rep, name) == nil },
		data:  func(x reportStep) confirmData { return reportConfirmData(x.p, x.rep, t, reason) },
		apply: func() error { return s.st.TransitionReport(ctx, a, id, rid, name, reason, version) },
		page: func(x reportStep, status int, errs formErrors) error {
			// The message goes beside the report, not the project's steps.
			return s.renderProject(w, r, q, status, &view{}, x.p, formErrors{"report-" + rid: errs["transition"]}, nil)
		},
	}
	return applyStep(s, w, r, st)
}

// reportFile serves file n of a report (GET
// /projects/{id}/reports/{rid}/files/{n}): a photo inline, a PDF as a
// download, never as a page of the site (attach.Serve).
func (s *server) reportFile(w http.ResponseWriter, r *http.Request, q *request) error {
	return s.sendReportFile(w, r, q, false)
}

// reportThumb serves a photo's thumbnail, which lists show.
func (s *server) reportThumb(w http.ResponseWriter, r *http.Request, q *request) error {
	return s.sendReportFile(w, r, q, true)
}

func (s *server) sendReportFile(w http.ResponseWriter, r *http.Request, q *request, thumb bool) error {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 || n > zhuxiang.MaxReportFiles {
		return zhuxiang.Errorf(zhuxiang.ENotFound, "", "附件不存在")
	}
	f, err := s.st.ReportFile(r.Context(), q.actor, r.PathValue("id"), r.PathValue("rid"), n, thumb)
	if err != nil {
		return err
	}
	attach.Serve(w, r, *f)
	return nil
}
