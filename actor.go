package zhuxiang

import "strings"

// Role is what a user account may do (DESIGN §3).
type Role string

// Roles. Their names in Chinese are data shown on pages; the rules that go
// with them live in authz.go.
const (
	RoleAdmin      Role = "admin"      // 州级管理员: everything in the prefecture
	RoleCounty     Role = "county"     // 县市民政/乡村振兴部门: its county
	RoleDepartment Role = "department" // 业务主管单位: organizations it supervises
	RoleOrg        Role = "org"        // a social organization's staff: its own organization
	RoleVillage    Role = "village"    // 村委会/驻村工作队: its village
)

// Roles lists every role in display order.
var Roles = []Role{RoleAdmin, RoleCounty, RoleDepartment, RoleOrg, RoleVillage}

// Label is the role's Chinese name.
func (r Role) Label() string {
	switch r {
	case RoleAdmin:
		return "州级管理员"
	case RoleCounty:
		return "县市用户"
	case RoleDepartment:
		return "部门用户"
	case RoleOrg:
		return "社会组织"
	case RoleVillage:
		return "村级用户"
	}
	return string(r)
}

// ParseRole accepts a code name or the Chinese label.
func ParseRole(s string) (Role, bool) {
	s = strings.TrimSpace(s)
	for _, r := range Roles {
		if s == string(r) || s == r.Label() {
			return r, true
		}
	}
	return "", false
}

// Actor is who is acting: every store method that touches user data takes
// one and derives its scope from it, so a handler cannot forget a filter.
type Actor struct {
	UserID       string
	Name         string // display name, for the audit log
	Role         Role
	RegionCode   string // the county of a county user, the village of a village user
	CountyCode   string // the county the actor works in (same as RegionCode for county users)
	OrgID        string
	DepartmentID string
	System       bool // command-line maintenance; recorded as such in the audit log
}

// SystemActor acts for command-line maintenance (migrations, imports run by
// an operator, demo data); the audit log names it.
var SystemActor = Actor{UserID: "system", Name: SystemName, Role: RoleAdmin, System: true}
