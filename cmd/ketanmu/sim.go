package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/ketanmu/ketanmu/bot/sim"
	"github.com/ketanmu/ketanmu/web"
)

func runSim(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("sim", stderr)
	var common commonFlags
	common.register(fs)
	nowFlag := fs.String("now", "", "start the simulated clock at this RFC 3339 time (default: the real time)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	explicit := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "config" {
			explicit = true
		}
	})
	var start time.Time
	if *nowFlag != "" {
		var err error
		if start, err = time.Parse(time.RFC3339, *nowFlag); err != nil {
			return &exitError{code: 2, msg: fmt.Sprintf("--now %q is not an RFC 3339 time such as 2026-11-25T09:00:00+07:00", *nowFlag)}
		}
	}
	cfg, err := common.loadConfig(explicit, stderr)
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	clock := sim.NewClock(start)
	tr := &sim.Transport{}
	a, err := openApp(cfg, log, tr, clock.Now)
	if err != nil {
		return err
	}
	simDeps := &web.Sim{Clock: clock, RunDue: func(ctx context.Context, now time.Time) error {
		a.outbox.KickAll()
		return nil
	}}
	srv := web.New(cfg, a.db, a.router, tr, simDeps, log)
	return a.serveHTTP(ctx, srv.Handler(), func(addr string) {
		fmt.Fprintf(stdout, "ketanmu simulator is running with %s, data in %s\n", cfg.Source, cfg.Storage.DataDir)
		fmt.Fprintf(stdout, "Open %s in your browser (Ctrl+C to stop).\n", browserURL(addr))
	})
}
