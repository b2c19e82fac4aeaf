package attach

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"zhuxiang"
)

// photo draws a w×h picture with a gradient, so that its thumbnail has
// something to average.
func photo(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetNRGBA(x, y, color.NRGBA{uint8(x), uint8(y), 128, 255})
		}
	}
	return img
}

func jpegOf(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, photo(w, h), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func pngOf(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, photo(w, h)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// secret is written into the metadata of the test photos: it must not be
// in anything kept.
const secret = "HOME-41.7N-86.1E"

// gpsExif is an APP1 segment as a phone writes it: IFD0 with an
// orientation, an image description and a pointer to a GPS IFD holding
// latitude N 41° 45' 0" and longitude E 86° 9' 0", little-endian.
func gpsExif(orient uint16) []byte {
	le := binary.LittleEndian
	t := []byte{'I', 'I', 42, 0, 8, 0, 0, 0}
	entry := func(tag, typ uint16, count, value uint32) []byte {
		e := make([]byte, 12)
		le.PutUint16(e, tag)
		le.PutUint16(e[2:], typ)
		le.PutUint32(e[4:], count)
		le.PutUint32(e[8:], value)
		return e
	}
	// IFD0 at 8: 3 entries (2+36+4 bytes) → description at 50, GPS IFD at 50+len.
	desc := secret + "\x00"
	gpsAt := uint32(50 + len(desc))
	t = append(t, 3, 0)
	t = append(t, entry(0x010E, 2, uint32(len(desc)), 50)...) // ImageDescription
	t = append(t, entry(0x0112, 3, 1, uint32(orient))...)     // Orientation
	t = append(t, entry(0x8825, 4, 1, gpsAt)...)              // GPSInfo
	t = append(t, 0, 0, 0, 0)                                 // no IFD1
	t = append(t, desc...)                                    // at 50
	ratAt := gpsAt + 2 + 4*12 + 4                             // rationals after the GPS IFD
	t = append(t, 4, 0)                                       // GPS IFD: 4 entries
	t = append(t, entry(1, 2, 2, uint32('N'))...)             // GPSLatitudeRef
	t = append(t, entry(2, 5, 3, ratAt)...)                   // GPSLatitude
	t = append(t, entry(3, 2, 2, uint32('E'))...)             // GPSLongitudeRef
	t = append(t, entry(4, 5, 3, ratAt+24)...)                // GPSLongitude
	t = append(t, 0, 0, 0, 0)
	for _, v := range []uint32{41, 1, 45, 1, 0, 1, 86, 1, 9, 1, 0, 1} {
		t = le.AppendUint32(t, v)
	}
	seg := append([]byte("Exif\x00\x00"), t...)
	return append([]byte{0xFF, 0xE1, byte((len(seg) + 2) >> 8), byte(len(seg) + 2)}, seg...)
}

// withSegments puts segments right after a JPEG's SOI, and data after its end.
func withSegments(j []byte, trailer []byte, segs ...[]byte) []byte {
	out := append([]byte{}, j[:2]...)
	for _, s := range segs {
		out = append(out, s...)
	}
	out = append(out, j[2:]...)
	return append(out, trailer...)
}

func segment(marker byte, payload string) []byte {
	return append([]byte{0xFF, marker, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}, payload...)
}

// withChunks puts chunks before a PNG's IEND.
func withChunks(p []byte, chunks ...[2]string) []byte {
	iend := bytes.LastIndex(p, []byte("IEND")) - 4
	out := append([]byte{}, p[:iend]...)
	for _, c := range chunks {
		out = binary.BigEndian.AppendUint32(out, uint32(len(c[1])))
		body := append([]byte(c[0]), c[1]...)
		out = append(out, body...)
		out = binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(body))
	}
	return append(out, p[iend:]...)
}

func TestVetRefuses(t *testing.T) {
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	exe := append([]byte("MZ\x90\x00\x03"), make([]byte, 200)...)
	big := append(append([]byte{}, pdf...), make([]byte, 11<<20)...)
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"空.jpg", nil, "请选择文件"},
		{"照片.jpg", pdf, "扩展名为 .jpg，但内容是 PDF"},
		{"照片.jpg", exe, "只能是 JPEG、PNG 图片或 PDF"},
		{"照片.jpg", []byte("<html><script>alert(1)</script></html>"), "只能是 JPEG、PNG"},
		{"logo.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), "只能是 JPEG、PNG"},
		{"照片.jpg", []byte("\xef\xbb\xbf<svg onload=alert(1)>"), "只能是 JPEG、PNG"},
		{"照片.png", jpegOf(t, 8, 8), "扩展名为 .png，但内容是 JPEG"},
		{"报告.pdf", pngOf(t, 8, 8), "扩展名为 .pdf，但内容是 PNG"},
		{"照片.exe", jpegOf(t, 8, 8), "扩展名为 .exe"},
		{"照片.html", pngOf(t, 8, 8), "扩展名为 .html"},
		{"照片.webp", []byte("RIFF\x10\x00\x00\x00WEBPVP8 "), "WebP"},
		{"大.pdf", big, "文件大小为 11 MB，超过了 10 MB 的上限"},
		{"断.jpg", jpegOf(t, 64, 64)[:300], "已损坏或不完整"},
		{"断.png", pngOf(t, 64, 64)[:60], "已损坏或不完整"},
	} {
		_, err := Vet(c.name, c.data)
		if err == nil || !strings.Contains(zhuxiang.ErrorMessage(err), c.want) || zhuxiang.ErrorField(err) != "file" {
			t.Errorf("Vet(%q, %d bytes) = %v; want a refusal on file saying %q", c.name, len(c.data), err, c.want)
		}
	}
}

