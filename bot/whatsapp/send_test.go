package whatsapp

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/types"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/bot"
	"github.com/ketanmu/ketanmu/store"
)

func mustQueue(tb testing.TB, e *env, msgs ...ketanmu.Outbound) {
	tb.Helper()
	for _, m := range msgs {
		if err := e.db.Update(context.Background(), func(tx *store.Tx) error { return tx.Queue(m) }); err != nil {
			tb.Fatalf("queue: %v", err)
		}
	}
}

func newOutbox(e *env) *bot.Outbox {
	o := bot.NewOutbox(e.db, e.tr, e.cfg.Outbound, e.cfg.Accounts, discard)
	o.Now = e.clock.Now
	return o
}

// sendUntilSent runs outbox passes, moving the clock past each backoff, until id is sent.
func sendUntilSent(t *testing.T, e *env, o *bot.Outbox, id string, passes int) {
	t.Helper()
	ctx := context.Background()
	for range passes {
		if _, err := o.SendDue(ctx, accKey); err != nil {
			t.Fatal(err)
		}
		if status, _, _ := e.db.OutboxStatus(ctx, accKey, id); status == "sent" {
			return
		}
		e.clock.Advance(e.cfg.Outbound.RetryMax)
	}
	status, attempts, err := e.db.OutboxStatus(ctx, accKey, id)
	t.Fatalf("message %s is %s after %d attempts (%v)", id, status, attempts, err)
}

func TestSenderReusesStoredIDAcrossRetries(t *testing.T) {
	e := newEnv(t)
	e.wa.Fail = func(n int) error {
		if n < 3 {
			return errors.New("websocket closed")
		}
		return nil
	}
	id := e.tr.NewID(accKey)
	mustQueue(t, e, ketanmu.Outbound{ID: id, Account: accKey, Chat: resident, Address: residentLID.String(),
		Text: "Nomor registrasi Anda KTP-261125-0001", Quote: "3EB0RESIDENTMSG"})
	sendUntilSent(t, e, newOutbox(e), id, 5)

	sends := e.wa.Sends()
	if len(sends) != 3 {
		t.Fatalf("tries = %d, want 3", len(sends))
	}
	for i, s := range sends {
		if string(s.ID) != id {
			t.Errorf("try %d sent as %q, want the stored ID %q", i+1, s.ID, id)
		}
		if s.To != residentLID {
			t.Errorf("try %d went to %s, want the chat as received (%s)", i+1, s.To, residentLID)
		}
		ci := s.Msg.GetExtendedTextMessage().GetContextInfo()
		if ci.GetStanzaID() != "3EB0RESIDENTMSG" || ci.GetParticipant() != residentLID.String() {
			t.Errorf("try %d quotes %q by %q", i+1, ci.GetStanzaID(), ci.GetParticipant())
		}
	}

	// A retry receipt after a restart is served from the outbox.
	got := e.acc.messageForRetry(residentLID, residentLID, types.MessageID(id))
	if got.GetExtendedTextMessage().GetText() != "Nomor registrasi Anda KTP-261125-0001" {
		t.Errorf("GetMessageForRetry = %v", got)
	}
	if e.acc.messageForRetry(residentLID, residentLID, "3EB0UNKNOWN") != nil {
		t.Error("GetMessageForRetry found a message that was never sent")
	}
}

func TestFileIsUploadedOnceAcrossRetries(t *testing.T) {
	e := newEnv(t)
	e.wa.Fail = func(n int) error {
		if n == 1 {
			return errors.New("timeout")
		}
		return nil
	}
	id := e.tr.NewID(accKey)
	data := bytes.Repeat([]byte("PDF"), 100)
	mustQueue(t, e, ketanmu.Outbound{ID: id, Account: accKey, Chat: resident, Text: "Tanda terima",
		Media: &ketanmu.Media{Mime: "application/pdf", Filename: "tanda-terima.pdf", Data: data}})
	sendUntilSent(t, e, newOutbox(e), id, 4)

	sends := e.wa.Sends()
	if e.wa.uploads != 1 || len(sends) != 2 {
		t.Fatalf("uploads = %d, sends = %d; want 1 upload for 2 tries", e.wa.uploads, len(sends))
	}
	a, b := sends[0].Msg.GetDocumentMessage(), sends[1].Msg.GetDocumentMessage()
	if !bytes.Equal(a.GetMediaKey(), b.GetMediaKey()) || b.GetFileName() != "tanda-terima.pdf" || b.GetCaption() != "Tanda terima" {
		t.Errorf("retry sent a different document: %v vs %v", a, b)
	}
	if got := e.acc.messageForRetry(residentPN, residentPN, types.MessageID(id)); !bytes.Equal(got.GetDocumentMessage().GetMediaKey(), a.GetMediaKey()) {
		t.Errorf("GetMessageForRetry = %v, want the uploaded document", got)
	}
}

func TestBanPausesTheOutbox(t *testing.T) {
	e := newEnv(t)
	until := e.clock.Now().Add(2 * time.Hour)
	e.acc.state.set(bot.StateBanned, until, "")
	err := e.tr.Send(context.Background(), ketanmu.Outbound{ID: "3EB0X", Account: accKey, Chat: resident, Text: "halo"})
	var paused *bot.PausedError
	if !errors.As(err, &paused) || !paused.Until.Equal(until) {
		t.Fatalf("Send = %v, want a pause until %s", err, until)
	}
	e.acc.state.set(bot.StateDisconnected, time.Time{}, "")
	err = e.tr.Send(context.Background(), ketanmu.Outbound{ID: "3EB0X", Account: accKey, Chat: resident, Text: "halo"})
	if !errors.As(err, &paused) {
		t.Fatalf("Send while disconnected = %v, want a pause", err)
	}
	if len(e.wa.Sends()) != 0 {
		t.Error("sent while banned or disconnected")
	}
}

// N messages to one number leave no faster than outbound.rate_per_minute allows.
func TestPacing(t *testing.T) {
	cfg := mustConfig(t)
	cfg.Outbound.RatePerMinute = 600 // 10 a second
	cfg.Outbound.Burst = 1
	e := newEnvWith(t, cfg)
	const n = 6
	for i := range n {
		chat := "62812000000" + string(rune('0'+i)) + "0"
		mustQueue(t, e, ketanmu.Outbound{ID: e.tr.NewID(accKey), Account: accKey, Chat: chat, Text: "Pengingat"})
	}
	o := newOutbox(e)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		o.Run(ctx)
		close(done)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for len(e.wa.Sends()) < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	sends := e.wa.Sends()
	if len(sends) != n {
		t.Fatalf("sent %d of %d", len(sends), n)
	}
	perSend := time.Minute / time.Duration(cfg.Outbound.RatePerMinute)
	minTotal := time.Duration(n-cfg.Outbound.Burst) * perSend
	if took := sends[n-1].At.Sub(sends[0].At); took < minTotal-10*time.Millisecond {
		t.Errorf("%d messages left within %s, want at least %s at %v a minute", n, took, minTotal, cfg.Outbound.RatePerMinute)
	}
}
