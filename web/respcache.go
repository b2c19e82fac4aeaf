package web

import (
	"bytes"
	"container/list"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"zhuxiang"
	"zhuxiang/store"
)

// respCache keeps the rendered content of GET pages that many people ask
// for between writes (the organization list, the work bench). An entry is
// keyed by the data generation read with the session, the day, the actor's
// scope and the URL: a write anywhere, in any process, moves
// the generation and so makes every entry unreachable; a page is never
// shared across scopes; and the entry holds only the content, rendered by
// html/template from a view that carries nothing about the user. The layout
// around it (name, form token, unread count) is kept apart, under the
// chrome value it was rendered from (web/web.go).
//
// It is bounded in bytes and evicts the least recently used entry. One
// request builds a missing entry while the others for the same key wait
// for it: every write makes every entry stale at once, and a hundred
// requests for one page then all miss together.
type respCache struct {
	mu       sync.Mutex
	max      int // bytes of content kept at most
	size     int
	order    *list.List // front: most recently used
	items    map[string]*list.Element
	inflight map[string]*respCall
}

// respCacheBytes bounds the cache: a list page's content is about 30 kB,
// so this keeps about a thousand pages.
const respCacheBytes = 32 << 20

type respEntry struct {
	key  string
	page cachedPage
}

// respCall is an entry being built.
type respCall struct {
	done chan struct{}
	page cachedPage
	err  error
}

// cachedPage is what an entry keeps: the content html/template rendered
// and, for a page's whole content (cachedContent), the same compressed
// once (compress.go), so that a hit sent gzipped is not compressed again.
type cachedPage struct {
	HTML template.HTML
	z    *deflated
}

func (p cachedPage) size() int {
	n := len(p.HTML)
	if p.z != nil {
		n += len(p.z.z)
	}
	return n
}

func newRespCache(maxBytes int) *respCache {
	return &respCache{max: maxBytes, order: list.New(), items: map[string]*list.Element{}, inflight: map[string]*respCall{}}
}

// do returns the content kept under key, or builds it with build, once
// however many ask at the same time. A request that waited for another's
// build and saw it fail builds its own, so that one request's cancellation
// or refusal is never handed to another.
func (c *respCache) do(key string, build func() (template.HTML, error)) (template.HTML, error) {
	p, err := c.get(key, false, build)
	return p.HTML, err
}

// doPage is do for a page's whole content, kept compressed as well.
func (c *respCache) doPage(key string, build func() (template.HTML, error)) (cachedPage, error) {
	return c.get(key, true, build)
}

func (c *respCache) get(key string, compress bool, build func() (template.HTML, error)) (cachedPage, error) {
	fill := func() (cachedPage, error) {
		h, err := build()
		p := cachedPage{HTML: h}
		if err == nil && compress {
			p.z = newDeflated([]byte(h))
		}
		return p, err
	}
	if c == nil { // a server put together by hand in a test: no cache
		return fill()
	}
	c.mu.Lock()
	if e, ok := c.items[key]; ok {
		c.order.MoveToFront(e)
		c.mu.Unlock()
		return e.Value.(*respEntry).page, nil
	}
	if call, ok := c.inflight[key]; ok {
		c.mu.Unlock()
		<-call.done
		if call.err == nil {
			return call.page, nil
		}
		return fill()
	}
	call := &respCall{done: make(chan struct{})}
	c.inflight[key] = call
	c.mu.Unlock()

	call.page, call.err = fill()
	c.mu.Lock()
	delete(c.inflight, key)
	if call.err == nil {
		c.put(key, call.page)
	}
	c.mu.Unlock()
	close(call.done)
	return call.page, call.err
}

// put keeps page under key and evicts past the bound; c.mu is held.
func (c *respCache) put(key string, page cachedPage) {
	if page.size() > c.max {
		return
	}
	if e, ok := c.items[key]; ok {
		c.size -= e.Value.(*respEntry).page.size()
		c.order.Remove(e)
	}
	c.items[key] = c.order.PushFront(&respEntry{key: key, page: page})
	c.size += page.size()
	for c.size > c.max {
		last := c.order.Back()
		e := last.Value.(*respEntry)
		c.order.Remove(last)
		delete(c.items, e.key)
		c.size -= e.page.size()
	}
}

// scopeKey names everything about an actor that what it may see and do
// depends on: its role and the county, village, organization or
// department its scope is drawn from (authz.go's scope functions read
// nothing else).
func scopeKey(a zhuxiang.Actor) string {
	return strings.Join([]string{string(a.Role), a.CountyCode, a.RegionCode, a.OrgID, a.DepartmentID, strconv.FormatBool(a.System)}, "\x00")
}

// cachedContent renders the "content" block of page for a GET request,
// with the data that load returns, or takes it from the response cache.
// The content is executed with a view that has only Data set, so that
// nothing per user (name, form token, unread count, flash) can be kept in
// a shared entry; render then wraps it in the layout for this request.
func (s *server) cachedContent(r *http.Request, q *request, page string, load func() (any, error)) (cachedPage, error) {
	build := func() (template.HTML, error) {
		d, err := load()
		if err != nil {
			return "", err
		}
		var b bytes.Buffer
		if err := s.pages[page].ExecuteTemplate(&b, "content", &view{Data: d}); err != nil {
			return "", err
		}
		// html/template escaped every value while executing; the result is
		// kept as the safe HTML it produced.
		return template.HTML(b.String()), nil
	}
	var gen store.Gen
	var a zhuxiang.Actor // a public page's reader: no scope
	switch {
	case r.Method != http.MethodGet && r.Method != http.MethodHead:
		h, err := build()
		return cachedPage{HTML: h}, err
	case q == nil:
		// A public page (s.anon): the generation is read here, before
		// anything the page shows, as a session reads it.
		g, err := s.st.Generation(r.Context())
		if err != nil {
			return cachedPage{}, err
		}
		gen = g
	case q.sess == nil:
		h, err := build()
		return cachedPage{HTML: h}, err
	default:
		gen, a = q.sess.Gen, q.actor
	}
	// The generation was read before anything the page shows: an entry may
	// hold data newer than its key, never older. The day is part of the
	// key too, for what changes with the date alone (ratings lapse,
	// interests near their end, "还剩 3 天").
	key := gen.String() + "\x00" + s.today() + "\x00" + scopeKey(a) + "\x00" + page + "\x00" + r.URL.Path + "?" + r.URL.RawQuery
	return s.cache.doPage(key, build)
}

// today is the store clock's day in Shanghai, the day pages count in.
func (s *server) today() string {
	return s.st.Now().In(zhuxiang.Shanghai).Format(zhuxiang.DateLayout)
}

// fragment renders the template name of page with data, or takes it from
// the response cache under the request's generation and scope and part,
// which must name everything else the template reads from data. A page
// keeps apart in this way a part that many of its URLs share: the
// organization list's selects are the same for every search text, and
// rendering them was half the cost of a search nobody had asked for yet.
func (s *server) fragment(q *request, page, name, part string, data any) (template.HTML, error) {
	build := func() (template.HTML, error) {
		var b bytes.Buffer
		if err := s.pages[page].ExecuteTemplate(&b, name, data); err != nil {
			return "", err
		}
		return template.HTML(b.String()), nil
	}
	if q == nil || q.sess == nil {
		return build()
	}
	return s.cache.do(q.sess.Gen.String()+"\x00"+scopeKey(q.actor)+"\x00"+page+"\x00"+name+"\x00"+part, build)
}
