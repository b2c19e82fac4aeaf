package zhuxiang

import "testing"

func TestAgreementType(t *testing.T) {
	cases := []struct {
		head []byte
		want string
	}{
		{[]byte("%PDF-1.7\n"), "application/pdf"},
		{[]byte{0xFF, 0xD8, 0xFF, 0xE0}, "image/jpeg"},
		{[]byte("\x89PNG\r\n\x1a\n...."), "image/png"},
		{[]byte("PK\x03\x04"), ""},     // a DOCX renamed to .pdf
		{[]byte("<html><script>"), ""}, // HTML posing as an image
		{[]byte{0xFF, 0xD8}, ""},       // truncated
	}
	for _, c := range cases {
		got, err := AgreementType(c.head)
		if got != c.want || (c.want == "") != (err != nil) {
			t.Errorf("AgreementType(%q) = %q, %v; want %q", c.head, got, err, c.want)
		}
	}
}

func FuzzAgreementType(f *testing.F) {
	f.Add([]byte("%PDF-1.4"))
	f.Add([]byte{0xFF, 0xD8, 0xFF})
	f.Fuzz(func(t *testing.T, b []byte) {
		typ, err := AgreementType(b)
		if (typ == "") != (err != nil) {
			t.Fatalf("type %q with error %v", typ, err)
		}
	})
}
