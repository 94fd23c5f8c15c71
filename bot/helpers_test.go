package bot_test

import (
	"context"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/bot"
	"github.com/ketanmu/ketanmu/bot/sim"
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
	return wire(db, cfg, &sim.Transport{}).Router
}

// wire seeds cfg's operators in db and builds the program's parts over it around tr, on the
// database's clock, as internal/app builds them for `ketanmu sim` and `serve`.
func wire(db *store.DB, cfg *config.Config, tr bot.Transport) *app.Core {
	if err := db.SeedOperators(context.Background(), casework.ConfigOperators(cfg)); err != nil {
		panic(err)
	}
	c, err := app.Wire(db, cfg, discard, tr)
	if err != nil {
		panic(err)
	}
	return c
}

func text(chat, id, s string) ketanmu.Inbound {
	return ketanmu.Inbound{Account: account, ID: id, Chat: chat, Kind: ketanmu.KindText, Text: s}
}

// Clock is the tests' fake clock.
type Clock = testfix.Clock

// NewClock starts a clock on Wednesday 25 November 2026, 09:00 in Jakarta.
func NewClock() *Clock { return testfix.NewClock(testfix.Start) }
