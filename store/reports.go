package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"zhuxiang"
	"zhuxiang/attach"
	"zhuxiang/secure"
)

// Progress reports (项目进展报告): the lead organization of a running
// project reports what was done, the people reached and what was spent,
// with photos and PDFs; the project's village confirms or disputes each
// report (zhuxiang.ReportTransitions). A report is written once and never
// edited: a correction is an answer to the dispute and, where figures were
// wrong, a new report. Its attachments are vetted by package attach before
// the write and kept in files in the write (keepFile), so a refused file
// leaves neither a report nor a file behind.

// ReportUpload is a file as it was uploaded, before attach.Vet.
type ReportUpload struct {
	Name string
	Data []byte
}

// vetUploads vets every uploaded file and reports all the refused ones in
// one message on the field "files", each by its number and name, so the
// form says at once which to replace.
func vetUploads(ups []ReportUpload) ([]*attach.File, error) {
	if len(ups) > zhuxiang.MaxReportFiles {
		return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "files", "一份报告最多上传%d个文件（照片或PDF），本次选择了%d个", zhuxiang.MaxReportFiles, len(ups))
	}
	var files []*attach.File
	var bad []string
	for i, u := range ups {
		f, err := attach.Vet(u.Name, u.Data)
		if err != nil {
			bad = append(bad, "第"+strconv.Itoa(i+1)+"个文件（"+attach.SafeName(u.Name)+"）："+zhuxiang.ErrorMessage(err))
			continue
		}
		files = append(files, f)
	}
	if len(bad) > 0 {
		return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "files", "%s", strings.Join(bad, "；"))
	}
	return files, nil
}

// encodeReportPeople spells the figures as the row keeps them
// ("村民:80;留守儿童:12"); the categories are a fixed list holding neither
// separator.
func encodeReportPeople(ps []zhuxiang.ReportPeople) string {
	parts := make([]string, 0, len(ps))
	for _, p := range ps {
		parts = append(parts, p.Category+":"+strconv.Itoa(p.Reached))
	}
	return strings.Join(parts, ";")
}

func decodeReportPeople(s string) []zhuxiang.ReportPeople {
	var out []zhuxiang.ReportPeople
	for _, part := range strings.Split(s, ";") {
		if c, n, ok := strings.Cut(part, ":"); ok {
			v, _ := strconv.Atoi(n)
			out = append(out, zhuxiang.ReportPeople{Category: c, Reached: v})
		}
	}
	return out
}

const reportCols = `r.id, r.project_id, r.report_date, r.text, r.people, r.status, r.dispute_reason, r.answer, r.version,
	r.created_at, r.created_by, r.updated_at, r.updated_by`

func scanReport(sc interface{ Scan(...any) error }) (*zhuxiang.ProjectReport, error) {
	var r zhuxiang.ProjectReport
	var people, status, created, updated string
	if err := sc.Scan(&r.ID, &r.ProjectID, &r.Date, &r.Text, &people, &status, &r.Reason, &r.Answer, &r.Version,
		&created, &r.CreatedBy, &updated, &r.UpdatedBy); err != nil {
		return nil, err
	}
	r.People, r.Status = decodeReportPeople(people), zhuxiang.ReportStatus(status)
	r.CreatedAt, r.UpdatedAt = parseTS(created), parseTS(updated)
	return &r, nil
}

