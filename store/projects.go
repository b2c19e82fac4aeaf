package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"

	"zhuxiang"
	"zhuxiang/secure"
)

// ProjectFilter selects projects; the API's list and (later) the pages
// and the export share it.
type ProjectFilter struct {
	Status zhuxiang.ProjectStatus
	County string
	Action zhuxiang.Action
	Key    bool   // only key projects
	Org    string // only projects this organization takes part in
	// Pairing keeps the projects grown from this pairing.
	Pairing string
	// Report is "pending" for projects with a progress report waiting for
	// the actor's confirmation, "disputed" for those with a disputed one.
	Report string
	// Mine keeps the projects the actor's own organization leads (not
	// those it is a partner or donor of): what it must keep up itself.
	// For an actor with no organization of its own it keeps none.
	Mine bool
	// Review keeps the projects the actor may approve or return
	// (zhuxiang.ProjectReviewScope): for a department, those of the
	// actions it leads, not those of the organizations it supervises.
	Review bool
	Q      string // a fragment of the name
	Cursor string
	Limit  int
}

// ProjectPage is one page of projects, newest first.
type ProjectPage struct {
	Projects []*zhuxiang.Project
	Next     string
	Total    int
}

const projectCols = `p.id, p.seq, p.name, p.description, p.county_code, COALESCE(c.name, ''), p.action, p.pairing_id, p.key_project,
	p.budget, p.people, p.start_date, p.end_date, p.status, p.reason, p.version, p.created_at, p.created_by, p.updated_at, p.updated_by`

const projectFrom = ` FROM projects p LEFT JOIN regions c ON c.code = p.county_code`

func scanProject(sc interface{ Scan(...any) error }) (*zhuxiang.Project, error) {
	var p zhuxiang.Project
	var action, budget, people, status, created, updated string
	var key int
	if err := sc.Scan(&p.ID, &p.Seq, &p.Name, &p.Description, &p.CountyCode, &p.County, &action, &p.PairingID, &key,
		&budget, &people, &p.StartDate, &p.EndDate, &status, &p.Reason, &p.Version, &created, &p.CreatedBy, &updated, &p.UpdatedBy); err != nil {
		return nil, err
	}
	p.Action, p.Status, p.Key = zhuxiang.Action(action), zhuxiang.ProjectStatus(status), key == 1
	p.Budget, p.People = decodeBudget(budget), decodePeople(people)
	p.CreatedAt, p.UpdatedAt = parseTS(created), parseTS(updated)
	return &p, nil
}

// encodeBudget spells the budget as the row keeps it (see the migration).
func encodeBudget(bs []zhuxiang.ProjectBudget) string {
	parts := make([]string, 0, len(bs))
	for _, b := range bs {
		parts = append(parts, string(b.Source)+":"+strconv.FormatInt(b.OriginalFen, 10)+":"+strconv.FormatInt(b.RevisedFen, 10))
	}
	return strings.Join(parts, ";")
}

func decodeBudget(s string) []zhuxiang.ProjectBudget {
	var out []zhuxiang.ProjectBudget
	for _, f := range triples(s) {
		o, _ := strconv.ParseInt(f[1], 10, 64)
		r, _ := strconv.ParseInt(f[2], 10, 64)
		out = append(out, zhuxiang.ProjectBudget{Source: zhuxiang.FundSource(f[0]), OriginalFen: o, RevisedFen: r})
	}
	return out
}

func encodePeople(ps []zhuxiang.ProjectPeople) string {
	parts := make([]string, 0, len(ps))
	for _, p := range ps {
		parts = append(parts, p.Category+":"+strconv.Itoa(p.Target)+":"+strconv.Itoa(p.Reached))
	}
	return strings.Join(parts, ";")
}

func decodePeople(s string) []zhuxiang.ProjectPeople {
	var out []zhuxiang.ProjectPeople
	for _, f := range triples(s) {
		t, _ := strconv.Atoi(f[1])
		r, _ := strconv.Atoi(f[2])
		out = append(out, zhuxiang.ProjectPeople{Category: f[0], Target: t, Reached: r})
	}
	return out
}

// triples splits a column written as "a:b:c;a:b:c" (the budget, the
// people): the names are from fixed lists, which hold neither separator.
func triples(s string) [][3]string {
	var out [][3]string
	for _, part := range strings.Split(s, ";") {
		if f := strings.Split(part, ":"); len(f) == 3 {
			out = append(out, [3]string{f[0], f[1], f[2]})
		}
	}
	return out
}

