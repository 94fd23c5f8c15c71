package whatsapp

import (
	"context"
	"testing"
	"time"

	waBinary "go.mau.fi/whatsmeow/binary"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
)

// The backlog after downtime holds a text, a photo and the office phone's answer, in that
// order on WhatsApp. The photo is downloaded only after WhatsApp said the backlog was through
// (the usual case): the bot must still say nothing in that chat, neither to the text nor to
// the photo, since the operator answered both.
func TestNoReplyOverAnOperatorWhenTheBacklogHoldsAFile(t *testing.T) {
	w := newWired(t)
	ctx := context.Background()
	ob := w.outbox // the program's: the router and the reply gate ask the transport about its backlog
	w.acc.dial(w.cli)
	w.internals().DispatchEvent(&events.Connected{})

	missed := epoch.Add(-3 * time.Hour)
	if w.internals().HandleDecryptedMessage(ctx, residentInfo("BF1", missed), text("halo, mau urus KTP"), 0) {
		t.Fatal("text not acknowledged")
	}
	photo := tinyPNG(t)
	w.dl.files = map[string][]byte{"/v/kk": photo}
	if w.internals().HandleDecryptedMessage(ctx, residentInfo("BF2", missed.Add(time.Minute)), imageMsg("kk", photo, "/v/kk"), 0) {
		t.Fatal("photo not acknowledged")
	}
	op := &types.MessageInfo{ID: "BF3", Timestamp: missed.Add(5 * time.Minute), MessageSource: types.MessageSource{
		Chat: residentPN, Sender: types.NewADJID(accPhone, 0, 0), IsFromMe: true}}
	if w.internals().HandleDecryptedMessage(ctx, op, text("Baik Bu, saya bantu"), 0) {
		t.Fatal("operator's message not acknowledged")
	}
	w.internals().HandleIB(ctx, &waBinary.Node{Tag: "ib", Content: []waBinary.Node{
		{Tag: "offline", Attrs: waBinary.Attrs{"count": "3"}}}})
	deadline := time.Now().Add(3 * time.Second)
	for w.tr.Holding(accKey) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if w.tr.Holding(accKey) {
		t.Fatal("the account still holds replies after OfflineSyncCompleted")
	}

	// The backlog is through but the photo is not downloaded yet: an outbox pass now.
	w.clock.Advance(time.Minute)
	if _, err := ob.SendDue(ctx, accKey); err != nil {
		t.Fatal(err)
	}
	// The download, then the operator's answer queued behind it.
	for range 5 {
		if n, err := w.tr.drainInbox(ctx); err != nil || n == 0 {
			if err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	if n := w.count(t, `SELECT COUNT(*) FROM messages WHERE wa_id IN ('BF1', 'BF2', 'BF3')`); n != 3 {
		t.Fatalf("%d of the 3 backlog messages stored", n)
	}
	for range 8 { // one reply of the chat a pass: its head
		w.clock.Advance(time.Minute)
		if _, err := ob.SendDue(ctx, accKey); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	for _, s := range w.wa.Sends() {
		if s.To.User == resident {
			n++
		}
	}
	if n != 0 {
		t.Errorf("bot sent %d messages over the operator in the resident's chat, want 0", n)
	}
	if q := w.count(t, `SELECT COUNT(*) FROM outbox WHERE chat = ? AND status = 'pending'`, resident); q != 0 {
		t.Errorf("%d replies still pending: they should be dropped, not left waiting", q)
	}
}
