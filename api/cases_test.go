package api_test

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/jpeg"
	"net/http"
	"strings"
	"testing"
	"time"

	"zhuxiang"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

// newCall opens a call for cases as the admin, open today.
func (f *fixture) newCall(t *testing.T) *zhuxiang.CaseCall {
	t.Helper()
	now := time.Now().In(zhuxiang.Shanghai)
	c := &zhuxiang.CaseCall{Theme: "接口测试征集", OpensOn: now.AddDate(0, 0, -1).Format(zhuxiang.DateLayout), ClosesOn: now.AddDate(0, 0, 30).Format(zhuxiang.DateLayout)}
	if _, err := f.st.CreateCall(ctx, f.users["admin"].Actor(), c); err != nil {
		t.Fatal(err)
	}
	return c
}

// newCase saves a case of org1 about its project and walks it to status.
func (f *fixture) newCase(t *testing.T, call *zhuxiang.CaseCall, status zhuxiang.CaseStatus) *zhuxiang.Case {
	t.Helper()
	p := f.newProject(t, zhuxiang.ProjectRunning)
	c := &zhuxiang.Case{CallID: call.ID, Title: "接口测试案例", Body: "第一段。\n\n第二段。", ProjectIDs: []string{p.ID}}
	org, admin := f.users["org"].Actor(), f.users["admin"].Actor()
	if _, err := f.st.CreateCase(ctx, org, c); err != nil {
		t.Fatal(err)
	}
	step := func(a zhuxiang.Actor, name string) {
		t.Helper()
		if err := f.st.TransitionCase(ctx, a, c.ID, name, "", 0); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	score := func() {
		t.Helper()
		if err := f.st.ScoreCase(ctx, admin, c.ID, &zhuxiang.CaseScore{Points: map[string]int{"impact": 30, "innovation": 15, "sustainability": 15, "demonstration": 15}}); err != nil {
			t.Fatal(err)
		}
	}
	switch status {
	case zhuxiang.CaseSubmitted:
		step(org, "submit")
	case "scored":
		step(org, "submit")
		score()
	case zhuxiang.CaseSelected:
		step(org, "submit")
		score()
		step(admin, "select")
	}
	return c
}

// TestCaseRoleMatrix asks every case endpoint as every role.
func TestCaseRoleMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		roles := []string{"admin", "county_hejing", "county_ruoqiang", "department", "org", "org2", "village", "anonymous"}
		call := f.newCall(t)
		seen := f.newCase(t, call, zhuxiang.CaseSubmitted)
		step := func(c *zhuxiang.Case, name string) request {
			return request{method: "POST", path: "/api/v1/cases/" + c.ID + "/transition", body: map[string]any{"name": name}}
		}
		good := map[string]any{"points": map[string]int{"impact": 36, "innovation": 16, "sustainability": 14, "demonstration": 18}, "comment": "好"}
		endpoints := []struct {
			name  string
			req   func(t *testing.T) request
			check func(t *testing.T, role string, r response)
		}{
			{"list", func(*testing.T) request { return request{method: "GET", path: "/api/v1/cases?limit=200"} },
				func(t *testing.T, role string, r response) {
					if r.status != http.StatusOK {
						return
					}
					want := role == "admin" || role == "county_hejing" || role == "department" || role == "org"
					if got := strings.Contains(string(r.body), seen.ID); got != want {
						t.Errorf("%s lists the submitted case: %v, want %v", role, got, want)
					}
				}},
			{"get", func(*testing.T) request { return request{method: "GET", path: "/api/v1/cases/" + seen.ID} }, nil},
			{"create", func(*testing.T) request {
				return request{method: "POST", path: "/api/v1/cases", body: map[string]any{"call_id": call.ID, "title": "接口写的案例", "body": "正文"}}
			}, func(t *testing.T, role string, r response) {
				if r.status == http.StatusCreated {
					if m := r.json(t); m["status"] != "draft" || (role == "org" && m["org_id"] != f.org1.ID) || (role == "county_hejing" && (m["org_id"] != "" || m["county_code"] != hejing)) {
						t.Errorf("created %s", r.body)
					}
				}
			}},
			{"submit", func(t *testing.T) request { return step(f.newCase(t, call, zhuxiang.CaseDraft), "submit") }, nil},
			{"score", func(t *testing.T) request {
				return request{method: "POST", path: "/api/v1/cases/" + f.newCase(t, call, zhuxiang.CaseSubmitted).ID + "/scores", body: good}
			}, func(t *testing.T, role string, r response) {
				if r.status == http.StatusOK && (r.json(t)["mean_score"] != float64(84) || r.json(t)["scores"] != float64(1)) {
					t.Errorf("scored %s", r.body)
				}
			}},
			{"select", func(t *testing.T) request { return step(f.newCase(t, call, "scored"), "select") }, nil},
			{"publish", func(t *testing.T) request { return step(f.newCase(t, call, zhuxiang.CaseSelected), "publish") },
				func(t *testing.T, role string, r response) {
					if r.status == http.StatusOK && (r.json(t)["status"] != "published" || r.json(t)["published_on"] == "") {
						t.Errorf("published %s", r.body)
					}
				}},
			{"open a call", func(*testing.T) request {
				return request{method: "POST", path: "/api/v1/cases/calls", body: map[string]any{"theme": "又一次征集", "opens_on": "2027-01-01", "closes_on": "2027-03-31"}}
			}, func(t *testing.T, role string, r response) {
				if r.status == http.StatusCreated && r.json(t)["status"] != "upcoming" {
					t.Errorf("call %s", r.body)
				}
			}},
			{"list calls", func(*testing.T) request { return request{method: "GET", path: "/api/v1/cases/calls"} }, nil},
		}
		want := map[string][]int{
			//                 list get create submit score select publish call calls
			"admin":           {200, 200, 403, 403, 200, 200, 200, 201, 200},
			"county_hejing":   {200, 200, 201, 403, 403, 403, 403, 403, 200},
			"county_ruoqiang": {200, 404, 201, 404, 403, 404, 404, 403, 200},
			"department":      {200, 200, 403, 404, 200, 403, 403, 403, 200},
			"org":             {200, 200, 201, 200, 403, 403, 403, 403, 200},
			"org2":            {200, 404, 201, 404, 403, 404, 404, 403, 200},
			"village":         {200, 404, 403, 404, 403, 404, 404, 403, 200},
			"anonymous":       {401, 401, 401, 401, 401, 401, 401, 401, 401},
		}
		for _, role := range roles {
			if len(want[role]) != len(endpoints) {
				t.Fatalf("matrix row %s has %d cells for %d endpoints", role, len(want[role]), len(endpoints))
			}
			for i, ep := range endpoints {
				t.Run(role+"/"+ep.name, func(t *testing.T) {
					rq := ep.req(t)
					rq.token = f.tokens[role]
					r := f.do(t, rq)
					if r.status != want[role][i] {
						t.Fatalf("%s %s as %s = %s, want %d", rq.method, rq.path, role, r, want[role][i])
					}
					if r.status >= 400 {
						errorOf(t, r)
					}
					if ep.check != nil {
						ep.check(t, role, r)
					}
				})
			}
		}
	})
}

func TestCaseAPIRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		call := f.newCall(t)
		org, admin := f.tokens["org"], f.tokens["admin"]
		cases := []struct {
			name   string
			rq     func() request
			status int
			field  string
			msg    string
		}{
			{"a case needs a title", func() request {
				return request{method: "POST", path: "/api/v1/cases", token: org, body: map[string]any{"call_id": call.ID, "body": "正文"}}
			}, 422, "title", "请填写案例标题"},
			{"another county's project", func() request {
				p := f.newProject(t, zhuxiang.ProjectRunning)
				return request{method: "POST", path: "/api/v1/cases", token: f.tokens["county_ruoqiang"],
					body: map[string]any{"call_id": call.ID, "title": "标题", "body": "正文", "project_ids": []string{p.ID}}}
			}, 422, "projects", "只能关联本单位参与或本县市的项目"},
			{"a score over full marks", func() request {
				c := f.newCase(t, call, zhuxiang.CaseSubmitted)
				return request{method: "POST", path: "/api/v1/cases/" + c.ID + "/scores", token: admin,
					body: map[string]any{"points": map[string]int{"impact": 41, "innovation": 10, "sustainability": 10, "demonstration": 10}}}
			}, 422, "impact", "“帮扶成效”的得分应为0至40分"},
			{"select before any score", func() request {
				c := f.newCase(t, call, zhuxiang.CaseSubmitted)
				return request{method: "POST", path: "/api/v1/cases/" + c.ID + "/transition", token: admin, body: map[string]any{"name": "select"}}
			}, 409, "scores", "案例尚无评审打分"},
			{"not selected without a reason", func() request {
				c := f.newCase(t, call, zhuxiang.CaseSubmitted)
				return request{method: "POST", path: "/api/v1/cases/" + c.ID + "/transition", token: admin, body: map[string]any{"name": "not_select"}}
			}, 422, "reason", "请填写“不予入选”的理由"},
			{"an unknown step", func() request {
				c := f.newCase(t, call, zhuxiang.CaseSubmitted)
				return request{method: "POST", path: "/api/v1/cases/" + c.ID + "/transition", token: admin, body: map[string]any{"name": "delete"}}
			}, 422, "action", "未知的操作"},
			{"bad status filter", func() request {
				return request{method: "GET", path: "/api/v1/cases?status=done", token: org}
			}, 422, "status", "案例状态“done”无效"},
			{"a photo that is not one", func() request {
				c := f.newCase(t, call, zhuxiang.CaseDraft)
				return request{method: "POST", path: "/api/v1/cases/" + c.ID + "/photos", token: org,
					body: map[string]any{"name": "合影.jpg", "data": base64.StdEncoding.EncodeToString([]byte("<html>not a photo</html>"))}}
			}, 422, "file", "附件只能是 JPEG、PNG 图片或 PDF 文件"},
			{"a photo of a submitted case", func() request {
				c := f.newCase(t, call, zhuxiang.CaseSubmitted)
				return request{method: "POST", path: "/api/v1/cases/" + c.ID + "/photos", token: org,
					body: map[string]any{"name": "合影.jpg", "data": base64.StdEncoding.EncodeToString(jpegBytes(t))}}
			}, 409, "status", "只有草稿可以修改"},
			{"a call closing before it opens", func() request {
				return request{method: "POST", path: "/api/v1/cases/calls", token: admin, body: map[string]any{"theme": "x", "opens_on": "2027-02-01", "closes_on": "2027-01-01"}}
			}, 422, "closes_on", "截止日期不能早于开始日期"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := f.do(t, c.rq())
				if r.status != c.status {
					t.Fatalf("= %s, want %d", r, c.status)
				}
				_, msg, field := errorOf(t, r)
				if field != c.field || !strings.Contains(msg, c.msg) {
					t.Errorf("field %q message %q, want %q %q", field, msg, c.field, c.msg)
				}
			})
		}
		// A photo added to a draft comes back among the case's photos.
		c := f.newCase(t, call, zhuxiang.CaseDraft)
		r := f.do(t, request{method: "POST", path: "/api/v1/cases/" + c.ID + "/photos", token: org,
			body: map[string]any{"name": "车间.jpg", "data": base64.StdEncoding.EncodeToString(jpegBytes(t))}})
		photo := "/api/v1/cases/" + c.ID + "/photos/0"
		if r.status != http.StatusCreated || !strings.Contains(string(r.body), `"thumb_url":"`+photo+`?thumb=1"`) {
			t.Errorf("photo = %s", r)
		}
		// The addresses it gives are the API's own, reached with a token.
		for _, path := range []string{photo, photo + "?thumb=1"} {
			r = f.do(t, request{method: "GET", path: path, token: org})
			if r.status != http.StatusOK || r.header.Get("Content-Type") != "image/jpeg" || r.header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("GET %s = %d %q", path, r.status, r.header.Get("Content-Type"))
			}
		}
		if r = f.do(t, request{method: "GET", path: "/api/v1/cases/" + c.ID + "/photos/5", token: org}); r.status != http.StatusNotFound {
			t.Errorf("a photo that is not there = %s", r)
		}
	})
}

// jpegBytes is a small JPEG.
func jpegBytes(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 64, 48)), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
