package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/ketanmu/ketanmu"
)

// thumbAAD binds a thumbnail's ciphertext to its original.
func thumbAAD(mediaID int64) []byte { return []byte("thumb:" + strconv.FormatInt(mediaID, 10)) }

// CaseDocumentThumb returns the thumbnail (a JPEG) of document docID of case number, making it
// with makeThumb from the original the first time and keeping it encrypted. Reading a thumbnail
// is not audited: the full document is, when opened.
func (db *DB) CaseDocumentThumb(ctx context.Context, number string, docID int64, makeThumb func([]byte) ([]byte, error)) ([]byte, error) {
	var mediaID int64
	var sealed []byte
	err := db.db.QueryRowContext(ctx, `SELECT d.media_id, IFNULL(t.data, x'') FROM case_documents d
		JOIN cases c ON c.id = d.case_id LEFT JOIN media_thumbs t ON t.media_id = d.media_id
		WHERE d.id = ? AND c.number = ?`, docID, number).Scan(&mediaID, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ketanmu.Errorf(ketanmu.ENOTFOUND, "case %s has no document %d", number, docID)
	} else if err != nil {
		return nil, fmt.Errorf("document thumbnail: %w", err)
	}
	if len(sealed) > 0 {
		return db.cipher.Open(sealed, thumbAAD(mediaID))
	}
	orig, err := db.Media(ctx, mediaID)
	if err != nil {
		return nil, err
	}
	small, err := makeThumb(orig.Data)
	if err != nil {
		return nil, err
	}
	err = db.Update(ctx, func(tx *Tx) error {
		// Only while the original is still there: the purge may have erased it meanwhile.
		_, err := tx.tx.ExecContext(tx.ctx, `INSERT OR IGNORE INTO media_thumbs (media_id, data, created_at)
			SELECT id, ?, ? FROM media WHERE id = ? AND length(data) > 0`,
			db.cipher.Seal(small, thumbAAD(mediaID)), formatTime(tx.now), mediaID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store thumbnail: %w", err)
	}
	return small, nil
}

// purgeThumbs deletes the thumbnails of originals the purge erased.
func (tx *Tx) purgeThumbs() error {
	_, err := tx.tx.ExecContext(tx.ctx, `DELETE FROM media_thumbs WHERE media_id IN (SELECT id FROM media WHERE length(data) = 0)`)
	if err != nil {
		return fmt.Errorf("purge thumbnails: %w", err)
	}
	return nil
}
