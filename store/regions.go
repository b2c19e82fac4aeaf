package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"zhuxiang"
)

const regionCols = `code, name, level, parent_code, county_code, county_class, tag_lifted, tag_key, tag_model, official, demo, version, updated_at, updated_by`

func scanRegion(sc interface{ Scan(...any) error }) (*zhuxiang.Region, error) {
	var r zhuxiang.Region
	var level, class, updated string
	var lifted, key, model, official, demo int
	if err := sc.Scan(&r.Code, &r.Name, &level, &r.ParentCode, &r.CountyCode, &class, &lifted, &key, &model, &official, &demo, &r.Version, &updated, &r.UpdatedBy); err != nil {
		return nil, err
	}
	r.Level, r.CountyClass = zhuxiang.RegionLevel(level), zhuxiang.CountyClass(class)
	r.Tags = tagsFrom(lifted, key, model)
	r.Official, r.Demo = official == 1, demo == 1
	r.UpdatedAt = parseTS(updated)
	return &r, nil
}

func tagsFrom(lifted, key, model int) []zhuxiang.VillageTag {
	var t []zhuxiang.VillageTag
	if lifted == 1 {
		t = append(t, zhuxiang.TagLifted)
	}
	if key == 1 {
		t = append(t, zhuxiang.TagKey)
	}
	if model == 1 {
		t = append(t, zhuxiang.TagModel)
	}
	return t
}

func regionSearch(name, code string) string {
	return strings.ToLower(name + " " + code + " " + zhuxiang.SearchKeys(name))
}

// RegionFilter selects regions.
type RegionFilter struct {
	County string
	Level  zhuxiang.RegionLevel
	Parent string
	Tag    zhuxiang.VillageTag
	Q      string
	Limit  int
}

// ListRegions lists regions in code order. Region names and codes are
// public facts, so every signed-in user reads them all.
func (s *Store) ListRegions(ctx context.Context, a zhuxiang.Actor, f RegionFilter) ([]*zhuxiang.Region, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	if f == (RegionFilter{Level: zhuxiang.LevelCounty}) {
		_, counties, err := s.reference(ctx)
		if err != nil {
			return nil, err
		}
		out := make([]*zhuxiang.Region, len(counties))
		for i, r := range counties {
			c := *r
			c.Tags = append([]zhuxiang.VillageTag(nil), r.Tags...)
			out[i] = &c
		}
		return out, nil
	}
	return s.listRegions(ctx, f)
}

