package whatsapp

import (
	"context"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/bot"
)

// keepUploads is how long the message of a sent file is kept for retries: longer than any
// outbox retry and than WhatsApp keeps the upload.
const keepUploads = 30 * 24 * time.Hour

// watchPairings picks up numbers linked with `ketanmu pair` while serve runs: an account
// without a working device gets the device the pair command recorded.
func (t *Transport) watchPairings(ctx context.Context) {
	tick := time.NewTicker(10 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		for _, key := range t.keys {
			t.accounts[key].adoptNewDevice(ctx)
		}
	}
}

func (a *account) adoptNewDevice(ctx context.Context) {
	st := a.state.get()
	switch st.State {
	case bot.StateNotPaired, bot.StateLoggedOut, bot.StateReplaced:
	default:
		return
	}
	jid, err := a.t.db.device(ctx, a.cfg.Key)
	if err != nil {
		if ctx.Err() == nil {
			a.t.log.Warn("Looking for a newly linked device failed", "account", a.cfg.Key, "error", err)
		}
		return
	}
	if jid == "" || (jid == st.Device && st.State == bot.StateReplaced) {
		return
	}
	dev, err := a.t.deviceByJID(ctx, jid)
	if err != nil {
		if ctx.Err() == nil {
			a.t.log.Warn("Loading a newly linked device failed", "account", a.cfg.Key, "error", err)
		}
		return
	}
	if dev == nil {
		return
	}
	a.disconnect()
	a.mu.Lock()
	a.dev = dev
	a.mu.Unlock()
	a.state.setDevice(jid)
	a.t.log.Info("Newly linked device found, connecting", "account", a.cfg.Key, "device", ketanmu.MaskPhone(jid))
	a.connect()
}

// pruneUploads forgets kept messages of sent files once nobody can ask for them again.
func (t *Transport) pruneUploads(ctx context.Context) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		if err := t.db.pruneSent(ctx, keepUploads); err != nil && ctx.Err() == nil {
			t.log.Warn("Pruning kept uploads failed", "error", err)
		}
		if err := t.db.pruneFailures(ctx, keepFailures); err != nil && ctx.Err() == nil {
			t.log.Warn("Pruning failed messages failed", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