// projectScopeSQL spells zhuxiang.ProjectScope as a condition on
// projectFrom, with its argument numbered next. A project has several
// villages and organizations, so village and organization scopes ask its
// lists; a department's asks the actions it leads and the organizations it
// supervises, as zhuxiang.ProjectInScope does in memory.
func projectScopeSQL(a zhuxiang.Actor, next int) (string, []any) {
	s := zhuxiang.ProjectScope(a)
	n := "$" + strconv.Itoa(next)
	switch {
	case s.All:
		return "1=1", nil
	case s.County != "":
		return "p.county_code = " + n, []any{s.County}
	case s.Village != "":
		return "EXISTS (SELECT 1 FROM project_villages pv WHERE pv.project_id = p.id AND pv.village_code = " + n + ")", []any{s.Village}
	case s.Org != "":
		return "EXISTS (SELECT 1 FROM project_parties pp WHERE pp.project_id = p.id AND pp.org_id = " + n + ")", []any{s.Org}
	case s.Department != "":
		return "(EXISTS (SELECT 1 FROM department_actions da WHERE da.department_id = " + n + " AND da.action = p.action AND da.lead = 1)" +
			" OR EXISTS (SELECT 1 FROM project_parties pp JOIN orgs o ON o.id = pp.org_id WHERE pp.project_id = p.id AND o.department_id = " + n + "))", []any{s.Department}
	}
	return "1=0", nil
}

// projectWhere is the condition of the projects list for f, the actor's
// scope included.
func projectWhere(a zhuxiang.Actor, f ProjectFilter) (string, []any) {
	cond, args := projectScopeSQL(a, 1)
	where := []string{cond}
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	if f.Status != "" {
		where = append(where, "p.status = "+arg(string(f.Status)))
	}
	if f.County != "" {
		where = append(where, "p.county_code = "+arg(f.County))
	}
	if f.Action != "" {
		where = append(where, "p.action = "+arg(string(f.Action)))
	}
	if f.Key {
		where = append(where, "p.key_project = 1")
	}
	if f.Pairing != "" {
		where = append(where, "p.pairing_id = "+arg(f.Pairing))
	}
	if f.Org != "" {
		where = append(where, "EXISTS (SELECT 1 FROM project_parties fp WHERE fp.project_id = p.id AND fp.org_id = "+arg(f.Org)+")")
	}
	if c := reportFilterSQL(a, f.Report); c != "" {
		where = append(where, c)
	}
	if f.Mine {
		if org := zhuxiang.OwnOrg(a); org != "" {
			where = append(where, "p.lead_org_id = "+arg(org))
		} else {
			where = append(where, "1=0")
		}
	}
	if f.Review {
		switch rs := zhuxiang.ProjectReviewScope(a); {
		case rs.All:
		case rs.County != "":
			where = append(where, "p.county_code = "+arg(rs.County))
		case rs.Department != "":
			where = append(where, "EXISTS (SELECT 1 FROM department_actions ra WHERE ra.department_id = "+arg(rs.Department)+" AND ra.action = p.action AND ra.lead = 1)")
		default:
			where = append(where, "1=0")
		}
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		where = append(where, "p.name LIKE "+arg(like(q))+" ESCAPE '\\'")
	}
	return strings.Join(where, " AND "), args
}

// ListProjects lists the projects the actor may see, newest first.
func (s *Store) ListProjects(ctx context.Context, a zhuxiang.Actor, f ProjectFilter) (*ProjectPage, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	cond, args := projectWhere(a, f)
	items, next, total, err := seqPage(ctx, s, seqQuery{cols: projectCols, from: projectFrom, alias: "p", cond: cond, args: args,
		cursor: f.Cursor, limit: f.Limit}, scanProject, func(p *zhuxiang.Project) int64 { return p.Seq })
	if err != nil {
		return nil, err
	}
	if err := s.projectDetails(ctx, s.r, items); err != nil {
		return nil, err
	}
	return &ProjectPage{Projects: items, Next: next, Total: total}, nil
}

// ProjectExportMax bounds one export of projects (EachProject).
const ProjectExportMax = 10000

