package store_test

import (
	"bytes"
	"image"
	"image/png"
	"strings"
	"testing"

	"zhuxiang"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

// Small files the store recognises by their first bytes.
var (
	pdfV1 = []byte("%PDF-1.4\n% first agreement\n%%EOF\n")
	pdfV2 = []byte("%PDF-1.7\n% signed again\n%%EOF\n")
	pngV3 = scanPNG(200)
)

// platformPairing makes a pairing the way the platform does: org1 is
// interested in village1's need, the county accepts and confirms.
func (f *matchFixture) platformPairing(t *testing.T) *zhuxiang.Pairing {
	t.Helper()
	n := f.need(t, f.vil1, f.village1, zhuxiang.ActionIndustry, zhuxiang.NeedOpen)
	o := f.offer(t, f.orgU1, zhuxiang.ActionIndustry, 1)
	id, err := f.st.ExpressInterest(ctx, f.orgU1, n.ID, o.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []string{"accept", "confirm"} {
		if err := f.st.TransitionMatch(ctx, f.county1, id, step, ""); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	page, err := f.st.ListPairings(ctx, f.admin, store.PairingFilter{})
	if err != nil || page.Total != 1 || page.Pairings[0].Source != zhuxiang.PairingFromMatch {
		t.Fatalf("platform pairing: %v %+v", err, page)
	}
	return page.Pairings[0]
}

// TestAgreementUploadAndHistory: both sides of a platform pairing and its
// county upload and replace its agreement; every replaced file stays in the
// history and downloadable for those who see the pairing; nobody else may
// upload, and each upload is audited.
func TestAgreementUploadAndHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newMatchFixture(t, st)
		// The department supervises org1, so it sees the pairing: it reads,
		// but may not upload.
		f.org1.DepartmentID = f.dept.DepartmentID
		if _, err := st.UpdateOrg(ctx, zhuxiang.SystemActor, f.org1); err != nil {
			t.Fatal(err)
		}
		p := f.platformPairing(t)
		if p.FileSHA != "" {
			t.Fatalf("platform pairing starts with a file: %+v", p)
		}

		refusals := []struct {
			name string
			a    zhuxiang.Actor
			want zhuxiang.ErrorCode
		}{
			{"another organization", f.orgU2, zhuxiang.ENotFound},
			{"another county", f.county2, zhuxiang.ENotFound},
			{"a village not party to it", f.vil2, zhuxiang.ENotFound},
			{"the supervising department", f.dept, zhuxiang.EForbidden},
			{"anonymous", zhuxiang.Actor{}, zhuxiang.EUnauthorized},
		}
		check := func(when string) {
			t.Helper()
			for _, r := range refusals {
				err := st.UploadAgreement(ctx, r.a, p.ID, &store.Agreement{Name: "冒名.pdf", Data: pdfV2})
				if got := zhuxiang.ErrorCodeOf(err); got != r.want {
					t.Errorf("%s: %s uploads: %v (%s), want %s", when, r.name, err, got, r.want)
				}
				err = st.UpdatePairing(ctx, r.a, p.ID, store.PairingChange{Version: 1, StartDate: "2020-01-01"})
				if got := zhuxiang.ErrorCodeOf(err); got != r.want {
					t.Errorf("%s: %s corrects: %v (%s), want %s", when, r.name, err, got, r.want)
				}
			}
		}
		check("before any upload")

		// Bad files are refused with the field named, and nothing is kept.
		for _, bad := range []struct {
			name string
			data []byte
			msg  string
			code zhuxiang.ErrorCode
		}{
			{"协议.pdf", []byte("just text, named .pdf"), "只能是 JPEG、PNG 图片或 PDF", zhuxiang.EInvalid},
			{"大.pdf", append(append([]byte{}, pdfV1...), bytes.Repeat([]byte("0"), zhuxiang.AgreementMaxBytes)...), "超过了 10 MB 的上限", zhuxiang.ETooLarge},
			{"空.pdf", nil, "请选择协议文件", zhuxiang.EInvalid},
			{"签字页.pdf", pngV3, "扩展名为 .pdf，但内容是", zhuxiang.EInvalid},
			{"签字页.png", []byte("\x89PNG\r\n\x1a\n not really an image"), "已损坏", zhuxiang.EInvalid},
		} {
			err := st.UploadAgreement(ctx, f.county1, p.ID, &store.Agreement{Name: bad.name, Data: bad.data})
			if zhuxiang.ErrorCodeOf(err) != bad.code || zhuxiang.ErrorField(err) != "file" || !strings.Contains(zhuxiang.ErrorMessage(err), bad.msg) {
				t.Errorf("%s: %v", bad.name, err)
			}
		}

		// The county uploads, the organization replaces it, the village
		// replaces that: three versions, the latest current.
		steps := []struct {
			a    zhuxiang.Actor
			name string
			data []byte
		}{{f.county1, "结对协议.pdf", pdfV1}, {f.orgU1, "结对协议（盖章）.pdf", pdfV2}, {f.vil1, "签字页.png", pngV3}}
		for _, s := range steps {
			if err := st.UploadAgreement(ctx, s.a, p.ID, &store.Agreement{Name: s.name, Data: s.data}); err != nil {
				t.Fatalf("%s uploads: %v", s.a.Name, err)
			}
		}
		err := st.UploadAgreement(ctx, f.county1, p.ID, &store.Agreement{Name: "again.png", Data: pngV3})
		if zhuxiang.ErrorCodeOf(err) != zhuxiang.EInvalid || !strings.Contains(zhuxiang.ErrorMessage(err), "与当前协议文件相同") {
			t.Errorf("the same file again: %v", err)
		}
		check("after uploads")

		vs, err := st.AgreementVersions(ctx, f.dept, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(vs) != 3 {
			t.Fatalf("%d versions, want 3: %+v", len(vs), vs)
		}
		want := []struct {
			n        int
			name, by string
			typ      string
			replaced string
		}{{3, "签字页.png", "cun1", "image/png", ""}, {2, "结对协议（盖章）.pdf", "org1", "application/pdf", "cun1"}, {1, "结对协议.pdf", "hejing", "application/pdf", "org1"}}
		for i, w := range want {
			v := vs[i]
			if v.N != w.n || v.Name != w.name || v.UploadedBy != w.by || v.Type != w.typ || v.ReplacedBy != w.replaced || v.Current() != (i == 0) ||
				v.UploadedAt.IsZero() || v.Size != int64(len(steps[w.n-1].data)) {
				t.Errorf("version %d = %+v, want %+v", i, v, w)
			}
		}
		after, err := st.Pairing(ctx, f.county1, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if after.FileName != "签字页.png" || after.FileBy != "cun1" || after.Version != p.Version {
			t.Errorf("pairing after uploads: %+v (an upload keeps the details' version %d)", after, p.Version)
		}

		// Every version downloads for those who see the pairing, and for
		// nobody else.
		for _, a := range []zhuxiang.Actor{f.admin, f.county1, f.vil1, f.orgU1, f.dept} {
			for n, data := range map[int][]byte{0: pngV3, 1: pdfV1, 2: pdfV2, 3: pngV3} {
				ag, err := st.AgreementFile(ctx, a, p.ID, n)
				if err != nil || !bytes.Equal(ag.Data, data) {
					t.Errorf("%s downloads version %d: %v", a.Name, n, err)
				}
			}
		}
		if _, err := st.AgreementFile(ctx, f.county1, p.ID, 4); zhuxiang.ErrorCodeOf(err) != zhuxiang.ENotFound {
			t.Errorf("version 4: %v", err)
		}
		for _, a := range []zhuxiang.Actor{f.county2, f.orgU2, f.vil2} {
			if _, err := st.AgreementFile(ctx, a, p.ID, 1); zhuxiang.ErrorCodeOf(err) != zhuxiang.ENotFound {
				t.Errorf("%s downloads an earlier version: %v", a.Name, err)
			}
			if _, err := st.AgreementVersions(ctx, a, p.ID); zhuxiang.ErrorCodeOf(err) != zhuxiang.ENotFound {
				t.Errorf("%s lists the versions: %v", a.Name, err)
			}
		}

		// Each upload is an audited change of the pairing, and the other
		// sides are told.
		entries, err := st.ListAudit(ctx, f.admin, zhuxiang.AuditFilter{Entity: "pairing", EntityID: p.ID, Op: "update"})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 3 || !strings.Contains(entries[0].Summary, "结对协议（盖章）.pdf") || !strings.Contains(entries[0].Summary, "签字页.png") {
			t.Errorf("audit entries: %+v", entries)
		}
		notes, err := st.Notifications(ctx, f.orgU1, 20)
		if err != nil {
			t.Fatal(err)
		}
		told := 0
		for _, n := range notes {
			if strings.HasPrefix(n.Text, "结对协议已") {
				told++
			}
		}
		if told != 2 { // the county's upload and the village's; not its own
			t.Errorf("organization told of %d uploads, want 2: %+v", told, notes)
		}
	})
}

// TestCorrectPairing: the sides of a pairing correct its dates and note
// with the version they read; a platform pairing keeps its need's action.
func TestCorrectPairing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newMatchFixture(t, st)
		p := f.platformPairing(t)
		c := store.PairingChange{Version: p.Version, Action: zhuxiang.ActionCulture, StartDate: "2026-02-01", EndDate: "2027-01-31", Note: " 每季度走访一次 "}
		if err := st.UpdatePairing(ctx, f.orgU1, p.ID, c); err != nil {
			t.Fatal(err)
		}
		got, _ := st.Pairing(ctx, f.vil1, p.ID)
		if got.StartDate != "2026-02-01" || got.EndDate != "2027-01-31" || got.Note != "每季度走访一次" || got.Action != zhuxiang.ActionIndustry || got.Version != p.Version+1 {
			t.Fatalf("after correction: %+v", got)
		}
		// The stale version is a conflict; bad dates are refused by field.
		if err := st.UpdatePairing(ctx, f.county1, p.ID, c); zhuxiang.ErrorCodeOf(err) != zhuxiang.EConflict {
			t.Errorf("stale version: %v", err)
		}
		c.Version, c.EndDate = got.Version, "2025-01-01"
		if err := st.UpdatePairing(ctx, f.vil1, p.ID, c); zhuxiang.ErrorField(err) != "end_date" {
			t.Errorf("end before start: %v", err)
		}
		c.EndDate, c.StartDate = "", ""
		if err := st.UpdatePairing(ctx, f.vil1, p.ID, c); zhuxiang.ErrorField(err) != "start_date" {
			t.Errorf("no start date: %v", err)
		}
		// Nothing changed: nothing written, the version stays.
		same := store.PairingChange{Version: got.Version, StartDate: got.StartDate, EndDate: got.EndDate, Note: got.Note}
		if err := st.UpdatePairing(ctx, f.county1, p.ID, same); err != nil {
			t.Fatal(err)
		}
		if again, _ := st.Pairing(ctx, f.admin, p.ID); again.Version != got.Version {
			t.Errorf("an empty correction bumped the version to %d", again.Version)
		}
		entries, _ := st.ListAudit(ctx, f.admin, zhuxiang.AuditFilter{Entity: "pairing", EntityID: p.ID, Op: "update"})
		if len(entries) != 1 || !strings.Contains(entries[0].Summary, "每季度走访一次") {
			t.Errorf("audit entries: %+v", entries)
		}

		// A pairing entered by hand may have its action corrected.
		direct := &zhuxiang.Pairing{OrgID: f.org2.ID, CountyCode: "652824", StartDate: "2026-01-01"}
		id, err := st.CreatePairing(ctx, f.county2, direct, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.UpdatePairing(ctx, f.orgU2, id, store.PairingChange{Version: 1, Action: zhuxiang.ActionWelfare, StartDate: "2026-01-01"}); err != nil {
			t.Fatal(err)
		}
		if d, _ := st.Pairing(ctx, f.county2, id); d.Action != zhuxiang.ActionWelfare {
			t.Errorf("direct pairing's action = %q", d.Action)
		}
		// A county-level pairing has no village side.
		if err := st.UpdatePairing(ctx, f.vil2, id, store.PairingChange{Version: 2, StartDate: "2026-01-01"}); zhuxiang.ErrorCodeOf(err) != zhuxiang.ENotFound {
			t.Errorf("a village corrects its county's pairing: %v", err)
		}
	})
}

// scanPNG is a real PNG (a small grey square of the given shade), as a
// photographed agreement page would be: agreements are vetted by decoding
// them, so the bytes must be an image, and different shades make
// different files.
func scanPNG(shade uint8) []byte {
	img := image.NewGray(image.Rect(0, 0, 4, 4))
	for i := range img.Pix {
		img.Pix[i] = shade
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}
