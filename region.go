package zhuxiang

import (
	"strings"
	"time"
)

// RegionLevel is a level of the administrative hierarchy.
type RegionLevel string

// Region levels, from the top.
const (
	LevelPrefecture RegionLevel = "prefecture"
	LevelCounty     RegionLevel = "county"
	LevelTownship   RegionLevel = "township"
	LevelVillage    RegionLevel = "village"
)

// Label is the Chinese name of the level.
func (l RegionLevel) Label() string {
	switch l {
	case LevelPrefecture:
		return "州"
	case LevelCounty:
		return "县市"
	case LevelTownship:
		return "乡镇"
	case LevelVillage:
		return "村"
	}
	return string(l)
}

// ParseRegionLevel accepts the code names and the Chinese labels.
func ParseRegionLevel(s string) (RegionLevel, bool) {
	switch strings.TrimSpace(strings.ToLower(s)) {
	case "prefecture", "州", "地州", "州市":
		return LevelPrefecture, true
	case "county", "县", "县市", "县级":
		return LevelCounty, true
	case "township", "乡镇", "乡", "镇", "街道":
		return LevelTownship, true
	case "village", "村", "社区", "行政村":
		return LevelVillage, true
	}
	return "", false
}

// CountyClass is the class the autonomous region gives a county in the plan.
type CountyClass string

// County classes named in the plan.
const (
	ClassLeading CountyClass = "leading" // 示范引领县
	ClassSteady  CountyClass = "steady"  // 稳步发展县
)

// Label is the Chinese name of the class.
func (c CountyClass) Label() string {
	switch c {
	case ClassLeading:
		return "示范引领县"
	case ClassSteady:
		return "稳步发展县"
	}
	return ""
}

// VillageTag marks a key village (重点帮扶村); one village may carry several.
type VillageTag string

// Village tags of the plan: 38 lifted, 10 key and 79 model villages.
const (
	TagLifted VillageTag = "lifted" // 脱贫村
	TagKey    VillageTag = "key"    // 乡村振兴重点村
	TagModel  VillageTag = "model"  // 乡村振兴示范村
)

// VillageTags lists every tag in display order.
var VillageTags = []VillageTag{TagLifted, TagKey, TagModel}

// Label is the Chinese name of the tag.
func (t VillageTag) Label() string {
	switch t {
	case TagLifted:
		return "脱贫村"
	case TagKey:
		return "乡村振兴重点村"
	case TagModel:
		return "乡村振兴示范村"
	}
	return string(t)
}

// ParseVillageTag accepts a code name or a Chinese label, full or short.
func ParseVillageTag(s string) (VillageTag, bool) {
	switch strings.TrimSpace(strings.ToLower(s)) {
	case "lifted", "脱贫村", "脱贫":
		return TagLifted, true
	case "key", "乡村振兴重点村", "重点村", "重点帮扶村":
		return TagKey, true
	case "model", "乡村振兴示范村", "示范村":
		return TagModel, true
	}
	return "", false
}

// ParseVillageTags splits a cell such as "脱贫村、示范村" into tags; an
// unknown tag is an error naming it.
func ParseVillageTags(s string) ([]VillageTag, error) {
	var tags []VillageTag
	for _, part := range SplitList(s) {
		t, ok := ParseVillageTag(part)
		if !ok {
			return nil, Errorf(EInvalid, "tags", "未知的村标签“%s”（可填：脱贫村、乡村振兴重点村、乡村振兴示范村）", part)
		}
		if !containsTag(tags, t) {
			tags = append(tags, t)
		}
	}
	return tags, nil
}

func containsTag(tags []VillageTag, t VillageTag) bool {
	for _, x := range tags {
		if x == t {
			return true
		}
	}
	return false
}

