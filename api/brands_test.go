package api_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"zhuxiang"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

// logoBase64 is a small PNG, base64 encoded as a body carries it.
func logoBase64(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 40))
	for i := range img.Pix {
		img.Pix[i] = 0x80
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b.Bytes())
}

// newBrand saves a county brand of 和静县 from a running project, as the
// admin.
func (f *fixture) newBrand(t *testing.T) *zhuxiang.Brand {
	t.Helper()
	p := f.newProject(t, zhuxiang.ProjectRunning)
	b := &zhuxiang.Brand{Name: "和静民族刺绣", Level: zhuxiang.BrandCounty, CountyCode: hejing, Year: 2025, ProjectIDs: []string{p.ID}}
	if _, err := f.st.CreateBrand(ctx, f.users["admin"].Actor(), b, nil); err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBrandRoleMatrix asks every brand endpoint as every role: everyone
// signed in reads, the prefecture admin alone writes.
func TestBrandRoleMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		roles := []string{"admin", "county_hejing", "county_ruoqiang", "department", "org", "org2", "village", "anonymous"}
		seen := f.newBrand(t)
		running := f.newProject(t, zhuxiang.ProjectRunning)
		endpoints := []struct {
			name  string
			req   func(t *testing.T) request
			check func(t *testing.T, role string, r response)
		}{
			{"list", func(*testing.T) request { return request{method: "GET", path: "/api/v1/brands"} },
				func(t *testing.T, role string, r response) {
					if r.status == http.StatusOK && !strings.Contains(string(r.body), seen.ID) {
						t.Errorf("%s does not list the brand", role)
					}
				}},
			{"get", func(*testing.T) request { return request{method: "GET", path: "/api/v1/brands/" + seen.ID} },
				func(t *testing.T, role string, r response) {
					if r.status != http.StatusOK {
						return
					}
					m := r.json(t)
					fig := m["figures"].(map[string]any)
					if m["status"] != "draft" || fig["projects"] != float64(1) || fig["budget_fen"] != float64(100000) || m["logo"] != nil {
						t.Errorf("get = %s", r.body)
					}
					if acts := strings.Join(strings.Fields(strings.Trim(fmtJSON(m["actions"]), "[]")), ","); (role == "admin") != (acts == `"publish"`) {
						t.Errorf("%s actions %s", role, acts)
					}
				}},
			{"create", func(t *testing.T) request {
				return request{method: "POST", path: "/api/v1/brands", body: map[string]any{"name": "若羌红枣", "level": "州级", "year": 2026,
					"description": "红枣", "project_ids": []string{running.ID}, "logo": map[string]any{"name": "红枣.png", "data": logoBase64(t)}}}
			}, func(t *testing.T, role string, r response) {
				if r.status != http.StatusCreated {
					return
				}
				m := r.json(t)
				logo, _ := m["logo"].(map[string]any)
				if m["level"] != "prefecture" || m["status"] != "draft" || logo == nil || logo["type"] != "image/png" || !strings.HasSuffix(r.header.Get("Location"), "/brands/"+m["id"].(string)) {
					t.Fatalf("created %s", r.body)
				}
				img := f.do(t, request{method: "GET", path: logo["thumb_url"].(string), token: f.tokens["village"]})
				if img.status != http.StatusOK || img.header.Get("Content-Type") != "image/jpeg" {
					t.Errorf("thumbnail as a village user: %s", img)
				}
			}},
			{"put (the GET answer sent back)", func(t *testing.T) request {
				b := f.newBrand(t)
				g := f.do(t, request{method: "GET", path: "/api/v1/brands/" + b.ID, token: f.tokens["admin"]})
				var body map[string]any
				if err := json.Unmarshal(g.body, &body); err != nil {
					t.Fatal(err)
				}
				body["name"] = "和静刺绣"
				return request{method: "PUT", path: "/api/v1/brands/" + b.ID, body: body}
			}, func(t *testing.T, role string, r response) {
				if r.status == http.StatusOK && (r.json(t)["name"] != "和静刺绣" || r.json(t)["version"] != float64(2)) {
					t.Errorf("put = %s", r.body)
				}
			}},
			{"publish", func(t *testing.T) request {
				return request{method: "POST", path: "/api/v1/brands/" + f.newBrand(t).ID + "/publish", body: ""}
			}, func(t *testing.T, role string, r response) {
				if r.status == http.StatusOK && r.json(t)["status"] != "published" {
					t.Errorf("publish = %s", r.body)
				}
			}},
		}
		want := map[string][]int{
			//                 list get create put publish
			"admin":           {200, 200, 201, 200, 200},
			"county_hejing":   {200, 200, 403, 403, 403},
			"county_ruoqiang": {200, 200, 403, 403, 403},
			"department":      {200, 200, 403, 403, 403},
			"org":             {200, 200, 403, 403, 403},
			"org2":            {200, 200, 403, 403, 403},
			"village":         {200, 200, 403, 403, 403},
			"anonymous":       {401, 401, 401, 401, 401},
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

func fmtJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestBrandAPIRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		admin := f.tokens["admin"]
		draft := f.newProject(t, zhuxiang.ProjectDraft)
		running := f.newProject(t, zhuxiang.ProjectRunning)
		body := func(edit func(map[string]any)) map[string]any {
			b := map[string]any{"name": "焉耆葡萄", "level": "county", "county_code": hejing, "year": 2025, "project_ids": []string{running.ID}}
			edit(b)
			return b
		}
		cases := []struct {
			name   string
			rq     request
			status int
			field  string
			msg    string
		}{
			{"a draft project", request{method: "POST", path: "/api/v1/brands", token: admin,
				body: body(func(b map[string]any) { b["project_ids"] = []string{draft.ID} })}, 422, "projects", "不能组成品牌"},
			{"an unknown project", request{method: "POST", path: "/api/v1/brands", token: admin,
				body: body(func(b map[string]any) { b["project_ids"] = []string{"0123456789abcdef0123456789abcdef"} })}, 422, "projects", "不存在"},
			{"another county's project in a county brand", request{method: "POST", path: "/api/v1/brands", token: admin,
				body: body(func(b map[string]any) { b["county_code"] = ruoqiang })}, 422, "projects", "不在品牌所属县市"},
			{"a logo that is a PDF", request{method: "POST", path: "/api/v1/brands", token: admin,
				body: body(func(b map[string]any) {
					b["logo"] = map[string]any{"name": "logo.pdf", "data": base64.StdEncoding.EncodeToString([]byte("%PDF-1.4\n%%EOF"))}
				})}, 422, "logo", "品牌标志应为JPEG或PNG图片"},
			{"a logo that is not base64", request{method: "POST", path: "/api/v1/brands", token: admin,
				body: body(func(b map[string]any) { b["logo"] = map[string]any{"name": "a.png", "data": "%%%"} })}, 422, "logo.data", "base64"},
			{"no year", request{method: "POST", path: "/api/v1/brands", token: admin,
				body: body(func(b map[string]any) { delete(b, "year") })}, 422, "year", "认定年份"},
			{"bad level filter", request{method: "GET", path: "/api/v1/brands?level=national", token: admin}, 422, "level", "品牌级别“national”无效"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := f.do(t, c.rq)
				if r.status != c.status {
					t.Fatalf("status %s, want %d", r, c.status)
				}
				var m struct {
					Error struct {
						Field, Message string
						Fields         []zhuxiang.FieldError
					}
				}
				if err := json.Unmarshal(r.body, &m); err != nil {
					t.Fatal(err)
				}
				e := m.Error
				found := false
				for _, fe := range e.Fields {
					found = found || fe.Field == c.field && strings.Contains(fe.Message, c.msg)
				}
				if !found && !(e.Field == c.field && strings.Contains(e.Message, c.msg)) {
					t.Errorf("error %+v, want %s: %s", e, c.field, c.msg)
				}
			})
		}
	})
}