// EachProject hands fn every project of the list with filter f (the
// cursor and limit ignored), newest first, up to ProjectExportMax: the
// export's rows, read a page at a time.
func (s *Store) EachProject(ctx context.Context, a zhuxiang.Actor, f ProjectFilter, fn func(*zhuxiang.Project) error) error {
	f.Cursor, f.Limit = "", 200
	n := 0
	for {
		page, err := s.ListProjects(ctx, a, f)
		if err != nil {
			return err
		}
		for _, p := range page.Projects {
			if n++; n > ProjectExportMax {
				return nil
			}
			if err := fn(p); err != nil {
				return err
			}
		}
		if page.Next == "" {
			return nil
		}
		f.Cursor = page.Next
	}
}

// Project returns one project the actor may see, with its spending.
func (s *Store) Project(ctx context.Context, a zhuxiang.Actor, id string) (*zhuxiang.Project, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	p, err := s.projectRow(ctx, s.r, id, "")
	if err != nil {
		return nil, err
	}
	if !zhuxiang.CanSeeProject(a, p) {
		return nil, notFound("项目")
	}
	rows, err := s.query(ctx, `SELECT id, spent_on, source, amount_fen, note, created_at, created_by FROM project_spending
		WHERE project_id = $1 ORDER BY spent_on, created_at, id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var e zhuxiang.ProjectSpending
		var source, created string
		if err := rows.Scan(&e.ID, &e.Date, &source, &e.AmountFen, &e.Note, &created, &e.CreatedBy); err != nil {
			return nil, err
		}
		e.Source, e.CreatedAt = zhuxiang.FundSource(source), parseTS(created)
		p.Spending = append(p.Spending, e)
	}
	return p, rows.Err()
}

// projectRow reads one project with its lists; lock is "" or the row lock
// of a write (forUpdateOf), so two reviewers take turns.
func (s *Store) projectRow(ctx context.Context, q querier, id, lock string) (*zhuxiang.Project, error) {
	if !zhuxiang.IsID(id) {
		return nil, notFound("项目")
	}
	p, err := scanProject(q.QueryRowContext(ctx, `SELECT `+projectCols+projectFrom+` WHERE p.id = $1`+lock, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("项目")
	}
	if err != nil {
		return nil, err
	}
	return p, s.projectDetails(ctx, q, []*zhuxiang.Project{p})
}

// projectDetails fills the projects' organizations, villages, needs, the
// sum of their spending and the departments leading their actions, five
// queries for the whole page.
func (s *Store) projectDetails(ctx context.Context, q querier, ps []*zhuxiang.Project) error {
	if len(ps) == 0 {
		return nil
	}
	byID := make(map[string]*zhuxiang.Project, len(ps))
	for _, p := range ps {
		byID[p.ID] = p
	}
	var args []any
	in := inList(&args, ps, func(p *zhuxiang.Project) any { return p.ID })
	err := eachRow(ctx, q, `SELECT pp.project_id, pp.org_id, COALESCE(o.name, ''), pp.role, pp.amount_fen, COALESCE(o.department_id, '')
		FROM project_parties pp LEFT JOIN orgs o ON o.id = pp.org_id WHERE pp.project_id IN `+in+` ORDER BY pp.project_id, pp.pos`, args,
		func(sc interface{ Scan(...any) error }) error {
			var pid, role string
			var pt zhuxiang.ProjectParty
			if err := sc.Scan(&pid, &pt.OrgID, &pt.Org, &role, &pt.AmountFen, &pt.Department); err != nil {
				return err
			}
			pt.Role = zhuxiang.PartyRole(role)
			byID[pid].Parties = append(byID[pid].Parties, pt)
			return nil
		})
	if err != nil {
		return err
	}
	err = eachRow(ctx, q, `SELECT pv.project_id, pv.village_code, COALESCE(v.name, ''), COALESCE(t.name, '') FROM project_villages pv
		LEFT JOIN regions v ON v.code = pv.village_code LEFT JOIN regions t ON t.code = v.parent_code
		WHERE pv.project_id IN `+in+` ORDER BY pv.project_id, pv.pos`, args,
		func(sc interface{ Scan(...any) error }) error {
			var pid, code, name, town string
			if err := sc.Scan(&pid, &code, &name, &town); err != nil {
				return err
			}
			p := byID[pid]
			p.Villages, p.VillageNames, p.VillageTowns = append(p.Villages, code), append(p.VillageNames, name), append(p.VillageTowns, town)
			return nil
		})
	if err != nil {
		return err
	}
	err = eachRow(ctx, q, `SELECT project_id, need_id FROM project_needs WHERE project_id IN `+in+` ORDER BY project_id, need_id`, args,
		func(sc interface{ Scan(...any) error }) error {
			var pid, need string
			if err := sc.Scan(&pid, &need); err != nil {
				return err
			}
			byID[pid].NeedIDs = append(byID[pid].NeedIDs, need)
			return nil
		})
	if err != nil {
		return err
	}
	err = eachRow(ctx, q, `SELECT project_id, SUM(amount_fen) FROM project_spending WHERE project_id IN `+in+` GROUP BY project_id`, args,
		func(sc interface{ Scan(...any) error }) error {
			var pid string
			var sum int64
			if err := sc.Scan(&pid, &sum); err != nil {
				return err
			}
			byID[pid].Spent = sum
			return nil
		})
	if err != nil {
		return err
	}
	leads := map[zhuxiang.Action][]string{}
	err = eachRow(ctx, q, `SELECT department_id, action FROM department_actions WHERE lead = 1 ORDER BY department_id`, nil,
		func(sc interface{ Scan(...any) error }) error {
			var d, act string
			if err := sc.Scan(&d, &act); err != nil {
				return err
			}
			leads[zhuxiang.Action(act)] = append(leads[zhuxiang.Action(act)], d)
			return nil
		})
	for _, p := range ps {
		p.LeadDepartments = leads[p.Action]
	}
	return err
}

// eachRow runs a query and hands every row to fn.
func eachRow(ctx context.Context, q querier, query string, args []any, fn func(interface{ Scan(...any) error }) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func projectKV(p *zhuxiang.Project) []kv {
	var parties []string
	for _, pt := range p.Parties {
		parties = append(parties, pt.OrgID+"（"+pt.Role.Label()+"，"+strconv.FormatInt(pt.AmountFen, 10)+"分）")
	}
	return []kv{{"名称", p.Name}, {"简介", p.Description}, {"行动", p.Action.Short()}, {"参与单位", strings.Join(parties, "、")},
		{"村", strings.Join(p.Villages, "、")}, {"结对", p.PairingID}, {"需求", strings.Join(p.NeedIDs, "、")},
		{"预算（分）", encodeBudget(p.Budget)}, {"受益人数", encodePeople(p.People)}, {"开始日期", p.StartDate}, {"结束日期", p.EndDate}}
}

// checkProjectRefs checks, inside the write, that the project's
// organizations, villages, pairing and needs exist and fit together, and
// sets its county from its villages: they must lie in one county.
func (s *Store) checkProjectRefs(ctx context.Context, tx querier, p *zhuxiang.Project) error {
	var pr zhuxiang.Problems
	for i := range p.Parties {
		pt := &p.Parties[i]
		if err := tx.QueryRowContext(ctx, `SELECT name FROM orgs WHERE id = $1`, pt.OrgID).Scan(&pt.Org); err != nil {
			pr.Addf("parties", "参与单位“%s”不存在", pt.OrgID)
		}
	}
	county := ""
	for _, v := range p.Villages {
		var level, c string
		err := tx.QueryRowContext(ctx, `SELECT level, county_code FROM regions WHERE code = $1`, v).Scan(&level, &c)
		switch {
		case err != nil || level != string(zhuxiang.LevelVillage):
			pr.Addf("villages", "村“%s”不存在", v)
		case county != "" && c != county:
			pr.Addf("villages", "项目的村应在同一县市（跨县市的帮扶请按县市分别建项目）")
		default:
			county = c
		}
	}
	p.CountyCode = county
	if p.PairingID != "" {
		var org string
		err := tx.QueryRowContext(ctx, `SELECT org_id FROM pairings WHERE id = $1`, p.PairingID).Scan(&org)
		switch {
		case err != nil:
			pr.Addf("pairing", "结对“%s”不存在", p.PairingID)
		case !slices.Contains(p.OrgIDs(), org):
			pr.Addf("pairing", "所选结对的社会组织不是本项目的参与单位")
		}
	}
	for _, id := range p.NeedIDs {
		var c string
		err := tx.QueryRowContext(ctx, `SELECT county_code FROM needs WHERE id = $1`, id).Scan(&c)
		switch {
		case err != nil:
			pr.Addf("needs", "需求“%s”不存在", id)
		case county != "" && c != county:
			pr.Addf("needs", "关联的需求应在项目所在县市")
		}
	}
	return pr.Err()
}

// writeProjectLists replaces the project's organizations, villages and
// needs.
func writeProjectLists(ctx context.Context, tx querier, p *zhuxiang.Project, replace bool) error {
	if replace {
		for _, t := range []string{"project_parties", "project_villages", "project_needs"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE project_id = $1`, p.ID); err != nil {
				return err
			}
		}
	}
	for i, pt := range p.Parties {
		if _, err := tx.ExecContext(ctx, `INSERT INTO project_parties (project_id, org_id, role, amount_fen, pos) VALUES ($1, $2, $3, $4, $5)`,
			p.ID, pt.OrgID, string(pt.Role), pt.AmountFen, i); err != nil {
			return err
		}
	}
	for i, v := range p.Villages {
		if _, err := tx.ExecContext(ctx, `INSERT INTO project_villages (project_id, village_code, pos) VALUES ($1, $2, $3)`, p.ID, v, i); err != nil {
			return err
		}
	}
	seen := map[string]bool{}
	for _, n := range p.NeedIDs {
		if seen[n] {
			continue
		}
		seen[n] = true
		if _, err := tx.ExecContext(ctx, `INSERT INTO project_needs (project_id, need_id) VALUES ($1, $2)`, p.ID, n); err != nil {
			return err
		}
	}
	return nil
}

