// Package bot is the router between transports and flows: inbound message -> dedupe ->
// conversation -> flow (or operator handoff) -> outbox. It talks to WhatsApp only through the
// small Transport interface.
package bot

import (
	"context"
	"fmt"
	"time"

	"github.com/ketanmu/ketanmu"
)

// ConnState is an account's connection state as operators see it.
type ConnState string

// Connection states. not_paired and the last four need a person.
const (
	StateNotPaired    ConnState = "not_paired"
	StateConnecting   ConnState = "connecting"
	StateConnected    ConnState = "connected"
	StateDisconnected ConnState = "disconnected"
	StateLoggedOut    ConnState = "logged_out"
	StateReplaced     ConnState = "replaced"
	StateOutdated     ConnState = "outdated"
	StateBanned       ConnState = "temporarily_banned"
)

// NeedsPerson reports whether the state waits on someone (to pair, re-link, update, or wait
// out a ban) rather than on the network.
func (s ConnState) NeedsPerson() bool {
	switch s {
	case StateNotPaired, StateLoggedOut, StateReplaced, StateOutdated, StateBanned:
		return true
	}
	return false
}

// Transport delivers messages to WhatsApp (or the simulator).
type Transport interface {
	// Send delivers a text or media message under msg.ID, or, when msg.Revoke is set, deletes
	// that message for everyone; it is called again with the same ID on retry.
	Send(ctx context.Context, msg ketanmu.Outbound) error
	// State reports an account's connection.
	State(account string) ConnState
}

// PausedError tells the outbox to hold an account's messages until Until (a temporary ban),
// without counting the try.
type PausedError struct{ Until time.Time }

func (e *PausedError) Error() string {
	return fmt.Sprintf("account paused until %s", e.Until.Format(time.RFC3339))
}
