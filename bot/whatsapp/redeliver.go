package whatsapp

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"go.mau.fi/whatsmeow/types"

	"github.com/ketanmu/ketanmu/bot"
)

// Teller tells the supervisors what happened to a number (bot.Router.TellLink); a router
// without it (tests) tells nobody.
type Teller interface {
	TellLink(ctx context.Context, account, via string, n bot.LinkNews)
}

// keepFailures is how long failed messages are remembered (with the chat's number).
const keepFailures = 30 * 24 * time.Hour

// countFailure records one more failure of a message and returns how many there were.
func (d *waDB) countFailure(ctx context.Context, account string, info types.MessageInfo, cause string) (int, error) {
	var n int
	err := d.db.QueryRowContext(ctx, `INSERT INTO ketanmu_failures (account, chat, wa_id, sent_at, count, last_error)
		VALUES (?, ?, ?, ?, 1, ?)
		ON CONFLICT (account, chat, wa_id) DO UPDATE SET count = count + 1, last_error = excluded.last_error
		RETURNING count`, account, info.Chat.String(), info.ID, formatTime(info.Timestamp), cause).Scan(&n)
	return n, err
}

// giveUpFailure marks a message given up; false when it already was.
func (d *waDB) giveUpFailure(ctx context.Context, account string, info types.MessageInfo) (bool, error) {
	res, err := d.db.ExecContext(ctx, `UPDATE ketanmu_failures SET gave_up_at = ?
		WHERE account = ? AND chat = ? AND wa_id = ? AND gave_up_at = ''`,
		formatTime(d.now()), account, info.Chat.String(), info.ID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// gaveUp reports whether a message was given up earlier (a copy delivered again is acknowledged).
func (d *waDB) gaveUp(ctx context.Context, account string, info types.MessageInfo) (bool, error) {
	var at string
	err := d.db.QueryRowContext(ctx, `SELECT gave_up_at FROM ketanmu_failures WHERE account = ? AND chat = ? AND wa_id = ?`,
		account, info.Chat.String(), info.ID).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return at != "", err
}

// pruneFailures forgets failures older than age: the chat's phone number goes with them.
func (d *waDB) pruneFailures(ctx context.Context, age time.Duration) error {
	_, err := d.db.ExecContext(ctx, `DELETE FROM ketanmu_failures WHERE sent_at < ?`, formatTime(d.now().Add(-age)))
	return err
}

// failedMessage decides about a message the handler could not store: below
// whatsapp.redelivery_limit it stays unacknowledged and a reconnect has WhatsApp deliver it
// again; at the limit it is given up: kept as failed with its error, acknowledged (true), and
// the supervisors are told once, so that the number does not reconnect over it for ever.
func (a *account) failedMessage(info types.MessageInfo, cause string) (ack bool) {
	ctx := a.t.ctx
	n, err := a.t.db.countFailure(ctx, a.cfg.Key, info, maskNumbers(cause))
	if err != nil {
		a.t.log.Error("Counting a failed message failed", "account", a.cfg.Key, "message_id", info.ID, "error", err)
		a.redeliverSoon()
		return false
	}
	if n < a.t.cfg.WhatsApp.RedeliveryLimit {
		a.redeliverSoon()
		return false
	}
	first, err := a.t.db.giveUpFailure(ctx, a.cfg.Key, info)
	if err != nil {
		a.t.log.Error("Giving up a failed message failed", "account", a.cfg.Key, "message_id", info.ID, "error", err)
		a.redeliverSoon()
		return false
	}
	a.t.log.Error("Message given up after repeated failures; acknowledged without being handled", "account", a.cfg.Key,
		"chat", jidString(info.Chat), "message_id", info.ID, "failures", n, "error", maskNumbers(cause))
	a.stopRedelivery()
	if first {
		if tl, ok := a.t.router.(Teller); ok {
			tl.TellLink(ctx, a.cfg.Key, a.cfg.Key, bot.LinkNews{Kind: "message_lost", At: info.Timestamp,
				Chat: info.Chat.User, Count: n})
		}
	}
	return true
}

// stopRedelivery cancels a reconnect planned only to have failed messages delivered again.
func (a *account) stopRedelivery() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.redeliverPlanned {
		a.cancelReconnectLocked()
		a.redeliverPlanned = false
	}
}
