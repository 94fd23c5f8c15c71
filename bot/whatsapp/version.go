package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"go.mau.fi/whatsmeow"
	wastore "go.mau.fi/whatsmeow/store"

	"github.com/ketanmu/ketanmu/bot"
	"github.com/ketanmu/ketanmu/config"
)

// versionFile, in the data folder, remembers the WhatsApp Web version learnt after WhatsApp
// rejected the built-in one, so that a restart does not start with a rejected version.
const versionFile = "whatsapp-version"

// versionKeeper owns the WhatsApp Web version every account announces. whatsmeow keeps it in
// two process-wide places: store.SetWAVersion (used for the handshake's hash) and
// store.BaseClientPayload (what the login payload actually carries); both are set together.
type versionKeeper struct {
	file     string
	override string // whatsapp.version; wins over everything
	// HTTP is the client for asking WhatsApp Web for its current version (tests point it at
	// a local server).
	HTTP *http.Client

	mu     sync.Mutex
	source string // "built-in", "config", "learnt"
}

// load applies the configured version, else a remembered one newer than the built-in.
func (k *versionKeeper) load(log *slog.Logger) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.source = "built-in"
	if k.override != "" {
		v, err := wastore.ParseVersion(k.override)
		if err != nil {
			return &config.Error{Key: "whatsapp.version", Msg: err.Error()}
		}
		setVersion(v)
		k.source = "config"
		log.Info("WhatsApp Web version from the config", "version", v.String())
		return nil
	}
	b, err := os.ReadFile(k.file)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("whatsapp version: %w", err)
	}
	v, err := wastore.ParseVersion(strings.TrimSpace(string(b)))
	if err != nil {
		log.Warn("Ignoring an unreadable remembered WhatsApp Web version", "path", k.file, "error", err)
		return nil
	}
	if wastore.GetWAVersion().LessThan(v) {
		setVersion(v)
		k.source = "learnt"
		log.Info("WhatsApp Web version learnt earlier", "version", v.String())
	}
	return nil
}

// setVersion makes whatsmeow announce v.
func setVersion(v wastore.WAVersionContainer) {
	wastore.SetWAVersion(v)
	wastore.BaseClientPayload.UserAgent.AppVersion = v.ProtoAppVersion()
}

// current names the version in use and where it came from.
func (k *versionKeeper) current() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return wastore.GetWAVersion().String() + " (" + k.source + ")"
}

// refresh answers a rejection of version rejected: unless another account already moved past
// it, it asks WhatsApp Web for the current version, uses it and remembers it.
func (k *versionKeeper) refresh(ctx context.Context, rejected wastore.WAVersionContainer) (wastore.WAVersionContainer, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if cur := wastore.GetWAVersion(); rejected.LessThan(cur) {
		return cur, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	latest, err := whatsmeow.GetLatestVersion(ctx, k.HTTP)
	if err != nil {
		return rejected, err
	}
	if !rejected.LessThan(*latest) {
		return rejected, fmt.Errorf("WhatsApp Web reports %s, not newer than the rejected version", latest)
	}
	setVersion(*latest)
	k.source = "learnt"
	if err := os.WriteFile(k.file, []byte(latest.String()+"\n"), 0o600); err != nil {
		return *latest, fmt.Errorf("remember version %s: %w", latest, err)
	}
	return *latest, nil
}

// outdated handles WhatsApp's "client outdated" rejection of an account: with whatsapp.version
// set, a person must change it; otherwise the current version is looked up and the account
// reconnects with it by itself.
func (t *Transport) outdated(a *account) {
	rejected := wastore.GetWAVersion()
	if t.version.override != "" {
		a.state.set(bot.StateOutdated, time.Time{}, fmt.Sprintf("WhatsApp rejected whatsapp.version %s from the config as outdated: set it to the current WhatsApp Web version (or remove it to have ketanmu look it up) and restart", rejected))
		return
	}
	a.state.set(bot.StateOutdated, time.Time{}, fmt.Sprintf("WhatsApp rejected version %s as outdated; looking up the current WhatsApp Web version", rejected))
	t.spawn(func(ctx context.Context) {
		v, err := t.version.refresh(ctx, rejected)
		if err != nil && v == rejected {
			a.state.set(bot.StateOutdated, time.Time{}, fmt.Sprintf("WhatsApp rejected version %s as outdated and the current version could not be looked up (%s): update ketanmu (whatsmeow), or set whatsapp.version to the current WhatsApp Web version and restart", rejected, maskNumbers(err.Error())))
			return
		}
		if err != nil {
			t.log.Warn("Using the new WhatsApp Web version without remembering it", "error", err)
		}
		t.log.Info("WhatsApp Web version in use", "version", v.String(), "rejected", rejected.String(), "account", a.cfg.Key)
		a.reconnectAt(t.Now(), "new WhatsApp Web version "+v.String())
	})
}

// Version names the WhatsApp Web version the accounts announce and where it came from, for
// GET /api/accounts.
func (t *Transport) Version(string) string { return t.version.current() }
