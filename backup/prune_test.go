package backup

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/robfig/cron/v3"
)

func TestPolicyDrop(t *testing.T) {
	start := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	var all []Info
	// Four days of backups every 30 minutes.
	for at := start; at.Before(start.Add(96 * time.Hour)); at = at.Add(30 * time.Minute) {
		all = append(all, Info{Name: Name(at), At: at})
	}
	drop := Policy{Hourly: 5, Daily: 3, Loc: time.UTC}.Drop(all)
	kept := map[string]bool{}
	for _, b := range all {
		kept[b.Name] = true
	}
	for _, b := range drop {
		delete(kept, b.Name)
	}
	var names []string
	for n := range kept {
		names = append(names, n)
	}
	slices.Sort(names)
	if len(names) != 5+2 { // 5 hours of the last day, and the newest of the two days before
		t.Fatalf("kept %d backups, want 7: %v", len(names), names)
	}
	newest := all[len(all)-1]
	if !kept[newest.Name] {
		t.Error("the newest backup was dropped")
	}
	if kept[all[0].Name] {
		t.Error("the oldest backup was kept")
	}
	if !kept[Name(start.Add(72*time.Hour-30*time.Minute))] || !kept[Name(start.Add(48*time.Hour-30*time.Minute))] {
		t.Errorf("the newest of each earlier day is not kept: %v", names)
	}
}

func TestPruneLeavesPremigrationBackups(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	names := []string{Name(now), Name(now.Add(-time.Minute)), Name(now.Add(-2 * time.Hour)), PremigrateName(now.Add(-48 * time.Hour)), "notes.txt"}
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	dropped, err := Prune(dir, Policy{Hourly: 1, Daily: 0})
	if err != nil {
		t.Fatal(err)
	}
	if len(dropped) != 2 {
		t.Errorf("pruned %v, want the two older scheduled backups", dropped)
	}
	for _, n := range []string{Name(now), PremigrateName(now.Add(-48 * time.Hour)), "notes.txt"} {
		if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
			t.Errorf("%s was removed", n)
		}
	}
	latest, ok, err := Latest(dir)
	if err != nil || !ok || latest.Name != Name(now) {
		t.Errorf("Latest = %v %v %v", latest, ok, err)
	}
}

func TestStale(t *testing.T) {
	loc := time.UTC
	hourly, _ := cron.ParseStandard("0 * * * *")
	now := time.Date(2026, 12, 7, 10, 20, 0, 0, loc)
	cases := []struct {
		last time.Time
		want bool
	}{
		{time.Date(2026, 12, 7, 10, 0, 5, 0, loc), false}, // the last run
		{time.Date(2026, 12, 7, 9, 0, 5, 0, loc), false},  // one run missed
		{time.Date(2026, 12, 7, 8, 59, 0, 0, loc), true},  // two runs missed
		{time.Time{}, true},
	}
	for _, c := range cases {
		if got := Stale(c.last, now, []cron.Schedule{hourly}, loc); got != c.want {
			t.Errorf("Stale(%v) = %v, want %v", c.last, got, c.want)
		}
	}
	if Stale(time.Time{}, now, nil, loc) {
		t.Error("stale without a schedule")
	}
}
