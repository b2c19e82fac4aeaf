package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"zhuxiang"
)

// The project form (GET/POST /projects/new, /projects/{id}/edit) is the
// lead organization's (and the admin's). This first version names one
// village (the picker of web/pick.go); a project's further villages, its
// partners and donors are kept as they are on edit and entered through
// the API until the form grows lists of its own.

// projectBudgetRow is one source's budget as typed, in yuan.
type projectBudgetRow struct {
	Source   zhuxiang.FundSource
	Original string
}

// projectPeopleRow is one category's target as typed.
type projectPeopleRow struct {
	Category string
	Target   string
}

type projectFormData struct {
	New      bool
	Action   string // where the form posts
	P        *zhuxiang.Project
	Lead     *picker // the admin names the lead; an organization leads itself
	LeadName string
	Village  *picker
	Budget   []projectBudgetRow
	People   []projectPeopleRow
	Errors   formErrors
}

// projectFields are the fields the form shows, as the domain names them.
var projectFields = []string{"name", "description", "action", "budget", "people", "start_date", "end_date", "village", "lead", "villages", "parties"}

// newProjectForm fills the form from p (empty for a new project).
func newProjectForm(p *zhuxiang.Project, isNew bool, admin bool) *projectFormData {
	d := &projectFormData{New: isNew, P: p, Village: pickVillages.newPicker("village", "项目所在的村"), Errors: formErrors{}, LeadName: p.LeadOrg()}
	d.Village.Required = true
	d.Village.Hint = "首版表单填一个村；" + d.Village.Hint
	if admin {
		d.Lead = pickOrgs.newPicker("lead", "牵头单位")
		d.Lead.Required = true
		d.Lead.ID, d.Lead.Text = p.LeadOrgID(), p.LeadOrg()
	}
	if len(p.Villages) > 0 {
		d.Village.ID = p.Villages[0]
		if len(p.VillageNames) > 0 {
			d.Village.Text = p.VillageNames[0]
		}
	}
	d.Action = "/projects/new"
	if !isNew {
		d.Action = "/projects/" + url.PathEscape(p.ID) + "/edit"
	}
	for _, src := range zhuxiang.FundSources {
		row := projectBudgetRow{Source: src}
		for _, b := range p.Budget {
			if b.Source == src {
				row.Original = yuanInput(b.OriginalFen)
			}
		}
		d.Budget = append(d.Budget, row)
	}
	for _, c := range zhuxiang.BeneficiaryCategories {
		row := projectPeopleRow{Category: c}
		for _, pp := range p.People {
			if pp.Category == c && pp.Target > 0 {
				row.Target = strconv.Itoa(pp.Target)
			}
		}
		d.People = append(d.People, row)
	}
	return d
}

func (s *server) renderProjectForm(w http.ResponseWriter, r *http.Request, status int, d *projectFormData) {
	// The domain speaks of the lists; the form shows one village and the lead.
	moveError(d.Errors, "villages", "village")
	if d.Lead != nil {
		moveError(d.Errors, "parties", "lead")
	} else {
		moveError(d.Errors, "parties", "form")
	}
	if e := d.Errors["village"]; e != "" && d.Village.Error == "" {
		d.Village.Error = e
	}
	if d.Lead != nil {
		if e := d.Errors["lead"]; e != "" && d.Lead.Error == "" {
			d.Lead.Error = e
		}
	}
	title := "新建帮扶项目"
	if !d.New {
		title = "修改项目"
	}
	s.render(w, r, status, "project_form", &view{Title: title, Nav: "projects", Data: d})
}

func (s *server) projectNew(w http.ResponseWriter, r *http.Request, q *request) error {
	if err := zhuxiang.CanCreateProjects(q.actor); err != nil {
		return err
	}
	s.renderProjectForm(w, r, http.StatusOK, newProjectForm(&zhuxiang.Project{StartDate: time.Now().In(s.loc).Format(zhuxiang.DateLayout)}, true, zhuxiang.OwnOrg(q.actor) == ""))
	return nil
}

