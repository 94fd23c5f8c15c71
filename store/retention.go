package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ketanmu/ketanmu/internal/pause"
)

// Retention says up to when personal data is kept (UU 27/2022: no longer than needed).
type Retention struct {
	// Closed erases the cases closed before it, and in every chat the messages, replies and
	// files older than it, except those of a case still open or closed after it.
	Closed time.Time
	// Abandoned erases drafts untouched since it in chats without an open case, and the messages
	// and files older than it in a resident's chat that never became a case.
	Abandoned time.Time
}

// Purged counts what a purge erased.
type Purged struct {
	Cases, Messages, Outbox, Files, Drafts int64
	Suggestions                            int64 // survey suggestions (store/skm.go)
}

// Any reports whether anything was erased.
func (p Purged) Any() bool { return p.Cases+p.Messages+p.Outbox+p.Files+p.Drafts+p.Suggestions > 0 }

// statsDetails are the case details the statistics use; every other detail (address, notes,
// description, warnings) is the resident's own words and goes.
var statsDetails = []string{"delivery", "category", "reason", "kecamatan"}

// Purge erases personal data past retention: the text of messages and of replies (sent or not), files,
// abandoned drafts, and of closed cases the NIK (masked), the name, the details other than
// statsDetails, operators' notes and the reasons and tracking numbers of their history. Case
// numbers, services, stages and times stay for the statistics. SQLite runs with secure_delete,
// so that erased text is overwritten in the database file; once something was erased the WAL
// is checkpointed and truncated, so that no older copy of a page is left in it either.
func (db *DB) Purge(ctx context.Context, r Retention) (Purged, error) {
	var p Purged
	err := db.Update(ctx, func(tx *Tx) error {
		// A message still queued past retention will never be sent (its lane's age is far
		// shorter): it expires here, so that neither its text nor its file outlives retention.
		// Nobody is asked to call back about a message this old: told = 1.
		if _, err := tx.exec("expire outbox", `UPDATE outbox SET status = 'expired', expired_at = :now, told = 1
			WHERE status = 'pending' AND created_at < MAX(:closed, :abandoned) AND created_at < `+keepFrom("outbox"), r); err != nil {
			return err
		}
		var err error
		if p.Files, err = tx.purgeFiles(r); err != nil {
			return err
		}
		if p.Messages, err = tx.exec("purge messages", `UPDATE messages SET text = '', unsupported = ''
			WHERE (text != '' OR unsupported != '') AND at < MAX(:closed, :abandoned) AND at < `+keepFrom("messages"), r); err != nil {
			return err
		}
		if p.Outbox, err = tx.exec("purge outbox", `UPDATE outbox SET text = '', last_error = ''
			WHERE (text != '' OR last_error != '') AND created_at < MAX(:closed, :abandoned)
				AND created_at < `+keepFrom("outbox"), r); err != nil {
			return err
		}
		if p.Drafts, err = tx.exec("purge drafts", `UPDATE conversations SET state = '{}'
			WHERE state != '{}' AND updated_at < :abandoned AND NOT EXISTS (SELECT 1 FROM cases k
				WHERE k.account = conversations.account AND k.chat = conversations.chat AND k.closed_at = '')`, r); err != nil {
			return err
		}
		if _, err = tx.purgeChatRequests(r); err != nil {
			return err
		}
		if err = tx.purgeThumbs(); err != nil {
			return err
		}
		if p.Cases, err = tx.purgeCases(r); err != nil {
			return err
		}
		p.Suggestions, err = tx.purgeSKM(r)
		return err
	})
	if err != nil || !p.Any() {
		return p, err
	}
	return p, db.checkpoint(ctx)
}

// ErrWALKept is what Purge returns when the erasure committed but a reader that did not let go
// while it tried (Litestream keeps a read transaction open beside the database it replicates)
// kept the WAL from being truncated: older frames holding erased text stay in ketanmu.db-wal
// until SQLite writes over them, and the next purge tries again. Nothing else failed.
var ErrWALKept = errors.New("checkpoint after purge: a reader kept the WAL open; erased text may stay in it until the next purge")

// truncateTries and truncateWait bound how long the purge tries to truncate the WAL.
var (
	truncateTries = 50
	truncateWait  = 100 * time.Millisecond
)

