package store

import (
	"fmt"
	"time"

	"github.com/mattn/go-sqlite3"
)

// SetTruncateRetry shortens the purge's WAL truncation tries for a test; it returns the undo.
func SetTruncateRetry(tries int, wait time.Duration) (restore func()) {
	oldTries, oldWait := truncateTries, truncateWait
	truncateTries, truncateWait = tries, wait
	return func() { truncateTries, truncateWait = oldTries, oldWait }
}

// LastInSQL and MissedQuery are the queries that find a resident's latest message, for the
// tests of their plans.
var (
	LastInSQL   = lastInSQL
	MissedQuery = missedQuery
)

// WatchPrepares has SQLite tell fn what the statements the writers' connection compiles from
// now on touch: an authorizer runs while a statement is prepared, and again whenever SQLite
// re-prepares one, once for each table (and column) it reads or writes. Setting it expires
// the connection's prepared statements: each is compiled once more.
func WatchPrepares(db *DB, fn func(what string)) error {
	return db.lane.Raw(func(dc any) error {
		dc.(*sqlite3.SQLiteConn).RegisterAuthorizer(func(action int, arg1, arg2, _ string) int {
			switch action {
			case sqlite3.SQLITE_READ:
				fn("read " + arg1 + "." + arg2)
			case sqlite3.SQLITE_INSERT, sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_DELETE:
				fn(fmt.Sprintf("write(%d) %s", action, arg1))
			}
			return sqlite3.SQLITE_OK
		})
		return nil
	})
}