func TestVetJPEGLosesLocation(t *testing.T) {
	xmp := segment(0xE1, "http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>"+secret+"</x:xmpmeta>")
	iptc := segment(0xED, "Photoshop 3.0\x00"+secret)
	com := segment(0xFE, secret)
	icc := segment(0xE2, "ICC_PROFILE\x00\x01\x01fake profile")
	mpf := segment(0xE2, "MPF\x00"+secret)
	for _, c := range []struct {
		name   string
		orient uint16
		w, h   int
		tw, th int // thumbnail, upright
	}{
		{"upright", 1, 640, 320, 320, 160},
		{"turned right", 6, 640, 320, 160, 320},
		{"turned left", 8, 400, 800, 320, 160},
		{"small", 3, 100, 50, 100, 50},
	} {
		t.Run(c.name, func(t *testing.T) {
			// A second image after the end, as MPF appends one, with its own GPS.
			trailer := withSegments(jpegOf(t, 16, 16), nil, gpsExif(1))
			src := withSegments(jpegOf(t, c.w, c.h), trailer, segment(0xE0, "JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"), gpsExif(c.orient), xmp, iptc, com, icc, mpf)
			f, err := Vet("IMG_0001.JPG", src)
			if err != nil {
				t.Fatal(err)
			}
			if f.Type != JPEG || f.Name != "IMG_0001.JPG" || f.Width != c.w || f.Height != c.h {
				t.Errorf("kept %q %s %d×%d", f.Name, f.Type, f.Width, f.Height)
			}
			for _, leak := range []string{secret, "xmpmeta", "Photoshop", "MPF", "\x25\x88", "\x88\x25"} {
				if bytes.Contains(f.Data, []byte(leak)) {
					t.Errorf("kept bytes still hold %q", leak)
				}
			}
			if !bytes.Contains(f.Data, []byte("ICC_PROFILE")) || !bytes.Contains(f.Data, []byte("JFIF")) {
				t.Error("the colour profile or JFIF header went too")
			}
			if bytes.Count(f.Data, []byte{0xFF, 0xD8}) != 1 {
				t.Error("the appended second image is still there")
			}
			hasExif := bytes.Contains(f.Data, []byte("Exif\x00\x00"))
			if hasExif != (c.orient != 1) {
				t.Errorf("minimal EXIF present = %v for orientation %d", hasExif, c.orient)
			}
			_, orient, err := StripJPEG(f.Data)
			if err != nil || orient != int(c.orient) {
				t.Errorf("orientation read back = %d, %v; want %d", orient, err, c.orient)
			}
			// The scans are the source's, byte for byte.
			sos := func(b []byte) []byte {
				return b[bytes.Index(b, []byte{0xFF, 0xDA}):bytes.LastIndex(b, []byte{0xFF, 0xD9})]
			}
			if !bytes.Equal(sos(f.Data), sos(jpegOf(t, c.w, c.h))) {
				t.Error("image data changed")
			}
			if _, err := jpeg.Decode(bytes.NewReader(f.Data)); err != nil {
				t.Errorf("kept JPEG does not decode: %v", err)
			}
			th, err := jpeg.Decode(bytes.NewReader(f.Thumb))
			if err != nil {
				t.Fatal(err)
			}
			if b := th.Bounds(); b.Dx() != c.tw || b.Dy() != c.th {
				t.Errorf("thumbnail %d×%d, want %d×%d", b.Dx(), b.Dy(), c.tw, c.th)
			}
		})
	}
}

