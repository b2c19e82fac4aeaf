package store_test

import (
	"fmt"
	"strings"
	"testing"

	"zhuxiang"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

func pickIDs(ps []store.Pick) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}

// TestPickVillages: a picker finds villages by name, code, full pinyin and
// initials, and by their township, only among those the actor may pick.
func TestPickVillages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newMatchFixture(t, st)
		// A village of the same name in the other county.
		const twin = "652824100203"
		res, err := st.ImportRegions(ctx, zhuxiang.SystemActor, []store.RegionRow{{Row: 2, County: "若羌县", Township: "若羌镇", Village: "一村", Code: twin}}, zhuxiang.ImportAll)
		if err != nil || len(res.Rejected) > 0 {
			t.Fatalf("village: %v %+v", err, res)
		}
		// A township whose initials hold "hj" inside (友好街道 yhjd), in a
		// county whose code sorts first.
		const street = "652824101201"
		res, err = st.ImportRegions(ctx, zhuxiang.SystemActor, []store.RegionRow{{Row: 2, Code: "652824101", Name: "友好街道", Level: "township", Parent: "652824"},
			{Row: 3, County: "若羌县", Township: "友好街道", Village: "三村", Code: street}}, zhuxiang.ImportAll)
		if err != nil || len(res.Rejected) > 0 {
			t.Fatalf("street: %v %+v", err, res)
		}
		cases := []struct {
			name string
			a    zhuxiang.Actor
			q    string
			want []string // in order; nil with err set: refused
			err  zhuxiang.ErrorCode
		}{
			{"admin by name, in code order", f.admin, "一村", []string{twin, f.village1}, ""},
			{"county finds only its own", f.county1, "一村", []string{f.village1}, ""},
			{"other county finds only its own", f.county2, "一村", []string{twin}, ""},
			{"initials", f.county1, "yc", []string{f.village1}, ""},
			{"full pinyin, upper case, with blanks", f.admin, "Yi Cun", []string{twin, f.village1}, ""},
			{"by township initials", f.admin, "hjz", []string{f.village1}, ""},
			{"a word's start before a fragment", f.admin, "hj", []string{f.village1, street}, ""},
			{"township and village", f.admin, "若羌镇 一村", []string{twin}, ""},
			{"by code", f.admin, f.village2, []string{f.village2}, ""},
			{"another county's village by code", f.county1, f.village2, []string{}, ""},
			{"a village user its own only", f.vil1, "村", []string{f.village1}, ""},
			{"nothing typed", f.admin, "  ", []string{}, ""},
			{"punctuation only", f.admin, "%_", []string{}, ""},
			{"an organization any, for its projects", f.orgU1, "若羌镇 一村", []string{twin}, ""},
			{"department", f.dept, "一村", nil, zhuxiang.EForbidden},
			{"anonymous", zhuxiang.Actor{}, "一村", nil, zhuxiang.EUnauthorized},
		}
		for _, c := range cases {
			got, err := st.PickVillages(ctx, c.a, c.q)
			if c.err != "" {
				if zhuxiang.ErrorCodeOf(err) != c.err {
					t.Errorf("%s: %v, want %s", c.name, err, c.err)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
				continue
			}
			if fmt.Sprint(pickIDs(got)) != fmt.Sprint(c.want) {
				t.Errorf("%s: %q found %v, want %v", c.name, c.q, pickIDs(got), c.want)
			}
		}
		v, err := st.PickVillages(ctx, f.county1, "一村")
		if err != nil || v[0].Name != "一村" || v[0].County != "和静县" || v[0].Detail != "和静镇" {
			t.Errorf("pick names the county and township: %+v %v", v, err)
		}
		if _, err := st.PickVillage(ctx, f.county1, twin); zhuxiang.ErrorCodeOf(err) != zhuxiang.ENotFound {
			t.Errorf("county picks another county's village by code: %v", err)
		}
		if p, err := st.PickVillage(ctx, f.county2, twin); err != nil || p.Name != "一村" {
			t.Errorf("county picks its own village: %+v %v", p, err)
		}
		if _, err := st.PickVillage(ctx, f.admin, "652827100"); zhuxiang.ErrorCodeOf(err) != zhuxiang.ENotFound {
			t.Errorf("a township picked as a village: %v", err)
		}
	})
}

// TestPickOrgs: a picker finds organizations by name, credit code and
// pinyin among those the actor may read, an exact name first even when
// many newer names contain it.
func TestPickOrgs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newMatchFixture(t, st)
		// Newer organizations whose names contain org1's whole name: a
		// search lists them first (newest first), more than a picker shows.
		for i := range store.PickLimit + 5 {
			mustOrg(t, st, zhuxiang.SystemActor, fmt.Sprintf("%s第%d分会", f.org1.Name, i+1), "652827", 100+i)
		}
		cases := []struct {
			name  string
			a     zhuxiang.Actor
			q     string
			first string // the first choice's id; "" none
			count int
			err   zhuxiang.ErrorCode
		}{
			{"exact name first", f.county1, "和静县农业协会", f.org1.ID, store.PickLimit, ""},
			{"credit code", f.admin, f.org2.CreditCode, f.org2.ID, 1, ""},
			{"credit code in lower case", f.admin, "  " + strings.ToLower(f.org2.CreditCode), f.org2.ID, 1, ""},
			{"initials", f.county2, "hzsh", f.org2.ID, 1, ""},
			{"full pinyin", f.admin, "hongzao", f.org2.ID, 1, ""},
			{"county: another county's organization", f.county1, "红枣", "", 0, ""},
			{"county: another county's by code", f.county1, f.org2.CreditCode, "", 0, ""},
			{"organization: its own", f.orgU2, "红枣", f.org2.ID, 1, ""},
			{"organization: not another", f.orgU1, "红枣", "", 0, ""},
			{"organization: not another by pinyin", f.orgU2, "nyxh", "", 0, ""},
			{"village may not read the registry", f.vil1, "协会", "", 0, zhuxiang.EForbidden},
			{"anonymous", zhuxiang.Actor{}, "协会", "", 0, zhuxiang.EUnauthorized},
		}
		for _, c := range cases {
			got, err := st.PickOrgs(ctx, c.a, c.q)
			if c.err != "" {
				if zhuxiang.ErrorCodeOf(err) != c.err {
					t.Errorf("%s: %v, want %s", c.name, err, c.err)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
				continue
			}
			if len(got) != c.count || (c.first != "" && got[0].ID != c.first) {
				t.Errorf("%s: %q found %d %v", c.name, c.q, len(got), pickIDs(got))
			}
		}
		p, err := st.PickOrgs(ctx, f.admin, "若羌县红枣商会")
		if err != nil || len(p) != 1 || p[0].County != "若羌县" || p[0].Detail != f.org2.CreditCode {
			t.Errorf("pick names the county and credit code: %+v %v", p, err)
		}
		if _, err := st.PickOrg(ctx, f.orgU1, f.org2.ID); zhuxiang.ErrorCodeOf(err) != zhuxiang.ENotFound {
			t.Errorf("organization picks another by id: %v", err)
		}
		if _, err := st.PickOrg(ctx, f.county2, f.org2.ID); err != nil {
			t.Errorf("county picks its own organization: %v", err)
		}
	})
}
