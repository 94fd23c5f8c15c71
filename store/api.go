package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ketanmu/ketanmu"
)

// CaseFilter selects cases for the queue and the cases API; zero fields match everything.
type CaseFilter struct {
	// Services, when not nil, are the only services matched (what the reader may see).
	Services []string
	Account  string
	Service  string
	Stage    ketanmu.Stage
	OpenOnly bool
	Assignee string
	// Unassigned matches cases nobody has taken.
	Unassigned bool
	// OverdueAt, when set, matches open cases whose running stage deadline is before it.
	OverdueAt time.Time
	Number    string
	NIK       string
	// Phone is a resident's phone (628…): it matches the chat and, for a chat addressed by
	// @lid, the resident the LID belongs to.
	Phone string
	// NameLike matches names containing it (case-insensitive for ASCII).
	NameLike string
	// Tasks, when set, keeps only the cases in the stages of Tasks.Any, and those in the stages
	// of Tasks.Mine that nobody or Tasks.Me has taken ("Tugas saya").
	Tasks *Tasks
	// OldestFirst orders the queue way; otherwise newest first.
	OldestFirst bool
	Limit       int
	Offset      int
}

// ServiceStage is one stage of one service's cases.
type ServiceStage struct {
	Service string
	Stage   ketanmu.Stage
}

// Tasks selects what waits on one person (CaseFilter.Tasks).
type Tasks struct {
	Any, Mine []ServiceStage
	Me        string
}

func (t *Tasks) term() (string, []any) {
	pairs := func(ss []ServiceStage) (string, []any) {
		if len(ss) == 0 {
			return "0", nil
		}
		var vals []string
		var args []any
		for _, s := range ss {
			vals = append(vals, "(?, ?)")
			args = append(args, s.Service, string(s.Stage))
		}
		return "(c.service, c.stage) IN (VALUES " + strings.Join(vals, ", ") + ")", args
	}
	anyTerm, args := pairs(t.Any)
	mineTerm, mineArgs := pairs(t.Mine)
	return "(" + anyTerm + " OR (" + mineTerm + " AND c.assignee IN ('', ?)))", append(append(args, mineArgs...), t.Me)
}

