package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"os"
	"time"

	"github.com/ketanmu/ketanmu/internal/pause"
	"github.com/mattn/go-sqlite3"
)

// SQLite copies the WAL into the database file (a checkpoint) inside the COMMIT that leaves the
// WAL at wal_autocheckpoint pages or more, and with synchronous=NORMAL that is the only time a
// write waits for the disk: the copy and two fsyncs, every 80 or so messages, while every other
// writer waits for the lock. The checkpointer applies the same rule beside the writers instead:
// after a commit that left the WAL at checkpointPages frames or more, a PASSIVE checkpoint on a
// connection of its own (it takes no writer's lock and copies what no reader still needs), at
// most every checkpointEvery. What a commit makes durable, and when, is unchanged: each commit
// is written to the WAL as before, and a checkpoint syncs the WAL before it copies, as before;
// only who waits for the copy changed.
//
// The writers keep SQLite's own checkpoint at writerCheckpointPages: under a steady stream of
// commits a background checkpoint rarely finds the WAL with nothing new behind it, so SQLite
// seldom starts the WAL over; the writers' own checkpoint then does (copying only what the
// background ones left), and it bounds the WAL should those fall behind.
const (
	// checkpointPages is SQLite's default wal_autocheckpoint.
	checkpointPages = 1000
	// writerCheckpointPages is wal_autocheckpoint on the writers' connections (about 40 MB).
	writerCheckpointPages = 10000
	// checkpointEvery is the least time between two background checkpoints. Each one copies
	// the newest version of every page written since the last and syncs twice; a busy chat's
	// pages (its transcript's index entries, its conversation) are written by nearly every
	// commit, so checkpoints far apart copy each of them once for many commits. With 16
	// senders over 500 chats (BenchmarkHandleParallel's scenario, about 8,000 WAL frames a
	// second, SQLite's statement trace on) 40,000 messages took 19.3 s with checkpoints every
	// 100 ms (3.9 s of them checkpointing) and 13.4 s every 500 ms (1.0 s).
	checkpointEvery = 500 * time.Millisecond
	// walPollEvery is the least time between two looks at the WAL's length: commits in between
	// are looked at once.
	walPollEvery = 5 * time.Millisecond
)

// writerDriver is mattn/go-sqlite3 with the writers' settings that the DSN has no key for:
//   - their checkpoint threshold;
//   - temp_store MEMORY: a group commit runs each transaction in a savepoint (group.go), and
//     SQLite keeps the original of every page a savepoint changes in a sub-journal, which past
//     64 KB became a temporary file written page by page (a write call for most inserts).
const writerDriver = "sqlite3_ketanmu_writer"

func init() {
	sql.Register(writerDriver, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		_, err := c.Exec(fmt.Sprintf("PRAGMA wal_autocheckpoint = %d; PRAGMA temp_store = MEMORY", writerCheckpointPages), nil)
		return err
	}})
}

// checkpointer runs the background checkpoints of one database.
type checkpointer struct {
	kick   chan struct{} // a commit happened (buffered: commits while it looks merge)
	cancel context.CancelFunc
	done   chan struct{}
}

func (db *DB) startCheckpoints(path string) {
	ctx, cancel := context.WithCancel(context.Background())
	c := &checkpointer{kick: make(chan struct{}, 1), cancel: cancel, done: make(chan struct{})}
	db.ckpt = c
	go func() {
		defer close(c.done)
		var shm *os.File
		defer func() {
			if shm != nil {
				shm.Close()
			}
		}()
		var last time.Time
		for {
			select {
			case <-ctx.Done():
				return
			case <-c.kick:
			}
			if shm == nil {
				shm, _ = os.Open(path + "-shm") // not there yet: looked for at the next commit
			}
			if walFrames(shm) >= checkpointPages {
				if !pause.For(ctx, time.Until(last.Add(checkpointEvery))) {
					return
				}
				last = time.Now()
				// A checkpoint that fails, or that a reader holds back, loses nothing: the
				// next commit brings another, and the writers' own bounds the WAL.
				var busy, logFrames, copied int
				_ = db.db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &logFrames, &copied)
			}
			if !pause.For(ctx, walPollEvery) {
				return
			}
		}
	}()
}

// walFrames is how many frames the WAL holds: mxFrame in the header of the wal-index (the -shm
// file; https://www.sqlite.org/walformat.html, offset 16, native byte order). A read that
// races a commit is off by that commit, which the next look sees; 0 when there is no file.
func walFrames(shm *os.File) uint32 {
	var b [4]byte
	if shm == nil {
		return 0
	}
	if _, err := shm.ReadAt(b[:], 16); err != nil {
		return 0
	}
	return binary.NativeEndian.Uint32(b[:])
}

// committed tells the checkpointer that the WAL grew.
func (c *checkpointer) committed() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

// stop ends the checkpoints and waits for one under way.
func (c *checkpointer) stop() {
	c.cancel()
	<-c.done
}
