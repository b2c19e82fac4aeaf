// Package attach vets uploaded attachments — photos and PDFs of progress
// reports, brands' logos, cases — before anything keeps or serves them. It
// is an adapter over the standard library's image decoders and does no I/O:
// Vet takes a name and the bytes and returns a File whose type was found
// from its content, whose name is safe to show, whose metadata that could
// tell where a photo was taken is gone, and, for an image, a small JPEG
// thumbnail; Serve sends one back so that a browser never runs it.
//
// What is accepted: JPEG, PNG and PDF, recognised by content, at most
// MaxBytes, images at most MaxPixels (checked from the header before the
// image is decoded, so a small file claiming 50000×50000 pixels is refused
// without allocating them). WebP is refused: the standard library does not
// decode it and its metadata (EXIF, XMP chunks) would need a third stripper.
// A file whose name has an extension that is not its content's (a PDF or a
// program named .jpg) is refused: whoever sent it was mistaken or lying.
//
// Location: a JPEG keeps its image data byte for byte but loses every
// APP1 (Exif, XMP), APP3–APP13, APP15 and COM segment, APP2 segments other
// than the ICC profile (MPF and its appended second image), and anything
// after the end of image; when the photo had an EXIF orientation, a
// minimal EXIF holding only that orientation is written back, so phones'
// photos still show upright, and the thumbnail is turned accordingly. A
// PNG keeps only its critical chunks and those about colour (tRNS, gAMA,
// cHRM, sRGB, iCCP, sBIT, bKGD, pHYs): eXIf, tEXt, iTXt, zTXt and any
// other chunk go.
package attach

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // registers the decoder DecodeConfig and Decode use
	_ "image/png"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"zhuxiang"
)

// Limits of an upload.
const (
	// MaxBytes bounds an uploaded file, as the agreement files are bounded.
	MaxBytes = 10 << 20
	// MaxPixels bounds an image's width × height: a 24-megapixel camera
	// photo fits, a decompression bomb does not. Images of 16 bits a
	// channel are held to half of it, since they decode to twice the bytes.
	MaxPixels = 30_000_000
	// MaxSide bounds either side of an image, so that a 1×30000000 strip
	// is refused too.
	MaxSide = 20_000
	// ThumbSide is the longest side of a thumbnail in pixels.
	ThumbSide = 320
	// MaxNameRunes bounds a display name; longer names are shortened,
	// keeping their extension.
	MaxNameRunes = 100
)

// The types an attachment can have, found from its content.
const (
	JPEG = "image/jpeg"
	PNG  = "image/png"
	PDF  = "application/pdf"
)

// File is a vetted attachment: Data is what is kept (metadata stripped),
// Thumb a JPEG thumbnail for an image (nil for a PDF).
type File struct {
	Name          string // safe to show and to offer as a download name
	Type          string // JPEG, PNG or PDF
	Data          []byte
	Width, Height int // of an image as stored (before any EXIF orientation)
	Thumb         []byte
}

// IsImage says whether a type is shown inline and has a thumbnail.
func IsImage(typ string) bool { return typ == JPEG || typ == PNG }

// Ext is the extension a file of the type gets when it is downloaded.
func Ext(typ string) string {
	switch typ {
	case JPEG:
		return ".jpg"
	case PNG:
		return ".png"
	case PDF:
		return ".pdf"
	}
	return ""
}

// Detect finds a file's type from its first bytes, never from its name.
// HTML, SVG (which can carry script), programs, WebP and everything else
// are refused with a message naming what is accepted.
func Detect(data []byte) (string, error) {
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return PDF, nil
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return JPEG, nil
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return PNG, nil
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return "", zhuxiang.Errorf(zhuxiang.EInvalid, "file", "暂不支持 WebP 图片，请另存为 JPEG 或 PNG 后再上传")
	}
	return "", zhuxiang.Errorf(zhuxiang.EInvalid, "file", "附件只能是 JPEG、PNG 图片或 PDF 文件（按文件内容识别，而非文件名）")
}

// extTypes maps the extensions a name may carry to the type its content
// must then have.
var extTypes = map[string]string{".jpg": JPEG, ".jpeg": JPEG, ".jpe": JPEG, ".jfif": JPEG, ".png": PNG, ".pdf": PDF}

// Vet checks an upload and returns what may be kept. Every refusal is a
// *zhuxiang.Error on the field "file" with a message in Chinese.
func Vet(name string, data []byte) (*File, error) {
	if len(data) == 0 {
		return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "file", "请选择文件（所选文件是空的）")
	}
	if len(data) > MaxBytes {
		return nil, zhuxiang.Errorf(zhuxiang.ETooLarge, "file", "文件大小为 %s，超过了 %s 的上限，请压缩后再上传", Size(int64(len(data))), Size(MaxBytes))
	}
	typ, err := Detect(data)
	if err != nil {
		return nil, err
	}
	name = SafeName(name)
	if ext := nameExt(name); ext == "" {
		name += Ext(typ)
	} else if extTypes[ext] != typ {
		return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "file", "文件名的扩展名为 %s，但内容是 %s，请确认所选文件", ext, typeLabel(typ))
	}
	f := &File{Name: name, Type: typ}
	switch typ {
	case PDF:
		f.Data = data
		return f, nil
	case JPEG:
		var orient int
		f.Data, orient, err = StripJPEG(data)
		if err != nil {
			return nil, err
		}
		return f, f.image(orient)
	default:
		f.Data, err = StripPNG(data)
		if err != nil {
			return nil, err
		}
		return f, f.image(1)
	}
}

