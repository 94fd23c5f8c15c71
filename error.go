package ketanmu

import (
	"errors"
	"fmt"
	"net/http"
)

// Error codes. Their messages are safe to show to a user; anything else is internal.
const (
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	ECONFLICT     = "conflict"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	ETOOLARGE     = "too_large"
	EGONE         = "gone" // erased at the end of its retention period
	// EUNAVAILABLE: nothing was done and the same request may succeed later (the disk is full).
	EUNAVAILABLE = "unavailable"
	EINTERNAL    = "internal"
)

// Error is an error whose Message may be shown to the person who caused it.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf returns an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, EINTERNAL for errors that are not *Error, "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	}
	return EINTERNAL
}

// Temporary reports whether err left nothing done and the same request may succeed later
// (EUNAVAILABLE: the disk is full), so that a transport delivers the message again.
func Temporary(err error) bool { return ErrorCode(err) == EUNAVAILABLE }

// ErrorMessage returns the user-safe message of err, or a generic one for internal errors.
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Message
	}
	return "internal error"
}

// httpStatuses is the one table from error codes to HTTP statuses, for the cases API and the
// workspace alike.
var httpStatuses = map[string]int{
	EINVALID: http.StatusBadRequest, ENOTFOUND: http.StatusNotFound, ECONFLICT: http.StatusConflict,
	EUNAUTHORIZED: http.StatusUnauthorized, EFORBIDDEN: http.StatusForbidden,
	ETOOLARGE: http.StatusRequestEntityTooLarge, EGONE: http.StatusGone,
	EUNAVAILABLE: http.StatusServiceUnavailable,
}

// HTTPStatus is the HTTP status that answers err: its code's, or 500 for an internal error.
func HTTPStatus(err error) int {
	if status, ok := httpStatuses[ErrorCode(err)]; ok {
		return status
	}
	return http.StatusInternalServerError
}
