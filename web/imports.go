package web

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"

	"zhuxiang"
	"zhuxiang/importer"
	"zhuxiang/sheet"
	"zhuxiang/store"
)

// maxUploadBytes bounds an import request: the sheet reader's own 50 MiB
// for the file, plus room for the other form fields and multipart framing,
// so that the reader (not the connection) reports an oversized file.
const maxUploadBytes = 50<<20 + 1<<20

type importPageData struct {
	Kind  string // which form the message belongs to: "orgs", "regions", "pairings" or "projects"
	Error string
	Jobs  []jobStatus        // the user's imports in this process, running or finished
	Past  []store.PastImport // the user's stored imports, from the audit log
}

// importLabels name the kinds of import, by form and by audit entity.
var importLabels = map[string]string{"orgs": "社会组织", "regions": "行政区划/重点村", "pairings": "结对帮扶", "projects": "帮扶项目",
	"org": "社会组织", "region": "行政区划/重点村", "pairing": "结对帮扶", "project": "帮扶项目"}

// importPageData is the import page's data: a message for one form, and
// the user's recent imports, so that someone who left a long import finds
// it again.
func (s *server) importPageData(ctx context.Context, q *request, kind, msg string) importPageData {
	d := importPageData{Kind: kind, Error: msg, Jobs: s.jobs.of(q.actor.UserID, "import")}
	past, err := s.st.PastImports(ctx, q.actor, 5)
	if err != nil {
		s.log.Error("past imports", "err", err)
	}
	d.Past = past
	return d
}

type importResultData struct {
	Kind  string
	Label string
	Res   *zhuxiang.ImportResult
}

func (s *server) importPage(w http.ResponseWriter, r *http.Request, q *request) error {
	if err := zhuxiang.CanImport(q.actor, ""); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "import", &view{Title: "导入", Nav: "import", Data: s.importPageData(r.Context(), q, "", "")})
	return nil
}

func (s *server) importTemplateOrgs(w http.ResponseWriter, r *http.Request, q *request) error {
	return s.sendTemplate(w, q, "社会组织导入模板.xlsx", importer.OrgTemplate)
}

func (s *server) importTemplatePairings(w http.ResponseWriter, r *http.Request, q *request) error {
	return s.sendTemplate(w, q, "结对帮扶导入模板.xlsx", importer.PairingTemplate)
}

func (s *server) importTemplateProjects(w http.ResponseWriter, r *http.Request, q *request) error {
	return s.sendTemplate(w, q, "项目台账导入模板.xlsx", importer.ProjectTemplate)
}

func (s *server) importTemplateVillages(w http.ResponseWriter, r *http.Request, q *request) error {
	return s.sendTemplate(w, q, "重点村导入模板.xlsx", func(w io.Writer) error { return importer.VillageTemplate(w) })
}

func (s *server) sendTemplate(w http.ResponseWriter, q *request, name string, write func(io.Writer) error) error {
	if err := zhuxiang.CanImport(q.actor, ""); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	h.Set("Content-Disposition", "attachment; filename=\"template.xlsx\"; filename*=UTF-8''"+url.PathEscape(name))
	w.Write(buf.Bytes())
	return nil
}

// importFunc is importer.Orgs or importer.Regions.
type importFunc func(ctx context.Context, st *store.Store, a zhuxiang.Actor, t *sheet.Table, mode zhuxiang.ImportMode) (*zhuxiang.ImportResult, error)

func (s *server) importOrgs(w http.ResponseWriter, r *http.Request, q *request) error {
	return s.runImport(w, r, q, "orgs", "社会组织", importer.Orgs)
}

// importPairings loads the plan's existing pairings; a county user's rows
// outside its county are refused row by row by the store.
func (s *server) importPairings(w http.ResponseWriter, r *http.Request, q *request) error {
	return s.runImport(w, r, q, "pairings", "结对帮扶", importer.Pairings)
}

