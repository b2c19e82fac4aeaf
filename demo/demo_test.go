package demo_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"zhuxiang"
	"zhuxiang/demo"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

func TestLoadPrefecture(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t, "sqlite")
	res, err := demo.Load(ctx, st, "prefecture", io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	sys := zhuxiang.SystemActor
	for tag, want := range map[zhuxiang.VillageTag]int{zhuxiang.TagLifted: 38, zhuxiang.TagKey: 10, zhuxiang.TagModel: 79, "any": 127} {
		vs, err := st.ListRegions(ctx, sys, store.RegionFilter{Tag: tag})
		if err != nil {
			t.Fatal(err)
		}
		if len(vs) != want {
			t.Errorf("villages tagged %s: %d, want %d", tag, len(vs), want)
		}
		for _, v := range vs {
			if !v.Demo {
				t.Errorf("invented village %s is not marked demo", v.Name)
				break
			}
		}
	}
	// The townships are the real ones, wherever the project was cloned.
	towns, err := st.ListRegions(ctx, sys, store.RegionFilter{Level: zhuxiang.LevelTownship})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(zhuxiang.PrefectureRegions())
	if want := strings.Count(string(data), ",township,"); len(towns) != want || res.Townships != want || want < 100 {
		t.Errorf("townships: %d listed, %d reported, want %d", len(towns), res.Townships, want)
	}
	names := map[string]string{}
	for _, tw := range towns {
		names[tw.Code] = tw.Name
		if tw.Demo {
			t.Errorf("real township %s %s marked demo", tw.Code, tw.Name)
		}
	}
	if names["652827100"] != "和静镇" {
		t.Errorf("township 652827100 is %q, want 和静镇", names["652827100"])
	}
	p, err := st.ListOrgs(ctx, sys, store.OrgFilter{})
	if err != nil || res.Orgs != 300 || p.Total != 300 {
		t.Errorf("orgs: made %d, listed %d (%v)", res.Orgs, p.Total, err)
	}
	// Every demo account signs in with the demo password and needs no change.
	if len(res.Accounts) != 7 {
		t.Fatalf("accounts: %+v", res.Accounts)
	}
	for _, a := range res.Accounts {
		u, err := st.Login(ctx, a.Name, demo.Password)
		if err != nil || u.MustChangePassword {
			t.Errorf("demo account %s: %v, must change %v", a.Name, err, u != nil && u.MustChangePassword)
		}
	}
	// Needs and offers give the plan something to do: it reaches key villages.
	open, err := st.ListNeeds(ctx, sys, store.NeedFilter{Status: zhuxiang.NeedOpen})
	if err != nil || open.Total < 100 {
		t.Errorf("open demo needs: %d (%v)", open.Total, err)
	}
	_, r, err := st.Allocate(ctx, sys)
	if err != nil || r.Matched == 0 || r.KeyReached == 0 || r.KeyReached > r.KeyVillages {
		t.Errorf("plan on demo data: %+v, %v", r, err)
	}
	if _, err := demo.Load(ctx, st, "prefecture", io.Discard); err == nil {
		t.Error("loading demo data twice must be refused")
	}
	if r, err := st.VerifyAudit(ctx); err != nil || r.BrokenAt != 0 {
		t.Errorf("audit after demo: %+v %v", r, err)
	}
}
