package zhuxiang

import (
	"time"
	"unicode"
	"unicode/utf8"
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

// ValidatePassword applies the password rule: at least 8 characters and at
// least three of upper-case letters, lower-case letters, digits and symbols.
func ValidatePassword(pw string) error {
	if utf8.RuneCountInString(pw) < MinPasswordLen {
		return Errorf(EInvalid, "password", "密码至少需要%d个字符", MinPasswordLen)
	}
	if utf8.RuneCountInString(pw) > 128 {
		return Errorf(EInvalid, "password", "密码不能超过128个字符")
	}
	var upper, lower, digit, other bool
	for _, r := range pw {
		switch {
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		case unicode.IsDigit(r):
			digit = true
		default:
			other = true
		}
	}
	n := 0
	for _, b := range []bool{upper, lower, digit, other} {
		if b {
			n++
		}
	}
	if n < 3 {
		return Errorf(EInvalid, "password", "密码需包含大写字母、小写字母、数字、符号中的至少三类")
	}
	return nil
}
