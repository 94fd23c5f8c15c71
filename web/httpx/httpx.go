// Package httpx is what every HTTP surface of ketanmu (the workspace, the cases API, the
// simulator, health) answers with: JSON and coded errors, whose status comes from the one table
// of error codes (ketanmu.HTTPStatus), the headers every answer carries, and the client's address.
package httpx

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/ketanmu/ketanmu"
)

// JSON answers v as JSON with status.
func JSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// Error answers {"error": msg} with status.
func Error(w http.ResponseWriter, status int, msg string) {
	JSON(w, status, map[string]string{"error": msg})
}

// Status is a coded error's HTTP status and its user-safe message (ketanmu.HTTPStatus,
// ketanmu.ErrorMessage); an internal error is logged once, here, with the request.
func Status(log *slog.Logger, r *http.Request, err error) (int, string) {
	status := ketanmu.HTTPStatus(err)
	if status == http.StatusInternalServerError && !errors.Is(err, context.Canceled) {
		log.Error("Request failed", "method", r.Method, "path", r.URL.Path, "error", err)
	}
	return status, ketanmu.ErrorMessage(err)
}

// Err answers a coded error as JSON with its status and its user-safe message.
func Err(log *slog.Logger, w http.ResponseWriter, r *http.Request, err error) {
	status, msg := Status(log, r, err)
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "60") // nothing was done: the same request, a minute later
	}
	Error(w, status, msg)
}

// DecodeJSON decodes one JSON value from r into v and refuses anything after it, so that a
// truncated or concatenated body is invalid JSON rather than half a request.
func DecodeJSON(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return err
		}
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

// Recover turns a panic in a handler into a logged 500 with a JSON body.
func Recover(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.Error("Handler panic", "path", r.URL.Path, "panic", v)
				Error(w, http.StatusInternalServerError, "internal error")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// BaseCSP is the Content-Security-Policy of an answer that is not a page: nothing may run or
// load. A surface with pages sets its own.
const BaseCSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// SecureHeaders sets the headers every answer carries: no framing, no sniffing, no referrer,
// and BaseCSP (a surface's pages replace it with their own).
func SecureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", BaseCSP)
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

// Secure reports whether the request came over TLS or the service is published at an https
// address (TLS ends at a proxy in front of us): cookies must then be Secure, and browsers are
// told to keep to HTTPS.
func Secure(r *http.Request, publicURL string) bool {
	return r.TLS != nil || strings.HasPrefix(publicURL, "https://")
}
