// Package api is the JSON API under /api/v1 through which other government
// systems read and change the platform's records. It holds no rules of its
// own: every request is turned into a zhuxiang.Actor and handed to the store,
// which enforces scope, so the API can never show more than the pages do.
// What lives here is the translation between HTTP and the store: who is
// calling, what the body says, and one error shape for every failure.
package api

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"zhuxiang"
	"zhuxiang/attach"
	"zhuxiang/store"
)

// Prefix is where the API is mounted; the web server routes everything
// under it here, and Location headers are built from it.
const Prefix = "/api/v1"

// SessionCookie is the cookie the web pages sign in with; the API accepts
// it so that a page's script can call the API without a separate token.
const SessionCookie = "zx_session"

// MaxBody bounds request bodies: an organization is a few kilobytes, and a
// bound keeps a misbehaving client from holding memory.
const MaxBody = 1 << 20

type server struct {
	st  *store.Store
	doc []byte // the OpenAPI document as served
}

// handlerFunc is an API handler: it gets the authenticated actor and returns
// an error instead of writing one, so that every failure takes one path to
// the one error shape.
type handlerFunc func(w http.ResponseWriter, r *http.Request, a zhuxiang.Actor) error

// route is one endpoint; the table is also what the OpenAPI test checks
// the document against, so a new endpoint cannot go undocumented.
type route struct {
	method string
	path   string // ServeMux pattern without the method
	public bool   // served without credentials
	h      func(*server) handlerFunc
}

