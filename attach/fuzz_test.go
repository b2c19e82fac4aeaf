package attach

import (
	"bytes"
	"testing"
)

func FuzzDetect(f *testing.F) {
	for _, s := range []string{"%PDF-1.4", "\xff\xd8\xff\xe0", "\x89PNG\r\n\x1a\n", "RIFF\x00\x00\x00\x00WEBP", "<svg", "MZ", ""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		typ, err := Detect(b)
		if (err == nil) == (typ == "") || err == nil && Ext(typ) == "" {
			t.Fatalf("Detect = %q, %v", typ, err)
		}
	})
}

// A stripped JPEG holds no APP1 but the minimal EXIF, strips to itself, and
// keeps the orientation it reported.
func FuzzStripJPEG(f *testing.F) {
	f.Add(jpegOf(f, 8, 8))
	f.Add(withSegments(jpegOf(f, 4, 4), []byte("tail"), gpsExif(6), segment(0xFE, "c"), segment(0xE2, "ICC_PROFILE\x00x")))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xDA, 0, 2, 0xFF, 0x00, 0xFF, 0xD0, 0xFF, 0xFF, 0xD9})
	f.Fuzz(func(t *testing.T, b []byte) {
		out, orient, err := StripJPEG(b)
		if err != nil {
			return
		}
		if orient < 1 || orient > 8 || len(out) > len(b)+40 {
			t.Fatalf("orientation %d, %d bytes from %d", orient, len(out), len(b))
		}
		again, o2, err := StripJPEG(out)
		if err != nil || o2 != orient || !bytes.Equal(again, out) {
			t.Fatalf("stripping again: %v, orientation %d then %d, same = %v", err, orient, o2, bytes.Equal(again, out))
		}
	})
}

func FuzzStripPNG(f *testing.F) {
	f.Add(pngOf(f, 4, 4))
	f.Add(withChunks(pngOf(f, 2, 2), [2]string{"tEXt", "a\x00b"}, [2]string{"eXIf", "MM"}))
	f.Fuzz(func(t *testing.T, b []byte) {
		out, err := StripPNG(b)
		if err != nil {
			return
		}
		if len(out) > len(b) {
			t.Fatalf("%d bytes from %d", len(out), len(b))
		}
		again, err := StripPNG(out)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("stripping again: %v", err)
		}
	})
}

// Vet never panics and what it keeps is an image or PDF it would keep again.
func FuzzVet(f *testing.F) {
	f.Add("a.jpg", jpegOf(f, 8, 8))
	f.Add("b.png", pngOf(f, 8, 8))
	f.Add("c", []byte("%PDF-1.0"))
	f.Fuzz(func(t *testing.T, name string, b []byte) {
		v, err := Vet(name, b)
		if err != nil {
			return
		}
		again, err := Vet(v.Name, v.Data)
		if err != nil || again.Name != v.Name || !bytes.Equal(again.Data, v.Data) {
			t.Fatalf("vetting the kept file again: %v", err)
		}
	})
}
