package store

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/ketanmu/ketanmu"
)

// OutputKey is the document key of a case's finished document (the signed PDF an operator
// attaches), kept with the resident's photos: encrypted alike and erased by retention alike.
const OutputKey = "output"

// AddCaseFile stores m encrypted and files it with case caseID under key. It returns the id of
// the stored file, which an outbox message may send without storing it again.
func (tx *Tx) AddCaseFile(caseID int64, key string, m *ketanmu.Media) (int64, error) {
	id, err := tx.putMedia(m)
	if err != nil {
		return 0, err
	}
	if _, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO case_documents (case_id, doc_key, media_id, created_at)
		VALUES (?, ?, ?, ?)`, caseID, key, id.Int64, formatTime(tx.now)); err != nil {
		return 0, fmt.Errorf("add case file: %w", err)
	}
	return id.Int64, nil
}

// KeptCaseFile returns the id of the newest file of case caseID under key whose content is still
// kept (retention empties it); ok is false when there is none.
func (tx *Tx) KeptCaseFile(caseID int64, key string) (id int64, ok bool, err error) {
	err = tx.tx.QueryRowContext(tx.ctx, `SELECT d.media_id FROM case_documents d JOIN media m ON m.id = d.media_id
		WHERE d.case_id = +? AND d.doc_key = +? AND length(m.data) > 0 ORDER BY d.id DESC LIMIT 1`, // +?: "Parameters", store.go
		caseID, key).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("case file: %w", err)
	}
	return id, true, nil
}
