package zhuxiang

// Attachment is what a record holds of a file attached to it — a report's
// photo, a brand's logo, a case's PDF: the bytes themselves are kept once
// by their SHA-256 (package attach vets them, the store keeps them), so a
// record names them. ThumbSHA is the thumbnail of an image, "" for a PDF;
// lists show the thumbnail, never the original.
type Attachment struct {
	Name     string // safe to show (attach.SafeName)
	Type     string // image/jpeg, image/png or application/pdf, from the content
	Size     int64  // of the bytes as stored
	SHA      string
	ThumbSHA string
	Width    int // of an image, 0 for a PDF
	Height   int
}

// IsImage says whether the attachment is shown as a picture.
func (a Attachment) IsImage() bool { return a.Type == "image/jpeg" || a.Type == "image/png" }
