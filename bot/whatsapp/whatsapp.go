// Package whatsapp is the WhatsApp transport: one whatsmeow client per configured account (a
// linked device of the office's number), all sharing one whatsmeow device store in its own
// SQLite file. It turns WhatsApp events into the router's inbound messages and sends the
// outbox's messages; it knows nothing of the application's tables.
package whatsapp

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
	"go.mau.fi/whatsmeow"
	wastore "go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/store/sqlstore"
	"go.mau.fi/whatsmeow/types"
	waLog "go.mau.fi/whatsmeow/util/log"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/bot"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/store"
)

// Router is the part of bot.Router the transport hands messages to.
type Router interface {
	Handle(ctx context.Context, in ketanmu.Inbound) (bot.Result, error)
}

// Outbox is the part of the store the transport reads its own sent messages from: to recognise
// them when they come back and to answer retry receipts after a restart.
type Outbox interface {
	OutboxByID(ctx context.Context, account, waID string) (store.OutboxItem, error)
}

var (
	_ bot.Transport = (*Transport)(nil)
	_ Router        = (*bot.Router)(nil)
	_ Outbox        = (*store.DB)(nil)
)

// Transport connects the configured accounts to WhatsApp.
type Transport struct {
	cfg       *config.Config
	log       *slog.Logger
	waLog     waLog.Logger
	sqlDB     *sql.DB
	container *sqlstore.Container
	db        *waDB
	accounts  map[string]*account
	keys      []string // config order
	// Now is the clock for message ages and retry times.
	Now func() time.Time

	router Router
	outbox Outbox
	intake *bot.Intake

	version versionKeeper
	notes   notes
	// connectClient opens a client's connection: cli.Connect, or a stand-in in tests.
	connectClient func(*whatsmeow.Client) error
	// connectPair opens the connection of a client that is being paired (a stand-in in tests).
	connectPair func(context.Context, *whatsmeow.Client) error

	ctx    context.Context // lives from Start to Close
	cancel context.CancelFunc
	kick   chan struct{} // wakes the inbox workers
	busy   busyChats
	// work counts every goroutine the transport starts (workers, watchers, dials, reconnect
	// timers, presence and read receipts): Close waits for all of them.
	work sync.WaitGroup

	mu       sync.RWMutex
	closed   bool
	handlers sync.WaitGroup // event handlers running
}

