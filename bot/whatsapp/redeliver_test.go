package whatsapp

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/bot"
)

// A message that always fails is delivered again on reconnects up to whatsapp.redelivery_limit
// times; then whatsmeow is told it was handled (acknowledged), it is kept as failed with its
// error, the supervisors are told once, and no reconnect is planned over it any more.
func TestRedeliveryLimit(t *testing.T) {
	w := newWired(t)
	ctx := context.Background()
	limit := w.cfg.WhatsApp.RedeliveryLimit
	if limit < 2 {
		t.Fatalf("whatsapp.redelivery_limit = %d: the test wants at least one redelivery", limit)
	}
	var tries int
	w.tr.router = &failingRouter{Router: w.router, fail: func(in ketanmu.Inbound) error {
		if in.ID == "R1" {
			tries++
			return errors.New("cannot decode the 6281234567890 sticker")
		}
		return nil
	}}
	planned := func() bool {
		w.acc.mu.Lock()
		defer w.acc.mu.Unlock()
		return w.acc.timer != nil
	}
	for i := 1; i < limit; i++ {
		if failed := w.internals().HandleDecryptedMessage(ctx, residentInfo("R1", epoch), text("halo"), 0); !failed {
			t.Fatalf("delivery %d acknowledged below the limit", i)
		}
		if !planned() {
			t.Fatalf("delivery %d: no reconnect planned to have it delivered again", i)
		}
	}
	if failed := w.internals().HandleDecryptedMessage(ctx, residentInfo("R1", epoch), text("halo"), 0); failed {
		t.Fatalf("delivery %d (the limit) not acknowledged", limit)
	}
	if tries != limit {
		t.Errorf("router reached %d times, want %d", tries, limit)
	}
	if planned() {
		t.Error("still reconnecting over a message given up")
	}
	var count int
	var gaveUp, lastErr string
	err := w.tr.sqlDB.QueryRow(`SELECT count, gave_up_at, last_error FROM ketanmu_failures WHERE wa_id = 'R1'`).Scan(&count, &gaveUp, &lastErr)
	if err != nil || count != limit || gaveUp == "" || !strings.Contains(lastErr, "sticker") || strings.Contains(lastErr, "6281234567890") {
		t.Errorf("failure row = count %d, gave up %q, error %q (%v); want %d, a time, the masked error", count, gaveUp, lastErr, err, limit)
	}
	// Delivered once more (the ack was lost): acknowledged, not handled, not told again.
	if failed := w.internals().HandleDecryptedMessage(ctx, residentInfo("R1", epoch), text("halo"), 0); failed {
		t.Error("a copy of a message given up is not acknowledged")
	}
	if tries != limit {
		t.Errorf("router reached %d times after the give-up, want %d", tries, limit)
	}
	supervisor := "6281200000004"
	if n := w.count(t, `SELECT COUNT(*) FROM outbox WHERE chat = ? AND text LIKE '%'||?||'%'`, supervisor, ketanmu.MaskPhone(resident)); n != 1 {
		t.Errorf("supervisor told %d times about the lost message, want once", n)
	}
	// Other messages of the chat go on as usual.
	if failed := w.internals().HandleDecryptedMessage(ctx, residentInfo("R2", epoch), text("halo"), 0); failed {
		t.Error("next message not acknowledged")
	}
}

// failingRouter is the real router (it tells the supervisors) failing the messages fail names.
type failingRouter struct {
	*bot.Router
	fail func(in ketanmu.Inbound) error
}

func (f *failingRouter) Handle(ctx context.Context, in ketanmu.Inbound) (bot.Result, error) {
	if err := f.fail(in); err != nil {
		return bot.Result{}, err
	}
	return f.Router.Handle(ctx, in)
}
