package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"

	"zhuxiang"
	"zhuxiang/attach"
	"zhuxiang/secure"
)

// Brands (项目品牌): the prefecture admin recognises projects as a brand.
// A brand stores its own words, its logo and the list of its projects;
// everything it shows about money, people and places is read from those
// projects each time (zhuxiang.Brand.Figures), so a figure is never kept
// twice and a project's spending shows on its brands at once.

// BrandFilter selects brands.
type BrandFilter struct {
	Status zhuxiang.BrandStatus
	Level  zhuxiang.BrandLevel
	County string
}

// LogoFile is an uploaded logo as received: the store vets it
// (attach.Vet) and keeps only an image.
type LogoFile struct {
	Name string
	Data []byte
}

// MaxBrands bounds a list of brands: the plan counts them in tens.
const MaxBrands = 500

const brandCols = `b.id, b.seq, b.name, b.level, b.county_code, COALESCE(c.name, ''), b.year, b.description,
	b.logo_name, b.logo_type, b.logo_size, b.logo_sha, b.logo_thumb_sha, b.logo_width, b.logo_height,
	b.status, b.reason, b.version, b.created_at, b.created_by, b.updated_at, b.updated_by`

const brandFrom = ` FROM brands b LEFT JOIN regions c ON c.code = b.county_code`

func scanBrand(sc interface{ Scan(...any) error }) (*zhuxiang.Brand, error) {
	var b zhuxiang.Brand
	var level, status, created, updated string
	dest := append([]any{&b.ID, &b.Seq, &b.Name, &level, &b.CountyCode, &b.County, &b.Year, &b.Description}, attachmentDest(&b.Logo)...)
	if err := sc.Scan(append(dest, &status, &b.Reason, &b.Version, &created, &b.CreatedBy, &updated, &b.UpdatedBy)...); err != nil {
		return nil, err
	}
	b.Level, b.Status = zhuxiang.BrandLevel(level), zhuxiang.BrandStatus(status)
	b.CreatedAt, b.UpdatedAt = parseTS(created), parseTS(updated)
	return &b, nil
}