var routes = []route{
	{"GET", Prefix + "/openapi.json", true, func(s *server) handlerFunc { return s.openapi }},
	{"GET", Prefix + "/regions", false, func(s *server) handlerFunc { return s.listRegions }},
	{"GET", Prefix + "/regions/{code}", false, func(s *server) handlerFunc { return s.getRegion }},
	{"PATCH", Prefix + "/regions/{code}", false, func(s *server) handlerFunc { return s.patchRegion }},
	{"GET", Prefix + "/orgs", false, func(s *server) handlerFunc { return s.listOrgs }},
	{"POST", Prefix + "/orgs", false, func(s *server) handlerFunc { return s.createOrg }},
	{"GET", Prefix + "/orgs/{id}", false, func(s *server) handlerFunc { return s.getOrg }},
	{"PUT", Prefix + "/orgs/{id}", false, func(s *server) handlerFunc { return s.putOrg }},

	{"GET", Prefix + "/needs", false, func(s *server) handlerFunc { return s.listNeeds }},
	{"POST", Prefix + "/needs", false, func(s *server) handlerFunc { return s.createNeed }},
	{"GET", Prefix + "/needs/{id}", false, func(s *server) handlerFunc { return s.getNeed }},
	{"PUT", Prefix + "/needs/{id}", false, func(s *server) handlerFunc { return s.putNeed }},
	{"GET", Prefix + "/needs/{id}/proposals", false, func(s *server) handlerFunc { return s.needProposals }},
	{"GET", Prefix + "/public/needs", true, func(s *server) handlerFunc { return s.listPublicNeeds }},
	{"GET", Prefix + "/public/needs/{id}", true, func(s *server) handlerFunc { return s.getPublicNeed }},

	{"GET", Prefix + "/offers", false, func(s *server) handlerFunc { return s.listOffers }},
	{"POST", Prefix + "/offers", false, func(s *server) handlerFunc { return s.createOffer }},
	{"GET", Prefix + "/offers/{id}", false, func(s *server) handlerFunc { return s.getOffer }},
	{"PUT", Prefix + "/offers/{id}", false, func(s *server) handlerFunc { return s.putOffer }},
	{"POST", Prefix + "/offers/{id}/status", false, func(s *server) handlerFunc { return s.setOfferStatus }},
	{"GET", Prefix + "/offers/{id}/proposals", false, func(s *server) handlerFunc { return s.offerProposals }},

	{"GET", Prefix + "/matches", false, func(s *server) handlerFunc { return s.listMatches }},
	{"POST", Prefix + "/matches", false, func(s *server) handlerFunc { return s.createMatch }},
	{"GET", Prefix + "/matches/{id}", false, func(s *server) handlerFunc { return s.getMatch }},

	{"GET", Prefix + "/plans", false, func(s *server) handlerFunc { return s.listAllocations }},
	{"POST", Prefix + "/plans", false, func(s *server) handlerFunc { return s.runAllocation }},
	{"GET", Prefix + "/plans/{id}", false, func(s *server) handlerFunc { return s.getAllocation }},

	{"GET", Prefix + "/pairings", false, func(s *server) handlerFunc { return s.listPairings }},
	{"POST", Prefix + "/pairings", false, func(s *server) handlerFunc { return s.createPairing }},
	{"GET", Prefix + "/pairings/{id}", false, func(s *server) handlerFunc { return s.getPairing }},
	{"PATCH", Prefix + "/pairings/{id}", false, func(s *server) handlerFunc { return s.patchPairing }},
	{"GET", Prefix + "/pairings/{id}/agreement", false, func(s *server) handlerFunc { return s.getPairingAgreement }},
	{"PUT", Prefix + "/pairings/{id}/agreement", false, func(s *server) handlerFunc { return s.putPairingAgreement }},
	{"GET", Prefix + "/pairings/{id}/agreements", false, func(s *server) handlerFunc { return s.listPairingAgreements }},

	{"GET", Prefix + "/projects", false, func(s *server) handlerFunc { return s.listProjects }},
	{"POST", Prefix + "/projects", false, func(s *server) handlerFunc { return s.createProject }},
	{"GET", Prefix + "/projects/{id}", false, func(s *server) handlerFunc { return s.getProject }},
	{"PUT", Prefix + "/projects/{id}", false, func(s *server) handlerFunc { return s.putProject }},
	{"PUT", Prefix + "/projects/{id}/key", false, func(s *server) handlerFunc { return s.putProjectKey }},
	{"POST", Prefix + "/projects/{id}/spending", false, func(s *server) handlerFunc { return s.addProjectSpending }},
	{"GET", Prefix + "/projects/{id}/reports", false, func(s *server) handlerFunc { return s.listReports }},
	{"POST", Prefix + "/projects/{id}/reports", false, func(s *server) handlerFunc { return s.createReport }},
	{"POST", Prefix + "/projects/{id}/reports/{rid}/transition", false, func(s *server) handlerFunc { return s.transitionReport }},
	{"GET", Prefix + "/projects/{id}/reports/{rid}/files/{n}", false, func(s *server) handlerFunc { return s.getReportFile }},

	{"GET", Prefix + "/brands", false, func(s *server) handlerFunc { return s.listBrands }},
	{"POST", Prefix + "/brands", false, func(s *server) handlerFunc { return s.createBrand }},
	{"GET", Prefix + "/brands/{id}", false, func(s *server) handlerFunc { return s.getBrand }},
	{"PUT", Prefix + "/brands/{id}", false, func(s *server) handlerFunc { return s.putBrand }},
	{"GET", Prefix + "/brands/{id}/logo", false, func(s *server) handlerFunc { return s.getBrandLogo }},

	{"GET", Prefix + "/cases/calls", false, func(s *server) handlerFunc { return s.listCalls }},
	{"POST", Prefix + "/cases/calls", false, func(s *server) handlerFunc { return s.createCall }},
	{"GET", Prefix + "/cases/calls/{id}", false, func(s *server) handlerFunc { return s.getCall }},
	{"PUT", Prefix + "/cases/calls/{id}", false, func(s *server) handlerFunc { return s.putCall }},
	{"GET", Prefix + "/cases", false, func(s *server) handlerFunc { return s.listCases }},
	{"POST", Prefix + "/cases", false, func(s *server) handlerFunc { return s.createCase }},
	{"GET", Prefix + "/cases/{id}", false, func(s *server) handlerFunc { return s.getCase }},
	{"PUT", Prefix + "/cases/{id}", false, func(s *server) handlerFunc { return s.putCase }},
	{"POST", Prefix + "/cases/{id}/transition", false, func(s *server) handlerFunc { return s.transitionCase }},
	{"POST", Prefix + "/cases/{id}/scores", false, func(s *server) handlerFunc { return s.scoreCase }},
	{"POST", Prefix + "/cases/{id}/photos", false, func(s *server) handlerFunc { return s.addCasePhoto }},
	{"GET", Prefix + "/cases/{id}/photos/{n}", false, func(s *server) handlerFunc { return s.getCasePhoto }},
}