// CreateProject saves a new project as a draft of its lead organization
// and returns its id.
func (s *Store) CreateProject(ctx context.Context, a zhuxiang.Actor, p *zhuxiang.Project) (string, error) {
	if err := zhuxiang.CanCreateProjects(a); err != nil {
		return "", err
	}
	if err := p.Validate(); err != nil {
		return "", err
	}
	if err := zhuxiang.CanCreateProject(a, p); err != nil {
		return "", err
	}
	err := s.write(ctx, a, func(tx *writeTx) error {
		if err := s.checkProjectRefs(ctx, tx, p); err != nil {
			return err
		}
		if err := s.insertProject(ctx, tx, a, p); err != nil {
			return err
		}
		return tx.audit("create", "project", p.ID, diff(nil, append(projectKV(p), kv{"状态", p.Status.Label()})))
	})
	return p.ID, err
}

// insertProject stores p, checked, as a new draft with its lists; the
// caller audits it (the form one entry a project, an import a batch).
func (s *Store) insertProject(ctx context.Context, tx *writeTx, a zhuxiang.Actor, p *zhuxiang.Project) error {
	seq, err := nextSeq(ctx, tx, "projects", 1)
	if err != nil {
		return err
	}
	now := ts(s.Now())
	p.ID, p.Seq, p.Version, p.Status, p.Key, p.Reason = secure.NewID(), seq, 1, zhuxiang.ProjectDraft, false, ""
	if _, err := tx.ExecContext(ctx, `INSERT INTO projects (id, seq, name, description, lead_org_id, county_code, action, pairing_id, budget, people,
		start_date, end_date, status, created_at, created_by, created_by_id, updated_at, updated_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $14, $15)`,
		p.ID, seq, p.Name, p.Description, p.LeadOrgID(), p.CountyCode, string(p.Action), p.PairingID, encodeBudget(p.Budget), encodePeople(p.People),
		p.StartDate, p.EndDate, string(p.Status), now, a.Name, a.UserID); err != nil {
		return err
	}
	return writeProjectLists(ctx, tx, p, false)
}

