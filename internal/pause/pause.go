// Package pause waits for a while unless the work it waits for is cancelled first: the one
// timer-or-context select the outbox, the store's checkpointer, the WhatsApp transport and the
// load command share.
package pause

import (
	"context"
	"time"
)

// For waits d (not at all when d <= 0); false when ctx ended first.
func For(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