// The lifecycle steps get one route each, built from the domain's tables,
// so that a step added there is served (and, by the OpenAPI test, must be
// documented) without a second list to keep in step. A single
// "/needs/{id}/{transition}" pattern would also collide in ServeMux with the
// method-less fallback of "/needs/{id}/proposals".
func init() {
	for _, t := range zhuxiang.NeedTransitions {
		name := t.Name
		routes = append(routes, route{"POST", Prefix + "/needs/{id}/" + name, false, func(s *server) handlerFunc { return s.transitionNeed(name) }})
	}
	for _, t := range zhuxiang.MatchTransitions {
		name := t.Name
		routes = append(routes, route{"POST", Prefix + "/matches/{id}/" + name, false, func(s *server) handlerFunc { return s.transitionMatch(name) }})
	}
	for _, t := range zhuxiang.ProjectTransitions {
		name := t.Name
		routes = append(routes, route{"POST", Prefix + "/projects/{id}/" + name, false, func(s *server) handlerFunc { return s.transitionProject(name) }})
	}
	for _, t := range zhuxiang.BrandTransitions {
		name := t.Name
		routes = append(routes, route{"POST", Prefix + "/brands/{id}/" + name, false, func(s *server) handlerFunc { return s.transitionBrand(name) }})
	}
}

// bodyLimits raises MaxBody for the few requests that carry a file: a
// pairing's agreement (at most zhuxiang.AgreementMaxBytes) and a case's
// photo (attach.MaxBytes) travel base64 encoded, a third larger, inside
// the JSON body.
var bodyLimits = map[string]int64{
	"POST " + Prefix + "/pairings":               zhuxiang.AgreementMaxBytes*4/3 + 64<<10,
	"PUT " + Prefix + "/pairings/{id}/agreement": zhuxiang.AgreementMaxBytes*4/3 + 64<<10,
	// A progress report carries up to MaxReportFiles photos or PDFs.
	"POST " + Prefix + "/projects/{id}/reports": zhuxiang.MaxReportFiles*attach.MaxBytes*4/3 + 64<<10,
	// A brand's logo, base64 in the body like an agreement.
	"POST " + Prefix + "/brands":            attach.MaxBytes*4/3 + 64<<10,
	"PUT " + Prefix + "/brands/{id}":        attach.MaxBytes*4/3 + 64<<10,
	"POST " + Prefix + "/cases/{id}/photos": attach.MaxBytes*4/3 + 64<<10,
}

// TransferTimeout is how long a request that carries a file may take to
// arrive and be answered, instead of the web server's short deadlines: a
// pairing's agreement here, imports and exports on the pages. It is lifted
// only once the caller is known.
const TransferTimeout = 20 * time.Minute

// LiftDeadlines gives a request that carries or returns a file
// TransferTimeout to finish, instead of the server's short read and write
// deadlines. It must run before the deadline it lifts has passed, and only
// once the caller is known: an anonymous client never gets more than the
// server's short deadlines. The pages use it too.
func LiftDeadlines(w http.ResponseWriter) {
	rc := http.NewResponseController(w)
	at := time.Now().Add(TransferTimeout)
	rc.SetReadDeadline(at)
	rc.SetWriteDeadline(at)
}

