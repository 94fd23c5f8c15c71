package outbox_test

import (
	"context"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/bot"
	"github.com/ketanmu/ketanmu/bot/sim"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/internal/app"
	"github.com/ketanmu/ketanmu/internal/testfix"
	"github.com/ketanmu/ketanmu/outbox"
	"github.com/ketanmu/ketanmu/store"
)

// The outbox is tested as the program builds it (internal/app.Wire): the production queueing
// rules, the reply gate, the send-time proactive re-check and the router's give-up, backlog and
// expiry notices, around a simulator transport.

// The example config's first account, its operators' group and its supervisor's phone.
const (
	account    = "kkktp"
	group      = "120363000000000101@g.us"
	supervisor = "6281200000004" // Bu Kadis
)

var discard = testfix.Log

// MustConfig loads the built-in example config with fast, generous outbound pacing so that only
// the pacing tests wait on the rate limiter.
func MustConfig(tb testing.TB) *config.Config {
	tb.Helper()
	cfg := testfix.Config(tb, "")
	for lane := range cfg.Outbound.Lanes {
		cfg.Outbound.Lanes[lane] = config.Budget{PerMinute: 60 * 1000, Burst: 100}
	}
	cfg.Outbound.Proactive.Budget = config.Budget{PerMinute: 60 * 1000, Burst: 100}
	cfg.Outbound.ReplyDelay = config.ReplyDelay{}
	cfg.Outbound.Parallel = 1
	cfg.Outbound.RetryMin = 2 * time.Second
	cfg.Outbound.RetryMax = time.Minute
	cfg.Outbound.MaxAttempts = 5
	return cfg
}

// Clock is the tests' fake clock.
type Clock = testfix.Clock

// NewClock starts a clock on Wednesday 25 November 2026, 09:00 in Jakarta.
func NewClock() *Clock { return testfix.NewClock(testfix.Start) }

// MustOpen opens the database at path on the clock (testfix.OpenDB).
func MustOpen(tb testing.TB, path string, clock *Clock) *store.DB {
	tb.Helper()
	return testfix.OpenDB(tb, path, clock.Now)
}

// MustOpenTemp opens a fresh database in a temporary folder.
func MustOpenTemp(tb testing.TB, clock *Clock) *store.DB {
	tb.Helper()
	return testfix.TempDB(tb, clock.Now)
}

// wire seeds cfg's operators in db and builds the program's parts over it around tr, on the
// database's clock.
func wire(tb testing.TB, db *store.DB, cfg *config.Config, tr bot.Transport) *app.Core {
	tb.Helper()
	testfix.Seed(tb, db, cfg)
	c, err := app.Wire(db, cfg, discard, tr)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// newOutbox is the program's outbox over db around tr.
func newOutbox(tb testing.TB, db *store.DB, tr bot.Transport, cfg *config.Config) *outbox.Outbox {
	tb.Helper()
	return wire(tb, db, cfg, tr).Outbox
}

// newRouter is the program's router over db (around a simulator transport nobody reads).
func newRouter(tb testing.TB, db *store.DB, cfg *config.Config) *bot.Router {
	tb.Helper()
	return wire(tb, db, cfg, &sim.Transport{}).Router
}

// MustCount returns the result of a SELECT COUNT(*) query.
func MustCount(tb testing.TB, db *store.DB, query string, args ...any) int {
	tb.Helper()
	var n int
	if err := db.SQL().QueryRow(query, args...).Scan(&n); err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
	return n
}

// MustQueue puts messages straight into the outbox, one transaction each, in order. A message
// to a resident follows a message from them a moment before, so that the proactive rule (checked
// again at send time) lets it go, as it does a reply.
func MustQueue(tb testing.TB, db *store.DB, msgs ...ketanmu.Outbound) {
	tb.Helper()
	for _, m := range msgs {
		if m.Account == "" {
			m.Account = account
		}
		err := db.Update(context.Background(), func(tx *store.Tx) error {
			if !ketanmu.IsGroup(m.Chat) {
				in := ketanmu.Inbound{Account: m.Account, ID: "IN-" + m.ID, Chat: m.Chat, Kind: ketanmu.KindText,
					Text: "halo", At: tx.Now()}
				if _, err := tx.RecordInbound(in); err != nil {
					return err
				}
			}
			return tx.Queue(m)
		})
		if err != nil {
			tb.Fatalf("queue %s: %v", m.ID, err)
		}
	}
}

// MustHandle routes in and fails the test on error.
func MustHandle(tb testing.TB, r *bot.Router, in ketanmu.Inbound) bot.Result {
	tb.Helper()
	res, err := r.Handle(context.Background(), in)
	if err != nil {
		tb.Fatalf("Handle(%s): %v", in.ID, err)
	}
	return res
}

func text(chat, id, s string) ketanmu.Inbound {
	return ketanmu.Inbound{Account: account, ID: id, Chat: chat, Kind: ketanmu.KindText, Text: s}
}

// sentIDs lists the IDs of delivered messages, in delivery order.
func sentIDs(msgs []ketanmu.Outbound) []string {
	ids := make([]string, len(msgs))
	for i, m := range msgs {
		ids[i] = m.ID
	}
	return ids
}
