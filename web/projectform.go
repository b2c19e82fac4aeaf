package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"zhuxiang"
	"zhuxiang/store"
)

// The project form (GET/POST /projects/new, /projects/{id}/edit) is the
// lead organization's (and the admin's). It holds the whole project: one
// or more villages (in one county: the store says so beside the list),
// the partners and donors with what each puts in, the budget by source as
// approved and as revised, and the people benefiting by category, target
// and reached.
//
// The lists are rows of fixed fields that work without JavaScript: the
// form shows the rows filled plus one blank row, and a "再加一行" button
// (op=more_villages, op=more_partners) sends the form back with one more
// blank row, saving nothing. Villages and partners are pickers (web/pick.go,
// _picker.html), each row its own (village, village_1, …; partner_0, …).

// projectBudgetRow is one source's budget as typed, in yuan: as approved
// and as revised (blank when never revised).
type projectBudgetRow struct {
	Source            zhuxiang.FundSource
	Original, Revised string
	Error             string
}

// projectPeopleRow is one category's people as typed.
type projectPeopleRow struct {
	Category        string
	Target, Reached string
	Error           string
}

// projectPartyRow is one partner or donor as typed: the organization
// (a picker), its role and what it puts in, in yuan.
type projectPartyRow struct {
	Org    *picker
	Role   zhuxiang.PartyRole
	Amount string
	Error  string // beside the amount
}

type projectFormData struct {
	New        bool
	Action     string // where the form posts
	P          *zhuxiang.Project
	Lead       *picker // the admin names the lead; an organization leads itself
	LeadName   string
	LeadAmount string
	Villages   []*picker // the first is required
	Partners   []projectPartyRow
	Roles      []zhuxiang.PartyRole // the roles a partner row offers
	Budget     []projectBudgetRow
	People     []projectPeopleRow
	Errors     formErrors
	// From is the pairing a new project starts from (立项), shown above
	// the form; its id and need travel in hidden fields.
	From *zhuxiang.Pairing
	// known are the organizations already on the project, by id: a row
	// that still names one keeps it even when the picker's scope (an
	// organization user reads only its own) would not find it again.
	known map[string]string
}

// projectFields are the fields the form shows, as the domain names them.
var projectFields = []string{"name", "description", "action", "budget", "people", "start_date", "end_date", "village", "lead", "lead_amount", "villages", "parties"}

// newVillagePicker is the i-th village row's picker.
func newVillagePicker(i int) *picker {
	if i == 0 {
		p := pickVillages.newPicker("village", "项目所在的村")
		p.Required = true
		return p
	}
	p := pickVillages.newPicker("village_"+strconv.Itoa(i), "项目所在的村（第"+strconv.Itoa(i+1)+"个）")
	p.Hint = "同一项目的村应在同一县市；不需要可留空"
	return p
}

// newPartnerPicker is the i-th partner row's picker; an organization's
// staff read no other organization, so they name partners by credit code.
func newPartnerPicker(i int, admin bool) *picker {
	p := pickOrgs.newPicker("partner_"+strconv.Itoa(i), "合作或捐赠单位（第"+strconv.Itoa(i+1)+"个）")
	if !admin {
		p.Placeholder = "粘贴18位统一社会信用代码"
		p.Hint = "请粘贴该组织的统一社会信用代码；不需要可留空"
	} else {
		p.Hint += "；不需要可留空"
	}
	return p
}

