package outbox_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/bot/sim"
	"github.com/ketanmu/ketanmu/config"
)

// Messages queued while the residents had just written, sent only after an outage: the
// proactive rule is applied again at send time. A resident with a case now gets them as
// proactive messages (spending that budget); one without a case gets nothing.
func TestProactiveRuleAtSendTime(t *testing.T) {
	clock := NewClock()
	db := MustOpenTemp(t, clock)
	cfg := MustConfig(t)
	cfg.Outbound.Proactive.Budget = config.Budget{PerMinute: 1, Burst: 1}
	tr := &sim.Transport{}
	core := wire(t, db, cfg, tr)
	r, o := core.Router, core.Outbox
	MustHandle(t, r, text(resA, "A1", "halo"))
	MustHandle(t, r, text(resB, "B1", "halo"))
	mustCase(t, db, resA)
	for MustSendDue(t, o) > 0 {
	}
	before := len(tr.Sent())

	clock.Advance(23 * time.Hour) // still within the 24-hour window
	queued := queueVia(t, r,
		ketanmu.Outbound{Account: account, Chat: resA, Text: "langkah 1"},
		ketanmu.Outbound{Account: account, Chat: resA, Text: "langkah 2"},
		ketanmu.Outbound{Account: account, Chat: resB, Text: "langkah 3"})
	for _, m := range queued {
		if m.Proactive {
			t.Fatalf("message to %s queued as proactive within the window", m.Chat)
		}
	}
	clock.Advance(2 * time.Hour) // the number was down; now 25 hours since they wrote
	MustSendDue(t, o)
	MustSendDue(t, o)
	// The bulk lane waited two hours: the supervisor is told (Router.TellBacklog); the
	// residents' messages are what this test is about.
	toResidents := func() []string {
		var texts []string
		for _, m := range tr.Sent()[before:] {
			if m.Chat == resA || m.Chat == resB {
				texts = append(texts, m.Text)
			}
		}
		return texts
	}
	sent := toResidents()
	if len(sent) != 1 || sent[0] != "langkah 1" {
		t.Errorf("sent %q, want only the first to the resident with a case: the second waits for the proactive budget", sent)
	}
	var status, lastErr string
	if err := db.SQL().QueryRow(`SELECT status, last_error FROM outbox WHERE text = 'langkah 3'`).Scan(&status, &lastErr); err != nil {
		t.Fatal(err)
	}
	if status != "failed" || !strings.Contains(lastErr, "without a case") {
		t.Errorf("message to the resident without a case: %s (%q), want dropped", status, lastErr)
	}
	clock.Advance(time.Minute)
	MustSendDue(t, o)
	if n := len(toResidents()); n != 2 {
		t.Errorf("%d sent a minute later, want 2", n)
	}
}
