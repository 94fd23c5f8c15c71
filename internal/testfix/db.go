package testfix

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu/casework"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/store"
)

// Start is where the tests' clocks start unless told otherwise: Wednesday 25 November 2026,
// 09:00 in Jakarta (office hours, a working day), millisecond-aligned.
var Start = time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)

// Clock is a fake clock that moves only when told; safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now reads the clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// Set puts the clock at t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// Log discards what it is told.
var Log = slog.New(slog.NewTextHandler(io.Discard, nil))

// Config loads the config as the program does: the built-in example, with the office's file
// at path over it ("" none).
func Config(tb testing.TB, path string) *config.Config {
	tb.Helper()
	cfg, err := config.Load(path)
	if err != nil {
		tb.Fatalf("config.Load(%q): %v", path, err)
	}
	return cfg
}

// Key is the data key of the tests' databases.
var Key = bytes.Repeat([]byte{7}, 32)

// OpenDB opens (or reopens) the database at path with the tests' data key, on the clock now;
// it is closed when the test ends (closing twice is harmless).
func OpenDB(tb testing.TB, path string, now func() time.Time) *store.DB {
	tb.Helper()
	c, err := store.NewCipher(Key)
	if err != nil {
		tb.Fatal(err)
	}
	db, err := store.Open(path, c, now)
	if err != nil {
		tb.Fatalf("store.Open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// TempDB opens a fresh database in a temporary folder, on the clock now.
func TempDB(tb testing.TB, now func() time.Time) *store.DB {
	tb.Helper()
	return OpenDB(tb, filepath.Join(tb.TempDir(), "ketanmu.db"), now)
}

// DB is a database with operators and a clock: a fresh one in a temporary folder, on the clock
// now, holding cfg's operators as `ketanmu sim` and `serve` seed them.
func DB(tb testing.TB, cfg *config.Config, now func() time.Time) *store.DB {
	tb.Helper()
	db := TempDB(tb, now)
	Seed(tb, db, cfg)
	return db
}

// Seed puts cfg's operators in db as the program does at start.
func Seed(tb testing.TB, db *store.DB, cfg *config.Config) {
	tb.Helper()
	if err := db.SeedOperators(context.Background(), casework.ConfigOperators(cfg)); err != nil {
		tb.Fatal(err)
	}
}
