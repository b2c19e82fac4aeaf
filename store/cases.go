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

// Case collection (案例征集): the prefecture's calls and the cases submitted
// to them, their photos (files kept as attachments, listed in fileRefs),
// linked projects and the reviewers' scores. Who may do what is asked of
// authz.go and the lifecycle of lifecycle.go (CaseTransitions).

// today is the store's date in the prefecture (YYYY-MM-DD), which a call's
// status is read against.
func (s *Store) today() string {
	return s.Now().In(zhuxiang.Shanghai).Format(zhuxiang.DateLayout)
}

// ---- calls ----

const callCols = `k.id, k.seq, k.theme, k.description, k.opens_on, k.closes_on, k.version, k.created_at, k.created_by, k.updated_at, k.updated_by,
	(SELECT COUNT(*) FROM cases x WHERE x.call_id = k.id AND x.status <> 'draft'),
	(SELECT COUNT(*) FROM cases x WHERE x.call_id = k.id AND x.status = 'published')`

func scanCall(sc interface{ Scan(...any) error }) (*zhuxiang.CaseCall, error) {
	var c zhuxiang.CaseCall
	var created, updated string
	if err := sc.Scan(&c.ID, &c.Seq, &c.Theme, &c.Description, &c.OpensOn, &c.ClosesOn, &c.Version, &created, &c.CreatedBy, &updated, &c.UpdatedBy,
		&c.Cases, &c.Published); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt = parseTS(created), parseTS(updated)
	return &c, nil
}

// openCallsWhere is the condition of the calls open on day today.
func openCallsWhere(today string) (string, []any) {
	return "k.opens_on <= $1 AND k.closes_on >= $1", []any{today}
}

// ListCalls lists the calls, newest first, or only those open today.
// Calls are few (one or two a year) and public in what they ask, so every
// signed-in user reads them.
func (s *Store) ListCalls(ctx context.Context, a zhuxiang.Actor, openOnly bool) ([]*zhuxiang.CaseCall, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	cond, args := "1=1", []any(nil)
	if openOnly {
		cond, args = openCallsWhere(s.today())
	}
	var out []*zhuxiang.CaseCall
	err := eachRow(ctx, s.r, `SELECT `+callCols+` FROM case_calls k WHERE `+cond+` ORDER BY k.seq DESC LIMIT 200`, args,
		func(sc interface{ Scan(...any) error }) error {
			c, err := scanCall(sc)
			out = append(out, c)
			return err
		})
	return out, err
}

// Call returns one call.
func (s *Store) Call(ctx context.Context, a zhuxiang.Actor, id string) (*zhuxiang.CaseCall, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	return s.callRow(ctx, s.r, id)
}

func (s *Store) callRow(ctx context.Context, q querier, id string) (*zhuxiang.CaseCall, error) {
	if !zhuxiang.IsID(id) {
		return nil, notFound("征集活动")
	}
	c, err := scanCall(q.QueryRowContext(ctx, `SELECT `+callCols+` FROM case_calls k WHERE k.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("征集活动")
	}
	return c, err
}

func callKV(c *zhuxiang.CaseCall) []kv {
	return []kv{{"主题", c.Theme}, {"说明", c.Description}, {"开始日期", c.OpensOn}, {"截止日期", c.ClosesOn}}
}

// CreateCall opens a call (the prefecture admin) and returns its id.
func (s *Store) CreateCall(ctx context.Context, a zhuxiang.Actor, c *zhuxiang.CaseCall) (string, error) {
	if err := zhuxiang.CanOpenCalls(a); err != nil {
		return "", err
	}
	c.Version = 0
	if err := c.Validate(); err != nil {
		return "", err
	}
	err := s.write(ctx, a, func(tx *writeTx) error {
		seq, err := nextSeq(ctx, tx, "case_calls", 1)
		if err != nil {
			return err
		}
		now := ts(s.Now())
		c.ID, c.Seq, c.Version = secure.NewID(), seq, 1
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_calls (id, seq, theme, description, opens_on, closes_on, created_at, created_by, updated_at, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7, $8)`, c.ID, seq, c.Theme, c.Description, c.OpensOn, c.ClosesOn, now, a.Name); err != nil {
			return err
		}
		return tx.audit("create", "case_call", c.ID, diff(nil, callKV(c)))
	})
	return c.ID, err
}