// decoding bounds how many images are decoded at once: a 30-megapixel
// photo takes some 100 MB while it is shrunk, and uploads do not wait in
// the server's admission queue, so ten phones uploading at once must not
// take a gigabyte.
var decoding = make(chan struct{}, 2)

// image checks the stored image's dimensions from its header, then decodes
// it (proving it is whole) and makes its thumbnail.
func (f *File) image(orient int) error {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(f.Data))
	if err != nil {
		return broken(f.Type)
	}
	if err := CheckSize(cfg); err != nil {
		return err
	}
	decoding <- struct{}{}
	defer func() { <-decoding }()
	img, _, err := image.Decode(bytes.NewReader(f.Data))
	if err != nil {
		return broken(f.Type)
	}
	f.Width, f.Height = cfg.Width, cfg.Height
	f.Thumb, err = Thumbnail(img, orient, ThumbSide)
	return err
}

// CheckSize refuses an image whose header claims more pixels than
// MaxPixels (half for 16 bits a channel) or a side over MaxSide.
func CheckSize(cfg image.Config) error {
	limit := MaxPixels
	if cfg.ColorModel == color.RGBA64Model || cfg.ColorModel == color.NRGBA64Model || cfg.ColorModel == color.Gray16Model {
		limit /= 2
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > MaxSide || cfg.Height > MaxSide || int64(cfg.Width)*int64(cfg.Height) > int64(limit) {
		return zhuxiang.Errorf(zhuxiang.EInvalid, "file", "图片为 %d×%d 像素，超过了 %d 万像素（每边不超过 %d）的上限，请缩小后再上传",
			cfg.Width, cfg.Height, limit/10000, MaxSide)
	}
	return nil
}

func broken(typ string) error {
	return zhuxiang.Errorf(zhuxiang.EInvalid, "file", "%s文件已损坏或不完整，无法打开，请重新导出后再上传", typeLabel(typ))
}

func typeLabel(typ string) string {
	switch typ {
	case JPEG:
		return "JPEG 图片"
	case PNG:
		return "PNG 图片"
	case PDF:
		return "PDF "
	}
	return "未知类型"
}

// Size writes a byte count the way people read it: 10 MB, 11.2 MB, 300 KB.
func Size(n int64) string {
	switch {
	case n >= 1<<20:
		s := fmt.Sprintf("%.1f", float64(n)/(1<<20))
		return strings.TrimSuffix(s, ".0") + " MB"
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", (n+1<<10-1)>>10)
	}
	return fmt.Sprintf("%d 字节", n)
}

// nameExt is a name's extension in lower case when it looks like one: a
// dot and one to five ASCII letters or digits ("2024.12 照片" has none).
func nameExt(name string) string {
	i := strings.LastIndexByte(name, '.')
	if i < 0 || len(name)-i-1 < 1 || len(name)-i-1 > 5 {
		return ""
	}
	for _, c := range name[i+1:] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return ""
		}
	}
	return strings.ToLower(name[i:])
}

// SafeName turns an uploaded file's name into one safe to show and to
// offer as a download name. It is never used to store anything (files are
// kept by the SHA-256 of their bytes), but a browser or a user's unzip
// tool may use it: so only its last element is kept ("../../etc/passwd",
// "C:\\x\\y.jpg"), control, format (the right-to-left override that makes
// "gpj.exe" read "exe.jpg") and invalid characters are dropped, leading and
// trailing dots and spaces trimmed, Windows device names (CON, NUL, COM1…)
// prefixed with "_", and a long name shortened to MaxNameRunes keeping its
// extension. An empty result becomes "附件".
func SafeName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base("/" + name)
	var b strings.Builder
	for _, r := range name {
		switch {
		case r == utf8.RuneError, unicode.IsControl(r), unicode.In(r, unicode.Cf), r == '/',
			strings.ContainsRune(`<>:"|?*`, r):
			continue
		case unicode.IsSpace(r):
			r = ' '
		}
		b.WriteRune(r)
	}
	name = strings.Trim(b.String(), ". ")
	if r := []rune(name); len(r) > MaxNameRunes {
		ext := []rune(nameExt(name))
		name = strings.TrimRight(string(r[:MaxNameRunes-len(ext)]), ". ") + string(ext)
	}
	stem := strings.ToUpper(name)
	if i := strings.IndexByte(stem, '.'); i >= 0 {
		stem = stem[:i]
	}
	stem = strings.TrimRight(stem, " ")
	switch stem {
	case "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
		"LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9":
		name = "_" + name
	}
	if name == "" {
		return "附件"
	}
	return name
}
