package web_test

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu"
)

// slowSimAPI starts the simulator with replies that wait half an hour before they may go, so
// that they are still queued when the test moves the clock.
func slowSimAPI(tb testing.TB) *simAPI {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "config.yaml")
	cfg := "outbound: {reply_delay: {min: 30m, per_char: 0s, max: 30m}}\n"
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		tb.Fatal(err)
	}
	return &simAPI{simEnv: mustSimEnv(tb, mustConfig(tb, path), "")}
}

func (s *simAPI) mustAdvance(tb testing.TB, d time.Duration) {
	tb.Helper()
	status, data := s.do(tb, http.MethodPost, "/api/sim/clock", fmt.Sprintf(`{"advance": %q}`, d.String()))
	if status != http.StatusOK {
		tb.Fatalf("advance clock %s = %d %s", d, status, data)
	}
}

// Replies still queued when the clock passes their lane's max_age are never sent: the
// transcript shows them expired, and the operators get the resident in a call-back summary.
func TestSimRepliesExpire(t *testing.T) {
	api := slowSimAPI(t)
	const from = "081234567890"
	api.MustPost(t, map[string]any{"account": "kkktp", "from": from, "text": "halo"})
	before := api.mustStatuses(t, "kkktp", from)
	queued := 0
	for _, m := range before {
		if m.Direction == "out" && m.Status == "queued" {
			queued++
		}
	}
	if queued == 0 {
		t.Fatalf("transcript %+v: no reply queued, the test would prove nothing", before)
	}

	api.mustAdvance(t, api.Cfg.Outbound.Lanes["reply"].MaxAge+time.Minute)
	api.MustOutboxIdle(t)
	expired := 0
	for _, m := range api.mustStatuses(t, "kkktp", from) {
		if m.Direction != "out" {
			continue
		}
		if m.Status != "expired" || m.SentAt != "" {
			t.Errorf("reply %s: status %q sent_at %q, want expired and never sent", m.ID, m.Status, m.SentAt)
		}
		expired++
	}
	if expired != queued {
		t.Errorf("%d replies expired, want the %d queued", expired, queued)
	}
	for _, m := range api.Transport.Sent() {
		if m.Chat == "6281234567890" {
			t.Errorf("delivered to the resident: %q", m.Text)
		}
	}
	res, err := http.Get(api.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{
		fmt.Sprintf(`ketanmu_outbox_expired_total{account="kkktp",lane="reply"} %d`, queued),
		`ketanmu_account_needs_person{account="kkktp"} 0`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	acc, _ := api.Cfg.Account("kkktp")
	group := acc.OperatorsGroup
	found := false
	for _, m := range api.MustTranscript(t, "kkktp", group) {
		if m.Direction == "out" && strings.Contains(m.Text, "hubungi kembali") && strings.Contains(m.Text, ketanmu.MaskPhone("6281234567890")) {
			found = true
		}
	}
	if !found {
		t.Errorf("operators' group got no call-back summary naming the resident: %+v", api.MustTranscript(t, "kkktp", group))
	}
}

// A year later nothing queued then still holds what the resident typed: the retention purge
// covers unsent replies too.
func TestSimRetentionErasesQueuedReplies(t *testing.T) {
	api := slowSimAPI(t)
	const (
		from    = "081234567890"
		nikNo   = "3516085507900001"
		name    = "Siti Aminah"
		address = "Jl. Raya Sooko No. 12 RT 02 RW 05"
	)
	// The application up to its summary, which repeats the NIK, the name and the address.
	sitiApplies(t, func(msg map[string]any) { api.MustPost(t, msg) }, from, nikNo, name, address, "tidak")
	holding := func() int {
		var n int
		err := api.DB.SQL().QueryRow(`SELECT COUNT(*) FROM outbox WHERE instr(text, ?) > 0 OR instr(text, ?) > 0
			OR instr(text, ?) > 0`, nikNo, name, address).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	var pending int
	if err := api.DB.SQL().QueryRow(`SELECT COUNT(*) FROM outbox WHERE status = 'pending'`).Scan(&pending); err != nil {
		t.Fatal(err)
	}
	if n := holding(); n == 0 || pending == 0 {
		t.Fatalf("%d outbox rows hold the personal data, %d pending, before the jump: the test would prove nothing", n, pending)
	}
	api.mustAdvance(t, 400*24*time.Hour)
	api.MustOutboxIdle(t)
	if n := holding(); n != 0 {
		t.Errorf("%d outbox rows still hold the NIK, name or address typed 400 days ago", n)
	}
}

// A tool that posts a message and at once moves the clock gets the bot's answers: what was about
// to go is sent before the jump, nothing expires, and nobody is asked to call the resident back.
func TestSimJumpRightAfterAMessage(t *testing.T) {
	api := MustSimAPI(t)
	const from = "081311110009"
	api.MustPost(t, map[string]any{"account": "kkktp", "from": from, "text": "halo, saya mau tanya syarat KK"})
	api.mustAdvance(t, 2*time.Hour)
	api.MustOutboxIdle(t)
	out := 0
	for _, m := range api.mustStatuses(t, "kkktp", from) {
		if m.Direction != "out" {
			continue
		}
		out++
		if m.Status != "sent" {
			t.Errorf("reply %s: status %q, want sent before the clock jumped", m.ID, m.Status)
		}
	}
	if out == 0 {
		t.Fatal("no reply at all: the test would prove nothing")
	}
	for _, m := range api.Transport.Sent() {
		if strings.Contains(m.Text, "tidak terkirim") {
			t.Errorf("a call-back alert went to %s: %q", m.Chat, m.Text)
		}
	}
}