func TestVetPNGLosesText(t *testing.T) {
	src := withChunks(pngOf(t, 500, 1000),
		[2]string{"eXIf", string(gpsExif(1)[10:])},
		[2]string{"tEXt", "Comment\x00" + secret},
		[2]string{"iTXt", "Location\x00\x00\x00\x00\x00" + secret},
		[2]string{"zTXt", "Author\x00\x00x"},
		[2]string{"tIME", "\x07\xea\x0c\x03\x08\x00\x00"},
		[2]string{"gAMA", "\x00\x00\xb1\x8f"},
	)
	src = append(src, "trailing "+secret...)
	f, err := Vet("截图", src)
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{secret, "eXIf", "tEXt", "iTXt", "zTXt", "tIME"} {
		if bytes.Contains(f.Data, []byte(leak)) {
			t.Errorf("kept PNG still holds %q", leak)
		}
	}
	if !bytes.Contains(f.Data, []byte("gAMA")) {
		t.Error("the gamma chunk went too")
	}
	if f.Name != "截图.png" || f.Type != PNG {
		t.Errorf("kept as %q %s", f.Name, f.Type)
	}
	if _, err := png.Decode(bytes.NewReader(f.Data)); err != nil {
		t.Errorf("kept PNG does not decode: %v", err)
	}
	th, err := jpeg.Decode(bytes.NewReader(f.Thumb))
	if err != nil {
		t.Fatal(err)
	}
	if b := th.Bounds(); b.Dx() != 160 || b.Dy() != 320 {
		t.Errorf("thumbnail %v, want 160×320", b)
	}
}

func TestVetPDF(t *testing.T) {
	pdf := []byte("%PDF-1.7\n%%EOF\n")
	f, err := Vet("../../报告", pdf)
	if err != nil {
		t.Fatal(err)
	}
	if f.Type != PDF || f.Name != "报告.pdf" || f.Thumb != nil || !bytes.Equal(f.Data, pdf) {
		t.Errorf("kept %+v", f)
	}
}

// A file a few hundred bytes long claiming 50000×50000 pixels is refused
// from its header, without the gigabytes decoding it would take.
func TestVetRefusesPixelBombs(t *testing.T) {
	p := pngOf(t, 1, 1)
	pngBomb := append([]byte{}, p...)
	binary.BigEndian.PutUint32(pngBomb[16:], 50000)
	binary.BigEndian.PutUint32(pngBomb[20:], 50000)
	binary.BigEndian.PutUint32(pngBomb[29:], crc32.ChecksumIEEE(pngBomb[12:29]))
	strip := append([]byte{}, p...)
	binary.BigEndian.PutUint32(strip[16:], 30000)
	binary.BigEndian.PutUint32(strip[29:], crc32.ChecksumIEEE(strip[12:29]))
	j := jpegOf(t, 8, 8)
	jpegBomb := append([]byte{}, j...)
	sof := bytes.Index(jpegBomb, []byte{0xFF, 0xC0})
	binary.BigEndian.PutUint16(jpegBomb[sof+5:], 50000)
	binary.BigEndian.PutUint16(jpegBomb[sof+7:], 50000)
	for _, c := range []struct {
		name string
		data []byte
	}{{"bomb.png", pngBomb}, {"bomb.jpg", jpegBomb}, {"strip.png", strip}} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := Vet(c.name, c.data)
		runtime.ReadMemStats(&after)
		if err == nil || !strings.Contains(zhuxiang.ErrorMessage(err), "像素") {
			t.Errorf("%s: Vet = %v; want refused for its pixels", c.name, err)
		}
		if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
			t.Errorf("%s: refusing it allocated %d bytes", c.name, n)
		}
	}
}

