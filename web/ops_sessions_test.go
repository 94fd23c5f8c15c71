package web_test

import (
	"bufio"
	"bytes"
	"context"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestOpsSessionMax: a session ends ops.session_max after sign-in however active the person is.
func TestOpsSessionMax(t *testing.T) {
	env := MustCasesAPI(t, "")
	c := newOpsClient(t, env.URL)
	c.mustLogin(t, rina)
	step := env.Cfg.Ops.IdleTimeout - time.Minute
	var elapsed time.Duration
	for elapsed+step < env.Cfg.Ops.SessionMax {
		env.Clock.Advance(step)
		elapsed += step
		if status, _, _ := c.get(t, "/ops/"); status != http.StatusOK {
			t.Fatalf("queue %s after sign-in, active throughout = %d, want 200", elapsed, status)
		}
	}
	env.Clock.Advance(env.Cfg.Ops.SessionMax - elapsed)
	if status, _, h := c.get(t, "/ops/"); status != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/ops/login") {
		t.Errorf("queue %s after sign-in = %d %s, want the login", env.Cfg.Ops.SessionMax, status, h.Get("Location"))
	}
}

var endButton = regexp.MustCompile(`action="(/ops/sessions/\d+/end)"`)

// TestOpsOtherSessions: the workspace lists the person's other sessions with a button that ends
// them; ending one, or signing out, ends that session's live-update stream at once.
func TestOpsOtherSessions(t *testing.T) {
	env := MustCasesAPI(t, "")
	desk, phone, other := newOpsClient(t, env.URL), newOpsClient(t, env.URL), newOpsClient(t, env.URL)
	desk.mustLogin(t, rina)
	phone.mustLogin(t, rina)
	other.mustLogin(t, agus)

	status, page, h := desk.get(t, "/ops/sessions")
	if status != http.StatusOK || h.Get("Cache-Control") != "no-store" {
		t.Fatalf("sessions page = %d, Cache-Control %q", status, h.Get("Cache-Control"))
	}
	buttons := endButton.FindAllStringSubmatch(page, -1)
	if len(buttons) != 1 || !strings.Contains(page, "sesi ini") {
		t.Fatalf("sessions page lists %d other sessions, want Rina's phone only:\n%.1500s", len(buttons), page)
	}
	stream := openStream(t, phone)
	if status, _, h := desk.post(t, buttons[0][1], url.Values{}); status != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "m=ended") {
		t.Fatalf("end session = %d %s", status, h.Get("Location"))
	}
	stream.mustEnd(t, "after the session was ended from another browser")
	if status, _, _ := phone.get(t, "/ops/"); status != http.StatusSeeOther {
		t.Errorf("the ended session's queue = %d, want a redirect to the login", status)
	}
	if status, _, _ := other.get(t, "/ops/"); status != http.StatusOK {
		t.Errorf("another person's session = %d after Rina ended hers, want 200", status)
	}
	// Agus's session is not Rina's to end.
	_, page, _ = other.get(t, "/ops/sessions")
	if strings.Count(page, "sesi ini") != 1 || endButton.MatchString(page) {
		t.Errorf("Agus's sessions page lists another session:\n%.1500s", page)
	}
	var agusSession string
	if err := env.DB.SQL().QueryRow(`SELECT s.rowid FROM ops_sessions s JOIN operators o ON o.id = s.operator_id WHERE o.name = ?`, agus).Scan(&agusSession); err != nil {
		t.Fatal(err)
	}
	if status, _, _ := desk.post(t, "/ops/sessions/"+agusSession+"/end", url.Values{}); status != http.StatusNotFound {
		t.Errorf("ending a session that is not hers = %d, want 404", status)
	}
	if status, _, _ := other.get(t, "/ops/"); status != http.StatusOK {
		t.Errorf("Agus's session after Rina tried to end it = %d, want 200", status)
	}

	stream = openStream(t, desk)
	if status, _, _ := desk.post(t, "/ops/logout", url.Values{}); status != http.StatusSeeOther {
		t.Fatalf("logout = %d", status)
	}
	stream.mustEnd(t, "after logout")
}

type liveStream struct {
	lines chan string
	done  chan struct{}
}

// openStream opens the live updates with c's session and waits for the first event.
func openStream(t *testing.T, c *opsClient) *liveStream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/ops/events", nil)
	client := &http.Client{Jar: c.c.Jar}
	res, err := client.Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("live stream: %v %v", err, res)
	}
	s := &liveStream{lines: make(chan string, 100), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			s.lines <- sc.Text()
		}
	}()
	select {
	case line := <-s.lines:
		if !strings.HasPrefix(line, "retry:") {
			t.Fatalf("first line of the stream = %q", line)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the live stream sent nothing")
	}
	return s
}

func (s *liveStream) mustEnd(t *testing.T, when string) {
	t.Helper()
	select {
	case <-s.done:
	case <-time.After(3 * time.Second):
		t.Errorf("the live stream still runs %s", when)
	}
}

// TestPrivacyHeaders: API answers are never cached, HSTS is sent when the service is reached over
// TLS, and there is a favicon.
func TestPrivacyHeaders(t *testing.T) {
	env := MustCasesAPI(t, apiToken)
	for _, path := range []string{"/api/cases", "/api/sim/messages?account=kkktp&chat=081234567890", "/api/accounts"} {
		status, h, _ := env.call(t, http.MethodGet, path, "")
		if status != http.StatusOK || h.Get("Cache-Control") != "no-store" {
			t.Errorf("GET %s = %d, Cache-Control %q; want no-store", path, status, h.Get("Cache-Control"))
		}
		if h.Get("Strict-Transport-Security") != "" {
			t.Errorf("GET %s over plain HTTP sends HSTS", path)
		}
	}
	status, h, data := env.call(t, http.MethodGet, "/favicon.ico", "")
	if _, err := png.Decode(bytes.NewReader(data)); status != http.StatusOK || err != nil {
		t.Errorf("favicon = %d %s (%v)", status, h.Get("Content-Type"), err)
	}

	cfg := mustConfig(t, "")
	cfg.Ops.PublicURL = "https://ketanmu.example.go.id"
	tls := &casesAPI{simEnv: mustSimEnv(t, cfg, "")}
	if _, h, _ := tls.call(t, http.MethodGet, "/ops/login", ""); !strings.HasPrefix(h.Get("Strict-Transport-Security"), "max-age=") {
		t.Errorf("workspace published over https sends HSTS %q", h.Get("Strict-Transport-Security"))
	}
}
