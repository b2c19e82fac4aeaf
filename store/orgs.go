package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"zhuxiang"
	"zhuxiang/search"
	"zhuxiang/secure"
)

// OrgFilter selects organizations; the same filters serve the page, the
// API and the export.
type OrgFilter struct {
	County     string
	Kind       zhuxiang.OrgKind
	LegalForm  zhuxiang.LegalForm
	Rating     int    // 0 any, 1..5, -1 none
	Flag       string // "", "abnormal", "dishonest", "any", "none"
	Department string
	// RatingState keeps the organizations whose rating has lapsed
	// ("lapsed") or lapses within zhuxiang.DueSoonDays ("expiring"), and
	// Inspection those whose annual inspection is overdue ("overdue") or,
	// while last year's falls due within zhuxiang.DueSoonDays, not yet
	// recorded ("due"); both as of the store's clock.
	RatingState string
	Inspection  string
	Q           string
	Cursor      string // opaque: continue after this position
	Limit       int
}

// OrgPage is one page of a list.
type OrgPage struct {
	Orgs   []*zhuxiang.Org
	Next   string // cursor of the next page; empty on the last
	Total  int    // number of matches, counted up to CountCap
	Capped bool   // Total reached CountCap: there are at least that many
}

const orgListCols = `o.id, o.credit_code, o.name, o.legal_form, o.kinds, COALESCE(o.department_id, ''), COALESCE(d.name, ''), o.rating, o.rating_date,
	o.reg_county, o.reg_place, o.contact, o.phone, o.address, o.intro, o.flag_abnormal, o.flag_dishonest, o.version, o.created_at, o.updated_at, o.updated_by, o.seq, o.inspections`

// scanOrg reads a row of orgListCols, the phone opened whole: callers that
// hand the organization to an actor mask it with zhuxiang.PhoneFor.
func (s *Store) scanOrg(sc interface{ Scan(...any) error }) (*zhuxiang.Org, error) {
	return s.scanOrgPersonal(sc, true)
}

// scanOrgPersonal is scanOrg; with personal false it leaves the phone
// empty, for reads that never show it (the match input), which would
// otherwise open thousands of sealed values at every rebuild.
func (s *Store) scanOrgPersonal(sc interface{ Scan(...any) error }, personal bool) (*zhuxiang.Org, error) {
	var o zhuxiang.Org
	var form, kinds, created, updated, inspections, phone string
	var abnormal, dishonest int
	if err := sc.Scan(&o.ID, &o.CreditCode, &o.Name, &form, &kinds, &o.DepartmentID, &o.Department, &o.Rating, &o.RatingDate,
		&o.RegCounty, &o.RegPlace, &o.Contact, &phone, &o.Address, &o.Intro, &abnormal, &dishonest, &o.Version, &created, &updated, &o.UpdatedBy, &o.Seq, &inspections); err != nil {
		return nil, err
	}
	if personal {
		var err error
		if o.Phone, err = s.open(orgPhone, o.ID, phone); err != nil {
			return nil, err
		}
	}
	o.LegalForm = zhuxiang.LegalForm(form)
	for _, k := range strings.Split(strings.Trim(kinds, ","), ",") {
		if k != "" {
			o.Kinds = append(o.Kinds, zhuxiang.OrgKind(k))
		}
	}
	// The list shows flags from the denormalized columns; Org loads the
	// full records with source and date.
	if abnormal == 1 {
		o.Flags = append(o.Flags, zhuxiang.OrgFlag{Kind: zhuxiang.FlagAbnormal})
	}
	if dishonest == 1 {
		o.Flags = append(o.Flags, zhuxiang.OrgFlag{Kind: zhuxiang.FlagDishonest})
	}
	o.CreatedAt, o.UpdatedAt = parseTS(created), parseTS(updated)
	o.Inspections = parseInspections(inspections)
	return &o, nil
}

func kindsText(ks []zhuxiang.OrgKind) string {
	if len(ks) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteByte(',')
	for _, k := range ks {
		b.WriteString(string(k))
		b.WriteByte(',')
	}
	return b.String()
}

func orgSearch(o *zhuxiang.Org) string {
	return strings.ToLower(o.Name) + " " + strings.ToLower(o.CreditCode) + " " + zhuxiang.SearchKeys(o.Name)
}