func (s *server) projectEdit(w http.ResponseWriter, r *http.Request, q *request) error {
	p, err := s.st.Project(r.Context(), q.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := zhuxiang.CanEditProject(q.actor, p); err != nil {
		return err
	}
	d := newProjectForm(p, false, zhuxiang.OwnOrg(q.actor) == "")
	// The village is named as the picker names it (with its county and
	// township), so that the form sent back unchanged keeps it.
	if d.Village.ID != "" {
		v, err := s.st.PickVillage(r.Context(), q.actor, d.Village.ID)
		if err != nil && zhuxiang.ErrorCodeOf(err) != zhuxiang.ENotFound {
			return err
		}
		if v != nil {
			d.Village.Text = pickVillages.label(v)
		}
	}
	s.renderProjectForm(w, r, http.StatusOK, d)
	return nil
}

// readProjectForm reads the form into p (its other villages and parties
// kept) and d (what was typed); errs gets what cannot be read.
func (s *server) readProjectForm(r *http.Request, q *request, p *zhuxiang.Project, d *projectFormData) error {
	ctx, a, f := r.Context(), q.actor, r.PostForm
	errs := d.Errors
	p.Name, p.Description, p.Action = f.Get("name"), f.Get("description"), zhuxiang.Action(f.Get("action"))
	p.StartDate, p.EndDate = strings.TrimSpace(f.Get("start_date")), strings.TrimSpace(f.Get("end_date"))
	p.Version, _ = strconv.Atoi(f.Get("version"))
	oldPeople := p.People
	p.Budget, p.People = nil, nil
	for i, row := range d.Budget {
		row.Original = f.Get("budget_" + string(row.Source))
		d.Budget[i] = row
		fen, err := parseYuan("budget", row.Original)
		if err != nil {
			if errs["budget"] == "" {
				errs["budget"] = row.Source.Label() + "：" + zhuxiang.ErrorMessage(err)
			}
			continue
		}
		if fen > 0 {
			p.Budget = append(p.Budget, zhuxiang.ProjectBudget{Source: row.Source, OriginalFen: fen})
		}
	}
	for i, row := range d.People {
		row.Target = f.Get("people_" + strconv.Itoa(i))
		d.People[i] = row
		n, err := parseCount("people", row.Category+"的目标人数", row.Target)
		if err != nil {
			if errs["people"] == "" {
				errs["people"] = zhuxiang.ErrorMessage(err)
			}
			continue
		}
		if n > 0 {
			reached := 0
			for _, old := range oldPeople {
				if old.Category == row.Category {
					reached = old.Reached
				}
			}
			p.People = append(p.People, zhuxiang.ProjectPeople{Category: row.Category, Target: int(n), Reached: reached})
		}
	}
	v, err := pickVillages.resolve(ctx, s.st, a, d.Village, f.Get)
	if err != nil {
		return err
	}
	switch {
	case v != nil:
		rest := []string{}
		if len(p.Villages) > 1 {
			rest = p.Villages[1:]
		}
		p.Villages = append([]string{v.ID}, rest...)
	case d.Village.Error != "":
		errs["village"] = d.Village.Error
	default:
		errs["village"] = "请选择项目所在的村：" + pickVillages.hint
	}
	lead := zhuxiang.OwnOrg(a)
	if d.Lead != nil {
		o, err := pickOrgs.resolve(ctx, s.st, a, d.Lead, f.Get)
		if err != nil {
			return err
		}
		switch {
		case o != nil:
			lead = o.ID
		case d.Lead.Error != "":
			errs["lead"] = d.Lead.Error
		default:
			errs["lead"] = "请选择牵头单位：" + pickOrgs.hint
		}
	}
	if lead != "" {
		parties := []zhuxiang.ProjectParty{{OrgID: lead, Role: zhuxiang.PartyLead}}
		for _, pt := range p.Parties {
			switch {
			case pt.Role == zhuxiang.PartyLead:
				parties[0].AmountFen = pt.AmountFen
			case pt.OrgID != lead:
				parties = append(parties, pt)
			}
		}
		p.Parties = parties
	}
	return nil
}

// projectCreate saves a new project as a draft, or submits it at once
// (op=submit).
func (s *server) projectCreate(w http.ResponseWriter, r *http.Request, q *request) error {
	ctx, a := r.Context(), q.actor
	if err := zhuxiang.CanCreateProjects(a); err != nil {
		return err
	}
	p := &zhuxiang.Project{}
	d := newProjectForm(p, true, zhuxiang.OwnOrg(a) == "")
	if err := s.readProjectForm(r, q, p, d); err != nil {
		return err
	}
	if len(d.Errors) > 0 {
		d.Errors.add(p.Validate(), projectFields...)
		s.renderProjectForm(w, r, http.StatusUnprocessableEntity, d)
		return nil
	}
	id, err := s.st.CreateProject(ctx, a, p)
	if err == nil && submitNow(r) {
		err = s.st.TransitionProject(ctx, a, id, "submit", "", 0)
	}
	return s.projectSaved(w, r, d, id, err)
}

// projectUpdate saves a draft or returned project, and submits it when
// asked.
func (s *server) projectUpdate(w http.ResponseWriter, r *http.Request, q *request) error {
	ctx, a := r.Context(), q.actor
	p, err := s.st.Project(ctx, a, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := zhuxiang.CanEditProject(a, p); err != nil {
		return err
	}
	d := newProjectForm(p, false, zhuxiang.OwnOrg(a) == "")
	if err := s.readProjectForm(r, q, p, d); err != nil {
		return err
	}
	if len(d.Errors) > 0 {
		d.Errors.add(p.Validate(), projectFields...)
		s.renderProjectForm(w, r, http.StatusUnprocessableEntity, d)
		return nil
	}
	err = s.st.UpdateProject(ctx, a, p)
	if err == nil && submitNow(r) {
		err = s.st.TransitionProject(ctx, a, p.ID, "submit", "", 0)
	}
	return s.projectSaved(w, r, d, p.ID, err)
}

// projectSaved leads to the project after a save, or shows the form again
// with every problem beside its field.
func (s *server) projectSaved(w http.ResponseWriter, r *http.Request, d *projectFormData, id string, err error) error {
	switch code := zhuxiang.ErrorCodeOf(err); code {
	case "":
		done := "saved"
		if submitNow(r) {
			done = "submit"
		}
		redirect(w, r, "/projects/"+url.PathEscape(id)+"?done="+done)
		return nil
	case zhuxiang.EInvalid, zhuxiang.EConflict:
		d.Errors = fieldError(err, projectFields...)
		s.renderProjectForm(w, r, code.HTTPStatus(), d)
		return nil
	}
	return err
}

// moveError files the message under from beside the field to instead,
// unless that field has one already.
func moveError(e formErrors, from, to string) {
	if m := e[from]; m != "" {
		if e[to] == "" {
			e[to] = m
		}
		delete(e, from)
	}
}