// Open opens whatsmeow's device store (storage.whatsmeow_database in the data folder) and finds
// the device of every account. Nothing connects until Start.
func Open(ctx context.Context, cfg *config.Config, log *slog.Logger) (*Transport, error) {
	if err := applyClientSettings(cfg.WhatsApp); err != nil {
		return nil, err
	}
	path := cfg.Storage.WhatsmeowDatabase
	if !filepath.IsAbs(path) {
		path = filepath.Join(cfg.Storage.DataDir, path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	// The device keys are as secret as the account itself: readable by us only.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	f.Close()
	// Immediate transactions, as in our own store: whatsmeow's decrypt reads the session and then
	// writes it, and a deferred transaction that another writer got ahead of fails at once
	// ("database is locked") instead of waiting out the busy timeout.
	sqlDB, err := sql.Open("sqlite3", "file:"+path+"?_foreign_keys=on&_journal_mode=WAL&_busy_timeout=10000&_txlock=immediate&_secure_delete=on")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	ctx0, cancel0 := context.WithCancel(context.Background())
	t := &Transport{cfg: cfg, log: log, sqlDB: sqlDB, Now: time.Now, accounts: map[string]*account{},
		kick: make(chan struct{}, 1), ctx: ctx0, cancel: cancel0,
		connectClient: func(cli *whatsmeow.Client) error { return cli.Connect() },
		connectPair:   func(ctx context.Context, cli *whatsmeow.Client) error { return cli.ConnectContext(ctx) }}
	t.version = versionKeeper{file: filepath.Join(cfg.Storage.DataDir, versionFile), override: cfg.WhatsApp.Version}
	if err := t.version.load(log); err != nil {
		sqlDB.Close()
		return nil, err
	}
	t.waLog = newWALogger(log, "whatsmeow", cfg.WhatsApp.LogLevel)
	t.container = sqlstore.NewWithDB(sqlDB, "sqlite3", t.waLog.Sub("Database"))
	t.db = &waDB{db: sqlDB, now: func() time.Time { return t.Now() }}
	if err := t.container.Upgrade(ctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("whatsmeow store %s: %w", path, err)
	}
	if err := t.db.migrate(ctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("whatsmeow store %s: %w", path, err)
	}
	for _, acc := range cfg.Accounts {
		a := &account{t: t, cfg: acc}
		a.state = stateBox{log: log, now: func() time.Time { return t.Now() }, st: status{Account: acc.Key}}
		if err := a.loadDevice(ctx); err != nil {
			sqlDB.Close()
			return nil, err
		}
		t.accounts[acc.Key] = a
		t.keys = append(t.keys, acc.Key)
	}
	return t, nil
}

// applyClientSettings sets whatsmeow's process-wide identity: the name the phone lists the
// device under. The version is the versionKeeper's.
func applyClientSettings(w config.WhatsApp) error {
	if w.Version != "" {
		if _, err := wastore.ParseVersion(w.Version); err != nil {
			return &config.Error{Key: "whatsapp.version", Msg: err.Error()}
		}
	}
	wastore.SetOSInfo(w.DeviceName, [3]uint32{0, 1, 0})
	return nil
}

// Start connects every paired account and starts the inbox workers; router receives inbound
// messages and outbox answers for sent ones. Unpaired accounts are reported, not fatal; a
// number paired later (`ketanmu pair` while serve runs) is picked up within a few seconds.
func (t *Transport) Start(ctx context.Context, router Router, outbox Outbox) {
	t.attach(ctx, router, outbox)
	for _, key := range t.keys {
		a := t.accounts[key]
		if a.dev == nil {
			a.state.set(bot.StateNotPaired, time.Time{}, "")
			continue
		}
		a.connect()
	}
	for range t.cfg.WhatsApp.DownloadWorkers {
		t.goWork(t.inboxWorker)
	}
	t.goWork(t.watchPairings)
	t.goWork(t.pruneUploads)
	t.goWork(t.watchLinks)
}

// attach wires the transport to the application without connecting anything.
func (t *Transport) attach(ctx context.Context, router Router, outbox Outbox) {
	t.router, t.outbox = router, outbox
	t.intake = &bot.Intake{MaxMedia: t.cfg.Storage.MaxMediaBytes, MaxAge: t.cfg.WhatsApp.OfflineMaxAge,
		Now: func() time.Time { return t.Now() }, Sent: outbox}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.cancel()
	t.ctx, t.cancel = context.WithCancel(context.WithoutCancel(ctx))
}

func (t *Transport) goWork(fn func(context.Context)) { t.spawn(fn) }

// spawn runs fn in a goroutine owned by the transport: it gets the transport's context and
// Close waits for it. Once Close has begun nothing new starts.
func (t *Transport) spawn(fn func(context.Context)) bool {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.closed {
		return false
	}
	ctx := t.ctx
	t.work.Add(1)
	go func() {
		defer t.work.Done()
		fn(ctx)
	}()
	return true
}

// after runs fn after d in a goroutine owned by the transport, unless stopped first or the
// transport closes. The returned func stops it.
func (t *Transport) after(d time.Duration, fn func(context.Context)) (stop func()) {
	cancel := make(chan struct{})
	var once sync.Once
	stop = func() { once.Do(func() { close(cancel) }) }
	t.spawn(func(ctx context.Context) {
		timer := time.NewTimer(d)
		defer timer.Stop()
		select {
		case <-ctx.Done():
		case <-cancel:
		case <-timer.C:
			fn(ctx)
		}
	})
	return stop
}

// Close disconnects every account, lets running event handlers finish, stops every goroutine
// the transport started (and waits for them) and only then closes the store. Messages not yet
// handed to the router stay in the inbox for the next start.
func (t *Transport) Close() error {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return nil
	}
	t.closed = true
	t.mu.Unlock()
	for _, a := range t.accounts {
		a.disconnect()
	}
	t.handlers.Wait()
	t.cancel()
	t.work.Wait()
	return t.sqlDB.Close()
}

// enter registers a running event handler; false once the transport is closing, so that
// nothing is acknowledged that could not be finished.
func (t *Transport) enter() bool {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.closed {
		return false
	}
	t.handlers.Add(1)
	return true
}

// State reports an account's connection.
func (t *Transport) State(account string) bot.ConnState {
	if a := t.accounts[account]; a != nil {
		return a.state.get().State
	}
	return bot.StateNotPaired
}

// AccountDetail tells when an account entered its state, when a ban ends and what to do.
func (t *Transport) AccountDetail(account string) (since, until time.Time, detail string) {
	a := t.accounts[account]
	if a == nil {
		return time.Time{}, time.Time{}, ""
	}
	st := a.state.get()
	return st.Since, st.Until, st.Detail
}

// Paired reports which accounts have a device, for `ketanmu serve`'s start-up summary.
func (t *Transport) Paired(account string) bool {
	a := t.accounts[account]
	return a != nil && a.device() != nil
}

// ErrUnknownAccount is returned for an account key that is not in the config.
var ErrUnknownAccount = errors.New("unknown account")

func (t *Transport) account(key string) (*account, error) {
	a := t.accounts[key]
	if a == nil {
		return nil, fmt.Errorf("%w %q (configured: %v)", ErrUnknownAccount, key, t.keys)
	}
	return a, nil
}

// jidString names a JID in logs without its phone number.
func jidString(j types.JID) string { return ketanmu.MaskPhone(j.String()) }

// Holding reports whether an account is still receiving the messages it missed while offline;
// replies to residents wait meanwhile (bot.ReplyGate), as an operator's answer may be among them.
func (t *Transport) Holding(account string) bool {
	a := t.accounts[account]
	return a != nil && a.holding()
}

// Waiting reports whether a chat has messages in the inbox not yet handed to the router (a
// file being fetched, and what came after it): its replies wait (bot.ReplyGate).
func (t *Transport) Waiting(account, chat string) (bool, error) {
	return t.db.chatWaiting(t.ctx, account, chat)
}

// Backlog reports whether a message written on WhatsApp at at was missed while the account
// was offline: written before its current connection came up (bot.Offline).
func (t *Transport) Backlog(account string, at time.Time) bool {
	a := t.accounts[account]
	if a == nil {
		return false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return !a.connectedAt.IsZero() && at.Before(a.connectedAt)
}
