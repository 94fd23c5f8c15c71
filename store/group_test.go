package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestGroupCommit: transactions that queue while another writes commit together in one SQLite
// transaction, each as if alone: one that fails leaves nothing and gets its own error, one that
// panics panics in its caller, one whose caller gave up is not run, the others commit.
func TestGroupCommit(t *testing.T) {
	db, release := blockedWriter(t)
	ctx := context.Background()
	var (
		mu     sync.Mutex
		txs    = map[*sql.Tx]bool{}
		wg     sync.WaitGroup
		errs   = make([]error, 5)
		panics = make([]any, 5)
	)
	gone, cancel := context.WithCancel(ctx)
	for i := range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { panics[i] = recover() }()
			c := ctx
			if i == 4 {
				c = gone
			}
			errs[i] = db.Update(c, func(tx *Tx) error {
				mu.Lock()
				txs[tx.tx] = true
				mu.Unlock()
				if err := insert(tx, fmt.Sprint("m", i)); err != nil {
					return err
				}
				switch i {
				case 1:
					return errors.New("refused")
				case 2:
					panicf("boom")
				case 4:
					t.Error("the transaction of a caller that gave up ran")
				}
				return nil
			})
		}()
		waitQueued(t, db, i+1)
	}
	cancel()
	waitQueued(t, db, 4)
	if err := release(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if errs[0] != nil || errs[3] != nil {
		t.Errorf("members 0 and 3: %v, %v; want nil", errs[0], errs[3])
	}
	if errs[1] == nil || errs[1].Error() != "refused" {
		t.Errorf("member 1: %v, want its own error", errs[1])
	}
	if panics[2] != "boom" {
		t.Errorf("member 2 panicked with %v in its caller, want boom", panics[2])
	}
	if !errors.Is(errs[4], context.Canceled) {
		t.Errorf("member 4: %v, want context.Canceled", errs[4])
	}
	if len(txs) != 1 {
		t.Errorf("the queued transactions ran in %d SQLite transactions, want 1", len(txs))
	}
	if got := values(t, db); got != "first,m0,m3" {
		t.Errorf("committed %s, want first,m0,m3", got)
	}
}

func panicf(s string) { panic(s) }

// blockedWriter opens a database with a table t (v, unique) and starts a writer that holds the
// writers' turn, inside its transaction, until release is called; release returns that
// writer's result. Its transaction inserts "first".
func blockedWriter(t *testing.T) (db *DB, release func() error) {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "ketanmu.db"), nil, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	if _, err := db.db.ExecContext(ctx, `CREATE TABLE t (v TEXT NOT NULL UNIQUE)`); err != nil {
		t.Fatal(err)
	}
	started, unblock := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- db.Update(ctx, func(tx *Tx) error {
			close(started)
			<-unblock
			return insert(tx, "first")
		})
	}()
	<-started
	return db, func() error {
		close(unblock)
		return <-first
	}
}

func insert(tx *Tx, v string) error {
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO t (v) VALUES (?)`, v)
	return err
}

func waitQueued(t *testing.T, db *DB, n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		db.group.mu.Lock()
		got := len(db.group.waiting)
		db.group.mu.Unlock()
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d transactions waiting, want %d", got, n)
		}
	}
}

func values(t *testing.T, db *DB) string {
	t.Helper()
	rows, err := db.db.Query(`SELECT v FROM t`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var vs []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	sort.Strings(vs)
	return strings.Join(vs, ",")
}

// TestGroupCommitMany: 200 transactions queued at once behind a writer all commit, in groups of
// at most maxGroup; a turn runs up to leadGroups of them and the rest wait for the next turn.
func TestGroupCommitMany(t *testing.T) {
	db, release := blockedWriter(t)
	ctx := context.Background()
	const n = 200
	var (
		mu    sync.Mutex
		sizes = map[*sql.Tx]int{}
		wg    sync.WaitGroup
		errs  = make([]error, n)
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = db.Update(ctx, func(tx *Tx) error {
				mu.Lock()
				sizes[tx.tx]++
				mu.Unlock()
				return insert(tx, fmt.Sprint("m", i))
			})
		}()
	}
	waitQueued(t, db, n)
	if err := release(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("transaction %d: %v", i, err)
		}
	}
	var rows int
	if err := db.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM t`).Scan(&rows); err != nil || rows != n+1 {
		t.Fatalf("%d rows (%v), want %d and the blocking writer's", rows, err, n)
	}
	if want := (n + maxGroup - 1) / maxGroup; len(sizes) != want {
		t.Errorf("%d groups, want %d", len(sizes), want)
	}
	for _, size := range sizes {
		if size > maxGroup {
			t.Errorf("a group of %d, more than %d", size, maxGroup)
		}
	}
}
