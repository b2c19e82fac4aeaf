package web

import (
	"errors"
	"io"
	"net/http"
	"net/textproto"
	"net/url"

	"zhuxiang/attach"
)

// Uploads are multipart forms read as they stream, after the route's
// wrapper has checked the csrf field that comes first (q.mr) and bounded
// the body. readParts is the one loop over their parts; the forms differ
// only in what they do with a file (one agreement or logo, or a report's
// several photos) and in their messages.

// uploadProblem is how reading an upload failed as a whole.
type uploadProblem int

const (
	uploadOK        uploadProblem = iota
	uploadTooLarge                // the body passed the route's bound
	uploadBroken                  // the upload was cut short
	uploadBadHeader               // a part's header could not be read (a NUL in a file name)
)

// message is what the user reads for a problem other than size.
func (p uploadProblem) message() string {
	if p == uploadBadHeader {
		return "所选文件的文件名含有无法识别的字符，请将文件改名（如“现场照片1.jpg”）后重新上传"
	}
	return "上传中断，请重新提交"
}

// uploadFieldMax bounds an ordinary field of an upload form (a report's
// text is at most 2 000 characters).
const uploadFieldMax = 64 << 10

// readParts reads the rest of the form: each ordinary field into vals, and
// each chosen file of the field file to onFile with the name it was sent
// under and at most max+1 of its bytes, so that onFile can tell a file over
// max. It stops at the first failure of the body and says which.
func readParts(q *request, file string, max int64, onFile func(name string, data []byte)) (url.Values, uploadProblem) {
	vals := url.Values{}
	for {
		part, err := q.mr.NextPart()
		if err == io.EOF {
			return vals, uploadOK
		}
		if err != nil {
			return vals, bodyProblem(err)
		}
		limit := int64(uploadFieldMax)
		if part.FormName() == file {
			limit = max + 1
		}
		b, err := io.ReadAll(io.LimitReader(part, limit))
		part.Close()
		if err != nil {
			return vals, bodyProblem(err)
		}
		switch {
		case part.FormName() != file:
			vals.Add(part.FormName(), string(b))
		case part.FileName() != "":
			onFile(part.FileName(), b)
		}
	}
}

// bodyProblem tells a body cut at the route's bound from one cut short.
func bodyProblem(err error) uploadProblem {
	var mbe *http.MaxBytesError
	var pe textproto.ProtocolError
	switch {
	case errors.As(err, &mbe):
		return uploadTooLarge
	case errors.As(err, &pe):
		return uploadBadHeader
	}
	return uploadBroken
}

// readUpload reads a form with one file field called file, of at most max
// bytes: its fields, and the file's safe base name and bytes (nil when
// none was chosen or it was refused). errs gets what went wrong beside the
// file (too large, named by label) or the form (an interrupted upload);
// the file's content is judged by whoever keeps it (attach.Vet).
func readUpload(q *request, file string, max int64, label string, errs formErrors) (vals url.Values, name string, data []byte) {
	tooLarge := label + "不能超过 " + attach.Size(max)
	vals, problem := readParts(q, file, max, func(n string, b []byte) {
		if int64(len(b)) > max {
			errs[file] = tooLarge
			return
		}
		name, data = baseName(n), b
	})
	switch problem {
	case uploadTooLarge:
		errs[file], name, data = tooLarge, "", nil
	case uploadBroken, uploadBadHeader:
		errs["form"], name, data = problem.message(), "", nil
	}
	return vals, name, data
}
