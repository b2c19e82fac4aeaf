package api

import (
	"encoding/json"
	"errors"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// TestOpenAPIDocument checks the embedded document against the route
// table, so that an endpoint cannot be added without being described, and
// that every $ref points at something.
func TestOpenAPIDocument(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(openapiDoc, &doc); err != nil {
		t.Fatalf("openapi.json does not parse: %v", err)
	}
	if doc["openapi"] != "3.0.3" {
		t.Errorf("openapi = %v, want 3.0.3", doc["openapi"])
	}
	servers, _ := doc["servers"].([]any)
	if len(servers) != 1 || servers[0].(map[string]any)["url"] != Prefix {
		t.Fatalf("servers = %v, want one with url %s", doc["servers"], Prefix)
	}
	paths, _ := doc["paths"].(map[string]any)
	want := map[string][]string{
		"/regions":        {"get"},
		"/regions/{code}": {"get", "patch"},
		"/orgs":           {"get", "post"},
		"/orgs/{id}":      {"get", "put"},
		"/openapi.json":   {"get"},

		"/needs":                    {"get", "post"},
		"/needs/{id}":               {"get", "put"},
		"/needs/{id}/proposals":     {"get"},
		"/public/needs":             {"get"},
		"/public/needs/{id}":        {"get"},
		"/offers":                   {"get", "post"},
		"/offers/{id}":              {"get", "put"},
		"/offers/{id}/status":       {"post"},
		"/offers/{id}/proposals":    {"get"},
		"/matches":                  {"get", "post"},
		"/matches/{id}":             {"get"},
		"/plans":                    {"get", "post"},
		"/plans/{id}":               {"get"},
		"/pairings":                 {"get", "post"},
		"/pairings/{id}":            {"get", "patch"},
		"/pairings/{id}/agreement":  {"get", "put"},
		"/pairings/{id}/agreements": {"get"},
		"/projects":                 {"get", "post"},
		"/projects/{id}":            {"get", "put"},
		"/projects/{id}/key":        {"put"},
		"/projects/{id}/spending":   {"post"},
		"/projects/{id}/reports":    {"get", "post"},
		"/projects/{id}/reports/{rid}/transition": {"post"},
		"/projects/{id}/reports/{rid}/files/{n}":  {"get"},
		"/brands":                                 {"get", "post"},
		"/brands/{id}":                            {"get", "put"},
		"/brands/{id}/logo":                       {"get"},
		"/brands/{id}/publish":                    {"post"},
		"/brands/{id}/withdraw":                   {"post"},
		"/cases/calls":                            {"get", "post"},
		"/cases/calls/{id}":                       {"get", "put"},
		"/cases":                                  {"get", "post"},
		"/cases/{id}":                             {"get", "put"},
		"/cases/{id}/transition":                  {"post"},
		"/cases/{id}/scores":                      {"post"},
		"/cases/{id}/photos":                      {"post"},
		"/cases/{id}/photos/{n}":                  {"get"},
	}
	for _, step := range []string{"submit", "approve", "return", "start", "request_acceptance", "complete", "stop"} {
		want["/projects/{id}/"+step] = []string{"post"}
	}
	for _, step := range []string{"submit", "approve", "reject", "done", "close"} {
		want["/needs/{id}/"+step] = []string{"post"}
	}
	for _, step := range []string{"accept", "decline", "confirm", "refuse", "withdraw"} {
		want["/matches/{id}/"+step] = []string{"post"}
	}
	served := map[string][]string{}
	for _, rt := range routes {
		p := strings.TrimPrefix(rt.path, Prefix)
		served[p] = append(served[p], strings.ToLower(rt.method))
	}
	for _, table := range []map[string][]string{want, served} {
		for p, methods := range table {
			item, ok := paths[p].(map[string]any)
			if !ok {
				t.Errorf("path %s missing", p)
				continue
			}
			for _, m := range methods {
				op, ok := item[m].(map[string]any)
				if !ok {
					t.Errorf("%s %s missing", m, p)
					continue
				}
				if _, ok := op["responses"].(map[string]any); !ok {
					t.Errorf("%s %s has no responses", m, p)
				}
			}
		}
	}
	// Nothing documented that is not served.
	for p, v := range paths {
		for m := range v.(map[string]any) {
			if m == "parameters" {
				continue
			}
			found := false
			for _, sm := range served[p] {
				found = found || sm == m
			}
			if !found {
				t.Errorf("documented %s %s is not served", m, p)
			}
		}
	}
	comps, _ := doc["components"].(map[string]any)
	schemas, _ := comps["schemas"].(map[string]any)
	for _, s := range []string{"Region", "Org", "Inspection", "Flag", "Error", "Need", "PublicNeed", "Offer", "Match", "Plan", "Pairing", "Candidate"} {
		if schemas[s] == nil {
			t.Errorf("schema %s missing", s)
		}
	}
	sec, _ := comps["securitySchemes"].(map[string]any)
	if b, _ := sec["bearerAuth"].(map[string]any); b["type"] != "http" || b["scheme"] != "bearer" {
		t.Errorf("bearerAuth = %v", sec["bearerAuth"])
	}
	if c, _ := sec["cookieAuth"].(map[string]any); c["type"] != "apiKey" || c["in"] != "cookie" || c["name"] != SessionCookie {
		t.Errorf("cookieAuth = %v", sec["cookieAuth"])
	}
	// The org schema documents every field the API writes.
	orgProps := schemas["Org"].(map[string]any)["properties"].(map[string]any)
	for _, f := range strings.Fields("id name credit_code legal_form legal_form_label kinds kind_labels department_id department rating rating_label rating_date rating_valid inspections flags reg_county reg_place contact phone address intro version created_at updated_at warning") {
		if orgProps[f] == nil {
			t.Errorf("Org.%s undocumented", f)
		}
	}
	checkSchemaFields(t, schemas)
	// Public operations say so, and only they do.
	for _, rt := range routes {
		p := strings.TrimPrefix(rt.path, Prefix)
		op, _ := paths[p].(map[string]any)[strings.ToLower(rt.method)].(map[string]any)
		sec, declared := op["security"].([]any)
		if rt.public != (declared && len(sec) == 0) {
			t.Errorf("%s %s: public %v, but the document's security is %v", rt.method, p, rt.public, op["security"])
		}
	}
	refs := 0
	walk(doc, func(ref string) {
		refs++
		if _, err := resolve(doc, ref); err != nil {
			t.Errorf("$ref %s: %v", ref, err)
		}
	})
	if refs < 20 {
		t.Errorf("only %d $refs found; the walk is broken", refs)
	}
}

func walk(v any, fn func(string)) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "$ref" {
				fn(s)
			} else {
				walk(x, fn)
			}
		}
	case []any:
		for _, x := range v {
			walk(x, fn)
		}
	}
}

