package store

import (
	"context"
	"database/sql"
	"sort"

	"zhuxiang"
	"zhuxiang/secure"
)

// OrgImport is one parsed row of an organization import. References are
// still names as the user wrote them; ImportOrgs resolves them.
type OrgImport struct {
	Row        int
	Org        *zhuxiang.Org
	Department string // supervising department by name
	County     string // county of registration by code or name; empty when RegPlace is set
}

// ImportOrgs stores parsed organizations all or nothing. Rows already
// rejected while parsing come in rejected; every remaining row is checked
// (references, duplicates inside the file, the actor's scope) so that one
// pass reports every bad row. An organization whose credit code exists is
// updated, never duplicated.
func (s *Store) ImportOrgs(ctx context.Context, a zhuxiang.Actor, items []OrgImport, rejected []zhuxiang.RowError, rows int, mode zhuxiang.ImportMode) (*zhuxiang.ImportResult, error) {
	if !CanCreateOrg(a) {
		return nil, forbidden("仅州级管理员和县市用户可导入社会组织")
	}
	res := &zhuxiang.ImportResult{Rows: rows, DryRun: mode == zhuxiang.ImportDryRun, Rejected: append([]zhuxiang.RowError{}, rejected...)}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		depts, err := s.departmentIDs(ctx, tx)
		if err != nil {
			return err
		}
		regions, err := loadRegions(ctx, tx)
		if err != nil {
			return err
		}
		ix := newRegionIndex(regions)
		existing := map[string]string{} // credit code → id
		r, err := tx.QueryContext(ctx, `SELECT credit_code, id FROM orgs`)
		if err != nil {
			return err
		}
		for r.Next() {
			var code, id string
			if err := r.Scan(&code, &id); err != nil {
				r.Close()
				return err
			}
			existing[code] = id
		}
		r.Close()
		seen := map[string]int{}
		var good []OrgImport
		for _, it := range items {
			o := it.Org
			if err := resolveOrgRefs(&it, depts, ix); err != nil {
				res.Reject(it.Row, err)
				continue
			}
			if a.Role == zhuxiang.RoleCounty && o.RegCounty == "" && o.RegPlace == "" {
				o.RegCounty = a.CountyCode
			}
			warn, err := o.Validate()
			if err != nil {
				res.Reject(it.Row, err)
				continue
			}
			if a.Role == zhuxiang.RoleCounty && o.RegCounty != a.CountyCode {
				res.Reject(it.Row, zhuxiang.Errorf(zhuxiang.EForbidden, "reg_county", "县市用户只能导入本县市登记的社会组织"))
				continue
			}
			if prev, dup := seen[o.CreditCode]; dup {
				res.Reject(it.Row, zhuxiang.Errorf(zhuxiang.EInvalid, "credit_code", "统一社会信用代码%s与第%d行重复", o.CreditCode, prev))
				continue
			}
			seen[o.CreditCode] = it.Row
			if warn != "" {
				res.Warnings = append(res.Warnings, zhuxiang.RowError{Row: it.Row, Field: "credit_code", Message: warn})
			}
			good = append(good, it)
		}
		// Updates must stay inside the actor's scope before the change too.
		for _, it := range good {
			id, ok := existing[it.Org.CreditCode]
			if !ok {
				continue
			}
			old, err := s.scanOrg(tx.QueryRowContext(ctx, `SELECT `+orgListCols+` FROM orgs o LEFT JOIN departments d ON d.id = o.department_id WHERE o.id = $1`, id))
			if err != nil {
				return err
			}
			if !OrgPermissions(a, old).Registry {
				res.Reject(it.Row, zhuxiang.Errorf(zhuxiang.EForbidden, "credit_code", "统一社会信用代码%s对应的“%s”不在您的管理范围内", old.CreditCode, old.Name))
			}
		}
		sort.SliceStable(res.Rejected, func(i, j int) bool { return res.Rejected[i].Row < res.Rejected[j].Row })
		good = withoutRejected(good, res.Rejected)
		res.Accepted = len(good)
		if mode == zhuxiang.ImportDryRun || (len(res.Rejected) > 0 && mode != zhuxiang.ImportPartial) || len(good) == 0 {
			return nil
		}
		// The chain's head is read (and on PostgreSQL locked) before any
		// row is written: created rows point at entries by number.
		head, err := s.auditHead(ctx, tx)
		if err != nil {
			return err
		}
		var entries []pendingAudit
		ins, err := tx.PrepareContext(ctx, sqlInsertOrg)
		if err != nil {
			return err
		}
		defer ins.Close()
		insFlag, err := tx.PrepareContext(ctx, sqlInsertFlag)
		if err != nil {
			return err
		}
		defer insFlag.Close()
		now := ts(s.Now())
		nfresh := int64(0)
		for _, it := range good {
			if _, ok := existing[it.Org.CreditCode]; !ok {
				nfresh++
			}
		}
		seq := int64(0)
		if nfresh > 0 {
			if seq, err = nextSeq(ctx, tx, "orgs", nfresh); err != nil {
				return err
			}
		}
		var fresh []OrgImport
		for _, it := range good {
			o := it.Org
			id, ok := existing[o.CreditCode]
			if !ok {
				fresh = append(fresh, it)
				continue
			}
			o.ID = id
			old, err := s.scanOrg(tx.QueryRowContext(ctx, `SELECT `+orgListCols+` FROM orgs o LEFT JOIN departments d ON d.id = o.department_id WHERE o.id = $1`, id))
			if err != nil {
				return err
			}
			if err := s.loadOrgDetails(ctx, tx, old); err != nil {
				return err
			}
			mergeOrgDetails(old, o)
			ch := diff(s.orgKV(ctx, old), s.orgKV(ctx, o))
			if len(ch) == 0 {
				continue
			}
			if err := s.updateOrgRow(ctx, tx, a, o, old); err != nil {
				return err
			}
			res.Updated++
			entries = append(entries, pendingAudit{"update", o.ID, ch})
		}
		rev, err := bumpOrgs(ctx, tx)
		if err != nil {
			return err
		}
		// New rows: a second goroutine derives what each row needs (search
		// keys, the audit summary) while this one
		// writes, so the two cores share an import.
		for i := range fresh {
			fresh[i].Org.ID, fresh[i].Org.Seq = secure.NewID(), seq+int64(i)
		}
		// Created rows are recorded in the audit log by the batch of
		// importChunk: one entry lists each batch's organizations, and
		// each row points at its entry (created_audit), which the
		// organization's history reads. One entry per row was a third of
		// the time of a 100 000-row import. Entries follow the update
		// entries, so their numbers are known before they are written.
		firstChunk := head.seq + int64(len(entries)) + 1
		var chunk *ImportedOrgs
		rows := make(chan preparedOrg, 1024)
		stop := make(chan struct{})
		defer close(stop)
		go func() {
			defer close(rows)
			for _, it := range fresh {
				select {
				case rows <- s.prepareOrg(it):
				case <-stop:
					return
				}
			}
		}()
		for p := range rows {
			o := p.org
			if p.err != nil {
				return p.err
			}
			if _, err := ins.ExecContext(ctx, o.ID, o.CreditCode, o.Name, string(o.LegalForm), p.kinds, nullStr(o.DepartmentID), o.Rating, o.RatingDate,
				o.RegCounty, o.RegPlace, o.Contact, p.phone, o.Address, o.Intro, b2i(o.HasFlag(zhuxiang.FlagAbnormal)), b2i(o.HasFlag(zhuxiang.FlagDishonest)),
				p.search, now, a.Name, o.Seq, p.inspections, rev, firstChunk+int64(res.Created/importChunk), p.phoneIdx); err != nil {
				return err
			}
			for _, f := range o.Flags {
				if _, err := insFlag.ExecContext(ctx, o.ID, string(f.Kind), f.Source, f.Date); err != nil {
					return err
				}
			}
			if res.Created%importChunk == 0 {
				chunk = &ImportedOrgs{}
				entries = append(entries, pendingAudit{"import_create", "", chunk})
			}
			chunk.add(o, p.row)
			res.Created++
		}
		entries = append(entries, pendingAudit{"import", "", map[string]int{"行数": res.Rows, "新增": res.Created, "更新": res.Updated}})
		res.Stored = true
		return s.auditBatch(ctx, tx, a, "org", head, entries)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// preparedOrg is a new organization with everything derived that its rows
// need.
type preparedOrg struct {
	org                        *zhuxiang.Org
	row                        int
	search, kinds, inspections string
	phone, phoneIdx            string // sealed, and its blind index
	err                        error
}

// importChunk is how many created organizations one audit entry lists.
const importChunk = 500

// ImportedOrgs is the summary of an "import_create" audit entry: the
// organizations one batch of an import created, in row order.
type ImportedOrgs struct {
	Count int           `json:"新增"`
	Orgs  []ImportedOrg `json:"组织"`
}

// ImportedOrg is one created organization in an ImportedOrgs summary.
type ImportedOrg struct {
	ID         string `json:"id"`
	Name       string `json:"名称"`
	CreditCode string `json:"统一社会信用代码"`
	Row        int    `json:"导入行号"`
}

func (c *ImportedOrgs) add(o *zhuxiang.Org, row int) {
	c.Count++
	c.Orgs = append(c.Orgs, ImportedOrg{ID: o.ID, Name: o.Name, CreditCode: o.CreditCode, Row: row})
}

func (s *Store) prepareOrg(it OrgImport) preparedOrg {
	o := it.Org
	p := preparedOrg{org: o, row: it.Row, search: orgSearch(o), kinds: kindsText(o.Kinds), inspections: inspectionsText(o.Inspections)}
	p.phone, p.phoneIdx, p.err = s.seal(orgPhone, o.ID, o.Phone)
	return p
}

// withoutRejected drops the rows that a later check rejected.
func withoutRejected(good []OrgImport, rej []zhuxiang.RowError) []OrgImport {
	bad := map[int]bool{}
	for _, r := range rej {
		bad[r.Row] = true
	}
	out := good[:0]
	for _, g := range good {
		if !bad[g.Row] {
			out = append(out, g)
		}
	}
	return out
}

func resolveOrgRefs(it *OrgImport, depts map[string]string, ix *regionIndex) error {
	o := it.Org
	if it.Department != "" {
		id, ok := depts[it.Department]
		if !ok {
			return zhuxiang.Errorf(zhuxiang.EInvalid, "department", "业务主管单位“%s”不在部门列表中", it.Department)
		}
		o.DepartmentID, o.Department = id, it.Department
	}
	if it.County != "" {
		c := ix.byCode[it.County]
		if c == nil {
			c = ix.counties[it.County]
		}
		if c == nil || c.Level != zhuxiang.LevelCounty {
			return zhuxiang.Errorf(zhuxiang.EInvalid, "reg_county", "登记县市“%s”不是本州的县市；州外登记的请填写“州外登记地”一列", it.County)
		}
		o.RegCounty = c.Code
	}
	return nil
}

// mergeOrgDetails keeps what a one-line sheet cannot say: inspections of
// other years, and flags when the row names none.
func mergeOrgDetails(old, o *zhuxiang.Org) {
	byYear := map[int]bool{}
	for _, in := range o.Inspections {
		byYear[in.Year] = true
	}
	for _, in := range old.Inspections {
		if !byYear[in.Year] {
			o.Inspections = append(o.Inspections, in)
		}
	}
	sort.Slice(o.Inspections, func(i, j int) bool { return o.Inspections[i].Year > o.Inspections[j].Year })
	if len(o.Flags) == 0 {
		o.Flags = old.Flags
	} else {
		for _, f := range old.Flags {
			if !o.HasFlag(f.Kind) {
				o.Flags = append(o.Flags, f)
			}
		}
		sort.Slice(o.Flags, func(i, j int) bool { return o.Flags[i].Kind < o.Flags[j].Kind })
	}
}
