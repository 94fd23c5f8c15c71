// Package migrate applies numbered SQL files to a SQLite database: each file once, in its own
// transaction, in the order of its number, recorded in a table of the caller's naming. The
// application's store and the WhatsApp transport's tables in whatsmeow's file both upgrade
// through it, so there is one rule for what a migration is and when it counts as applied.
package migrate

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"time"
)

// Migration is one numbered SQL file.
type Migration struct {
	Version int
	Name    string // the file's base name, as recorded
	file    string
}

// Set is the migrations of one schema, read from fsys, and the table that records them.
type Set struct {
	fsys  fs.FS
	table string
	list  []Migration
}

// Load lists the files matching dir/*.sql of fsys, which must each start with a positive
// number (001_init.sql), no two alike. table names the record of applied versions; it is the
// caller's constant, never input.
func Load(fsys fs.FS, dir, table string) (*Set, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.sql"))
	if err != nil {
		return nil, err
	}
	s := &Set{fsys: fsys, table: table}
	seen := map[int]string{}
	for _, name := range names {
		base := path.Base(name)
		var v int
		if _, err := fmt.Sscanf(base, "%d_", &v); err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive number", base)
		}
		if other, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrations %s and %s share the number %d", other, base, v)
		}
		seen[v] = base
		s.list = append(s.list, Migration{Version: v, Name: base, file: name})
	}
	sort.Slice(s.list, func(i, j int) bool { return s.list[i].Version < s.list[j].Version })
	return s, nil
}

// All returns the migrations, in order.
func (s *Set) All() []Migration { return s.list }

// Latest is the newest version the set knows; 0 when it is empty.
func (s *Set) Latest() int {
	if len(s.list) == 0 {
		return 0
	}
	return s.list[len(s.list)-1].Version
}

// Apply creates the record table if needed and applies every migration not recorded yet, each
// in its own transaction with its record, so a failing one leaves the database as it was
// before it.
func (s *Set) Apply(ctx context.Context, db *sql.DB, now func() time.Time) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS `+s.table+` (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return err
	}
	for _, m := range s.list {
		if err := s.apply(ctx, db, m, now); err != nil {
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
	}
	return nil
}

func (s *Set) apply(ctx context.Context, db *sql.DB, m Migration, now func() time.Time) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+s.table+` WHERE version = ?`, m.Version).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	body, err := fs.ReadFile(s.fsys, m.file)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if err := s.record(ctx, tx, m, now); err != nil {
		return err
	}
	return tx.Commit()
}

// Record marks every migration up to version as applied without running it, in tx: for a
// database an earlier runner upgraded, which kept only its version number.
func (s *Set) Record(ctx context.Context, tx *sql.Tx, version int, now func() time.Time) error {
	for _, m := range s.list {
		if m.Version > version {
			break
		}
		if err := s.record(ctx, tx, m, now); err != nil {
			return err
		}
	}
	return nil
}

func (s *Set) record(ctx context.Context, tx *sql.Tx, m Migration, now func() time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO `+s.table+` (version, name, applied_at) VALUES (?, ?, ?)`,
		m.Version, m.Name, now().UTC().Format("2006-01-02T15:04:05.000Z"))
	return err
}

// Pending counts the migrations db has not recorded; a database without the record table has
// never been migrated and reports 0 (it has nothing to lose).
func (s *Set) Pending(ctx context.Context, db *sql.DB) (int, error) {
	var tables int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, s.table).Scan(&tables); err != nil {
		return 0, err
	}
	if tables == 0 {
		return 0, nil
	}
	rows, err := db.QueryContext(ctx, `SELECT version FROM `+s.table)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	applied := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return 0, err
		}
		applied[v] = true
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	pending := 0
	for _, m := range s.list {
		if !applied[m.Version] {
			pending++
		}
	}
	return pending, nil
}
