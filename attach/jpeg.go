package attach

import (
	"bytes"
	"encoding/binary"
)

// StripJPEG returns a JPEG without the segments that can tell where or by
// whom it was taken (see the package comment for which go and which stay),
// its scans copied byte for byte, nothing after its end; and the EXIF
// orientation it had (1 when none), written back as a minimal EXIF holding
// nothing else. A file that is not a whole JPEG is refused.
func StripJPEG(data []byte) ([]byte, int, error) {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return nil, 0, broken(JPEG)
	}
	out := make([]byte, 0, len(data))
	out = append(out, 0xFF, 0xD8)
	orient := 1
	head := len(out) // where a minimal EXIF goes: after SOI and a JFIF APP0
	i := 2
	for {
		// A marker: one or more 0xFF, then its code.
		if i >= len(data) || data[i] != 0xFF {
			return nil, 0, broken(JPEG)
		}
		for i < len(data) && data[i] == 0xFF {
			i++
		}
		if i >= len(data) {
			return nil, 0, broken(JPEG)
		}
		m := data[i]
		i++
		switch {
		case m == 0xD9: // EOI: anything after it (an MPF second image, a trailer) goes
			out = append(out, 0xFF, 0xD9)
			return withOrientation(out, head, orient), orient, nil
		case m >= 0xD0 && m <= 0xD7, m == 0x01: // no length
			out = append(out, 0xFF, m)
			continue
		}
		if i+2 > len(data) {
			return nil, 0, broken(JPEG)
		}
		n := int(binary.BigEndian.Uint16(data[i:]))
		if n < 2 || i+n > len(data) {
			return nil, 0, broken(JPEG)
		}
		seg := data[i+2 : i+n]
		end := i + n
		keep := true
		switch {
		case m == 0xE1: // Exif, XMP
			if o := exifOrientation(seg); o != 0 {
				orient = o
			}
			keep = false
		case m == 0xE2:
			keep = bytes.HasPrefix(seg, []byte("ICC_PROFILE\x00"))
		case m == 0xE0, m == 0xEE: // JFIF, Adobe (needed to read CMYK colours right)
		case m >= 0xE3 && m <= 0xEF, m == 0xFE: // other applications' data, comments
			keep = false
		}
		if keep {
			out = append(out, 0xFF, m)
			out = append(out, data[i:end]...)
			if m == 0xE0 && head == 2 {
				head = len(out)
			}
		}
		i = end
		if m != 0xDA { // SOS: its entropy-coded data follows
			continue
		}
		// The scan runs to the first marker that is neither a stuffed
		// 0xFF00 nor a restart marker.
		j := i
		for {
			k := bytes.IndexByte(data[j:], 0xFF)
			if k < 0 || j+k+1 >= len(data) {
				return nil, 0, broken(JPEG)
			}
			j += k
			if c := data[j+1]; c == 0x00 || c >= 0xD0 && c <= 0xD7 || c == 0xFF {
				j += 1
				if c != 0xFF {
					j++
				}
				continue
			}
			break
		}
		out = append(out, data[i:j]...)
		i = j
	}
}

// withOrientation inserts, at head, an APP1 EXIF segment holding one tag,
// Orientation, when the photo must be turned to be seen upright.
func withOrientation(out []byte, head, orient int) []byte {
	if orient <= 1 || orient > 8 {
		return out
	}
	seg := []byte{0xFF, 0xE1, 0, 34, 'E', 'x', 'i', 'f', 0, 0,
		'M', 'M', 0, 42, 0, 0, 0, 8, // big-endian TIFF header, IFD0 at 8
		0, 1, // one entry
		0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, byte(orient), 0, 0, // Orientation, SHORT, 1
		0, 0, 0, 0} // no next IFD
	res := make([]byte, 0, len(out)+len(seg))
	res = append(res, out[:head]...)
	res = append(res, seg...)
	return append(res, out[head:]...)
}

// exifOrientation reads the Orientation tag (0x0112) of IFD0 from an APP1
// segment's payload; 0 when it is not EXIF or has none.
func exifOrientation(seg []byte) int {
	if !bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
		return 0
	}
	t := seg[6:]
	if len(t) < 8 {
		return 0
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 0
	}
	off := int64(bo.Uint32(t[4:]))
	if off+2 > int64(len(t)) {
		return 0
	}
	n := int64(bo.Uint16(t[off:]))
	for e := off + 2; e+12 <= int64(len(t)) && n > 0; e, n = e+12, n-1 {
		if bo.Uint16(t[e:]) == 0x0112 && bo.Uint16(t[e+2:]) == 3 {
			if o := int(bo.Uint16(t[e+8:])); o >= 1 && o <= 8 {
				return o
			}
			return 0
		}
	}
	return 0
}

// StripPNG returns a PNG holding only its critical chunks and those about
// colour, nothing after IEND. A file that is not a whole PNG is refused;
// chunks' checksums are left to the decoder, which Vet runs next.
func StripPNG(data []byte) ([]byte, error) {
	const sig = "\x89PNG\r\n\x1a\n"
	if !bytes.HasPrefix(data, []byte(sig)) {
		return nil, broken(PNG)
	}
	out := make([]byte, 0, len(data))
	out = append(out, sig...)
	for i := len(sig); ; {
		if i+12 > len(data) {
			return nil, broken(PNG)
		}
		n := int64(binary.BigEndian.Uint32(data[i:]))
		end := int64(i) + 12 + n
		if n > 1<<31-1 || end > int64(len(data)) {
			return nil, broken(PNG)
		}
		switch string(data[i+4 : i+8]) {
		case "IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA", "cHRM", "sRGB", "iCCP", "sBIT", "bKGD", "pHYs":
			out = append(out, data[i:end]...)
		default:
			// eXIf, tEXt, iTXt, zTXt, tIME and anything unknown. A
			// critical chunk the decoder would need is never unknown to
			// it, so dropping an unknown one cannot make an image unreadable.
		}
		if string(data[i+4:i+8]) == "IEND" {
			return out, nil
		}
		i = int(end)
	}
}
