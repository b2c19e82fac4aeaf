package zhuxiang

import (
	"net/http"
	"testing"
)

func TestHTTPStatus(t *testing.T) {
	cases := map[ErrorCode]int{
		ENotFound: http.StatusNotFound, EForbidden: http.StatusForbidden, EInvalid: http.StatusUnprocessableEntity,
		EConflict: http.StatusConflict, EUnauthorized: http.StatusUnauthorized, ELocked: http.StatusLocked,
		ETooLarge: http.StatusRequestEntityTooLarge, EInternal: http.StatusInternalServerError, "": http.StatusInternalServerError,
	}
	for c, want := range cases {
		if got := c.HTTPStatus(); got != want {
			t.Errorf("%q.HTTPStatus() = %d, want %d", c, got, want)
		}
	}
}
