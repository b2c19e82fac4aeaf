package web

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/crc32"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Pages are sent gzipped to browsers that accept it, like the stylesheet
// and the script: a list page shrinks to a fifth, which counts on a
// village's mobile connection. A page is its layout around its content; a
// page whose content comes from the response cache keeps that content
// compressed in the cache, and each request compresses only the layout
// (its own user, form token, badge) and splices the pieces into one gzip
// stream. This works because each piece is DEFLATE blocks that end
// byte-aligned and not final (a sync flush), and blocks compressed
// separately never point back into each other.

// gzipMin is the size below which a page is sent as it is: a few hundred
// bytes gain nothing from compression.
const gzipMin = 1024

// deflated is a piece compressed once: sync-flushed DEFLATE blocks.
type deflated struct {
	z []byte
}

// flatePool keeps compressors between requests: each holds about a
// megabyte of tables, too much to allocate per page.
var flatePool = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(io.Discard, flate.DefaultCompression)
	return w
}}

// deflateTo appends p to dst as sync-flushed DEFLATE blocks.
func deflateTo(dst *bytes.Buffer, p []byte) {
	fw := flatePool.Get().(*flate.Writer)
	fw.Reset(dst)
	fw.Write(p) // a bytes.Buffer does not fail
	fw.Flush()
	flatePool.Put(fw)
}

func newDeflated(p []byte) *deflated {
	var b bytes.Buffer
	deflateTo(&b, p)
	return &deflated{z: b.Bytes()}
}

// gzipHeader is a gzip member's header without a name or a time.
var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}

// gzipPart is one piece of a page: its bytes and, when it was compressed
// before, their DEFLATE blocks.
type gzipPart struct {
	raw []byte
	z   *deflated
}

// gzipPage writes the pieces as one gzip stream to dst.
func gzipPage(dst *bytes.Buffer, parts ...gzipPart) {
	dst.Write(gzipHeader)
	crc, size := uint32(0), 0
	for _, p := range parts {
		if p.z != nil {
			dst.Write(p.z.z)
		} else {
			deflateTo(dst, p.raw)
		}
		crc = crc32.Update(crc, crc32.IEEETable, p.raw)
		size += len(p.raw)
	}
	// The last block: empty, final, fixed codes.
	dst.Write([]byte{0x03, 0x00})
	dst.Write(binary.LittleEndian.AppendUint32(nil, crc))
	dst.Write(binary.LittleEndian.AppendUint32(nil, uint32(size)))
}

// acceptsGzip reads Accept-Encoding as RFC 9110 says: gzip listed without
// q=0, or * when gzip is not listed at all.
func acceptsGzip(r *http.Request) bool {
	gzip, star := -1.0, -1.0
	for _, h := range r.Header.Values("Accept-Encoding") {
		for _, item := range strings.Split(h, ",") {
			coding, params, _ := strings.Cut(strings.TrimSpace(item), ";")
			q := 1.0
			for _, p := range strings.Split(params, ";") {
				if k, v, ok := strings.Cut(strings.TrimSpace(p), "="); ok && strings.EqualFold(strings.TrimSpace(k), "q") {
					q, _ = strconv.ParseFloat(strings.TrimSpace(v), 64)
				}
			}
			switch strings.ToLower(strings.TrimSpace(coding)) {
			case "gzip", "x-gzip":
				gzip = max(gzip, q)
			case "*":
				star = max(star, q)
			}
		}
	}
	if gzip >= 0 {
		return gzip > 0
	}
	return star > 0
}
