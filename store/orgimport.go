package store

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"zhuxiang"
	"zhuxiang/secure"
)

// OrgImport is one parsed row of an organization import. References are
// still names as the user wrote them; ImportOrgs resolves them.
type OrgImport struct {
	Row        int
	Org        *zhuxiang.Org
	Department string        // supervising department by name
	County     string        // county of registration by code or name; empty when RegPlace is set
	old        *zhuxiang.Org // the stored organization a row updates, read by the check
}

// ImportOrgs stores parsed organizations through the import runner. Rows
// already rejected while parsing come in rejected; every remaining row is
// checked (references, duplicates inside the file, the actor's scope before
// and after the change). An organization whose credit code exists is
// updated, never duplicated.
func (s *Store) ImportOrgs(ctx context.Context, a zhuxiang.Actor, items []OrgImport, rejected []zhuxiang.RowError, rows int, mode zhuxiang.ImportMode) (*zhuxiang.ImportResult, error) {
	if err := zhuxiang.CanImport(a, zhuxiang.ImportOrgs); err != nil {
		return nil, err
	}
	var (
		depts    map[string]string
		ix       *regionIndex
		existing map[string]*zhuxiang.Org // by credit code, those the window's rows name
		seen     = map[string]int{}
	)
	k := importKind[OrgImport]{
		entity: "org",
		row:    func(it *OrgImport) int { return it.Row },
		load: func(ctx context.Context, tx *writeTx) error {
			var err error
			if depts, err = s.departmentIDs(ctx, tx); err != nil {
				return err
			}
			regions, err := loadRegions(ctx, tx)
			if err != nil {
				return err
			}
			ix = newRegionIndex(regions)
			return nil
		},
		window: func(ctx context.Context, tx *writeTx, rows []OrgImport) (err error) {
			existing, err = s.orgsByCode(ctx, tx, rows)
			return err
		},
		check: func(ctx context.Context, tx *writeTx, it *OrgImport) (checked, error) {
			o := it.Org
			if err := resolveOrgRefs(it, depts, ix); err != nil {
				return checked{}, err
			}
			if c := zhuxiang.OrgCountyFixed(a); c != "" && o.RegCounty == "" && o.RegPlace == "" {
				o.RegCounty = c
			}
			warn, err := o.Validate()
			if err != nil {
				return checked{}, err
			}
			if zhuxiang.CanPlaceOrg(a, o) != nil {
				return checked{}, zhuxiang.Errorf(zhuxiang.EForbidden, "reg_county", "县市用户只能导入本县市登记的社会组织")
			}
			if prev, dup := seen[o.CreditCode]; dup {
				return checked{}, zhuxiang.Errorf(zhuxiang.EInvalid, "credit_code", "统一社会信用代码%s与第%d行重复", o.CreditCode, prev)
			}
			c := checked{action: rowCreate}
			if warn != "" {
				c.warning = zhuxiang.Errorf(zhuxiang.EInvalid, "credit_code", "%s", warn)
			}
			if old, ok := existing[o.CreditCode]; ok {
				// An update must be inside the actor's scope before the
				// change too.
				if !zhuxiang.OrgPermissions(a, old).Registry {
					return checked{}, zhuxiang.Errorf(zhuxiang.EForbidden, "credit_code", "统一社会信用代码%s对应的“%s”不在您的管理范围内", old.CreditCode, old.Name)
				}
				o.ID = old.ID
				mergeOrgDetails(old, o)
				c.action, c.id, c.changes = rowUnchanged, old.ID, diff(s.orgKV(ctx, old), s.orgKV(ctx, o))
				if len(c.changes) > 0 {
					c.action, it.old = rowUpdate, old
				}
			}
			seen[o.CreditCode] = it.Row
			return c, nil
		},
		update: func(ctx context.Context, tx *writeTx, it *OrgImport) error {
			return s.updateOrgRow(ctx, tx, a, it.Org, it.old)
		},
		create: func(ctx context.Context, tx *writeTx, fresh []*OrgImport, entry func(i int) int64, saved func(int)) error {
			return s.insertImportedOrgs(ctx, tx, a, fresh, entry, saved)
		},
		created: func(it *OrgImport) ImportedRecord {
			return ImportedRecord{ID: it.Org.ID, Name: it.Org.Name, Code: it.Org.CreditCode, Row: it.Row}
		},
	}
	return runImport(ctx, s, a, k, items, rejected, rows, mode)
}