// Options configure the API handler.
type Options struct {
	// BaseURL is where users and other systems reach the platform (see
	// web.ParseBaseURL), or nil; the OpenAPI document names it as the
	// server, so that a saved copy still says where the API lives.
	BaseURL *url.URL
}

// NewHandler serves the API at full paths under /api/v1/. Unknown paths and
// wrong methods answer in the API's error shape too, because a client that
// parses errors should never meet a plain-text page.
func NewHandler(st *store.Store, opts Options) http.Handler {
	s := &server{st: st, doc: openapiFor(opts.BaseURL)}
	mux := http.NewServeMux()
	allow := map[string][]string{}
	var paths []string
	for _, rt := range routes {
		limit := int64(MaxBody)
		if n, ok := bodyLimits[rt.method+" "+rt.path]; ok {
			limit = n
		}
		mux.Handle(rt.method+" "+rt.path, s.wrap(rt.h(s), rt.public, limit))
		if allow[rt.path] == nil {
			paths = append(paths, rt.path)
		}
		allow[rt.path] = append(allow[rt.path], rt.method)
	}
	// A pattern without a method is less specific than the same path with
	// one, so these catch only the methods not served there.
	for _, p := range paths {
		methods := strings.Join(allow[p], ", ")
		fallback(mux, p, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", methods)
			writeErrorStatus(w, http.StatusMethodNotAllowed, zhuxiang.EInvalid, "", "此地址不支持"+r.Method+"方法（支持："+methods+"）")
		})
	}
	mux.HandleFunc(Prefix+"/", func(w http.ResponseWriter, r *http.Request) {
		writeErrorStatus(w, http.StatusNotFound, zhuxiang.ENotFound, "", "接口地址不存在")
	})
	return mux
}

// fallback registers a method-less pattern for the 405 answer, unless
// ServeMux refuses it for overlapping a served route of another shape:
// "/cases/calls/{id}" and "POST /cases/{id}/transition" both match
// /cases/calls/transition and neither is more specific. Such a path then
// answers an unserved method with the catch-all's 404, not a 405.
func fallback(mux *http.ServeMux, pattern string, h http.HandlerFunc) {
	defer func() {
		if r := recover(); r != nil && !strings.Contains(fmt.Sprint(r), "conflicts with") {
			panic(r)
		}
	}()
	mux.HandleFunc(pattern, h)
}

// wrap authenticates (unless public), checks the body's media type and
// turns a returned error into the error response.
func (s *server) wrap(h handlerFunc, public bool, maxBody int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Responses carry personal data scoped to the caller; no shared
		// cache may keep them.
		w.Header().Set("Cache-Control", "no-store")
		var a zhuxiang.Actor
		if !public {
			var err error
			if a, err = s.authenticate(r); err != nil {
				if zhuxiang.ErrorCodeOf(err) == zhuxiang.EUnauthorized {
					w.Header().Set("WWW-Authenticate", `Bearer realm="zhuxiang"`)
				}
				writeError(w, r, err)
				return
			}
		}
		if err := CheckPath(r); err != nil {
			writeError(w, r, err)
			return
		}
		switch r.Method {
		case http.MethodPost, http.MethodPut, http.MethodPatch:
			if err := requireJSON(r); err != nil {
				writeError(w, r, err)
				return
			}
			if maxBody > MaxBody {
				LiftDeadlines(w)
			}
			r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		}
		if err := h(w, r, a); err != nil {
			writeError(w, r, err)
		}
	})
}

