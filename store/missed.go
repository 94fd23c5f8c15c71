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
	var out []MissedChat
	err := db.View(ctx, func(tx *Tx) error {
		rows, err := tx.tx.QueryContext(ctx, missedQuery, account, formatTime(since.Add(-lookback)), limit)
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

// missedQuery lists the missed chats (?1 account, ?2 the lookback's start, ?3 the limit): one
// seek per chat of the account in the unique (account, chat, wa_id) index, then its residents'
// latest message, so that the transcript is read chat by chat rather than grouped whole.
var missedQuery = `WITH RECURSIVE chats(chat) AS (
		SELECT (SELECT MIN(chat) FROM messages WHERE account = ?1)
		UNION ALL
		SELECT (SELECT MIN(chat) FROM messages WHERE account = ?1 AND chat > chats.chat) FROM chats
		WHERE chats.chat IS NOT NULL
	), last AS (
		SELECT chats.chat, (` + lastInSQL("chats.chat") + `) AS at,
			IFNULL((SELECT k.number FROM cases k WHERE k.account = ?1 AND k.chat = chats.chat AND k.closed_at = ''
				ORDER BY k.id DESC LIMIT 1), '') AS open_case
		FROM chats
		WHERE chats.chat IS NOT NULL AND chats.chat NOT LIKE '%@g.us'
			AND chats.chat NOT IN (SELECT phone FROM operators WHERE phone IS NOT NULL AND phone != '')
	)
	SELECT chat, at, open_case FROM last
	WHERE at IS NOT NULL AND (at >= ?2 OR open_case != '')
	ORDER BY at DESC, chat LIMIT ?3`