// UpdateProject changes a draft or returned project's content. The version
// must match the one the editor read; the key flag, status and spending
// are kept.
func (s *Store) UpdateProject(ctx context.Context, a zhuxiang.Actor, p *zhuxiang.Project) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return s.write(ctx, a, func(tx *writeTx) error {
		old, err := s.projectRow(ctx, tx, p.ID, s.forUpdateOf("p"))
		if err != nil {
			return err
		}
		if !zhuxiang.CanSeeProject(a, old) {
			return notFound("项目")
		}
		if err := zhuxiang.CanEditProject(a, old); err != nil {
			return err
		}
		// An organization may not hand its project to another lead and
		// lose it: the new content must still be the actor's to keep.
		p.Status = old.Status
		if err := zhuxiang.CanEditProject(a, p); err != nil {
			return err
		}
		if old.Version != p.Version {
			return zhuxiang.Errorf(zhuxiang.EConflict, "version", "该项目已被他人修改，请刷新后重试")
		}
		if err := s.checkProjectRefs(ctx, tx, p); err != nil {
			return err
		}
		p.Key, p.Reason = old.Key, old.Reason
		if _, err := tx.ExecContext(ctx, `UPDATE projects SET name = $1, description = $2, lead_org_id = $3, county_code = $4, action = $5, pairing_id = $6,
			budget = $7, people = $8, start_date = $9, end_date = $10, version = version + 1, updated_at = $11, updated_by = $12 WHERE id = $13`,
			p.Name, p.Description, p.LeadOrgID(), p.CountyCode, string(p.Action), p.PairingID, encodeBudget(p.Budget), encodePeople(p.People),
			p.StartDate, p.EndDate, ts(s.Now()), a.Name, p.ID); err != nil {
			return err
		}
		if err := writeProjectLists(ctx, tx, p, true); err != nil {
			return err
		}
		p.Version++
		return tx.audit("update", "project", p.ID, diff(projectKV(old), projectKV(p)))
	})
}

