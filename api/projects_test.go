package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"zhuxiang"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

// newProject saves a project of org1 in village1 (和静县) as its staff
// and walks it to status as the admin.
func (f *fixture) newProject(t *testing.T, status zhuxiang.ProjectStatus) *zhuxiang.Project {
	t.Helper()
	p := &zhuxiang.Project{Name: "测试红枣加工项目", Action: zhuxiang.ActionIndustry, Villages: []string{f.village1},
		Parties:   []zhuxiang.ProjectParty{{OrgID: f.org1.ID, Role: zhuxiang.PartyLead, AmountFen: 100000}},
		Budget:    []zhuxiang.ProjectBudget{{Source: zhuxiang.FundOwn, OriginalFen: 100000}},
		StartDate: "2026-03-01"}
	if _, err := f.st.CreateProject(ctx, f.users["org"].Actor(), p); err != nil {
		t.Fatal(err)
	}
	path := map[zhuxiang.ProjectStatus][]string{
		zhuxiang.ProjectSubmitted: {"submit"},
		zhuxiang.ProjectRunning:   {"submit", "approve", "start"},
		zhuxiang.ProjectAwaiting:  {"submit", "approve", "start", "request_acceptance"},
	}[status]
	for _, s := range path {
		if err := f.st.TransitionProject(ctx, f.users["admin"].Actor(), p.ID, s, "", 0); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	got, err := f.st.Project(ctx, f.users["admin"].Actor(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// projectBody is a new project's body: org1 leads unless the caller is
// its staff, who may leave the parties out.
func projectBody(f *fixture, withParties bool) map[string]any {
	b := map[string]any{"name": "接口创建的项目", "action": "industry", "villages": []string{f.village1}, "start_date": "2026-04-01",
		"budget": []map[string]any{{"source": "专项资金", "original_fen": 300000}}, "people": []map[string]any{{"category": "村民", "target": 50}}}
	if withParties {
		b["parties"] = []map[string]any{{"org_id": f.org1.ID, "role": "lead", "amount_fen": 5000}}
	}
	return b
}

// TestProjectRoleMatrix asks every project endpoint as every role and
// checks the status, and that a list holds a project only for those in
// its scope.
func TestProjectRoleMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		roles := []string{"admin", "county_hejing", "county_ruoqiang", "department", "org", "org2", "village", "anonymous"}
		seen := f.newProject(t, zhuxiang.ProjectSubmitted)
		step := func(p *zhuxiang.Project, name string, body any) request {
			if body == nil {
				body = ""
			}
			return request{method: "POST", path: "/api/v1/projects/" + p.ID + "/" + name, body: body}
		}
		endpoints := []struct {
			name  string
			req   func(t *testing.T, role string) request
			check func(t *testing.T, role string, r response)
		}{
			{"list", func(*testing.T, string) request { return request{method: "GET", path: "/api/v1/projects?limit=200"} },
				func(t *testing.T, role string, r response) {
					if r.status != http.StatusOK {
						return
					}
					want := role != "county_ruoqiang" && role != "org2"
					if got := strings.Contains(string(r.body), seen.ID); got != want {
						t.Errorf("%s lists the 和静 project: %v, want %v", role, got, want)
					}
				}},
			{"get", func(*testing.T, string) request { return request{method: "GET", path: "/api/v1/projects/" + seen.ID} }, nil},
			{"create", func(t *testing.T, role string) request {
				return request{method: "POST", path: "/api/v1/projects", body: projectBody(f, role != "org")}
			}, func(t *testing.T, role string, r response) {
				if r.status == http.StatusCreated {
					m := r.json(t)
					if m["status"] != "draft" || m["county_code"] != hejing || m["budget_fen"] != float64(300000) || fmt.Sprint(m["actions"]) != "[submit]" {
						t.Errorf("created %s", r.body)
					}
				}
			}},
			{"put draft (the GET answer sent back)", func(t *testing.T, role string) request {
				p := f.newProject(t, zhuxiang.ProjectDraft)
				g := f.do(t, request{method: "GET", path: "/api/v1/projects/" + p.ID, token: f.tokens["admin"]})
				var body map[string]any
				if err := json.Unmarshal(g.body, &body); err != nil {
					t.Fatal(err)
				}
				body["name"] = "改过的项目名称"
				return request{method: "PUT", path: "/api/v1/projects/" + p.ID, body: body}
			}, func(t *testing.T, role string, r response) {
				if r.status == http.StatusOK && (r.json(t)["name"] != "改过的项目名称" || r.json(t)["version"] != float64(2)) {
					t.Errorf("put = %s", r.body)
				}
			}},
			{"submit", func(t *testing.T, role string) request {
				return step(f.newProject(t, zhuxiang.ProjectDraft), "submit", nil)
			}, nil},
			{"approve", func(t *testing.T, role string) request {
				return step(f.newProject(t, zhuxiang.ProjectSubmitted), "approve", map[string]any{"version": 2})
			}, func(t *testing.T, role string, r response) {
				if r.status == http.StatusOK && r.json(t)["status"] != "approved" {
					t.Errorf("approve = %s", r.body)
				}
			}},
			{"complete", func(t *testing.T, role string) request {
				return step(f.newProject(t, zhuxiang.ProjectAwaiting), "complete", nil)
			}, nil},
			{"mark key", func(t *testing.T, role string) request {
				return request{method: "PUT", path: "/api/v1/projects/" + f.newProject(t, zhuxiang.ProjectRunning).ID + "/key", body: map[string]any{"key": true}}
			}, func(t *testing.T, role string, r response) {
				if r.status == http.StatusOK && r.json(t)["key"] != true {
					t.Errorf("key = %s", r.body)
				}
			}},
			{"add spending", func(t *testing.T, role string) request {
				return request{method: "POST", path: "/api/v1/projects/" + f.newProject(t, zhuxiang.ProjectRunning).ID + "/spending",
					body: map[string]any{"date": "2026-05-02", "source": "own", "amount_fen": 8800, "note": "购买种苗"}}
			}, func(t *testing.T, role string, r response) {
				if r.status == http.StatusCreated && r.json(t)["spent_fen"] != float64(8800) {
					t.Errorf("spending = %s", r.body)
				}
			}},
		}
		want := map[string][]int{
			//                 list get create put submit approve complete key spend
			"admin":           {200, 200, 201, 200, 200, 200, 200, 200, 201},
			"county_hejing":   {200, 200, 403, 403, 403, 200, 200, 403, 403},
			"county_ruoqiang": {200, 404, 403, 404, 404, 404, 404, 403, 404},
			"department":      {200, 200, 403, 403, 403, 403, 403, 403, 403},
			"org":             {200, 200, 201, 200, 200, 403, 403, 403, 201},
			"org2":            {200, 404, 403, 404, 404, 404, 404, 403, 404},
			"village":         {200, 200, 403, 403, 403, 403, 403, 403, 403},
			"anonymous":       {401, 401, 401, 401, 401, 401, 401, 401, 401},
		}
		for _, role := range roles {
			if len(want[role]) != len(endpoints) {
				t.Fatalf("matrix row %s has %d cells for %d endpoints", role, len(want[role]), len(endpoints))
			}
			for i, ep := range endpoints {
				t.Run(role+"/"+ep.name, func(t *testing.T) {
					rq := ep.req(t, role)
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

func TestProjectAPIRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		org := f.tokens["org"]
		cases := []struct {
			name   string
			rq     func() request
			status int
			field  string
			msg    string
		}{
			{"every bad field at once", func() request {
				return request{method: "POST", path: "/api/v1/projects", token: org,
					body: map[string]any{"name": "", "action": "x", "villages": []string{}, "start_date": "昨天"}}
			}, 422, "name", "项目名称不能为空"},
			{"unknown field", func() request {
				return request{method: "POST", path: "/api/v1/projects", token: org, body: map[string]any{"nme": "x"}}
			}, 422, "nme", "未知字段“nme”"},
			{"bad status filter", func() request {
				return request{method: "GET", path: "/api/v1/projects?status=finished", token: org}
			}, 422, "status", "项目状态“finished”无效"},
			{"return without a reason", func() request {
				return request{method: "POST", path: "/api/v1/projects/" + f.newProject(t, zhuxiang.ProjectSubmitted).ID + "/return", token: f.tokens["county_hejing"], body: ""}
			}, 422, "reason", "请填写“退回修改”的理由"},
			{"complete before acceptance is asked", func() request {
				return request{method: "POST", path: "/api/v1/projects/" + f.newProject(t, zhuxiang.ProjectRunning).ID + "/complete", token: f.tokens["county_hejing"], body: ""}
			}, 409, "status", "项目当前为“实施中”，不能“验收完成”"},
			{"key without a value", func() request {
				return request{method: "PUT", path: "/api/v1/projects/" + f.newProject(t, zhuxiang.ProjectRunning).ID + "/key", token: f.tokens["admin"], body: map[string]any{}}
			}, 422, "key", "须提供key"},
			{"put without a version", func() request {
				p := f.newProject(t, zhuxiang.ProjectDraft)
				return request{method: "PUT", path: "/api/v1/projects/" + p.ID, token: org, body: projectBody(f, true)}
			}, 422, "version", "version"},
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
		// The validation lists every field.
		r := f.do(t, cases[0].rq())
		for _, fld := range []string{`"name"`, `"action"`, `"villages"`, `"start_date"`} {
			if !strings.Contains(string(r.body), fld) {
				t.Errorf("field %s not reported: %s", fld, r.body)
			}
		}
	})
}
