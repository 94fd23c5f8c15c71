package whatsapp

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"

	"github.com/ketanmu/ketanmu/bot"
)

// WhatsApp logs a linked device out when the phone has not been online for about 14 days. As
// mautrix-whatsapp does, the account remembers when it last saw the office phone (a message or a
// receipt from it), pings the phone after whatsapp.phone_ping_after (at most once a day) with a
// request only the phone answers, and warns the supervisors once after
// whatsapp.phone_warn_after.
const (
	phonePingEvery = 24 * time.Hour
	phoneSeenStep  = time.Hour // the last-seen time is written at most this often
	linkWatchEvery = time.Hour
)

// linkRow is an account's row of ketanmu_link.
type linkRow struct {
	PhoneSeen, Pinged, Warned time.Time
	Outage                    string // "", logged_out, banned
	OutageSince, OutageEnded  time.Time
}

func (d *waDB) link(ctx context.Context, account string) (linkRow, error) {
	var r linkRow
	var seen, pinged, warned, since, ended string
	err := d.db.QueryRowContext(ctx, `SELECT phone_seen_at, pinged_at, warned_at, outage, outage_since, outage_ended
		FROM ketanmu_link WHERE account = ?`, account).Scan(&seen, &pinged, &warned, &r.Outage, &since, &ended)
	if errors.Is(err, sql.ErrNoRows) {
		return r, nil
	}
	r.PhoneSeen, r.Pinged, r.Warned = parseTime(seen), parseTime(pinged), parseTime(warned)
	r.OutageSince, r.OutageEnded = parseTime(since), parseTime(ended)
	return r, err
}

// setLink writes one column of the account's ketanmu_link row (a column name from this file).
func (d *waDB) setLink(ctx context.Context, account, column, value string) error {
	_, err := d.db.ExecContext(ctx, `INSERT INTO ketanmu_link (account, `+column+`) VALUES (?, ?)
		ON CONFLICT (account) DO UPDATE SET `+column+` = excluded.`+column, account, value)
	return err
}

