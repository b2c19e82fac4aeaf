package zhuxiang

import (
	"errors"
	"fmt"
	"net/http"
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
type Error struct {
	Code    ErrorCode
	Field   string
	Message string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, e.Field)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
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