// CheckPath answers "not found" for an id or code in the path that no
// record can have (zhuxiang.IsID), before any handler asks the database
// for it: PostgreSQL would fail on a NUL byte that SQLite simply finds
// nothing for. The wildcards are read from the route's own pattern, so a
// new route is covered without naming its parameters here; the pages use
// it too.
func CheckPath(r *http.Request) error {
	p := r.Pattern
	for {
		i := strings.IndexByte(p, '{')
		if i < 0 {
			return nil
		}
		j := strings.IndexByte(p[i:], '}')
		if j < 0 {
			return nil
		}
		name := strings.TrimSuffix(p[i+1:i+j], "...")
		p = p[i+j+1:]
		if name != "$" && !zhuxiang.IsID(r.PathValue(name)) { // {$} marks the end of a path
			return errNoSuchRecord
		}
	}
}

var errNoSuchRecord = zhuxiang.Errorf(zhuxiang.ENotFound, "", "记录不存在或无权查看")

var (
	errNoCredentials = zhuxiang.Errorf(zhuxiang.EUnauthorized, "", "请先登录或提供接口令牌（Authorization: Bearer …）")
	errBadAuthHeader = zhuxiang.Errorf(zhuxiang.EUnauthorized, "", "Authorization 请求头应为“Bearer 令牌”")
	errMustChange    = zhuxiang.Errorf(zhuxiang.EForbidden, "", "请先修改初始密码")
)

// authenticate finds the caller: a bearer token (other systems) first, then
// the session cookie (the platform's own pages). A token given but wrong is
// refused outright rather than falling back to the cookie, so a
// misconfigured system fails loudly instead of acting as whoever is signed
// in in the same browser.
func (s *server) authenticate(r *http.Request) (zhuxiang.Actor, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, ok := strings.Cut(strings.TrimSpace(h), " ")
		tok = strings.TrimSpace(tok)
		if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
			return zhuxiang.Actor{}, errBadAuthHeader
		}
		u, err := s.st.TokenUser(r.Context(), tok)
		if err != nil {
			return zhuxiang.Actor{}, err
		}
		return u.Actor(), nil
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" {
		return zhuxiang.Actor{}, errNoCredentials
	}
	sess, err := s.st.SessionUser(r.Context(), c.Value)
	if err != nil {
		return zhuxiang.Actor{}, err
	}
	// The pages force a new password at first sign-in; the API must not be
	// a way round that with the initial (administrator-known) password.
	if sess.User.MustChangePassword {
		return zhuxiang.Actor{}, errMustChange
	}
	return sess.User.Actor(), nil
}

// requireJSON refuses anything but a JSON body, because an HTML form can
// post urlencoded or multipart bodies across sites without a preflight but
// cannot send application/json.
func requireJSON(r *http.Request) error {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err == nil && mt == "application/json" {
		if cs, ok := params["charset"]; !ok || strings.EqualFold(cs, "utf-8") {
			return nil
		}
	}
	return errUnsupportedMedia
}

// errUnsupportedMedia and errMalformed are distinguished by identity, not
// by code, because their codes are the shared "invalid" and only their HTTP
// status differs.
var (
	errUnsupportedMedia = zhuxiang.Errorf(zhuxiang.EInvalid, "", "请求体须为JSON（Content-Type: application/json; charset=utf-8）")
	errMalformed        = zhuxiang.Errorf(zhuxiang.EInvalid, "", "请求体不是有效的JSON")
)

// decode reads one JSON object into v, refusing unknown fields, so that a
// misspelt field is an error rather than a silently unchanged value.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		// One object per request: trailing data means the client and the
		// server disagree about what was sent.
		if _, err := dec.Token(); err != io.EOF {
			return errMalformed
		}
		return nil
	}
	var tooBig *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &tooBig):
		return zhuxiang.Errorf(zhuxiang.ETooLarge, "", "请求体超过%d KiB", tooBig.Limit>>10)
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			return zhuxiang.Errorf(zhuxiang.EInvalid, "", "请求体应为JSON对象")
		}
		return zhuxiang.Errorf(zhuxiang.EInvalid, typeErr.Field, "字段“%s”的类型不正确（收到%s）", typeErr.Field, jsonKind(typeErr.Value))
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if n, err := strconv.Unquote(name); err == nil {
			name = n
		}
		return zhuxiang.Errorf(zhuxiang.EInvalid, name, "未知字段“%s”", name)
	}
	return errMalformed
}

