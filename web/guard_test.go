package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"strings"
	"testing"
)

// TestSimGuardContentType checks that a page on another site cannot drive the simulator with
// a form or text/plain post (no CORS preflight for those): only application/json moves it.
func TestSimGuardContentType(t *testing.T) {
	s := MustSimAPI(t)
	before := s.MustNow(t)
	counts := s.tableCounts(t, "messages", "outbox")
	for _, ctype := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""} {
		for path, body := range map[string]string{
			"/api/sim/clock":    `{"advance":"48h"}`,
			"/api/sim/messages": `{"account":"kkktp","from":"081234567890","text":"halo"}`,
		} {
			req, _ := http.NewRequest(http.MethodPost, s.URL+path, strings.NewReader(body))
			if ctype != "" {
				req.Header.Set("Content-Type", ctype)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusUnsupportedMediaType {
				t.Errorf("POST %s as %q = %d %s, want 415", path, ctype, res.StatusCode, data)
			}
			assertJSONError(t, data)
		}
	}
	if after := s.MustNow(t); !after.Equal(before) {
		t.Errorf("clock moved from %s to %s", before, after)
	}
	if got := s.tableCounts(t, "messages", "outbox"); !maps.Equal(got, counts) {
		t.Errorf("rows changed: %v, want %v", got, counts)
	}
	// The page's own way still works, with a charset too.
	res, err := http.Post(s.URL+"/api/sim/clock", "application/json; charset=utf-8", strings.NewReader(`{"advance":"1m"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("POST /api/sim/clock as JSON = %d, want 200", res.StatusCode)
	}
}

// TestSimGuardHost checks DNS rebinding: a request naming another host is refused, the
// listener's own address and localhost are served.
func TestSimGuardHost(t *testing.T) {
	s := MustSimAPI(t)
	port := s.URL[strings.LastIndex(s.URL, ":")+1:]
	for host, want := range map[string]int{
		"attacker.example:" + port: http.StatusMisdirectedRequest,
		"attacker.example":         http.StatusMisdirectedRequest,
		"127.0.0.1:1":              http.StatusMisdirectedRequest,
		"127.0.0.1:" + port:        http.StatusOK,
		"localhost:" + port:        http.StatusOK,
	} {
		for _, path := range []string{"/", "/api/sim/messages?account=kkktp&chat=081234567890", "/api/sim/accounts"} {
			req, _ := http.NewRequest(http.MethodGet, s.URL+path, nil)
			req.Host = host
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != want {
				t.Errorf("GET %s with Host %s = %d, want %d", path, host, res.StatusCode, want)
			}
		}
	}
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/api/sim/clock", bytes.NewReader([]byte(`{"advance":"48h"}`)))
	req.Header.Set("Content-Type", "application/json")
	req.Host = "attacker.example:" + port
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("POST clock with a foreign Host = %d, want 421", res.StatusCode)
	}
}

// TestSecurityHeaders checks that every answer, page or API, carries the headers that keep it
// from being framed, sniffed or leaking its address.
func TestSecurityHeaders(t *testing.T) {
	s := MustSimAPI(t)
	for _, path := range []string{"/", "/api/sim/accounts", "/healthz", "/api/nothing", "/api/cases"} {
		res, err := http.Get(s.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		for h, want := range map[string]string{
			"X-Frame-Options":        "DENY",
			"X-Content-Type-Options": "nosniff",
			"Referrer-Policy":        "no-referrer",
		} {
			if got := res.Header.Get(h); got != want {
				t.Errorf("GET %s: %s = %q, want %q", path, h, got, want)
			}
		}
		csp := res.Header.Get("Content-Security-Policy")
		for _, part := range []string{"default-src 'none'", "frame-ancestors 'none'", "script-src 'sha256-", "connect-src 'self'"} {
			if !strings.Contains(csp, part) {
				t.Errorf("GET %s: Content-Security-Policy %q lacks %q", path, csp, part)
			}
		}
	}
}

// TestCasesHugePage checks that a page number whose offset does not fit an int is refused
// instead of wrapping around to a page of real cases.
func TestCasesHugePage(t *testing.T) {
	a := MustCasesAPI(t, "secret")
	a.MustCases(t, 3, []string{"kk_ktp"}, []string{"submitted"}, []string{"6281234567890"})
	for _, page := range []string{"9223372036854775807", "461168601842738791", "4611686018427387904"} {
		status, _, data := a.call(t, http.MethodGet, "/api/cases?page="+page, "")
		var ans struct {
			Cases []json.RawMessage `json:"cases"`
		}
		_ = json.Unmarshal(data, &ans)
		if status != http.StatusBadRequest || len(ans.Cases) != 0 {
			t.Errorf("page=%s: %d %s, want 400 and no cases", page, status, data)
		}
	}
}
