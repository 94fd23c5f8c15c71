// Package app wires ketanmu's parts the way the program runs them, so that `ketanmu sim`,
// `ketanmu serve` and the tests that stand in for them share one wiring.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/backup"
	"github.com/ketanmu/ketanmu/bot"
	"github.com/ketanmu/ketanmu/bot/sim"
	"github.com/ketanmu/ketanmu/casework"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/flows"
	"github.com/ketanmu/ketanmu/internal/metrics"
	"github.com/ketanmu/ketanmu/outbox"
	"github.com/ketanmu/ketanmu/reminder"
	"github.com/ketanmu/ketanmu/store"
	"github.com/ketanmu/ketanmu/web"
)

// Core is the heart shared by every way of running: the database, the router and the outbox
// around a transport.
type Core struct {
	Cfg    *config.Config
	Log    *slog.Logger
	DB     *store.DB
	Router *bot.Router
	// Cases is the case service the router's commands, the cases API and the workspace share.
	Cases  *casework.Service
	Outbox *outbox.Outbox
	// Wake wakes the outbox's workers when something was queued.
	Wake *outbox.Wake
	// Metrics is what /metrics serves.
	Metrics *metrics.Metrics
	// Backups takes the scheduled backups; nil when backup.recipients is empty.
	Backups *backup.Job
}

// Open creates the data folder, loads the data key (KETANMU_DATA_KEY, else the key file, created
// when missing), opens the database and wires the router and the outbox around tr.
func Open(cfg *config.Config, log *slog.Logger, tr bot.Transport, now func() time.Time) (*Core, error) {
	dir := cfg.Storage.DataDir
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	privateDir(dir, log)
	keyPath := InDir(dir, cfg.Storage.KeyFile)
	key, created, err := store.LoadKey(os.Getenv("KETANMU_DATA_KEY"), keyPath)
	if err != nil {
		return nil, &config.Error{Key: "storage.key_file", Msg: "data key: " + err.Error()}
	}
	if created {
		log.Warn("Created a new data key; back it up, documents cannot be read without it", "path", keyPath)
	}
	cipher, err := store.NewCipher(key)
	if err != nil {
		return nil, err
	}
	if err := backupBeforeMigrating(cfg, log); err != nil {
		return nil, err
	}
	db, err := store.Open(InDir(dir, cfg.Storage.Database), cipher, now)
	if err != nil {
		return nil, err
	}
	if err := db.SeedOperators(context.Background(), casework.ConfigOperators(cfg)); err != nil {
		db.Close()
		return nil, err
	}
	c, err := Wire(db, cfg, log, tr)
	if err != nil {
		db.Close()
		return nil, err
	}
	c.Metrics.WatchBackups(cfg.Backup.Dir)
	if c.Backups, err = backupJob(c, time.Now); err != nil {
		db.Close()
		return nil, err
	}
	return c, nil
}