// newProjectForm fills the form from p (empty for a new project), with
// one blank village row and one blank partner row after the filled ones.
func newProjectForm(p *zhuxiang.Project, isNew bool, admin bool) *projectFormData {
	d := &projectFormData{New: isNew, P: p, Errors: formErrors{}, LeadName: p.LeadOrg(), Roles: []zhuxiang.PartyRole{zhuxiang.PartyPartner, zhuxiang.PartyDonor},
		known: map[string]string{}}
	if admin {
		d.Lead = pickOrgs.newPicker("lead", "牵头单位")
		d.Lead.Required = true
		d.Lead.ID, d.Lead.Text = p.LeadOrgID(), p.LeadOrg()
	}
	for i, v := range p.Villages {
		vp := newVillagePicker(i)
		vp.ID = v
		if i < len(p.VillageNames) {
			vp.Text = p.VillageNames[i]
		}
		d.Villages = append(d.Villages, vp)
	}
	if len(d.Villages) < zhuxiang.MaxProjectVillages {
		d.Villages = append(d.Villages, newVillagePicker(len(d.Villages)))
	}
	for _, pt := range p.Parties {
		d.known[pt.OrgID] = pt.Org
		if pt.Role == zhuxiang.PartyLead {
			d.LeadAmount = yuanInput(pt.AmountFen)
			continue
		}
		op := newPartnerPicker(len(d.Partners), admin)
		op.ID, op.Text = pt.OrgID, pt.Org
		d.Partners = append(d.Partners, projectPartyRow{Org: op, Role: pt.Role, Amount: yuanInput(pt.AmountFen)})
	}
	d.morePartners(admin)
	d.Action = "/projects/new"
	if !isNew {
		d.Action = "/projects/" + url.PathEscape(p.ID) + "/edit"
	}
	for _, src := range zhuxiang.FundSources {
		row := projectBudgetRow{Source: src}
		for _, b := range p.Budget {
			if b.Source == src {
				row.Original, row.Revised = yuanInput(b.OriginalFen), yuanInput(b.RevisedFen)
			}
		}
		d.Budget = append(d.Budget, row)
	}
	for _, c := range zhuxiang.BeneficiaryCategories {
		row := projectPeopleRow{Category: c}
		for _, pp := range p.People {
			if pp.Category == c {
				if pp.Target > 0 {
					row.Target = strconv.Itoa(pp.Target)
				}
				if pp.Reached > 0 {
					row.Reached = strconv.Itoa(pp.Reached)
				}
			}
		}
		d.People = append(d.People, row)
	}
	return d
}

// morePartners adds a blank partner row, within the limit of parties.
func (d *projectFormData) morePartners(admin bool) {
	if len(d.Partners) < zhuxiang.MaxProjectParties-1 {
		d.Partners = append(d.Partners, projectPartyRow{Org: newPartnerPicker(len(d.Partners), admin), Role: zhuxiang.PartyPartner})
	}
}

// moreVillages adds a blank village row, within the limit of villages.
func (d *projectFormData) moreVillages() {
	if len(d.Villages) < zhuxiang.MaxProjectVillages {
		d.Villages = append(d.Villages, newVillagePicker(len(d.Villages)))
	}
}

// rows is how many rows of a list the submitted form had (its hidden
// count), at least one and at most limit.
func rows(f url.Values, name string, limit int) int {
	n, _ := strconv.Atoi(f.Get(name))
	return max(1, min(n, limit))
}

