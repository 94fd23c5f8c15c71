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
	"github.com/ketanmu/ketanmu/reminder"
	"github.com/ketanmu/ketanmu/web"
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
	log := newLogger(cfg, stderr)
	tr, err := whatsapp.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	a, err := openApp(cfg, log, tr, time.Now)
	if err != nil {
		return errors.Join(err, tr.Close())
	}
	a.router.NewID = tr.NewID
	a.outbox.Jitter = cfg.WhatsApp.SendJitter
	sched, err := reminder.New(a.db, cfg, a.router, time.Now, log)
	if err != nil {
		return errors.Join(err, a.db.Close(), tr.Close())
	}
	tr.Start(ctx, a.router, a.db)

	paired := 0
	for _, acc := range cfg.Accounts {
		if tr.Paired(acc.Key) {
			paired++
		}
	}
	srv := web.New(cfg, a.db, a.router, tr, nil, log)
	token := apiToken(cfg, "")
	if token == "" {
		log.Warn("Cases API is closed: set handoff.api_token or KETANMU_API_TOKEN")
	}
	srv.SetAPIToken(token)

	// WhatsApp stops first, so that no message is acknowledged while the database closes;
	// then the HTTP server and the outbox stop and the database closes (in serveHTTP).
	httpCtx, stopHTTP := context.WithCancel(context.WithoutCancel(ctx))
	defer stopHTTP()
	// SLA reminders and the digest run on the wall clock until the HTTP side stops.
	jobsCtx, stopJobs := context.WithCancel(httpCtx)
	jobsDone := make(chan struct{})
	go func() {
		defer close(jobsDone)
		sched.Run(jobsCtx)
	}()
	var closeOnce sync.Once
	var closeErr error
	closeWhatsApp := func() { closeOnce.Do(func() { closeErr = tr.Close() }) }
	go func() {
		select {
		case <-ctx.Done():
		case <-httpCtx.Done():
		}
		closeWhatsApp()
		stopJobs()
		<-jobsDone
		stopHTTP()
	}()
	err = a.serveHTTP(httpCtx, srv.Handler(), func(addr string) {
		fmt.Fprintf(stdout, "ketanmu is serving on WhatsApp with %s, data in %s\n", cfg.Source, cfg.Storage.DataDir)
		fmt.Fprintf(stdout, "%d of %d accounts paired; states at %sapi/accounts (Ctrl+C to stop).\n",
			paired, len(cfg.Accounts), browserURL(addr))
		for _, acc := range cfg.Accounts {
			if !tr.Paired(acc.Key) {
				fmt.Fprintf(stdout, "  %s (%s) is not paired: run `ketanmu pair --account %s`\n", acc.Key, acc.Name, acc.Key)
			}
		}
	})
	stopHTTP()
	<-jobsDone
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
