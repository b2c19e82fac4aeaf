package zhuxiang

import "strings"

// Label returns the Chinese name of the legal form, the one people read on
// registration certificates. An unknown value is returned as is so that a bad
// value shows up on screen instead of silently looking like 其他.
func (f LegalForm) Label() string {
	switch f {
	case LegalAssociation:
		return "社会团体"
	case LegalService:
		return "社会服务机构"
	case LegalFoundation:
		return "基金会"
	case LegalOther:
		return "其他"
	}
	return string(f)
}

// ParseLegalForm reads a legal form from a form field or a spreadsheet cell,
// which may hold the code name or the Chinese label. 民办非企业单位 is the name
// 社会服务机构 had before 2016 and is still printed on many certificates, so it
// is accepted too.
func ParseLegalForm(s string) (LegalForm, bool) {
	s = strings.TrimSpace(foldFullWidth(s))
	switch strings.ToLower(s) {
	case string(LegalAssociation), "社会团体":
		return LegalAssociation, true
	case string(LegalService), "社会服务机构", "民办非企业单位":
		return LegalService, true
	case string(LegalFoundation), "基金会":
		return LegalFoundation, true
	case string(LegalOther), "其他", "其它":
		return LegalOther, true
	}
	return "", false
}
