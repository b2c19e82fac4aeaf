package web

import (
	"bytes"
	"html/template"
	"io"
	"log/slog"
	"reflect"
	"testing"

	"zhuxiang"
)

// TestChromeKeyCoversLayout changes each field the layout may read, one at
// a time, and checks that the cached layout around pre-rendered content is
// byte for byte what executing the layout gives. A field missing from
// chromeKey would be served from the entry of the previous step.
func TestChromeKeyCoversLayout(t *testing.T) {
	s := &server{log: slog.New(slog.NewTextHandler(io.Discard, nil)), loc: shanghai()}
	var err error
	if s.assets, err = loadAssets(); err != nil {
		t.Fatal(err)
	}
	if s.pages, err = s.parseTemplates(); err != nil {
		t.Fatal(err)
	}
	base := func() *view {
		u := &zhuxiang.User{ID: "u1", Name: "hejing", DisplayName: "和静县民政局", Role: zhuxiang.RoleCounty, CountyCode: "652827"}
		return &view{Title: "社会组织", Nav: "orgs", User: u, Actor: u.Actor(), Scope: "和静县", Year: 2026, CSRF: "tok1"}
	}
	steps := []struct {
		field  string
		change func(v *view)
	}{
		{"Title", func(v *view) { v.Title = "需求大厅" }},
		{"Nav", func(v *view) { v.Nav = "needs" }},
		{"Scope", func(v *view) { v.Scope = "轮台县" }},
		{"Year", func(v *view) { v.Year = 2027 }},
		{"CSRF", func(v *view) { v.CSRF = "tok2" }},
		{"Flash", func(v *view) { v.Flash = "已保存" }},
		{"Warn", func(v *view) { v.Warn = "请注意" }},
		{"Unread", func(v *view) { v.Unread, v.UnreadLabel = 3, "3" }},
		{"UnreadLabel", func(v *view) { v.Unread, v.UnreadLabel = 100, "99+" }},
		{"Public", func(v *view) { v.User, v.Actor, v.Public = nil, zhuxiang.Actor{}, true }},
		{"User", func(v *view) { v.User, v.Actor = nil, zhuxiang.Actor{} }},
		{"User.DisplayName", func(v *view) { v.User.DisplayName = "轮台县民政局" }},
		{"User.Role", func(v *view) {
			v.User.Role, v.User.CountyCode = zhuxiang.RoleAdmin, ""
			v.Actor = v.User.Actor()
		}},
		{"User.MustChangePassword", func(v *view) { v.User.MustChangePassword = true }},
		{"Actor", func(v *view) { v.Actor.Role = zhuxiang.RoleAdmin }},
	}
	// Every field of view but the content itself must have a step, so that
	// a field added to the layout later is tested too.
	covered := map[string]bool{"Data": true, "NavHTML": true}
	for _, st := range steps {
		covered[st.field] = true
	}
	for _, f := range reflect.VisibleFields(reflect.TypeOf(view{})) {
		if !covered[f.Name] {
			t.Errorf("view.%s has no step in this test: add one (and to chromeKey if the layout reads it)", f.Name)
		}
	}
	content := template.HTML(`<p class="x">内容 &amp; 表格</p>`)
	check := func(name string, v *view) {
		t.Helper()
		if v.User != nil {
			v.NavHTML = s.navHTML(v)
		}
		var out bytes.Buffer
		err := s.wrap(&out, v, content)
		got := out.String()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		direct := *v
		direct.Data = content
		var want bytes.Buffer
		if err := s.pages["cached"].ExecuteTemplate(&want, "layout", &direct); err != nil {
			t.Fatal(err)
		}
		if got != want.String() {
			t.Errorf("after changing %s the cached layout differs from the rendered one", name)
		}
	}
	check("nothing", base())
	check("nothing, again", base())
	for _, st := range steps {
		v := base()
		st.change(v)
		check(st.field, v)
		check("back to the base", base())
	}
}
