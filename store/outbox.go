package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/ketanmu/ketanmu"
)

// Queue adds an outbound message to the outbox and, unless it is a revoke, to the chat's
// transcript. out.ID must already be set: it is the ID used on every send attempt.
func (tx *Tx) Queue(out ketanmu.Outbound) error {
	if out.ID == "" {
		return errors.New("queue: outbound message without ID")
	}
	var err error
	mediaID := sql.NullInt64{Int64: out.MediaID, Valid: out.MediaID != 0}
	if !mediaID.Valid {
		if mediaID, err = tx.putMedia(out.Media); err != nil {
			return err
		}
	}
	lane := out.Lane
	if lane == "" {
		lane = ketanmu.LaneNotification
	}
	_, err = tx.tx.ExecContext(tx.ctx, `INSERT INTO outbox
		(account, chat, address, wa_id, text, media_id, quote, revoke, lane, proactive, next_attempt_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		out.Account, out.Chat, out.Address, out.ID, out.Text, mediaID, out.Quote, out.Revoke,
		string(lane), out.Proactive, formatTime(tx.now), formatTime(tx.now))
	if err != nil {
		return fmt.Errorf("queue: %w", err)
	}
	if out.Revoke != "" {
		return nil
	}
	kind := ketanmu.KindText
	if mediaID.Valid {
		kind = ketanmu.KindImage
		if out.Media != nil && out.Media.Mime == "application/pdf" {
			kind = ketanmu.KindDocument
		}
	}
	_, err = tx.tx.ExecContext(tx.ctx, `INSERT INTO messages
		(account, chat, wa_id, direction, from_me, kind, text, media_id, quote, at)
		VALUES (?, ?, ?, 'out', 1, ?, ?, ?, ?, ?)`,
		out.Account, out.Chat, out.ID, string(kind), out.Text, mediaID, out.Quote, formatTime(tx.now))
	if err != nil {
		return fmt.Errorf("queue transcript: %w", err)
	}
	return nil
}

// QueueAll gives every message without an ID one from newID and queues it, in order; a message
// that is a case's card is remembered as such (quoting it acts on the case).
func (tx *Tx) QueueAll(msgs []ketanmu.Outbound, newID func(account string) string) error {
	for i := range msgs {
		if msgs[i].ID != "" {
			continue
		}
		msgs[i].ID = newID(msgs[i].Account)
		if err := tx.Queue(msgs[i]); err != nil {
			return err
		}
		if msgs[i].CardOf != 0 {
			if err := tx.RecordCard(msgs[i].Account, msgs[i].ID, msgs[i].CardOf); err != nil {
				return err
			}
		}
	}
	return nil
}

// OutboxItem is a queued message with its delivery bookkeeping.
type OutboxItem struct {
	RowID       int64
	Msg         ketanmu.Outbound
	MediaID     int64
	Attempts    int
	CreatedAt   time.Time
	NextAttempt time.Time
	// Card is set on the text of a case's card to the operators (not on its photos).
	Card bool
}

// outboxColumns are the columns scanOutbox reads, from outbox o.
const outboxColumns = `o.id, o.account, o.chat, o.address, o.wa_id, o.text, IFNULL(o.media_id, 0), o.quote, o.revoke,
	o.lane, o.proactive, o.attempts, o.created_at, o.next_attempt_at,
	o.media_id IS NULL AND EXISTS (SELECT 1 FROM case_cards k WHERE k.account = o.account AND k.wa_id = o.wa_id)`

func scanOutbox(row interface{ Scan(...any) error }) (OutboxItem, error) {
	var it OutboxItem
	var lane, created, next string
	m := &it.Msg
	err := row.Scan(&it.RowID, &m.Account, &m.Chat, &m.Address, &m.ID, &m.Text, &it.MediaID, &m.Quote, &m.Revoke,
		&lane, &m.Proactive, &it.Attempts, &created, &next, &it.Card)
	m.Lane, it.CreatedAt, it.NextAttempt = ketanmu.Lane(lane), parseTime(created), parseTime(next)
	return it, err
}

// PendingOutbox returns up to limit of the account's pending messages, oldest first, due or
// not: the outbox picks among them by lane, budget and chat order.
func (db *DB) PendingOutbox(ctx context.Context, account string, limit int) ([]OutboxItem, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT `+outboxColumns+`
		FROM outbox o WHERE o.account = ? AND o.status = 'pending' ORDER BY o.id LIMIT ?`, account, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var items []OutboxItem
	for rows.Next() {
		it, err := scanOutbox(rows)
		if err != nil {
			return nil, err
		}
		items = append(items, it)
	}
	return items, rows.Err()
}

// NextOutboxAttempt returns when the account's earliest pending message is due, or false.
func (db *DB) NextOutboxAttempt(ctx context.Context, account string) (time.Time, bool, error) {
	var next sql.NullString
	err := db.db.QueryRowContext(ctx, `SELECT MIN(next_attempt_at) FROM outbox WHERE account = ? AND status = 'pending'`,
		account).Scan(&next)
	if err != nil || !next.Valid {
		return time.Time{}, false, err
	}
	return parseTime(next.String), true, nil
}

// MarkSent records a successful send; for a revoke it also marks the target revoked.
func (db *DB) MarkSent(ctx context.Context, it OutboxItem) error {
	return db.Update(ctx, func(tx *Tx) error {
		if _, err := tx.tx.ExecContext(ctx, `UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent_at = ?,
			last_error = '' WHERE id = ?`, formatTime(tx.now), it.RowID); err != nil {
			return err
		}
		if it.Msg.Revoke == "" {
			return nil
		}
		_, err := tx.tx.ExecContext(ctx, `UPDATE messages SET revoked = 1 WHERE account = ? AND chat = ? AND wa_id = ?`,
			it.Msg.Account, it.Msg.Chat, it.Msg.Revoke)
		return err
	})
}

// MarkRetry records a failed try and when to try again; with failed true the message is given
// up on, and the chat's next message becomes its head.
func (db *DB) MarkRetry(ctx context.Context, it OutboxItem, next time.Time, failed bool, cause string) error {
	status := "pending"
	if failed {
		status = "failed"
	}
	_, err := db.exec(ctx, `UPDATE outbox SET status = ?, attempts = attempts + 1, next_attempt_at = ?,
		last_error = ? WHERE id = ?`, status, formatTime(next), cause, it.RowID)
	return err
}

// Postpone holds a message until next without counting a try (the account is paused).
func (db *DB) Postpone(ctx context.Context, it OutboxItem, next time.Time, cause string) error {
	_, err := db.exec(ctx, `UPDATE outbox SET next_attempt_at = ?, last_error = ? WHERE id = ?`,
		formatTime(next), cause, it.RowID)
	return err
}

// OutboxByID finds a queued or sent message by its WhatsApp ID (for retry receipts).
func (db *DB) OutboxByID(ctx context.Context, account, waID string) (OutboxItem, error) {
	it, err := scanOutbox(db.db.QueryRowContext(ctx, `SELECT `+outboxColumns+`
		FROM outbox o WHERE o.account = ? AND o.wa_id = ?`, account, waID))
	if errors.Is(err, sql.ErrNoRows) {
		return it, notFound("outbox message")
	}
	return it, err
}

// OutboxStatus returns the status and attempts of a message, for tests and the API.
func (db *DB) OutboxStatus(ctx context.Context, account, waID string) (status string, attempts int, err error) {
	err = db.db.QueryRowContext(ctx, `SELECT status, attempts FROM outbox WHERE account = ? AND wa_id = ?`,
		account, waID).Scan(&status, &attempts)
	if errors.Is(err, sql.ErrNoRows) {
		return "", 0, notFound("outbox message")
	}
	return status, attempts, err
}
