package zhuxiang

import (
	"slices"
	"testing"
)

func TestRegionAliases(t *testing.T) {
	cases := []struct {
		name string
		want []string
	}{
		{"焉耆回族自治县", []string{"焉耆回族自治县", "焉耆县", "焉耆"}},
		{"巴音郭楞蒙古自治州", []string{"巴音郭楞蒙古自治州", "巴音郭楞州", "巴音郭楞"}},
		{"库尔勒市", []string{"库尔勒市", "库尔勒"}},
		{"和静县", []string{"和静县", "和静"}},
		{"七个星镇", []string{"七个星镇", "七个星"}},
		{"团结街道", []string{"团结街道", "团结"}},
		{"县", []string{"县"}},
	}
	for _, c := range cases {
		if got := RegionAliases(c.name); !slices.Equal(got, c.want) {
			t.Errorf("RegionAliases(%q) = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestParseVillageTags(t *testing.T) {
	cases := []struct {
		in      string
		want    []VillageTag
		wantErr bool
	}{
		{"", nil, false},
		{"脱贫村、乡村振兴示范村", []VillageTag{TagLifted, TagModel}, false},
		{"key,model,key", []VillageTag{TagKey, TagModel}, false},
		{"重点村；示范村", []VillageTag{TagKey, TagModel}, false},
		{"贫困村", nil, true},
	}
	for _, c := range cases {
		got, err := ParseVillageTags(c.in)
		if (err != nil) != c.wantErr || !slices.Equal(got, c.want) {
			t.Errorf("ParseVillageTags(%q) = %v, %v", c.in, got, err)
		}
	}
}
