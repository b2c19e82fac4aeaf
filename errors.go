package zhuxiang

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
)

// ErrorCode classifies an error so that handlers can pick an HTTP status and
// the API a stable machine-readable code, whatever layer raised it.
type ErrorCode string

// Error codes shared by every layer.
const (
	ENotFound     ErrorCode = "not_found"
	EForbidden    ErrorCode = "forbidden"
	EInvalid      ErrorCode = "invalid"
	EConflict     ErrorCode = "conflict"
	EUnauthorized ErrorCode = "unauthorized"
	ELocked       ErrorCode = "locked"
	ETooLarge     ErrorCode = "too_large"
	EInternal     ErrorCode = "internal"
)

// Error is the one error type the platform shows to people: a code, the
// field it concerns (empty when it concerns the whole request) and a message
// in Chinese that can be shown as is.
//
// A validation that found several bad fields says so in Fields, one entry a
// field, so that a form shows every error at once beside its field and the
// API returns them all; Field and Message are then the first of them, so a
// caller that reads only those still reads a true message.
type Error struct {
	Code    ErrorCode
	Field   string
	Message string
	Fields  []FieldError
}

// FieldError is one field's problem in an invalid input.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e *Error) Error() string {
	more := ""
	if len(e.Fields) > 1 {
		more = fmt.Sprintf("，另有%d处", len(e.Fields)-1)
	}
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (%s)%s", e.Code, e.Message, e.Field, more)
	}
	return fmt.Sprintf("%s: %s%s", e.Code, e.Message, more)
}

// Errorf builds an *Error; the message is formatted with fmt.Sprintf.
func Errorf(code ErrorCode, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCodeOf returns the code of err, EInternal for errors that are not an
// *Error (those are bugs or infrastructure failures, never shown verbatim).
func ErrorCodeOf(err error) ErrorCode {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EInternal
}

// ErrorMessage returns the Chinese message of err, or a generic one for an
// internal error so that no SQL or stack detail reaches a user.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "系统内部错误，请稍后再试或联系管理员"
}

// ErrorField returns the field that err concerns, if any.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// FieldErrors returns every field's problem that err reports: the list of
// a validation that found several, the one field of any other *Error, and
// nothing for an error that is not an *Error (an internal failure, whose
// detail is not for users).
func FieldErrors(err error) []FieldError {
	var e *Error
	if !errors.As(err, &e) {
		return nil
	}
	if len(e.Fields) > 0 {
		return e.Fields
	}
	return []FieldError{{Field: e.Field, Message: e.Message}}
}

// Problems collects what is wrong with one input, field by field, so that
// a validation reports every bad field at once instead of stopping at the
// first. The zero value is ready to use. A field keeps its first problem
// only: "标题不能为空" says all there is to say before "标题不能超过60个字"
// can matter.
type Problems struct {
	list  []FieldError
	other error // an error that is not about the input; it wins
}

// Add records err, which may be nil or itself carry several fields. An
// error that is not invalid input (a refusal, a failure) is kept aside and
// returned by Err instead of the list: it is not something a form can fix.
func (p *Problems) Add(err error) {
	if err == nil {
		return
	}
	var e *Error
	if !errors.As(err, &e) || e.Code != EInvalid {
		if p.other == nil {
			p.other = err
		}
		return
	}
	for _, f := range FieldErrors(e) {
		if f.Field == "" || !p.Has(f.Field) {
			p.list = append(p.list, f)
		}
	}
}

// Addf records a problem with field, formatted like Errorf.
func (p *Problems) Addf(field, format string, args ...any) {
	p.Add(Errorf(EInvalid, field, format, args...))
}

// Has reports whether field already has a problem, so that checks that
// only make sense on a good value can be skipped.
func (p *Problems) Has(field string) bool {
	for _, f := range p.list {
		if f.Field == field {
			return true
		}
	}
	return false
}

// Err returns nil when nothing was wrong, or one invalid-input *Error whose
// Fields list every problem in the order they were found.
func (p *Problems) Err() error {
	if p.other != nil {
		return p.other
	}
	switch len(p.list) {
	case 0:
		return nil
	case 1:
		return &Error{Code: EInvalid, Field: p.list[0].Field, Message: p.list[0].Message}
	}
	return &Error{Code: EInvalid, Field: p.list[0].Field, Message: p.list[0].Message, Fields: slices.Clone(p.list)}
}

// HTTPStatus is the status a page or the API answers with for code c, so
// that both agree: codes are what clients switch on, statuses what proxies
// and logs understand.
func (c ErrorCode) HTTPStatus() int {
	switch c {
	case ENotFound:
		return http.StatusNotFound
	case EForbidden:
		return http.StatusForbidden
	case EInvalid:
		return http.StatusUnprocessableEntity
	case EConflict:
		return http.StatusConflict
	case EUnauthorized:
		return http.StatusUnauthorized
	case ELocked:
		return http.StatusLocked
	case ETooLarge:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}
