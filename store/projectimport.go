package store

import (
	"context"
	"database/sql"
	"errors"

	"zhuxiang"
)

// Project ledgers (项目台账) are imported through the import runner: each
// row is a project, created as a draft of its lead organization, or, when
// it names a project already on the platform, an update of it. A row
// names its project by the platform's number (编号, in every export), or
// else by its lead organization and its name, so that a ledger kept in a
// spreadsheet and imported again, or an export imported back, stores
// nothing twice. Only drafts and returned projects change this way, as on
// the form; a row equal to a project in any state is simply unchanged.
// The import writes what a ledger holds (name, place, action, dates,
// budget, people, description); a project's partners and donors, its
// pairing and needs, and the lead's amount are kept as they are.

// ProjectImport is one parsed ledger row.
type ProjectImport struct {
	Row      int
	Seq      int64  // the project's number (编号), 0 when the row names none
	Lead     string // credit code or registered name; "" for the importer's own organization
	County   string
	Villages []VillageName
	Project  *zhuxiang.Project // the row's fields; its parties, villages and county are set by the check
}

// VillageName is a village as a ledger names it: a 12-digit code, or a
// name, with its township when the name repeats in the county.
type VillageName struct{ Township, Name string }

// ImportProjects imports parsed ledger rows (importer.Projects parses
// them) for the actor's scope (zhuxiang.CanImportProject), all or nothing
// unless mode says otherwise.
func (s *Store) ImportProjects(ctx context.Context, a zhuxiang.Actor, items []ProjectImport, rejected []zhuxiang.RowError, rows int, mode zhuxiang.ImportMode) (*zhuxiang.ImportResult, error) {
	if err := zhuxiang.CanImport(a, zhuxiang.ImportProjects); err != nil {
		return nil, err
	}
	var (
		ix      *regionIndex
		orgs    = map[string]string{} // credit code or name → id
		dupName = map[string]bool{}
		names   = map[string]string{} // id → name
		seen    = map[string]int{}    // a project (its id, or lead and name) → the row that named it first
		olds    = map[int]*zhuxiang.Project{}
	)
	k := importKind[ProjectImport]{
		entity: "project",
		row:    func(it *ProjectImport) int { return it.Row },
		load: func(ctx context.Context, tx *writeTx) error {
			regions, err := loadRegions(ctx, tx)
			if err != nil {
				return err
			}
			ix = newRegionIndex(regions)
			return eachRow(ctx, tx, `SELECT id, credit_code, name FROM orgs`, nil, func(sc interface{ Scan(...any) error }) error {
				var id, code, name string
				if err := sc.Scan(&id, &code, &name); err != nil {
					return err
				}
				orgs[code], names[id] = id, name
				if _, ok := orgs[name]; ok {
					dupName[name] = true
				}
				orgs[name] = id
				return nil
			})
		},
		check: func(ctx context.Context, tx *writeTx, it *ProjectImport) (checked, error) {
			p := it.Project
			lead := zhuxiang.OwnOrg(a)
			if it.Lead != "" {
				id, ok := orgs[zhuxiang.NormalizeCreditCode(it.Lead)]
				if !ok {
					id, ok = orgs[it.Lead]
					if ok && dupName[it.Lead] {
						return checked{}, zhuxiang.Errorf(zhuxiang.EInvalid, "lead", "名称“%s”对应多个社会组织，请填写统一社会信用代码", it.Lead)
					}
				}
				if !ok {
					return checked{}, zhuxiang.Errorf(zhuxiang.EInvalid, "lead", "社会组织“%s”未登记，请先登记或导入该组织", it.Lead)
				}
				lead = id
			}
			if lead == "" {
				return checked{}, zhuxiang.Errorf(zhuxiang.EInvalid, "lead", "“牵头单位”不能为空，请填写统一社会信用代码")
			}
			county, err := ix.county(it.County)
			if err != nil {
				return checked{}, err
			}
			p.CountyCode, p.Villages = county.Code, nil
			for _, v := range it.Villages {
				r, err := ix.village(county, v.Township, v.Name)
				if err != nil {
					return checked{}, zhuxiang.Errorf(zhuxiang.EInvalid, "villages", "%s", zhuxiang.ErrorMessage(err))
				}
				p.Villages = append(p.Villages, r.Code)
			}
			p.Parties = []zhuxiang.ProjectParty{{OrgID: lead, Org: names[lead], Role: zhuxiang.PartyLead}}
			old, err := s.importedProject(ctx, tx, a, it, lead)
			if err != nil {
				return checked{}, err
			}
			key := lead + "|" + p.Name
			if old != nil {
				key = old.ID
				// What a ledger does not hold is kept.
				for _, pt := range old.Parties {
					if pt.Role == zhuxiang.PartyLead && pt.OrgID == lead {
						p.Parties[0].AmountFen = pt.AmountFen
					} else if pt.Role != zhuxiang.PartyLead {
						p.Parties = append(p.Parties, pt)
					}
				}
				p.ID, p.PairingID, p.NeedIDs, p.Version = old.ID, old.PairingID, old.NeedIDs, old.Version
			}
			if prev, dup := seen[key]; dup {
				return checked{}, zhuxiang.Errorf(zhuxiang.EInvalid, "name", "与第%d行是同一个项目", prev)
			}
			seen[key] = it.Row
			if err := p.Validate(); err != nil {
				return checked{}, err
			}
			if err := zhuxiang.CanImportProject(a, p); err != nil {
				return checked{}, err
			}
			if old == nil {
				return checked{action: rowCreate}, nil
			}
			changes := diff(projectKV(old), projectKV(p))
			if len(changes) == 0 {
				return checked{action: rowUnchanged}, nil
			}
			if err := zhuxiang.CanImportProject(a, old); err != nil {
				return checked{}, err
			}
			if old.Status != zhuxiang.ProjectDraft && old.Status != zhuxiang.ProjectReturned {
				return checked{}, zhuxiang.Errorf(zhuxiang.EConflict, "name", "项目“%s”%s，导入只能修改草稿或已退回的项目", old.Name, old.Status.Label())
			}
			olds[it.Row] = old
			return checked{action: rowUpdate, id: old.ID, changes: changes}, nil
		},
		update: func(ctx context.Context, tx *writeTx, it *ProjectImport) error {
			p := it.Project
			if _, err := tx.ExecContext(ctx, `UPDATE projects SET name = $1, description = $2, county_code = $3, action = $4, budget = $5, people = $6,
				start_date = $7, end_date = $8, version = version + 1, updated_at = $9, updated_by = $10 WHERE id = $11`,
				p.Name, p.Description, p.CountyCode, string(p.Action), encodeBudget(p.Budget), encodePeople(p.People),
				p.StartDate, p.EndDate, ts(s.Now()), a.Name, p.ID); err != nil {
				return err
			}
			return writeProjectLists(ctx, tx, p, true)
		},
		create: func(ctx context.Context, tx *writeTx, fresh []*ProjectImport, _ func(int) int64, saved func(int)) error {
			for i, it := range fresh {
				if err := s.insertProject(ctx, tx, a, it.Project); err != nil {
					return err
				}
				saved(i + 1)
			}
			return nil
		},
		created: func(it *ProjectImport) ImportedRecord {
			return ImportedRecord{ID: it.Project.ID, Name: it.Project.Name, Row: it.Row}
		},
	}
	return runImport(ctx, s, a, k, items, rejected, rows, mode)
}

