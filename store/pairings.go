package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"

	"zhuxiang"
	"zhuxiang/secure"
)

// PairingFilter selects pairings.
type PairingFilter struct {
	County string
	Org    string
	Action zhuxiang.Action
	Source zhuxiang.PairingSource
	Q      string // a fragment of the organization's or the village's name
	Limit  int
	Offset int
}

// PairingPage is one page of pairings.
type PairingPage struct {
	Pairings []*zhuxiang.Pairing
	Total    int
}

// Agreement is an uploaded agreement file.
type Agreement struct {
	Name string
	Type string
	Data []byte
}

const pairingCols = `p.id, p.org_id, COALESCE(o.name, ''), p.county_code, p.village_code, COALESCE(c.name, ''), COALESCE(v.name, ''), p.action, p.need_id, p.match_id,
	p.start_date, p.end_date, p.source, p.note, p.file_name, p.file_type, p.file_size, p.file_sha, p.version, p.created_at, p.created_by, p.updated_at`

const pairingFrom = ` FROM pairings p LEFT JOIN orgs o ON o.id = p.org_id LEFT JOIN regions c ON c.code = p.county_code
	LEFT JOIN regions v ON v.code = p.village_code AND p.village_code <> ''`

func scanPairing(sc interface{ Scan(...any) error }) (*zhuxiang.Pairing, error) {
	var p zhuxiang.Pairing
	var action, source, created, updated string
	if err := sc.Scan(&p.ID, &p.OrgID, &p.Org, &p.CountyCode, &p.VillageCode, &p.County, &p.Village, &action, &p.NeedID, &p.MatchID,
		&p.StartDate, &p.EndDate, &source, &p.Note, &p.FileName, &p.FileType, &p.FileSize, &p.FileSHA, &p.Version, &created, &p.CreatedBy, &updated); err != nil {
		return nil, err
	}
	p.Action, p.Source = zhuxiang.Action(action), zhuxiang.PairingSource(source)
	p.CreatedAt, p.UpdatedAt = parseTS(created), parseTS(updated)
	return &p, nil
}

// pairingScope is the SQL predicate for the pairings an actor sees: the
// admin all, a county its county's, a village its own, an organization its
// own, a department those of the organizations it supervises.
func pairingScope(a zhuxiang.Actor, next int) (string, []any) {
	p := "$" + strconv.Itoa(next)
	switch a.Role {
	case zhuxiang.RoleAdmin:
		if a.UserID != "" || a.System {
			return "1=1", nil
		}
	case zhuxiang.RoleCounty:
		return "p.county_code = " + p, []any{a.CountyCode}
	case zhuxiang.RoleVillage:
		return "p.village_code = " + p, []any{a.RegionCode}
	case zhuxiang.RoleOrg:
		return "p.org_id = " + p, []any{a.OrgID}
	case zhuxiang.RoleDepartment:
		return "o.department_id = " + p, []any{a.DepartmentID}
	}
	return "1=0", nil
}

// ListPairings lists the pairings in the actor's scope, newest first.
func (s *Store) ListPairings(ctx context.Context, a zhuxiang.Actor, f PairingFilter) (*PairingPage, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	cond, args := pairingScope(a, 1)
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	if f.County != "" {
		cond += " AND p.county_code = " + arg(f.County)
	}
	if f.Org != "" {
		cond += " AND p.org_id = " + arg(f.Org)
	}
	if f.Action != "" {
		cond += " AND p.action = " + arg(string(f.Action))
	}
	if f.Source != "" {
		cond += " AND p.source = " + arg(string(f.Source))
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		x := arg(like(q))
		cond += " AND (o.name LIKE " + x + " OR v.name LIKE " + x + ")"
	}
	page := &PairingPage{}
	if err := s.queryRow(ctx, `SELECT COUNT(*)`+pairingFrom+` WHERE `+cond, args...).Scan(&page.Total); err != nil {
		return nil, err
	}
	limit := f.Limit
	if limit <= 0 || limit > 10000 {
		limit = 50
	}
	rows, err := s.query(ctx, `SELECT `+pairingCols+pairingFrom+` WHERE `+cond+` ORDER BY p.created_at DESC, p.id LIMIT `+strconv.Itoa(limit)+` OFFSET `+strconv.Itoa(max(0, f.Offset)), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanPairing(rows)
		if err != nil {
			return nil, err
		}
		page.Pairings = append(page.Pairings, p)
	}
	return page, rows.Err()
}

