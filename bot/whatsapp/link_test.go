package whatsapp

import (
	"context"
	"testing"
	"time"

	waBinary "go.mau.fi/whatsmeow/binary"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/ketanmu/ketanmu/bot"
)

const supervisorPhone = "6281200000004" // Bu Kadis in the example config

// The office phone silent for 10 days is pinged (once a day), and at 12 days the supervisors
// are warned once; a message typed on the phone resets both.
func TestSilentPhoneIsPingedThenWarned(t *testing.T) {
	w := newWired(t)
	w.tr.router = w.router // as serve wires it: the router tells the supervisors
	ctx := context.Background()
	w.internals().DispatchEvent(&events.Connected{})
	w.waitState(t, bot.StateConnected, "")
	fromPhone := func(id string) {
		info := &types.MessageInfo{ID: id, Timestamp: w.clock.Now(), MessageSource: types.MessageSource{
			Chat: residentPN, Sender: types.NewADJID(accPhone, 0, 0), IsFromMe: true}}
		if w.internals().HandleDecryptedMessage(ctx, info, text("Baik Bu"), 0) {
			t.Fatalf("%s not acknowledged", id)
		}
	}
	fromPhone("PP1")
	pings := func() int {
		n := 0
		for _, s := range w.wa.Sends() {
			if s.To.User == accPhone && s.Msg.GetProtocolMessage().GetType() == waE2E.ProtocolMessage_APP_STATE_SYNC_KEY_REQUEST {
				n++
			}
		}
		return n
	}
	warnings := func() int {
		return w.count(t, `SELECT COUNT(*) FROM outbox WHERE chat = ? AND text LIKE '%tidak tersambung ke WhatsApp%'`, supervisorPhone)
	}
	check := func(after time.Duration) {
		t.Helper()
		w.clock.Advance(after)
		if err := w.acc.checkPhone(ctx); err != nil {
			t.Fatal(err)
		}
	}
	check(9 * 24 * time.Hour)
	if pings() != 0 || warnings() != 0 {
		t.Fatalf("after 9 days: %d pings, %d warnings, want none", pings(), warnings())
	}
	check(24*time.Hour + time.Minute)
	if pings() != 1 || warnings() != 0 {
		t.Fatalf("after 10 days: %d pings, %d warnings, want 1 ping", pings(), warnings())
	}
	check(2 * time.Hour)
	if pings() != 1 {
		t.Errorf("pinged %d times within a day, want once", pings())
	}
	check(2 * 24 * time.Hour)
	if pings() != 2 || warnings() != 1 {
		t.Fatalf("after 12 days: %d pings, %d warnings, want 2 and 1", pings(), warnings())
	}
	check(time.Hour)
	if warnings() != 1 {
		t.Errorf("warned %d times, want once", warnings())
	}
	fromPhone("PP2") // the phone is back
	check(24 * time.Hour)
	if pings() != 2 || warnings() != 1 {
		t.Errorf("after the phone came back: %d pings, %d warnings, want no more", pings(), warnings())
	}
}

// A logout is told to the supervisors through another number of the office that still works,
// and recorded for the workspace; the re-linked number ends it.
func TestLogoutIsToldThroughAnotherNumber(t *testing.T) {
	w := newWired(t)
	w.tr.router = w.router
	ctx := context.Background()
	other := w.tr.accounts["akta"]
	other.state.set(bot.StateConnected, time.Time{}, "")
	w.internals().HandleConnectFailure(ctx, failure(waBinary.Attrs{"reason": "401"}))
	w.waitState(t, bot.StateLoggedOut, "")
	deadline := time.Now().Add(3 * time.Second)
	told := func() int {
		return w.count(t, `SELECT COUNT(*) FROM outbox WHERE account = 'akta' AND chat = ? AND text LIKE '%logout%'`, supervisorPhone)
	}
	for told() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := told(); n != 1 {
		t.Fatalf("supervisor told %d times through the other number, want once", n)
	}
	kind, since, ended, err := w.tr.Outage(accKey)
	if err != nil || kind != "logged_out" || !since.Equal(epoch) || !ended.IsZero() {
		t.Errorf("outage = %q since %s ended %s (%v), want logged_out since %s, not ended", kind, since, ended, err, epoch)
	}
	w.clock.Advance(2 * time.Hour) // re-linked and connected
	w.acc.connectedAgain(ctx)
	if _, _, ended, _ := w.tr.Outage(accKey); !ended.Equal(epoch.Add(2 * time.Hour)) {
		t.Errorf("outage ended %s, want when the number connected again", ended)
	}
}
