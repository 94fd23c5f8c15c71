package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/ketanmu/ketanmu/bot/whatsapp"
	"github.com/ketanmu/ketanmu/internal/app"
	"github.com/ketanmu/ketanmu/reminder"
)

// runServe runs the service on WhatsApp: every paired account, the router, the outbox worker
// and the HTTP server (health, accounts, API).
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", stderr)
	var common commonFlags
	common.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := common.loadConfig(flagGiven(fs, "config"), stderr)
	if err != nil {
		return err
	}
	token, err := apiToken(cfg, "")
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	tr, err := whatsapp.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	core, err := app.Open(cfg, log, tr, time.Now)
	if err != nil {
		return errors.Join(err, tr.Close())
	}
	sched, err := reminder.New(core.DB, cfg, core.Router, time.Now, log)
	if err != nil {
		return errors.Join(err, core.DB.Close(), tr.Close())
	}
	tr.Start(ctx, core.Router, core.DB)

	paired := 0
	for _, acc := range cfg.Accounts {
		if tr.Paired(acc.Key) {
			paired++
		}
	}
	if token == "" {
		log.Warn("Cases API is closed: set handoff.api_token or KETANMU_API_TOKEN")
	}
	srv := core.Web(tr, app.WebOptions{APIToken: token, Linker: waLinker{tr}})

	// WhatsApp stops first, so that no message is acknowledged while the database closes;
	// then the HTTP server, the outbox and the SLA jobs stop and the database closes.
	httpCtx, stopHTTP := context.WithCancel(context.WithoutCancel(ctx))
	defer stopHTTP()
	var closeOnce sync.Once
	var closeErr error
	closeWhatsApp := func() { closeOnce.Do(func() { closeErr = tr.Close() }) }
	go func() {
		select {
		case <-ctx.Done():
		case <-httpCtx.Done():
		}
		closeWhatsApp()
		stopHTTP()
	}()
	workers := func(ctx context.Context) func() {
		ctx, cancel := context.WithCancel(ctx)
		var wg sync.WaitGroup
		wg.Add(3)
		go func() { defer wg.Done(); core.Outbox.Run(ctx) }()
		go func() { defer wg.Done(); core.RunBackups(ctx) }()
		go func() { defer wg.Done(); sched.Run(ctx) }()
		return func() { cancel(); wg.Wait() }
	}
	err = serveHTTP(httpCtx, core, srv.Handler(), workers, func(addr string) {
		fmt.Fprintf(stdout, "ketanmu is serving on WhatsApp with %s, data in %s\n", cfg.Source, cfg.Storage.DataDir)
		fmt.Fprintf(stdout, "%d of %d accounts paired; states at %sapi/accounts (Ctrl+C to stop).\n",
			paired, len(cfg.Accounts), browserURL(addr))
		fmt.Fprintf(stdout, "Operators' workspace: %sops/ (passwords: ketanmu operator passwd NAME)\n", browserURL(addr))
		for _, acc := range cfg.Accounts {
			if !tr.Paired(acc.Key) {
				fmt.Fprintf(stdout, "  %s (%s) is not paired: run `ketanmu pair --account %s`\n", acc.Key, acc.Name, acc.Key)
			}
		}
	})
	stopHTTP()
	closeWhatsApp()
	return errors.Join(err, closeErr)
}

// flagGiven reports whether the flag was set on the command line.
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			given = true
		}
	})
	return given
}