// Pairing returns one pairing in the actor's scope.
func (s *Store) Pairing(ctx context.Context, a zhuxiang.Actor, id string) (*zhuxiang.Pairing, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	cond, args := pairingScope(a, 2)
	p, err := scanPairing(s.queryRow(ctx, `SELECT `+pairingCols+pairingFrom+` WHERE p.id = $1 AND `+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("结对")
	}
	return p, err
}

// PairingAgreement returns the agreement file of a pairing in scope.
func (s *Store) PairingAgreement(ctx context.Context, a zhuxiang.Actor, id string) (*Agreement, error) {
	p, err := s.Pairing(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if p.FileSHA == "" {
		return nil, notFound("协议文件")
	}
	ag := &Agreement{Name: p.FileName, Type: p.FileType}
	if err := s.queryRow(ctx, `SELECT data FROM files WHERE sha = $1`, p.FileSHA).Scan(&ag.Data); err != nil {
		return nil, notFound("协议文件")
	}
	return ag, nil
}

func pairingKV(p *zhuxiang.Pairing) []kv {
	return []kv{{"社会组织", p.OrgID}, {"县市", p.CountyCode}, {"村", p.VillageCode}, {"行动", p.Action.Short()},
		{"开始日期", p.StartDate}, {"结束日期", p.EndDate}, {"来源", p.Source.Label()}, {"备注", p.Note}, {"协议文件", p.FileName}}
}

// CreatePairing enters a pairing directly (the county or the admin), with
// an optional agreement file checked by content: PDF, JPEG or PNG, at most
// 10 MB.
func (s *Store) CreatePairing(ctx context.Context, a zhuxiang.Actor, p *zhuxiang.Pairing, file *Agreement) (string, error) {
	// Only a confirmed match links a pairing to a need (and so shows the
	// organization the village's contact); a direct entry never does.
	p.Source, p.NeedID, p.MatchID = zhuxiang.PairingDirect, "", ""
	if err := p.Validate(); err != nil {
		return "", err
	}
	if file != nil {
		if err := zhuxiang.CheckLine("file", "协议文件名", file.Name, zhuxiang.MaxNameRunes); err != nil {
			return "", err
		}
	}
	var id string
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.checkPairingRefs(ctx, tx, a, p); err != nil {
			return err
		}
		var err error
		id, err = s.insertPairing(ctx, tx, a, p, file)
		return err
	})
	return id, err
}

// checkPairingRefs checks the organization, the county and the village, and
// that the actor may enter pairings there.
func (s *Store) checkPairingRefs(ctx context.Context, q querier, a zhuxiang.Actor, p *zhuxiang.Pairing) error {
	if p.VillageCode != "" {
		var level, county string
		if err := q.QueryRowContext(ctx, `SELECT level, county_code FROM regions WHERE code = $1`, p.VillageCode).Scan(&level, &county); err != nil || level != string(zhuxiang.LevelVillage) {
			return zhuxiang.Errorf(zhuxiang.EInvalid, "village", "村“%s”不存在", p.VillageCode)
		}
		if p.CountyCode != "" && p.CountyCode != county {
			return zhuxiang.Errorf(zhuxiang.EInvalid, "village", "该村不属于所选县市")
		}
		p.CountyCode = county
	} else {
		var level string
		if err := q.QueryRowContext(ctx, `SELECT level FROM regions WHERE code = $1`, p.CountyCode).Scan(&level); err != nil || level != string(zhuxiang.LevelCounty) {
			return zhuxiang.Errorf(zhuxiang.EInvalid, "county", "县市“%s”不存在", p.CountyCode)
		}
	}
	if err := zhuxiang.CanCreatePairing(a, p.CountyCode); err != nil {
		return err
	}
	org, err := s.orgForMatch(ctx, q, p.OrgID)
	if err != nil {
		return zhuxiang.Errorf(zhuxiang.EInvalid, "org", "社会组织不存在")
	}
	if org.HasFlag(zhuxiang.FlagAbnormal) || org.HasFlag(zhuxiang.FlagDishonest) {
		return zhuxiang.Errorf(zhuxiang.EConflict, "org", "“%s”在活动异常名录或严重违法失信名单中，不能结对", org.Name)
	}
	return nil
}