// orgScope returns the SQL condition that limits reads to the actor's
// scope (zhuxiang.OrgScope), with its arguments numbered from next. An
// actor who may not read the registry at all is refused, not shown an
// empty list.
func orgScope(a zhuxiang.Actor, next int) (string, []any, error) {
	if err := zhuxiang.CanSeeOrgs(a); err != nil {
		return "", nil, err
	}
	cond, args := scopeSQL(zhuxiang.OrgScope(a), orgKeys, next)
	return cond, args, nil
}

// ListOrgs lists the organizations in the actor's scope, in name order or,
// for a search, newest first, one page at a time. Pages continue from a
// cursor (keyset pagination), so page 500 costs what page 1 costs. Pages
// are not kept here: web's response cache keeps the rendered page.
func (s *Store) ListOrgs(ctx context.Context, a zhuxiang.Actor, f OrgFilter) (*OrgPage, error) {
	where, args, facets, err := orgWhere(a, f, s.Now())
	if err != nil {
		return nil, err
	}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	// A condition on dates has no facet in the search index: its counts
	// come from SQL.
	dated := f.RatingState != "" || f.Inspection != ""
	limit := f.Limit
	switch {
	case limit <= 0:
		limit = 20
	case limit > 500:
		limit = 500
	}
	page := &OrgPage{}
	from, order := "orgs o", "o.name, o.id"
	q := zhuxiang.SearchNormalize(f.Q)
	// A phone number typed into the search box is an exact look-up by its
	// blind index (the number itself is sealed), then a plain filtered
	// list: the in-memory index knows nothing of phones.
	phoneLookup := false
	if idx := s.phoneSearch(a, f.Q); idx != "" {
		add("o.phone_idx = $%d", idx)
		q, phoneLookup = "", true
	}
	var before int64
	if f.Cursor != "" {
		c, ok := decodeCursor(f.Cursor)
		if !ok || c.search != (q != "") {
			return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "cursor", "分页参数无效，请回到第一页")
		}
		before = c.seq
	}
	// An organization user sees one organization: nothing to narrow.
	useIndex := s.dialect == SQLite && zhuxiang.OrgScope(a).Org == "" && (q != "" || len(facets) > 0) && !phoneLookup && !dated
	counted := false
	if useIndex {
		gen, err := s.Generation(ctx)
		if err != nil {
			return nil, err
		}
		sq := search.Query{Text: q, Facets: facets, Cap: CountCap}
		if q != "" {
			sq.Before, sq.Limit = before, limit+1
		}
		res, err := s.searchOrgs(ctx, gen.orgs, sq)
		if err != nil {
			return nil, err
		}
		page.Total, counted = res.Total, true
		if q != "" {
			if len(res.Seqs) == 0 {
				page.Capped = page.Total >= CountCap
				return page, nil
			}
			// The page is these rows, newest first. They are parameters so
			// that the statement is one of a few texts the store keeps
			// prepared (one per page length).
			where = append(where, "o.seq IN "+inList(&args, res.Seqs, func(n int64) any { return n }))
			// Left to itself the planner walks a county's rows by the
			// county index and checks each against the list, far slower
			// than fetching the listed rows by seq.
			from = "orgs o INDEXED BY orgs_seq"
			order = "o.seq DESC"
		}
	} else if q != "" {
		// Search results come newest first, in registration order (seq),
		// so a page costs the same whether 5 or 50 000 organizations match.
		order = "o.seq DESC"
		if len(search.Runs(q)) == 0 {
			where = append(where, "1=0") // punctuation only: nothing to find
		}
		for _, w := range strings.Fields(q) {
			add(`o.search LIKE $%d ESCAPE '\'`, like(w))
		}
	}
	// On PostgreSQL a substring search must use the trigram index, but the
	// planner guesses thousands of matches for any LIKE and prefers to walk
	// the table, slowest for a rare fragment. So searches run in a
	// read-only transaction that takes sequential scans off the table, and
	// when the count shows few matches, plain index walks too, so the page
	// is sorted from the matches instead of found by walking registration
	// order.
	var q1 interface {
		QueryRowContext(context.Context, string, ...any) *sql.Row
		QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	} = storeReader{s}
	pgSearch := s.dialect == Postgres && q != ""
	if pgSearch {
		tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			return nil, err
		}
		defer tx.Rollback()
		// Parallel workers cost more to start than a one-page search saves.
		for _, set := range []string{`SET LOCAL enable_seqscan = off`, `SET LOCAL max_parallel_workers_per_gather = 0`} {
			if _, err := tx.ExecContext(ctx, set); err != nil {
				return nil, err
			}
		}
		q1 = tx
	}
	cond := strings.Join(where, " AND ")
	if !counted {
		if err := q1.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(*) FROM (SELECT 1 FROM orgs o WHERE %s LIMIT %d) t`, cond, CountCap), args...).Scan(&page.Total); err != nil {
			return nil, err
		}
	}
	page.Capped = page.Total >= CountCap
	if pgSearch && !page.Capped {
		// Few matches: fetch them through the trigram bitmap and sort,
		// rather than walk registration order looking for them.
		if _, err := q1.(*sql.Tx).ExecContext(ctx, `SET LOCAL enable_indexscan = off`); err != nil {
			return nil, err
		}
	}
	if c, _ := decodeCursor(f.Cursor); f.Cursor != "" && !(useIndex && q != "") {
		if c.search {
			args = append(args, c.seq)
			cond += fmt.Sprintf(" AND o.seq < $%d", len(args))
		} else {
			args = append(args, c.name, c.id)
			cond += fmt.Sprintf(" AND (o.name > $%d OR (o.name = $%d AND o.id > $%d))", len(args)-1, len(args)-1, len(args))
		}
	}
	rows, err := q1.QueryContext(ctx, fmt.Sprintf(`SELECT %s FROM %s LEFT JOIN departments d ON d.id = o.department_id WHERE %s ORDER BY %s LIMIT %d`, orgListCols, from, cond, order, limit+1), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		o, err := s.scanOrg(rows)
		if err != nil {
			return nil, err
		}
		o.Phone = zhuxiang.PhoneFor(a, o, o.Phone)
		page.Orgs = append(page.Orgs, o)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(page.Orgs) > limit {
		page.Orgs = page.Orgs[:limit]
		last := page.Orgs[limit-1]
		page.Next = encodeCursor(cursor{search: q != "", seq: last.Seq, name: last.Name, id: last.ID})
	}
	return page, nil
}

// orgWhere is the condition of the organization list for f (on orgs o),
// the actor's scope included, without the search text and the cursor, as
// conditions to join with AND; facets are the same conditions as facet
// groups of the search index (SQLite). The work bench counts with it too
// (store/todo.go).
func orgWhere(a zhuxiang.Actor, f OrgFilter, now time.Time) ([]string, []any, [][]string, error) {
	scope, args, err := orgScope(a, 1)
	if err != nil {
		return nil, nil, nil, err
	}
	where := []string{scope}
	// facets are the same conditions as facet groups of the search index
	// (SQLite): every group must hold one of its facets. Counting in the
	// index is what keeps a filtered count cheap; the WHERE conditions stay
	// the authority on scope, the index only narrows.
	var facets [][]string
	switch sc := zhuxiang.OrgScope(a); {
	case sc.County != "":
		facets = append(facets, []string{facetCounty(sc.County)})
	case sc.Department != "":
		facets = append(facets, []string{facetDepartment(sc.Department)})
	}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.County != "" {
		if f.County == "outside" {
			where = append(where, "o.reg_county = ''")
		} else {
			add("o.reg_county = $%d", f.County)
		}
		facets = append(facets, []string{facetCounty(strings.TrimPrefix(f.County, "outside"))})
	}
	if f.Kind != "" {
		add("o.kinds LIKE $%d", "%,"+string(f.Kind)+",%")
		facets = append(facets, []string{facetKind(f.Kind)})
	}
	if f.LegalForm != "" {
		add("o.legal_form = $%d", string(f.LegalForm))
		facets = append(facets, []string{facetLegalForm(f.LegalForm)})
	}
	switch {
	case f.Rating > 0:
		add("o.rating = $%d", f.Rating)
		facets = append(facets, []string{facetRating(f.Rating)})
	case f.Rating < 0:
		where = append(where, "o.rating = 0")
		facets = append(facets, []string{facetRating(0)})
	}
	switch f.Flag {
	case "abnormal":
		where = append(where, "o.flag_abnormal = 1")
		facets = append(facets, []string{facetFlag(zhuxiang.FlagAbnormal)})
	case "dishonest":
		where = append(where, "o.flag_dishonest = 1")
		facets = append(facets, []string{facetFlag(zhuxiang.FlagDishonest)})
	case "any":
		where = append(where, "(o.flag_abnormal = 1 OR o.flag_dishonest = 1)")
		facets = append(facets, []string{facetFlag(zhuxiang.FlagAbnormal), facetFlag(zhuxiang.FlagDishonest)})
	case "none":
		where = append(where, "o.flag_abnormal = 0 AND o.flag_dishonest = 0")
		facets = append(facets, []string{facetNoFlag})
	}
	if f.Department != "" {
		add("o.department_id = $%d", f.Department)
		facets = append(facets, []string{facetDepartment(f.Department)})
	}
	switch f.RatingState {
	case "lapsed":
		add("o.rating > 0 AND o.rating_date <> '' AND o.rating_date <= $%d", zhuxiang.RatingLapsedBy(now))
	case "expiring":
		add("o.rating > 0 AND o.rating_date > $%d", zhuxiang.RatingLapsedBy(now))
		add("o.rating_date <= $%d", zhuxiang.RatingLapsedBy(now.AddDate(0, 0, zhuxiang.DueSoonDays)))
	}
	// Inspections are stored newest first as "2025:合格;…", so the text
	// sorts below "YYYY" exactly when the latest year is older (or there is
	// none).
	switch f.Inspection {
	case "overdue":
		add("o.inspections < $%d", strconv.Itoa(zhuxiang.InspectionRequiredYear(now)))
	case "due":
		if !zhuxiang.InspectionDueSoon(now) {
			where = append(where, "1=0")
			break
		}
		add("o.inspections < $%d", strconv.Itoa(zhuxiang.InspectionRequiredYear(now)+1))
		add("o.inspections >= $%d", strconv.Itoa(zhuxiang.InspectionRequiredYear(now)))
	}
	return where, args, facets, nil
}

// EachOrg calls fn for every organization matching f in the actor's scope,
// complete with inspections and flags, for exports; it walks the pages so
// memory stays flat, and reads the flags of a page in one query.
func (s *Store) EachOrg(ctx context.Context, a zhuxiang.Actor, f OrgFilter, fn func(*zhuxiang.Org) error) error {
	f.Limit = 500
	f.Cursor = ""
	for {
		p, err := s.ListOrgs(ctx, a, f)
		if err != nil {
			return err
		}
		if err := s.pageFlags(ctx, s.r, p.Orgs); err != nil {
			return err
		}
		for _, o := range p.Orgs {
			if err := fn(o); err != nil {
				return err
			}
		}
		if p.Next == "" {
			return nil
		}
		f.Cursor = p.Next
	}
}

// pageFlags replaces the flag summaries of a page of organizations with the
// full records (source and date).
func (s *Store) pageFlags(ctx context.Context, q querier, orgs []*zhuxiang.Org) error {
	var ids []any
	var marks []string
	byID := map[string]*zhuxiang.Org{}
	for _, o := range orgs {
		if len(o.Flags) > 0 {
			ids = append(ids, o.ID)
			marks = append(marks, fmt.Sprintf("$%d", len(ids)))
			byID[o.ID] = o
			o.Flags = nil
		}
	}
	if len(ids) == 0 {
		return nil
	}
	rows, err := q.QueryContext(ctx, `SELECT org_id, kind, source, date FROM org_flags WHERE org_id IN (`+strings.Join(marks, ", ")+`) ORDER BY org_id, kind`, ids...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, kind string
		var fl zhuxiang.OrgFlag
		if err := rows.Scan(&id, &kind, &fl.Source, &fl.Date); err != nil {
			return err
		}
		fl.Kind = zhuxiang.FlagKind(kind)
		byID[id].Flags = append(byID[id].Flags, fl)
	}
	return rows.Err()
}

// Org returns one organization with its inspections and flags, if the actor
// may see it; one outside the scope is reported as not found, so that its
// existence does not leak.
func (s *Store) Org(ctx context.Context, a zhuxiang.Actor, id string) (*zhuxiang.Org, error) {
	scope, args, err := orgScope(a, 2)
	if err != nil {
		return nil, err
	}
	o, err := s.scanOrg(s.queryRow(ctx, `SELECT `+orgListCols+` FROM orgs o LEFT JOIN departments d ON d.id = o.department_id WHERE o.id = $1 AND `+scope, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("社会组织")
	}
	if err != nil {
		return nil, err
	}
	o.Phone = zhuxiang.PhoneFor(a, o, o.Phone)
	return o, s.loadOrgDetails(ctx, s.r, o)
}

type querier interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	QueryRowContext(context.Context, string, ...any) *sql.Row
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}

func (s *Store) loadOrgDetails(ctx context.Context, q querier, o *zhuxiang.Org) error {
	o.Flags = nil
	rows, err := q.QueryContext(ctx, `SELECT kind, source, date FROM org_flags WHERE org_id = $1 ORDER BY kind`, o.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var f zhuxiang.OrgFlag
		var kind string
		if err := rows.Scan(&kind, &f.Source, &f.Date); err != nil {
			return err
		}
		f.Kind = zhuxiang.FlagKind(kind)
		o.Flags = append(o.Flags, f)
	}
	return rows.Err()
}

// checkOrgRefs verifies the references of o inside tx and the actor's right
// to place it there.
func (s *Store) checkOrgRefs(ctx context.Context, tx querier, a zhuxiang.Actor, o *zhuxiang.Org) error {
	if o.RegCounty != "" {
		var level string
		if err := tx.QueryRowContext(ctx, `SELECT level FROM regions WHERE code = $1`, o.RegCounty).Scan(&level); err != nil || level != string(zhuxiang.LevelCounty) {
			return zhuxiang.Errorf(zhuxiang.EInvalid, "reg_county", "登记县市“%s”不存在", o.RegCounty)
		}
	}
	if err := zhuxiang.CanPlaceOrg(a, o); err != nil {
		return err
	}
	if o.DepartmentID != "" {
		if err := tx.QueryRowContext(ctx, `SELECT name FROM departments WHERE id = $1`, o.DepartmentID).Scan(&o.Department); err != nil {
			return zhuxiang.Errorf(zhuxiang.EInvalid, "department", "业务主管单位不存在")
		}
	}
	return nil
}

// CreateOrg registers an organization. It returns a warning (not an error)
// when the credit code's legal-form digit disagrees with the chosen form.
func (s *Store) CreateOrg(ctx context.Context, a zhuxiang.Actor, o *zhuxiang.Org) (string, error) {
	if err := zhuxiang.CanCreateOrg(a); err != nil {
		return "", err
	}
	if c := zhuxiang.OrgCountyFixed(a); c != "" && o.RegCounty == "" {
		o.RegCounty = c
	}
	warn, err := o.Validate()
	if err != nil {
		return "", err
	}
	err = s.write(ctx, a, func(tx *writeTx) error {
		if err := s.checkOrgRefs(ctx, tx, a, o); err != nil {
			return err
		}
		var other string
		if err := tx.QueryRowContext(ctx, `SELECT name FROM orgs WHERE credit_code = $1`, o.CreditCode).Scan(&other); err == nil {
			return zhuxiang.Errorf(zhuxiang.EConflict, "credit_code", "统一社会信用代码%s已被“%s”使用", o.CreditCode, other)
		}
		o.ID = secure.NewID()
		o.Version = 1
		if err := s.insertOrg(ctx, tx, a, o); err != nil {
			return err
		}
		return tx.audit("create", "org", o.ID, diff(nil, s.orgKV(ctx, o)))
	})
	return warn, err
}

func (s *Store) insertOrg(ctx context.Context, tx *writeTx, a zhuxiang.Actor, o *zhuxiang.Org) error {
	now := ts(s.Now())
	seq, err := nextSeq(ctx, tx, "orgs", 1)
	if err != nil {
		return err
	}
	rev, err := tx.orgsRev()
	if err != nil {
		return err
	}
	o.Seq = seq
	phone, phoneIdx, err := s.seal(orgPhone, o.ID, o.Phone)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, sqlInsertOrg,
		o.ID, o.CreditCode, o.Name, string(o.LegalForm), kindsText(o.Kinds), nullStr(o.DepartmentID), o.Rating, o.RatingDate,
		o.RegCounty, o.RegPlace, o.Contact, phone, o.Address, o.Intro, b2i(o.HasFlag(zhuxiang.FlagAbnormal)), b2i(o.HasFlag(zhuxiang.FlagDishonest)),
		orgSearch(o), now, a.Name, seq, inspectionsText(o.Inspections), rev, 0, phoneIdx); err != nil {
		return err
	}
	return s.writeOrgDetails(ctx, tx, o, false)
}

const sqlInsertOrg = `INSERT INTO orgs (id, credit_code, name, legal_form, kinds, department_id, rating, rating_date, reg_county, reg_place, contact, phone, address, intro,
	flag_abnormal, flag_dishonest, search, version, created_at, created_by, updated_at, updated_by, seq, inspections, rev, created_audit, phone_idx)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 1, $18, $19, $18, $19, $20, $21, $22, $23, $24)`

// nextSeq reserves n numbers of the named counter and returns the first.
// The counter row is locked until the transaction ends, so numbers are
// never handed out twice, on either engine.
func nextSeq(ctx context.Context, tx querier, name string, n int64) (int64, error) {
	var last int64
	if err := tx.QueryRowContext(ctx, `UPDATE counters SET value = value + $1 WHERE name = $2 RETURNING value`, n, name).Scan(&last); err != nil {
		return 0, fmt.Errorf("counter %s: %w", name, err)
	}
	return last - n + 1, nil
}

func (s *Store) writeOrgDetails(ctx context.Context, tx querier, o *zhuxiang.Org, replace bool) error {
	if replace {
		if _, err := tx.ExecContext(ctx, `DELETE FROM org_flags WHERE org_id = $1`, o.ID); err != nil {
			return err
		}
	}
	for _, f := range o.Flags {
		if _, err := tx.ExecContext(ctx, sqlInsertFlag, o.ID, string(f.Kind), f.Source, f.Date); err != nil {
			return err
		}
	}
	return nil
}

const (
	sqlInsertFlag = `INSERT INTO org_flags (org_id, kind, source, date) VALUES ($1, $2, $3, $4)`
)

// inspectionsText stores inspections newest first as "2025:合格;2024:基本合格".
func inspectionsText(ins []zhuxiang.Inspection) string {
	sorted := append([]zhuxiang.Inspection(nil), ins...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Year > sorted[j].Year })
	var b strings.Builder
	for i, in := range sorted {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(strconv.Itoa(in.Year))
		b.WriteByte(':')
		b.WriteString(in.Result)
	}
	return b.String()
}

func parseInspections(text string) []zhuxiang.Inspection {
	var out []zhuxiang.Inspection
	for _, part := range strings.Split(text, ";") {
		y, r, ok := strings.Cut(part, ":")
		if n, err := strconv.Atoi(y); ok && err == nil {
			out = append(out, zhuxiang.Inspection{Year: n, Result: r})
		}
	}
	return out
}

// orgKV lists the fields people read in the audit log, in a fixed order,
// with the county by name.
func (s *Store) orgKV(ctx context.Context, o *zhuxiang.Org) []kv {
	county := o.RegCounty
	if _, counties, err := s.reference(ctx); err == nil {
		for _, c := range counties {
			if c.Code == o.RegCounty {
				county = c.Name
			}
		}
	}
	var kinds []string
	for _, k := range o.Kinds {
		kinds = append(kinds, k.Label())
	}
	// Newest year first, however they were entered: saving the same
	// inspections in another order is no change.
	years := slices.SortedFunc(slices.Values(o.Inspections), func(a, b zhuxiang.Inspection) int { return b.Year - a.Year })
	var ins []string
	for _, in := range years {
		ins = append(ins, strconv.Itoa(in.Year)+in.Result)
	}
	var flags []string
	for _, f := range o.Flags {
		flags = append(flags, f.Kind.Label()+"("+f.Source+" "+f.Date+")")
	}
	rating := ""
	if o.Rating > 0 {
		rating = o.RatingLabel()
	}
	return []kv{{"名称", o.Name}, {"统一社会信用代码", o.CreditCode}, {"法人类型", o.LegalForm.Label()}, {"类别", strings.Join(kinds, "、")},
		{"业务主管单位", o.Department}, {"评估等级", rating}, {"评估日期", o.RatingDate}, {"年检", strings.Join(ins, "、")},
		{"名录", strings.Join(flags, "、")}, {"登记县市", county}, {"登记地（州外）", o.RegPlace}, {"联系人", o.Contact},
		{"联系电话", zhuxiang.MaskPhone(o.Phone)}, {"地址", o.Address}, {"简介", o.Intro}}
}

// UpdateOrg saves an edited organization. The actor must be allowed to edit
// it before and after the change (a county user cannot move an organization
// out of its county), must not touch registry facts without the right to,
// and must have edited the current version.
func (s *Store) UpdateOrg(ctx context.Context, a zhuxiang.Actor, o *zhuxiang.Org) (string, error) {
	var warn string
	err := s.write(ctx, a, func(tx *writeTx) error {
		scope, args, err := orgScope(a, 2)
		if err != nil {
			return err
		}
		old, err := s.scanOrg(tx.QueryRowContext(ctx, `SELECT `+orgListCols+` FROM orgs o LEFT JOIN departments d ON d.id = o.department_id WHERE o.id = $1 AND `+scope+s.forUpdateOf("o"), append([]any{o.ID}, args...)...))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("社会组织")
		}
		if err != nil {
			return err
		}
		if err := s.loadOrgDetails(ctx, tx, old); err != nil {
			return err
		}
		perm := zhuxiang.OrgPermissions(a, old)
		if !perm.Edit {
			return forbidden("无权修改“%s”", old.Name)
		}
		if o.Version != old.Version {
			return zhuxiang.Errorf(zhuxiang.EConflict, "version", "“%s”已被%s修改，请刷新后在最新内容上修改", old.Name, old.UpdatedBy)
		}
		if !perm.Registry {
			o.CreditCode, o.LegalForm, o.Rating, o.RatingDate = old.CreditCode, old.LegalForm, old.Rating, old.RatingDate
			o.Inspections, o.Flags, o.DepartmentID, o.RegCounty, o.RegPlace = old.Inspections, old.Flags, old.DepartmentID, old.RegCounty, old.RegPlace
		}
		if warn, err = o.Validate(); err != nil {
			return err
		}
		if err := s.checkOrgRefs(ctx, tx, a, o); err != nil {
			return err
		}
		if o.CreditCode != old.CreditCode {
			var other string
			if err := tx.QueryRowContext(ctx, `SELECT name FROM orgs WHERE credit_code = $1 AND id <> $2`, o.CreditCode, o.ID).Scan(&other); err == nil {
				return zhuxiang.Errorf(zhuxiang.EConflict, "credit_code", "统一社会信用代码%s已被“%s”使用", o.CreditCode, other)
			}
		}
		ch := diff(s.orgKV(ctx, old), s.orgKV(ctx, o))
		if len(ch) == 0 {
			return nil
		}
		if err := s.updateOrgRow(ctx, tx, a, o, old); err != nil {
			return err
		}
		return tx.audit("update", "org", o.ID, ch)
	})
	return warn, err
}

// updateOrgRow writes o over old, the row as it stands in the database.
func (s *Store) updateOrgRow(ctx context.Context, tx *writeTx, a zhuxiang.Actor, o, old *zhuxiang.Org) error {
	rev, err := tx.orgsRev()
	if err != nil {
		return err
	}
	o.Seq = old.Seq
	phone, phoneIdx, err := s.seal(orgPhone, o.ID, o.Phone)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE orgs SET credit_code = $1, name = $2, legal_form = $3, kinds = $4, department_id = $5, rating = $6, rating_date = $7,
		reg_county = $8, reg_place = $9, contact = $10, phone = $11, address = $12, intro = $13, flag_abnormal = $14, flag_dishonest = $15, search = $16, inspections = $20,
		version = version + 1, updated_at = $17, updated_by = $18, rev = $21, phone_idx = $22 WHERE id = $19`,
		o.CreditCode, o.Name, string(o.LegalForm), kindsText(o.Kinds), nullStr(o.DepartmentID), o.Rating, o.RatingDate,
		o.RegCounty, o.RegPlace, o.Contact, phone, o.Address, o.Intro, b2i(o.HasFlag(zhuxiang.FlagAbnormal)), b2i(o.HasFlag(zhuxiang.FlagDishonest)),
		orgSearch(o), ts(s.Now()), a.Name, o.ID, inspectionsText(o.Inspections), rev, phoneIdx); err != nil {
		return err
	}
	o.Version++
	return s.writeOrgDetails(ctx, tx, o, true)
}

// storeReader runs reads through the store's statement cache.
type storeReader struct{ s *Store }

func (r storeReader) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return r.s.queryRow(ctx, q, args...)
}

func (r storeReader) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return r.s.query(ctx, q, args...)
}

// CountOrgs counts the organizations in the actor's scope exactly, for
// the home page's figures (lists stop counting at CountCap).
func (s *Store) CountOrgs(ctx context.Context, a zhuxiang.Actor) (int, error) {
	scope, args, err := orgScope(a, 1)
	if err != nil {
		return 0, err
	}
	var n int
	err = s.queryRow(ctx, `SELECT count(*) FROM orgs o WHERE `+scope, args...).Scan(&n)
	return n, err
}
