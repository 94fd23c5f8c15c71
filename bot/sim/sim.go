// Package sim is the simulator transport: the same router and outbox as on WhatsApp, driven from
// a browser page and a JSON API instead of a phone. Its clock can be moved forward.
package sim

import (
	"context"
	"sync"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/bot"
)

// Transport records what the outbox delivers. Fail, when set, lets tests make sends fail.
type Transport struct {
	mu   sync.Mutex
	sent []ketanmu.Outbound
	// Fail is asked before each delivery; a non-nil error fails that try.
	Fail func(msg ketanmu.Outbound) error
}

var _ bot.Transport = (*Transport)(nil)

// Send records msg as delivered.
func (t *Transport) Send(_ context.Context, msg ketanmu.Outbound) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.Fail != nil {
		if err := t.Fail(msg); err != nil {
			return err
		}
	}
	msg.Media = nil // the transcript keeps the file; do not hold it twice
	t.sent = append(t.sent, msg)
	return nil
}

// State is always connected: the simulator has no phone to lose.
func (t *Transport) State(string) bot.ConnState { return bot.StateConnected }

// Sent returns a copy of every delivery so far, in order.
func (t *Transport) Sent() []ketanmu.Outbound {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]ketanmu.Outbound(nil), t.sent...)
}

// Clock is the simulator's clock: it runs with real time from a chosen start and can be moved
// forward.
type Clock struct {
	mu     sync.Mutex
	offset time.Duration
	real   func() time.Time
}

// NewClock returns a clock reading start now (the real time when start is zero).
func NewClock(start time.Time) *Clock {
	c := &Clock{real: time.Now}
	if !start.IsZero() {
		c.offset = start.Sub(c.real())
	}
	return c
}

// Now reads the clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.real().Add(c.offset)
}

// Advance moves the clock forward by d and returns the new time.
func (c *Clock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
	return c.Now()
}
