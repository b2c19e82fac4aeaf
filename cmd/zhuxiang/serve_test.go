package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// A bad --base-url stops serve before anything starts, with a message that
// names the flag.
func TestServeRefusesBadBaseURL(t *testing.T) {
	db := filepath.Join(t.TempDir(), "z.db")
	for _, bad := range []string{"zhuxiang.example.gov.cn", "ftp://zhuxiang.example.gov.cn", "https://zhuxiang.example.gov.cn/zx", "https://:443"} {
		out, status := cli(t, "", "serve", "--db", db, "--addr", "127.0.0.1:0", "--base-url", bad)
		if status != 1 || !strings.Contains(out, "--base-url") || !strings.Contains(out, "无效") {
			t.Errorf("--base-url %s: status %d, output %q", bad, status, out)
		}
	}
}

// syncBuffer is written by the server's goroutine and read by the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// With --base-url https://…, serve says where users log in, and the session
// cookie it sets is Secure.
func TestServeWithBaseURL(t *testing.T) {
	db := filepath.Join(t.TempDir(), "z.db")
	if out, status := cli(t, "Init#Passw0rd\n", "user", "add", "--db", db, "--name", "zhou", "--role", "admin"); status != 0 {
		t.Fatalf("user add: %d %s", status, out)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--db", db, "--addr", "127.0.0.1:0", "--base-url", "https://ZhuXiang.example.gov.cn/"}, strings.NewReader(""), &out, io.Discard)
	}()
	listening := regexp.MustCompile(`监听 (127\.0\.0\.1:\d+)`)
	var addr string
	for deadline := time.Now().Add(20 * time.Second); addr == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if m := listening.FindStringSubmatch(out.String()); m != nil {
			addr = m[1]
		}
		select {
		case err := <-done:
			t.Fatalf("serve ended before it listened: %v; output %q", err, out.String())
		default:
		}
	}
	if addr == "" {
		cancel()
		t.Fatalf("serve did not start: %q", out.String())
	}
	if !strings.Contains(out.String(), "助乡已启动：https://zhuxiang.example.gov.cn/") {
		t.Errorf("start-up message does not give the base URL: %q", out.String())
	}
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.PostForm("http://"+addr+"/login", map[string][]string{"name": {"zhou"}, "password": {"Init#Passw0rd"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var secure bool
	for _, c := range res.Cookies() {
		if c.Name == "zx_session" {
			secure = c.Secure
		}
	}
	if !secure {
		t.Errorf("login: status %d, cookies %v: no Secure session cookie", res.StatusCode, res.Header["Set-Cookie"])
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve ended with %v", err)
	}
}