// Wire builds every part over an open database, each given what it needs at construction
// (nothing is patched on afterwards): the metrics, the queueing rules, the flows engine, the
// case service, the router and the outbox around tr, on the database's clock (store.Open's).
// Open calls it for the program; the tests call it over their own database, so that they run
// the production wiring.
func Wire(db *store.DB, cfg *config.Config, log *slog.Logger, tr bot.Transport) (*Core, error) {
	c := &Core{Cfg: cfg, Log: log, DB: db}
	now := db.Now
	keys := make([]string, 0, len(cfg.Accounts))
	for _, a := range cfg.Accounts {
		keys = append(keys, a.Key)
	}
	c.Metrics = metrics.New(db, tr, keys, now)
	c.Wake = outbox.NewWake(cfg.Accounts)
	off := offlineOf(tr)
	engine := flows.New(cfg.FlowOptions())
	queue, err := outbox.NewQueue(db, cfg, log, newID(tr), c.Wake.Kick)
	if err != nil {
		return nil, err
	}
	if c.Cases, err = casework.New(db, cfg, engine, queue, log); err != nil {
		return nil, err
	}
	c.Router, err = bot.NewRouter(bot.Deps{DB: db, Config: cfg, Flows: engine, Cases: c.Cases, Queue: queue,
		Offline: off, Observer: c.Metrics, Log: log})
	if err != nil {
		return nil, err
	}
	c.Outbox, err = outbox.New(cfg.Outbound, cfg.Accounts, outbox.Deps{
		DB: db, Transport: tr, Wake: c.Wake, Recheck: queue, Observer: c.Metrics,
		Gate:   &outbox.ReplyGate{DB: db, Holding: off.Holding, Waiting: off.Waiting, Now: now},
		GaveUp: c.Router.TellGaveUp, OnBacklog: c.Router.TellBacklog, Expired: c.Router.TellExpired,
		Now: now, Log: log,
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// offline is what a transport knows of the messages an account missed while offline: the
// router marks the replies such a message caused, the ReplyGate holds replies while the
// backlog and a chat's files are still arriving.
type offline interface {
	bot.Offline
	Waiting(account, chat string) (bool, error)
}

// offlineOf is tr's offline backlog (WhatsApp's), or alwaysLive for a transport that has none
// (the simulator). The choice is made here, once, rather than by each user checking for nil.
func offlineOf(tr bot.Transport) offline {
	if o, ok := tr.(offline); ok {
		return o
	}
	return alwaysLive{}
}

// alwaysLive is the offline backlog of a transport that never misses messages: every message
// arrives live and nothing of a chat is still being fetched.
type alwaysLive struct{}

func (alwaysLive) Holding(string) bool                  { return false }
func (alwaysLive) Backlog(string, time.Time) bool       { return false }
func (alwaysLive) Waiting(string, string) (bool, error) { return false, nil }

// newID is ketanmu.NewMessageID, which WhatsApp and the simulator share, unless the transport
// brings a generator of its own: tests do (testfix.NumberedIDs for transcripts that read the
// same on every run, and one that makes IDs clash).
func newID(tr bot.Transport) func(account string) string {
	if g, ok := tr.(interface{ NewID(account string) string }); ok {
		return g.NewID
	}
	return func(string) string { return ketanmu.NewMessageID() }
}

// privateDir closes a data folder that an older release or an image left open to other local
// users (the database, the key and whatsmeow's device keys live there). A folder we may not
// change is only reported: it may be a mount the administrator manages.
func privateDir(dir string, log *slog.Logger) {
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm()&0o077 == 0 {
		return
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		log.Warn("Data folder is readable by other users", "path", dir, "error", err)
		return
	}
	log.Info("Data folder closed to other users", "path", dir)
}

// InDir resolves a file name from the config against the data folder.
func InDir(dir, name string) string {
	if filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(dir, name)
}

// Simulator is `ketanmu sim`: the core on the simulator's transport and movable clock, the SLA
// scheduler following that clock, and the HTTP server with the simulator's page and API.
type Simulator struct {
	*Core
	Clock     *sim.Clock
	Transport *sim.Transport
	Scheduler *reminder.Scheduler
	Server    *web.Server
}

// OpenSimulator wires the simulator with its clock starting at start (zero: the real time) and
// token as the cases API's bearer token.
func OpenSimulator(cfg *config.Config, log *slog.Logger, start time.Time, token string) (*Simulator, error) {
	s := &Simulator{Clock: sim.NewClock(start), Transport: &sim.Transport{}}
	core, err := Open(cfg, log, s.Transport, s.Clock.Now)
	if err != nil {
		return nil, err
	}
	s.Core = core
	if s.Scheduler, err = reminder.New(core.DB, cfg, core.Router, s.Clock.Now, log); err != nil {
		core.DB.Close()
		return nil, err
	}
	s.Server = s.Web(WebOptions{APIToken: token})
	return s, nil
}

// simSettle is how much real time the simulator gives the outbox to send what is about to go
// before its clock jumps (replies wait reply_delay, at most a few seconds).
const simSettle = 5 * time.Second

// Start runs the outbox and the scheduler (which follows the simulated clock between jumps) in
// the background; stop ends them and waits. The database stays open.
func (s *Simulator) Start(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(3)
	go func() {
		defer wg.Done()
		s.Outbox.Run(ctx)
	}()
	go func() {
		defer wg.Done()
		s.RunBackups(ctx)
	}()
	go func() {
		defer wg.Done()
		s.Scheduler.Follow(ctx, time.Second)
	}()
	return func() {
		cancel()
		wg.Wait()
	}
}

// The metrics count what the router and the outbox report.
var (
	_ bot.InboundObserver = (*metrics.Metrics)(nil)
	_ outbox.Observer     = (*metrics.Metrics)(nil)
)
