package web

import (
	"bytes"
	"compress/gzip"
	"html/template"
	"io"
	"net/http"
	"strings"
	"testing"

	"zhuxiang"
)

// TestGzipPage splices pieces, some compressed before, into one stream and
// reads it back with the standard reader, which checks the CRC and length.
func TestGzipPage(t *testing.T) {
	long := []byte(strings.Repeat("<tr><td>和静县养殖协会</td><td>652827</td></tr>\n", 300))
	for _, tc := range []struct {
		name  string
		parts []gzipPart
	}{
		{"raw only", []gzipPart{{raw: []byte("<html>")}, {raw: long}, {raw: []byte("</html>")}}},
		{"cached middle", []gzipPart{{raw: []byte("<html><body>")}, {raw: long, z: newDeflated(long)}, {raw: []byte("</body></html>")}}},
		{"empty pieces", []gzipPart{{raw: nil}, {raw: long, z: newDeflated(long)}, {raw: []byte{}}}},
		{"all cached", []gzipPart{{raw: long, z: newDeflated(long)}, {raw: long, z: newDeflated(long)}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var want []byte
			for _, p := range tc.parts {
				want = append(want, p.raw...)
			}
			var b bytes.Buffer
			gzipPage(&b, tc.parts...)
			zr, err := gzip.NewReader(&b)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(zr)
			if err != nil {
				t.Fatalf("reading the stream: %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("got %d bytes back, want %d", len(got), len(want))
			}
			if len(want) > 4096 && b.Len() > len(want)/4 {
				t.Errorf("compressed to %d of %d bytes", b.Len(), len(want))
			}
		})
	}
}

func TestAcceptsGzip(t *testing.T) {
	for _, tc := range []struct {
		header string
		want   bool
	}{
		{"", false},
		{"gzip", true},
		{"gzip, deflate, br, zstd", true},
		{"br;q=1.0, gzip;q=0.8", true},
		{"GZIP", true},
		{"gzip;q=0", false},
		{"identity", false},
		{"*", true},
		{"gzip;q=0, *", false},
		{"deflate, br", false},
	} {
		r, _ := http.NewRequest(http.MethodGet, "/", nil)
		if tc.header != "" {
			r.Header.Set("Accept-Encoding", tc.header)
		}
		if got := acceptsGzip(r); got != tc.want {
			t.Errorf("Accept-Encoding %q: %v, want %v", tc.header, got, tc.want)
		}
	}
}

// TestPagesAreCompressed fetches pages as a browser that accepts gzip and
// as one that does not: the same page either way, compressed only for the
// first, with Vary set for caches in between. The organization list comes
// from the response cache, whose entry keeps its content compressed.
func TestPagesAreCompressed(t *testing.T) {
	e := newEnv(t)
	e.user("admin1", zhuxiang.RoleAdmin, "")
	for i, name := range []string{"和静县养殖协会", "若羌县枣业协会", "库尔勒市农技协会"} {
		e.org(name, []string{"652827", "652824", "652801"}[i], 70+i)
	}
	c := e.client()
	c.signIn("admin1")
	// A client that decodes nothing by itself, sharing the session.
	raw := &http.Client{Jar: c.hc.Jar, Transport: &http.Transport{DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	fetch := func(path, accept string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
		if accept != "" {
			req.Header.Set("Accept-Encoding", accept)
		}
		res, err := raw.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res, b
	}
	for _, path := range []string{"/orgs", "/orgs", "/orgs?county=652827", "/", "/audit", "/nope"} {
		plainRes, plain := fetch(path, "")
		zipRes, zipped := fetch(path, "gzip, deflate, br")
		if plainRes.Header.Get("Content-Encoding") != "" || !strings.Contains(string(plain), "</html>") {
			t.Fatalf("%s without gzip: encoding %q", path, plainRes.Header.Get("Content-Encoding"))
		}
		if zipRes.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("%s with gzip: encoding %q", path, zipRes.Header.Get("Content-Encoding"))
		}
		for _, res := range []*http.Response{plainRes, zipRes} {
			if !strings.Contains(strings.Join(res.Header.Values("Vary"), ","), "Accept-Encoding") {
				t.Errorf("%s: Vary %q lacks Accept-Encoding", path, res.Header.Values("Vary"))
			}
		}
		if zipRes.ContentLength != int64(len(zipped)) || len(zipped)*2 > len(plain) {
			t.Errorf("%s: %d bytes gzipped (Content-Length %d) of %d", path, len(zipped), zipRes.ContentLength, len(plain))
		}
		zr, err := gzip.NewReader(bytes.NewReader(zipped))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if string(got) != string(plain) {
			t.Errorf("%s: the gzipped page differs from the plain one", path)
		}
	}
}

// TestCachedPageKeepsItsCompression: a hit hands back the compressed bytes
// made when the entry was built, not a new compression.
func TestCachedPageKeepsItsCompression(t *testing.T) {
	c := newRespCache(1 << 20)
	builds := 0
	build := func() (template.HTML, error) {
		builds++
		return template.HTML(strings.Repeat("<p>和静县</p>", 200)), nil
	}
	first, err := c.doPage("k", build)
	if err != nil || first.z == nil {
		t.Fatalf("first: %v, compressed %v", err, first.z != nil)
	}
	second, _ := c.doPage("k", build)
	if builds != 1 || second.z != first.z {
		t.Errorf("a hit built %d times, compressed again: %v", builds, second.z != first.z)
	}
	if c.size != first.size() || first.size() <= len(first.HTML) {
		t.Errorf("the cache counts %d bytes for an entry of %d", c.size, first.size())
	}
}
