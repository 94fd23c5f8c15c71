package outbox_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu/bot/sim"
)

// TestLiveReplyNotDroppedWhenOfficeTypes: outside an offline backlog, a reply already queued
// (the welcome, a registration number) still goes when someone types on the office phone in the
// chat a moment later. Only replies caused during a backlog may be dropped.
func TestLiveReplyNotDroppedWhenOfficeTypes(t *testing.T) {
	for _, holding := range []bool{false, true} {
		clock := NewClock()
		db := MustOpenTemp(t, clock)
		cfg := MustConfig(t)
		tr := &offlineTransport{Transport: &sim.Transport{}, holding: holding}
		core := wire(t, db, cfg, tr)
		r, o := core.Router, core.Outbox
		const chat = "6281234567890"
		MustHandle(t, r, text(chat, "IN1", "halo"))
		clock.Advance(time.Second)
		office := text(chat, "IN2", "Selamat pagi, saya bantu ya")
		office.FromMe = true
		MustHandle(t, r, office)
		tr.holding = false // the backlog is through: the gate now sends each reply or drops it
		for MustSendDue(t, o) > 0 {
		}
		dropped := MustCount(t, db, `SELECT COUNT(*) FROM outbox WHERE chat = ? AND status = 'failed'
			AND last_error LIKE 'dropped: an operator wrote%' AND text LIKE 'Selamat datang%'`, chat)
		if want := map[bool]int{false: 0, true: 1}[holding]; dropped != want {
			t.Errorf("holding %v: %d welcomes dropped by the reply gate, want %d", holding, dropped, want)
		}
		welcomed := false
		for _, m := range tr.Sent() {
			if m.Chat == chat && strings.Contains(m.Text, "Selamat datang") {
				welcomed = true
			}
		}
		if welcomed == holding {
			t.Errorf("holding %v: welcome sent = %v; want it sent live and dropped only when caused during a backlog", holding, welcomed)
		}
	}
}

// offlineTransport is a transport with an offline backlog, as WhatsApp's; holding: it is
// still receiving it.
type offlineTransport struct {
	*sim.Transport
	holding bool
}

func (t *offlineTransport) Holding(string) bool                  { return t.holding }
func (t *offlineTransport) Backlog(string, time.Time) bool       { return false }
func (t *offlineTransport) Waiting(string, string) (bool, error) { return false, nil }
