package web

import (
	"cmp"
	"net/http"
	"net/url"
	"time"

	"zhuxiang"
	"zhuxiang/store"
)

// userRow is one account with its scope named for people.
type userRow struct {
	User   *zhuxiang.User
	Scope  string
	Locked bool
}

// newUserForm keeps what the administrator typed when creating an account,
// except the password. The scope is one field per role; the village and the
// organization are picked by a search (web/pick.go).
type newUserForm struct {
	Name, DisplayName, Role, County, Department string
	Village, Org                                *picker
}

// newUserPickers fills in the form's two pickers, labelled with the role
// they serve: without JavaScript every scope field shows, and the label
// says which role each one is for.
func (f *newUserForm) newUserPickers() {
	if f.Village == nil {
		f.Village = pickVillages.newPicker("village", "村级用户：所属村")
		f.Village.Role = string(zhuxiang.RoleVillage)
	}
	if f.Org == nil {
		f.Org = pickOrgs.newPicker("org", "社会组织用户：所属组织")
		f.Org.Role = string(zhuxiang.RoleOrg)
	}
}

type usersData struct {
	Users       []userRow
	Counties    []*zhuxiang.Region
	Departments []*zhuxiang.Department
	Form        newUserForm
	Errors      formErrors
	Open        bool // keep the create form unfolded after an error
}

func (s *server) userList(w http.ResponseWriter, r *http.Request, q *request) error {
	if err := zhuxiang.CanManageUsers(q.actor); err != nil {
		return err
	}
	v := &view{}
	switch qs := r.URL.Query(); {
	case qs.Get("created") != "":
		v.Flash = "已创建用户“" + qs.Get("created") + "”，首次登录时须修改初始密码"
	case qs.Get("done") == "disable":
		v.Flash = "已停用账号，其全部登录会话已结束、接口令牌已吊销"
	case qs.Get("done") == "enable":
		v.Flash = "已启用账号"
	case qs.Get("done") == "reset":
		v.Flash = "已重置密码：该账号的全部登录会话已结束、接口令牌已吊销（如仍需接口令牌请重新签发），用户下次登录时须修改密码"
	}
	return s.renderUsers(w, r, q, http.StatusOK, v, newUserForm{Role: string(zhuxiang.RoleCounty)}, nil)
}

func (s *server) renderUsers(w http.ResponseWriter, r *http.Request, q *request, status int, v *view, f newUserForm, errs formErrors) error {
	ctx, a := r.Context(), q.actor
	users, err := s.st.ListUsers(ctx, a)
	if err != nil {
		return err
	}
	counties, err := q.counties(ctx, s.st)
	if err != nil {
		return err
	}
	depts, err := s.st.Departments(ctx, a)
	if err != nil {
		return err
	}
	names := map[string]string{zhuxiang.PrefectureCode: "全州"}
	for _, c := range counties {
		names[c.Code] = c.Name
	}
	for _, d := range depts {
		names[d.ID] = d.Name
	}
	f.newUserPickers()
	for _, p := range []*picker{f.Village, f.Org} {
		if e := errs[p.Name]; e != "" && p.Error == "" {
			p.Error = e
		}
	}
	now := time.Now()
	d := usersData{Counties: counties, Departments: depts, Form: f, Errors: errs, Open: len(errs) > 0 || f.Village.Error != "" || f.Org.Error != ""}
	for _, u := range users {
		row := userRow{User: u, Locked: now.Before(u.LockedUntil)}
		switch u.Role {
		case zhuxiang.RoleAdmin:
			row.Scope = "全州"
		case zhuxiang.RoleCounty:
			row.Scope = names[u.CountyCode]
		case zhuxiang.RoleVillage:
			// Village names need one lookup each; accounts are few and
			// this page is for one administrator, not for load.
			row.Scope = names[u.CountyCode] + " " + u.RegionCode
			if reg, err := s.st.Region(ctx, a, u.RegionCode); err == nil {
				row.Scope = names[u.CountyCode] + " " + reg.Name
			}
		case zhuxiang.RoleDepartment:
			row.Scope = names[u.DepartmentID]
		case zhuxiang.RoleOrg:
			if n, ok := names[u.OrgID]; ok {
				row.Scope = n
			} else if o, err := s.st.Org(ctx, a, u.OrgID); err == nil {
				names[u.OrgID], row.Scope = o.Name, o.Name
			}
		}
		d.Users = append(d.Users, row)
	}
	v.Title, v.Nav, v.Data = "用户", "users", d
	s.render(w, r, status, "users", v)
	return nil
}

