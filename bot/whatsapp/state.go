package whatsapp

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/ketanmu/ketanmu/bot"
)

// status is an account's connection as operators see it (GET /api/accounts, /healthz, the log).
type status struct {
	Account string
	State   bot.ConnState
	Since   time.Time
	// Until is when a temporary ban ends; zero otherwise.
	Until time.Time
	// Device is the linked device's JID once paired.
	Device string
	// Detail tells a person what happened and what to do, in a sentence.
	Detail string
}

// details are the default explanations of each state.
var details = map[bot.ConnState]string{
	bot.StateNotPaired:    "not linked yet: run `ketanmu pair --account KEY`",
	bot.StateConnecting:   "connecting to WhatsApp",
	bot.StateConnected:    "connected",
	bot.StateDisconnected: "connection lost, reconnecting automatically",
	bot.StateLoggedOut:    "the device was removed from the phone (Linked devices) or logged out: pair again",
	bot.StateReplaced:     "another program connected with the same session: stop it, then restart ketanmu",
	bot.StateOutdated:     "WhatsApp rejected this version: update ketanmu (whatsmeow) or set whatsapp.version",
	bot.StateBanned:       "WhatsApp temporarily banned this number: sending resumes when the ban ends",
}

// stateBox holds one account's status; every change is logged once.
type stateBox struct {
	mu  sync.Mutex
	st  status
	log *slog.Logger
	now func() time.Time
}

func (b *stateBox) get() status {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.st
}

// set moves the account to st. detail "" uses the state's default explanation. Setting the same
// state again changes nothing and logs nothing.
func (b *stateBox) set(st bot.ConnState, until time.Time, detail string) {
	b.mu.Lock()
	prev := b.st
	if detail == "" {
		detail = strings.ReplaceAll(details[st], "KEY", prev.Account)
	}
	if prev.State == st && prev.Until.Equal(until) && prev.Detail == detail {
		b.mu.Unlock()
		return
	}
	b.st.State, b.st.Until, b.st.Detail, b.st.Since = st, until, detail, b.now()
	b.mu.Unlock()

	attrs := []any{"account", prev.Account, "state", st, "previous", prev.State, "detail", detail}
	if !until.IsZero() {
		attrs = append(attrs, "until", until.Format(time.RFC3339))
	}
	level := slog.LevelInfo
	switch {
	case st == bot.StateDisconnected, st == bot.StateNotPaired:
		level = slog.LevelWarn
	case st.NeedsPerson():
		level = slog.LevelError
	}
	b.log.Log(context.Background(), level, "WhatsApp account state changed", attrs...)
}

func (b *stateBox) setDevice(jid string) {
	b.mu.Lock()
	b.st.Device = jid
	b.mu.Unlock()
}
