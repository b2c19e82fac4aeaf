package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"zhuxiang"
	"zhuxiang/secure"
)

// Departments lists every department with its roles in the five actions.
// Department names are public; any signed-in user reads them.
func (s *Store) Departments(ctx context.Context, a zhuxiang.Actor) ([]*zhuxiang.Department, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	depts, _, err := s.reference(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*zhuxiang.Department, len(depts))
	for i, d := range depts {
		c := *d
		c.Roles = append([]zhuxiang.DepartmentRole(nil), d.Roles...)
		out[i] = &c
	}
	return out, nil
}

func (s *Store) loadDepartments(ctx context.Context) ([]*zhuxiang.Department, error) {
	rows, err := s.query(ctx, `SELECT id, name, note, version, updated_at, updated_by FROM departments`)
	if err != nil {
		return nil, err
	}
	var out []*zhuxiang.Department
	byID := map[string]*zhuxiang.Department{}
	for rows.Next() {
		var d zhuxiang.Department
		var updated string
		if err := rows.Scan(&d.ID, &d.Name, &d.Note, &d.Version, &updated, &d.UpdatedBy); err != nil {
			rows.Close()
			return nil, err
		}
		d.UpdatedAt = parseTS(updated)
		out = append(out, &d)
		byID[d.ID] = &d
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.query(ctx, `SELECT department_id, action, lead FROM department_actions ORDER BY action`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, action string
		var lead int
		if err := rows.Scan(&id, &action, &lead); err != nil {
			return nil, err
		}
		if d := byID[id]; d != nil {
			d.Roles = append(d.Roles, zhuxiang.DepartmentRole{Action: zhuxiang.Action(action), Lead: lead == 1})
		}
	}
	// In pinyin order, as selects and the list show them; the list is
	// cached (refcache), so it is sorted once per load.
	zhuxiang.SortByPinyin(out, func(d *zhuxiang.Department) string { return d.Name })
	return out, rows.Err()
}

// Department returns one department.
func (s *Store) Department(ctx context.Context, a zhuxiang.Actor, id string) (*zhuxiang.Department, error) {
	all, err := s.Departments(ctx, a)
	if err != nil {
		return nil, err
	}
	for _, d := range all {
		if d.ID == id {
			return d, nil
		}
	}
	return nil, notFound("部门")
}

// SaveDepartment creates (empty ID) or updates a department and its roles;
// only the prefecture admin edits departments.
func (s *Store) SaveDepartment(ctx context.Context, a zhuxiang.Actor, d *zhuxiang.Department) error {
	if err := zhuxiang.CanManageDepartments(a); err != nil {
		return err
	}
	d.Name = strings.TrimSpace(d.Name)
	var p zhuxiang.Problems
	if d.Name == "" {
		p.Addf("name", "部门名称不能为空")
	} else {
		p.Add(zhuxiang.CheckLine("name", "部门名称", d.Name, zhuxiang.MaxNameRunes))
	}
	p.Add(zhuxiang.CheckText("note", "备注", d.Note, zhuxiang.MaxFreeTextRunes))
	for _, r := range d.Roles {
		if _, ok := zhuxiang.ParseAction(string(r.Action)); !ok {
			p.Addf("roles", "行动“%s”无效", r.Action)
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	return s.write(ctx, a, func(tx *writeTx) error {
		var other string
		err := tx.QueryRowContext(ctx, `SELECT id FROM departments WHERE name = $1 AND id <> $2`, d.Name, d.ID).Scan(&other)
		if err == nil {
			return zhuxiang.Errorf(zhuxiang.EConflict, "name", "部门“%s”已存在", d.Name)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		now := ts(s.Now())
		op := "update"
		var before []kv
		if d.ID == "" {
			op = "create"
			d.ID, d.Version = secure.NewID(), 1
			if _, err := tx.ExecContext(ctx, `INSERT INTO departments (id, name, note, created_at, updated_at, updated_by) VALUES ($1, $2, $3, $4, $4, $5)`, d.ID, d.Name, d.Note, now, a.Name); err != nil {
				return err
			}
		} else {
			var name, note string
			var version int
			if err := tx.QueryRowContext(ctx, `SELECT name, note, version FROM departments WHERE id = $1`+s.forUpdate(), d.ID).Scan(&name, &note, &version); err != nil {
				return notFound("部门")
			}
			if d.Version != version {
				return zhuxiang.Errorf(zhuxiang.EConflict, "version", "该部门已被他人修改，请刷新后重试")
			}
			var roles []zhuxiang.DepartmentRole
			rows, err := tx.QueryContext(ctx, `SELECT action, lead FROM department_actions WHERE department_id = $1 ORDER BY action`, d.ID)
			if err != nil {
				return err
			}
			for rows.Next() {
				var act string
				var lead int
				rows.Scan(&act, &lead)
				roles = append(roles, zhuxiang.DepartmentRole{Action: zhuxiang.Action(act), Lead: lead == 1})
			}
			rows.Close()
			before = deptKV(&zhuxiang.Department{Name: name, Note: note, Roles: roles})
			if _, err := tx.ExecContext(ctx, `UPDATE departments SET name = $1, note = $2, version = version + 1, updated_at = $3, updated_by = $4 WHERE id = $5`, d.Name, d.Note, now, a.Name, d.ID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM department_actions WHERE department_id = $1`, d.ID); err != nil {
				return err
			}
			d.Version++
		}
		for _, r := range d.Roles {
			if _, err := tx.ExecContext(ctx, `INSERT INTO department_actions (department_id, action, lead) VALUES ($1, $2, $3)`, d.ID, string(r.Action), b2i(r.Lead)); err != nil {
				return err
			}
		}
		// Lists show department names beside organizations: the entity
		// bumps orgs_gen (entityGens).
		return tx.audit(op, "department", d.ID, diff(before, deptKV(d)))
	})
}

func deptKV(d *zhuxiang.Department) []kv {
	var lead, coop []string
	for _, r := range d.Roles {
		if r.Lead {
			lead = append(lead, r.Action.Short())
		} else {
			coop = append(coop, r.Action.Short())
		}
	}
	return []kv{{"名称", d.Name}, {"说明", d.Note}, {"牵头", strings.Join(lead, "、")}, {"配合", strings.Join(coop, "、")}}
}

// DepartmentByName finds a department by exact name, for imports.
func (s *Store) departmentIDs(ctx context.Context, q querier) (map[string]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, name FROM departments`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		out[name] = id
	}
	return out, rows.Err()
}