// projectDisputes counts the project's disputed progress reports: while
// there is one, the project cannot be completed (issue 11: the village's
// word stands until the dispute is settled).
func projectDisputes(ctx context.Context, q querier, id string) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM project_reports WHERE project_id = $1 AND status = 'disputed'`, id).Scan(&n)
	return n, err
}

// stepInput checks what a person sends with a lifecycle step (needs',
// projects'): the reason, trimmed, required when the step says so, and the
// version read.
func stepInput(label string, required bool, reason string, version int) (string, error) {
	reason = strings.TrimSpace(reason)
	if required && reason == "" {
		return "", zhuxiang.Errorf(zhuxiang.EInvalid, "reason", "请填写“%s”的理由", label)
	}
	if err := zhuxiang.CheckText("reason", "理由", reason, zhuxiang.MaxReasonRunes); err != nil {
		return "", err
	}
	return reason, zhuxiang.CheckVersion(version)
}

// TransitionProject applies a lifecycle step (zhuxiang.ProjectTransitions)
// to a project. version, when not zero, must match the one the user saw.
// Completing marks the project's needs that are paired (matched) done, each
// with its own audit entry, in the same transaction.
func (s *Store) TransitionProject(ctx context.Context, a zhuxiang.Actor, id, name, reason string, version int) error {
	t, ok := zhuxiang.FindProjectTransition(name)
	if !ok {
		return zhuxiang.Errorf(zhuxiang.EInvalid, "action", "未知的操作")
	}
	reason, err := stepInput(t.Label, t.Reason, reason, version)
	if err != nil {
		return err
	}
	return s.write(ctx, a, func(tx *writeTx) error {
		p, err := s.projectRow(ctx, tx, id, s.forUpdateOf("p"))
		if err != nil {
			return err
		}
		if !zhuxiang.CanSeeProject(a, p) {
			return notFound("项目")
		}
		if err := zhuxiang.CanProject(a, p, name); err != nil {
			return err
		}
		if version != 0 && version != p.Version {
			return zhuxiang.Errorf(zhuxiang.EConflict, "version", "该项目已被他人处理，请刷新后重试")
		}
		if name == "complete" {
			n, err := projectDisputes(ctx, tx, id)
			if err != nil {
				return err
			}
			if n > 0 {
				return zhuxiang.Errorf(zhuxiang.EConflict, "status", "项目有%d份进展报告被村里提出异议，异议处理前不能验收完成", n)
			}
		}
		if !t.Reason {
			reason = ""
		}
		now := ts(s.Now())
		if _, err := tx.ExecContext(ctx, `UPDATE projects SET status = $1, reason = $2, version = version + 1, updated_at = $3, updated_by = $4 WHERE id = $5`,
			string(t.To), reason, now, a.Name, id); err != nil {
			return err
		}
		changes := []kv{{"状态", t.To.Label()}}
		if reason != "" {
			changes = append(changes, kv{"理由", reason})
		}
		if err := tx.audit(name, "project", id, diff([]kv{{"状态", p.Status.Label()}, {"理由", ""}}, changes)); err != nil {
			return err
		}
		if name == "complete" {
			if err := s.completeProjectNeeds(ctx, tx, a, p, now); err != nil {
				return err
			}
		}
		text := "项目“" + p.Name + "”" + t.Label
		if reason != "" {
			text += "（" + reason + "）"
		}
		return s.notifyProject(ctx, tx, p, t.Tell, text)
	})
}

// completeProjectNeeds marks the project's paired needs done, as the need
// lifecycle's "done" step would (matched → done), each audited as a need.
func (s *Store) completeProjectNeeds(ctx context.Context, tx *writeTx, a zhuxiang.Actor, p *zhuxiang.Project, now string) error {
	done, ok := zhuxiang.FindNeedTransition("done")
	if !ok {
		return errors.New("store: the need lifecycle has no done step")
	}
	for _, id := range p.NeedIDs {
		n, err := s.lockNeed(ctx, tx, id)
		if err != nil {
			return err
		}
		if !slices.Contains(done.From, n.Status) {
			continue // not paired, or already done or closed: left as it is
		}
		if _, err := tx.ExecContext(ctx, `UPDATE needs SET status = $1, version = version + 1, updated_at = $2, updated_by = $3 WHERE id = $4`,
			string(done.To), now, a.Name, id); err != nil {
			return err
		}
		if err := tx.audit("done", "need", id, diff([]kv{{"状态", n.Status.Label()}, {"项目", ""}}, []kv{{"状态", done.To.Label()}, {"项目", p.Name}})); err != nil {
			return err
		}
	}
	return nil
}

// notifyProject tells the sides a step names (ProjectTransition.Tell).
func (s *Store) notifyProject(ctx context.Context, tx *writeTx, p *zhuxiang.Project, tell []string, text string) error {
	link := "/projects/" + p.ID
	for _, who := range tell {
		var err error
		switch who {
		case "county":
			err = s.notifyCounty(ctx, tx, p.CountyCode, text, link)
		case "lead":
			err = s.notifyOrg(ctx, tx, p.LeadOrgID(), text, link)
		case "villages":
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

// SetProjectKey marks or unmarks a key project (重点项目): the prefecture
// admin alone (zhuxiang.CanMarkKeyProject).
func (s *Store) SetProjectKey(ctx context.Context, a zhuxiang.Actor, id string, key bool) error {
	if err := zhuxiang.CanMarkKeyProject(a); err != nil {
		return err
	}
	return s.write(ctx, a, func(tx *writeTx) error {
		p, err := s.projectRow(ctx, tx, id, s.forUpdateOf("p"))
		if err != nil {
			return err
		}
		if p.Key == key {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE projects SET key_project = $1, version = version + 1, updated_at = $2, updated_by = $3 WHERE id = $4`,
			b2i(key), ts(s.Now()), a.Name, id); err != nil {
			return err
		}
		return tx.audit("set_key", "project", id, diff([]kv{{"重点项目", p.Key}}, []kv{{"重点项目", key}}))
	})
}

