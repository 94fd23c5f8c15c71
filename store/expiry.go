package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// ExpireOutbox marks pending messages as expired: they waited longer than their lane's maximum
// age and are never sent. The chat's next message becomes its head.
func (db *DB) ExpireOutbox(ctx context.Context, items []OutboxItem, why string) error {
	if len(items) == 0 {
		return nil
	}
	return db.Update(ctx, func(tx *Tx) error {
		for _, it := range items {
			if _, err := tx.tx.ExecContext(ctx, `UPDATE outbox SET status = 'expired', expired_at = ?, last_error = ?
				WHERE id = ? AND status = 'pending'`, formatTime(tx.now), why, it.RowID); err != nil {
				return fmt.Errorf("expire outbox: %w", err)
			}
		}
		return nil
	})
}

// CallBack is a resident's chat whose messages expired unsent: someone should reach them.
type CallBack struct {
	Account string
	Chat    string
	Case    string // the chat's latest case number, "" when it has none
	Service string // that case's service
	Count   int    // messages expired
	Since   time.Time
	Last    time.Time // the latest expiry
}

// callBackQuery groups the expired messages to residents (groups, operators' phones and revokes
// aside) by chat.
const callBackQuery = `SELECT o.account, o.chat,
		IFNULL((SELECT k.number FROM cases k WHERE k.account = o.account AND k.chat = o.chat ORDER BY k.id DESC LIMIT 1), ''),
		IFNULL((SELECT k.service FROM cases k WHERE k.account = o.account AND k.chat = o.chat ORDER BY k.id DESC LIMIT 1), ''),
		COUNT(*), MIN(o.created_at), MAX(o.expired_at)
	FROM outbox o
	WHERE o.status = 'expired' AND o.revoke = '' AND o.chat NOT LIKE '%@g.us'
		AND o.chat NOT IN (SELECT phone FROM operators WHERE phone IS NOT NULL AND phone != '') AND %s
	GROUP BY o.account, o.chat ORDER BY MAX(o.expired_at) DESC, o.chat`

func (tx *Tx) callBacks(where string, args ...any) ([]CallBack, error) {
	rows, err := tx.tx.QueryContext(tx.ctx, strings.Replace(callBackQuery, "%s", where, 1), args...)
	if err != nil {
		return nil, fmt.Errorf("call-back list: %w", err)
	}
	defer rows.Close()
	var out []CallBack
	for rows.Next() {
		var c CallBack
		var since, last string
		if err := rows.Scan(&c.Account, &c.Chat, &c.Case, &c.Service, &c.Count, &since, &last); err != nil {
			return nil, err
		}
		c.Since, c.Last = parseTime(since), parseTime(last)
		out = append(out, c)
	}
	return out, rows.Err()
}

// UntoldCallBacks returns the account's chats with expired messages the operators were not
// told of yet, and marks them told in tx: the summary queued in the same transaction tells them.
func (tx *Tx) UntoldCallBacks(account string) ([]CallBack, error) {
	out, err := tx.callBacks(`o.told = 0 AND o.account = ?`, account)
	if err != nil || len(out) == 0 {
		return out, err
	}
	_, err = tx.tx.ExecContext(tx.ctx, `UPDATE outbox SET told = 1 WHERE account = ? AND status = 'expired' AND told = 0`, account)
	return out, err
}

// CallBacks returns the chats whose messages expired since since, newest first, for the
// workspace's "to call back" list.
func (db *DB) CallBacks(ctx context.Context, since time.Time) ([]CallBack, error) {
	var out []CallBack
	err := db.View(ctx, func(tx *Tx) error {
		var err error
		out, err = tx.callBacks(`o.expired_at >= ?`, formatTime(since))
		return err
	})
	return out, err
}
