package attach

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
)

// Thumbnail shrinks an image so its longer side is at most side pixels
// (never enlarging it), turns it upright by its EXIF orientation (1–8),
// and encodes it as a JPEG. The shrinking averages each box of source
// pixels (a box filter): for reductions by large factors, as here, it
// looks as good as a cubic filter, reads every source pixel once, and
// needs no dependency (the standard library has no resize).
func Thumbnail(img image.Image, orient, side int) ([]byte, error) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	tw, th := w, h
	if w >= h && w > side {
		tw, th = side, max(1, int(int64(h)*int64(side)/int64(w)))
	} else if h > w && h > side {
		tw, th = max(1, int(int64(w)*int64(side)/int64(h))), side
	}
	small := shrink(img, tw, th)
	small = orientImage(small, orient)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, small, &jpeg.Options{Quality: 80}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// shrink averages img into a tw×th image; transparent pixels are laid on
// white, as a thumbnail on a page is.
func shrink(img image.Image, tw, th int) *image.RGBA {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	dst := image.NewRGBA(image.Rect(0, 0, tw, th))
	// One row of sums per destination row, filled as source rows are read.
	sums := make([]uint64, tw*4)
	counts := make([]uint64, tw)
	at := pixelReader(img)
	ty := 0
	for y := 0; y < h; y++ {
		dy := int(int64(y) * int64(th) / int64(h))
		if dy != ty {
			flush(dst, ty, sums, counts)
			ty = dy
		}
		for x := 0; x < w; x++ {
			dx := int(int64(x) * int64(tw) / int64(w))
			r, g, bl, a := at(b.Min.X+x, b.Min.Y+y)
			// Over white: c + (1-a)·white, in 16-bit premultiplied terms.
			r += 0xffff - a
			g += 0xffff - a
			bl += 0xffff - a
			s := sums[dx*4:]
			s[0] += uint64(r)
			s[1] += uint64(g)
			s[2] += uint64(bl)
			counts[dx]++
		}
	}
	flush(dst, ty, sums, counts)
	return dst
}

func flush(dst *image.RGBA, y int, sums, counts []uint64) {
	for x, n := range counts {
		if n == 0 {
			continue
		}
		s := sums[x*4:]
		dst.SetRGBA(x, y, color.RGBA{uint8(s[0] / n >> 8), uint8(s[1] / n >> 8), uint8(s[2] / n >> 8), 0xff})
		s[0], s[1], s[2], counts[x] = 0, 0, 0, 0
	}
}

// pixelReader reads a pixel as 16-bit premultiplied RGBA without the
// allocation of image.At for the types the decoders return most.
func pixelReader(img image.Image) func(x, y int) (r, g, b, a uint32) {
	switch m := img.(type) {
	case *image.YCbCr:
		return func(x, y int) (uint32, uint32, uint32, uint32) {
			c := m.YCbCrAt(x, y)
			r, g, b := color.YCbCrToRGB(c.Y, c.Cb, c.Cr)
			return uint32(r) * 0x101, uint32(g) * 0x101, uint32(b) * 0x101, 0xffff
		}
	case *image.NRGBA:
		return func(x, y int) (uint32, uint32, uint32, uint32) { return m.NRGBAAt(x, y).RGBA() }
	case *image.RGBA:
		return func(x, y int) (uint32, uint32, uint32, uint32) { return m.RGBAAt(x, y).RGBA() }
	case *image.Gray:
		return func(x, y int) (uint32, uint32, uint32, uint32) { return m.GrayAt(x, y).RGBA() }
	}
	return func(x, y int) (uint32, uint32, uint32, uint32) { return img.At(x, y).RGBA() }
}

// orientImage turns an image stored with an EXIF orientation upright.
func orientImage(s *image.RGBA, orient int) *image.RGBA {
	if orient <= 1 || orient > 8 {
		return s
	}
	w, h := s.Bounds().Dx(), s.Bounds().Dy()
	dw, dh := w, h
	if orient >= 5 {
		dw, dh = h, w
	}
	d := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < dh; y++ {
		for x := 0; x < dw; x++ {
			var sx, sy int
			switch orient {
			case 2:
				sx, sy = w-1-x, y
			case 3:
				sx, sy = w-1-x, h-1-y
			case 4:
				sx, sy = x, h-1-y
			case 5:
				sx, sy = y, x
			case 6:
				sx, sy = y, h-1-x
			case 7:
				sx, sy = w-1-y, h-1-x
			case 8:
				sx, sy = w-1-y, x
			}
			d.SetRGBA(x, y, s.RGBAAt(sx, sy))
		}
	}
	return d
}
