package backup_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/ketanmu/ketanmu/backup"
)

// TestJobTellsFailureOnce: a failing scheduled backup is told once, not at every run, and its
// recovery is told once too; every run prunes by the policy.
func TestJobTellsFailureOnce(t *testing.T) {
	src, _ := mustDataFolder(t)
	id := mustIdentity(t)
	var told []bool
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	job := &backup.Job{Source: src, Recipients: []age.Recipient{id.Recipient()}, Dir: t.TempDir(),
		Policy: backup.Policy{Hourly: 2}, Now: func() time.Time { return now },
		Log:  slog.New(slog.NewTextHandler(io.Discard, nil)),
		Tell: func(_ context.Context, failed bool) { told = append(told, failed) }}
	ctx := context.Background()
	real := job.Source.Database
	job.Source.Database = real + ".missing"
	for range 3 {
		now = now.Add(time.Hour)
		if _, err := job.RunOnce(ctx); err == nil {
			t.Fatal("a backup of a missing database succeeded")
		}
	}
	job.Source.Database = real
	for range 3 {
		now = now.Add(time.Hour)
		if _, err := job.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if len(told) != 2 || !told[0] || told[1] {
		t.Errorf("told %v, want [true false]", told)
	}
	entries, err := os.ReadDir(job.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Errorf("%d backups kept, want 2 (keep.hourly)", len(entries))
	}
}