// orgsByCode reads, with their flags, the organizations whose credit codes
// rows name, in one statement (rows is one window of the import runner).
func (s *Store) orgsByCode(ctx context.Context, q querier, rows []OrgImport) (map[string]*zhuxiang.Org, error) {
	found := map[string]*zhuxiang.Org{}
	var args []any
	var marks []string
	for _, it := range rows {
		if it.Org != nil && it.Org.CreditCode != "" {
			args = append(args, it.Org.CreditCode)
			marks = append(marks, "$"+strconv.Itoa(len(args)))
		}
	}
	if len(args) == 0 {
		return found, nil
	}
	r, err := q.QueryContext(ctx, `SELECT `+orgListCols+` FROM orgs o LEFT JOIN departments d ON d.id = o.department_id WHERE o.credit_code IN (`+strings.Join(marks, ", ")+`)`, args...)
	if err != nil {
		return nil, err
	}
	var batch []*zhuxiang.Org
	for r.Next() {
		o, err := s.scanOrg(r)
		if err != nil {
			r.Close()
			return nil, err
		}
		batch = append(batch, o)
		found[o.CreditCode] = o
	}
	r.Close()
	if err := r.Err(); err != nil {
		return nil, err
	}
	return found, s.pageFlags(ctx, q, batch)
}

// insertImportedOrgs writes an import's new organizations. A second
// goroutine derives what each row needs (search keys, the kinds and
// inspections as text) while this one writes, so the two cores share an
// import; the statements are prepared once.
func (s *Store) insertImportedOrgs(ctx context.Context, tx *writeTx, a zhuxiang.Actor, fresh []*OrgImport, entry func(i int) int64, saved func(int)) error {
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
	rev, err := tx.orgsRev()
	if err != nil {
		return err
	}
	seq, err := nextSeq(ctx, tx, "orgs", int64(len(fresh)))
	if err != nil {
		return err
	}
	for i, it := range fresh {
		it.Org.ID, it.Org.Seq = secure.NewID(), seq+int64(i)
	}
	now := ts(s.Now())
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
	i := 0
	for p := range rows {
		o := p.org
		if p.err != nil {
			return p.err
		}
		if _, err := ins.ExecContext(ctx, o.ID, o.CreditCode, o.Name, string(o.LegalForm), p.kinds, nullStr(o.DepartmentID), o.Rating, o.RatingDate,
			o.RegCounty, o.RegPlace, o.Contact, p.phone, o.Address, o.Intro, b2i(o.HasFlag(zhuxiang.FlagAbnormal)), b2i(o.HasFlag(zhuxiang.FlagDishonest)),
			p.search, now, a.Name, o.Seq, p.inspections, rev, entry(i), p.phoneIdx); err != nil {
			return err
		}
		for _, f := range o.Flags {
			if _, err := insFlag.ExecContext(ctx, o.ID, string(f.Kind), f.Source, f.Date); err != nil {
				return err
			}
		}
		i++
		saved(i)
	}
	return nil
}

// preparedOrg is a new organization with everything derived that its rows
// need.
type preparedOrg struct {
	org                        *zhuxiang.Org
	search, kinds, inspections string
	phone, phoneIdx            string // sealed, and its blind index
	err                        error
}

func (s *Store) prepareOrg(it *OrgImport) preparedOrg {
	o := it.Org
	p := preparedOrg{org: o, search: orgSearch(o), kinds: kindsText(o.Kinds), inspections: inspectionsText(o.Inspections)}
	p.phone, p.phoneIdx, p.err = s.seal(orgPhone, o.ID, o.Phone)
	return p
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