func (s *server) userCreate(w http.ResponseWriter, r *http.Request, q *request) error {
	ctx, a := r.Context(), q.actor
	if err := zhuxiang.CanManageUsers(a); err != nil {
		return err
	}
	pf := r.PostForm
	f := newUserForm{Name: pf.Get("name"), DisplayName: pf.Get("display_name"), Role: pf.Get("role"), County: pf.Get("county"), Department: pf.Get("department")}
	f.newUserPickers()
	// An unknown role, like a village or organization not picked, goes on
	// to the store, which reports it with every other problem of the form.
	role, _ := zhuxiang.ParseRole(f.Role)
	nu := store.NewUser{Name: f.Name, DisplayName: f.DisplayName, Role: role, Password: pf.Get("password")}
	// Only the chosen role's scope field counts; the others, all shown
	// without JavaScript, are ignored.
	switch role {
	case zhuxiang.RoleCounty:
		nu.RegionCode = f.County
	case zhuxiang.RoleVillage:
		v, err := pickVillages.resolve(ctx, s.st, a, f.Village, pf.Get)
		if err != nil {
			return err
		}
		if v != nil {
			nu.RegionCode = v.ID
		} else if f.Village.Error == "" {
			f.Village.Error = "请选择村级用户所属的村"
		}
	case zhuxiang.RoleOrg:
		o, err := pickOrgs.resolve(ctx, s.st, a, f.Org, pf.Get)
		if err != nil {
			return err
		}
		switch {
		case o != nil:
			nu.OrgID = o.ID
		case f.Org.Text == "" && f.Org.Error == "" && pf.Get("org_code") != "":
			// The form's earlier field, a credit code, as a script may
			// still post it; the store looks it up.
			nu.OrgCode = pf.Get("org_code")
		case f.Org.Error == "":
			f.Org.Error = "请选择社会组织用户所属的组织"
		}
	case zhuxiang.RoleDepartment:
		nu.DepartmentID = f.Department
	}
	u, err := s.st.CreateUser(ctx, a, nu)
	switch zhuxiang.ErrorCodeOf(err) {
	case "":
		redirect(w, r, "/users?created="+url.QueryEscape(u.Name))
		return nil
	case zhuxiang.EInvalid:
		errs := fieldError(err, "name", "password", "role", "region", "org", "department")
		// The store names a county's or a village's scope "region"; the
		// form has a field for each, and the pickers show their own
		// errors. A picker's message (several matches, none) says more
		// than the store's "missing", so it wins.
		if e := errs["region"]; e != "" {
			delete(errs, "region")
			if role == zhuxiang.RoleVillage {
				f.Village.Error = cmp.Or(f.Village.Error, e)
			} else {
				errs["county"] = e
			}
		}
		if e := errs["org"]; e != "" && role == zhuxiang.RoleOrg {
			delete(errs, "org")
			f.Org.Error = cmp.Or(f.Org.Error, e)
		}
		return s.renderUsers(w, r, q, http.StatusUnprocessableEntity, &view{}, f, errs)
	case zhuxiang.EConflict:
		return s.renderUsers(w, r, q, http.StatusConflict, &view{}, f, fieldError(err, "name"))
	}
	return err
}

func (s *server) userDisable(w http.ResponseWriter, r *http.Request, q *request) error {
	return s.setDisabled(w, r, q, true)
}

func (s *server) userEnable(w http.ResponseWriter, r *http.Request, q *request) error {
	return s.setDisabled(w, r, q, false)
}

func (s *server) setDisabled(w http.ResponseWriter, r *http.Request, q *request, disabled bool) error {
	err := s.st.SetUserDisabled(r.Context(), q.actor, r.PathValue("id"), disabled)
	if zhuxiang.ErrorCodeOf(err) == zhuxiang.EInvalid {
		return s.renderUsers(w, r, q, http.StatusUnprocessableEntity, &view{Warn: zhuxiang.ErrorMessage(err)}, newUserForm{}, nil)
	}
	if err != nil {
		return err
	}
	done := "enable"
	if disabled {
		done = "disable"
	}
	redirect(w, r, "/users?done="+done)
	return nil
}

func (s *server) userResetPassword(w http.ResponseWriter, r *http.Request, q *request) error {
	err := s.st.ResetPassword(r.Context(), q.actor, r.PathValue("id"), r.PostForm.Get("password"))
	if zhuxiang.ErrorCodeOf(err) == zhuxiang.EInvalid {
		return s.renderUsers(w, r, q, http.StatusUnprocessableEntity, &view{Warn: "重置密码失败：" + zhuxiang.ErrorMessage(err)}, newUserForm{}, nil)
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/users?done=reset")
	return nil
}
