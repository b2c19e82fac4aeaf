package web

import (
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"zhuxiang"
	"zhuxiang/api"
	"zhuxiang/store"
)

// The server's deadlines. A connection costs the server a goroutine and a
// few kilobytes while it waits for a client, and nothing else: no slot, no
// database connection, no lock is held while a request arrives or a
// response leaves (see admission.go). The deadlines only make sure that a
// client that stops sending, or sends a byte a second, is eventually hung
// up on.
const (
	// readHeaderTimeout bounds the request line and headers, which a
	// browser sends in one packet.
	readHeaderTimeout = 10 * time.Second
	// readTimeout bounds the whole request, body included. The largest
	// form people fill in (an organization with a 2 000-character
	// introduction) is tens of kilobytes, seconds on a rural mobile line.
	// Uploads lift it for themselves (transferTimeout).
	readTimeout = 20 * time.Second
	// writeTimeout bounds the handler and the response together: the
	// slowest page (an allocation at region scale) takes seconds. Exports and
	// uploads lift it for themselves.
	writeTimeout = 2 * time.Minute
	// idleTimeout closes kept-alive connections nobody uses, such as a
	// proxy's spare upstream connections.
	idleTimeout = 2 * time.Minute
	// maxHeaderBytes: the headers hold one session cookie; the default
	// (1 MB) is far more than any browser sends.
	maxHeaderBytes = 64 << 10
	// transferTimeout is what an upload (a 50 MB import, a 10 MB
	// agreement) or a download (a 100 000-row export) gets instead:
	// 50 MB at 1 Mbit/s is under seven minutes.
	transferTimeout = api.TransferTimeout
)

// NewServer returns the platform's HTTP server: New's handler with the
// timeouts and limits that protect it from slow or idle clients. serve runs
// it, and the tests run it too, so they exercise the same configuration.
func NewServer(st *store.Store, opts Options) (*http.Server, error) {
	h, err := New(st, opts)
	if err != nil {
		return nil, err
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}, nil
}

// ParseBaseURL checks the address users reach the platform at, as given to
// serve --base-url: http or https, a host, an optional port, nothing else.
// The pages link to "/orgs" and so on from the site's root, so a base URL
// with a path (a platform under https://example.gov.cn/zhuxiang/) is
// refused rather than accepted and then broken.
func ParseBaseURL(s string) (*url.URL, error) {
	bad := func(why string) error {
		return zhuxiang.Errorf(zhuxiang.EInvalid, "base-url", "--base-url “%s”无效：%s，应形如 https://zhuxiang.example.gov.cn 或 http://10.1.2.3:8080", s, why)
	}
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || s == "" {
		return nil, bad("不是网址")
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	case "":
		return nil, bad("缺少 http:// 或 https://")
	default:
		return nil, bad("只能以 http:// 或 https:// 开头")
	}
	if u.Opaque != "" || u.Host == "" || u.Hostname() == "" {
		return nil, bad("缺少域名或 IP 地址")
	}
	if u.User != nil {
		return nil, bad("不能包含用户名或密码")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, bad("端口应为 1–65535")
		}
	} else if strings.HasSuffix(u.Host, ":") {
		return nil, bad("端口应为 1–65535")
	}
	if strings.ContainsAny(u.Hostname(), " /\\") || (strings.Contains(u.Hostname(), ":") && net.ParseIP(u.Hostname()) == nil) {
		return nil, bad("域名无效")
	}
	if (u.Path != "" && u.Path != "/") || u.RawPath != "" {
		return nil, bad("平台须部署在站点根路径，不支持子路径")
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return nil, bad("不能包含 ? 或 # 及其后的内容")
	}
	return &url.URL{Scheme: strings.ToLower(u.Scheme), Host: strings.ToLower(u.Host)}, nil
}
