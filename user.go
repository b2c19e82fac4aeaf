package zhuxiang

import (
	"time"
)

// User is an account. Passwords are never held here, only in the store.
type User struct {
	ID                 string
	Name               string // login name
	DisplayName        string
	Role               Role
	RegionCode         string // county for county users, village for village users
	CountyCode         string
	OrgID              string
	DepartmentID       string
	MustChangePassword bool
	FailedLogins       int
	LockedUntil        time.Time
	Disabled           bool
	CreatedAt          time.Time
	Version            int
}

// Actor returns the actor that acts for u.
func (u *User) Actor() Actor {
	name := u.DisplayName
	if name == "" {
		name = u.Name
	}
	return Actor{UserID: u.ID, Name: name, Role: u.Role, RegionCode: u.RegionCode, CountyCode: u.CountyCode, OrgID: u.OrgID, DepartmentID: u.DepartmentID}
}

// Login policy.
const (
	MaxFailedLogins = 5
	LockDuration    = 15 * time.Minute
	SessionIdle     = 30 * time.Minute
	MinPasswordLen  = 8
)
