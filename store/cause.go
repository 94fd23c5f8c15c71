package store

import (
	"context"
	"fmt"
)

// RecordCause remembers that reply (an outbox message ID) answers cause (an inbound message ID).
func (tx *Tx) RecordCause(account, reply, cause string) error {
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO reply_causes (account, reply, cause) VALUES (?, ?, ?)
		ON CONFLICT DO NOTHING`, account, reply, cause)
	if err != nil {
		return fmt.Errorf("record cause: %w", err)
	}
	return nil
}

// Superseded reports whether someone on the office's side (the office phone, an operator's
// linked device) wrote in the chat of a reply after the message that caused it, by WhatsApp's
// timestamps: the reply would talk over them. Replies without a recorded cause never are.
func (db *DB) Superseded(ctx context.Context, account, reply string) (bool, error) {
	var n int
	// The reply's own chat names the cause: message IDs are unique per chat, and every join
	// then follows an index (reply_causes' key, the outbox's and messages' unique keys).
	err := db.ro.QueryRowContext(ctx, `SELECT COUNT(*) FROM reply_causes rc
		CROSS JOIN outbox o ON o.account = rc.account AND o.wa_id = rc.reply
		CROSS JOIN messages c ON c.account = rc.account AND c.chat = o.chat AND c.wa_id = rc.cause
		CROSS JOIN messages p ON p.account = c.account AND p.chat = c.chat AND p.id > c.id
		WHERE rc.account = ? AND rc.reply = ? AND p.direction = 'in' AND p.from_me = 1 AND p.at > c.at`,
		account, reply).Scan(&n)
	return n > 0, err
}
