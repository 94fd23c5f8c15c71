package metrics_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ketanmu/ketanmu/internal/metrics"
)

// TestLoopbackOnlyBelievesNoForwardingHeader: /metrics on the main listener answers a loopback
// client, and refuses a request that a proxy forwarded, whatever header it forwarded it with.
func TestLoopbackOnlyBelievesNoForwardingHeader(t *testing.T) {
	h := metrics.LoopbackOnly(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	for _, tc := range []struct {
		remote, header, value string
		want                  int
	}{
		{"127.0.0.1:5000", "", "", http.StatusOK},
		{"[::1]:5000", "", "", http.StatusOK},
		{"203.0.113.7:5000", "", "", http.StatusForbidden},
		{"127.0.0.1:5000", "X-Real-IP", "127.0.0.1", http.StatusForbidden},
		{"127.0.0.1:5000", "X-Forwarded-For", "127.0.0.1", http.StatusForbidden},
		{"127.0.0.1:5000", "X-Forwarded-Host", "localhost", http.StatusForbidden},
		{"127.0.0.1:5000", "Forwarded", "for=127.0.0.1", http.StatusForbidden},
		{"127.0.0.1:5000", "True-Client-IP", "127.0.0.1", http.StatusForbidden},
		{"127.0.0.1:5000", "Via", "1.1 caddy", http.StatusForbidden},
	} {
		req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		req.RemoteAddr = tc.remote
		if tc.header != "" {
			req.Header.Set(tc.header, tc.value)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tc.want {
			t.Errorf("%s with %s: %q = %d, want %d", tc.remote, tc.header, tc.value, rec.Code, tc.want)
		}
	}
}
