// Package store keeps ketanmu's data in SQLite: embedded numbered migrations, one Open(), raw
// SQL, and transactions that the exported methods open. It knows nothing of WhatsApp.
package store

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/internal/migrate"
)

//go:embed migrations/*.sql
var migrations embed.FS

// timeFormat is fixed-width UTC so that text comparison orders times.
const timeFormat = "2006-01-02T15:04:05.000Z"

// DB is the application database.
type DB struct {
	db *sql.DB
	// ro is a second pool for reads: its transactions are deferred and query-only, so that a
	// read never waits for (or holds) the writer's lock.
	ro *sql.DB
	// lane is the one connection every write runs on, in the writers' turn. A connection's page
	// cache survives only its own commits: SQLite empties it when another connection committed
	// since it last read. Writes that took whichever pooled connection was free (the pool also
	// serves the outbox's reads and the checkpoints) could start on a cache emptied that way.
	lane   *sql.Conn
	cipher *Cipher
	// writer admits one write at a time in this process. SQLite allows one writer anyway; a
	// writer waiting here is woken the moment the previous one commits, where one waiting in
	// SQLite's busy handler sleeps and polls, which under load made a message wait seconds.
	writer chan struct{}
	// group is the transactions waiting for the writers' turn, committed together (group.go).
	group groupQueue
	// commits wakes whoever waits for the next commit (the workspace's live streams).
	commits commits
	// ckpt copies the WAL into the database file beside the writers (checkpoint.go).
	ckpt *checkpointer
	// Now is the clock every stored time comes from (Open's now: the simulator's movable
	// clock, the real one under serve).
	Now func() time.Time
}

// Open opens (creating if needed) the database at path, sets every PRAGMA and applies pending
// migrations. cipher encrypts media at rest; now, required, is the clock of every stored time.
func Open(path string, cipher *Cipher, now func() time.Time) (*DB, error) {
	if now == nil {
		return nil, errors.New("store: Open needs a clock")
	}
	if err := privateFiles(path); err != nil {
		return nil, err
	}
	file := "file:" + uriEscaper.Replace(path)
	sqldb, err := sql.Open(writerDriver, file+"?_journal_mode=WAL&_foreign_keys=on&_busy_timeout=10000&_txlock=immediate&_synchronous=NORMAL&_secure_delete=on"+stmtCache)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db := &DB{db: sqldb, cipher: cipher, Now: now, writer: make(chan struct{}, 1)}
	if err := db.migrate(context.Background()); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("migrate %s: %w", path, err)
	}
	if db.lane, err = openLane(sqldb); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// Opened after the migrations, so that the file is in WAL mode before any reader sees it.
	db.ro, err = sql.Open("sqlite3", file+"?_foreign_keys=on&_busy_timeout=10000&_txlock=deferred&_query_only=true"+stmtCache)
	if err != nil {
		db.lane.Close()
		sqldb.Close()
		return nil, fmt.Errorf("open %s for reading: %w", path, err)
	}
	db.startCheckpoints(path)
	return db, nil
}

// stmtCache keeps each connection's prepared statements for reuse (the driver's per-connection
// cache): preparing every query afresh was a third of a message's time. 128 holds every
// statement of the message path with room for the workspace's queries. _mutex=no drops
// SQLite's own lock around every call into a connection: database/sql already hands a
// connection to one goroutine at a time, and the lock was paid on each of them.
//
// Parameters: a cached statement is only worth keeping if SQLite does not compile it again.
// The driver clears a statement's parameters when it puts it back in the cache, and SQLite
// then re-prepares, at its next run, every statement whose plan it let a parameter's value
// steer: a LIMIT ?, or an indexed column = ? in a query with an ORDER BY (the planner weighs a
// scan in that order, filtered by the term, and notes whether the value is 0 or 1). Such a
// query on the message path writes the parameter as +? (the same value, but one the planner
// does not look into; the index is still used) and leaves out LIMIT ?, stopping in Go.
// TestMessagePathPreparesOnce and TestChatLookupsPrepareOnce hold the writers' turn to it.
const stmtCache = "&_stmt_cache_size=128&_mutex=no"

// openLane takes the writers' one connection out of sqldb and gives it its page cache.
func openLane(sqldb *sql.DB) (*sql.Conn, error) {
	ctx := context.Background()
	lane, err := sqldb.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := lane.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = %d", laneCachePages)); err != nil {
		lane.Close()
		return nil, err
	}
	return lane, nil
}

