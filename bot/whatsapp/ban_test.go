package whatsapp

import (
	"context"
	"fmt"
	"testing"
	"time"

	waBinary "go.mau.fi/whatsmeow/binary"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/bot"
)

// A 24-hour ban, reported by WhatsApp as whatsmeow parses it, holds the outbox; when it ends,
// none of the 200 replies queued meanwhile that outlived the reply lane's max_age is sent: they
// expire, and only the fresh ones go.
func TestBanThenUnbanSendsNothingStale(t *testing.T) {
	w := newWired(t)
	ctx := context.Background()
	maxAge := w.cfg.Outbound.Lanes[string(ketanmu.LaneReply)].MaxAge
	if maxAge <= 0 || maxAge >= 24*time.Hour {
		t.Fatalf("reply lane max_age = %s: the test wants one shorter than the ban", maxAge)
	}
	ob := w.outbox

	w.internals().HandleConnectFailure(ctx, failure(waBinary.Attrs{"reason": "402", "code": "101", "expire": "86400"}))
	st := w.waitState(t, bot.StateBanned, "")
	banEnds := st.Until

	// 200 replies to 200 residents, queued through the day of the ban; the outbox tries
	// every hour and is held.
	created := map[string]time.Time{}
	for i := range 200 {
		if i == 180 { // the last ones in the ban's final minutes
			w.clock.Advance(banEnds.Add(-20 * time.Minute).Sub(w.clock.Now()))
		}
		id := ketanmu.NewMessageID()
		created[id] = w.clock.Now()
		mustQueueReply(t, w.env, ketanmu.Outbound{ID: id, Account: accKey, Chat: fmt.Sprintf("628120%07d", i),
			Text: "Baik, kami proses", Lane: ketanmu.LaneReply})
		if i%10 == 9 && i < 180 {
			if _, err := ob.SendDue(ctx, accKey); err != nil {
				t.Fatal(err)
			}
			w.clock.Advance(time.Hour)
		}
	}
	if n := len(w.wa.Sends()); n != 0 {
		t.Fatalf("%d sent during the ban", n)
	}

	// The ban ends: whatsmeow reconnects and says so.
	if w.clock.Now().Before(banEnds) {
		w.clock.Advance(banEnds.Sub(w.clock.Now()))
	}
	w.internals().DispatchEvent(&events.Connected{})
	w.waitState(t, bot.StateConnected, "")
	for range 5 {
		if _, err := ob.SendDue(ctx, accKey); err != nil {
			t.Fatal(err)
		}
	}
	now := w.clock.Now()
	sent := map[string]bool{}
	for _, s := range w.wa.Sends() {
		at, queued := created[string(s.ID)]
		if !queued {
			continue // the router's own notices after the outage (the call-back summary, a backlog alert)
		}
		sent[string(s.ID)] = true
		if age := now.Sub(at); age > maxAge {
			t.Errorf("reply %s sent %s after it was queued, older than the lane's %s", s.ID, age, maxAge)
		}
	}
	var fresh, expired int
	for id, at := range created {
		status, _, err := w.db.OutboxStatus(ctx, accKey, id)
		if err != nil {
			t.Fatal(err)
		}
		switch stale := now.Sub(at) > maxAge; {
		case stale && status != "expired":
			t.Errorf("stale reply %s is %s, want expired", id, status)
		case stale:
			expired++
		case !sent[id]:
			t.Errorf("fresh reply %s is %s, want sent", id, status)
		default:
			fresh++
		}
	}
	if fresh == 0 || expired == 0 {
		t.Errorf("%d fresh replies sent, %d expired: the test wants both", fresh, expired)
	}
}