// where builds the filter's WHERE clause: only the terms that are set, so that SQLite can use
// the index of each.
func (f CaseFilter) where(stage bool) (string, []any) {
	var terms []string
	var args []any
	add := func(term string, a ...any) {
		terms = append(terms, term)
		args = append(args, a...)
	}
	if f.Services != nil {
		list, _ := json.Marshal(f.Services) // a []string always marshals
		add(`c.service IN (SELECT value FROM json_each(?))`, string(list))
	}
	if f.Account != "" {
		add(`c.account = ?`, f.Account)
	}
	if f.Service != "" {
		add(`c.service = ?`, f.Service)
	}
	if stage && f.Stage != "" {
		add(`c.stage = ?`, f.Stage)
	}
	if f.OpenOnly || !f.OverdueAt.IsZero() {
		add(`c.closed_at = ''`)
	}
	if f.Assignee != "" {
		add(`c.assignee = ?`, f.Assignee)
	}
	if f.Unassigned {
		add(`c.assignee = ''`)
	}
	if !f.OverdueAt.IsZero() {
		add(overdue, formatTime(f.OverdueAt)) // lifecycle.Overdue in SQL
	}
	if f.Number != "" {
		add(`c.number = ?`, f.Number)
	}
	if f.NIK != "" {
		add(`c.nik = ?`, f.NIK)
	}
	if f.Phone != "" {
		add(`(c.chat = ? OR c.resident_id IN (SELECT id FROM residents WHERE phone = ?))`, f.Phone, f.Phone)
	}
	if f.NameLike != "" {
		add(`c.name LIKE ? ESCAPE '\'`, "%"+likeEscaper.Replace(f.NameLike)+"%")
	}
	if f.Tasks != nil {
		term, a := f.Tasks.term()
		add(term, a...)
	}
	if len(terms) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(terms, " AND "), args
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// ListCases returns one page of the cases matching f and how many match in all. It reads a
// snapshot without the writer's lock.
func (db *DB) ListCases(ctx context.Context, f CaseFilter) ([]ketanmu.Case, int, error) {
	where, args := f.where(true)
	order := ` ORDER BY c.id DESC`
	if f.OldestFirst {
		order = ` ORDER BY c.id`
	}
	var out []ketanmu.Case
	var total int
	err := db.View(ctx, func(tx *Tx) error {
		if err := tx.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM cases c`+where, args...).Scan(&total); err != nil {
			return fmt.Errorf("count cases: %w", err)
		}
		rows, err := tx.tx.QueryContext(ctx, `SELECT `+caseColumns+` FROM cases c`+where+order+` LIMIT ? OFFSET ?`,
			append(args, f.Limit, f.Offset)...)
		if err != nil {
			return fmt.Errorf("list cases: %w", err)
		}
		out, err = scanCases(rows)
		return err
	})
	return out, total, err
}

// CountCases counts the cases matching f (its Stage ignored) per stage.
func (db *DB) CountCases(ctx context.Context, f CaseFilter) (map[ketanmu.Stage]int, error) {
	where, args := f.where(false)
	out := map[ketanmu.Stage]int{}
	err := db.View(ctx, func(tx *Tx) error {
		rows, err := tx.tx.QueryContext(ctx, `SELECT c.stage, COUNT(*) FROM cases c`+where+` GROUP BY c.stage`, args...)
		if err != nil {
			return fmt.Errorf("count cases: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var st ketanmu.Stage
			var n int
			if err := rows.Scan(&st, &n); err != nil {
				return err
			}
			out[st] = n
		}
		return rows.Err()
	})
	return out, err
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
	ketanmu.Case
	Documents []CaseDocumentInfo
	Notes     []CaseNote
}

// CaseFile loads a case by number with its history, documents and notes.
func (tx *Tx) CaseFile(number string) (CaseFile, error) {
	var f CaseFile
	var err error
	if f.Case, err = tx.CaseByNumber(number); err != nil {
		return f, err
	}
	if f.Events, err = tx.caseEvents(f.ID); err != nil {
		return f, err
	}
	if f.Documents, err = tx.CaseDocuments(f.ID); err != nil {
		return f, err
	}
	f.Notes, err = tx.CaseNotes(f.ID)
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
		return tx.auditView(actor, c.ID, docID)
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// ViewWindow is how long one recorded view of a document stands for the same person's views
// of it: the audit keeps one row per person, document and window, not one per page load.
const ViewWindow = 30 * time.Minute

// auditView records that actor read document docID of case caseID, unless a row within
// ViewWindow already says so.
func (tx *Tx) auditView(actor string, caseID, docID int64) error {
	var recent int
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM audit_log WHERE case_id = ? AND document_id = ?
		AND actor = ? AND action = ? AND at > ?`, caseID, docID, actor, ketanmu.AuditViewDocument, formatTime(tx.now.Add(-ViewWindow))).Scan(&recent)
	if err != nil || recent > 0 {
		return err
	}
	return tx.Audit(ketanmu.Audit{Actor: actor, Action: ketanmu.AuditViewDocument, CaseID: caseID, DocumentID: docID})
}

// DocumentAccess is one recorded read of a case's document.
type DocumentAccess struct {
	DocumentID int64
	Actor      string
	At         time.Time
}

// DocumentAccesses lists who read a case's documents, oldest first.
func (db *DB) DocumentAccesses(ctx context.Context, number string) ([]DocumentAccess, error) {
	rows, err := db.ro.QueryContext(ctx, `SELECT a.document_id, a.actor, a.at FROM audit_log a
		JOIN cases c ON c.id = a.case_id WHERE c.number = ? AND a.action = ? ORDER BY a.id`, number, ketanmu.AuditViewDocument)
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
