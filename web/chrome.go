package web

import (
	"bytes"
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"sync"
)

// chromeCache keeps the layout around pre-rendered content (the
// organization list keeps its content with its cached page): the part
// before the content and the part after it, keyed by everything the layout
// reads. A list page served from the page cache then runs no template at
// all; executing the layout had been a fifth of that page's CPU, most of it
// html/template's escapers called through reflection.
type chromeCache struct {
	mu sync.Mutex
	m  map[string][2]string
}

// chromeCacheMax bounds the cache; past it the cache starts over. Keys
// include the session's CSRF token, so there is one entry per session and
// page title.
const chromeCacheMax = 4096

// chromeSentinel stands for the content while the layout is rendered; it
// cannot occur in a rendered page, because html/template escapes NUL.
const chromeSentinel = template.HTML("\x00zhuxiang-content\x00")

// chromeKey names every field of v that layout.html reads, except Data.
// A field the layout starts to read must be added here, or pages would be
// wrapped in another user's or another moment's layout;
// TestChromeKeyCoversLayout changes each field in turn to catch that.
func (s *server) chromeKey(v *view) string {
	var b strings.Builder
	b.Grow(160)
	// NUL separates the parts: no field can hold one (html/template
	// escapes it, and forms refuse control characters).
	for _, part := range []string{v.Title, s.navKey(v), v.Scope, v.CSRF, strconv.Itoa(v.Year), strconv.Itoa(v.Unread), v.UnreadLabel, v.Flash, v.Warn, strconv.FormatBool(v.Public)} {
		b.WriteString(part)
		b.WriteByte(0)
	}
	if u := v.User; u != nil {
		b.WriteString(u.DisplayName)
		b.WriteByte(0)
		b.WriteString(string(u.Role))
		b.WriteByte(0)
		b.WriteString(strconv.FormatBool(u.MustChangePassword))
	}
	return b.String()
}

// wrap writes content inside the layout for v to b, rendering the layout
// once per key.
func (s *server) wrap(b *bytes.Buffer, v *view, content template.HTML) error {
	key := s.chromeKey(v)
	s.chrome.mu.Lock()
	parts, ok := s.chrome.m[key]
	s.chrome.mu.Unlock()
	if !ok {
		w := *v
		w.Data = chromeSentinel
		var out bytes.Buffer
		if err := s.pages["cached"].ExecuteTemplate(&out, "layout", &w); err != nil {
			return err
		}
		before, after, found := strings.Cut(out.String(), string(chromeSentinel))
		if !found {
			return fmt.Errorf("layout lost its content")
		}
		parts = [2]string{before, after}
		s.chrome.mu.Lock()
		if s.chrome.m == nil || len(s.chrome.m) >= chromeCacheMax {
			s.chrome.m = map[string][2]string{}
		}
		s.chrome.m[key] = parts
		s.chrome.mu.Unlock()
	}
	b.Grow(len(parts[0]) + len(content) + len(parts[1]))
	b.WriteString(parts[0])
	b.WriteString(string(content))
	b.WriteString(parts[1])
	return nil
}
