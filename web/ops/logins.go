package ops

import (
	"context"
	"sync"
	"time"

	"github.com/ketanmu/ketanmu/store"
)

// loginGate counts login attempts before their password is checked, with the database as the
// record (store.ReserveLogin) and memory in front of it: attempts are counted one at a time, and
// a name or address the database found locked is refused from memory for a minute, so that a
// burst of guesses costs a few transactions instead of queueing a hundred on SQLite's lock.
type loginGate struct {
	mu     sync.Mutex
	locked map[string]time.Time // key → until when it is refused without asking the database
}

// lockRecheck is how long a lock the database reported is trusted from memory.
const lockRecheck = time.Minute

func (g *loginGate) reserve(ctx context.Context, db *store.DB, limits ...store.LoginLimit) (store.LoginAttempt, bool, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := db.Now()
	for _, l := range limits {
		if now.Before(g.locked[l.Key]) {
			return store.LoginAttempt{}, false, nil
		}
	}
	a, blocked, err := db.ReserveLogin(ctx, now.Add(-loginWindow), limits...)
	if err != nil || blocked == "" {
		return a, err == nil, err
	}
	if g.locked == nil || len(g.locked) > 4096 {
		g.locked = map[string]time.Time{}
	}
	g.locked[blocked] = now.Add(lockRecheck)
	return a, false, nil
}
