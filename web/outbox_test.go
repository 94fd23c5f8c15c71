package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The transcript shows each outgoing message as queued until the outbox hands it over, then as
// sent with when; incoming messages carry no status.
func TestSimDeliveryStatus(t *testing.T) {
	api := MustSimAPI(t) // the example config: replies wait their typing delay (400ms at least)
	api.MustPost(t, map[string]any{"account": "kkktp", "from": "081234567890", "text": "halo"})
	queued := 0
	for _, m := range api.mustStatuses(t, "kkktp", "081234567890") {
		if m.Direction == "out" && m.Status == "queued" && m.SentAt == "" {
			queued++
		}
	}
	if queued == 0 {
		t.Errorf("no reply shown as queued right after the message")
	}
	api.MustOutboxIdle(t)
	lines := api.mustStatuses(t, "kkktp", "081234567890")
	for _, m := range lines {
		switch m.Direction {
		case "in":
			if m.Status != "" || m.SentAt != "" {
				t.Errorf("incoming %s has status %q sent_at %q, want none", m.ID, m.Status, m.SentAt)
			}
		case "out":
			at, _ := time.Parse(time.RFC3339, m.At)
			sent, err := time.Parse(time.RFC3339, m.SentAt)
			if m.Status != "sent" || err != nil || sent.Before(at) {
				t.Errorf("reply %s: status %q sent_at %q (at %s), want sent with an RFC 3339 time after it was queued", m.ID, m.Status, m.SentAt, m.At)
			}
		}
	}
	if len(lines) < 2 {
		t.Fatalf("transcript %+v, want the message and its replies", lines)
	}
}

type statusLine struct {
	ID        string `json:"id"`
	Direction string `json:"direction"`
	At        string `json:"at"`
	Status    string `json:"status"`
	SentAt    string `json:"sent_at"`
}

func (s *simAPI) mustStatuses(tb testing.TB, account, chat string) []statusLine {
	tb.Helper()
	status, data := s.do(tb, http.MethodGet, "/api/sim/messages?account="+account+"&chat="+chat, "")
	if status != http.StatusOK {
		tb.Fatalf("GET transcript = %d %s", status, data)
	}
	var out []statusLine
	if err := json.Unmarshal(data, &out); err != nil {
		tb.Fatal(err)
	}
	return out
}

// GET /api/accounts shows each number's outbox: how many wait and how long the oldest has, in
// all and per lane.
func TestAccountsOutbox(t *testing.T) {
	api := MustSimAPI(t)
	// The replies wait their typing delay (400ms at least): they are still queued when we look.
	api.MustPost(t, map[string]any{"account": "kkktp", "from": "081234567890", "text": "halo"})
	status, data := api.do(t, http.MethodGet, "/api/accounts", "")
	if status != http.StatusOK {
		t.Fatalf("GET /api/accounts = %d %s", status, data)
	}
	var got []struct {
		Key    string `json:"key"`
		Outbox *struct {
			Queued    int     `json:"queued"`
			OldestAge float64 `json:"oldest_age_seconds"`
			Lanes     map[string]struct {
				Queued    int     `json:"queued"`
				OldestAge float64 `json:"oldest_age_seconds"`
			} `json:"lanes"`
		} `json:"outbox"`
	}
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatalf("%s: %v", data, err)
	}
	if len(got) != len(api.Cfg.Accounts) {
		t.Fatalf("%d accounts, want %d", len(got), len(api.Cfg.Accounts))
	}
	for _, a := range got {
		if a.Outbox == nil || a.Outbox.Lanes == nil {
			t.Fatalf("account %s has no outbox: %s", a.Key, data)
		}
		if a.Key != "kkktp" && a.Outbox.Queued != 0 {
			t.Errorf("account %s: %d queued, want 0", a.Key, a.Outbox.Queued)
		}
	}
	kk := got[1].Outbox
	if got[1].Key != "kkktp" || kk.Queued == 0 || kk.Lanes["reply"].Queued != kk.Queued || kk.OldestAge < 0 || kk.OldestAge > 5 {
		t.Errorf("kkktp outbox %+v, want the replies queued in the reply lane, a moment old", kk)
	}
}

// /metrics answers this machine in the Prometheus text format, and nobody else: a request that a
// proxy forwarded, or that comes from another address, is refused.
func TestMetricsLoopbackOnly(t *testing.T) {
	api := MustSimAPI(t)
	api.MustPost(t, map[string]any{"account": "kkktp", "from": "081234567890", "text": "halo"})
	api.MustOutboxIdle(t)
	res, err := http.Get(api.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /metrics = %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	for _, want := range []string{
		`ketanmu_inbound_messages_total{account="kkktp",kind="text"} 1`,
		`ketanmu_handle_seconds_count{account="kkktp"} 1`,
		`ketanmu_outbox_sent_total{account="kkktp",lane="reply"}`,
		`ketanmu_outbox_depth{account="kkktp",lane="reply"} 0`,
		`ketanmu_outbox_oldest_age_seconds{account="nik",lane="bulk"} 0`,
		`ketanmu_account_state{account="kkktp",state="connected"} 1`,
		`ketanmu_account_state{account="kkktp",state="logged_out"} 0`,
		`ketanmu_scrape_errors 0`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q", want)
		}
	}

	req, _ := http.NewRequest(http.MethodGet, api.URL+"/metrics", nil)
	req.Header.Set("X-Forwarded-For", "203.0.113.7")
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusForbidden {
		t.Errorf("forwarded GET /metrics = %v %v, want 403", res.StatusCode, err)
	} else {
		res.Body.Close()
	}
	rec := httptest.NewRecorder()
	req = httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req.RemoteAddr = "203.0.113.7:40000"
	api.Server.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Errorf("GET /metrics from 203.0.113.7 = %d, want 403", rec.Code)
	}
}

// With http.metrics_addr set, the main listener does not serve /metrics at all.
func TestMetricsOwnAddress(t *testing.T) {
	cfg := mustConfig(t, "")
	cfg.HTTP.MetricsAddr = "127.0.0.1:0"
	env := mustSimEnv(t, cfg, "")
	res, err := http.Get(env.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("GET /metrics on the main listener = %d, want 404", res.StatusCode)
	}
}
