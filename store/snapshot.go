package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// Snapshot writes a consistent copy of the SQLite database at src to dst with VACUUM INTO,
// while other processes keep writing to src: the copy is one read transaction's view, never a
// file copy of a live database (which could catch a page half-written or miss the WAL). dst
// must not exist; it is created readable by the owner only.
func Snapshot(ctx context.Context, src, dst string) error {
	if _, err := os.Stat(src); err != nil {
		return fmt.Errorf("snapshot %s: %w", src, err)
	}
	db, err := sql.Open("sqlite3", "file:"+uriEscaper.Replace(src)+"?_busy_timeout=10000&_txlock=deferred")
	if err != nil {
		return fmt.Errorf("open %s: %w", src, err)
	}
	defer db.Close()
	if err := privateFiles(dst); err != nil {
		return err
	}
	// VACUUM INTO refuses an existing non-empty file, and privateFiles made an empty one.
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, dst); err != nil {
		return fmt.Errorf("snapshot %s: %w", src, err)
	}
	return nil
}

// IntegrityCheck runs PRAGMA integrity_check on the database file at path.
func IntegrityCheck(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite3", "file:"+uriEscaper.Replace(path)+"?mode=ro&_busy_timeout=10000")
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return fmt.Errorf("integrity check of %s: %w", path, err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return err
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("integrity check of %s: %w", path, err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("integrity check of %s failed: %s", path, strings.Join(problems, "; "))
	}
	return nil
}

// Stats is what a snapshot holds: its schema version and how many rows its main tables have.
type Stats struct {
	SchemaVersion int              `json:"schema_version"`
	Counts        map[string]int64 `json:"counts"`
}

// statTables are counted into a backup's manifest and printed by a restore.
var statTables = []string{"cases", "messages", "media", "case_documents", "residents", "operators", "api_tokens", "audit_log"}

// Inspect reads the schema version and row counts of the ketanmu database file at path (a
// snapshot: nothing else writes it). A table the schema does not have yet counts as absent.
func Inspect(ctx context.Context, path string) (Stats, error) {
	st := Stats{Counts: map[string]int64{}}
	db, err := sql.Open("sqlite3", "file:"+uriEscaper.Replace(path)+"?mode=ro")
	if err != nil {
		return st, err
	}
	defer db.Close()
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&st.SchemaVersion); err != nil {
		return st, fmt.Errorf("schema version of %s: %w", path, err)
	}
	for _, t := range statTables {
		var exists int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, t).Scan(&exists); err != nil {
			return st, err
		}
		if exists == 0 {
			continue
		}
		var n int64
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+t).Scan(&n); err != nil {
			return st, fmt.Errorf("count %s: %w", t, err)
		}
		st.Counts[t] = n
	}
	return st, nil
}

// SchemaVersion is the newest migration this build knows.
func SchemaVersion() int { return schema.Latest() }

// PendingMigrations reports how many of this build's migrations the existing database at path
// has not applied yet; a missing or empty database has nothing to lose and reports 0.
func PendingMigrations(ctx context.Context, path string) (int, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && fi.Size() == 0) {
		return 0, nil
	} else if err != nil {
		return 0, err
	}
	db, err := sql.Open("sqlite3", "file:"+uriEscaper.Replace(path)+"?mode=ro&_busy_timeout=10000")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	n, err := schema.Pending(ctx, db)
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", path, err)
	}
	return n, nil
}

// CheckDocuments decrypts up to n stored documents (the newest first) with the database's key
// and reports how many it read; a document whose bytes do not match its checksum or that the
// key cannot open is an error. Erased documents (retention) are skipped.
func (db *DB) CheckDocuments(ctx context.Context, n int) (int, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT id FROM media WHERE length(data) > 0 ORDER BY id DESC LIMIT ?`, n)
	if err != nil {
		return 0, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, id := range ids {
		m, err := db.Media(ctx, id)
		if err != nil {
			return 0, err
		}
		if sum := fmt.Sprintf("%x", sha256.Sum256(m.Data)); sum != m.SHA256 {
			return 0, fmt.Errorf("document %d: its bytes do not match its checksum", id)
		}
	}
	return len(ids), nil
}
