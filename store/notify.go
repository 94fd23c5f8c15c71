package store

import "sync"

// commits tells watchers that a write committed, as wtf's event service tells subscribers: a
// watcher takes the channel of the next commit and waits on it, so that nothing reads the
// database to learn whether anything changed. A commit with no watcher costs a lock.
type commits struct {
	mu   sync.Mutex
	next chan struct{}
}

// wait returns a channel closed at the next commit.
func (c *commits) wait() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.next == nil {
		c.next = make(chan struct{})
	}
	return c.next
}

// signal wakes every watcher of the commit just made.
func (c *commits) signal() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.next != nil {
		close(c.next)
		c.next = nil
	}
}

// Committed returns a channel that is closed when the next write of this process commits
// (a transaction of Update, or a single write). Take it before reading what it guards, so
// that a commit in between is not missed.
func (db *DB) Committed() <-chan struct{} { return db.commits.wait() }