func (s *Store) listRegions(ctx context.Context, f RegionFilter) ([]*zhuxiang.Region, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.County != "" {
		add("(county_code = $%d)", f.County)
	}
	if f.Level != "" {
		add("level = $%d", string(f.Level))
	}
	if f.Parent != "" {
		add("parent_code = $%d", f.Parent)
	}
	switch f.Tag {
	case zhuxiang.TagLifted:
		where = append(where, "tag_lifted = 1")
	case zhuxiang.TagKey:
		where = append(where, "tag_key = 1")
	case zhuxiang.TagModel:
		where = append(where, "tag_model = 1")
	case "any":
		where = append(where, "(tag_lifted = 1 OR tag_key = 1 OR tag_model = 1)")
	}
	if q := zhuxiang.SearchNormalize(f.Q); q != "" {
		add(`search LIKE $%d ESCAPE '\'`, like(q))
	}
	q := `SELECT ` + regionCols + ` FROM regions`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY code"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*zhuxiang.Region
	for rows.Next() {
		r, err := scanRegion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Region returns one region by code.
func (s *Store) Region(ctx context.Context, a zhuxiang.Actor, code string) (*zhuxiang.Region, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	r, err := scanRegion(s.queryRow(ctx, `SELECT `+regionCols+` FROM regions WHERE code = $1`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("行政区划")
	}
	return r, err
}

// UpdateRegion changes a region's name, class and tags. The version must
// match the one the editor read, so two editors do not overwrite each other.
func (s *Store) UpdateRegion(ctx context.Context, a zhuxiang.Actor, r *zhuxiang.Region) error {
	r.Name = strings.TrimSpace(r.Name)
	if err := zhuxiang.CheckLine("name", "名称", r.Name, zhuxiang.MaxNameRunes); err != nil {
		return err
	}
	if err := zhuxiang.CheckVersion(r.Version); err != nil {
		return err
	}
	return s.write(ctx, a, func(tx *writeTx) error {
		old, err := scanRegion(tx.QueryRowContext(ctx, `SELECT `+regionCols+` FROM regions WHERE code = $1`+s.forUpdate(), r.Code))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("行政区划")
		}
		if err != nil {
			return err
		}
		if err := zhuxiang.CanEditRegion(a, old); err != nil {
			return err
		}
		// Every bad field at once, so the form marks them all.
		var p zhuxiang.Problems
		if r.Name == "" {
			p.Addf("name", "名称不能为空")
		}
		if old.Level != zhuxiang.LevelVillage && len(r.Tags) > 0 {
			p.Addf("tags", "只有村可以设置重点帮扶村标签")
		}
		if old.Level != zhuxiang.LevelCounty {
			r.CountyClass = ""
		} else if !zhuxiang.CanEditCountyClass(a) {
			r.CountyClass = old.CountyClass
		}
		if r.CountyClass != "" && r.CountyClass != zhuxiang.ClassLeading && r.CountyClass != zhuxiang.ClassSteady {
			p.Addf("county_class", "县市类别无效")
		}
		if err := p.Err(); err != nil {
			return err
		}
		if r.Version != 0 && r.Version != old.Version {
			return zhuxiang.Errorf(zhuxiang.EConflict, "version", "该区划已被他人修改，请刷新后重试")
		}
		ch := diff(regionKV(old), regionKV(&zhuxiang.Region{Name: r.Name, CountyClass: r.CountyClass, Tags: r.Tags}))
		if len(ch) == 0 {
			return nil
		}
		n := &zhuxiang.Region{Tags: r.Tags}
		if _, err := tx.ExecContext(ctx, `UPDATE regions SET name = $1, county_class = $2, tag_lifted = $3, tag_key = $4, tag_model = $5, search = $6,
			version = version + 1, updated_at = $7, updated_by = $8 WHERE code = $9`,
			r.Name, string(r.CountyClass), b2i(n.HasTag(zhuxiang.TagLifted)), b2i(n.HasTag(zhuxiang.TagKey)), b2i(n.HasTag(zhuxiang.TagModel)),
			regionSearch(r.Name, r.Code), ts(s.Now()), a.Name, r.Code); err != nil {
			return err
		}
		return tx.audit("update", "region", r.Code, ch)
	})
}

func regionKV(r *zhuxiang.Region) []kv {
	var tags []string
	for _, t := range r.Tags {
		tags = append(tags, t.Label())
	}
	return []kv{{"名称", r.Name}, {"县市类别", r.CountyClass.Label()}, {"标签", strings.Join(tags, "、")}}
}

// RegionRow is one row of a region import, in either of the two layouts we
// accept: the statistical list (code, name, level, parent code) or a village
// list (county, township, village, optional code, tags).
type RegionRow struct {
	Row      int
	Code     string
	Name     string
	Level    string
	Parent   string
	County   string
	Township string
	Village  string
	Tags     string
	Demo     bool             // invented by the demo data; pages say so
	region   *zhuxiang.Region // what the row resolved to, set by the check
}

// ImportRegions stores regions from an import through the import runner:
// every row is checked against the database and the rows before it (a
// village may name a township added above it). Importing the same file
// again updates and never duplicates.
func (s *Store) ImportRegions(ctx context.Context, a zhuxiang.Actor, rows []RegionRow, mode zhuxiang.ImportMode) (*zhuxiang.ImportResult, error) {
	if err := zhuxiang.CanImport(a, zhuxiang.ImportRegions); err != nil {
		return nil, err
	}
	var (
		all      map[string]*zhuxiang.Region
		ix       *regionIndex
		seenCode = map[string]int{}
		now      = ts(s.Now())
	)
	k := importKind[RegionRow]{
		entity: "region",
		row:    func(r *RegionRow) int { return r.Row },
		load: func(ctx context.Context, tx *writeTx) error {
			var err error
			if all, err = loadRegions(ctx, tx); err != nil {
				return err
			}
			ix = newRegionIndex(all)
			return nil
		},
		check: func(ctx context.Context, tx *writeTx, row *RegionRow) (checked, error) {
			r, err := ix.resolve(*row)
			if err != nil {
				return checked{}, err
			}
			// The names go to the database as they are; the text rule is
			// what keeps a NUL from a CSV file off PostgreSQL.
			if err := zhuxiang.CheckLine("name", "名称", r.Name, zhuxiang.MaxNameRunes); err != nil {
				return checked{}, err
			}
			if prev, dup := seenCode[r.Code]; dup {
				return checked{}, zhuxiang.Errorf(zhuxiang.EInvalid, "code", "区划代码%s与第%d行重复", r.Code, prev)
			} else if e := zhuxiang.CanImportRegion(a, ix.byCode[r.Code], r); e != nil {
				return checked{}, zhuxiang.Errorf(zhuxiang.EForbidden, "county", "%s", zhuxiang.ErrorMessage(e))
			}
			seenCode[r.Code] = row.Row
			ix.add(r)
			row.region = r
			old := all[r.Code]
			if old == nil {
				return checked{action: rowCreate}, nil
			}
			ch := diff(regionKV(old), regionKV(r))
			if len(ch) == 0 {
				return checked{action: rowUnchanged}, nil
			}
			return checked{action: rowUpdate, id: r.Code, changes: ch}, nil
		},
		update: func(ctx context.Context, tx *writeTx, row *RegionRow) error {
			r := row.region
			_, err := tx.ExecContext(ctx, `UPDATE regions SET name = $1, tag_lifted = $2, tag_key = $3, tag_model = $4, search = $5, version = version + 1, updated_at = $6, updated_by = $7 WHERE code = $8`,
				r.Name, b2i(r.HasTag(zhuxiang.TagLifted)), b2i(r.HasTag(zhuxiang.TagKey)), b2i(r.HasTag(zhuxiang.TagModel)),
				regionSearch(r.Name, r.Code), now, a.Name, r.Code)
			return err
		},
		create: func(ctx context.Context, tx *writeTx, fresh []*RegionRow, _ func(int) int64, saved func(int)) error {
			for i, row := range fresh {
				r := row.region
				if _, err := tx.ExecContext(ctx, `INSERT INTO regions (code, name, level, parent_code, county_code, county_class, tag_lifted, tag_key, tag_model, official, demo, search, created_at, updated_at, updated_by)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14)`,
					r.Code, r.Name, string(r.Level), r.ParentCode, r.CountyCode, string(r.CountyClass),
					b2i(r.HasTag(zhuxiang.TagLifted)), b2i(r.HasTag(zhuxiang.TagKey)), b2i(r.HasTag(zhuxiang.TagModel)), b2i(r.Official), b2i(r.Demo),
					regionSearch(r.Name, r.Code), now, a.Name); err != nil {
					return err
				}
				saved(i + 1)
			}
			return nil
		},
		created: func(row *RegionRow) ImportedRecord {
			return ImportedRecord{ID: row.region.Code, Name: row.region.Name, Code: row.region.Code, Row: row.Row}
		},
	}
	return runImport(ctx, s, a, k, rows, nil, len(rows), mode)
}

func loadRegions(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}) (map[string]*zhuxiang.Region, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+regionCols+` FROM regions`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]*zhuxiang.Region{}
	for rows.Next() {
		r, err := scanRegion(rows)
		if err != nil {
			return nil, err
		}
		out[r.Code] = r
	}
	return out, rows.Err()
}

