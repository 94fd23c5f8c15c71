package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"github.com/ketanmu/ketanmu"
	"github.com/mattn/go-sqlite3"
)

// Group commit. Writers in this process take turns (db.writer); a transaction's work is short,
// but its BEGIN and COMMIT (the WAL write of every page it touched) are a large part of it. So
// the writer whose turn comes runs every transaction queued by then (up to maxGroup) inside one
// SQLite transaction, each in a savepoint of its own, and commits them together: pages they
// share (a table's last page, an index's) are written once, and BEGIN/COMMIT are paid once.
//
// Nothing changes for the callers: each fn runs once, alone, in the order the callers came; a
// fn that fails is rolled back to its savepoint and its caller gets its error while the others
// stand; every caller returns only after the commit that holds its work (or with the error
// that kept it from committing), so what Update answered is durable exactly as before. When
// the savepoint cannot be rolled back (SQLite rolled the whole transaction back: disk full,
// I/O error), or the commit fails, every caller of the group gets the error and nothing of the
// group is stored. A panic in fn is re-raised in its caller after its savepoint is undone.

// maxGroup bounds how many transactions commit together.
const maxGroup = 32

// member is one caller's transaction waiting in, or run by, a group.
type member struct {
	ctx  context.Context
	fn   func(*Tx) error
	done chan struct{} // closed once err (or panicked) is final
	err  error
	// panicked holds what fn panicked with; hasPanic says it did.
	panicked any
	hasPanic bool
}

// groupQueue is the transactions waiting for the writers' turn.
type groupQueue struct {
	mu      sync.Mutex
	waiting []*member
}

func (q *groupQueue) push(m *member) {
	q.mu.Lock()
	q.waiting = append(q.waiting, m)
	q.mu.Unlock()
}

// take removes and returns up to maxGroup waiting members, oldest first.
func (q *groupQueue) take() []*member {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := min(len(q.waiting), maxGroup)
	group := make([]*member, n)
	copy(group, q.waiting)
	q.waiting = append(q.waiting[:0], q.waiting[n:]...)
	return group
}

// remove takes m out of the queue; false when a group already took it.
func (q *groupQueue) remove(m *member) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	for i, w := range q.waiting {
		if w == m {
			q.waiting = append(q.waiting[:i], q.waiting[i+1:]...)
			return true
		}
	}
	return false
}

// Update runs fn in a transaction and commits it when fn returns nil.
func (db *DB) Update(ctx context.Context, fn func(*Tx) error) error {
	m := &member{ctx: ctx, fn: fn, done: make(chan struct{})}
	db.group.push(m)
	for {
		select {
		case <-m.done:
			return m.result()
		case db.writer <- struct{}{}:
			// This caller's turn: it runs what waits, its own transaction among them, unless
			// an earlier turn already did.
			select {
			case <-m.done:
				<-db.writer
				return m.result()
			default:
			}
			db.lead()
		case <-ctx.Done():
			if db.group.remove(m) {
				return fmt.Errorf("begin: %w", ctx.Err())
			}
			<-m.done // a group is running it
			return m.result()
		}
	}
}

func (m *member) result() error {
	if m.hasPanic {
		panic(m.panicked)
	}
	return storageFull(m.err)
}

// errStorageFull is what every channel answers when a write found the disk full: nothing of it
// was stored, and the same request (WhatsApp's redelivery, the simulator's or API's retry)
// succeeds once space is freed.
var errStorageFull = ketanmu.Errorf(ketanmu.EUNAVAILABLE, "storage is full: nothing was stored; try again once space is freed")

// storageFull marks err with errStorageFull when SQLite found the disk full, keeping the cause
// for the log.
func storageFull(err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) && se.Code == sqlite3.ErrFull {
		return errors.Join(errStorageFull, err)
	}
	return err
}

