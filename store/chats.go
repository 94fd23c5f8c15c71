package store

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/ketanmu/ketanmu"
)

// Reasons a chat needs a person (chat_requests.reason).
const (
	ChatAsked = "petugas" // the resident asked for a person
	ChatStuck = "stuck"   // the bot could not place the resident's messages
	ChatTaken = "taken"   // a person took the chat (typed on the office phone or replied)
)

// ChatRequest is a chat that needs a person, until an operator marks it handled or hands the
// chat back to the bot.
type ChatRequest struct {
	ID              int64
	Account, Chat   string
	Reason          string
	Service         string
	OpenedAt, DueAt time.Time
	AnsweredAt      time.Time
	AnsweredBy      string
	ClosedAt        time.Time
	ClosedBy        string
	WarnedAt        time.Time
	BreachedAt      time.Time
	HumanBy         string // who has the chat now, when a person took it (conversations.human_by)
	HumanAt         time.Time
	LastInAt        time.Time // the resident's latest message
	LastInText      string
	ResidentID      int64
}

const chatRequestColumns = `r.id, r.account, r.chat, r.reason, r.service, r.opened_at, r.due_at, r.answered_at, r.answered_by,
	r.closed_at, r.closed_by, r.warned_at, r.breached_at, IFNULL(v.human_by, ''), IFNULL(v.human_at, ''),
	IFNULL(v.resident_id, 0),
	IFNULL((SELECT m.at FROM messages m WHERE m.account = r.account AND m.chat = r.chat AND m.direction = 'in'
		AND m.from_me = 0 ORDER BY m.id DESC LIMIT 1), ''),
	IFNULL((SELECT m.text FROM messages m WHERE m.account = r.account AND m.chat = r.chat AND m.direction = 'in'
		AND m.from_me = 0 ORDER BY m.id DESC LIMIT 1), '')`

const chatRequestFrom = ` FROM chat_requests r LEFT JOIN conversations v ON v.account = r.account AND v.chat = r.chat`

func scanChatRequest(sc interface{ Scan(...any) error }, r *ChatRequest) error {
	var opened, due, answered, closed, warned, breached, humanAt, lastIn string
	if err := sc.Scan(&r.ID, &r.Account, &r.Chat, &r.Reason, &r.Service, &opened, &due, &answered, &r.AnsweredBy, &closed,
		&r.ClosedBy, &warned, &breached, &r.HumanBy, &humanAt, &r.ResidentID,
		&lastIn, &r.LastInText); err != nil {
		return err
	}
	r.OpenedAt, r.DueAt, r.AnsweredAt = parseTime(opened), parseTime(due), parseTime(answered)
	r.ClosedAt, r.WarnedAt, r.BreachedAt = parseTime(closed), parseTime(warned), parseTime(breached)
	r.HumanAt, r.LastInAt = parseTime(humanAt), parseTime(lastIn)
	return nil
}

// OpenChatRequest records that a chat needs a person for reason, with a first response due at
// due (zero: none). A chat that already has an open request keeps it (and its clock); a person
// being asked for turns a "taken" request into an "asked" one. It returns the open request's id.
func (tx *Tx) OpenChatRequest(account, chat, reason, service string, due time.Time) (int64, error) {
	var id int64
	var had string
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT id, reason FROM chat_requests WHERE account = ? AND chat = ? AND closed_at = ''`,
		account, chat).Scan(&id, &had)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		res, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO chat_requests (account, chat, reason, service, opened_at, due_at)
			VALUES (?, ?, ?, ?, ?, ?)`, account, chat, reason, service, formatTime(tx.now), optTime(due))
		if err != nil {
			return 0, fmt.Errorf("open chat request: %w", err)
		}
		return res.LastInsertId()
	case err != nil:
		return 0, fmt.Errorf("open chat request: %w", err)
	}
	if had == ChatTaken && reason != ChatTaken {
		// The resident asks for a person while one has the chat: a new question to answer.
		_, err = tx.tx.ExecContext(tx.ctx, `UPDATE chat_requests SET reason = ?, service = ?, opened_at = ?, due_at = ?,
			answered_at = '', answered_by = '', warned_at = '', breached_at = '' WHERE id = ?`,
			reason, service, formatTime(tx.now), optTime(due), id)
	}
	return id, err
}

