// Package outbox owns how messages leave: the queueing rules every producer goes through (the
// lane rule and the proactive rule, Queue), waking the worker after a commit (Wake), and the
// worker that sends each account's messages through the transport in lanes, each with its
// budget and maximum age (Outbox). internal/app builds them; nothing else does.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/store"
)

// Sender delivers messages to WhatsApp (or the simulator): the part of a transport the outbox
// uses.
type Sender interface {
	// Send delivers a text or media message under msg.ID, or, when msg.Revoke is set, deletes
	// that message for everyone; it is called again with the same ID on retry.
	Send(ctx context.Context, msg ketanmu.Outbound) error
}

// PausedError tells the outbox to hold an account's messages until Until (a temporary ban),
// without counting the try.
type PausedError struct{ Until time.Time }

func (e *PausedError) Error() string {
	return fmt.Sprintf("account paused until %s", e.Until.Format(time.RFC3339))
}

// Observer is told of every outcome of a send (metrics).
type Observer interface {
	Sent(account string, lane ketanmu.Lane, waited time.Duration)
	Failed(account string, lane ketanmu.Lane)
	// Expired counts messages that outlived their lane's max_age, never sent.
	Expired(account string, lane ketanmu.Lane, n int)
}

// Rechecker applies the proactive rule again at send time (Queue.Recheck): whether a queued
// message is proactive now, or why it may not go at all.
type Rechecker interface {
	Recheck(ctx context.Context, it store.OutboxItem) (proactive bool, drop string, err error)
}

// Wake wakes the accounts' workers when something was queued for them: the Queue tells it
// after a commit, the Outbox listens.
type Wake struct {
	kick map[string]chan struct{}
}

// NewWake returns the wake-up signals of the accounts.
func NewWake(accounts []config.Account) *Wake {
	w := &Wake{kick: map[string]chan struct{}{}}
	for _, a := range accounts {
		w.kick[a.Key] = make(chan struct{}, 1)
	}
	return w
}

// Kick wakes the account's worker because something was queued.
func (w *Wake) Kick(account string) {
	ch := w.kick[account]
	if ch == nil {
		return
	}
	select {
	case ch <- struct{}{}:
	default:
	}
}

// Woken reports whether a wake-up is pending for the account's worker, and takes it as the
// worker would.
func (w *Wake) Woken(account string) bool {
	select {
	case <-w.kick[account]:
		return true
	default:
		return false
	}
}

// Deps are the outbox's collaborators. Every one is required: New refuses a missing one.
type Deps struct {
	DB        *store.DB
	Transport Sender
	// Wake is what the Queue tells when something was queued.
	Wake *Wake
	// Gate is asked before each send whether to hold or drop the message (ReplyGate).
	Gate Gate
	// Recheck applies the proactive rule again at send time (the Queue).
	Recheck Rechecker
	// Observer is told of every send (metrics).
	Observer Observer
	// GaveUp is told about each message given up for good.
	GaveUp func(ctx context.Context, it store.OutboxItem, cause error)
	// OnBacklog is called once when a lane's oldest message has waited longer than
	// outbound.alert_after, and again only after the lane has recovered.
	OnBacklog func(ctx context.Context, account string, lane ketanmu.Lane, depth int, waited time.Duration)
	// Expired is told after messages of the account expired unsent (the call-back summary).
	Expired func(ctx context.Context, account string)
	// Now is the clock for due times and budgets (the simulator's clock in `ketanmu sim`).
	Now func() time.Time
	Log *slog.Logger
}

// missing names the collaborators d lacks.
func (d Deps) missing() error {
	var names []string
	for name, absent := range map[string]bool{
		"DB": d.DB == nil, "Transport": d.Transport == nil, "Wake": d.Wake == nil, "Gate": d.Gate == nil,
		"Recheck": d.Recheck == nil, "Observer": d.Observer == nil, "GaveUp": d.GaveUp == nil,
		"OnBacklog": d.OnBacklog == nil, "Expired": d.Expired == nil, "Now": d.Now == nil, "Log": d.Log == nil,
	} {
		if absent {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return nil
	}
	slices.Sort(names)
	return errors.New("outbox: missing " + strings.Join(names, ", "))
}
