package testfix

import (
	"context"
	"fmt"
	"sync"

	"github.com/ketanmu/ketanmu"
)

// Transport is what the wiring needs of a transport (bot.Transport).
type Transport interface {
	Send(ctx context.Context, msg ketanmu.Outbound) error
	State(account string) ketanmu.ConnState
}

// NumberedIDs is a transport whose outbound message IDs are numbered in order (OUT000001, …)
// instead of ketanmu.NewMessageID's: the wiring (internal/app) takes the IDs of a transport that
// brings a generator, so that transcripts and scripts read the same on every run.
type NumberedIDs struct {
	Transport
	mu sync.Mutex
	n  int
}

// NewID returns the next ID.
func (t *NumberedIDs) NewID(string) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n++
	return fmt.Sprintf("OUT%06d", t.n)
}