// importedProject is the stored project a ledger row names, or nil for a
// new one: by its number, which must be a project of the same lead that
// the actor may see; else by the lead and the name.
func (s *Store) importedProject(ctx context.Context, tx *writeTx, a zhuxiang.Actor, it *ProjectImport, lead string) (*zhuxiang.Project, error) {
	var id string
	if it.Seq > 0 {
		err := tx.QueryRowContext(ctx, `SELECT id FROM projects WHERE seq = $1`, it.Seq).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "seq", "编号为%d的项目不存在；新项目请将“编号”留空", it.Seq)
		}
		if err != nil {
			return nil, err
		}
	} else {
		var ids []string
		err := eachRow(ctx, tx, `SELECT id FROM projects WHERE lead_org_id = $1 AND name = $2 ORDER BY seq LIMIT 2`, []any{lead, it.Project.Name},
			func(sc interface{ Scan(...any) error }) error {
				var x string
				ids = append(ids, x)
				return sc.Scan(&ids[len(ids)-1])
			})
		if err != nil {
			return nil, err
		}
		switch len(ids) {
		case 0:
			return nil, nil
		case 2:
			return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "seq", "牵头单位已有多个名为“%s”的项目，请填写“编号”指明是哪一个", it.Project.Name)
		}
		id = ids[0]
	}
	old, err := s.projectRow(ctx, tx, id, s.forUpdateOf("p"))
	if err != nil {
		return nil, err
	}
	if !zhuxiang.CanSeeProject(a, old) {
		return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "seq", "编号为%d的项目不存在；新项目请将“编号”留空", it.Seq)
	}
	if old.LeadOrgID() != lead {
		return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "lead", "编号为%d的项目由“%s”牵头，与本行的牵头单位不一致", old.Seq, old.LeadOrg())
	}
	return old, nil
}