func TestSafeName(t *testing.T) {
	long := strings.Repeat("长", 300) + ".jpg"
	for _, c := range []struct{ in, want string }{
		{"照片.jpg", "照片.jpg"},
		{"../../etc/passwd", "passwd"},
		{"/etc/shadow", "shadow"},
		{`C:\Users\张三\桌面\合影.jpg`, "合影.jpg"},
		{`..\..\windows\win.ini`, "win.ini"},
		{"a\x00b.jpg", "ab.jpg"},
		{"re\x1b[31mport\r\n.pdf", "re[31mport.pdf"},
		{"invoice\u202egpj.exe", "invoicegpj.exe"},
		{"CON.jpg", "_CON.jpg"},
		{"lpt1", "_lpt1"},
		{"aux .png", "_aux .png"},
		{"...", "附件"},
		{"..", "附件"},
		{"", "附件"},
		{"  .hidden.png  ", "hidden.png"},
		{`a:b*c?"<>|.png`, "abc.png"},
		{"\xff\xfe坏.png", "坏.png"},
		{long, strings.Repeat("长", MaxNameRunes-4) + ".jpg"},
	} {
		if got := SafeName(c.in); got != c.want {
			t.Errorf("SafeName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestServe(t *testing.T) {
	for _, c := range []struct {
		f        Served
		ctype    string
		disp     string
		filename string
	}{
		{Served{Name: "合影.jpg", Type: JPEG, SHA: "ab", Data: []byte("jpegdata")}, JPEG, "inline", `inline; filename*=utf-8''%E5%90%88%E5%BD%B1.jpg`},
		{Served{Name: "logo.png", Type: PNG, Data: []byte("png")}, PNG, "inline", `inline; filename=logo.png`},
		{Served{Name: "报告.pdf", Type: PDF, Data: []byte("%PDF-")}, PDF, "attachment", `attachment; filename*=utf-8''%E6%8A%A5%E5%91%8A.pdf`},
		{Served{Name: "协议.jpg", Type: JPEG, Data: []byte("x"), Download: true}, JPEG, "attachment", `attachment; filename*=utf-8''%E5%8D%8F%E8%AE%AE.jpg`},
		{Served{Name: "x.html", Type: "text/html", Data: []byte("<script>")}, "application/octet-stream", "attachment", `attachment; filename=x.html`},
		{Served{Name: `a"; b.jpg`, Type: JPEG, Data: []byte("x")}, JPEG, "inline", `inline; filename="a\"; b.jpg"`},
	} {
		rec := httptest.NewRecorder()
		Serve(rec, httptest.NewRequest("GET", "/x", nil), c.f)
		h := rec.Header()
		if rec.Code != 200 || h.Get("Content-Type") != c.ctype || !strings.HasPrefix(h.Get("Content-Disposition"), c.disp+";") ||
			!strings.Contains(h.Get("Content-Disposition"), c.filename) || h.Get("X-Content-Type-Options") != "nosniff" ||
			h.Get("Content-Security-Policy") != "default-src 'none'; sandbox" || rec.Body.String() != string(c.f.Data) {
			t.Errorf("Serve(%q) = %d %v %q", c.f.Name, rec.Code, h, rec.Body.String())
		}
	}
	// The SHA is the ETag: a phone that has the file gets 304.
	req := httptest.NewRequest("GET", "/x", nil)
	req.Header.Set("If-None-Match", `"ab"`)
	rec := httptest.NewRecorder()
	Serve(rec, req, Served{Name: "a.jpg", Type: JPEG, SHA: "ab", Data: []byte("x")})
	if rec.Code != http.StatusNotModified {
		t.Errorf("If-None-Match: %d, want 304", rec.Code)
	}
}

func TestThumbName(t *testing.T) {
	for in, want := range map[string]string{"合影.png": "合影-缩略图.jpg", "IMG_1.JPG": "IMG_1-缩略图.jpg", "2024.12 照片": "2024.12 照片-缩略图.jpg"} {
		if got := ThumbName(in); got != want {
			t.Errorf("ThumbName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSize(t *testing.T) {
	for n, want := range map[int64]string{10 << 20: "10 MB", 11 << 20: "11 MB", 11<<20 + 200<<10: "11.2 MB", 300 << 10: "300 KB", 12: "12 字节"} {
		if got := Size(n); got != want {
			t.Errorf("Size(%d) = %q, want %q", n, got, want)
		}
	}
}
