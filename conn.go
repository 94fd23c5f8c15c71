package ketanmu

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