// regionIndex resolves the names and codes people write in sheets.
type regionIndex struct {
	byCode   map[string]*zhuxiang.Region
	counties map[string]*zhuxiang.Region            // by every alias
	children map[string]map[string]*zhuxiang.Region // parent code → alias → child
}

func newRegionIndex(all map[string]*zhuxiang.Region) *regionIndex {
	ix := &regionIndex{byCode: map[string]*zhuxiang.Region{}, counties: map[string]*zhuxiang.Region{}, children: map[string]map[string]*zhuxiang.Region{}}
	for _, r := range all {
		ix.add(r)
	}
	return ix
}

func (ix *regionIndex) add(r *zhuxiang.Region) {
	ix.byCode[r.Code] = r
	m := ix.children[r.ParentCode]
	if m == nil {
		m = map[string]*zhuxiang.Region{}
		ix.children[r.ParentCode] = m
	}
	for _, al := range zhuxiang.RegionAliases(r.Name) {
		m[al] = r
		if r.Level == zhuxiang.LevelCounty {
			ix.counties[al] = r
		}
	}
}

var levelOrder = map[zhuxiang.RegionLevel]int{zhuxiang.LevelPrefecture: 1, zhuxiang.LevelCounty: 2, zhuxiang.LevelTownship: 3, zhuxiang.LevelVillage: 4}

