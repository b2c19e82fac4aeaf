package zhuxiang

import "strings"

// CanSeePhone is the one rule for who sees a phone number whole (DESIGN §3
// and §6: personal data masked by default, shown whole only to those who
// need it). rec is the record that carries the number:
//
//   - *Org: those who may edit the organization, who keep its contact
//     details: the prefecture admin, the county it is registered in, and
//     the organization itself. Everyone else who may read it sees
//     MaskPhone's 138****5678.
//   - *Need: those who have to call the village: the need's village and
//     county (and the prefecture admin), and an organization paired on it
//     (Need.PairedOrgIDs, filled by the store on reading one need).
//     Everyone else gets Need.Public, without contact or phone at all.
//
// Any other record gets false, so a new kind of record is masked until it
// has its own line here. The store applies this rule when it hands back a
// record (PhoneFor), so pages, the API and exports show the same thing.
func CanSeePhone(a Actor, rec any) bool {
	switch r := rec.(type) {
	case *Org:
		switch {
		case a.IsAdmin():
			return true
		case a.Role == RoleCounty:
			return r.RegCounty != "" && r.RegCounty == a.CountyCode
		case a.Role == RoleOrg:
			return a.OrgID != "" && a.OrgID == r.ID
		}
	case *Need:
		if NeedInScope(a, r) {
			return true
		}
		if a.Role == RoleOrg && a.OrgID != "" {
			for _, id := range r.PairedOrgIDs {
				if id == a.OrgID {
					return true
				}
			}
		}
	}
	return false
}

// PhoneFor returns phone, the number on rec, as the actor may see it: whole
// or masked.
func PhoneFor(a Actor, rec any, phone string) string {
	if phone == "" || CanSeePhone(a, rec) {
		return phone
	}
	return MaskPhone(phone)
}

// PhoneDigits normalises a phone number for exact look-up (the store's
// blind index): digits only, full-width digits folded, and the country
// code of a Chinese mobile dropped, so that "+86 138-1234-5678" and
// "13812345678" are the same number.
func PhoneDigits(p string) string {
	var b strings.Builder
	for _, r := range foldFullWidth(p) {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	d := b.String()
	if len(d) == 13 && strings.HasPrefix(d, "86") && d[2] == '1' {
		d = d[2:]
	}
	return d
}
