package store

import (
	"strconv"

	"zhuxiang"
)

// scopeCols names the columns of one query that hold a record's keys
// (zhuxiang.Keys); "" where the record has no such key.
type scopeCols struct {
	County, Village, Org, Department string
}

// scopeSQL spells a scope from authz.go as a condition on cols, with its
// argument numbered next. It decides nothing: a scope on a key the record
// lacks, or on an empty value, selects nothing, exactly as Scope.Has does.
func scopeSQL(s zhuxiang.Scope, c scopeCols, next int) (string, []any) {
	col, v := "", ""
	switch {
	case s.All:
		return "1=1", nil
	case s.County != "":
		col, v = c.County, s.County
	case s.Village != "":
		col, v = c.Village, s.Village
	case s.Org != "":
		col, v = c.Org, s.Org
	case s.Department != "":
		col, v = c.Department, s.Department
	}
	if col == "" {
		return "1=0", nil
	}
	return col + " = $" + strconv.Itoa(next), []any{v}
}

// The columns of each scoped table, as the store's queries alias them.
var (
	orgKeys     = scopeCols{County: "o.reg_county", Org: "o.id", Department: "o.department_id"}
	needKeys    = scopeCols{County: "n.county_code", Village: "n.village_code"}
	matchKeys   = scopeCols{County: "m.county_code", Village: "m.village_code", Org: "m.org_id"}
	pairingKeys = scopeCols{County: "p.county_code", Village: "p.village_code", Org: "p.org_id", Department: "o.department_id"}
	offerKeys   = scopeCols{Org: "f.org_id"}
)

// signedIn refuses anonymous actors.
func signedIn(a zhuxiang.Actor) error {
	if !zhuxiang.SignedIn(a) {
		return zhuxiang.Errorf(zhuxiang.EUnauthorized, "", "请先登录")
	}
	return nil
}
