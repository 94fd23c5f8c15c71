package whatsapp

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// The transport keeps its own bookkeeping in whatsmeow's database file, beside the device keys
// it only makes sense with: which device belongs to which account, messages acknowledged to
// WhatsApp but not yet handed to the router (the inbox), and uploaded media of sent messages.
// The application's store stays free of WhatsApp.
var schema = []string{
	// version 1
	`CREATE TABLE ketanmu_devices (
		account   TEXT PRIMARY KEY,
		jid       TEXT NOT NULL,
		paired_at TEXT NOT NULL
	);
	-- Messages persisted before being acknowledged, waiting for a media download or for an
	-- earlier message of the same chat. inbound is the router's message as JSON, media the
	-- protobuf part needed to download the file, source the WhatsApp addressing (JSON) that a
	-- media retry request names.
	CREATE TABLE ketanmu_inbox (
		id              INTEGER PRIMARY KEY,
		account         TEXT NOT NULL,
		wa_id           TEXT NOT NULL,
		chat            TEXT NOT NULL,
		inbound         TEXT NOT NULL,
		media           BLOB,
		source          TEXT NOT NULL DEFAULT '',
		attempts        INTEGER NOT NULL DEFAULT 0,
		media_retry     INTEGER NOT NULL DEFAULT 0,
		next_attempt_at TEXT NOT NULL,
		last_error      TEXT NOT NULL DEFAULT '',
		created_at      TEXT NOT NULL,
		UNIQUE (account, wa_id)
	);
	CREATE INDEX ketanmu_inbox_chat ON ketanmu_inbox (account, chat, id);
	-- The exact message sent under an outbox ID when it carried an upload, so that retries and
	-- retry receipts reuse the upload instead of sending a different file.
	CREATE TABLE ketanmu_sent (
		account    TEXT NOT NULL,
		wa_id      TEXT NOT NULL,
		message    BLOB NOT NULL,
		created_at TEXT NOT NULL,
		PRIMARY KEY (account, wa_id)
	);`,
	// version 2: message IDs are unique per sender, so the inbox is unique per chat.
	`CREATE TABLE ketanmu_inbox_new (
		id              INTEGER PRIMARY KEY,
		account         TEXT NOT NULL,
		wa_id           TEXT NOT NULL,
		chat            TEXT NOT NULL,
		inbound         TEXT NOT NULL,
		media           BLOB,
		source          TEXT NOT NULL DEFAULT '',
		attempts        INTEGER NOT NULL DEFAULT 0,
		media_retry     INTEGER NOT NULL DEFAULT 0,
		next_attempt_at TEXT NOT NULL,
		last_error      TEXT NOT NULL DEFAULT '',
		created_at      TEXT NOT NULL,
		UNIQUE (account, chat, wa_id)
	);
	INSERT INTO ketanmu_inbox_new SELECT id, account, wa_id, chat, inbound, media, source, attempts, media_retry,
		next_attempt_at, last_error, created_at FROM ketanmu_inbox;
	DROP TABLE ketanmu_inbox;
	ALTER TABLE ketanmu_inbox_new RENAME TO ketanmu_inbox;
	CREATE INDEX ketanmu_inbox_chat ON ketanmu_inbox (account, chat, id);`,
	// version 3: messages the handler failed on, counted per message; at whatsapp.redelivery_limit
	// the message is given up (gave_up_at), kept here with its error and acknowledged. And per
	// account what the link watch remembers: the office phone's last sign of life, the ping and
	// the warning sent about it, and the outage (logged out, banned) under way.
	`CREATE TABLE ketanmu_failures (
		account    TEXT NOT NULL,
		chat       TEXT NOT NULL,
		wa_id      TEXT NOT NULL,
		sent_at    TEXT NOT NULL,
		count      INTEGER NOT NULL DEFAULT 0,
		last_error TEXT NOT NULL DEFAULT '',
		gave_up_at TEXT NOT NULL DEFAULT '',
		PRIMARY KEY (account, chat, wa_id)
	);
	CREATE TABLE ketanmu_link (
		account       TEXT PRIMARY KEY,
		phone_seen_at TEXT NOT NULL DEFAULT '',
		pinged_at     TEXT NOT NULL DEFAULT '',
		warned_at     TEXT NOT NULL DEFAULT '',
		outage        TEXT NOT NULL DEFAULT '',
		outage_since  TEXT NOT NULL DEFAULT '',
		outage_ended  TEXT NOT NULL DEFAULT ''
	);`,
}

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

// migrate applies pending schema versions, each in its own transaction.
func (d *waDB) migrate(ctx context.Context) error {
	if _, err := d.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS ketanmu_version (version INTEGER NOT NULL)`); err != nil {
		return err
	}
	var v int
	err := d.db.QueryRowContext(ctx, `SELECT version FROM ketanmu_version`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := d.db.ExecContext(ctx, `INSERT INTO ketanmu_version (version) VALUES (0)`); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	for ; v < len(schema); v++ {
		tx, err := d.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, schema[v]); err != nil {
			tx.Rollback()
			return fmt.Errorf("schema version %d: %w", v+1, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE ketanmu_version SET version = ?`, v+1); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
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
