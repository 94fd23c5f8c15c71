package bot_test

import (
	"context"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/bot"
	"github.com/ketanmu/ketanmu/casework"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/internal/app"
	"github.com/ketanmu/ketanmu/internal/testfix"
	"github.com/ketanmu/ketanmu/store"
)

// The example config's first account and its operators' group.
const (
	account = "kkktp"
	group   = "120363000000000101@g.us"
)

var discard = testfix.Log

// MustConfig loads the built-in example config with fast, generous outbound pacing so that only
// the pacing test waits on the rate limiter.
func MustConfig(tb testing.TB) *config.Config {
	tb.Helper()
	cfg := testfix.Config(tb, "")
	Unpaced(cfg)
	cfg.Outbound.RetryMin = 2 * time.Second
	cfg.Outbound.RetryMax = time.Minute
	cfg.Outbound.MaxAttempts = 5
	return cfg
}

// Unpaced gives every lane and the proactive rule a budget no test reaches, and replies no
// delay, so that only the tests about pacing wait on it.
func Unpaced(cfg *config.Config) {
	for lane := range cfg.Outbound.Lanes {
		cfg.Outbound.Lanes[lane] = config.Budget{PerMinute: 60 * 1000, Burst: 100}
	}
	cfg.Outbound.Proactive.Budget = config.Budget{PerMinute: 60 * 1000, Burst: 100}
	cfg.Outbound.ReplyDelay = config.ReplyDelay{}
	cfg.Outbound.Parallel = 1
}

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

// MustCount returns the result of a SELECT COUNT(*) query.
func MustCount(tb testing.TB, db *store.DB, query string, args ...any) int {
	tb.Helper()
	var n int
	if err := db.SQL().QueryRow(query, args...).Scan(&n); err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
	return n
}

// MustQueue puts messages straight into the outbox, one transaction each, in order.
func MustQueue(tb testing.TB, db *store.DB, msgs ...ketanmu.Outbound) {
	tb.Helper()
	for _, m := range msgs {
		if m.Account == "" {
			m.Account = account
		}
		if err := db.Update(context.Background(), func(tx *store.Tx) error { return tx.Queue(m) }); err != nil {
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

func newRouter(db *store.DB, cfg *config.Config) *bot.Router {
	return newRouterWaking(db, cfg, nil)
}

// newRouterWaking is newRouter with wake told of each account whose outbox should wake.
func newRouterWaking(db *store.DB, cfg *config.Config, wake func(account string)) *bot.Router {
	if err := db.SeedOperators(context.Background(), casework.ConfigOperators(cfg)); err != nil {
		panic(err)
	}
	return app.NewRouter(db, cfg, discard, nil, wake)
}

func text(chat, id, s string) ketanmu.Inbound {
	return ketanmu.Inbound{Account: account, ID: id, Chat: chat, Kind: ketanmu.KindText, Text: s}
}

// Clock is the tests' fake clock.
type Clock = testfix.Clock

// NewClock starts a clock on Wednesday 25 November 2026, 09:00 in Jakarta.
func NewClock() *Clock { return testfix.NewClock(testfix.Start) }

// sentIDs lists the IDs of delivered messages, in delivery order.
func sentIDs(msgs []ketanmu.Outbound) []string {
	ids := make([]string, len(msgs))
	for i, m := range msgs {
		ids[i] = m.ID
	}
	return ids
}