// SplitList splits a cell that lists several values with any of the
// separators people type in Chinese spreadsheets.
func SplitList(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool {
		switch r {
		case ',', '，', '、', ';', '；', '|', '/', ' ', '\u3000':
			return true
		}
		return false
	})
	out := f[:0]
	for _, x := range f {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// Region is one administrative area: the prefecture, a county, a township or
// a village. Code is the national statistical code (6, 9 or 12 digits); a
// village imported without one gets a local code that says so (Official false).
type Region struct {
	Code        string
	Name        string
	Level       RegionLevel
	ParentCode  string
	CountyCode  string // the county the region lies in; empty above county level
	CountyClass CountyClass
	Tags        []VillageTag
	Official    bool // the code is the official one, not generated locally
	Demo        bool // invented by the demo data, not real
	Version     int
	UpdatedAt   time.Time
	UpdatedBy   string
}

// HasTag reports whether the village carries t.
func (r *Region) HasTag(t VillageTag) bool { return containsTag(r.Tags, t) }

// IsKeyVillage reports whether the village is one of the plan's key villages
// (any tag).
func (r *Region) IsKeyVillage() bool { return len(r.Tags) > 0 }

// PrefectureCode is the code of the prefecture the demo and the seed serve.
const PrefectureCode = "652800"

// SeedCounty is a county as the plan names it.
type SeedCounty struct {
	Code  string
	Name  string
	Class CountyClass
}

// SeedCounties are the nine county-level units of the prefecture and their
// class in the plan (DESIGN §2).
var SeedCounties = []SeedCounty{
	{"652801", "库尔勒市", ClassSteady},
	{"652822", "轮台县", ClassSteady},
	{"652823", "尉犁县", ClassSteady},
	{"652824", "若羌县", ClassLeading},
	{"652825", "且末县", ClassSteady},
	{"652826", "焉耆回族自治县", ClassSteady},
	{"652827", "和静县", ClassLeading},
	{"652828", "和硕县", ClassSteady},
	{"652829", "博湖县", ClassSteady},
}

// ethnicNames are the ethnic groups that name autonomous areas, longest
// first so that 蒙古族 is stripped before 蒙古.
var ethnicNames = []string{
	"柯尔克孜族", "柯尔克孜", "维吾尔族", "维吾尔", "哈萨克族", "哈萨克", "塔吉克族", "塔吉克", "蒙古族", "蒙古",
	"锡伯族", "锡伯", "土家族", "朝鲜族", "达斡尔族", "鄂伦春族", "鄂温克族", "傈僳族", "拉祜族", "仫佬族",
	"毛南族", "仡佬族", "纳西族", "景颇族", "撒拉族", "东乡族", "保安族", "裕固族", "独龙族", "布依族",
	"回族", "藏族", "彝族", "苗族", "壮族", "满族", "瑶族", "白族", "傣族", "黎族", "佤族", "畲族",
	"水族", "土族", "羌族", "侗族", "怒族", "各族",
}

// RegionAliases returns the names people use for a region besides its
// official one: 焉耆回族自治县 is also 焉耆县 and 焉耆; 库尔勒市 is also 库尔勒.
// Matching by alias lets a sheet that says 焉耆县 find 652826.
func RegionAliases(name string) []string {
	name = strings.TrimSpace(name)
	out := []string{name}
	base := name
	for _, suf := range []string{"自治县", "自治旗", "自治州"} {
		if !strings.HasSuffix(name, suf) {
			continue
		}
		b := strings.TrimSuffix(name, suf)
		for stripped := true; stripped; {
			stripped = false
			for _, e := range ethnicNames {
				if strings.HasSuffix(b, e) && len(b) > len(e) {
					b, stripped = strings.TrimSuffix(b, e), true
					break
				}
			}
		}
		if b != strings.TrimSuffix(name, suf) {
			short := string([]rune(suf)[2:]) // 县, 旗 or 州
			return append(out, b+short, b)
		}
	}
	for _, suf := range []string{"市", "县", "区", "旗", "镇", "乡", "街道"} {
		if strings.HasSuffix(name, suf) && len([]rune(name)) > len([]rune(suf))+1 {
			base = strings.TrimSuffix(name, suf)
			break
		}
	}
	if base != name {
		out = append(out, base)
	}
	return out
}

// IsRegionCode reports whether s has the shape of a region code of some level.
func IsRegionCode(s string) bool {
	switch len(s) {
	case 6, 9, 12:
	default:
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
