package testfix

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/outbox"
	"github.com/ketanmu/ketanmu/store"
)

// NewOutbox builds an outbox for a test on the clock now: the collaborators the test does not
// set through with are stand-ins that let everything through (no gate, the proactive decision
// made when queueing stands, nobody told of give-ups, backlogs or expiries). A test of one of
// those sets the real one (with(&d)).
func NewOutbox(tb testing.TB, db *store.DB, tr outbox.Sender, cfg *config.Config, now func() time.Time, with ...func(*outbox.Deps)) *outbox.Outbox {
	tb.Helper()
	d := outbox.Deps{
		DB: db, Transport: tr, Wake: outbox.NewWake(cfg.Accounts), Gate: openGate{}, Recheck: queuedRule{},
		Observer: nopObserver{}, GaveUp: func(context.Context, store.OutboxItem, error) {},
		OnBacklog: func(context.Context, string, ketanmu.Lane, int, time.Duration) {},
		Expired:   func(context.Context, string) {},
		Now:       now, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	for _, f := range with {
		f(&d)
	}
	o, err := outbox.New(cfg.Outbound, cfg.Accounts, d)
	if err != nil {
		tb.Fatal(err)
	}
	return o
}

// openGate holds and drops nothing.
type openGate struct{}

func (openGate) Check(context.Context, store.OutboxItem) (outbox.Verdict, error) {
	return outbox.Verdict{}, nil
}

// queuedRule keeps the proactive decision taken when the message was queued.
type queuedRule struct{}

func (queuedRule) Recheck(_ context.Context, it store.OutboxItem) (bool, string, error) {
	return it.Msg.Proactive, "", nil
}

// nopObserver counts nothing.
type nopObserver struct{}

func (nopObserver) Sent(string, ketanmu.Lane, time.Duration) {}
func (nopObserver) Failed(string, ketanmu.Lane)              {}
func (nopObserver) Expired(string, ketanmu.Lane, int)        {}
