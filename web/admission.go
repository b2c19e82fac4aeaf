package web

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"runtime"
	"strings"
	"sync"
)

// admit lets one request per core do its work at once and queues the rest
// in arrival order. Without it every request competes for the database
// connections, and database/sql hands a freed connection to a waiter in no
// particular order, so under load some requests waited many times the
// median; goroutines
// waiting on a channel are woken first come, first served.
//
// A slot is held for the work only, never for a transfer, because a client
// sets the pace of a transfer: an earlier version held it for the whole
// request, and two clients sending a login form a byte a second stopped
// every page. So:
//   - reads (GET, HEAD) take a slot at once, since they carry no body;
//   - form posts take one after their body (at most maxFormBytes) has
//     been read into memory;
//   - the response is kept in memory while the slot is held and sent
//     after it is given back;
//   - uploads (multipart), API writes, downloads (exports, templates,
//     agreement files: paths ending in .xlsx or /agreement), static files
//     and /healthz skip the queue; downloads get transferTimeout.
func admit(next http.Handler) http.Handler {
	slots := make(chan struct{}, runtime.GOMAXPROCS(0))
	queued := func(w http.ResponseWriter, r *http.Request) {
		select {
		case slots <- struct{}{}:
		case <-r.Context().Done():
			return
		}
		held := newHeldResponse(w)
		defer held.free()
		func() {
			defer func() { <-slots }()
			next.ServeHTTP(held, r)
		}()
		held.send()
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		switch {
		case isDownload(r):
			next.ServeHTTP(w, r) // its deadlines are lifted once the user is known (auth)
		case strings.HasPrefix(p, "/static/") || p == "/healthz":
			next.ServeHTTP(w, r)
		case r.Method == http.MethodGet || r.Method == http.MethodHead:
			queued(w, r)
		case r.Method == http.MethodPost && isForm(r) && bufferBody(r, maxFormBytes):
			queued(w, r)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// isDownload reports whether r asks for a file (an export, an agreement),
// which may take minutes to reach a slow phone.
func isDownload(r *http.Request) bool {
	p := r.URL.Path
	return (r.Method == http.MethodGet || r.Method == http.MethodHead) && (strings.HasSuffix(p, ".xlsx") || strings.HasSuffix(p, "/agreement") ||
		strings.Contains(p, "/reports/") && strings.Contains(p, "/files/"))
}

func isForm(r *http.Request) bool {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return ct == "application/x-www-form-urlencoded"
}

// bufferBody reads a body of at most limit bytes into memory and reports
// whether all of it is there. When it is not (the body is larger, or
// reading failed: a deadline, a dropped connection), r.Body replays what was
// read followed by the rest of the original, so the handler meets the same
// bytes and the same error it would have met reading it itself.
func bufferBody(r *http.Request, limit int64) bool {
	if r.Body == nil || r.Body == http.NoBody {
		return true
	}
	orig := r.Body
	b, err := io.ReadAll(io.LimitReader(orig, limit+1))
	if err == nil && int64(len(b)) <= limit {
		r.Body = io.NopCloser(bytes.NewReader(b))
		return true
	}
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(b), orig), orig}
	return false
}

// heldResponse keeps a response in memory while the handler runs in its
// slot. Headers go straight to the real writer's map (they are sent only
// at WriteHeader); status and body wait for send.
type heldResponse struct {
	w      http.ResponseWriter
	status int
	buf    *bytes.Buffer
}

var heldBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func newHeldResponse(w http.ResponseWriter) *heldResponse {
	b := heldBufs.Get().(*bytes.Buffer)
	b.Reset()
	return &heldResponse{w: w, buf: b}
}

func (h *heldResponse) Header() http.Header { return h.w.Header() }

func (h *heldResponse) WriteHeader(status int) {
	// Informational answers (1xx) are not kept: none of the pages sends one.
	if h.status == 0 && status >= 200 {
		h.status = status
	}
}

func (h *heldResponse) Write(b []byte) (int, error) {
	if h.status == 0 {
		h.status = http.StatusOK
	}
	return h.buf.Write(b)
}

// send writes the held response; this is where a slow reader waits, with
// no slot held.
func (h *heldResponse) send() {
	if h.status == 0 {
		return
	}
	h.w.WriteHeader(h.status)
	h.w.Write(h.buf.Bytes())
}

func (h *heldResponse) free() {
	if h.buf.Cap() <= 1<<20 {
		heldBufs.Put(h.buf)
	}
	h.buf = nil
}