// laneCachePages is the writers' connection's page cache: 2,000 pages (8 MB, SQLite's default
// is 2 MB). What one message writes lies in a dozen places (the chat's entries in two
// indexes of the transcript, its conversation, the outbox's ID index...), and over 500 busy
// chats those pages outgrew 2 MB: SQLite kept reading pages it had just written back from
// the file (`ketanmu load --api`: 0.080-0.106x bare SQLite with 2 MB, 0.101-0.139x with 8 MB,
// alternated runs).
const laneCachePages = 2000

// uriEscaper escapes what a SQLite URI filename gives a meaning to, so that a data folder such
// as "data #2" or "50%" opens the file it names.
var uriEscaper = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")

// Close closes the database.
func (db *DB) Close() error {
	db.ckpt.stop()
	rerr := errors.Join(db.ro.Close(), db.lane.Close())
	if err := db.db.Close(); err != nil {
		return err
	}
	return rerr
}

// SQL exposes the handle for tests and read-only reports.
func (db *DB) SQL() *sql.DB { return db.db }

// schema is the store's numbered migrations. The files are embedded, so a bad name is a
// build mistake (TestMigrations), like a template that does not parse.
var schema = func() *migrate.Set {
	set, err := migrate.Load(migrations, "migrations", "schema_migrations")
	if err != nil {
		panic(err)
	}
	return set
}()

func (db *DB) migrate(ctx context.Context) error { return schema.Apply(ctx, db.db, db.Now) }

// Tx is one write transaction. Its methods are the building blocks the router and the outbox
// combine so that "record message + save state + queue replies" commits or fails as one.
type Tx struct {
	tx  *sql.Tx
	db  *DB
	ctx context.Context // what its statements run under
	// caller is the context the transaction was opened with (Context); nil: ctx.
	caller context.Context
	now    time.Time
}

// write waits for this process's turn to write (or the end of ctx); release ends the turn.
func (db *DB) write(ctx context.Context) (release func(), err error) {
	select {
	case db.writer <- struct{}{}:
		return func() { <-db.writer }, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("begin: %w", ctx.Err())
	}
}

// exec runs one write statement outside a transaction, in the writers' turn.
func (db *DB) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	release, err := db.write(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	res, err := db.lane.ExecContext(ctx, query, args...)
	if err == nil {
		db.committed()
	}
	return res, err
}

// committed wakes the commit's watchers and the checkpointer.
func (db *DB) committed() {
	db.commits.signal()
	db.ckpt.committed()
}

// View runs fn in a read-only transaction: it sees one consistent snapshot and never takes the
// writer's lock. A write inside fn fails.
func (db *DB) View(ctx context.Context, fn func(*Tx) error) error {
	sqltx, err := db.ro.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin read: %w", err)
	}
	defer sqltx.Rollback()
	return fn(&Tx{tx: sqltx, db: db, ctx: ctx, now: db.Now()})
}

// Atomic runs fn inside a savepoint of tx: when fn fails, what it wrote is undone and the rest
// of the transaction stands (a refused operator command is answered, nothing half-done stays).
func (tx *Tx) Atomic(fn func() error) error {
	if _, err := tx.tx.ExecContext(tx.ctx, `SAVEPOINT atomic`); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	if err := fn(); err != nil {
		if _, rerr := tx.tx.ExecContext(tx.ctx, `ROLLBACK TO atomic`); rerr != nil {
			return fmt.Errorf("%w (and rolling back failed: %v)", err, rerr)
		}
		if _, rerr := tx.tx.ExecContext(tx.ctx, `RELEASE atomic`); rerr != nil {
			return fmt.Errorf("%w (and releasing the savepoint failed: %v)", err, rerr)
		}
		return err
	}
	if _, err := tx.tx.ExecContext(tx.ctx, `RELEASE atomic`); err != nil {
		return fmt.Errorf("release savepoint: %w", err)
	}
	return nil
}

// Context is the context the transaction was opened with.
func (tx *Tx) Context() context.Context {
	if tx.caller != nil {
		return tx.caller
	}
	return tx.ctx
}

// uninterrupted is the context a write transaction's statements run under: the caller's, except
// that the driver is not asked to interrupt a statement when it ends. go-sqlite3 runs every
// statement given a context that can end in a goroutine of its own, to interrupt it; for the
// short statements of a write transaction that was a goroutine and two switches each, on the
// writers' one lane. An ended context still fails the transaction: its next query answers its
// error, and a transaction that fails rolls back, as before.
type uninterrupted struct{ context.Context }

func (uninterrupted) Done() <-chan struct{} { return nil }

// Now is the transaction's time: every row it writes carries the same instant.
func (tx *Tx) Now() time.Time { return tx.now }

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func parseTime(s string) time.Time {
	t, err := time.Parse(timeFormat, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

func notFound(what string) error { return ketanmu.Errorf(ketanmu.ENOTFOUND, "%s not found", what) }
