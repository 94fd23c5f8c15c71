// Package bot is the router between transports and flows: inbound message -> dedupe ->
// conversation -> flow (or operator handoff) -> outbox. It talks to WhatsApp only through the
// small Transport interface.
package bot

import (
	"context"

	"github.com/ketanmu/ketanmu"
)

// ConnState is an account's connection state (ketanmu.ConnState).
type ConnState = ketanmu.ConnState

// Connection states, as ketanmu names them.
const (
	StateNotPaired    = ketanmu.StateNotPaired
	StateConnecting   = ketanmu.StateConnecting
	StateConnected    = ketanmu.StateConnected
	StateDisconnected = ketanmu.StateDisconnected
	StateLoggedOut    = ketanmu.StateLoggedOut
	StateReplaced     = ketanmu.StateReplaced
	StateOutdated     = ketanmu.StateOutdated
	StateBanned       = ketanmu.StateBanned
)

// Transport delivers messages to WhatsApp (or the simulator).
type Transport interface {
	// Send delivers a text or media message under msg.ID, or, when msg.Revoke is set, deletes
	// that message for everyone; it is called again with the same ID on retry.
	Send(ctx context.Context, msg ketanmu.Outbound) error
	// State reports an account's connection.
	State(account string) ConnState
}