var codeLen = map[zhuxiang.RegionLevel]int{zhuxiang.LevelPrefecture: 6, zhuxiang.LevelCounty: 6, zhuxiang.LevelTownship: 9, zhuxiang.LevelVillage: 12}

func (ix *regionIndex) resolve(row RegionRow) (*zhuxiang.Region, error) {
	if row.Level != "" || (row.Village == "" && row.Township == "" && row.County == "") {
		return ix.resolveCoded(row)
	}
	return ix.resolveVillage(row)
}

// resolveCoded reads a row of the statistical layout.
func (ix *regionIndex) resolveCoded(row RegionRow) (*zhuxiang.Region, error) {
	code, name := strings.TrimSpace(row.Code), strings.TrimSpace(row.Name)
	level, ok := zhuxiang.ParseRegionLevel(row.Level)
	if !ok {
		return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "level", "层级“%s”无效（应为 prefecture/county/township/village 或 州/县/乡镇/村）", row.Level)
	}
	if !zhuxiang.IsRegionCode(code) || len(code) != codeLen[level] {
		return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "code", "区划代码“%s”应为%d位数字", code, codeLen[level])
	}
	if name == "" {
		return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "name", "名称不能为空")
	}
	tags, err := zhuxiang.ParseVillageTags(row.Tags)
	if err != nil {
		return nil, err
	}
	if len(tags) > 0 && level != zhuxiang.LevelVillage {
		return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "tags", "只有村可以设置重点帮扶村标签")
	}
	r := &zhuxiang.Region{Code: code, Name: name, Level: level, ParentCode: strings.TrimSpace(row.Parent), Tags: tags, Official: true, Demo: row.Demo}
	if old := ix.byCode[code]; old != nil {
		if old.Level != level {
			return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "level", "区划代码%s已存在，层级为%s，与本行不一致", code, old.Level.Label())
		}
		r.ParentCode, r.CountyCode, r.CountyClass = old.ParentCode, old.CountyCode, old.CountyClass
		if row.Tags == "" {
			r.Tags = old.Tags
		}
		return r, nil
	}
	if level == zhuxiang.LevelPrefecture {
		return r, nil
	}
	parent := ix.byCode[r.ParentCode]
	if parent == nil {
		return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "parent_code", "上级区划“%s”不存在", r.ParentCode)
	}
	if levelOrder[parent.Level] != levelOrder[level]-1 {
		return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "parent_code", "上级区划“%s”是%s，不能作为%s的上级", parent.Name, parent.Level.Label(), level.Label())
	}
	if level == zhuxiang.LevelCounty {
		r.CountyCode = code
	} else {
		r.CountyCode = parent.CountyCode
	}
	if !strings.HasPrefix(code, parent.Code[:min(len(parent.Code), 6)]) {
		return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "code", "区划代码%s与上级区划%s不一致", code, parent.Code)
	}
	return r, nil
}