// jsonKind names a JSON value kind in Chinese for type errors.
func jsonKind(v string) string {
	switch {
	case v == "string":
		return "字符串"
	case strings.HasPrefix(v, "number"):
		return "数字"
	case v == "bool":
		return "布尔值"
	case v == "array":
		return "数组"
	case v == "object":
		return "对象"
	}
	return v
}

// errorBody is the one error shape of the API.
type errorBody struct {
	Error errorDetail `json:"error"`
}

// errorDetail keeps code, message and field as they always were (the first
// problem when there are several) and lists every field's problem in
// fields when a validation found more than one.
type errorDetail struct {
	Code    zhuxiang.ErrorCode    `json:"code"`
	Message string                `json:"message"`
	Field   string                `json:"field,omitempty"`
	Fields  []zhuxiang.FieldError `json:"fields,omitempty"`
}

// writeError answers with err in the error shape. Internal errors are logged
// with their detail and answered with the generic message only, so that no
// SQL or file path reaches a caller.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := zhuxiang.ErrorCodeOf(err)
	status := code.HTTPStatus()
	switch err {
	case errUnsupportedMedia:
		status = http.StatusUnsupportedMediaType
	case errMalformed:
		status = http.StatusBadRequest
	}
	if code == zhuxiang.EInternal {
		slog.Error("api: internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	d := errorDetail{Code: code, Message: zhuxiang.ErrorMessage(err), Field: zhuxiang.ErrorField(err)}
	if fs := zhuxiang.FieldErrors(err); len(fs) > 1 {
		d.Fields = fs
	}
	writeJSON(w, status, errorBody{d})
}

func writeErrorStatus(w http.ResponseWriter, status int, code zhuxiang.ErrorCode, field, msg string) {
	writeJSON(w, status, errorBody{errorDetail{Code: code, Message: msg, Field: field}})
}

// writeJSON answers with v. Encoding our own types cannot fail except by a
// broken connection, about which nothing more can be said to the client.
func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// query reads a list's query parameters, collecting the first bad one as an
// error that names it.
type query struct {
	v   url.Values
	err error
}

func newQuery(r *http.Request) *query { return &query{v: r.URL.Query()} }

// str reads a parameter as text. Every parameter passes the domain's text
// rule here, once, so that a NUL byte or invalid UTF-8 is refused by name
// instead of reaching PostgreSQL, which would fail on it.
func (q *query) str(name string) string {
	v := strings.TrimSpace(q.v.Get(name))
	if err := zhuxiang.CheckParam(name, v); err != nil {
		if q.err == nil {
			q.err = err
		}
		return ""
	}
	return v
}

func (q *query) fail(name, format string, args ...any) {
	if q.err == nil {
		q.err = zhuxiang.Errorf(zhuxiang.EInvalid, name, format, args...)
	}
}

// limit reads the page size: def when absent, max at most.
func (q *query) limit(def, max int) int {
	s := q.str("limit")
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > max {
		q.fail("limit", "limit应为1至%d的整数", max)
		return def
	}
	return n
}

// decodeOptional is decode for bodies that may be left out: a step such as
// "approve" needs nothing, and making callers send {} would only add a way
// to fail. An empty body reads as the zero value.
func decodeOptional(r *http.Request, v any) error {
	br := bufio.NewReader(r.Body)
	if _, err := br.Peek(1); err == io.EOF {
		return nil
	}
	r.Body = io.NopCloser(br)
	return decode(r, v)
}

// boolean reads a flag: true/1 or false/0, absent meaning false.
func (q *query) boolean(name string) bool {
	switch q.str(name) {
	case "", "false", "0":
		return false
	case "true", "1":
		return true
	}
	q.fail(name, "%s应为true或false", name)
	return false
}

// county reads a county's code, refusing names: other systems join on
// codes, and a name here would silently match nothing. (Villages are not
// checked this way: a village without an official code has a local one
// that is not all digits.)
func (q *query) county(name string) string {
	v := q.str(name)
	if v != "" && (!zhuxiang.IsRegionCode(v) || len(v) != 6) {
		q.fail(name, "%s应为6位县市区划代码", name)
	}
	return v
}

// villageTag reads a village tag (lifted, key, model) or "any".
func (q *query) villageTag(name string) zhuxiang.VillageTag {
	switch v := q.str(name); v {
	case "":
		return ""
	case "any":
		return "any"
	default:
		t, ok := zhuxiang.ParseVillageTag(v)
		if !ok {
			q.fail(name, "村标签“%s”无效（可选：lifted、key、model、any）", v)
		}
		return t
	}
}

// action reads one of the five actions by code or Chinese name.
func (q *query) action(name string) zhuxiang.Action {
	v := q.str(name)
	if v == "" {
		return ""
	}
	a, ok := zhuxiang.ParseAction(v)
	if !ok {
		q.fail(name, "行动“%s”无效（可选：%s）", v, actionCodes())
	}
	return a
}

func actionCodes() string {
	var s []string
	for _, a := range zhuxiang.Actions {
		s = append(s, string(a))
	}
	return strings.Join(s, "、")
}

// parseAction normalises an action in a body to its code. An unknown value
// is passed on unchanged for the domain's validation to refuse with its own
// message; the domain accepts Chinese names but would store them as given.
func parseAction(v string) zhuxiang.Action {
	if a, ok := zhuxiang.ParseAction(strings.TrimSpace(v)); ok {
		return a
	}
	return zhuxiang.Action(v)
}

// offsetCursor reads a cursor that encodes a row offset, for the lists the
// store pages by offset; it is as opaque to clients as the keyset ones.
func (q *query) offsetCursor() int {
	v := q.str("cursor")
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 36, 32)
	if err != nil || n < 0 {
		q.fail("cursor", "翻页参数无效")
		return 0
	}
	return int(n)
}

