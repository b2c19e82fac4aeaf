package store_test

import (
	"bytes"
	"image"
	"image/jpeg"
	"slices"
	"testing"

	"zhuxiang"
	"zhuxiang/attach"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

// TestAttachmentFiles: a vetted photo is kept once by its SHA-256 however
// often it is attached, with its thumbnail as a file of its own, without
// its location; it stays while any record refers to it and goes, with its
// thumbnail, when the last reference goes.
func TestAttachmentFiles(t *testing.T) {
	defer store.AddFileRef("test_photos", "sha")()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 800, 400)), nil); err != nil {
		t.Fatal(err)
	}
	const secret = "GPS 41.75N 86.15E"
	app1 := "Exif\x00\x00MM\x00\x2a" + secret
	src := append([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0, byte(len(app1) + 2)}, app1...)
	src = append(src, buf.Bytes()[2:]...)
	f, err := attach.Vet("合影.jpg", src)
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		if _, err := st.WriteDB().ExecContext(ctx, `CREATE TABLE test_photos (id TEXT PRIMARY KEY, sha TEXT NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		count := func() int {
			var n int
			if err := st.WriteDB().QueryRowContext(ctx, `SELECT COUNT(*) FROM files`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		a1, err := st.KeepTestFile(ctx, zhuxiang.SystemActor, "p1", f)
		if err != nil {
			t.Fatal(err)
		}
		a2, err := st.KeepTestFile(ctx, zhuxiang.SystemActor, "p2", f)
		if err != nil {
			t.Fatal(err)
		}
		if a1 != a2 || a1.SHA == "" || a1.ThumbSHA == "" || a1.Name != "合影.jpg" || a1.Type != attach.JPEG || a1.Width != 800 || !a1.IsImage() {
			t.Fatalf("kept %+v and %+v", a1, a2)
		}
		if n := count(); n != 2 {
			t.Fatalf("%d files kept for one photo attached twice, want 2 (it and its thumbnail)", n)
		}
		data, err := st.FileData(ctx, a1.SHA)
		if err != nil || !bytes.Equal(data, f.Data) || bytes.Contains(data, []byte(secret)) || int64(len(data)) != a1.Size {
			t.Fatalf("kept bytes: %v, location kept = %v", err, bytes.Contains(data, []byte(secret)))
		}
		thumb, err := st.FileData(ctx, a1.ThumbSHA)
		if err != nil {
			t.Fatal(err)
		}
		if cfg, err := jpeg.DecodeConfig(bytes.NewReader(thumb)); err != nil || cfg.Width != 320 || cfg.Height != 160 {
			t.Fatalf("thumbnail %+v, %v", cfg, err)
		}
		if left, err := st.UnreferencedFiles(ctx); err != nil || len(left) != 0 {
			t.Fatalf("unreferenced: %v %v", left, err)
		}
		if s, err := st.Served(ctx, a1, true); err != nil || s.Type != attach.JPEG || s.Name != "合影-缩略图.jpg" || !bytes.Equal(s.Data, thumb) || s.SHA != a1.ThumbSHA {
			t.Fatalf("thumbnail served: %v %+v", err, s)
		}
		if s, err := st.Served(ctx, a1, false); err != nil || s.Type != attach.JPEG || s.Name != "合影.jpg" || !bytes.Equal(s.Data, data) {
			t.Fatalf("photo served: %v %+v", err, s)
		}
		if _, err := st.Served(ctx, zhuxiang.Attachment{SHA: a1.SHA, Type: attach.PDF}, true); zhuxiang.ErrorCodeOf(err) != zhuxiang.ENotFound {
			t.Fatalf("thumbnail of a PDF: %v", err)
		}
		// One record lets go: the other still keeps it.
		if err := st.DropTestFile(ctx, zhuxiang.SystemActor, "p1", a1.SHA); err != nil {
			t.Fatal(err)
		}
		if n := count(); n != 2 {
			t.Fatalf("%d files after one of two references went, want 2", n)
		}
		// The last one lets go: it and its thumbnail go.
		if err := st.DropTestFile(ctx, zhuxiang.SystemActor, "p2", a1.SHA); err != nil {
			t.Fatal(err)
		}
		if n := count(); n != 0 {
			t.Fatalf("%d files after the last reference went, want 0", n)
		}
		// A file nobody refers to is what the garbage query finds.
		if _, err := st.WriteDB().ExecContext(ctx, `INSERT INTO files (sha, data) VALUES ('orphan', $1)`, []byte("x")); err != nil {
			t.Fatal(err)
		}
		if left, err := st.UnreferencedFiles(ctx); err != nil || !slices.Equal(left, []string{"orphan"}) {
			t.Fatalf("unreferenced: %v %v", left, err)
		}
	})
}
