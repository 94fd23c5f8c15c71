package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/ketanmu/ketanmu"
)

// CaseFilter selects cases for the cases API; empty fields match everything.
type CaseFilter struct {
	Stage   string
	Service string
	// Phone is a resident's phone (628…): it matches the chat and, for a chat addressed by
	// @lid, the resident the LID belongs to.
	Phone  string
	Limit  int
	Offset int
}

// ListCases returns one page of the cases matching f, newest first, and how many match in all.
func (db *DB) ListCases(ctx context.Context, f CaseFilter) ([]Case, int, error) {
	where := ` WHERE (? = '' OR c.stage = ?) AND (? = '' OR c.service = ?)
		AND (? = '' OR c.chat = ? OR c.resident_id IN (SELECT id FROM residents WHERE phone = ?))`
	args := []any{f.Stage, f.Stage, f.Service, f.Service, f.Phone, f.Phone, f.Phone}
	var total int
	if err := db.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM cases c`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count cases: %w", err)
	}
	rows, err := db.db.QueryContext(ctx, `SELECT `+caseColumns+` FROM cases c`+where+` ORDER BY c.id DESC LIMIT ? OFFSET ?`,
		append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list cases: %w", err)
	}
	defer rows.Close()
	out := []Case{}
	for rows.Next() {
		var c Case
		if err := scanCase(rows, &c); err != nil {
			return nil, 0, err
		}
		out = append(out, c)
	}
	return out, total, rows.Err()
}

// CaseNote is an operator's private note on a case (or a reply sent through the API).
type CaseNote struct {
	Actor string
	Text  string
	At    time.Time
}

// CaseFile is everything recorded about a case: the case with its history, its documents and
// its notes.
type CaseFile struct {
	Case
	Documents []CaseDocumentInfo
	Notes     []CaseNote
}

// CaseFile loads a case by number with its history, documents and notes.
func (db *DB) CaseFile(ctx context.Context, number string) (CaseFile, error) {
	var f CaseFile
	err := db.Update(ctx, func(tx *Tx) error {
		var err error
		if f.Case, err = tx.CaseByNumber(number); err != nil {
			return err
		}
		if f.Events, err = tx.caseEvents(f.ID); err != nil {
			return err
		}
		if f.Documents, err = tx.CaseDocuments(f.ID); err != nil {
			return err
		}
		f.Notes, err = tx.CaseNotes(f.ID)
		return err
	})
	return f, err
}

// CaseNotes returns a case's notes, oldest first.
func (tx *Tx) CaseNotes(id int64) ([]CaseNote, error) {
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT actor, text, at FROM case_notes WHERE case_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []CaseNote{}
	for rows.Next() {
		var n CaseNote
		var at string
		if err := rows.Scan(&n.Actor, &n.Text, &at); err != nil {
			return nil, err
		}
		n.At = parseTime(at)
		out = append(out, n)
	}
	return out, rows.Err()
}

// ReadCaseDocument returns document docID of the case with this number, decrypted, and records
// in the same transaction that actor read it: a file is never handed out unrecorded.
func (db *DB) ReadCaseDocument(ctx context.Context, number string, docID int64, actor string) (*ketanmu.Media, error) {
	var m ketanmu.Media
	err := db.Update(ctx, func(tx *Tx) error {
		c, err := tx.CaseByNumber(number)
		if err != nil {
			return err
		}
		var sealed []byte
		err = tx.tx.QueryRowContext(tx.ctx, `SELECT m.sha256, m.mime, m.filename, m.size, m.data
			FROM case_documents d JOIN media m ON m.id = d.media_id WHERE d.id = ? AND d.case_id = ?`, docID, c.ID).
			Scan(&m.SHA256, &m.Mime, &m.Filename, &m.Size, &sealed)
		if errors.Is(err, sql.ErrNoRows) {
			return ketanmu.Errorf(ketanmu.ENOTFOUND, "case %s has no document %d", number, docID)
		} else if err != nil {
			return fmt.Errorf("read document: %w", err)
		}
		if m.Data, err = db.cipher.Open(sealed, []byte(m.SHA256)); err != nil {
			return fmt.Errorf("decrypt document %d of %s: %w", docID, number, err)
		}
		_, err = tx.tx.ExecContext(tx.ctx, `INSERT INTO document_access (case_id, document_id, actor, at) VALUES (?, ?, ?, ?)`,
			c.ID, docID, actor, formatTime(tx.now))
		if err != nil {
			return fmt.Errorf("record document access: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// DocumentAccess is one recorded read of a case's document.
type DocumentAccess struct {
	DocumentID int64
	Actor      string
	At         time.Time
}

// DocumentAccesses lists who read a case's documents, oldest first.
func (db *DB) DocumentAccesses(ctx context.Context, number string) ([]DocumentAccess, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT a.document_id, a.actor, a.at FROM document_access a
		JOIN cases c ON c.id = a.case_id WHERE c.number = ? ORDER BY a.id`, number)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []DocumentAccess{}
	for rows.Next() {
		var a DocumentAccess
		var at string
		if err := rows.Scan(&a.DocumentID, &a.Actor, &at); err != nil {
			return nil, err
		}
		a.At = parseTime(at)
		out = append(out, a)
	}
	return out, rows.Err()
}