// created answers 201 with the new record and where it lives.
func created(w http.ResponseWriter, path string, v any) {
	w.Header().Set("Location", Prefix+path)
	writeJSON(w, http.StatusCreated, v)
}

// list is the envelope of a paged list.
type list[T any] struct {
	Items       []T    `json:"items"`
	NextCursor  string `json:"next_cursor"`
	Total       int    `json:"total"`
	TotalCapped bool   `json:"total_capped"`
}

// writePage answers a list request with one page of records, each as f
// renders it (an empty page as an empty array, never null).
func writePage[T, J any](w http.ResponseWriter, recs []T, next string, total int, f func(T) J) error {
	items := make([]J, 0, len(recs))
	for _, r := range recs {
		items = append(items, f(r))
	}
	writeJSON(w, http.StatusOK, list[J]{items, next, total, total >= store.CountCap})
	return nil
}

// shortList is the envelope of a list the store bounds without paging.
type shortList[T any] struct {
	Items     []T  `json:"items"`
	Truncated bool `json:"truncated"`
}

// putTarget checks a PUT body against its address: an id in the body must
// be the one in the path, and the version the client read is required,
// because a PUT without it would overwrite whatever someone else saved in
// between, which is what versions exist to stop.
func putTarget(r *http.Request, bodyID string, version *int) (string, int, error) {
	id := r.PathValue("id")
	if bodyID != "" && bodyID != id {
		return "", 0, zhuxiang.Errorf(zhuxiang.EInvalid, "id", "请求体中的id与地址中的不一致")
	}
	if version == nil || *version < 1 {
		return "", 0, zhuxiang.Errorf(zhuxiang.EInvalid, "version", "须提供所修改记录的version（先读取再修改）")
	}
	if err := zhuxiang.CheckVersion(*version); err != nil {
		return "", 0, err
	}
	return id, *version, nil
}
