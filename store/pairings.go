package store

import (
	"context"
	"database/sql"
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
	// Agreement keeps the pairings with ("has") or without ("none") an
	// agreement file.
	Agreement string
	Q         string // a fragment of the organization's or the village's name
	Limit     int
	Offset    int
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
	SHA  string // set when read back, the file's SHA-256
	Data []byte
}

const pairingCols = `p.id, p.org_id, COALESCE(o.name, ''), p.county_code, p.village_code, COALESCE(c.name, ''), COALESCE(v.name, ''), p.action, p.need_id, p.match_id,
	p.start_date, p.end_date, p.source, p.note, p.file_name, p.file_type, p.file_size, p.file_sha, p.file_at, p.file_by, p.version, p.created_at, p.created_by, p.updated_at`

const pairingFrom = ` FROM pairings p LEFT JOIN orgs o ON o.id = p.org_id LEFT JOIN regions c ON c.code = p.county_code
	LEFT JOIN regions v ON v.code = p.village_code AND p.village_code <> ''`

func scanPairing(sc interface{ Scan(...any) error }) (*zhuxiang.Pairing, error) {
	var p zhuxiang.Pairing
	var action, source, fileAt, created, updated string
	if err := sc.Scan(&p.ID, &p.OrgID, &p.Org, &p.CountyCode, &p.VillageCode, &p.County, &p.Village, &action, &p.NeedID, &p.MatchID,
		&p.StartDate, &p.EndDate, &source, &p.Note, &p.FileName, &p.FileType, &p.FileSize, &p.FileSHA, &fileAt, &p.FileBy, &p.Version, &created, &p.CreatedBy, &updated); err != nil {
		return nil, err
	}
	p.Action, p.Source = zhuxiang.Action(action), zhuxiang.PairingSource(source)
	p.FileAt, p.CreatedAt, p.UpdatedAt = parseTS(fileAt), parseTS(created), parseTS(updated)
	return &p, nil
}

// pairingScope is the SQL predicate for the pairings an actor sees
// (zhuxiang.PairingScope); the department is the organization's, joined as o.
func pairingScope(a zhuxiang.Actor, next int) (string, []any) {
	return scopeSQL(zhuxiang.PairingScope(a), pairingKeys, next)
}

