package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ketanmu/ketanmu/bot"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/flows"
	"github.com/ketanmu/ketanmu/store"
)

// commonFlags are the flags every long-running command shares.
type commonFlags struct {
	config  string
	addr    string
	data    string
	logJSON bool
}

func (c *commonFlags) register(fs interface {
	StringVar(*string, string, string, string)
	BoolVar(*bool, string, bool, string)
}) {
	fs.StringVar(&c.config, "config", "config.yaml", "config file (falls back to the built-in config.example.yaml when absent)")
	fs.StringVar(&c.addr, "addr", "", "HTTP address HOST:PORT (overrides http.addr)")
	fs.StringVar(&c.data, "data", "", "data folder (overrides storage.data_dir)")
	fs.BoolVar(&c.logJSON, "log-json", false, "log as JSON lines")
}

// loadConfig loads the config file; a missing default config.yaml falls back to the built-in
// example with a notice, a missing file named explicitly is an error.
func (c *commonFlags) loadConfig(explicit bool, stderr io.Writer) (*config.Config, error) {
	path := c.config
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) && !explicit {
		fmt.Fprintf(stderr, "ketanmu: %s not found, using the built-in config.example.yaml\n", path)
		path = ""
	}
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	if c.addr != "" {
		cfg.HTTP.Addr = c.addr
	}
	if c.data != "" {
		cfg.Storage.DataDir = c.data
	}
	if c.logJSON {
		cfg.Log.Format = "json"
	}
	return cfg, nil
}

func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.Log.Level))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// app is the wired core shared by `sim` and `serve`.
type app struct {
	cfg    *config.Config
	log    *slog.Logger
	db     *store.DB
	router *bot.Router
	outbox *bot.Outbox
}

// openApp creates the data folder, loads the data key, opens the database and wires the router
// and the outbox around the transport.
func openApp(cfg *config.Config, log *slog.Logger, tr bot.Transport, now func() time.Time) (*app, error) {
	dir := cfg.Storage.DataDir
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	keyPath := inDir(dir, cfg.Storage.KeyFile)
	key, created, err := store.LoadKey(os.Getenv("KETANMU_DATA_KEY"), keyPath)
	if err != nil {
		return nil, &exitError{code: 2, msg: "data key: " + err.Error()}
	}
	if created {
		log.Warn("Created a new data key; back it up, documents cannot be read without it", "path", keyPath)
	}
	cipher, err := store.NewCipher(key)
	if err != nil {
		return nil, err
	}
	db, err := store.Open(inDir(dir, cfg.Storage.Database), cipher)
	if err != nil {
		return nil, err
	}
	db.Now = now
	a := &app{cfg: cfg, log: log, db: db}
	a.router = bot.NewRouter(db, cfg, flows.New(cfg), log)
	a.outbox = bot.NewOutbox(db, tr, cfg.Outbound, cfg.Accounts, log)
	a.outbox.Now = now
	a.router.Notify = a.outbox.Kick
	return a, nil
}

// serveHTTP runs the HTTP server and the outbox until ctx ends, then shuts down gracefully.
func (a *app) serveHTTP(ctx context.Context, handler http.Handler, ready func(addr string)) error {
	ln, err := net.Listen("tcp", a.cfg.HTTP.Addr)
	if err != nil {
		return &exitError{code: 1, msg: fmt.Sprintf("cannot listen on %s: %v (use --addr to pick another)", a.cfg.HTTP.Addr, err)}
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	outboxDone := make(chan struct{})
	go func() {
		a.outbox.Run(ctx)
		close(outboxDone)
	}()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	ready(ln.Addr().String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.log.Info("Shutting down; pending messages stay in the outbox")
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdown)
	<-outboxDone
	return errors.Join(err, a.db.Close())
}

func inDir(dir, name string) string {
	if filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(dir, name)
}

// browserURL turns a listen address into something to click.
func browserURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr + "/"
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return "http://" + host + ":" + port + "/"
}
