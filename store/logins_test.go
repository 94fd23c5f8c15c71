package store_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu/store"
)

// TestReserveLoginUnderConcurrency: of 100 simultaneous attempts for one name, exactly the limit
// are let through to the password check; a success takes its own reservation back.
func TestReserveLoginUnderConcurrency(t *testing.T) {
	db := MustOpenTemp(t)
	ctx := context.Background()
	since := db.Now().Add(-15 * time.Minute)
	var passed atomic.Int32
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Go(func() {
			_, blocked, err := db.ReserveLogin(ctx, since, store.LoginLimit{Key: "name:rina", Max: 5},
				store.LoginLimit{Key: "addr:10.0.0." + string(rune('0'+i%10)), Max: 30})
			if err != nil {
				t.Error(err)
			}
			if blocked == "" {
				passed.Add(1)
			} else if blocked != "name:rina" {
				t.Errorf("blocked by %q, want the name", blocked)
			}
		})
	}
	wg.Wait()
	if got := passed.Load(); got != 5 {
		t.Errorf("%d attempts reached the check, want 5", got)
	}

	a, blocked, err := db.ReserveLogin(ctx, since, store.LoginLimit{Key: "name:agus", Max: 5}, store.LoginLimit{Key: "addr:10.0.1.1", Max: 30})
	if err != nil || blocked != "" {
		t.Fatalf("ReserveLogin = %q, %v", blocked, err)
	}
	if err := db.LoginSucceeded(ctx, a, "name:agus"); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"name:agus", "addr:10.0.1.1"} {
		if n, err := db.LoginFailures(ctx, key, since); err != nil || n != 0 {
			t.Errorf("%s: %d failures after a success (%v), want 0", key, n, err)
		}
	}
}
