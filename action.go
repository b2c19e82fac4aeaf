package zhuxiang

import "time"

// Action is one of the plan's five actions (五项行动).
type Action string

// The five actions, in the plan's order.
const (
	ActionIndustry   Action = "industry"
	ActionTech       Action = "tech"
	ActionCulture    Action = "culture"
	ActionWelfare    Action = "welfare"
	ActionGovernance Action = "governance"
)

// Actions lists the five actions in the plan's order.
var Actions = []Action{ActionIndustry, ActionTech, ActionCulture, ActionWelfare, ActionGovernance}

// Label is the action's name in the plan.
func (a Action) Label() string {
	switch a {
	case ActionIndustry:
		return "产业发展帮扶行动"
	case ActionTech:
		return "科技兴农帮扶行动"
	case ActionCulture:
		return "文化润疆帮扶行动"
	case ActionWelfare:
		return "扶弱济困帮扶行动"
	case ActionGovernance:
		return "乡村治理帮扶行动"
	}
	return string(a)
}

// Short is the action's short name for tables and badges.
func (a Action) Short() string {
	switch a {
	case ActionIndustry:
		return "产业发展"
	case ActionTech:
		return "科技兴农"
	case ActionCulture:
		return "文化润疆"
	case ActionWelfare:
		return "扶弱济困"
	case ActionGovernance:
		return "乡村治理"
	}
	return string(a)
}

// ParseAction accepts a code name, the full or the short Chinese name.
func ParseAction(s string) (Action, bool) {
	for _, a := range Actions {
		if s == string(a) || s == a.Label() || s == a.Short() {
			return a, true
		}
	}
	return "", false
}

// Department is a government department or unit that leads or cooperates on
// an action, or supervises organizations (业务主管单位). Names are data: agencies
// get renamed and merged.
type Department struct {
	ID        string
	Name      string
	Note      string
	Roles     []DepartmentRole
	Version   int
	UpdatedAt time.Time
	UpdatedBy string
}

// DepartmentRole says that a department leads or cooperates on an action.
type DepartmentRole struct {
	Action Action
	Lead   bool // 牵头 when true, 配合 otherwise
}

// SeedDepartment is a department as the plan names it, with its roles.
type SeedDepartment struct {
	Name string
	Lead []Action
	Coop []Action
}

// SeedDepartments are the lead and cooperating units of the plan (section 二),
// with the plan's short names completed to the prefecture's unit names.
var SeedDepartments = []SeedDepartment{
	{Name: "自治州商务局", Lead: []Action{ActionIndustry}},
	{Name: "自治州工商联", Lead: []Action{ActionIndustry}},
	{Name: "自治州农业农村局", Coop: []Action{ActionIndustry, ActionTech, ActionGovernance}},
	{Name: "自治州工业和信息化局", Coop: []Action{ActionIndustry}},
	{Name: "自治州科协", Lead: []Action{ActionTech}},
	{Name: "自治州科技局", Coop: []Action{ActionTech}},
	{Name: "自治州卫健委", Coop: []Action{ActionTech}},
	{Name: "自治州畜牧兽医局", Coop: []Action{ActionTech}},
	{Name: "自治州林草局", Coop: []Action{ActionTech}},
	{Name: "自治州农科院", Coop: []Action{ActionTech}},
	{Name: "自治州文广旅局", Lead: []Action{ActionCulture}},
	{Name: "自治州社科联", Coop: []Action{ActionCulture}},
	{Name: "自治州文联", Coop: []Action{ActionCulture}},
	{Name: "自治州民政局", Lead: []Action{ActionWelfare}, Coop: []Action{ActionGovernance}},
	{Name: "自治州团委", Coop: []Action{ActionWelfare}},
	{Name: "自治州妇联", Coop: []Action{ActionWelfare}},
	{Name: "自治州残联", Coop: []Action{ActionWelfare}},
	{Name: "自治区乡村振兴局", Lead: []Action{ActionGovernance}},
	{Name: "自治区党委网信办", Coop: []Action{ActionGovernance}},
	{Name: "自治州司法局", Coop: []Action{ActionGovernance}},
	{Name: "自治州乡村振兴局"},
}
