package store

import "time"

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
