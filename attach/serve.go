package attach

import (
	"bytes"
	"mime"
	"net/http"
	"time"
)

// Served is what Serve sends: a kept file's bytes, the type found from its
// content when it was kept, the name to offer, and its SHA-256 (its ETag).
type Served struct {
	Name, Type, SHA string
	Data            []byte
	// Download sends even an image as a download (agreements are
	// documents to file, not pictures to look at).
	Download bool
}

// CSP is the Content-Security-Policy of every served attachment: nothing
// loads, nothing runs, and the document is sandboxed into an opaque origin
// should a browser ever render one as a page.
const CSP = "default-src 'none'; sandbox"

// Serve sends an attachment so that it can never run as a page of the
// site: the type it was kept with (anything but JPEG, PNG and PDF goes as
// application/octet-stream), nosniff, the sandboxing CSP, and inline only
// for an image; anything else is a download. The caller has checked that
// the actor may see it. The SHA is the ETag, so a phone that has the file
// asks again (private, no-cache: the check runs each time) and gets 304;
// ranges are served for PDF viewers.
func Serve(w http.ResponseWriter, r *http.Request, f Served) {
	ctype := f.Type
	if Ext(ctype) == "" {
		ctype = "application/octet-stream"
	}
	disp := "attachment"
	if IsImage(ctype) && !f.Download {
		disp = "inline"
	}
	name := f.Name
	if name == "" {
		name = "附件" + Ext(ctype)
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	// FormatMediaType quotes an ASCII name and encodes any other per RFC
	// 2231 (filename*=utf-8''…), and gives up ("") rather than emit a
	// broken header on a name it cannot encode.
	cd := mime.FormatMediaType(disp, map[string]string{"filename": name})
	if cd == "" {
		cd = disp + "; filename=file" + Ext(ctype)
	}
	h.Set("Content-Disposition", cd)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", CSP)
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Cache-Control", "private, no-cache")
	if f.SHA != "" {
		h.Set("ETag", `"`+f.SHA+`"`)
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.Data))
}

// ThumbName is the name a thumbnail is offered under: the original's stem,
// marked, as a JPEG ("合影.png" → "合影-缩略图.jpg").
func ThumbName(name string) string {
	if ext := nameExt(name); ext != "" {
		name = name[:len(name)-len(ext)]
	}
	return name + "-缩略图.jpg"
}