// ListPairings lists the pairings in the actor's scope, newest first.
func (s *Store) ListPairings(ctx context.Context, a zhuxiang.Actor, f PairingFilter) (*PairingPage, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	cond, args := pairingWhere(a, f)
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

// pairingWhere is the condition of the pairings list for f (on
// pairingFrom), the actor's scope included; the work bench counts with it
// too (store/todo.go).
func pairingWhere(a zhuxiang.Actor, f PairingFilter) (string, []any) {
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
	switch f.Agreement {
	case "has":
		cond += " AND p.file_sha <> ''"
	case "none":
		cond += " AND p.file_sha = ''"
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		x := arg(like(q))
		cond += " AND (o.name LIKE " + x + " OR v.name LIKE " + x + ")"
	}
	return cond, args
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

// PairingAgreement returns the current agreement file of a pairing in
// scope.
func (s *Store) PairingAgreement(ctx context.Context, a zhuxiang.Actor, id string) (*Agreement, error) {
	return s.AgreementFile(ctx, a, id, 0)
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
	var id string
	err := s.write(ctx, a, func(tx *writeTx) error {
		if err := s.checkPairingRefs(ctx, tx, a, p); err != nil {
			return err
		}
		if err := s.insertPairing(ctx, tx, a, p, file); err != nil {
			return err
		}
		id = p.ID
		return s.recordPairing(ctx, tx, p)
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

// insertPairing writes a pairing (and its file) inside tx; the caller
// records it (recordPairing, or the import runner).
func (s *Store) insertPairing(ctx context.Context, tx *writeTx, a zhuxiang.Actor, p *zhuxiang.Pairing, file *Agreement) error {
	now := s.Now()
	if file != nil && len(file.Data) > 0 {
		f, err := keepAgreement(ctx, tx, file)
		if err != nil {
			return err
		}
		p.FileName, p.FileType, p.FileSize, p.FileSHA = f.Name, f.Type, f.Size, f.SHA
		p.FileAt, p.FileBy = now, a.Name
	}
	p.ID, p.Version = secure.NewID(), 1
	if _, err := tx.ExecContext(ctx, `INSERT INTO pairings (id, org_id, county_code, village_code, action, need_id, match_id, start_date, end_date, source, note,
		file_name, file_type, file_size, file_sha, file_at, file_by, created_at, created_by, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $18)`,
		p.ID, p.OrgID, p.CountyCode, p.VillageCode, string(p.Action), p.NeedID, p.MatchID, p.StartDate, p.EndDate, string(p.Source), p.Note,
		p.FileName, p.FileType, p.FileSize, p.FileSHA, tsOrEmpty(p.FileAt), p.FileBy, ts(now), a.Name); err != nil {
		return err
	}
	return nil
}

// recordPairing records a pairing entered one at a time: its audit entry,
// and the notice to its organization (an import's pairings are listed by
// the import runner instead, and last year's pairings are news to no one).
func (s *Store) recordPairing(ctx context.Context, tx *writeTx, p *zhuxiang.Pairing) error {
	if err := tx.audit("create", "pairing", p.ID, diff(nil, pairingKV(p))); err != nil {
		return err
	}
	return s.notifyOrg(ctx, tx, p.OrgID, "新的结对帮扶已登记", "/pairings/"+p.ID)
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

// orgRef is what a pairing import needs of an organization: its name, and
// whether it is on the abnormal or dishonest list (which bars pairing).
type orgRef struct {
	name   string
	listed bool
}

// ImportPairings stores the plan's existing pairings from a sheet through
// the import runner; every bad row is reported. A row already on the
// platform (same organization, place and start date) is unchanged, so a
// corrected file can be imported again as a whole.
func (s *Store) ImportPairings(ctx context.Context, a zhuxiang.Actor, items []PairingImport, rejected []zhuxiang.RowError, rows int, mode zhuxiang.ImportMode) (*zhuxiang.ImportResult, error) {
	if err := zhuxiang.CanImport(a, zhuxiang.ImportPairings); err != nil {
		return nil, err
	}
	var (
		ix      *regionIndex
		orgs    = map[string]string{} // credit code or name → id
		dupName = map[string]bool{}
		orgByID = map[string]orgRef{}
		seen    = map[string]int{}
	)
	k := importKind[PairingImport]{
		entity: "pairing",
		row:    func(it *PairingImport) int { return it.Row },
		load: func(ctx context.Context, tx *writeTx) error {
			regions, err := loadRegions(ctx, tx)
			if err != nil {
				return err
			}
			ix = newRegionIndex(regions)
			r, err := tx.QueryContext(ctx, `SELECT id, credit_code, name, flag_abnormal + flag_dishonest FROM orgs`)
			if err != nil {
				return err
			}
			defer r.Close()
			for r.Next() {
				var id, code, name string
				var flags int
				if err := r.Scan(&id, &code, &name, &flags); err != nil {
					return err
				}
				orgByID[id] = orgRef{name: name, listed: flags > 0}
				orgs[code] = id
				if _, ok := orgs[name]; ok {
					dupName[name] = true
				}
				orgs[name] = id
			}
			return r.Err()
		},
		check: func(ctx context.Context, tx *writeTx, it *PairingImport) (checked, error) {
			p := it.Pairing
			p.Source = zhuxiang.PairingImported
			key := strings.ToUpper(strings.TrimSpace(it.Org))
			id, ok := orgs[zhuxiang.NormalizeCreditCode(key)]
			if !ok {
				id, ok = orgs[strings.TrimSpace(it.Org)]
				if ok && dupName[strings.TrimSpace(it.Org)] {
					return checked{}, zhuxiang.Errorf(zhuxiang.EInvalid, "org", "名称“%s”对应多个社会组织，请填写统一社会信用代码", it.Org)
				}
			}
			if !ok {
				return checked{}, zhuxiang.Errorf(zhuxiang.EInvalid, "org", "社会组织“%s”未登记，请先导入社会组织", it.Org)
			}
			p.OrgID = id
			county, err := ix.county(it.County)
			if err != nil {
				return checked{}, err
			}
			p.CountyCode = county.Code
			if strings.TrimSpace(it.Village) != "" {
				v, err := ix.village(county, it.Township, it.Village)
				if err != nil {
					return checked{}, err
				}
				p.VillageCode = v.Code
			}
			if err := p.Validate(); err != nil {
				return checked{}, err
			}
			if err := zhuxiang.CanCreatePairing(a, p.CountyCode); err != nil {
				return checked{}, zhuxiang.Errorf(zhuxiang.EForbidden, "county", "县市用户只能导入本县市的结对")
			}
			org := orgByID[p.OrgID]
			if org.listed {
				return checked{}, zhuxiang.Errorf(zhuxiang.EConflict, "org", "“%s”在活动异常名录或严重违法失信名单中，不能结对", org.name)
			}
			p.Org = org.name
			k := p.OrgID + "|" + p.CountyCode + "|" + p.VillageCode + "|" + p.StartDate
			if prev, dup := seen[k]; dup {
				return checked{}, zhuxiang.Errorf(zhuxiang.EInvalid, "org", "与第%d行重复", prev)
			}
			seen[k] = it.Row
			var one int
			err = tx.QueryRowContext(ctx, `SELECT 1 FROM pairings WHERE org_id = $1 AND county_code = $2 AND village_code = $3 AND start_date = $4`,
				p.OrgID, p.CountyCode, p.VillageCode, p.StartDate).Scan(&one)
			if err == nil {
				return checked{action: rowUnchanged}, nil
			} else if !errors.Is(err, sql.ErrNoRows) {
				return checked{}, err
			}
			return checked{action: rowCreate}, nil
		},
		create: func(ctx context.Context, tx *writeTx, fresh []*PairingImport, _ func(int) int64, saved func(int)) error {
			for i, it := range fresh {
				if err := s.insertPairing(ctx, tx, a, it.Pairing, nil); err != nil {
					return err
				}
				saved(i + 1)
			}
			return nil
		},
		created: func(it *PairingImport) ImportedRecord {
			p := it.Pairing
			return ImportedRecord{ID: p.ID, Name: p.Org + " ↔ " + p.CountyCode + " " + p.VillageCode + " " + p.StartDate, Row: it.Row}
		},
	}
	return runImport(ctx, s, a, k, items, rejected, rows, mode)
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
