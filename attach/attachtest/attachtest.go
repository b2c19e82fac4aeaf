// Package attachtest makes the files the upload tests of the store, the
// pages and the API send: small photos drawn in memory, and a JPEG
// carrying the GPS position of a home in its EXIF, as a phone writes it.
// Package attach's own tests build the same pieces by hand.
package attachtest

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
)

// Secret is written into the metadata of GPSJPEG: no stored or served
// byte may contain it.
const Secret = "HOME-41.7N-86.1E"

// photo draws a w×h gradient.
func photo(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetNRGBA(x, y, color.NRGBA{uint8(x), uint8(y), 128, 255})
		}
	}
	return img
}

// JPEG is a w×h photo without metadata.
func JPEG(w, h int) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, photo(w, h), nil); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// PNG is a w×h picture.
func PNG(w, h int) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, photo(w, h)); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// GPSJPEG is a w×h photo with an EXIF segment holding Secret as its
// description and a GPS position (N 41° 45', E 86° 9'), little-endian.
func GPSJPEG(w, h int) []byte {
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
	desc := Secret + "\x00"
	gpsAt := uint32(8 + 2 + 2*12 + 4 + len(desc))
	t = append(t, 2, 0)
	t = append(t, entry(0x010E, 2, uint32(len(desc)), 8+2+2*12+4)...) // ImageDescription
	t = append(t, entry(0x8825, 4, 1, gpsAt)...)                      // GPSInfo
	t = append(t, 0, 0, 0, 0)
	t = append(t, desc...)
	ratAt := gpsAt + 2 + 4*12 + 4
	t = append(t, 4, 0)
	t = append(t, entry(1, 2, 2, uint32('N'))...)
	t = append(t, entry(2, 5, 3, ratAt)...)
	t = append(t, entry(3, 2, 2, uint32('E'))...)
	t = append(t, entry(4, 5, 3, ratAt+24)...)
	t = append(t, 0, 0, 0, 0)
	for _, v := range []uint32{41, 1, 45, 1, 0, 1, 86, 1, 9, 1, 0, 1} {
		t = le.AppendUint32(t, v)
	}
	seg := append([]byte("Exif\x00\x00"), t...)
	app1 := append([]byte{0xFF, 0xE1, byte((len(seg) + 2) >> 8), byte(len(seg) + 2)}, seg...)
	j := JPEG(w, h)
	out := append([]byte{}, j[:2]...)
	out = append(out, app1...)
	return append(out, j[2:]...)
}

// PDF is a minimal PDF document.
func PDF() []byte {
	return []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
}
