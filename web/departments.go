package web

import (
	"net/http"
	"strconv"

	"zhuxiang"
)

type departmentsData struct {
	Departments []*zhuxiang.Department
	CanEdit     bool
}

// departmentList is readable by every signed-in user: who leads and who
// cooperates on each action is public, and people need it to know whom to
// ask.
func (s *server) departmentList(w http.ResponseWriter, r *http.Request, q *request) error {
	depts, err := s.st.Departments(r.Context(), q.actor)
	if err != nil {
		return err
	}
	v := &view{Title: "部门", Nav: "departments", Data: departmentsData{Departments: depts, CanEdit: zhuxiang.CanManageDepartments(q.actor) == nil}}
	if r.URL.Query().Get("saved") != "" {
		v.Flash = "已保存"
	}
	s.render(w, r, http.StatusOK, "departments", v)
	return nil
}

// deptRoleRow is one action's select on the department form.
type deptRoleRow struct {
	Action zhuxiang.Action
	Role   string // "", "lead", "coop"
}

type departmentFormData struct {
	Dept   *zhuxiang.Department
	Roles  []deptRoleRow
	Errors formErrors
	Action string
}

func (s *server) departmentNew(w http.ResponseWriter, r *http.Request, q *request) error {
	if err := zhuxiang.CanManageDepartments(q.actor); err != nil {
		return err
	}
	s.renderDepartmentForm(w, r, http.StatusOK, &zhuxiang.Department{}, nil)
	return nil
}

func (s *server) departmentEdit(w http.ResponseWriter, r *http.Request, q *request) error {
	if err := zhuxiang.CanManageDepartments(q.actor); err != nil {
		return err
	}
	d, err := s.st.Department(r.Context(), q.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	s.renderDepartmentForm(w, r, http.StatusOK, d, nil)
	return nil
}

func (s *server) renderDepartmentForm(w http.ResponseWriter, r *http.Request, status int, d *zhuxiang.Department, errs formErrors) {
	data := departmentFormData{Dept: d, Errors: errs, Action: "/departments/new"}
	if d.ID != "" {
		data.Action = "/departments/" + d.ID + "/edit"
	}
	for _, a := range zhuxiang.Actions {
		data.Roles = append(data.Roles, deptRoleRow{Action: a, Role: deptRole(d, a)})
	}
	title := "新增部门"
	if d.ID != "" {
		title = "修改部门：" + d.Name
	}
	s.render(w, r, status, "department_form", &view{Title: title, Nav: "departments", Data: data})
}

// departmentSave serves both the new and the edit form; the path tells
// which.
func (s *server) departmentSave(w http.ResponseWriter, r *http.Request, q *request) error {
	if err := zhuxiang.CanManageDepartments(q.actor); err != nil {
		return err
	}
	pf := r.PostForm
	d := &zhuxiang.Department{ID: r.PathValue("id"), Name: pf.Get("name"), Note: pf.Get("note")}
	if d.ID != "" {
		if _, err := s.st.Department(r.Context(), q.actor, d.ID); err != nil {
			return err
		}
	}
	d.Version, _ = strconv.Atoi(pf.Get("version"))
	for _, a := range zhuxiang.Actions {
		switch pf.Get("role_" + string(a)) {
		case "lead":
			d.Roles = append(d.Roles, zhuxiang.DepartmentRole{Action: a, Lead: true})
		case "coop":
			d.Roles = append(d.Roles, zhuxiang.DepartmentRole{Action: a})
		}
	}
	err := s.st.SaveDepartment(r.Context(), q.actor, d)
	switch zhuxiang.ErrorCodeOf(err) {
	case "":
		redirect(w, r, "/departments?saved=1")
		return nil
	case zhuxiang.EInvalid:
		s.renderDepartmentForm(w, r, http.StatusUnprocessableEntity, d, fieldError(err, "name", "note", "roles"))
		return nil
	case zhuxiang.EConflict:
		s.renderDepartmentForm(w, r, http.StatusConflict, d, fieldError(err, "name"))
		return nil
	}
	return err
}
