package store

import (
	"context"
	"fmt"
	"time"
)

// MissedChat is a resident's chat that may have written while a number was logged out: what
// the office's own records say about it.
type MissedChat struct {
	Chat   string
	LastIn time.Time // the resident's last message we have
	Case   string    // an open case of the chat, "" when none
}

// MissedChats lists the resident chats of an account that were active in the lookback before
// an outage began at since, or that have an open case: WhatsApp does not deliver to a re-linked
// device what was written while the number was logged out, so these are the chats to check on
// the office phone. Newest first, at most limit.
func (db *DB) MissedChats(ctx context.Context, account string, since time.Time, lookback time.Duration, limit int) ([]MissedChat, error) {
	const q = `SELECT m.chat, MAX(m.at),
			IFNULL((SELECT k.number FROM cases k WHERE k.account = m.account AND k.chat = m.chat AND k.closed_at = ''
				ORDER BY k.id DESC LIMIT 1), '') AS open_case
		FROM messages m
		WHERE m.account = ? AND m.direction = 'in' AND m.from_me = 0 AND m.chat NOT LIKE '%@g.us'
			AND m.chat NOT IN (SELECT phone FROM operators WHERE phone IS NOT NULL AND phone != '')
		GROUP BY m.chat
		HAVING MAX(m.at) >= ? OR open_case != ''
		ORDER BY MAX(m.at) DESC, m.chat LIMIT ?`
	var out []MissedChat
	err := db.View(ctx, func(tx *Tx) error {
		rows, err := tx.tx.QueryContext(ctx, q, account, formatTime(since.Add(-lookback)), limit)
		if err != nil {
			return fmt.Errorf("missed chats: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var c MissedChat
			var last string
			if err := rows.Scan(&c.Chat, &last, &c.Case); err != nil {
				return err
			}
			c.LastIn = parseTime(last)
			out = append(out, c)
		}
		return rows.Err()
	})
	return out, err
}