// AnswerChatRequest records who answered the chat's open request first (later answers change
// nothing); a chat without one gets a "taken" request, answered, so that it is listed while the
// person has it.
func (tx *Tx) AnswerChatRequest(account, chat, who string) error {
	if _, err := tx.OpenChatRequest(account, chat, ChatTaken, "", time.Time{}); err != nil {
		return err
	}
	_, err := tx.tx.ExecContext(tx.ctx, `UPDATE chat_requests SET answered_at = ?, answered_by = ?
		WHERE account = ? AND chat = ? AND closed_at = '' AND answered_at = ''`, formatTime(tx.now), who, account, chat)
	if err != nil {
		return fmt.Errorf("answer chat request: %w", err)
	}
	return nil
}

// CloseChatRequest ends the chat's open request (handled, or handed back to the bot); it
// reports whether there was one.
func (tx *Tx) CloseChatRequest(account, chat, who string) (bool, error) {
	res, err := tx.tx.ExecContext(tx.ctx, `UPDATE chat_requests SET closed_at = ?, closed_by = ?
		WHERE account = ? AND chat = ? AND closed_at = ''`, formatTime(tx.now), who, account, chat)
	if err != nil {
		return false, fmt.Errorf("close chat request: %w", err)
	}
	n, _ := res.RowsAffected()
	if _, err := tx.tx.ExecContext(tx.ctx, `UPDATE conversations SET needs_human_at = '' WHERE account = ? AND chat = ?`,
		account, chat); err != nil {
		return false, fmt.Errorf("close chat request: %w", err)
	}
	return n > 0, nil
}

// OpenChatRequests lists the open requests, the longest waiting first.
func (tx *Tx) OpenChatRequests() ([]ChatRequest, error) {
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT `+chatRequestColumns+chatRequestFrom+`
		WHERE r.closed_at = '' ORDER BY r.opened_at, r.id`)
	if err != nil {
		return nil, fmt.Errorf("open chat requests: %w", err)
	}
	defer rows.Close()
	var out []ChatRequest
	for rows.Next() {
		var r ChatRequest
		if err := scanChatRequest(rows, &r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ChatRequestByID finds a request, open or closed.
func (tx *Tx) ChatRequestByID(id int64) (ChatRequest, error) {
	var r ChatRequest
	err := scanChatRequest(tx.tx.QueryRowContext(tx.ctx, `SELECT `+chatRequestColumns+chatRequestFrom+` WHERE r.id = ?`, id), &r)
	if errors.Is(err, sql.ErrNoRows) {
		return r, notFound("chat request")
	}
	return r, err
}

// MarkChatReminded records that the warning (kind "warning") or the breach notice ("breach")
// of request id was sent.
func (tx *Tx) MarkChatReminded(id int64, kind string) error {
	col := map[string]string{"warning": "warned_at", "breach": "breached_at"}[kind]
	if col == "" {
		return fmt.Errorf("mark chat reminded: unknown kind %q", kind)
	}
	_, err := tx.tx.ExecContext(tx.ctx, `UPDATE chat_requests SET `+col+` = ? WHERE id = ?`, formatTime(tx.now), id)
	return err
}

// purgeChatRequests deletes the closed requests of before the retention: they name a chat.
func (tx *Tx) purgeChatRequests(r Retention) (int64, error) {
	return tx.exec("purge chat requests", `DELETE FROM chat_requests WHERE closed_at != '' AND closed_at < MAX(:closed, :abandoned)`, r)
}

// RelatedCases lists the other cases of case id's resident or of its NIK, newest first.
func (tx *Tx) RelatedCases(id int64, limit int) ([]ketanmu.Case, error) {
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT `+caseColumns+` FROM cases c, cases me
		WHERE me.id = ?1 AND c.id != me.id AND (c.resident_id = me.resident_id OR (me.nik != '' AND c.nik = me.nik))
		ORDER BY c.id DESC LIMIT ?2`, id, limit)
	if err != nil {
		return nil, fmt.Errorf("related cases: %w", err)
	}
	return scanCases(rows)
}