// lead runs the oldest waiting transactions as one group in the writers' turn, then, while more
// wait, up to leadGroups groups in all, and ends the turn. Handing the turn to another caller
// costs the writers a wake-up: the woken caller runs only once this goroutine lets go of its
// processor, after it has gone back to its own caller's work. Under load that left the writers idle
// between most groups; keeping the turn while work waits costs this caller at most
// leadGroups-1 more groups' time.
func (db *DB) lead() {
	defer func() { <-db.writer }()
	for range leadGroups {
		group := db.group.take()
		if len(group) == 0 {
			return
		}
		db.runGroupOf(group)
	}
}

// leadGroups bounds how many groups one turn runs.
const leadGroups = 4

// runGroupOf runs group and ends each of its members' waits.
func (db *DB) runGroupOf(group []*member) {
	finished := false
	defer func() {
		if !finished { // fn left the goroutine (runtime.Goexit): nothing of the group commits
			failAll(group, errors.New("transaction abandoned"))
		}
		for _, m := range group {
			close(m.done)
		}
	}()
	db.runGroup(group)
	finished = true
}

// runGroup runs group (never empty) in one transaction and commits it; each member's outcome is in it.
func (db *DB) runGroup(group []*member) {
	// The transaction is the group's, not one caller's: one caller leaving must not roll back
	// the others (each fn's statements still run under its caller's context).
	sqltx, err := db.lane.BeginTx(context.WithoutCancel(group[0].ctx), nil)
	if err != nil {
		failAll(group, fmt.Errorf("begin: %w", err))
		return
	}
	defer sqltx.Rollback()
	var ok []*member // the members whose work stands
	if len(group) == 1 {
		// Alone: no savepoint needed, a failure rolls the whole transaction back.
		if group[0].call(sqltx, db) {
			ok = group
		}
	} else {
		for _, m := range group {
			stands, err := m.runSaved(sqltx, db)
			if err != nil {
				// The transaction is gone (or its state unknown): nobody's work stands.
				failAll(group, fmt.Errorf("a transaction committed in the same group failed: %w", err))
				return
			}
			if stands {
				ok = append(ok, m)
			}
		}
	}
	if len(ok) == 0 {
		return
	}
	if err := sqltx.Commit(); err != nil {
		failAll(ok, fmt.Errorf("commit: %w", err))
		return
	}
	db.committed()
}

// failAll gives err to every member that has no error (or panic) of its own yet.
func failAll(group []*member, err error) {
	for _, m := range group {
		if m.err == nil && !m.hasPanic {
			m.err = err
		}
	}
}

// call runs m's fn in sqltx, a panic caught; true when it succeeded. A caller whose context
// ended while it waited is not run, as BEGIN would have refused it.
func (m *member) call(sqltx *sql.Tx, db *DB) (succeeded bool) {
	if err := m.ctx.Err(); err != nil {
		m.err = fmt.Errorf("begin: %w", err)
		return false
	}
	defer func() {
		if p := recover(); p != nil {
			m.panicked, m.hasPanic, succeeded = p, true, false
		}
	}()
	m.err = m.fn(&Tx{tx: sqltx, db: db, ctx: uninterrupted{m.ctx}, caller: m.ctx, now: db.Now()})
	return m.err == nil
}

// runSaved runs m's fn inside a savepoint of sqltx and undoes what it wrote when it fails; it
// reports whether m's work stands, and an error when the savepoint could not be handled (the
// transaction is then no longer what the group built).
func (m *member) runSaved(sqltx *sql.Tx, db *DB) (bool, error) {
	ctx := context.Background()
	if _, err := sqltx.ExecContext(ctx, `SAVEPOINT grouped`); err != nil {
		return false, fmt.Errorf("savepoint: %w", err)
	}
	if m.call(sqltx, db) {
		if _, err := sqltx.ExecContext(ctx, `RELEASE grouped`); err != nil {
			return false, fmt.Errorf("release savepoint: %w", err)
		}
		return true, nil
	}
	if _, err := sqltx.ExecContext(ctx, `ROLLBACK TO grouped`); err != nil {
		return false, errors.Join(m.err, fmt.Errorf("rolling back to the savepoint: %w", err))
	}
	if _, err := sqltx.ExecContext(ctx, `RELEASE grouped`); err != nil {
		return false, errors.Join(m.err, fmt.Errorf("releasing the savepoint: %w", err))
	}
	return false, nil
}