// resolve follows a local JSON pointer (RFC 6901).
func resolve(doc any, ref string) (any, error) {
	ptr, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil, errors.New("not a local reference")
	}
	cur := doc
	for _, tok := range strings.Split(ptr, "/") {
		tok, err := url.PathUnescape(strings.NewReplacer("~1", "/", "~0", "~").Replace(tok))
		if err != nil {
			return nil, err
		}
		switch c := cur.(type) {
		case map[string]any:
			if cur, ok = c[tok]; !ok {
				return nil, errors.New("no member " + tok)
			}
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return nil, errors.New("no index " + tok)
			}
			cur = c[i]
		default:
			return nil, errors.New("cannot descend into " + tok)
		}
	}
	return cur, nil
}

// TestInternalErrorHidesDetail checks that an error that is not a
// *zhuxiang.Error (a driver failure, a bug) reaches the client only as the
// generic message.
func TestInternalErrorHidesDetail(t *testing.T) {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/api/v1/orgs", nil)
	writeError(rec, req, errors.New(`pq: relation "orgs" does not exist: SELECT id FROM orgs`))
	if rec.Code != 500 {
		t.Fatalf("status %d", rec.Code)
	}
	body := rec.Body.String()
	if strings.Contains(body, "SELECT") || strings.Contains(body, "orgs") || strings.Contains(body, "field") {
		t.Errorf("internal detail leaked: %s", body)
	}
	var e errorBody
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error.Code != "internal" || e.Error.Message != "系统内部错误，请稍后再试或联系管理员" {
		t.Errorf("body %s", body)
	}
}