// insertPairing writes a pairing (and its file) inside tx.
func (s *Store) insertPairing(ctx context.Context, tx querier, a zhuxiang.Actor, p *zhuxiang.Pairing, file *Agreement) (string, error) {
	if file != nil && len(file.Data) > 0 {
		if len(file.Data) > zhuxiang.AgreementMaxBytes {
			return "", zhuxiang.Errorf(zhuxiang.EInvalid, "file", "协议文件不能超过 10 MB")
		}
		typ, err := zhuxiang.AgreementType(file.Data)
		if err != nil {
			return "", err
		}
		sum := sha256.Sum256(file.Data)
		p.FileSHA, p.FileType, p.FileSize = hex.EncodeToString(sum[:]), typ, int64(len(file.Data))
		p.FileName = strings.TrimSpace(file.Name)
		if p.FileName == "" {
			p.FileName = "协议"
		}
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM files WHERE sha = $1`, p.FileSHA).Scan(&one); errors.Is(err, sql.ErrNoRows) {
			if _, err := tx.ExecContext(ctx, `INSERT INTO files (sha, data) VALUES ($1, $2)`, p.FileSHA, file.Data); err != nil {
				return "", err
			}
		} else if err != nil {
			return "", err
		}
	}
	if err := bumpMatch(ctx, tx); err != nil {
		return "", err
	}
	now := ts(s.Now())
	p.ID, p.Version = secure.NewID(), 1
	if _, err := tx.ExecContext(ctx, `INSERT INTO pairings (id, org_id, county_code, village_code, action, need_id, match_id, start_date, end_date, source, note,
		file_name, file_type, file_size, file_sha, created_at, created_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $16)`,
		p.ID, p.OrgID, p.CountyCode, p.VillageCode, string(p.Action), p.NeedID, p.MatchID, p.StartDate, p.EndDate, string(p.Source), p.Note,
		p.FileName, p.FileType, p.FileSize, p.FileSHA, now, a.Name); err != nil {
		return "", err
	}
	if sqlTx, ok := tx.(*sql.Tx); ok {
		if err := s.audit(ctx, sqlTx, a, "create", "pairing", p.ID, diff(nil, pairingKV(p))); err != nil {
			return "", err
		}
		// An import of last year's pairings is not news to anyone.
		if p.Source != zhuxiang.PairingImported {
			if err := s.notifyOrg(ctx, sqlTx, p.OrgID, "新的结对帮扶已登记", "/pairings/"+p.ID); err != nil {
				return "", err
			}
		}
	}
	return p.ID, nil
}

// PairingImport is one parsed row of a pairing import, with references as
// the user wrote them.
type PairingImport struct {
	Row      int
	Org      string // credit code or exact name
	County   string // code, full or short name
	Township string // name or code, optional: narrows the village lookup
	Village  string // name or code, optional
	Pairing  *zhuxiang.Pairing
}

// ImportPairings stores the plan's existing pairings from a sheet, all or
// nothing unless mode says otherwise; every bad row is reported.
func (s *Store) ImportPairings(ctx context.Context, a zhuxiang.Actor, items []PairingImport, rejected []zhuxiang.RowError, rows int, mode zhuxiang.ImportMode) (*zhuxiang.ImportResult, error) {
	if !a.IsAdmin() && a.Role != zhuxiang.RoleCounty {
		return nil, forbidden("仅州级管理员和县市用户可导入结对")
	}
	res := &zhuxiang.ImportResult{Rows: rows, DryRun: mode == zhuxiang.ImportDryRun, Rejected: append([]zhuxiang.RowError{}, rejected...)}
	errRollback := errors.New("rollback")
	err := s.tx(ctx, func(tx *sql.Tx) error {
		regions, err := loadRegions(ctx, tx)
		if err != nil {
			return err
		}
		ix := newRegionIndex(regions)
		orgs := map[string]string{}
		r, err := tx.QueryContext(ctx, `SELECT id, credit_code, name FROM orgs`)
		if err != nil {
			return err
		}
		dupName := map[string]bool{}
		for r.Next() {
			var id, code, name string
			if err := r.Scan(&id, &code, &name); err != nil {
				r.Close()
				return err
			}
			orgs[code] = id
			if _, ok := orgs[name]; ok {
				dupName[name] = true
			}
			orgs[name] = id
		}
		r.Close()
		seen := map[string]int{}
		for _, it := range items {
			p := it.Pairing
			p.Source = zhuxiang.PairingImported
			key := strings.ToUpper(strings.TrimSpace(it.Org))
			id, ok := orgs[zhuxiang.NormalizeCreditCode(key)]
			if !ok {
				id, ok = orgs[strings.TrimSpace(it.Org)]
				if ok && dupName[strings.TrimSpace(it.Org)] {
					res.Reject(it.Row, zhuxiang.Errorf(zhuxiang.EInvalid, "org", "名称“%s”对应多个社会组织，请填写统一社会信用代码", it.Org))
					continue
				}
			}
			if !ok {
				res.Reject(it.Row, zhuxiang.Errorf(zhuxiang.EInvalid, "org", "社会组织“%s”未登记，请先导入社会组织", it.Org))
				continue
			}
			p.OrgID = id
			county, err := ix.county(it.County)
			if err != nil {
				res.Reject(it.Row, err)
				continue
			}
			p.CountyCode = county.Code
			if strings.TrimSpace(it.Village) != "" {
				v, err := ix.village(county, it.Township, it.Village)
				if err != nil {
					res.Reject(it.Row, err)
					continue
				}
				p.VillageCode = v.Code
			}
			if err := p.Validate(); err != nil {
				res.Reject(it.Row, err)
				continue
			}
			if err := zhuxiang.CanCreatePairing(a, p.CountyCode); err != nil {
				res.Reject(it.Row, zhuxiang.Errorf(zhuxiang.EForbidden, "county", "县市用户只能导入本县市的结对"))
				continue
			}
			org, err := s.orgForMatch(ctx, tx, p.OrgID)
			if err != nil {
				return err
			}
			if org.HasFlag(zhuxiang.FlagAbnormal) || org.HasFlag(zhuxiang.FlagDishonest) {
				res.Reject(it.Row, zhuxiang.Errorf(zhuxiang.EConflict, "org", "“%s”在活动异常名录或严重违法失信名单中，不能结对", org.Name))
				continue
			}
			k := p.OrgID + "|" + p.CountyCode + "|" + p.VillageCode + "|" + p.StartDate
			if prev, dup := seen[k]; dup {
				res.Reject(it.Row, zhuxiang.Errorf(zhuxiang.EInvalid, "org", "与第%d行重复", prev))
				continue
			}
			seen[k] = it.Row
			var one int
			err = tx.QueryRowContext(ctx, `SELECT 1 FROM pairings WHERE org_id = $1 AND county_code = $2 AND village_code = $3 AND start_date = $4`,
				p.OrgID, p.CountyCode, p.VillageCode, p.StartDate).Scan(&one)
			if err == nil {
				// Importing the same file again must not duplicate.
				res.Accepted++
				continue
			} else if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if _, err := s.insertPairing(ctx, tx, a, p, nil); err != nil {
				return err
			}
			res.Accepted++
			res.Created++
		}
		if mode == zhuxiang.ImportDryRun || (mode == zhuxiang.ImportAll && len(res.Rejected) > 0) {
			return errRollback
		}
		return nil
	})
	if errors.Is(err, errRollback) {
		if mode == zhuxiang.ImportAll {
			res.Accepted, res.Created = 0, 0
		}
		return res, nil
	}
	if err != nil {
		return nil, err
	}
	res.Stored = true
	return res, nil
}

// OrgRef is an organization's id and name: what other records need to
// name it.
type OrgRef struct {
	ID         string
	Name       string
	CreditCode string
}

// OrgByCreditCode finds an organization by its credit code for any
// signed-in user, whatever their scope: a credit code is a public registry
// fact, pairings are often with organizations registered elsewhere (the
// aiding provinces), and only the id and name come back, never the profile.
func (s *Store) OrgByCreditCode(ctx context.Context, a zhuxiang.Actor, code string) (*OrgRef, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	ref := &OrgRef{CreditCode: zhuxiang.NormalizeCreditCode(code)}
	err := s.queryRow(ctx, `SELECT id, name FROM orgs WHERE credit_code = $1`, ref.CreditCode).Scan(&ref.ID, &ref.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, zhuxiang.Errorf(zhuxiang.ENotFound, "org", "统一社会信用代码“%s”的社会组织尚未登记", ref.CreditCode)
	}
	return ref, err
}
