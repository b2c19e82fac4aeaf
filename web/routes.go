package web

import (
	"net/http"

	"zhuxiang/api"
)

// routes lists every page. URLs read like the navigation (DESIGN §5b).
func (s *server) routes() (http.Handler, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /static/{name}", s.serveStatic)
	mux.HandleFunc("GET /favicon.ico", s.favicon)

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
	mux.Handle("GET /import/template/pairings.xlsx", s.auth(s.importTemplatePairings))
	mux.Handle("POST /import/pairings", s.auth(s.importPairings, upload))
	mux.Handle("GET /import/template/projects.xlsx", s.auth(s.importTemplateProjects))
	mux.Handle("POST /import/projects", s.auth(s.importProjects, upload))

	mux.Handle("GET /jobs/{id}", s.auth(s.jobPage))
	mux.Handle("GET /jobs/{id}/status", s.auth(s.jobStatusJSON))

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

	mux.Handle("GET /needs", s.auth(s.needList))
	mux.Handle("GET /needs/new", s.auth(s.needNew))
	mux.Handle("POST /needs/new", s.auth(s.needCreate))
	mux.Handle("GET /needs/{id}", s.auth(s.needDetail))
	mux.Handle("GET /needs/{id}/edit", s.auth(s.needEdit))
	mux.Handle("POST /needs/{id}/edit", s.auth(s.needUpdate))
	mux.Handle("GET /needs/{id}/confirm", s.auth(s.needConfirm))
	mux.Handle("POST /needs/{id}/transition", s.auth(s.needTransition))
	mux.Handle("POST /needs/{id}/interest", s.auth(s.needInterest))
	mux.Handle("POST /needs/{id}/matches/{mid}", s.auth(s.needMatch))
	mux.Handle("GET /needs/{id}/matches/{mid}/confirm", s.auth(s.needMatchConfirm))

	mux.Handle("GET /offers", s.auth(s.offerList))
	mux.Handle("GET /offers/new", s.auth(s.offerNew))
	mux.Handle("POST /offers/new", s.auth(s.offerCreate))
	mux.Handle("GET /offers/{id}", s.auth(s.offerDetail))
	mux.Handle("GET /offers/{id}/edit", s.auth(s.offerEdit))
	mux.Handle("POST /offers/{id}/edit", s.auth(s.offerUpdate))
	mux.Handle("POST /offers/{id}/status", s.auth(s.offerStatus))
	mux.Handle("POST /offers/{id}/interest", s.auth(s.offerInterest))
	mux.Handle("POST /offers/{id}/matches/{mid}", s.auth(s.offerMatch))
	mux.Handle("GET /offers/{id}/matches/{mid}/confirm", s.auth(s.offerMatchConfirm))

	mux.Handle("GET /matches", s.auth(s.matchListPage))

	mux.Handle("GET /plan", s.auth(s.allocationList))
	mux.Handle("POST /plan", s.auth(s.allocationRun))
	mux.Handle("GET /plan/weights", s.auth(s.weightsPage))
	mux.Handle("POST /plan/weights", s.auth(s.weightsSave))
	mux.Handle("GET /plan/{id}", s.auth(s.allocationShow))
	mux.Handle("GET /plan/{id}/export.xlsx", s.auth(s.allocationExport))

	mux.Handle("GET /pairings", s.auth(s.pairingList))
	mux.Handle("GET /pairings/export.xlsx", s.auth(s.pairingExport))
	mux.Handle("GET /pairings/new", s.auth(s.pairingNew))
	mux.Handle("POST /pairings/new", s.auth(s.pairingCreate, agreementUpload))
	mux.Handle("GET /pairings/{id}", s.auth(s.pairingDetail))
	mux.Handle("GET /pairings/{id}/edit", s.auth(s.pairingEdit))
	mux.Handle("POST /pairings/{id}/edit", s.auth(s.pairingUpdate))
	mux.Handle("GET /pairings/{id}/agreement", s.auth(s.pairingAgreement))
	mux.Handle("POST /pairings/{id}/agreement", s.auth(s.pairingUpload, agreementUpload))

	mux.Handle("GET /projects", s.auth(s.projectList))
	mux.Handle("GET /projects/export.xlsx", s.auth(s.projectExport))
	mux.Handle("GET /projects/new", s.auth(s.projectNew))
	mux.Handle("POST /projects/new", s.auth(s.projectCreate))
	mux.Handle("GET /projects/{id}", s.auth(s.projectDetail))
	mux.Handle("GET /projects/{id}/edit", s.auth(s.projectEdit))
	mux.Handle("POST /projects/{id}/edit", s.auth(s.projectUpdate))
	mux.Handle("GET /projects/{id}/confirm", s.auth(s.projectConfirm))
	mux.Handle("POST /projects/{id}/transition", s.auth(s.projectTransition))
	mux.Handle("POST /projects/{id}/key", s.auth(s.projectKey))
	mux.Handle("POST /projects/{id}/spending", s.auth(s.projectSpend))
	mux.Handle("GET /projects/{id}/reports/new", s.auth(s.reportNew))
	mux.Handle("POST /projects/{id}/reports/new", s.auth(s.reportCreate, reportUpload))
	mux.Handle("GET /projects/{id}/reports/{rid}/confirm", s.auth(s.reportConfirm))
	mux.Handle("POST /projects/{id}/reports/{rid}/transition", s.auth(s.reportTransition))
	mux.Handle("GET /projects/{id}/reports/{rid}/files/{n}", s.auth(s.reportFile))
	mux.Handle("GET /projects/{id}/reports/{rid}/files/{n}/thumb", s.auth(s.reportThumb))

	mux.Handle("GET /brands", s.auth(s.brandList))
	mux.Handle("GET /brands/new", s.auth(s.brandNew))
	mux.Handle("POST /brands/new", s.auth(s.brandSave, attachmentUpload))
	mux.Handle("GET /brands/{id}", s.auth(s.brandDetail))
	mux.Handle("GET /brands/{id}/edit", s.auth(s.brandEdit))
	mux.Handle("POST /brands/{id}/edit", s.auth(s.brandSave, attachmentUpload))
	mux.Handle("POST /brands/{id}/transition", s.auth(s.brandTransition))
	mux.Handle("GET /brands/{id}/logo", s.auth(s.brandLogo(false)))
	mux.Handle("GET /brands/{id}/thumb", s.auth(s.brandLogo(true)))

	// A call's pages sit under /cases/calls, beside the cases' /cases/{id}:
	// a case's own pages are one route, /cases/{id}/{page}, which the
	// calls' more specific paths take precedence over (net/http refuses
	// two patterns where neither is more specific), and a call's form is
	// at /cases/calls/edit/{id} for the same reason.
	mux.Handle("GET /cases", s.auth(s.caseList))
	mux.Handle("GET /cases/calls/new", s.auth(s.callNew))
	mux.Handle("POST /cases/calls/new", s.auth(s.callCreate))
	mux.Handle("GET /cases/calls/{id}", s.auth(s.callDetail))
	mux.Handle("GET /cases/calls/edit/{id}", s.auth(s.callEdit))
	mux.Handle("POST /cases/calls/edit/{id}", s.auth(s.callUpdate))
	mux.Handle("GET /cases/new", s.auth(s.caseNew))
	mux.Handle("POST /cases/new", s.auth(s.caseCreate))
	mux.Handle("GET /cases/{id}", s.auth(s.caseDetail))
	mux.Handle("GET /cases/{id}/{page}", s.auth(s.casePage))
	mux.Handle("POST /cases/{id}/edit", s.auth(s.caseUpdate))
	mux.Handle("POST /cases/{id}/transition", s.auth(s.caseTransition))
	mux.Handle("POST /cases/{id}/scores", s.auth(s.caseScore))
	mux.Handle("POST /cases/{id}/photos", s.auth(s.casePhotoUpload, agreementUpload))
	mux.Handle("POST /cases/{id}/photos/{n}/delete", s.auth(s.casePhotoDelete))
	mux.Handle("GET /cases/{id}/photos/{n}", s.auth(s.casePhoto(false)))
	mux.Handle("GET /cases/{id}/photos/{n}/thumb", s.auth(s.casePhoto(true)))

	// The pickers' searches (web/pick.go), scoped to what the user may pick.
	mux.Handle("GET /pick/villages", s.auth(s.pickJSON(pickVillages)))
	mux.Handle("GET /pick/orgs", s.auth(s.pickJSON(pickOrgs)))

	mux.Handle("GET /notifications", s.auth(s.notificationList))
	mux.Handle("POST /notifications/read", s.auth(s.notificationsRead))
	mux.Handle("POST /notifications/{id}/open", s.auth(s.notificationOpen))

	// Open needs for anyone, without an account (DESIGN §3: public).
	mux.Handle("GET /public", s.anon(s.publicHome))
	mux.Handle("GET /public/needs", s.anon(s.publicNeeds))
	mux.Handle("GET /public/needs/{id}", s.anon(s.publicNeed))
	mux.Handle("GET /public/brands", s.anon(s.publicBrands))
	mux.Handle("GET /public/brands/{id}", s.anon(s.publicBrand))
	mux.Handle("GET /public/brands/{id}/logo", s.anon(s.publicBrandLogo(false)))
	mux.Handle("GET /public/brands/{id}/thumb", s.anon(s.publicBrandLogo(true)))
	mux.Handle("GET /public/cases", s.anon(s.publicCases))
	mux.Handle("GET /public/cases/{id}", s.anon(s.publicCase))
	mux.Handle("GET /public/cases/{id}/photos/{n}", s.anon(s.publicCasePhoto(false)))
	mux.Handle("GET /public/cases/{id}/photos/{n}/thumb", s.anon(s.publicCasePhoto(true)))

	// The JSON API answers every path under /api/v1 in its own error shape;
	// it shares the security headers and the cross-origin check.
	mux.Handle(api.Prefix+"/", api.NewHandler(s.st, api.Options{BaseURL: s.base}))

	mux.Handle("/", s.auth(func(w http.ResponseWriter, r *http.Request, q *request) error {
		s.renderError(w, r, http.StatusNotFound, "您要找的页面不存在，请从左侧导航进入")
		return nil
	}))

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.renderError(w, r, http.StatusForbidden, "跨站提交的请求已被拒绝，请在本站页面上操作")
	}))
	if s.base != nil {
		// Behind a proxy that does not pass the Host header on, a browser
		// that sends Origin but not Sec-Fetch-Site would otherwise be
		// refused on its own site.
		if err := cop.AddTrustedOrigin(s.base.Scheme + "://" + s.base.Host); err != nil {
			return nil, err
		}
	}
	return securityHeaders(s.recoverer(admit(cop.Handler(mux)))), nil
}
