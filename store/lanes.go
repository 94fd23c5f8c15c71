package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/ketanmu/ketanmu"
)

// ChatContact tells whether a resident's chat ever wrote to the account, when last (the time of
// their latest message to arrive), and whether it has a case of its own there: what decides if
// the bot may write to it unasked.
func (tx *Tx) ChatContact(account, chat string) (lastIn time.Time, wrote, hasCase bool, err error) {
	var last sql.NullString
	err = tx.tx.QueryRowContext(tx.ctx, `SELECT (`+lastInSQL("+?2")+`), EXISTS (SELECT 1 FROM cases WHERE account = ?1 AND chat = ?2)`,
		account, chat).Scan(&last, &hasCase)
	if err != nil {
		return time.Time{}, false, false, err
	}
	if last.Valid {
		lastIn, wrote = parseTime(last.String), true
	}
	return lastIn, wrote, hasCase, nil
}

// lastInSQL is a query for the time of the latest message (by arrival) the resident wrote in the
// chat named by the SQL expression chat, in account ?1; NULL when none. It reads the chat's
// messages, found in the unique (account, chat, wa_id) index (migrations 023, 024). The
// account is +?1 and a chat given as a parameter +?2: see "Parameters" in store.go.
func lastInSQL(chat string) string {
	return `SELECT at FROM messages WHERE account = +?1 AND chat = ` + chat + `
		AND direction = 'in' AND from_me = 0 ORDER BY id DESC LIMIT 1`
}

// Backlog is what waits in one lane of one account's outbox.
type Backlog struct {
	Account string
	Lane    ketanmu.Lane
	Depth   int
	Oldest  time.Time // when the oldest pending message was queued
}

// OutboxBacklog returns the pending messages of every account and lane that has any.
func (db *DB) OutboxBacklog(ctx context.Context) ([]Backlog, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT account, lane, COUNT(*), MIN(created_at) FROM outbox
		WHERE status = 'pending' GROUP BY account, lane ORDER BY account, lane`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Backlog
	for rows.Next() {
		var b Backlog
		var lane, oldest string
		if err := rows.Scan(&b.Account, &lane, &b.Depth, &oldest); err != nil {
			return nil, err
		}
		b.Lane, b.Oldest = ketanmu.Lane(lane), parseTime(oldest)
		out = append(out, b)
	}
	return out, rows.Err()
}

// RaiseOutboxAlert records that supervisors are being told about a lane's backlog; false when
// they already were (the alert stays until ClearOutboxAlert).
func (db *DB) RaiseOutboxAlert(ctx context.Context, account string, lane ketanmu.Lane) (bool, error) {
	res, err := db.exec(ctx, `INSERT OR IGNORE INTO outbox_alerts (account, lane, raised_at) VALUES (?, ?, ?)`,
		account, string(lane), formatTime(db.Now()))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ClearOutboxAlert forgets a lane's alert once the lane is back to normal.
func (db *DB) ClearOutboxAlert(ctx context.Context, account string, lane ketanmu.Lane) error {
	_, err := db.exec(ctx, `DELETE FROM outbox_alerts WHERE account = ? AND lane = ?`, account, string(lane))
	return err
}

// CombineCards turns several pending card texts of one chat into one message: head takes text,
// and the others leave the outbox and the transcript. Quoting a combined card names no case,
// so the operators write the number; each card's photos still name their case.
func (db *DB) CombineCards(ctx context.Context, head OutboxItem, others []OutboxItem, text string) error {
	if len(others) == 0 {
		return errors.New("combine cards: nothing to combine")
	}
	return db.Update(ctx, func(tx *Tx) error {
		if _, err := tx.tx.ExecContext(ctx, `UPDATE outbox SET text = ? WHERE id = ? AND status = 'pending'`, text, head.RowID); err != nil {
			return err
		}
		if _, err := tx.tx.ExecContext(ctx, `UPDATE messages SET text = ? WHERE account = ? AND chat = ? AND wa_id = ?`,
			text, head.Msg.Account, head.Msg.Chat, head.Msg.ID); err != nil {
			return err
		}
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM case_cards WHERE account = ? AND wa_id = ?`, head.Msg.Account, head.Msg.ID); err != nil {
			return err
		}
		for _, o := range others {
			for _, q := range []string{
				`DELETE FROM outbox WHERE account = ? AND chat = ? AND wa_id = ? AND status = 'pending'`,
				`DELETE FROM messages WHERE account = ? AND chat = ? AND wa_id = ?`,
			} {
				if _, err := tx.tx.ExecContext(ctx, q, o.Msg.Account, o.Msg.Chat, o.Msg.ID); err != nil {
					return err
				}
			}
			if _, err := tx.tx.ExecContext(ctx, `DELETE FROM case_cards WHERE account = ? AND wa_id = ?`, o.Msg.Account, o.Msg.ID); err != nil {
				return err
			}
		}
		return nil
	})
}
