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
	err := db.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM reply_causes rc
		JOIN messages c ON c.account = rc.account AND c.wa_id = rc.cause
		JOIN messages p ON p.account = c.account AND p.chat = c.chat
		WHERE rc.account = ? AND rc.reply = ? AND p.direction = 'in' AND p.from_me = 1 AND p.at > c.at`,
		account, reply).Scan(&n)
	return n > 0, err
}
