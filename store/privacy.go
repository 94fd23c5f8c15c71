package store

import "fmt"

// ChatHoldings counts what a chat still holds: messages with text or a file, and files (both
// directions), for the resident's "privasi" summary.
func (tx *Tx) ChatHoldings(account, chat string) (messages, files int, err error) {
	err = tx.tx.QueryRowContext(tx.ctx, `SELECT
			IFNULL(SUM(m.text != '' OR length(d.data) > 0), 0), IFNULL(SUM(length(d.data) > 0), 0)
		FROM messages m LEFT JOIN media d ON d.id = m.media_id WHERE m.account = ? AND m.chat = ?`,
		account, chat).Scan(&messages, &files)
	if err != nil {
		return 0, 0, fmt.Errorf("chat holdings: %w", err)
	}
	return messages, files, nil
}