// UpdateCall changes a call's theme, text or period: an earlier closing
// date ends it early, a later one extends it.
func (s *Store) UpdateCall(ctx context.Context, a zhuxiang.Actor, c *zhuxiang.CaseCall) error {
	if err := zhuxiang.CanOpenCalls(a); err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return err
	}
	return s.write(ctx, a, func(tx *writeTx) error {
		old, err := s.callRow(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		if c.Version != 0 && old.Version != c.Version {
			return zhuxiang.Errorf(zhuxiang.EConflict, "version", "该征集活动已被他人修改，请刷新后重试")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE case_calls SET theme = $1, description = $2, opens_on = $3, closes_on = $4, version = version + 1,
			updated_at = $5, updated_by = $6 WHERE id = $7`, c.Theme, c.Description, c.OpensOn, c.ClosesOn, ts(s.Now()), a.Name, c.ID); err != nil {
			return err
		}
		c.Version = old.Version + 1
		return tx.audit("update", "case_call", c.ID, diff(callKV(old), callKV(c)))
	})
}

// ---- cases ----

// CaseFilter selects cases; the pages and the API share it.
type CaseFilter struct {
	Call     string
	Status   zhuxiang.CaseStatus
	County   string
	Unscored bool // submitted cases the actor has not scored (a reviewer's to-do)
	Cursor   string
	Limit    int
}

// CasePage is one page of cases, newest first.
type CasePage struct {
	Cases []*zhuxiang.Case
	Next  string
	Total int
}

const caseCols = `c.id, c.seq, c.call_id, k.theme, k.opens_on, k.closes_on, c.title, c.body, c.org_id, COALESCE(o.name, ''), c.county_code, COALESCE(r.name, ''),
	c.status, c.reason, c.published_on, c.version, c.created_at, c.created_by, c.updated_at, c.updated_by,
	(SELECT COUNT(*) FROM case_scores cs WHERE cs.case_id = c.id), (SELECT COALESCE(SUM(cs.total), 0) FROM case_scores cs WHERE cs.case_id = c.id)`

const caseFrom = ` FROM cases c JOIN case_calls k ON k.id = c.call_id LEFT JOIN orgs o ON o.id = c.org_id LEFT JOIN regions r ON r.code = c.county_code`

// scanCase reads a case; today sets its call's status.
func scanCase(today string) func(sc interface{ Scan(...any) error }) (*zhuxiang.Case, error) {
	return func(sc interface{ Scan(...any) error }) (*zhuxiang.Case, error) {
		var c zhuxiang.Case
		var opens, closes, status, created, updated string
		var sum int64
		if err := sc.Scan(&c.ID, &c.Seq, &c.CallID, &c.CallTheme, &opens, &closes, &c.Title, &c.Body, &c.OrgID, &c.Org, &c.CountyCode, &c.County,
			&status, &c.Reason, &c.PublishedOn, &c.Version, &created, &c.CreatedBy, &updated, &c.UpdatedBy, &c.Scores, &sum); err != nil {
			return nil, err
		}
		call := zhuxiang.CaseCall{OpensOn: opens, ClosesOn: closes}
		c.CallStatus, c.Status = call.Status(today), zhuxiang.CaseStatus(status)
		c.CreatedAt, c.UpdatedAt = parseTS(created), parseTS(updated)
		if c.Scores > 0 {
			c.MeanScore = float64(sum) / float64(c.Scores)
		}
		return &c, nil
	}
}

// caseScopeSQL spells zhuxiang.CanSeeCase as a condition on caseFrom, with
// its argument numbered next: published cases for everyone, every case for
// the admin, every submitted one for the reviewers, and the submitter's
// (the organization's, or the county's, which includes its organizations')
// own.
func caseScopeSQL(a zhuxiang.Actor, next int) (string, []any) {
	cs := zhuxiang.CasesFor(a)
	n := "$" + strconv.Itoa(next)
	switch {
	case cs.All:
		return "1=1", nil
	case cs.Reviewer:
		return "c.status <> 'draft'", nil
	case cs.County != "":
		return "(c.status = 'published' OR c.county_code = " + n + ")", []any{cs.County}
	case cs.Org != "":
		return "(c.status = 'published' OR c.org_id = " + n + ")", []any{cs.Org}
	}
	return "c.status = 'published'", nil
}

// caseWhere is the condition of the cases list for f, the actor's scope
// included.
func caseWhere(a zhuxiang.Actor, f CaseFilter) (string, []any) {
	cond, args := caseScopeSQL(a, 1)
	where := []string{cond}
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	if f.Call != "" {
		where = append(where, "c.call_id = "+arg(f.Call))
	}
	if f.Status != "" {
		where = append(where, "c.status = "+arg(string(f.Status)))
	}
	if f.County != "" {
		where = append(where, "c.county_code = "+arg(f.County))
	}
	if f.Unscored {
		where = append(where, "c.status = 'submitted' AND NOT EXISTS (SELECT 1 FROM case_scores us WHERE us.case_id = c.id AND us.reviewer_id = "+arg(a.UserID)+")")
	}
	return strings.Join(where, " AND "), args
}

// ListCases lists the cases the actor may see, newest first; the zero
// actor (the public site) sees the published ones.
func (s *Store) ListCases(ctx context.Context, a zhuxiang.Actor, f CaseFilter) (*CasePage, error) {
	cond, args := caseWhere(a, f)
	items, next, total, err := seqPage(ctx, s, seqQuery{cols: caseCols, from: caseFrom, alias: "c", cond: cond, args: args,
		cursor: f.Cursor, limit: f.Limit}, scanCase(s.today()), func(c *zhuxiang.Case) int64 { return c.Seq })
	if err != nil {
		return nil, err
	}
	if err := s.casePhotos(ctx, s.r, items); err != nil {
		return nil, err
	}
	return &CasePage{Cases: items, Next: next, Total: total}, nil
}

// Case returns one case the actor may see, with its photos and projects.
func (s *Store) Case(ctx context.Context, a zhuxiang.Actor, id string) (*zhuxiang.Case, error) {
	c, err := s.caseRow(ctx, s.r, id, "")
	if err != nil {
		return nil, err
	}
	if !zhuxiang.CanSeeCase(a, c) {
		return nil, notFound("案例")
	}
	return c, nil
}

// caseRow reads one case with its photos and projects; lock is "" or a
// write's row lock.
func (s *Store) caseRow(ctx context.Context, q querier, id, lock string) (*zhuxiang.Case, error) {
	if !zhuxiang.IsID(id) {
		return nil, notFound("案例")
	}
	c, err := scanCase(s.today())(q.QueryRowContext(ctx, `SELECT `+caseCols+caseFrom+` WHERE c.id = $1`+lock, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("案例")
	}
	if err != nil {
		return nil, err
	}
	if err := s.casePhotos(ctx, q, []*zhuxiang.Case{c}); err != nil {
		return nil, err
	}
	err = eachRow(ctx, q, `SELECT p.id, p.name, COALESCE(r.name, '') FROM case_projects cp JOIN projects p ON p.id = cp.project_id
		LEFT JOIN regions r ON r.code = p.county_code WHERE cp.case_id = $1 ORDER BY cp.pos`, []any{id},
		func(sc interface{ Scan(...any) error }) error {
			var p zhuxiang.CaseProject
			if err := sc.Scan(&p.ID, &p.Name, &p.County); err != nil {
				return err
			}
			c.Projects, c.ProjectIDs = append(c.Projects, p), append(c.ProjectIDs, p.ID)
			return nil
		})
	return c, err
}

// casePhotos fills the cases' photos, one query for the page.
func (s *Store) casePhotos(ctx context.Context, q querier, cs []*zhuxiang.Case) error {
	if len(cs) == 0 {
		return nil
	}
	byID := make(map[string]*zhuxiang.Case, len(cs))
	for _, c := range cs {
		byID[c.ID] = c
	}
	var args []any
	in := inList(&args, cs, func(c *zhuxiang.Case) any { return c.ID })
	return eachRow(ctx, q, `SELECT case_id, `+attachmentCols+` FROM case_photos WHERE case_id IN `+in+`
		ORDER BY case_id, pos`, args, func(sc interface{ Scan(...any) error }) error {
		var id string
		var p zhuxiang.Attachment
		if err := sc.Scan(append([]any{&id}, attachmentDest(&p)...)...); err != nil {
			return err
		}
		byID[id].Photos = append(byID[id].Photos, p)
		return nil
	})
}

func caseKV(c *zhuxiang.Case) []kv {
	return []kv{{"征集活动", c.CallID}, {"标题", c.Title}, {"正文", c.Body}, {"关联项目", strings.Join(c.ProjectIDs, "、")}}
}

// checkCaseRefs checks, inside the write, that the call takes cases and
// that every linked project is the submitter's (CanLinkCaseProject), and
// sets the case's county from its organization.
func (s *Store) checkCaseRefs(ctx context.Context, tx querier, a zhuxiang.Actor, c *zhuxiang.Case) error {
	var pr zhuxiang.Problems
	call, err := s.callRow(ctx, tx, c.CallID)
	switch {
	case zhuxiang.ErrorCodeOf(err) == zhuxiang.ENotFound:
		pr.Addf("call", "征集活动不存在")
	case err != nil:
		return err
	case call.Status(s.today()) == zhuxiang.CallClosed:
		pr.Addf("call", "征集活动“%s”已于%s截止，不再接受案例", call.Theme, call.ClosesOn)
	}
	if c.OrgID != "" {
		if err := tx.QueryRowContext(ctx, `SELECT reg_county FROM orgs WHERE id = $1`, c.OrgID).Scan(&c.CountyCode); err != nil {
			pr.Addf("org", "提交案例的社会组织不存在")
		}
	}
	fromProject := c.OrgID != "" && c.CountyCode == "" // registered outside the prefecture
	for _, id := range c.ProjectIDs {
		p, err := s.projectRow(ctx, tx, id, "")
		if zhuxiang.ErrorCodeOf(err) == zhuxiang.ENotFound {
			pr.Addf("projects", "项目“%s”不存在", id)
			continue
		}
		if err != nil {
			return err
		}
		// Out of scope reads as a problem of the form's field, and names
		// the project by the id typed, not by a name the actor may not see.
		if err := zhuxiang.CanLinkCaseProject(a, p); err != nil {
			pr.Addf("projects", "项目“%s”：%s", id, zhuxiang.ErrorMessage(err))
		} else if fromProject && c.CountyCode == "" {
			c.CountyCode = p.CountyCode
		}
	}
	return pr.Err()
}

func writeCaseProjects(ctx context.Context, tx querier, c *zhuxiang.Case, replace bool) error {
	if replace {
		if _, err := tx.ExecContext(ctx, `DELETE FROM case_projects WHERE case_id = $1`, c.ID); err != nil {
			return err
		}
	}
	for i, p := range c.ProjectIDs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_projects (case_id, project_id, pos) VALUES ($1, $2, $3)`, c.ID, p, i); err != nil {
			return err
		}
	}
	return nil
}

// CreateCase saves a new case as a draft of the actor's organization or
// county and returns its id. A draft may be written before a call opens,
// not after it closes.
func (s *Store) CreateCase(ctx context.Context, a zhuxiang.Actor, c *zhuxiang.Case) (string, error) {
	if err := zhuxiang.CanSubmitCases(a); err != nil {
		return "", err
	}
	c.Version = 0
	if err := c.Validate(); err != nil {
		return "", err
	}
	zhuxiang.CaseSubmitterFor(a, c)
	err := s.write(ctx, a, func(tx *writeTx) error {
		if err := s.checkCaseRefs(ctx, tx, a, c); err != nil {
			return err
		}
		seq, err := nextSeq(ctx, tx, "cases", 1)
		if err != nil {
			return err
		}
		now := ts(s.Now())
		c.ID, c.Seq, c.Version, c.Status, c.Reason = secure.NewID(), seq, 1, zhuxiang.CaseDraft, ""
		if _, err := tx.ExecContext(ctx, `INSERT INTO cases (id, seq, call_id, title, body, org_id, county_code, status, created_at, created_by, created_by_id, updated_at, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $9, $10)`,
			c.ID, seq, c.CallID, c.Title, c.Body, c.OrgID, c.CountyCode, string(c.Status), now, a.Name, a.UserID); err != nil {
			return err
		}
		if err := writeCaseProjects(ctx, tx, c, false); err != nil {
			return err
		}
		return tx.audit("create", "case", c.ID, diff(nil, append(caseKV(c), kv{"状态", c.Status.Label()})))
	})
	return c.ID, err
}

// lockCase reads the case for a write, refusing one the actor may not see.
func (s *Store) lockCase(ctx context.Context, tx *writeTx, a zhuxiang.Actor, id string) (*zhuxiang.Case, error) {
	c, err := s.caseRow(ctx, tx, id, s.forUpdateOf("c"))
	if err != nil {
		return nil, err
	}
	if !zhuxiang.CanSeeCase(a, c) {
		return nil, notFound("案例")
	}
	return c, nil
}

// UpdateCase changes a draft's call, text and projects. The version must
// match the one the editor read; the photos are kept.
func (s *Store) UpdateCase(ctx context.Context, a zhuxiang.Actor, c *zhuxiang.Case) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return s.write(ctx, a, func(tx *writeTx) error {
		old, err := s.lockCase(ctx, tx, a, c.ID)
		if err != nil {
			return err
		}
		if err := zhuxiang.CanEditCase(a, old); err != nil {
			return err
		}
		if c.Version != old.Version {
			return zhuxiang.Errorf(zhuxiang.EConflict, "version", "该案例已被他人修改，请刷新后重试")
		}
		c.OrgID, c.CountyCode = old.OrgID, old.CountyCode
		if err := s.checkCaseRefs(ctx, tx, a, c); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET call_id = $1, title = $2, body = $3, version = version + 1, updated_at = $4, updated_by = $5 WHERE id = $6`,
			c.CallID, c.Title, c.Body, ts(s.Now()), a.Name, c.ID); err != nil {
			return err
		}
		if err := writeCaseProjects(ctx, tx, c, true); err != nil {
			return err
		}
		c.Version = old.Version + 1
		return tx.audit("update", "case", c.ID, diff(caseKV(old), caseKV(c)))
	})
}

// AddCasePhoto attaches a vetted photo to a draft case, after its others.
func (s *Store) AddCasePhoto(ctx context.Context, a zhuxiang.Actor, id string, f *attach.File) error {
	if f == nil || !attach.IsImage(f.Type) {
		return zhuxiang.Errorf(zhuxiang.EInvalid, "file", "案例照片只能是 JPEG 或 PNG 图片")
	}
	return s.write(ctx, a, func(tx *writeTx) error {
		c, err := s.lockCase(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := zhuxiang.CanEditCase(a, c); err != nil {
			return err
		}
		if len(c.Photos) >= zhuxiang.MaxCasePhotos {
			return zhuxiang.Errorf(zhuxiang.EInvalid, "file", "每个案例最多%d张照片，请先删除不用的照片", zhuxiang.MaxCasePhotos)
		}
		at, err := keepFile(ctx, tx, f)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_photos (case_id, pos, `+attachmentCols+`)
			VALUES ($1, (SELECT COALESCE(MAX(pos), -1) + 1 FROM case_photos WHERE case_id = $1), $2, $3, $4, $5, $6, $7, $8)`,
			append([]any{id}, attachmentArgs(at)...)...); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET version = version + 1, updated_at = $1, updated_by = $2 WHERE id = $3`, ts(s.Now()), a.Name, id); err != nil {
			return err
		}
		return tx.audit("add_photo", "case", id, diff(nil, []kv{{"照片", at.Name}}))
	})
}

// RemoveCasePhoto removes a draft's photo n (0-based, in the order shown)
// and releases its file if nothing else keeps it.
func (s *Store) RemoveCasePhoto(ctx context.Context, a zhuxiang.Actor, id string, n int) error {
	return s.write(ctx, a, func(tx *writeTx) error {
		c, err := s.lockCase(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := zhuxiang.CanEditCase(a, c); err != nil {
			return err
		}
		if n < 0 || n >= len(c.Photos) {
			return notFound("照片")
		}
		p := c.Photos[n]
		var pos int
		if err := tx.QueryRowContext(ctx, `SELECT pos FROM case_photos WHERE case_id = $1 ORDER BY pos LIMIT 1 OFFSET `+strconv.Itoa(n), id).Scan(&pos); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM case_photos WHERE case_id = $1 AND pos = $2`, id, pos); err != nil {
			return err
		}
		if err := releaseFile(ctx, tx, p.SHA); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET version = version + 1, updated_at = $1, updated_by = $2 WHERE id = $3`, ts(s.Now()), a.Name, id); err != nil {
			return err
		}
		return tx.audit("remove_photo", "case", id, diff([]kv{{"照片", p.Name}}, []kv{{"照片", ""}}))
	})
}

// CasePhoto reads photo n of a case the actor may see (the zero actor: a
// published one), or its thumbnail, for attach.Serve.
func (s *Store) CasePhoto(ctx context.Context, a zhuxiang.Actor, id string, n int, thumb bool) (*attach.Served, error) {
	c, err := s.Case(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if n < 0 || n >= len(c.Photos) {
		return nil, notFound("照片")
	}
	return s.served(ctx, c.Photos[n], thumb)
}

// TransitionCase applies a lifecycle step (zhuxiang.CaseTransitions).
// version, when not zero, must match the one the user saw. Withdrawing
// discards the scores; publishing records the day.
func (s *Store) TransitionCase(ctx context.Context, a zhuxiang.Actor, id, name, reason string, version int) error {
	t, ok := zhuxiang.FindCaseTransition(name)
	if !ok {
		return zhuxiang.Errorf(zhuxiang.EInvalid, "action", "未知的操作")
	}
	reason, err := stepInput(t.Label, t.Reason, reason, version)
	if err != nil {
		return err
	}
	return s.write(ctx, a, func(tx *writeTx) error {
		c, err := s.lockCase(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := zhuxiang.CanCase(a, c, name); err != nil {
			return err
		}
		if version != 0 && version != c.Version {
			return zhuxiang.Errorf(zhuxiang.EConflict, "version", "该案例已被他人处理，请刷新后重试")
		}
		if !t.Reason {
			reason = ""
		}
		published := c.PublishedOn
		if t.To == zhuxiang.CasePublished {
			published = s.today()
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET status = $1, reason = $2, published_on = $3, version = version + 1, updated_at = $4, updated_by = $5 WHERE id = $6`,
			string(t.To), reason, published, ts(s.Now()), a.Name, id); err != nil {
			return err
		}
		changes := []kv{{"状态", t.To.Label()}, {"理由", reason}}
		if name == "withdraw" && c.Scores > 0 {
			if _, err := tx.ExecContext(ctx, `DELETE FROM case_scores WHERE case_id = $1`, id); err != nil {
				return err
			}
			changes = append(changes, kv{"评审打分", "已清除（" + strconv.Itoa(c.Scores) + "份）"})
		}
		if err := tx.audit(name, "case", id, diff([]kv{{"状态", c.Status.Label()}, {"理由", ""}, {"评审打分", ""}}, changes)); err != nil {
			return err
		}
		text := "案例“" + c.Title + "”" + t.To.Label()
		if name == "submit" {
			text = c.Submitter() + "提交了案例“" + c.Title + "”，请评审打分"
		}
		if reason != "" {
			text += "（" + reason + "）"
		}
		return s.notifyCase(ctx, tx, c, t.Tell, text)
	})
}

