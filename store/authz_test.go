package store_test

import (
	"testing"

	"zhuxiang"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

// TestCountyImportCannotRenameItsCounty: a county user may not rename its
// own county on the region page or through the API (zhuxiang.CanEditRegion),
// so a region import must not do it either. The county's row may appear in
// the file unchanged, as the parent of the rows below it.
func TestCountyImportCannotRenameItsCounty(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		county := mustUser(t, st, store.NewUser{Name: "hejing", Role: zhuxiang.RoleCounty, RegionCode: "652827"})
		before, err := st.Region(ctx, county, "652827")
		if err != nil {
			t.Fatal(err)
		}
		row := func(name string) store.RegionRow {
			return store.RegionRow{Row: 2, Code: "652827", Name: name, Level: "county", Parent: zhuxiang.PrefectureCode}
		}
		town := store.RegionRow{Row: 3, Code: "652827100", Name: "和静镇", Level: "township", Parent: "652827"}

		res, err := st.ImportRegions(ctx, county, []store.RegionRow{row(before.Name), town}, zhuxiang.ImportAll)
		if err != nil || len(res.Rejected) != 0 || res.Created != 1 {
			t.Fatalf("unchanged county row with a new township: %v %+v", err, res)
		}

		renamed := &zhuxiang.Region{Code: "652827", Name: "改名县", Version: before.Version}
		if err := st.UpdateRegion(ctx, county, renamed); zhuxiang.ErrorCodeOf(err) != zhuxiang.EForbidden {
			t.Fatalf("page rename of own county = %v, want forbidden", err)
		}
		res, err = st.ImportRegions(ctx, county, []store.RegionRow{row("改名县")}, zhuxiang.ImportAll)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Rejected) != 1 || res.Rejected[0].Row != 2 || res.Updated != 0 || res.Stored {
			t.Errorf("import renaming own county = %+v, want row 2 refused", res)
		}
		after, err := st.Region(ctx, county, "652827")
		if err != nil {
			t.Fatal(err)
		}
		if after.Name != before.Name {
			t.Errorf("county renamed by import to %q", after.Name)
		}
	})
}