// checkpoint copies the WAL into the database file and truncates it. A TRUNCATE checkpoint
// waits for every reader to leave the WAL, and while it waits no writer may begin: with the
// connections' busy timeout (10 s), one reader that never lets go stalled every write for
// 10 s a try. So it runs on a connection that gives up at once (busy_timeout 0) and is tried
// again, writers going on in between, for up to truncateTries*truncateWait.
func (db *DB) checkpoint(ctx context.Context) (err error) {
	conn, err := db.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("checkpoint after purge: %w", err)
	}
	defer conn.Close()
	var timeout int
	if err := conn.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&timeout); err != nil {
		return fmt.Errorf("checkpoint after purge: %w", err)
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA busy_timeout = 0`); err != nil {
		return fmt.Errorf("checkpoint after purge: %w", err)
	}
	defer func() {
		if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf(`PRAGMA busy_timeout = %d`, timeout)); rerr != nil {
			// The pool must not keep a connection that gives up at once.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
			err = errors.Join(err, fmt.Errorf("checkpoint after purge: restoring busy_timeout: %w", rerr))
		}
	}()
	for try := 1; ; try++ {
		var busy, logFrames, checkpointed int
		if err := conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &checkpointed); err != nil {
			return fmt.Errorf("checkpoint after purge: %w", err)
		}
		if busy == 0 {
			return nil
		}
		if try == truncateTries {
			return ErrWALKept
		}
		if !pause.For(ctx, truncateWait) {
			return ctx.Err()
		}
	}
}

// keepFrom is the SQL time before which the rows of table (with account and chat columns) are
// past retention: in a chat with cases, the retention cutoff or the start of its first case
// still kept, whichever is earlier; in an operators' group the retention cutoff; in any other
// chat (a resident who never applied, an operator's own chat) the abandoned-draft cutoff once
// the conversation has been left that long, else the retention cutoff (a draft in progress
// keeps its photos).
func keepFrom(table string) string {
	return fmt.Sprintf(`(CASE
		WHEN EXISTS (SELECT 1 FROM cases k WHERE k.account = %[1]s.account AND k.chat = %[1]s.chat)
		THEN MIN(:closed, IFNULL((SELECT MIN(k.created_at) FROM cases k WHERE k.account = %[1]s.account
			AND k.chat = %[1]s.chat AND (k.closed_at = '' OR k.closed_at >= :closed)), :closed))
		WHEN %[1]s.chat LIKE '%%@g.us' THEN :closed
		WHEN IFNULL((SELECT c.updated_at FROM conversations c WHERE c.account = %[1]s.account
			AND c.chat = %[1]s.chat), '') < :abandoned THEN :abandoned
		ELSE :closed END)`, table)
}

// purgeFiles empties the files of messages past retention and the photos of cases closed
// before it, keeping every photo of a case still kept and every file a pending reply sends.
func (tx *Tx) purgeFiles(r Retention) (int64, error) {
	return tx.exec("purge files", `UPDATE media SET data = x'', filename = '', sha256 = ''
		WHERE length(data) > 0 AND id IN (
			SELECT m.media_id FROM messages m WHERE m.media_id IS NOT NULL AND m.at < `+keepFrom("m")+`
			UNION
			SELECT d.media_id FROM case_documents d JOIN cases c ON c.id = d.case_id
			WHERE c.closed_at != '' AND c.closed_at < :closed)
		AND id NOT IN (SELECT d.media_id FROM case_documents d JOIN cases c ON c.id = d.case_id
			WHERE c.closed_at = '' OR c.closed_at >= :closed)
		AND id NOT IN (SELECT media_id FROM outbox WHERE status = 'pending' AND media_id IS NOT NULL)`, r)
}

// purgeCases erases the personal data of the cases closed before the cutoff.
func (tx *Tx) purgeCases(r Retention) (int64, error) {
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT id, details FROM cases
		WHERE erased_at = '' AND closed_at != '' AND closed_at < ?`, formatTime(r.Closed))
	if err != nil {
		return 0, fmt.Errorf("purge cases: %w", err)
	}
	kept := map[int64]string{}
	for rows.Next() {
		var id int64
		var details string
		if err := rows.Scan(&id, &details); err != nil {
			rows.Close()
			return 0, fmt.Errorf("purge cases: %w", err)
		}
		kept[id] = statsOnly(details)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("purge cases: %w", err)
	}
	for id, details := range kept {
		for _, q := range []string{
			`UPDATE cases SET nik = CASE WHEN length(nik) = 16 THEN substr(nik, 1, 6) || '********' || substr(nik, 15, 2)
				ELSE '' END, name = '', details = ?2, erased_at = ?3 WHERE id = ?1`,
			`UPDATE case_notes SET text = '' WHERE case_id = ?1`,
			`UPDATE case_events SET reason = '', tracking = '' WHERE case_id = ?1`,
		} {
			if _, err := tx.tx.ExecContext(tx.ctx, q, id, details, formatTime(tx.now)); err != nil {
				return 0, fmt.Errorf("purge case %d: %w", id, err)
			}
		}
	}
	return int64(len(kept)), nil
}

// statsOnly keeps the statsDetails of a case's details JSON.
func statsOnly(details string) string {
	var all map[string]string
	_ = json.Unmarshal([]byte(details), &all)
	out := map[string]string{}
	for _, k := range statsDetails {
		if v, ok := all[k]; ok {
			out[k] = v
		}
	}
	b, _ := json.Marshal(out)
	return string(b)
}

// exec runs a purge statement with the retention cutoffs as :closed and :abandoned.
func (tx *Tx) exec(what, query string, r Retention) (int64, error) {
	res, err := tx.tx.ExecContext(tx.ctx, query, sql.Named("closed", formatTime(r.Closed)),
		sql.Named("abandoned", formatTime(r.Abandoned)), sql.Named("now", formatTime(tx.now)))
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	return res.RowsAffected()
}
