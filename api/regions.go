package api

import (
	"net/http"

	"zhuxiang"
	"zhuxiang/store"
)

// regionJSON is a region as other systems receive it. Codes are the
// natural keys they join on; labels are included so that a consumer need
// not keep its own copy of the Chinese names.
type regionJSON struct {
	Code        string   `json:"code"`
	Name        string   `json:"name"`
	Level       string   `json:"level"`
	ParentCode  string   `json:"parent_code"`
	CountyCode  string   `json:"county_code"`
	CountyClass string   `json:"county_class"`
	Tags        []string `json:"tags"`
	TagLabels   []string `json:"tag_labels"`
	Official    bool     `json:"official"`
	Demo        bool     `json:"demo"`
	Version     int      `json:"version"`
}

func toRegionJSON(r *zhuxiang.Region) regionJSON {
	out := regionJSON{Code: r.Code, Name: r.Name, Level: string(r.Level), ParentCode: r.ParentCode, CountyCode: r.CountyCode,
		CountyClass: string(r.CountyClass), Tags: []string{}, TagLabels: []string{}, Official: r.Official, Demo: r.Demo, Version: r.Version}
	for _, t := range r.Tags {
		out.Tags = append(out.Tags, string(t))
		out.TagLabels = append(out.TagLabels, t.Label())
	}
	return out
}

// maxRegions bounds one region list. The prefecture has well under a
// thousand townships and villages, so the bound only bites on a vague query
// over a larger deployment, and the answer then says it was cut.
const maxRegions = 5000

func (s *server) listRegions(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	q := newQuery(r)
	f := store.RegionFilter{County: q.str("county"), Parent: q.str("parent"), Q: q.str("q")}
	if v := q.str("level"); v != "" {
		l, ok := zhuxiang.ParseRegionLevel(v)
		if !ok {
			q.fail("level", "层级“%s”无效（可选：prefecture、county、township、village）", v)
		}
		f.Level = l
	}
	f.Tag = q.villageTag("tag")
	limit := q.limit(maxRegions, maxRegions)
	if q.err != nil {
		return q.err
	}
	// One more than asked tells whether the list was cut without a count.
	f.Limit = limit + 1
	list, err := s.st.ListRegions(r.Context(), a, f)
	if err != nil {
		return err
	}
	truncated := len(list) > limit
	if truncated {
		list = list[:limit]
	}
	items := make([]regionJSON, 0, len(list))
	for _, reg := range list {
		items = append(items, toRegionJSON(reg))
	}
	writeJSON(w, http.StatusOK, struct {
		Items     []regionJSON `json:"items"`
		Truncated bool         `json:"truncated"`
	}{items, truncated})
	return nil
}

func (s *server) getRegion(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	reg, err := s.st.Region(r.Context(), a, r.PathValue("code"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toRegionJSON(reg))
	return nil
}

// regionPatch holds the fields a PATCH may change; absent fields keep their
// value, which is why every field is a pointer.
type regionPatch struct {
	Name        *string   `json:"name"`
	Tags        *[]string `json:"tags"`
	CountyClass *string   `json:"county_class"`
	Version     *int      `json:"version"`
}

func (s *server) patchRegion(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error {
	var p regionPatch
	if err := decode(r, &p); err != nil {
		return err
	}
	cur, err := s.st.Region(r.Context(), a, r.PathValue("code"))
	if err != nil {
		return err
	}
	// Without a version from the client, the one just read still guards
	// against a change between this read and the write.
	if p.Version != nil {
		if *p.Version < 1 {
			return zhuxiang.Errorf(zhuxiang.EInvalid, "version", "version应为正整数")
		}
		cur.Version = *p.Version
	}
	if p.Name != nil {
		cur.Name = *p.Name
	}
	if p.CountyClass != nil {
		cur.CountyClass = zhuxiang.CountyClass(*p.CountyClass)
	}
	if p.Tags != nil {
		cur.Tags = nil
		for _, v := range *p.Tags {
			t, ok := zhuxiang.ParseVillageTag(v)
			if !ok {
				return zhuxiang.Errorf(zhuxiang.EInvalid, "tags", "未知的村标签“%s”（可选：lifted、key、model）", v)
			}
			if !cur.HasTag(t) {
				cur.Tags = append(cur.Tags, t)
			}
		}
	}
	if err := s.st.UpdateRegion(r.Context(), a, cur); err != nil {
		return err
	}
	reg, err := s.st.Region(r.Context(), a, cur.Code)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toRegionJSON(reg))
	return nil
}