// AddProjectSpending records one entry of what a running project spent.
func (s *Store) AddProjectSpending(ctx context.Context, a zhuxiang.Actor, id string, e *zhuxiang.ProjectSpending) error {
	if err := e.Validate(); err != nil {
		return err
	}
	return s.write(ctx, a, func(tx *writeTx) error {
		p, err := s.projectRow(ctx, tx, id, s.forUpdateOf("p"))
		if err != nil {
			return err
		}
		if !zhuxiang.CanSeeProject(a, p) {
			return notFound("项目")
		}
		if err := zhuxiang.CanSpendProject(a, p); err != nil {
			return err
		}
		return s.insertSpending(ctx, tx, a, id, e, "")
	})
}

// insertSpending records a checked spending entry of project id, by
// itself (AddProjectSpending) or with the progress report reportID that
// states it (CreateReport), and audits it on the project.
func (s *Store) insertSpending(ctx context.Context, tx *writeTx, a zhuxiang.Actor, id string, e *zhuxiang.ProjectSpending, reportID string) error {
	now := s.Now()
	e.ID, e.CreatedAt, e.CreatedBy = secure.NewID(), now, a.Name
	if _, err := tx.ExecContext(ctx, `INSERT INTO project_spending (id, project_id, spent_on, source, amount_fen, note, created_at, created_by, report_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, e.ID, id, e.Date, string(e.Source), e.AmountFen, e.Note, ts(now), a.Name, reportID); err != nil {
		return err
	}
	return tx.audit("spend", "project", id, diff(nil, []kv{{"日期", e.Date}, {"来源", e.Source.Label()}, {"金额（分）", e.AmountFen}, {"说明", e.Note}}))
}