// notifyCase tells those a step names (CaseTransition.Tell).
func (s *Store) notifyCase(ctx context.Context, tx *writeTx, c *zhuxiang.Case, tell []string, text string) error {
	link := "/cases/" + c.ID
	for _, who := range tell {
		var err error
		switch who {
		case "submitter":
			if c.OrgID != "" {
				err = s.notifyOrg(ctx, tx, c.OrgID, text, link)
			} else {
				err = s.notifyCounty(ctx, tx, c.CountyCode, text, link)
			}
		case "reviewers":
			err = s.notifyWhere(ctx, tx, text, link, `(role = 'admin' OR (role = 'department' AND department_id <> ''))`)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// ScoreCase records the actor's scores of a submitted case; scoring again
// replaces the actor's earlier scores (one set per reviewer).
func (s *Store) ScoreCase(ctx context.Context, a zhuxiang.Actor, id string, sc *zhuxiang.CaseScore) error {
	if err := zhuxiang.CanReviewCases(a); err != nil {
		return err
	}
	if err := sc.Validate(); err != nil {
		return err
	}
	return s.write(ctx, a, func(tx *writeTx) error {
		c, err := s.lockCase(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := zhuxiang.CanScoreCase(a, c); err != nil {
			return err
		}
		var before []kv
		var old string
		var oldTotal int
		err = tx.QueryRowContext(ctx, `SELECT points, total FROM case_scores WHERE case_id = $1 AND reviewer_id = $2`, id, a.UserID).Scan(&old, &oldTotal)
		switch {
		case err == nil:
			before = []kv{{"评分", old}, {"总分", oldTotal}}
			if _, err := tx.ExecContext(ctx, `DELETE FROM case_scores WHERE case_id = $1 AND reviewer_id = $2`, id, a.UserID); err != nil {
				return err
			}
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		sc.CaseID, sc.ReviewerID, sc.Reviewer, sc.At = id, a.UserID, a.Name, s.Now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_scores (case_id, reviewer_id, reviewer, points, total, comment, scored_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			id, a.UserID, a.Name, sc.EncodePoints(), sc.Total(), sc.Comment, ts(sc.At)); err != nil {
			return err
		}
		return tx.audit("score", "case", id, diff(before, []kv{{"评分", sc.EncodePoints()}, {"总分", sc.Total()}}))
	})
}

// CaseScores lists a case's score sets, highest total first: the
// reviewers read them all; the submitter reads the mean only (on the
// case), so the scores are the reviewers' alone.
func (s *Store) CaseScores(ctx context.Context, a zhuxiang.Actor, id string) ([]zhuxiang.CaseScore, error) {
	if err := zhuxiang.CanReviewCases(a); err != nil {
		return nil, err
	}
	if _, err := s.Case(ctx, a, id); err != nil {
		return nil, err
	}
	var out []zhuxiang.CaseScore
	err := eachRow(ctx, s.r, `SELECT reviewer_id, reviewer, points, comment, scored_at FROM case_scores WHERE case_id = $1 ORDER BY total DESC, reviewer_id`, []any{id},
		func(sc interface{ Scan(...any) error }) error {
			cs := zhuxiang.CaseScore{CaseID: id}
			var points, at string
			if err := sc.Scan(&cs.ReviewerID, &cs.Reviewer, &points, &cs.Comment, &at); err != nil {
				return err
			}
			cs.Points, cs.At = zhuxiang.DecodeCasePoints(points), parseTS(at)
			out = append(out, cs)
			return nil
		})
	return out, err
}