// resolveVillage reads a row of the village layout.
func (ix *regionIndex) resolveVillage(row RegionRow) (*zhuxiang.Region, error) {
	cname := strings.TrimSpace(row.County)
	county := ix.byCode[cname]
	if county == nil {
		county = ix.counties[cname]
	}
	if county == nil || county.Level != zhuxiang.LevelCounty {
		return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "county", "找不到县市“%s”", cname)
	}
	tname := strings.TrimSpace(row.Township)
	town := ix.byCode[tname]
	if town == nil {
		town = ix.children[county.Code][tname]
	}
	if town == nil || town.Level != zhuxiang.LevelTownship || town.ParentCode != county.Code {
		return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "township", "%s没有乡镇“%s”", county.Name, tname)
	}
	name := strings.TrimSpace(row.Village)
	if name == "" {
		return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "village", "村名不能为空")
	}
	tags, err := zhuxiang.ParseVillageTags(row.Tags)
	if err != nil {
		return nil, err
	}
	r := &zhuxiang.Region{Name: name, Level: zhuxiang.LevelVillage, ParentCode: town.Code, CountyCode: county.Code, Tags: tags, Official: true, Demo: row.Demo}
	code := strings.TrimSpace(row.Code)
	existing := ix.children[town.Code][name]
	switch {
	case code != "":
		if !zhuxiang.IsRegionCode(code) || len(code) != 12 {
			return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "code", "村的区划代码“%s”应为12位数字", code)
		}
		if !strings.HasPrefix(code, town.Code) {
			return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "code", "村的区划代码%s不属于%s（%s）", code, town.Name, town.Code)
		}
		if old := ix.byCode[code]; old != nil && (old.Name != name || old.ParentCode != town.Code) {
			return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "code", "区划代码%s已被“%s”使用", code, old.Name)
		}
		r.Code = code
	case existing != nil && existing.Level == zhuxiang.LevelVillage:
		r.Code, r.Official = existing.Code, existing.Official
	default:
		// No official code: make a local one inside the township's range
		// that cannot clash with official codes (which are all digits).
		for i := 1; ; i++ {
			c := fmt.Sprintf("%sL%02d", town.Code, i)
			if ix.byCode[c] == nil {
				r.Code, r.Official = c, false
				break
			}
		}
	}
	return r, nil
}

// county finds a county by code, full name or short name.
func (ix *regionIndex) county(name string) (*zhuxiang.Region, error) {
	name = strings.TrimSpace(name)
	c := ix.byCode[name]
	if c == nil {
		c = ix.counties[name]
	}
	if c == nil || c.Level != zhuxiang.LevelCounty {
		return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "county", "找不到县市“%s”", name)
	}
	return c, nil
}

// village finds an existing village of county by code, or by name under
// the township (by name or code) when given, else anywhere in the county
// when the name is unique there.
func (ix *regionIndex) village(county *zhuxiang.Region, township, name string) (*zhuxiang.Region, error) {
	name, township = strings.TrimSpace(name), strings.TrimSpace(township)
	if v := ix.byCode[name]; v != nil && v.Level == zhuxiang.LevelVillage {
		if v.CountyCode != county.Code {
			return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "village", "村%s不属于%s", name, county.Name)
		}
		return v, nil
	}
	if township != "" {
		town := ix.byCode[township]
		if town == nil {
			town = ix.children[county.Code][township]
		}
		if town == nil || town.Level != zhuxiang.LevelTownship || town.ParentCode != county.Code {
			return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "township", "%s没有乡镇“%s”", county.Name, township)
		}
		if v := ix.children[town.Code][name]; v != nil && v.Level == zhuxiang.LevelVillage {
			return v, nil
		}
		return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "village", "%s没有村“%s”", town.Name, name)
	}
	var found *zhuxiang.Region
	for _, town := range ix.children[county.Code] {
		if v := ix.children[town.Code][name]; v != nil && v.Level == zhuxiang.LevelVillage {
			if found != nil && found.Code != v.Code {
				return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "village", "%s有多个“%s”，请填写乡镇", county.Name, name)
			}
			found = v
		}
	}
	if found == nil {
		return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "village", "%s没有村“%s”", county.Name, name)
	}
	return found, nil
}
