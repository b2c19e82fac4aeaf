package web

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"zhuxiang"
	"zhuxiang/attach/attachtest"
)

// fileUp is a file a test posts on the report form.
type fileUp struct {
	name string
	data []byte
}

// reportUpload posts the report form as a browser does: csrf first, the
// fields, the files last, all under the one name "files".
func (c *client) reportUpload(path string, fields url.Values, files ...fileUp) *resp {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", c.csrf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for _, f := range files {
		// Written by hand, not CreateFormFile, so that the name goes as
		// sent (a NUL, backslashes) and the server makes it safe.
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="files"; filename="`+strings.ReplaceAll(f.name, `"`, `\"`)+`"`)
		h.Set("Content-Type", "application/octet-stream")
		fw, _ := mw.CreatePart(h)
		fw.Write(f.data)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.e.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

func (f *fixture) count(table string) int {
	f.t.Helper()
	var n int
	if err := f.st.DB().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

// TestReportUploadOnTheWebRoute posts reports through the real form: a
// file that is not what its name says, one too large, or a name with path
// tricks; a refused file leaves no report and no file; a photo's GPS EXIF
// is gone from what is stored and served.
func TestReportUploadOnTheWebRoute(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		f := newFixtureOn(t, engine)
		p := f.project("orguser", f.org.ID, "红枣加工车间建设", zhuxiang.ProjectRunning)
		path := "/projects/" + p.ID + "/reports/new"
		org := f.as("orguser")
		mustContain(t, org.get(path), "提交进展报告", `enctype="multipart/form-data"`, `name="files"`, "最多 6 个")
		fields := url.Values{"date": {"2026-06-30"}, "text": {"车间主体完工"}, "people_村民": {"80"},
			"spend0_date": {"2026-06-20"}, "spend0_source": {"own"}, "spend0_amount": {"12000.50"}, "spend0_note": {"设备"}}
		jpg := attachtest.JPEG(40, 30)
		refused := []struct {
			name  string
			files []fileUp
			want  string
		}{
			{"a PNG named .jpg", []fileUp{{"照片.jpg", attachtest.PNG(40, 30)}}, "扩展名为 .jpg，但内容是 PNG 图片"},
			{"a PDF named .jpg", []fileUp{{"照片.jpg", jpg}, {"合影.jpg", attachtest.PDF()}}, "第2个文件（合影.jpg）"},
			{"a zip named .jpg", []fileUp{{"x.jpg", []byte("PK\x03\x04" + strings.Repeat("z", 100))}}, "附件只能是 JPEG、PNG 图片或 PDF 文件"},
			{"11 MB", []fileUp{{"大照片.jpg", append(append([]byte{}, jpg...), make([]byte, 11<<20)...)}}, "超过了 10 MB 的上限"},
			// A NUL in the header: the part cannot be read, nothing is kept,
			// and the user is told to rename the file.
			{"a NUL in the name", []fileUp{{"现场\x00.jpg", jpg}}, "文件名含有无法识别的字符"},
			{"a program named .jpg", []fileUp{{"../../etc/passwd.jpg", []byte("#!/bin/sh\nrm -rf /\n")}}, "附件只能是"},
		}
		for _, c := range refused {
			t.Run(c.name, func(t *testing.T) {
				reports, files, spending := f.count("project_reports"), f.count("files"), f.count("project_spending")
				org.get(path)
				r := org.reportUpload(path, fields, c.files...)
				mustStatus(t, r, http.StatusUnprocessableEntity)
				mustContain(t, r, c.want, "车间主体完工", `value="12000.50"`)
				if f.count("project_reports") != reports || f.count("files") != files || f.count("project_spending") != spending {
					t.Error("a refused file left a report, a file or a spending entry behind")
				}
			})
		}

		// Other fields wrong: each beside its field, the files to choose again.
		org.get(path)
		r := org.reportUpload(path, url.Values{"date": {"六月"}, "text": {""}, "people_村民": {"很多"}, "spend1_amount": {"abc"}}, fileUp{"a.jpg", jpg})
		mustStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r, "日期“六月”格式不正确", "请填写进展情况", "已惠及人数应为整数", "第2笔支出", "请改正后重新选择文件")

		// Accepted: the path tricks are made safe, the photo loses its location.
		org.get(path)
		r = org.reportUpload(path, fields, fileUp{`..\..\windows\` + "\u202e" + `现场.jpg`, attachtest.GPSJPEG(64, 48)},
			fileUp{"../../etc/验收单.pdf", attachtest.PDF()})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("report refused: %d %s", r.Status, regexp.MustCompile(`field-error[^<]*<|flash-error[^<]*<`).FindAllString(r.Body, -1))
		}
		got, err := f.st.Project(context.Background(), f.actor("cun"), p.ID)
		if err != nil {
			t.Fatal(err)
		}
		reps, err := f.st.ProjectReports(context.Background(), f.actor("cun"), got)
		if err != nil || len(reps) != 1 {
			t.Fatalf("reports %v %d", err, len(reps))
		}
		rep := reps[0]
		if len(rep.Files) != 2 || rep.Files[0].Name != "现场.jpg" || rep.Files[1].Name != "验收单.pdf" {
			t.Errorf("names not made safe: %+v", rep.Files)
		}
		if got.SpentFen() != 1200050 {
			t.Errorf("spent %d", got.SpentFen())
		}
		base := "/projects/" + p.ID + "/reports/" + rep.ID + "/files/"
		cun := f.as("cun")
		photo := cun.get(base + "1")
		mustStatus(t, photo, http.StatusOK)
		if strings.Contains(photo.Body, attachtest.Secret) || strings.Contains(photo.Body, "Exif") || !strings.HasPrefix(photo.Body, "\xFF\xD8") {
			t.Error("the served photo kept its EXIF location, or is no JPEG")
		}
		if ct, cd := photo.Header.Get("Content-Type"), photo.Header.Get("Content-Disposition"); ct != "image/jpeg" || !strings.HasPrefix(cd, "inline") {
			t.Errorf("photo served as %s, %s", ct, cd)
		}
		if csp := photo.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") {
			t.Errorf("CSP %q", csp)
		}
		thumb := cun.get(base + "1/thumb")
		if thumb.Status != http.StatusOK || thumb.Header.Get("Content-Type") != "image/jpeg" || len(thumb.Body) >= len(photo.Body)+1000 {
			t.Errorf("thumbnail %d %s", thumb.Status, thumb.Header.Get("Content-Type"))
		}
		doc := cun.get(base + "2")
		if doc.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(doc.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("PDF served as %s, %s", doc.Header.Get("Content-Type"), doc.Header.Get("Content-Disposition"))
		}
		mustStatus(t, cun.get(base+"2/thumb"), http.StatusNotFound)
		mustStatus(t, cun.get(base+"3"), http.StatusNotFound)
		mustStatus(t, cun.get(base+"x"), http.StatusNotFound)
		// The village of another project, another county: not theirs.
		mustStatus(t, f.as("cun2").get(base+"1"), http.StatusNotFound)
		mustStatus(t, f.as("ruoqiang").get(base+"1/thumb"), http.StatusNotFound)

		// The page lists the thumbnail, never the original as a picture.
		page := cun.get("/projects/" + p.ID)
		mustContain(t, page, "进展报告", "待村确认", `src="`+base+`1/thumb"`, `href="`+base+`2"`, "验收单.pdf", "村民 <span class=\"num-text\">80</span> 人")
		mustNotContain(t, page, `src="`+base+`1"`)
		// The village cannot report; a completed project takes no report.
		mustStatus(t, cun.get(path), http.StatusForbidden)
	})
}

// TestReportStepsOnPages: the village disputes with a reason, the lead
// organization answers, the village confirms through the confirmation
// page; the county, while the village has an account, cannot.
func TestReportStepsOnPages(t *testing.T) {
	eachEngine(t, func(t *testing.T, engine string) {
		f := newFixtureOn(t, engine)
		p := f.project("orguser", f.org.ID, "红枣加工车间建设", zhuxiang.ProjectRunning)
		rep := &zhuxiang.ProjectReport{Date: "2026-06-30", Text: "冷库完工"}
		rid, err := f.st.CreateReport(context.Background(), f.actor("orguser"), p.ID, rep, nil)
		if err != nil {
			t.Fatal(err)
		}
		page, step := "/projects/"+p.ID, "/projects/"+p.ID+"/reports/"+rid+"/transition"
		cun := f.as("cun")
		mustContain(t, cun.get("/"), "进展报告待确认", "/projects?report=pending")
		mustContain(t, cun.get("/projects?report=pending"), "红枣加工车间建设")
		mustContain(t, cun.get(page), "确认报告", "提出异议", "/reports/"+rid+"/confirm?action=confirm")

		r := cun.post(step, url.Values{"name": {"dispute"}, "version": {"1"}, "reason": {" "}})
		mustStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r, "请填写“提出异议”的理由")
		r = cun.post(step, url.Values{"name": {"dispute"}, "version": {"1"}, "reason": {"冷库尚未通电"}})
		mustStatus(t, r, http.StatusSeeOther)
		mustContain(t, cun.follow(r), "已提出异议", "村里的异议：冷库尚未通电", "村有异议")

		// While disputed the county cannot complete the project.
		if err := f.st.TransitionProject(context.Background(), f.actor("orguser"), p.ID, "request_acceptance", "", 0); err != nil {
			t.Fatal(err)
		}
		hj := f.as("hejing")
		// The page says why and offers no button that cannot work.
		pg := hj.get(page)
		mustContain(t, pg, "项目不能验收完成", `href="#reports"`)
		mustNotContain(t, pg, "/confirm?action=complete")
		r = hj.post("/projects/"+p.ID+"/transition", url.Values{"name": {"complete"}, "confirm": {"1"}})
		mustStatus(t, r, http.StatusConflict)
		mustContain(t, r, "进展报告被村里提出异议")

		org := f.as("orguser")
		mustContain(t, org.get("/"), "村里有异议的进展报告")
		r = org.post(step, url.Values{"name": {"answer"}, "version": {"2"}, "reason": {"已于7月2日通电"}})
		mustStatus(t, r, http.StatusSeeOther)
		mustContain(t, org.follow(r), "已答复异议", "牵头单位答复：已于7月2日通电", "待村确认")

		// The county does not speak for a village that has an account.
		mustStatus(t, hj.get("/projects/"+p.ID+"/reports/"+rid+"/confirm?action=confirm"), http.StatusForbidden)
		r = hj.post(step, url.Values{"name": {"confirm"}, "confirm": {"1"}})
		mustStatus(t, r, http.StatusForbidden)

		// Confirming asks first; without the confirmation nothing happens.
		cun.get(page)
		r = cun.post(step, url.Values{"name": {"confirm"}, "version": {"3"}})
		mustStatus(t, r, http.StatusOK)
		mustContain(t, r, "尚未执行", "确认报告")
		r = cun.post(step, url.Values{"name": {"confirm"}, "version": {"3"}, "confirm": {"1"}})
		mustStatus(t, r, http.StatusSeeOther)
		mustContain(t, cun.follow(r), "已确认进展报告", "村已确认")
		// Now the county accepts the project.
		hj.get(page)
		r = hj.post("/projects/"+p.ID+"/transition", url.Values{"name": {"complete"}, "confirm": {"1"}})
		mustStatus(t, r, http.StatusSeeOther)
	})
}