// ListBrands lists the brands the actor may see, newest first: everyone
// signed in sees all of them, the public (the zero actor) the published
// ones only, whatever the filter asks.
func (s *Store) ListBrands(ctx context.Context, a zhuxiang.Actor, f BrandFilter) ([]*zhuxiang.Brand, error) {
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	if !zhuxiang.SignedIn(a) {
		f.Status = zhuxiang.BrandPublished
	}
	if f.Status != "" {
		where = append(where, "b.status = "+arg(string(f.Status)))
	}
	if f.Level != "" {
		where = append(where, "b.level = "+arg(string(f.Level)))
	}
	if f.County != "" {
		where = append(where, "b.county_code = "+arg(f.County))
	}
	query := `SELECT ` + brandCols + brandFrom
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	query += ` ORDER BY b.year DESC, b.seq DESC LIMIT ` + strconv.Itoa(MaxBrands)
	var out []*zhuxiang.Brand
	err := eachRow(ctx, s.r, query, args, func(sc interface{ Scan(...any) error }) error {
		b, err := scanBrand(sc)
		if err == nil && zhuxiang.CanSeeBrand(a, b) {
			out = append(out, b)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, s.brandProjects(ctx, s.r, out)
}

// Brand returns one brand the actor may see, with its projects.
func (s *Store) Brand(ctx context.Context, a zhuxiang.Actor, id string) (*zhuxiang.Brand, error) {
	b, err := s.brandRow(ctx, s.r, id, "")
	if err != nil {
		return nil, err
	}
	if !zhuxiang.CanSeeBrand(a, b) {
		return nil, notFound("品牌")
	}
	return b, nil
}

// BrandLogo returns the logo of a brand the actor may see, or its
// thumbnail, for attach.Serve. The public gets published brands' logos
// only, as it gets their pages.
func (s *Store) BrandLogo(ctx context.Context, a zhuxiang.Actor, id string, thumb bool) (*attach.Served, error) {
	b, err := s.brandRow(ctx, s.r, id, "")
	if err != nil {
		return nil, err
	}
	if !zhuxiang.CanSeeBrand(a, b) {
		return nil, notFound("品牌")
	}
	if !b.HasLogo() {
		return nil, notFound("品牌标志")
	}
	return s.served(ctx, b.Logo, thumb)
}

// BrandsOfProject lists the brands a project forms part of that the actor
// may see, without their projects: the project's page links to them.
func (s *Store) BrandsOfProject(ctx context.Context, a zhuxiang.Actor, projectID string) ([]*zhuxiang.Brand, error) {
	var out []*zhuxiang.Brand
	err := eachRow(ctx, s.r, `SELECT `+brandCols+brandFrom+` JOIN brand_projects bp ON bp.brand_id = b.id WHERE bp.project_id = $1 ORDER BY b.seq`,
		[]any{projectID}, func(sc interface{ Scan(...any) error }) error {
			b, err := scanBrand(sc)
			if err == nil && zhuxiang.CanSeeBrand(a, b) {
				out = append(out, b)
			}
			return err
		})
	return out, err
}

// BrandCandidates lists the projects that may form a brand
// (zhuxiang.BrandProjectStatuses) for the brand form: key projects first,
// then the newest; q narrows them by a fragment of the name. Only those
// who keep brands ask.
func (s *Store) BrandCandidates(ctx context.Context, a zhuxiang.Actor, q string, limit int) ([]zhuxiang.BrandProject, error) {
	if err := zhuxiang.CanManageBrands(a); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	var args []any
	cond := "p.status IN " + inList(&args, zhuxiang.BrandProjectStatuses, func(st zhuxiang.ProjectStatus) any { return string(st) })
	if q = strings.TrimSpace(q); q != "" {
		args = append(args, like(q))
		cond += " AND p.name LIKE $" + strconv.Itoa(len(args)) + " ESCAPE '\\'"
	}
	var ids []string
	err := eachRow(ctx, s.r, `SELECT p.id FROM projects p WHERE `+cond+` ORDER BY p.key_project DESC, p.seq DESC LIMIT `+strconv.Itoa(limit), args,
		func(sc interface{ Scan(...any) error }) error {
			var id string
			err := sc.Scan(&id)
			ids = append(ids, id)
			return err
		})
	if err != nil {
		return nil, err
	}
	return s.brandProjectRows(ctx, s.r, ids)
}

// brandRow reads one brand with its projects; lock is "" or the row lock
// of a write.
func (s *Store) brandRow(ctx context.Context, q querier, id, lock string) (*zhuxiang.Brand, error) {
	if !zhuxiang.IsID(id) {
		return nil, notFound("品牌")
	}
	b, err := scanBrand(q.QueryRowContext(ctx, `SELECT `+brandCols+brandFrom+` WHERE b.id = $1`+lock, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("品牌")
	}
	if err != nil {
		return nil, err
	}
	return b, s.brandProjects(ctx, q, []*zhuxiang.Brand{b})
}

// brandProjects fills the brands' projects, in each brand's order.
func (s *Store) brandProjects(ctx context.Context, q querier, bs []*zhuxiang.Brand) error {
	if len(bs) == 0 {
		return nil
	}
	byID := make(map[string]*zhuxiang.Brand, len(bs))
	for _, b := range bs {
		byID[b.ID] = b
		b.ProjectIDs, b.Projects = nil, nil
	}
	var args []any
	in := inList(&args, bs, func(b *zhuxiang.Brand) any { return b.ID })
	var all []string
	err := eachRow(ctx, q, `SELECT brand_id, project_id FROM brand_projects WHERE brand_id IN `+in+` ORDER BY brand_id, pos`, args,
		func(sc interface{ Scan(...any) error }) error {
			var bid, pid string
			if err := sc.Scan(&bid, &pid); err != nil {
				return err
			}
			byID[bid].ProjectIDs = append(byID[bid].ProjectIDs, pid)
			if !slices.Contains(all, pid) {
				all = append(all, pid)
			}
			return nil
		})
	if err != nil {
		return err
	}
	rows, err := s.brandProjectRows(ctx, q, all)
	if err != nil {
		return err
	}
	byProject := make(map[string]zhuxiang.BrandProject, len(rows))
	for _, p := range rows {
		byProject[p.ID] = p
	}
	for _, b := range bs {
		for _, pid := range b.ProjectIDs {
			if p, ok := byProject[pid]; ok {
				b.Projects = append(b.Projects, p)
			}
		}
	}
	return nil
}

// brandProjectRows reads what a brand shows of the projects ids, in that
// order: three queries whatever their number (the rows, their spending,
// their villages).
func (s *Store) brandProjectRows(ctx context.Context, q querier, ids []string) ([]zhuxiang.BrandProject, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var args []any
	in := inList(&args, ids, func(id string) any { return id })
	byID := make(map[string]*zhuxiang.BrandProject, len(ids))
	err := eachRow(ctx, q, `SELECT p.id, p.name, p.status, p.key_project, COALESCE(o.name, ''), p.county_code, COALESCE(c.name, ''), p.budget, p.people
		FROM projects p LEFT JOIN orgs o ON o.id = p.lead_org_id LEFT JOIN regions c ON c.code = p.county_code WHERE p.id IN `+in, args,
		func(sc interface{ Scan(...any) error }) error {
			var bp zhuxiang.BrandProject
			var status, budget, people string
			var key int
			if err := sc.Scan(&bp.ID, &bp.Name, &status, &key, &bp.LeadOrg, &bp.CountyCode, &bp.County, &budget, &people); err != nil {
				return err
			}
			bp.Status, bp.Key = zhuxiang.ProjectStatus(status), key == 1
			// The sums are the project's own (Project.BudgetFen), so a
			// brand and its projects' pages cannot disagree.
			p := zhuxiang.Project{Budget: decodeBudget(budget), People: decodePeople(people)}
			bp.BudgetFen = p.BudgetFen()
			bp.PeopleTarget, bp.PeopleReached = zhuxiang.PeopleTotals(p.People)
			byID[bp.ID] = &bp
			return nil
		})
	if err != nil {
		return nil, err
	}
	err = eachRow(ctx, q, `SELECT project_id, CAST(SUM(amount_fen) AS BIGINT) FROM project_spending WHERE project_id IN `+in+` GROUP BY project_id`, args,
		func(sc interface{ Scan(...any) error }) error {
			var id string
			var sum int64
			if err := sc.Scan(&id, &sum); err != nil {
				return err
			}
			byID[id].SpentFen = sum
			return nil
		})
	if err != nil {
		return nil, err
	}
	err = eachRow(ctx, q, `SELECT pv.project_id, pv.village_code, COALESCE(v.name, '') FROM project_villages pv LEFT JOIN regions v ON v.code = pv.village_code
		WHERE pv.project_id IN `+in+` ORDER BY pv.project_id, pv.pos`, args,
		func(sc interface{ Scan(...any) error }) error {
			var id, code, name string
			if err := sc.Scan(&id, &code, &name); err != nil {
				return err
			}
			p := byID[id]
			p.Villages, p.VillageNames = append(p.Villages, code), append(p.VillageNames, name)
			return nil
		})
	if err != nil {
		return nil, err
	}
	out := make([]zhuxiang.BrandProject, 0, len(ids))
	for _, id := range ids {
		if p, ok := byID[id]; ok {
			out = append(out, *p)
		}
	}
	return out, nil
}

// vetLogo checks an uploaded logo: attach.Vet (type by content, size,
// pixels, metadata stripped, thumbnail), and then that it is a picture: a
// PDF is a fine attachment but not a logo.
func vetLogo(logo *LogoFile) (*attach.File, error) {
	if logo == nil || len(logo.Data) == 0 {
		return nil, nil
	}
	f, err := attach.Vet(logo.Name, logo.Data)
	if err != nil {
		var e *zhuxiang.Error
		if errors.As(err, &e) {
			return nil, zhuxiang.Errorf(e.Code, "logo", "品牌标志：%s", e.Message)
		}
		return nil, err
	}
	if !attach.IsImage(f.Type) {
		return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "logo", "品牌标志应为JPEG或PNG图片")
	}
	return f, nil
}

// checkBrandRefs checks, inside the write, that a county brand's county
// exists and that every project exists, is in a state that may form a
// brand, and lies in a county brand's county.
func (s *Store) checkBrandRefs(ctx context.Context, tx querier, b *zhuxiang.Brand) error {
	var pr zhuxiang.Problems
	if b.Level == zhuxiang.BrandCounty {
		var level string
		err := tx.QueryRowContext(ctx, `SELECT level FROM regions WHERE code = $1`, b.CountyCode).Scan(&level)
		if err != nil || level != string(zhuxiang.LevelCounty) {
			pr.Addf("county", "县市“%s”不存在", b.CountyCode)
		}
	}
	for _, id := range b.ProjectIDs {
		var name, status, county string
		err := tx.QueryRowContext(ctx, `SELECT name, status, county_code FROM projects WHERE id = $1`, id).Scan(&name, &status, &county)
		st := zhuxiang.ProjectStatus(status)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			pr.Addf("projects", "项目“%s”不存在", id)
		case err != nil:
			return err
		case !slices.Contains(zhuxiang.BrandProjectStatuses, st):
			pr.Addf("projects", "项目“%s”当前为“%s”，不能组成品牌（只有实施中、待验收和已完成的项目可以）", name, st.Label())
		case b.Level == zhuxiang.BrandCounty && !pr.Has("county") && county != b.CountyCode:
			pr.Addf("projects", "项目“%s”不在品牌所属县市，县级品牌只能由本县市的项目组成", name)
		}
	}
	return pr.Err()
}

func writeBrandProjects(ctx context.Context, tx querier, b *zhuxiang.Brand, replace bool) error {
	if replace {
		if _, err := tx.ExecContext(ctx, `DELETE FROM brand_projects WHERE brand_id = $1`, b.ID); err != nil {
			return err
		}
	}
	for i, id := range b.ProjectIDs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO brand_projects (brand_id, project_id, pos) VALUES ($1, $2, $3)`, b.ID, id, i); err != nil {
			return err
		}
	}
	return nil
}

func brandKV(b *zhuxiang.Brand) []kv {
	return []kv{{"名称", b.Name}, {"级别", b.Level.Label()}, {"县市", b.CountyCode}, {"认定年份", b.Year}, {"介绍", b.Description},
		{"项目", strings.Join(b.ProjectIDs, "、")}, {"标志", b.Logo.SHA}}
}

// setBrandLogo keeps a vetted logo and writes the brand's reference to it.
func setBrandLogo(ctx context.Context, tx *writeTx, id string, f *attach.File) (zhuxiang.Attachment, error) {
	l, err := keepFile(ctx, tx, f)
	if err != nil {
		return l, err
	}
	_, err = tx.ExecContext(ctx, `UPDATE brands SET logo_name = $1, logo_type = $2, logo_size = $3, logo_sha = $4, logo_thumb_sha = $5,
		logo_width = $6, logo_height = $7 WHERE id = $8`, l.Name, l.Type, l.Size, l.SHA, l.ThumbSHA, l.Width, l.Height, id)
	return l, err
}

// CreateBrand saves a new brand, unpublished, with its logo if one is
// given, and returns its id. The prefecture admin alone creates brands.
func (s *Store) CreateBrand(ctx context.Context, a zhuxiang.Actor, b *zhuxiang.Brand, logo *LogoFile) (string, error) {
	if err := zhuxiang.CanManageBrands(a); err != nil {
		return "", err
	}
	b.Version = 0
	if err := b.Validate(); err != nil {
		return "", err
	}
	f, err := vetLogo(logo)
	if err != nil {
		return "", err
	}
	err = s.write(ctx, a, func(tx *writeTx) error {
		if err := s.checkBrandRefs(ctx, tx, b); err != nil {
			return err
		}
		seq, err := nextSeq(ctx, tx, "brands", 1)
		if err != nil {
			return err
		}
		now := ts(s.Now())
		b.ID, b.Seq, b.Version, b.Status, b.Reason, b.Logo = secure.NewID(), seq, 1, zhuxiang.BrandDraft, "", zhuxiang.Attachment{}
		if _, err := tx.ExecContext(ctx, `INSERT INTO brands (id, seq, name, level, county_code, year, description, status, created_at, created_by, updated_at, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $9, $10)`,
			b.ID, seq, b.Name, string(b.Level), b.CountyCode, b.Year, b.Description, string(b.Status), now, a.Name); err != nil {
			return err
		}
		if f != nil {
			if b.Logo, err = setBrandLogo(ctx, tx, b.ID, f); err != nil {
				return err
			}
		}
		if err := writeBrandProjects(ctx, tx, b, false); err != nil {
			return err
		}
		return tx.audit("create", "brand", b.ID, diff(nil, append(brandKV(b), kv{"状态", b.Status.Label()})))
	})
	return b.ID, err
}

// UpdateBrand changes a brand's words, level, year and projects; a logo
// given replaces the old one, which is released if nothing else keeps it.
// The version must match the one the editor read; the status is kept.
func (s *Store) UpdateBrand(ctx context.Context, a zhuxiang.Actor, b *zhuxiang.Brand, logo *LogoFile) error {
	if err := zhuxiang.CanManageBrands(a); err != nil {
		return err
	}
	if err := b.Validate(); err != nil {
		return err
	}
	f, err := vetLogo(logo)
	if err != nil {
		return err
	}
	return s.write(ctx, a, func(tx *writeTx) error {
		old, err := s.brandRow(ctx, tx, b.ID, s.forUpdateOf("b"))
		if err != nil {
			return err
		}
		if old.Version != b.Version {
			return zhuxiang.Errorf(zhuxiang.EConflict, "version", "该品牌已被他人修改，请刷新后重试")
		}
		if err := s.checkBrandRefs(ctx, tx, b); err != nil {
			return err
		}
		b.Status, b.Reason, b.Logo = old.Status, old.Reason, old.Logo
		if _, err := tx.ExecContext(ctx, `UPDATE brands SET name = $1, level = $2, county_code = $3, year = $4, description = $5,
			version = version + 1, updated_at = $6, updated_by = $7 WHERE id = $8`,
			b.Name, string(b.Level), b.CountyCode, b.Year, b.Description, ts(s.Now()), a.Name, b.ID); err != nil {
			return err
		}
		if f != nil {
			if b.Logo, err = setBrandLogo(ctx, tx, b.ID, f); err != nil {
				return err
			}
			if old.Logo.SHA != b.Logo.SHA {
				if err := releaseFile(ctx, tx, old.Logo.SHA); err != nil {
					return err
				}
			}
		}
		if err := writeBrandProjects(ctx, tx, b, true); err != nil {
			return err
		}
		b.Version++
		return tx.audit("update", "brand", b.ID, diff(brandKV(old), brandKV(b)))
	})
}

// TransitionBrand publishes or withdraws a brand
// (zhuxiang.BrandTransitions). version, when not zero, must match the one
// the user saw.
func (s *Store) TransitionBrand(ctx context.Context, a zhuxiang.Actor, id, name, reason string, version int) error {
	t, ok := zhuxiang.FindBrandTransition(name)
	if !ok {
		return zhuxiang.Errorf(zhuxiang.EInvalid, "action", "未知的操作")
	}
	if err := zhuxiang.CanManageBrands(a); err != nil {
		return err
	}
	reason, err := stepInput(t.Label, t.Reason, reason, version)
	if err != nil {
		return err
	}
	return s.write(ctx, a, func(tx *writeTx) error {
		b, err := s.brandRow(ctx, tx, id, s.forUpdateOf("b"))
		if err != nil {
			return err
		}
		if err := zhuxiang.CanBrand(a, b, name); err != nil {
			return err
		}
		if version != 0 && version != b.Version {
			return zhuxiang.Errorf(zhuxiang.EConflict, "version", "该品牌已被他人处理，请刷新后重试")
		}
		if !t.Reason {
			reason = ""
		}
		if _, err := tx.ExecContext(ctx, `UPDATE brands SET status = $1, reason = $2, version = version + 1, updated_at = $3, updated_by = $4 WHERE id = $5`,
			string(t.To), reason, ts(s.Now()), a.Name, id); err != nil {
			return err
		}
		changes := []kv{{"状态", t.To.Label()}}
		if reason != "" {
			changes = append(changes, kv{"理由", reason})
		}
		return tx.audit(name, "brand", id, diff([]kv{{"状态", b.Status.Label()}, {"理由", ""}}, changes))
	})
}
