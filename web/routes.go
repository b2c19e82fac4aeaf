package web

import (
	"net/http"

	"zhuxiang/api"
)

// routes lists every page. URLs read like the navigation (DESIGN §5b).
func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /static/{name}", s.serveStatic)

	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.loginSubmit)
	mux.Handle("POST /logout", s.auth(s.logout))
	mux.Handle("GET /password", s.auth(s.passwordPage))
	mux.Handle("POST /password", s.auth(s.passwordSubmit))

	mux.Handle("GET /{$}", s.auth(s.home))

	mux.Handle("GET /regions", s.auth(s.regionList))
	mux.Handle("GET /regions/{code}", s.auth(s.regionDetail))
	mux.Handle("GET /regions/{code}/edit", s.auth(s.regionEdit))
	mux.Handle("POST /regions/{code}/edit", s.auth(s.regionSave))

	mux.Handle("GET /orgs", s.auth(s.orgList))
	mux.Handle("GET /orgs/export.xlsx", s.auth(s.orgExport))
	mux.Handle("GET /orgs/new", s.auth(s.orgNew))
	mux.Handle("POST /orgs/new", s.auth(s.orgCreate))
	mux.Handle("GET /orgs/{id}", s.auth(s.orgDetail))
	mux.Handle("GET /orgs/{id}/edit", s.auth(s.orgEdit))
	mux.Handle("POST /orgs/{id}/edit", s.auth(s.orgUpdate))

	mux.Handle("GET /import", s.auth(s.importPage))
	mux.Handle("GET /import/template/orgs.xlsx", s.auth(s.importTemplateOrgs))
	mux.Handle("GET /import/template/villages.xlsx", s.auth(s.importTemplateVillages))
	mux.Handle("POST /import/orgs", s.auth(s.importOrgs, upload))
	mux.Handle("POST /import/regions", s.auth(s.importRegions, upload))

	mux.Handle("GET /users", s.auth(s.userList))
	mux.Handle("POST /users", s.auth(s.userCreate))
	mux.Handle("POST /users/{id}/disable", s.auth(s.userDisable))
	mux.Handle("POST /users/{id}/enable", s.auth(s.userEnable))
	mux.Handle("POST /users/{id}/reset-password", s.auth(s.userResetPassword))

	mux.Handle("GET /departments", s.auth(s.departmentList))
	mux.Handle("GET /departments/new", s.auth(s.departmentNew))
	mux.Handle("POST /departments/new", s.auth(s.departmentSave))
	mux.Handle("GET /departments/{id}/edit", s.auth(s.departmentEdit))
	mux.Handle("POST /departments/{id}/edit", s.auth(s.departmentSave))

	mux.Handle("GET /audit", s.auth(s.auditList))

	// The JSON API answers every path under /api/v1 in its own error shape;
	// it shares the security headers and the cross-origin check.
	mux.Handle(api.Prefix+"/", api.Handler(s.st))

	mux.Handle("/", s.auth(func(w http.ResponseWriter, r *http.Request, q *request) error {
		s.renderError(w, r, http.StatusNotFound, "您要找的页面不存在，请从左侧导航进入")
		return nil
	}))

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.renderError(w, r, http.StatusForbidden, "跨站提交的请求已被拒绝，请在本站页面上操作")
	}))
	return securityHeaders(s.recoverer(fifo(cop.Handler(mux))))
}
