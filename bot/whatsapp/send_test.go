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
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/outbox"
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

// mustQueueReply queues msgs as answers to their residents' messages of a moment before, so
// that the proactive rule, checked again at send time, lets them go.
func mustQueueReply(tb testing.TB, e *env, msgs ...ketanmu.Outbound) {
	tb.Helper()
	for _, m := range msgs {
		err := e.db.Update(context.Background(), func(tx *store.Tx) error {
			in := ketanmu.Inbound{Account: m.Account, ID: "IN-" + m.ID, Chat: m.Chat, Kind: ketanmu.KindText, Text: "halo", At: tx.Now()}
			if _, err := tx.RecordInbound(in); err != nil {
				return err
			}
			return tx.Queue(m)
		})
		if err != nil {
			tb.Fatalf("queue: %v", err)
		}
	}
}

// sendUntilSent runs outbox passes, moving the clock past each backoff, until id is sent.
func sendUntilSent(t *testing.T, e *env, o *outbox.Outbox, id string, passes int) {
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
	id := ketanmu.NewMessageID()
	mustQueueReply(t, e, ketanmu.Outbound{ID: id, Account: accKey, Chat: resident, Address: residentLID.String(),
		Text: "Nomor registrasi Anda KTP-261125-0001", Quote: "3EB0RESIDENTMSG"})
	sendUntilSent(t, e, e.outbox, id, 5)

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
	id := ketanmu.NewMessageID()
	data := bytes.Repeat([]byte("PDF"), 100)
	mustQueueReply(t, e, ketanmu.Outbound{ID: id, Account: accKey, Chat: resident, Text: "Tanda terima",
		Media: &ketanmu.Media{Mime: "application/pdf", Filename: "tanda-terima.pdf", Data: data}})
	sendUntilSent(t, e, e.outbox, id, 4)

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
	var paused *outbox.PausedError
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

// N messages of one lane of one number leave no faster than the lane's budget allows, on the
// outbox's clock.
func TestPacing(t *testing.T) {
	cfg := mustConfig(t)
	budget := config.Budget{PerMinute: 600, Burst: 1} // one every 100ms
	cfg.Outbound.Lanes[string(ketanmu.LaneOperators)] = budget
	e := newEnvWith(t, cfg)
	const n = 6
	for i := range n {
		chat := "62812000000" + string(rune('0'+i)) + "0"
		mustQueue(t, e, ketanmu.Outbound{ID: ketanmu.NewMessageID(), Account: accKey, Chat: chat, Text: "Pengingat", Lane: ketanmu.LaneOperators})
	}
	o := e.outbox
	ctx := context.Background()
	for pass := range n {
		if _, err := o.SendDue(ctx, accKey); err != nil {
			t.Fatal(err)
		}
		if got, want := len(e.wa.Sends()), pass+1; got != want {
			t.Fatalf("after pass %d, %v after the start: %d sent, want %d", pass, time.Duration(pass)*99*time.Millisecond, got, want)
		}
		e.clock.Advance(99 * time.Millisecond)
		if _, err := o.SendDue(ctx, accKey); err != nil {
			t.Fatal(err)
		}
		if got, want := len(e.wa.Sends()), pass+1; got != want {
			t.Fatalf("99ms later: %d sent, want still %d", got, want)
		}
		e.clock.Advance(time.Millisecond)
	}
}
