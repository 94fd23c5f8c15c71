package whatsapp

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/bot"
)

// whatsmeow's decrypt transaction reads the Signal session and then writes it. Under SQLite's
// default deferred transactions a write committed by anyone else in between (another account,
// the inbox, a push-name update) makes the upgrade fail at once with "database is locked",
// whatever the busy timeout: the message is not decrypted. The store opens transactions
// immediate, so they wait for each other instead.
func TestDecryptSurvivesConcurrentWriters(t *testing.T) {
	w := newWired(t)
	ph := newPhone(t, w)
	ctx := context.Background()
	var mu sync.Mutex
	got := map[string]int{}
	w.tr.router = routerFunc(func(_ context.Context, in ketanmu.Inbound) (bot.Result, error) {
		mu.Lock()
		got[in.ID]++
		mu.Unlock()
		return bot.Result{}, nil
	})
	opening, _ := ph.send(t, w, "L0", text("halo"), officeBundle(t, w))
	w.internals().HandleEncryptedMessage(ctx, opening)
	ph.answer(t, w)

	stop := make(chan struct{})
	var writers sync.WaitGroup
	for i := range 2 {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				// Any other writer of whatsmeow's file will do: the transport's own bookkeeping.
				if err := w.tr.db.putSent(ctx, accKey, fmt.Sprintf("w%d-%d", i, n), []byte{1}); err != nil {
					t.Errorf("writer: %v", err)
					return
				}
				time.Sleep(200 * time.Microsecond)
			}
		}()
	}
	const total = 100
	for i := range total {
		stanza, _ := ph.send(t, w, fmt.Sprintf("L%d", i+1), text(fmt.Sprintf("pesan %d", i+1)), nil)
		w.internals().HandleEncryptedMessage(ctx, stanza)
	}
	close(stop)
	writers.Wait()

	mu.Lock()
	defer mu.Unlock()
	var lost int
	for i := range total {
		if got[fmt.Sprintf("L%d", i+1)] != 1 {
			lost++
		}
	}
	if lost > 0 {
		t.Errorf("%d of %d messages not decrypted while others wrote to the store, want 0", lost, total)
	}
}