// startOutage records that the account cannot work until a person acts (logged out) or a ban
// ends; false when this outage was recorded already.
func (d *waDB) startOutage(ctx context.Context, account, kind string, at time.Time) (bool, error) {
	res, err := d.db.ExecContext(ctx, `INSERT INTO ketanmu_link (account, outage, outage_since) VALUES (?, ?, ?)
		ON CONFLICT (account) DO UPDATE SET outage = excluded.outage, outage_since = excluded.outage_since, outage_ended = ''
		WHERE ketanmu_link.outage = '' OR ketanmu_link.outage_ended != '' OR ketanmu_link.outage != excluded.outage`,
		account, kind, formatTime(at))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// endOutage records that the account works again.
func (d *waDB) endOutage(ctx context.Context, account string, at time.Time) error {
	_, err := d.db.ExecContext(ctx, `UPDATE ketanmu_link SET outage_ended = ? WHERE account = ? AND outage != '' AND outage_ended = ''`,
		formatTime(at), account)
	return err
}

// outage tells the supervisors that the account stopped working, on another number of the office
// that is connected (if there is one: the account itself cannot send), and records it for the
// workspace (banner, missed chats after re-linking).
func (a *account) outage(kind string, until time.Time) {
	ctx := a.t.ctx
	now := a.t.Now()
	fresh, err := a.t.db.startOutage(ctx, a.cfg.Key, kind, now)
	if err != nil {
		a.t.log.Error("Recording the outage failed", "account", a.cfg.Key, "outage", kind, "error", err)
		return
	}
	if !fresh {
		return
	}
	via := a.t.otherConnected(a.cfg.Key)
	tl, ok := a.t.router.(Teller)
	if via == "" || !ok {
		a.t.log.Warn("No other connected number to tell the supervisors through", "account", a.cfg.Key, "outage", kind)
		return
	}
	tl.TellLink(ctx, a.cfg.Key, via, bot.LinkNews{Kind: kind, At: now, Until: until})
}

// otherConnected returns another account that can send now, or "".
func (t *Transport) otherConnected(account string) string {
	for _, key := range t.keys {
		if key != account && t.accounts[key].state.get().State == bot.StateConnected {
			return key
		}
	}
	return ""
}

// connectedAgain ends a recorded outage and starts counting the phone's silence from now if
// it was never seen.
func (a *account) connectedAgain(ctx context.Context) {
	now := a.t.Now()
	if err := a.t.db.endOutage(ctx, a.cfg.Key, now); err != nil {
		a.t.log.Warn("Recording the end of an outage failed", "account", a.cfg.Key, "error", err)
	}
	r, err := a.t.db.link(ctx, a.cfg.Key)
	if err == nil && r.PhoneSeen.IsZero() {
		err = a.t.db.setLink(ctx, a.cfg.Key, "phone_seen_at", formatTime(now))
	}
	if err != nil {
		a.t.log.Warn("Recording the phone's last sign of life failed", "account", a.cfg.Key, "error", err)
	}
}

// phoneSeen records a sign of life of the office phone (a message typed on it, a receipt from
// it), at most once per phoneSeenStep.
func (a *account) phoneSeen(at time.Time) {
	a.mu.Lock()
	skip := !a.phoneSeenAt.IsZero() && at.Sub(a.phoneSeenAt) < phoneSeenStep
	if !skip {
		a.phoneSeenAt = at
	}
	a.mu.Unlock()
	if skip {
		return
	}
	if err := a.t.db.setLink(a.t.ctx, a.cfg.Key, "phone_seen_at", formatTime(at)); err != nil {
		a.t.log.Warn("Recording the phone's last sign of life failed", "account", a.cfg.Key, "error", err)
	}
}

// fromOwnPhone reports whether a message or receipt comes from the account's own number on
// another device than this one.
func (a *account) fromOwnPhone(sender types.JID) bool {
	dev := a.device()
	if dev == nil || dev.ID == nil {
		return false
	}
	own := sender.User == dev.ID.User || (!dev.LID.IsEmpty() && sender.User == dev.LID.User)
	return own && sender.Device != dev.ID.Device
}

// checkPhone pings the office phone or warns the supervisors when it has been silent too long.
func (a *account) checkPhone(ctx context.Context) error {
	if a.state.get().State != bot.StateConnected {
		return nil
	}
	r, err := a.t.db.link(ctx, a.cfg.Key)
	if err != nil || r.PhoneSeen.IsZero() {
		return err
	}
	now, w := a.t.Now(), a.t.cfg.WhatsApp
	silent := now.Sub(r.PhoneSeen)
	if silent >= w.PhonePing && now.Sub(r.Pinged) >= phonePingEvery {
		if err := a.pingPhone(ctx); err != nil {
			a.t.log.Warn("Pinging the office phone failed", "account", a.cfg.Key, "error", err)
		} else if err := a.t.db.setLink(ctx, a.cfg.Key, "pinged_at", formatTime(now)); err != nil {
			return err
		}
	}
	if silent < w.PhoneWarn || r.Warned.After(r.PhoneSeen) {
		return nil
	}
	a.t.log.Warn("The office phone has been offline for days; WhatsApp will log the number out", "account", a.cfg.Key,
		"last_seen", r.PhoneSeen.Format(time.RFC3339))
	if tl, ok := a.t.router.(Teller); ok {
		tl.TellLink(ctx, a.cfg.Key, a.cfg.Key, bot.LinkNews{Kind: "phone_offline", At: r.PhoneSeen,
			Count: int(silent / (24 * time.Hour))})
	}
	return a.t.db.setLink(ctx, a.cfg.Key, "warned_at", formatTime(now))
}

// pingPhone sends the office phone a request only it can answer (app state keys, to our own
// number, as a peer message): WhatsApp pushes it to the phone, which comes online to answer.
func (a *account) pingPhone(ctx context.Context) error {
	wa, dev := a.sender(), a.device()
	if wa == nil || dev == nil || dev.ID == nil {
		return errors.New("not connected")
	}
	req := &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{
		Type:                   waE2E.ProtocolMessage_APP_STATE_SYNC_KEY_REQUEST.Enum(),
		AppStateSyncKeyRequest: &waE2E.AppStateSyncKeyRequest{},
	}}
	_, err := wa.SendMessage(ctx, dev.ID.ToNonAD(), req, whatsmeow.SendRequestExtra{Peer: true, ID: wa.GenerateMessageID()})
	if err == nil {
		a.t.log.Info("Pinged the office phone, silent for days", "account", a.cfg.Key)
	}
	return err
}

// watchLinks checks every account's phone once an hour.
func (t *Transport) watchLinks(ctx context.Context) {
	tick := time.NewTicker(linkWatchEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		for _, key := range t.keys {
			if err := t.accounts[key].checkPhone(ctx); err != nil && ctx.Err() == nil {
				t.log.Warn("Checking the office phone failed", "account", key, "error", err)
			}
		}
	}
}

// Outage names an account's latest outage (logged_out, banned) and when it began and ended
// (zero while it lasts), for the workspace; kind "" when there was none.
func (t *Transport) Outage(account string) (kind string, since, ended time.Time, err error) {
	r, err := t.db.link(t.ctx, account)
	return r.Outage, r.OutageSince, r.OutageEnded, err
}

// PhoneSeen is when the account last saw its office phone (zero: not yet), for /metrics.
func (t *Transport) PhoneSeen(account string) (time.Time, error) {
	r, err := t.db.link(t.ctx, account)
	return r.PhoneSeen, err
}
