package web

import (
	"net/http"
	"sort"

	"zhuxiang"
	"zhuxiang/api"
)

// checkInput refuses, before a handler runs, what a page could otherwise
// pass to the database: a path id no record can have (404, as the API
// answers) and a query parameter that breaks the domain's text rule (a
// NUL byte, invalid UTF-8, a control character, an overlong value).
// PostgreSQL fails on the first two where SQLite finds nothing, so without
// this the same link would be a 500 on one engine and a page on the other.
// Filters that are merely unknown stay the pages' business: they drop
// them and show the list.
func checkInput(r *http.Request) error {
	if err := api.CheckPath(r); err != nil {
		return err
	}
	qs := r.URL.Query()
	names := make([]string, 0, len(qs))
	for name := range qs {
		names = append(names, name)
	}
	sort.Strings(names) // the same request names the same parameter first
	for _, name := range names {
		if err := zhuxiang.CheckParam("q", name); err != nil {
			return zhuxiang.Errorf(zhuxiang.EInvalid, "", "查询参数名无效")
		}
		for _, v := range qs[name] {
			if err := zhuxiang.CheckParam(name, v); err != nil {
				return err
			}
		}
	}
	return nil
}