// importProjects loads a project ledger: an organization's rows are its
// own projects, a county's those in its county; the store refuses the
// others row by row.
func (s *server) importProjects(w http.ResponseWriter, r *http.Request, q *request) error {
	return s.runImport(w, r, q, "projects", "帮扶项目", importer.Projects)
}

func (s *server) importRegions(w http.ResponseWriter, r *http.Request, q *request) error {
	return s.runImport(w, r, q, "regions", "行政区划/重点村", importer.Regions)
}

// runImport reads the upload as it streams in (the csrf field was checked
// before the file), then hands the table to the importer in a background
// job and answers with the job's page, where the progress shows. Problems
// with the file as a whole come back on the import page; problems with rows
// come back as the result table, with nothing stored.
func (s *server) runImport(w http.ResponseWriter, r *http.Request, q *request, kind, label string, run importFunc) error {
	if err := zhuxiang.CanImport(q.actor, zhuxiang.ImportKind(kind)); err != nil {
		return err
	}
	fileErr := func(status int, msg string) error {
		s.render(w, r, status, "import", &view{Title: "导入", Nav: "import", Data: s.importPageData(r.Context(), q, kind, msg)})
		return nil
	}
	if q.mr == nil {
		return fileErr(http.StatusBadRequest, "请选择要导入的文件")
	}
	var (
		table   *sheet.Table
		readErr error
		mode    = zhuxiang.ImportAll
		sawFile bool
	)
	for {
		part, err := q.mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return fileErr(http.StatusRequestEntityTooLarge, "文件超过50 MB，请拆分后分批导入")
			}
			return fileErr(http.StatusBadRequest, "上传中断，请重新选择文件后再试")
		}
		switch part.FormName() {
		case "file":
			if part.FileName() == "" {
				continue
			}
			sawFile = true
			table, readErr = sheet.Read(part, part.FileName(), sheet.DefaultLimits())
		case "dry_run":
			mode = zhuxiang.ImportDryRun
		case "mode":
			v, _ := io.ReadAll(io.LimitReader(part, 16))
			switch string(v) {
			case "dry_run":
				mode = zhuxiang.ImportDryRun
			case "partial":
				mode = zhuxiang.ImportPartial
			}
		}
		part.Close()
	}
	if !sawFile {
		return fileErr(http.StatusUnprocessableEntity, "请选择要导入的文件（.xlsx 或 .csv）")
	}
	if readErr != nil {
		var mbe *http.MaxBytesError
		switch {
		case errors.As(readErr, &mbe):
			return fileErr(http.StatusRequestEntityTooLarge, "文件超过50 MB，请拆分后分批导入")
		case zhuxiang.ErrorCodeOf(readErr) == zhuxiang.ETooLarge:
			return fileErr(http.StatusRequestEntityTooLarge, zhuxiang.ErrorMessage(readErr))
		case zhuxiang.ErrorCodeOf(readErr) == zhuxiang.EInvalid:
			return fileErr(http.StatusUnprocessableEntity, zhuxiang.ErrorMessage(readErr))
		}
		return readErr
	}
	actor := q.actor
	j, err := s.jobs.start(actor.UserID, "import", "导入"+label, []zhuxiang.Step{zhuxiang.StepCheck, zhuxiang.StepSave},
		func(ctx context.Context) (jobResult, error) {
			res, err := run(ctx, s.st, actor, table, mode)
			if zhuxiang.ErrorCodeOf(err) == zhuxiang.EInvalid {
				return jobResult{FileError: &importPageData{Kind: kind, Error: zhuxiang.ErrorMessage(err)}}, nil
			}
			if err != nil {
				return jobResult{}, err
			}
			return jobResult{Import: &importResultData{Kind: kind, Label: label, Res: res}}, nil
		})
	if busy, ok := err.(errBusy); ok {
		return fileErr(http.StatusServiceUnavailable, string(busy))
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/jobs/"+j.ID)
	return nil
}