func (s *server) renderProjectForm(w http.ResponseWriter, r *http.Request, status int, d *projectFormData) {
	if d.Lead != nil {
		if e := d.Errors["lead"]; e != "" && d.Lead.Error == "" {
			d.Lead.Error = e
		}
	}
	if e := d.Errors["village"]; e != "" && d.Villages[0].Error == "" {
		d.Villages[0].Error = e
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
	p := &zhuxiang.Project{StartDate: time.Now().In(s.loc).Format(zhuxiang.DateLayout)}
	var from *zhuxiang.Pairing
	if id := r.URL.Query().Get("pairing"); id != "" {
		var err error
		if from, err = s.st.Pairing(r.Context(), q.actor, id); err != nil {
			return err
		}
		if err := zhuxiang.CanStartProjectFrom(q.actor, from); err != nil {
			return err
		}
		p.FromPairing(from)
	}
	d := newProjectForm(p, true, zhuxiang.OwnOrg(q.actor) == "")
	d.From = from
	if err := s.nameVillages(r.Context(), q.actor, d); err != nil {
		return err
	}
	s.renderProjectForm(w, r, http.StatusOK, d)
	return nil
}

// nameVillages names the form's villages as the picker names them (with
// their county and township), so that the form sent back unchanged keeps
// them.
func (s *server) nameVillages(ctx context.Context, a zhuxiang.Actor, d *projectFormData) error {
	for _, vp := range d.Villages {
		if vp.ID == "" {
			continue
		}
		v, err := s.st.PickVillage(ctx, a, vp.ID)
		if err != nil && zhuxiang.ErrorCodeOf(err) != zhuxiang.ENotFound {
			return err
		}
		if v != nil {
			vp.Text = pickVillages.label(v)
		}
	}
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
	if err := s.nameVillages(r.Context(), q.actor, d); err != nil {
		return err
	}
	s.renderProjectForm(w, r, http.StatusOK, d)
	return nil
}

// readProjectForm reads the form into p and d (what was typed); d.Errors
// gets what cannot be read, beside its row. The rows come from the form's
// own counts, so that a row added by "再加一行" is read back.
func (s *server) readProjectForm(r *http.Request, q *request, p *zhuxiang.Project, d *projectFormData) error {
	ctx, a, f := r.Context(), q.actor, r.PostForm
	errs := d.Errors
	admin := d.Lead != nil
	p.Name, p.Description, p.Action = f.Get("name"), f.Get("description"), zhuxiang.Action(f.Get("action"))
	p.StartDate, p.EndDate = strings.TrimSpace(f.Get("start_date")), strings.TrimSpace(f.Get("end_date"))
	p.Version, _ = strconv.Atoi(f.Get("version"))
	p.Budget, p.People, p.Villages, p.Parties = nil, nil, nil, nil
	if d.New {
		// A project started from a pairing keeps it and its need; an
		// edit keeps what the project has (the store checks both).
		p.PairingID, p.NeedIDs = strings.TrimSpace(f.Get("pairing")), f["need"]
	}
	for i, row := range d.Budget {
		row.Original, row.Revised = f.Get("budget_"+string(row.Source)), f.Get("budget_"+string(row.Source)+"_revised")
		orig, err := parseYuan("budget", row.Original)
		if err != nil {
			row.Error = row.Source.Label() + "：" + zhuxiang.ErrorMessage(err)
		}
		rev, err := parseYuan("budget", row.Revised)
		if err != nil && row.Error == "" {
			row.Error = row.Source.Label() + "（调整后）：" + zhuxiang.ErrorMessage(err)
		}
		if row.Error != "" {
			errs["budget_"+string(row.Source)] = row.Error
		} else if orig > 0 || rev > 0 {
			p.Budget = append(p.Budget, zhuxiang.ProjectBudget{Source: row.Source, OriginalFen: orig, RevisedFen: rev})
		}
		d.Budget[i] = row
	}
	for i, row := range d.People {
		row.Target, row.Reached = f.Get("people_"+strconv.Itoa(i)), f.Get("people_"+strconv.Itoa(i)+"_reached")
		target, err := parseCount("people", row.Category+"的目标人数", row.Target)
		if err != nil {
			row.Error = zhuxiang.ErrorMessage(err)
		}
		reached, err := parseCount("people", row.Category+"的已受益人数", row.Reached)
		if err != nil && row.Error == "" {
			row.Error = zhuxiang.ErrorMessage(err)
		}
		if row.Error != "" {
			errs["people_"+strconv.Itoa(i)] = row.Error
		} else if target > 0 || reached > 0 {
			p.People = append(p.People, zhuxiang.ProjectPeople{Category: row.Category, Target: int(target), Reached: int(reached)})
		}
		d.People[i] = row
	}

	n := rows(f, "villages_n", zhuxiang.MaxProjectVillages)
	d.Villages = d.Villages[:0]
	for i := range n {
		vp := newVillagePicker(i)
		d.Villages = append(d.Villages, vp)
		v, err := pickVillages.resolve(ctx, s.st, a, vp, f.Get)
		if err != nil {
			return err
		}
		switch {
		case v != nil:
			p.Villages = append(p.Villages, v.ID)
		case vp.Error != "":
			errs[vp.Name] = vp.Error
		}
	}
	if len(p.Villages) == 0 && errs["village"] == "" && len(d.Villages) > 0 && d.Villages[0].Text == "" {
		errs["village"] = "请选择项目所在的村：" + pickVillages.hint
	}

	lead := zhuxiang.OwnOrg(a)
	if admin {
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
	d.LeadAmount = f.Get("lead_amount")
	leadFen, err := parseYuan("lead_amount", d.LeadAmount)
	if err != nil {
		errs["lead_amount"] = "牵头单位投入：" + zhuxiang.ErrorMessage(err)
	}
	if lead != "" {
		p.Parties = []zhuxiang.ProjectParty{{OrgID: lead, Role: zhuxiang.PartyLead, AmountFen: leadFen}}
	}
	n = rows(f, "partners_n", zhuxiang.MaxProjectParties-1)
	d.Partners = d.Partners[:0]
	for i := range n {
		row := projectPartyRow{Org: newPartnerPicker(i, admin), Role: zhuxiang.PartyRole(f.Get("partner_" + strconv.Itoa(i) + "_role")),
			Amount: f.Get("partner_" + strconv.Itoa(i) + "_amount")}
		if row.Role != zhuxiang.PartyDonor {
			row.Role = zhuxiang.PartyPartner
		}
		d.Partners = append(d.Partners, row)
		o, err := d.pickPartner(ctx, s, a, row.Org, f.Get)
		if err != nil {
			return err
		}
		fen, err := parseYuan("parties", row.Amount)
		if err != nil {
			row.Error = zhuxiang.ErrorMessage(err)
			errs[row.Org.Name+"_amount"] = row.Error
		}
		switch {
		case o != nil:
			p.Parties = append(p.Parties, zhuxiang.ProjectParty{OrgID: o.ID, Org: o.Name, Role: row.Role, AmountFen: fen})
		case row.Org.Error != "":
			errs[row.Org.Name] = row.Org.Error
		case row.Amount != "" && row.Error == "":
			row.Org.Error = "填写了投入金额，请同时指定单位"
			errs[row.Org.Name] = row.Org.Error
		}
		d.Partners[i] = row
	}
	return nil
}

// pickPartner resolves a partner row: an organization already on the
// project, still named as it was, is kept without a search (an
// organization's staff cannot search other organizations); otherwise the
// org picker decides.
func (d *projectFormData) pickPartner(ctx context.Context, s *server, a zhuxiang.Actor, p *picker, get func(string) string) (*store.Pick, error) {
	id, text := get(p.Name+"_id"), strings.TrimSpace(get(p.Name))
	if name, ok := d.known[id]; ok && id != "" && text == name && get(p.Name+"_pick") == "" {
		p.ID, p.Text = id, name
		return &store.Pick{ID: id, Name: name}, nil
	}
	return pickOrgs.resolve(ctx, s.st, a, p, get)
}

// moreRows answers the "再加一行" buttons: the form comes back as typed
// with one more blank row of the list asked for; nothing is saved.
func (s *server) moreRows(w http.ResponseWriter, r *http.Request, d *projectFormData) bool {
	switch r.PostForm.Get("op") {
	case "more_villages":
		d.moreVillages()
	case "more_partners":
		d.morePartners(d.Lead != nil)
	default:
		return false
	}
	d.Errors = formErrors{}
	s.renderProjectForm(w, r, http.StatusOK, d)
	return true
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
	if s.moreRows(w, r, d) {
		return nil
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
	if s.moreRows(w, r, d) {
		return nil
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
