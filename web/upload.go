package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"
)

// readUpload reads the rest of a multipart form whose csrf field the
// wrapper has checked (q.mr): the ordinary fields, and the bytes of the one
// file field called file, at most max bytes. errs gets what went wrong
// beside file (too large) or the form (an interrupted upload); the file's
// content is judged by whoever keeps it (attach.Vet).
func readUpload(q *request, file string, max int64, label string, errs formErrors) (vals url.Values, name string, data []byte) {
	vals = url.Values{}
	tooLarge := func(err error) bool {
		var mbe *http.MaxBytesError
		return errors.As(err, &mbe)
	}
	for {
		part, err := q.mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			if tooLarge(err) {
				errs[file] = label + "不能超过 10 MB"
			} else {
				errs["form"] = "上传中断，请重新提交"
			}
			break
		}
		if part.FormName() == file {
			if part.FileName() == "" {
				part.Close()
				continue
			}
			b, err := io.ReadAll(io.LimitReader(part, max+1))
			part.Close()
			switch {
			case tooLarge(err), err == nil && int64(len(b)) > max:
				errs[file] = label + "不能超过 10 MB"
			case err != nil:
				errs["form"] = "上传中断，请重新提交"
			default:
				name, data = baseName(part.FileName()), b
			}
			if err != nil {
				break
			}
			continue
		}
		b, _ := io.ReadAll(io.LimitReader(part, 8<<10))
		part.Close()
		vals.Add(part.FormName(), string(b))
	}
	return vals, name, data
}