// checkSchemaFields compares each answer's Go type with its schema: every
// field the API writes is documented, and nothing is documented that it
// does not write. For the request bodies, every documented property is
// accepted (so that a GET answer can be sent back), and everything accepted
// is documented.
func checkSchemaFields(t *testing.T, schemas map[string]any) {
	t.Helper()
	props := func(name string) map[string]bool {
		s, _ := schemas[name].(map[string]any)
		p, _ := s["properties"].(map[string]any)
		out := map[string]bool{}
		for k := range p {
			out[k] = true
		}
		if len(out) == 0 {
			t.Errorf("schema %s has no properties", name)
		}
		return out
	}
	same := func(what string, fields, documented map[string]bool) {
		for f := range fields {
			if !documented[f] {
				t.Errorf("%s: field %s undocumented", what, f)
			}
		}
		for f := range documented {
			if !fields[f] {
				t.Errorf("%s: documented field %s not in the type", what, f)
			}
		}
	}
	for name, v := range map[string]any{"Need": needJSON{}, "PublicNeed": publicNeedJSON{}, "Offer": offerJSON{}, "Match": matchJSON{},
		"Candidate": candidateJSON{}, "Plan": allocationJSON{}, "PlanItem": allocationItemJSON{}, "Pairing": pairingJSON{}, "Agreement": agreementJSON{},
		"Transition": transitionInput{}, "MatchInput": matchInput{}, "MatchTransition": matchTransitionInput{},
		"OfferStatusInput": offerStatusInput{}, "PairingInput": pairingInput{}, "PairingPatch": pairingPatch{},
		"AgreementInput": agreementInput{}, "AgreementVersion": agreementVersionJSON{},
		"Project": projectJSON{}, "ProjectParty": projectPartyJSON{}, "ProjectBudget": projectBudgetJSON{}, "ProjectPeople": projectPeopleJSON{},
		"ProjectSpending": projectSpendingJSON{}, "ProjectKeyInput": projectKeyInput{},
		"Report": reportJSON{}, "ReportPeople": reportPeopleJSON{}, "ReportFile": reportFileJSON{}, "ReportInput": reportInput{},
		"FileInput": fileInput{}, "ReportTransition": reportTransitionInput{},
		"Brand": brandJSON{}, "BrandProject": brandProjectJSON{}, "BrandFigures": brandFiguresJSON{},
		"CaseCall": callJSON{}, "Case": caseJSON{}, "CaseProject": caseProjectJSON{}, "CasePhoto": casePhotoJSON{},
		"CaseTransition": caseTransitionInput{}, "CaseScoreInput": caseScoreInput{}, "CasePhotoInput": casePhotoInput{}} {
		same(name, jsonFields(v), props(name))
	}
	// Need and Offer serve as both answer and body.
	same("Need (body)", jsonFields(needInput{}), props("Need"))
	same("Offer (body)", jsonFields(offerInput{}), props("Offer"))
	same("Project (body)", jsonFields(projectInput{}), props("Project"))
	same("Brand (body)", jsonFields(brandInput{}), props("Brand"))
	// A logo is answered with its facts and uploaded with its bytes.
	logo := jsonFields(brandLogoJSON{})
	for f := range jsonFields(logoUpload{}) {
		logo[f] = true
	}
	same("BrandLogo", logo, props("BrandLogo"))
	same("Case (body)", jsonFields(caseInput{}), props("Case"))
	same("CaseCall (body)", jsonFields(callInput{}), props("CaseCall"))
	agreement := schemas["PairingInput"].(map[string]any)["properties"].(map[string]any)["agreement"].(map[string]any)["properties"].(map[string]any)
	got := map[string]bool{}
	for k := range agreement {
		got[k] = true
	}
	same("PairingInput.agreement", jsonFields(agreementInput{}), got)
}

// jsonFields lists the JSON names of a struct's fields.
func jsonFields(v any) map[string]bool {
	out := map[string]bool{}
	for _, f := range reflect.VisibleFields(reflect.TypeOf(v)) {
		if f.Anonymous {
			continue // its fields are listed themselves, as JSON flattens them
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out[name] = true
		}
	}
	return out
}