// villageAccount says whether one of the project's villages has an
// active user, who then confirms its reports (zhuxiang.CanReport).
func villageAccount(ctx context.Context, q querier, projectID string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM project_villages pv JOIN users u ON u.region_code = pv.village_code
		WHERE pv.project_id = $1 AND u.role = 'village' AND u.disabled = 0`, projectID).Scan(&n)
	return n > 0, err
}

// reportDetails fills the reports' files and spending entries, one query
// each for the whole list, and whether the project's villages have an
// account.
func (s *Store) reportDetails(ctx context.Context, q querier, projectID string, rs []*zhuxiang.ProjectReport) error {
	if len(rs) == 0 {
		return nil
	}
	acct, err := villageAccount(ctx, q, projectID)
	if err != nil {
		return err
	}
	byID := make(map[string]*zhuxiang.ProjectReport, len(rs))
	for _, r := range rs {
		r.VillageAccount = acct
		byID[r.ID] = r
	}
	var args []any
	in := inList(&args, rs, func(r *zhuxiang.ProjectReport) any { return r.ID })
	err = eachRow(ctx, q, `SELECT report_id, `+attachmentCols+` FROM report_files
		WHERE report_id IN `+in+` ORDER BY report_id, pos`, args, func(sc interface{ Scan(...any) error }) error {
		var rid string
		var f zhuxiang.Attachment
		if err := sc.Scan(append([]any{&rid}, attachmentDest(&f)...)...); err != nil {
			return err
		}
		byID[rid].Files = append(byID[rid].Files, f)
		return nil
	})
	if err != nil {
		return err
	}
	return eachRow(ctx, q, `SELECT report_id, id, spent_on, source, amount_fen, note, created_at, created_by FROM project_spending
		WHERE report_id IN `+in+` ORDER BY report_id, spent_on, id`, args, func(sc interface{ Scan(...any) error }) error {
		var rid, source, created string
		var e zhuxiang.ProjectSpending
		if err := sc.Scan(&rid, &e.ID, &e.Date, &source, &e.AmountFen, &e.Note, &created, &e.CreatedBy); err != nil {
			return err
		}
		e.Source, e.CreatedAt = zhuxiang.FundSource(source), parseTS(created)
		byID[rid].Spending = append(byID[rid].Spending, e)
		return nil
	})
}

// ProjectReports lists the progress reports of project p, newest first,
// with their files (names and SHAs, not bytes) and spending; p is a
// project the store returned, and the actor must be able to see it.
func (s *Store) ProjectReports(ctx context.Context, a zhuxiang.Actor, p *zhuxiang.Project) ([]*zhuxiang.ProjectReport, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	if !zhuxiang.CanSeeProject(a, p) {
		return nil, notFound("项目")
	}
	var out []*zhuxiang.ProjectReport
	err := eachRow(ctx, s.r, `SELECT `+reportCols+` FROM project_reports r WHERE r.project_id = $1 ORDER BY r.created_at DESC, r.id DESC`,
		[]any{p.ID}, func(sc interface{ Scan(...any) error }) error {
			r, err := scanReport(sc)
			if err == nil {
				out = append(out, r)
			}
			return err
		})
	if err != nil {
		return nil, err
	}
	return out, s.reportDetails(ctx, s.r, p.ID, out)
}

// reportRow reads one report of a project; lock as on projectRow.
func (s *Store) reportRow(ctx context.Context, q querier, projectID, id, lock string) (*zhuxiang.ProjectReport, error) {
	if !zhuxiang.IsID(id) {
		return nil, notFound("进展报告")
	}
	r, err := scanReport(q.QueryRowContext(ctx, `SELECT `+reportCols+` FROM project_reports r WHERE r.id = $1 AND r.project_id = $2`+lock, id, projectID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("进展报告")
	}
	if err != nil {
		return nil, err
	}
	return r, s.reportDetails(ctx, q, projectID, []*zhuxiang.ProjectReport{r})
}

// Report returns one report of a project the actor may see, with the
// project.
func (s *Store) Report(ctx context.Context, a zhuxiang.Actor, projectID, id string) (*zhuxiang.Project, *zhuxiang.ProjectReport, error) {
	p, err := s.Project(ctx, a, projectID)
	if err != nil {
		return nil, nil, err
	}
	r, err := s.reportRow(ctx, s.r, projectID, id, "")
	return p, r, err
}

// ReportFile returns file n (from 1, in the order uploaded) of a report,
// or its thumbnail, for whoever may see the project: ready for
// attach.Serve.
func (s *Store) ReportFile(ctx context.Context, a zhuxiang.Actor, projectID, id string, n int, thumb bool) (*attach.Served, error) {
	_, r, err := s.Report(ctx, a, projectID, id)
	if err != nil {
		return nil, err
	}
	if n < 1 || n > len(r.Files) {
		return nil, notFound("附件")
	}
	return s.served(ctx, r.Files[n-1], thumb)
}

// CreateReport saves a progress report of a project and returns its id:
// its files are vetted first (all of them; one refused file refuses the
// report, and nothing is written), then in one transaction the report,
// its files, its spending entries (into the project's spending, as
// AddProjectSpending records them) and the project's people reached are
// written and the village is told.
func (s *Store) CreateReport(ctx context.Context, a zhuxiang.Actor, projectID string, r *zhuxiang.ProjectReport, ups []ReportUpload) (string, error) {
	// Asked before any file is decoded: who may not report costs no work.
	p, err := s.Project(ctx, a, projectID)
	if err != nil {
		return "", err
	}
	if err := zhuxiang.CanWriteReport(a, p); err != nil {
		return "", err
	}
	var pr zhuxiang.Problems
	pr.Add(r.Validate())
	files, ferr := vetUploads(ups)
	pr.Add(ferr)
	if err := pr.Err(); err != nil {
		return "", err
	}
	err = s.write(ctx, a, func(tx *writeTx) error {
		p, err := s.projectRow(ctx, tx, projectID, s.forUpdateOf("p"))
		if err != nil {
			return err
		}
		if err := zhuxiang.CanWriteReport(a, p); err != nil {
			return err
		}
		if r.VillageAccount, err = villageAccount(ctx, tx, p.ID); err != nil {
			return err
		}
		now := s.Now()
		r.ID, r.ProjectID, r.Status, r.Version, r.Reason, r.Answer = secure.NewID(), p.ID, zhuxiang.ReportSubmitted, 1, "", ""
		r.CreatedAt, r.CreatedBy, r.UpdatedAt, r.UpdatedBy = now, a.Name, now, a.Name
		if _, err := tx.ExecContext(ctx, `INSERT INTO project_reports (id, project_id, status, text, report_date, people, created_at, created_by, updated_at, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7, $8)`,
			r.ID, p.ID, string(r.Status), r.Text, r.Date, encodeReportPeople(r.People), ts(now), a.Name); err != nil {
			return err
		}
		r.Files = r.Files[:0]
		var names []string
		for i, f := range files {
			att, err := keepFile(ctx, tx, f)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO report_files (report_id, pos, `+attachmentCols+`)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, append([]any{r.ID, i + 1}, attachmentArgs(att)...)...); err != nil {
				return err
			}
			r.Files = append(r.Files, att)
			names = append(names, att.Name)
		}
		if err := tx.audit("create", "report", r.ID, diff(nil, []kv{{"项目", p.Name}, {"日期", r.Date}, {"进展", r.Text},
			{"已惠及", zhuxiang.PeopleText(r.People)}, {"附件", strings.Join(names, "、")}, {"状态", r.Status.Label()}})); err != nil {
			return err
		}
		for i := range r.Spending {
			if err := s.insertSpending(ctx, tx, a, p.ID, &r.Spending[i], r.ID); err != nil {
				return err
			}
		}
		if len(r.People) > 0 {
			before := encodePeople(p.People)
			zhuxiang.ApplyPeople(p, r.People)
			if _, err := tx.ExecContext(ctx, `UPDATE projects SET people = $1 WHERE id = $2`, encodePeople(p.People), p.ID); err != nil {
				return err
			}
			if err := tx.audit("update", "project", p.ID, diff([]kv{{"受益人数", before}}, []kv{{"受益人数", encodePeople(p.People)}})); err != nil {
				return err
			}
		}
		return s.notifyReport(ctx, tx, p, r, []string{"villages"}, "项目“"+p.Name+"”有新的进展报告，请核实后确认或提出异议")
	})
	if err != nil {
		return "", err
	}
	return r.ID, nil
}

// notifyReport tells the sides a report step names
// (zhuxiang.ReportTransition.Tell): "lead" the lead organization,
// "villages" the project's villages, or its county when none of them has
// an account (the county then confirms for them).
func (s *Store) notifyReport(ctx context.Context, tx *writeTx, p *zhuxiang.Project, r *zhuxiang.ProjectReport, tell []string, text string) error {
	link := "/projects/" + p.ID + "#report-" + r.ID
	for _, who := range tell {
		var err error
		switch who {
		case "lead":
			err = s.notifyOrg(ctx, tx, p.LeadOrgID(), text, link)
		case "villages":
			if !r.VillageAccount {
				err = s.notifyCounty(ctx, tx, p.CountyCode, text, link)
				break
			}
			for _, v := range p.Villages {
				if err = s.notifyWhere(ctx, tx, text, link, `role = 'village' AND region_code = $1`, v); err != nil {
					break
				}
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// TransitionReport applies a step of the report lifecycle
// (zhuxiang.ReportTransitions) to report id of a project. version, when
// not zero, must match the one the user saw. The dispute's reason and the
// answer are kept on the report, shown on the project's page.
func (s *Store) TransitionReport(ctx context.Context, a zhuxiang.Actor, projectID, id, name, reason string, version int) error {
	t, ok := zhuxiang.FindReportTransition(name)
	if !ok {
		return zhuxiang.Errorf(zhuxiang.EInvalid, "action", "未知的操作")
	}
	reason, err := stepInput(t.Label, t.Reason, reason, version)
	if err != nil {
		return err
	}
	return s.write(ctx, a, func(tx *writeTx) error {
		// The project is locked first, as TransitionProject locks it: a
		// dispute and the county's acceptance take turns, so a project is
		// never completed past a dispute made at the same moment.
		p, err := s.projectRow(ctx, tx, projectID, s.forUpdateOf("p"))
		if err != nil {
			return err
		}
		if !zhuxiang.CanSeeProject(a, p) {
			return notFound("项目")
		}
		r, err := s.reportRow(ctx, tx, projectID, id, s.forUpdateOf("r"))
		if err != nil {
			return err
		}
		if err := zhuxiang.CanReport(a, p, r, name); err != nil {
			return err
		}
		if version != 0 && version != r.Version {
			return zhuxiang.Errorf(zhuxiang.EConflict, "version", "该报告已被他人处理，请刷新后重试")
		}
		before := []kv{{"状态", r.Status.Label()}}
		after := []kv{{"状态", t.To.Label()}}
		q := `UPDATE project_reports SET status = $1, version = version + 1, updated_at = $2, updated_by = $3`
		args := []any{string(t.To), ts(s.Now()), a.Name}
		switch name {
		case "dispute":
			q += `, dispute_reason = $4`
			before, after = append(before, kv{"异议理由", r.Reason}), append(after, kv{"异议理由", reason})
		case "answer":
			q += `, answer = $4`
			before, after = append(before, kv{"答复", r.Answer}), append(after, kv{"答复", reason})
		default:
			reason = ""
		}
		if reason != "" {
			args = append(args, reason)
		}
		args = append(args, id)
		if _, err := tx.ExecContext(ctx, q+` WHERE id = $`+strconv.Itoa(len(args)), args...); err != nil {
			return err
		}
		if err := tx.audit(name, "report", id, diff(before, after)); err != nil {
			return err
		}
		text := "项目“" + p.Name + "”的进展报告（" + r.Date + "）：" + t.Label
		if reason != "" {
			text += "（" + reason + "）"
		}
		return s.notifyReport(ctx, tx, p, r, t.Tell, text)
	})
}

// reportPendingSQL is the condition of the projects list's report filter
// on projectFrom: "pending" the projects with a report waiting for the
// actor's confirmation — for the county and the admin only where none of
// the project's villages has an account, as zhuxiang.CanReport lets them
// confirm only then; "disputed" those with a disputed report.
func reportFilterSQL(a zhuxiang.Actor, which string) string {
	switch which {
	case "pending":
		cond := "EXISTS (SELECT 1 FROM project_reports fr WHERE fr.project_id = p.id AND fr.status = 'submitted')"
		if a.Role == zhuxiang.RoleCounty || a.Role == zhuxiang.RoleAdmin {
			cond += " AND NOT EXISTS (SELECT 1 FROM project_villages fv JOIN users fu ON fu.region_code = fv.village_code" +
				" WHERE fv.project_id = p.id AND fu.role = 'village' AND fu.disabled = 0)"
		}
		return cond
	case "disputed":
		return "EXISTS (SELECT 1 FROM project_reports fr WHERE fr.project_id = p.id AND fr.status = 'disputed')"
	}
	return ""
}
