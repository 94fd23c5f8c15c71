package whatsapp

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"time"

	"github.com/ketanmu/ketanmu/internal/migrate"
)

// The transport keeps its own bookkeeping in whatsmeow's database file, beside the device keys
// it only makes sense with: which device belongs to which account, messages acknowledged to
// WhatsApp but not yet handed to the router (the inbox), and uploaded media of sent messages.
// The application's store stays free of WhatsApp. Its schema is the numbered files in
// migrations/, applied as store's are: each once, in its own transaction, recorded in
// ketanmu_migrations.
//
//go:embed migrations/*.sql
var migrations embed.FS

const timeFormat = "2006-01-02T15:04:05.000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(timeFormat, s)
	return t
}

// waDB is the transport's tables in whatsmeow's database.
type waDB struct {
	db  *sql.DB
	now func() time.Time
}

// schema is the transport's numbered migrations; the files are embedded, so a bad name is a
// build mistake that every test opening the tables catches, like a template that does not parse.
var schema = func() *migrate.Set {
	set, err := migrate.Load(migrations, "migrations", "ketanmu_migrations")
	if err != nil {
		panic(err)
	}
	return set
}()

// migrate applies the migrations not yet recorded, as store's are (internal/migrate). A file
// from before the numbered files (one ketanmu_version row) has its versions recorded first.
func (d *waDB) migrate(ctx context.Context) error {
	if _, err := d.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS ketanmu_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return err
	}
	if err := d.adoptVersion(ctx); err != nil {
		return fmt.Errorf("schema version: %w", err)
	}
	return schema.Apply(ctx, d.db, d.now)
}

// adoptVersion records, for a file the earlier runner upgraded (its schema version in the one
// row of ketanmu_version), the migrations up to that version as applied, and drops the old
// table; in one transaction.
func (d *waDB) adoptVersion(ctx context.Context) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var tables int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'ketanmu_version'`).
		Scan(&tables); err != nil || tables == 0 {
		return err
	}
	var v int
	err = tx.QueryRowContext(ctx, `SELECT version FROM ketanmu_version`).Scan(&v)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if v > schema.Latest() {
		return fmt.Errorf("the file is at version %d, newer than this release knows (%d)", v, schema.Latest())
	}
	if err := schema.Record(ctx, tx, v, d.now); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DROP TABLE ketanmu_version`); err != nil {
		return err
	}
	return tx.Commit()
}

// device returns the JID of the device paired for account, or "".
func (d *waDB) device(ctx context.Context, account string) (string, error) {
	var jid string
	err := d.db.QueryRowContext(ctx, `SELECT jid FROM ketanmu_devices WHERE account = ?`, account).Scan(&jid)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return jid, err
}

// accountOf returns the account a device JID belongs to, or "".
func (d *waDB) accountOf(ctx context.Context, jid string) (string, error) {
	var account string
	err := d.db.QueryRowContext(ctx, `SELECT account FROM ketanmu_devices WHERE jid = ?`, jid).Scan(&account)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return account, err
}

func (d *waDB) putDevice(ctx context.Context, account, jid string) error {
	_, err := d.db.ExecContext(ctx, `INSERT INTO ketanmu_devices (account, jid, paired_at) VALUES (?, ?, ?)
		ON CONFLICT (account) DO UPDATE SET jid = excluded.jid, paired_at = excluded.paired_at`,
		account, jid, formatTime(d.now()))
	return err
}

func (d *waDB) deleteDevice(ctx context.Context, account string) error {
	_, err := d.db.ExecContext(ctx, `DELETE FROM ketanmu_devices WHERE account = ?`, account)
	return err
}

// putSent keeps the message sent under an ID (first write wins: retries reuse it).
func (d *waDB) putSent(ctx context.Context, account, id string, msg []byte) error {
	_, err := d.db.ExecContext(ctx, `INSERT INTO ketanmu_sent (account, wa_id, message, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, account, id, msg, formatTime(d.now()))
	return err
}

// sent returns the message kept for an ID, or nil.
func (d *waDB) sent(ctx context.Context, account, id string) ([]byte, error) {
	var msg []byte
	err := d.db.QueryRowContext(ctx, `SELECT message FROM ketanmu_sent WHERE account = ? AND wa_id = ?`, account, id).Scan(&msg)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return msg, err
}

// pruneSent forgets uploads older than age: WhatsApp's media links have expired by then anyway.
func (d *waDB) pruneSent(ctx context.Context, age time.Duration) error {
	_, err := d.db.ExecContext(ctx, `DELETE FROM ketanmu_sent WHERE created_at < ?`, formatTime(d.now().Add(-age)))
	return err
}
