package web

import (
	"net/url"
	"strings"
	"testing"
)

// TestBadInputPages sends the pages what SQLite quietly accepts and
// PostgreSQL fails on (NUL bytes, invalid UTF-8, integers past int32,
// malformed cursors, ids no record can have) and input past the domain's
// limits, and checks that both engines answer the same status with a
// Chinese message.
func TestBadInputPages(t *testing.T) {
	need := url.Values{"action": {"industry"}, "title": {"帮助销售香梨"}, "description": {"香梨丰收"}, "people": {"300"},
		"urgency": {"1"}, "contact": {"王村长"}, "phone": {"13800138000"}, "op": {"draft"}}
	with := func(v url.Values, key, val string) url.Values {
		c := url.Values{}
		for k, vs := range v {
			c[k] = vs
		}
		c.Set(key, val)
		return c
	}
	org := url.Values{"name": {"输入检查协会"}, "credit_code": {creditCode(t, '1', 61)}, "legal_form": {"association"}, "reg_county": {"652827"}}
	rows := []struct {
		name   string
		user   string // "" for an anonymous visitor
		path   string
		form   url.Values // nil for a GET
		status int
		want   string
	}{
		{"needs q NUL", "cun", "/needs?q=%00", nil, 422, "控制字符"},
		{"needs q invalid UTF-8", "cun", "/needs?q=%FF%FE", nil, 422, "UTF-8"},
		{"needs village NUL", "cun", "/needs?county=%00", nil, 422, "控制字符"},
		{"orgs q NUL", "admin1", "/orgs?q=%00", nil, 422, "控制字符"},
		{"orgs q too long", "admin1", "/orgs?q=" + strings.Repeat("长", 101), nil, 422, "不能超过100个字"},
		{"offers q NUL", "admin1", "/offers?q=%00", nil, 422, "控制字符"},
		{"pairings q NUL", "admin1", "/pairings?q=%00", nil, 422, "控制字符"},
		{"audit q NUL", "admin1", "/audit?entity=%00", nil, 422, "控制字符"},
		{"public needs q NUL", "", "/public/needs?q=%00", nil, 422, "控制字符"},
		{"orgs cursor of NUL bytes", "admin1", "/orgs?cursor=nAAAAAAAAAA", nil, 200, "社会组织"}, // pages fall back to the first page
		{"needs cursor past int64", "cun", "/needs?cursor=zzzzzzzzzzzzzzzzzzzz", nil, 200, "需求"},
		{"need id NUL", "cun", "/needs/%00", nil, 404, "不存在"},
		{"need id too long", "cun", "/needs/" + strings.Repeat("a", 3000), nil, 404, "不存在"},
		{"org id NUL", "admin1", "/orgs/%00/edit", nil, 404, "不存在"},
		{"region code NUL", "admin1", "/regions/%00", nil, 404, "不存在"},
		{"public need id NUL", "", "/public/needs/%00", nil, 404, "不存在"},
		{"need title NUL", "cun", "/needs/new", with(need, "title", "香梨\x00"), 422, "标题含有不可见的控制字符"},
		{"need description NUL", "cun", "/needs/new", with(need, "description", "\x00"), 422, "说明含有不可见的控制字符"},
		{"need people past int32", "cun", "/needs/new", with(need, "people", "2147483648"), 422, "受益人数"},
		{"need unit too long", "cun", "/needs/new", with(need, "unit", strings.Repeat("吨", 11)), 422, "单位不能超过10个字"},
		{"org intro NUL", "admin1", "/orgs/new", with(org, "intro", "简介\x00"), 422, "简介含有不可见的控制字符"},
		{"login name NUL", "", "/login", url.Values{"name": {"cun\x00"}, "password": {"Whatever#1"}, "next": {"/"}}, 401, "登录名或密码不正确"},
		{"login name invalid UTF-8", "", "/login", url.Values{"name": {"\xff"}, "password": {"Whatever#1"}, "next": {"/"}}, 401, "登录名或密码不正确"},
	}
	eachEngine(t, func(t *testing.T, engine string) {
		f := newFixtureOn(t, engine)
		for _, c := range rows {
			t.Run(c.name, func(t *testing.T) {
				cl := f.client()
				if c.user != "" {
					cl = f.as(c.user)
				}
				var r *resp
				if c.form == nil {
					r = cl.get(c.path)
				} else {
					cl.get(c.path)
					// post adds this session's token to the form it is given;
					// the rows are shared by both engines' sessions.
					r = cl.post(c.path, with(c.form, "csrf", cl.csrf))
				}
				if r.Status != c.status || !strings.Contains(r.Body, c.want) {
					t.Errorf("%s %.60q = %d, want %d with %q\n%s", map[bool]string{true: "GET", false: "POST"}[c.form == nil], c.path, r.Status, c.status, c.want, excerpt(r.Body))
				}
			})
		}
		// The pairing note's limit is the domain's now; the page still
		// shows it by the field, with the input kept.
		r := f.as("hejing").pairingUpload(map[string]string{"org": f.org.CreditCode, "village": f.village, "start_date": "2026-03-01",
			"note": strings.Repeat("长", 501)}, "", nil)
		if r.Status != 422 || !strings.Contains(r.Body, "备注不能超过500个字") {
			t.Errorf("long pairing note = %d\n%s", r.Status, excerpt(r.Body))
		}
	})
}
