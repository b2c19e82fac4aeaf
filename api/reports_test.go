package api_test

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"zhuxiang"
	"zhuxiang/attach/attachtest"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

// newReport submits a report without files on a running project as org1.
func (f *fixture) newReport(t *testing.T, p *zhuxiang.Project) string {
	t.Helper()
	id, err := f.st.CreateReport(ctx, f.users["org"].Actor(), p.ID, &zhuxiang.ProjectReport{Date: "2026-06-30", Text: "车间完工"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestReportRoleMatrix asks every report endpoint as every role.
func TestReportRoleMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		roles := []string{"admin", "county_hejing", "county_ruoqiang", "department", "org", "org2", "village", "anonymous"}
		p := f.newProject(t, zhuxiang.ProjectRunning)
		seen := f.newReport(t, p)
		photo := base64.StdEncoding.EncodeToString(attachtest.GPSJPEG(64, 48))
		step := func(name, reason string, disputed bool) request {
			rid := f.newReport(t, p)
			if disputed {
				if err := st.TransitionReport(ctx, f.users["village"].Actor(), p.ID, rid, "dispute", "人数不符", 0); err != nil {
					t.Fatal(err)
				}
			}
			return request{method: "POST", path: "/api/v1/projects/" + p.ID + "/reports/" + rid + "/transition", body: map[string]any{"name": name, "reason": reason}}
		}
		endpoints := []struct {
			name  string
			req   func(t *testing.T) request
			check func(t *testing.T, r response)
		}{
			{"list", func(*testing.T) request { return request{method: "GET", path: "/api/v1/projects/" + p.ID + "/reports"} },
				func(t *testing.T, r response) {
					if r.status == http.StatusOK && !strings.Contains(string(r.body), seen) {
						t.Errorf("list without the report: %s", r.body)
					}
				}},
			{"create", func(*testing.T) request {
				return request{method: "POST", path: "/api/v1/projects/" + p.ID + "/reports", body: map[string]any{"date": "2026-07-01", "text": "设备安装",
					"people":   []map[string]any{{"category": "村民", "reached": 40}},
					"spending": []map[string]any{{"date": "2026-06-28", "source": "own", "amount_fen": 5000}},
					"files":    []map[string]any{{"name": "现场.jpg", "data": photo}}}}
			}, func(t *testing.T, r response) {
				if r.status != http.StatusCreated {
					return
				}
				m := r.json(t)
				files, _ := m["files"].([]any)
				if m["status"] != "submitted" || len(files) != 1 || files[0].(map[string]any)["thumb_url"] == "" {
					t.Fatalf("created %s", r.body)
				}
				got := f.do(t, request{method: "GET", path: files[0].(map[string]any)["url"].(string), token: f.tokens["village"]})
				if got.status != http.StatusOK || strings.Contains(string(got.body), attachtest.Secret) || got.header.Get("Content-Type") != "image/jpeg" {
					t.Errorf("photo %d %s, or its location kept", got.status, got.header.Get("Content-Type"))
				}
			}},
			{"confirm", func(*testing.T) request { return step("confirm", "", false) }, nil},
			{"dispute", func(*testing.T) request { return step("dispute", "设备未安装", false) }, func(t *testing.T, r response) {
				if r.status == http.StatusOK && (r.json(t)["reason"] != "设备未安装" || r.json(t)["status"] != "disputed") {
					t.Errorf("dispute = %s", r.body)
				}
			}},
			{"answer", func(*testing.T) request { return step("answer", "已安装", true) }, nil},
			{"file", func(*testing.T) request {
				return request{method: "GET", path: "/api/v1/projects/" + p.ID + "/reports/" + seen + "/files/1"}
			}, nil},
		}
		want := map[string][]int{
			//                 list create confirm dispute answer file(none)
			"admin":           {200, 201, 403, 403, 200, 404},
			"county_hejing":   {200, 403, 403, 403, 403, 404},
			"county_ruoqiang": {404, 404, 404, 404, 404, 404},
			"department":      {200, 403, 403, 403, 403, 404},
			"org":             {200, 201, 403, 403, 200, 404},
			"org2":            {404, 404, 404, 404, 404, 404},
			"village":         {200, 403, 200, 200, 403, 404},
			"anonymous":       {401, 401, 401, 401, 401, 401},
		}
		for _, role := range roles {
			for i, ep := range endpoints {
				t.Run(role+"/"+ep.name, func(t *testing.T) {
					rq := ep.req(t)
					rq.token = f.tokens[role]
					r := f.do(t, rq)
					if r.status != want[role][i] {
						t.Fatalf("%s %s as %s = %s, want %d", rq.method, rq.path, role, r, want[role][i])
					}
					if ep.check != nil {
						ep.check(t, r)
					}
				})
			}
		}
	})
}

func TestReportAPIRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		p := f.newProject(t, zhuxiang.ProjectRunning)
		org := f.tokens["org"]
		b64 := base64.StdEncoding.EncodeToString
		create := func(body map[string]any) request {
			return request{method: "POST", path: "/api/v1/projects/" + p.ID + "/reports", token: org, body: body}
		}
		cases := []struct {
			name   string
			rq     request
			status int
			field  string
			msg    string
		}{
			{"a PDF named .jpg", create(map[string]any{"date": "2026-07-01", "text": "x", "files": []map[string]any{{"name": "a.jpg", "data": b64(attachtest.PDF())}}}),
				422, "files", "扩展名为 .jpg，但内容是 PDF"},
			{"not base64", create(map[string]any{"date": "2026-07-01", "text": "x", "files": []map[string]any{{"name": "a.jpg", "data": "%%%"}}}),
				422, "files", "base64"},
			{"no text", create(map[string]any{"date": "2026-07-01"}), 422, "text", "请填写进展情况"},
			{"unknown step", request{method: "POST", path: "/api/v1/projects/" + p.ID + "/reports/" + f.newReport(t, p) + "/transition", token: f.tokens["village"],
				body: map[string]any{"name": "approve"}}, 422, "action", "未知的操作"},
			{"dispute without a reason", request{method: "POST", path: "/api/v1/projects/" + p.ID + "/reports/" + f.newReport(t, p) + "/transition", token: f.tokens["village"],
				body: map[string]any{"name": "dispute"}}, 422, "reason", "请填写“提出异议”的理由"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				var before int
				st.DB().QueryRow(`SELECT COUNT(*) FROM files`).Scan(&before)
				r := f.do(t, c.rq)
				if r.status != c.status {
					t.Fatalf("= %s, want %d", r, c.status)
				}
				_, msg, field := errorOf(t, r)
				if field != c.field || !strings.Contains(msg, c.msg) {
					t.Errorf("error %s: %s, want %s: %s", field, msg, c.field, c.msg)
				}
				var after int
				st.DB().QueryRow(`SELECT COUNT(*) FROM files`).Scan(&after)
				if after != before {
					t.Error("a refused report kept a file")
				}
			})
		}
	})
}
