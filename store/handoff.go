package store

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/lifecycle"
)

const caseColumns = `c.id, c.number, c.account, c.chat, c.resident_id, c.service, c.subtype, c.stage, c.nik,
	c.name, c.details, c.assignee, c.due_at, c.created_at, c.stage_at, c.stage_due_at, c.paused_ms, c.fix_returned_at,
	c.erased_at`

// scanCases reads every row of rows (caseColumns) and closes them.
func scanCases(rows *sql.Rows) ([]ketanmu.Case, error) {
	defer rows.Close()
	var out []ketanmu.Case
	for rows.Next() {
		var c ketanmu.Case
		if err := scanCase(rows, &c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func scanCase(sc interface{ Scan(...any) error }, c *ketanmu.Case) error {
	var details, due, created, stageAt, stageDue, fixReturned, erased string
	var pausedMS int64
	if err := sc.Scan(&c.ID, &c.Number, &c.Account, &c.Chat, &c.ResidentID, &c.Service, &c.Subtype, &c.Stage,
		&c.NIK, &c.Name, &details, &c.Assignee, &due, &created, &stageAt, &stageDue, &pausedMS, &fixReturned, &erased); err != nil {
		return err
	}
	c.Details = map[string]string{}
	if err := jsonUnmarshal(details, &c.Details); err != nil {
		return fmt.Errorf("case %s: details are not valid JSON: %w", c.Number, err)
	}
	c.Due, c.CreatedAt = parseTime(due), parseTime(created)
	c.StageAt, c.StageDue, c.ErasedAt = parseTime(stageAt), parseTime(stageDue), parseTime(erased)
	c.Paused = time.Duration(pausedMS) * time.Millisecond
	c.FixReturnedAt = parseTime(fixReturned)
	return nil
}

// CaseByNumber finds a case by its registration number.
func (tx *Tx) CaseByNumber(number string) (ketanmu.Case, error) {
	var c ketanmu.Case
	err := scanCase(tx.tx.QueryRowContext(tx.ctx, `SELECT `+caseColumns+` FROM cases c WHERE c.number = ?`, number), &c)
	if errors.Is(err, sql.ErrNoRows) {
		return c, ketanmu.Errorf(ketanmu.ENOTFOUND, "case %s not found", number)
	}
	return c, err
}

// CaseByCard finds the case a bot message (a card or one of its photos) was about.
func (tx *Tx) CaseByCard(account, waID string) (ketanmu.Case, error) {
	var c ketanmu.Case
	err := scanCase(tx.tx.QueryRowContext(tx.ctx, `SELECT `+caseColumns+` FROM cases c
		JOIN case_cards k ON k.case_id = c.id WHERE k.account = ? AND k.wa_id = ?`, account, waID), &c)
	if errors.Is(err, sql.ErrNoRows) {
		return c, ketanmu.Errorf(ketanmu.ENOTFOUND, "the quoted message is not about a case")
	}
	return c, err
}

// LatestOpenCase returns the newest open case of a chat.
func (tx *Tx) LatestOpenCase(account, chat string) (ketanmu.Case, bool, error) {
	var c ketanmu.Case
	err := scanCase(tx.tx.QueryRowContext(tx.ctx, `SELECT `+caseColumns+` FROM cases c
		WHERE c.account = +? AND c.chat = +? AND c.closed_at = '' ORDER BY c.id DESC LIMIT 1`, // +?: "Parameters", store.go
		account, chat), &c)
	if errors.Is(err, sql.ErrNoRows) {
		return c, false, nil
	}
	return c, err == nil, err
}

// OpenCases lists an account's open cases, oldest first.
func (tx *Tx) OpenCases(account string) ([]ketanmu.Case, error) {
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT `+caseColumns+` FROM cases c
		WHERE c.account = ? AND c.closed_at = '' ORDER BY c.id`, account)
	if err != nil {
		return nil, fmt.Errorf("open cases: %w", err)
	}
	return scanCases(rows)
}

// ChatServices lists the services of the cases a chat has had.
func (tx *Tx) ChatServices(account, chat string) ([]string, error) {
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT DISTINCT service FROM cases WHERE account = ? AND chat = ?`, account, chat)
	if err != nil {
		return nil, fmt.Errorf("chat services: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// StageChange moves a case from one stage to another.
type StageChange struct {
	From, To                ketanmu.Stage
	Actor, Reason, Tracking string
	// StageDue is the new stage's deadline (zero: none); Due the case's new overall due time
	// (zero: unchanged); Paused the working time left while the case waits on the resident.
	StageDue time.Time
	Due      time.Time
	Paused   time.Duration
	Assignee string // "" leaves it unchanged
}

// SetStage applies ch to case id if it is still in ch.From (else ECONFLICT) and records it.
func (tx *Tx) SetStage(id int64, ch StageChange) error {
	now := formatTime(tx.now)
	closed := ""
	if lifecycle.Closed(ch.To) {
		closed = now
	}
	res, err := tx.tx.ExecContext(tx.ctx, `UPDATE cases SET stage = ?, stage_at = ?, stage_due_at = ?, updated_at = ?,
			closed_at = ?, paused_ms = ?, clock_paused = ?, fix_returned_at = '',
			due_at = CASE WHEN ? = '' THEN due_at ELSE ? END,
			assignee = CASE WHEN ? = '' THEN assignee ELSE ? END
		WHERE id = ? AND stage = ?`,
		ch.To, now, optTime(ch.StageDue), now, closed, ch.Paused.Milliseconds(), lifecycle.PausesClock(ch.To),
		optTime(ch.Due), optTime(ch.Due), ch.Assignee, ch.Assignee, id, ch.From)
	if err != nil {
		return fmt.Errorf("set stage: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ketanmu.Errorf(ketanmu.ECONFLICT, "the case is no longer %s", ch.From)
	}
	return tx.AddCaseEvent(id, ketanmu.CaseEvent{From: ch.From, To: ch.To, Actor: ch.Actor, Reason: ch.Reason, Tracking: ch.Tracking})
}

// MarkFixReturned marks case id as back from a fix, until its next stage change.
func (tx *Tx) MarkFixReturned(id int64) error {
	_, err := tx.tx.ExecContext(tx.ctx, `UPDATE cases SET fix_returned_at = ? WHERE id = ?`, formatTime(tx.now), id)
	return err
}

// SetAssignee records who works on a case.
func (tx *Tx) SetAssignee(id int64, who string) error {
	_, err := tx.tx.ExecContext(tx.ctx, `UPDATE cases SET assignee = ?, updated_at = ? WHERE id = ?`, who, formatTime(tx.now), id)
	return err
}

// AddNote stores an operator's private note on a case.
func (tx *Tx) AddNote(id int64, actor, text string) error {
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO case_notes (case_id, actor, text, at) VALUES (?, ?, ?, ?)`,
		id, actor, text, formatTime(tx.now))
	if err != nil {
		return fmt.Errorf("add note: %w", err)
	}
	return nil
}

// RecordCard remembers that message waID of the account is about case id.
func (tx *Tx) RecordCard(account, waID string, id int64) error {
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT OR IGNORE INTO case_cards (account, wa_id, case_id) VALUES (?, ?, ?)`,
		account, waID, id)
	return err
}

// CaseDocumentInfo describes one stored photo of a case.
type CaseDocumentInfo struct {
	ID       int64
	Key      string
	MediaID  int64
	Mime     string
	Filename string
	Size     int64
	SHA256   string
	At       time.Time
	Erased   bool // emptied by the retention purge
}

// CaseDocuments lists a case's photos in the order they were attached.
func (tx *Tx) CaseDocuments(id int64) ([]CaseDocumentInfo, error) {
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT d.id, d.doc_key, d.media_id, m.mime, m.filename, m.size, m.sha256, d.created_at, length(m.data) = 0
		FROM case_documents d JOIN media m ON m.id = d.media_id WHERE d.case_id = +? ORDER BY d.id`, id) // +?: "Parameters", store.go
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CaseDocumentInfo
	for rows.Next() {
		var d CaseDocumentInfo
		var at string
		if err := rows.Scan(&d.ID, &d.Key, &d.MediaID, &d.Mime, &d.Filename, &d.Size, &d.SHA256, &at, &d.Erased); err != nil {
			return nil, err
		}
		d.At = parseTime(at)
		out = append(out, d)
	}
	return out, rows.Err()
}

// AttachDocument adds a photo (by the message that carried it) to a case.
func (tx *Tx) AttachDocument(caseID int64, account, key, messageID string) error {
	res, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO case_documents (case_id, doc_key, media_id, created_at)
		SELECT ?, ?, media_id, ? FROM messages WHERE account = ? AND wa_id = ? AND media_id IS NOT NULL
			AND chat = (SELECT chat FROM cases WHERE id = ?1)`,
		caseID, key, formatTime(tx.now), account, messageID)
	if err != nil {
		return fmt.Errorf("attach document: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("attach document: message %s has no stored media", messageID)
	}
	return nil
}

// CaseEvents returns a case's history.
func (tx *Tx) CaseEvents(id int64) ([]ketanmu.CaseEvent, error) { return tx.caseEvents(id) }

func optTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return formatTime(t)
}
