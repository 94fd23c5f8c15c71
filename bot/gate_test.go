package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu/bot/sim"
	"github.com/ketanmu/ketanmu/outbox"
)

// TestLiveReplyNotDroppedWhenOfficeTypes: outside an offline backlog, a reply already queued
// (the welcome, a registration number) still goes when someone types on the office phone in the
// chat a moment later. Only replies caused during a backlog may be dropped.
func TestLiveReplyNotDroppedWhenOfficeTypes(t *testing.T) {
	for _, holding := range []bool{false, true} {
		clock := NewClock()
		db := MustOpenTemp(t, clock)
		cfg := MustConfig(t)
		r := newRouter(db, cfg)
		r.Holding = func(string) bool { return holding }
		tr := &sim.Transport{}
		o := newOutbox(t, db, tr, cfg, clock, func(d *outbox.Deps) { d.Gate = &outbox.ReplyGate{DB: db, Now: clock.Now} })
		const chat = "6281234567890"
		MustHandle(t, r, text(chat, "IN1", "halo"))
		clock.Advance(time.Second)
		office := text(chat, "IN2", "Selamat pagi, saya bantu ya")
		office.FromMe = true
		MustHandle(t, r, office)
		for MustSendDue(t, o) > 0 {
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
