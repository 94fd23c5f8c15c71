package backup

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Scheduled backups are named ketanmu-<UTC time>.age; those written before a migration are
// ketanmu-premigrate-<UTC time>.age and are never pruned (they are the way back from an upgrade).
const (
	prefix           = "ketanmu-"
	premigratePrefix = "ketanmu-premigrate-"
	suffix           = ".age"
	nameTime         = "20060102T150405Z"
)

// Name is a scheduled backup's file name for its time.
func Name(at time.Time) string { return prefix + at.UTC().Format(nameTime) + suffix }

// PremigrateName is the file name of the backup written before migrating.
func PremigrateName(at time.Time) string {
	return premigratePrefix + at.UTC().Format(nameTime) + suffix
}

// Info is a backup file found in the backup folder.
type Info struct {
	Name string
	At   time.Time
	Size int64
}

// parseName reads the time from a backup's file name; ok is false for other files.
func parseName(name string) (at time.Time, premigrate, ok bool) {
	if !strings.HasSuffix(name, suffix) || !strings.HasPrefix(name, prefix) {
		return time.Time{}, false, false
	}
	stamp := strings.TrimSuffix(strings.TrimPrefix(name, prefix), suffix)
	if rest, found := strings.CutPrefix(stamp, "premigrate-"); found {
		stamp, premigrate = rest, true
	}
	at, err := time.Parse(nameTime, stamp)
	return at, premigrate, err == nil
}

// Policy is how many backups to keep: the newest of each of the last Hourly hours and the
// newest of each of the last Daily days (in Loc).
type Policy struct {
	Hourly int
	Daily  int
	Loc    *time.Location
}

// Drop returns the scheduled backups the policy does not keep. The newest backup is always kept.
func (p Policy) Drop(backups []Info) []Info {
	sorted := append([]Info(nil), backups...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].At.After(sorted[j].At) })
	loc := p.Loc
	if loc == nil {
		loc = time.UTC
	}
	keep := map[string]bool{}
	hours, days := map[string]bool{}, map[string]bool{}
	for i, b := range sorted {
		t := b.At.In(loc)
		h, d := t.Format("2006010215"), t.Format("20060102")
		if i == 0 {
			keep[b.Name] = true
		}
		if !hours[h] && len(hours) < p.Hourly {
			hours[h] = true
			keep[b.Name] = true
		}
		if !days[d] && len(days) < p.Daily {
			days[d] = true
			keep[b.Name] = true
		}
	}
	var drop []Info
	for _, b := range sorted {
		if !keep[b.Name] {
			drop = append(drop, b)
		}
	}
	return drop
}

// List reads the backups in dir, newest first. Pre-migration backups are listed with
// premigrate set so that pruning leaves them alone.
func List(dir string) (scheduled, premigrate []Info, err error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	} else if err != nil {
		return nil, nil, err
	}
	for _, e := range entries {
		at, pre, ok := parseName(e.Name())
		if !ok || e.IsDir() {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue // removed meanwhile
		}
		info := Info{Name: e.Name(), At: at, Size: fi.Size()}
		if pre {
			premigrate = append(premigrate, info)
		} else {
			scheduled = append(scheduled, info)
		}
	}
	newest := func(s []Info) {
		sort.Slice(s, func(i, j int) bool { return s[i].At.After(s[j].At) })
	}
	newest(scheduled)
	newest(premigrate)
	return scheduled, premigrate, nil
}

// Latest is the newest backup of either kind in dir; ok is false when there is none.
func Latest(dir string) (Info, bool, error) {
	scheduled, pre, err := List(dir)
	if err != nil {
		return Info{}, false, err
	}
	all := append(scheduled, pre...)
	if len(all) == 0 {
		return Info{}, false, nil
	}
	sort.Slice(all, func(i, j int) bool { return all[i].At.After(all[j].At) })
	return all[0], true, nil
}

// Prune removes the scheduled backups in dir that the policy does not keep and returns them.
func Prune(dir string, p Policy) ([]Info, error) {
	scheduled, _, err := List(dir)
	if err != nil {
		return nil, err
	}
	drop := p.Drop(scheduled)
	for _, b := range drop {
		if err := os.Remove(filepath.Join(dir, b.Name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("prune %s: %w", b.Name, err)
		}
	}
	return drop, nil
}
