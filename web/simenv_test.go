package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/internal/app"
	"github.com/ketanmu/ketanmu/internal/testfix"
)

// simEnv is the simulator wired by app.OpenSimulator, as `ketanmu sim` wires it (the outbox and
// the SLA scheduler running), behind a real HTTP server at URL.
type simEnv struct {
	*app.Simulator
	URL string
}

// mustSimEnv starts the simulator with cfg, as the test loaded it, on a fresh data folder in
// tb.TempDir() (the database and a new data key), its clock starting on Wednesday 2026-11-25 at
// 09:00 office time (office hours). token is the cases API's bearer token; "" keeps that API
// closed. The server, the background work and the database are closed when the test ends.
func mustSimEnv(tb testing.TB, cfg *config.Config, token string) *simEnv {
	tb.Helper()
	cfg.Storage.DataDir = tb.TempDir()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	start := time.Date(2026, 11, 25, 9, 0, 0, 0, cfg.Office.Location)
	s, err := app.OpenSimulator(cfg, log, start, token)
	if err != nil {
		tb.Fatal(err)
	}
	stop := s.Start(context.Background())
	srv := httptest.NewServer(s.Server.Handler())
	tb.Cleanup(func() {
		srv.Close()
		stop()
		if err := s.DB.Close(); err != nil {
			tb.Error(err)
		}
	})
	return &simEnv{Simulator: s, URL: srv.URL}
}

// mustConfig loads the config the way the program does: path "" is the built-in example.
func mustConfig(tb testing.TB, path string) *config.Config {
	tb.Helper()
	return testfix.Config(tb, path)
}

// tableCounts counts the rows of each table, to show that a refused request changed nothing.
func (e *simEnv) tableCounts(tb testing.TB, tables ...string) map[string]int {
	tb.Helper()
	counts := map[string]int{}
	for _, table := range tables {
		var n int
		if err := e.DB.SQL().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
			tb.Fatal(err)
		}
		counts[table] = n
	}
	return counts
}
