package sla

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Window is one opening interval within a day, as offsets from local midnight; Start < End.
// End may be 24h (midnight at the end of the day).
type Window struct{ Start, End time.Duration }

// String formats w as "08:00-15:00", the form ParseWindows reads.
func (w Window) String() string {
	return formatClock(w.Start) + "-" + formatClock(w.End)
}

// Week holds the windows for each time.Weekday (index 0 = Sunday). Several windows a day
// are allowed (a lunch break).
type Week [7][]Window

// DefaultWeek returns the office's standard hours: Mon–Thu 08:00–15:00, Fri 08:00–11:00,
// Sat/Sun closed.
func DefaultWeek() Week {
	day := func(from, to time.Duration) []Window { return []Window{{from * time.Hour, to * time.Hour}} }
	return Week{
		time.Monday:    day(8, 15),
		time.Tuesday:   day(8, 15),
		time.Wednesday: day(8, 15),
		time.Thursday:  day(8, 15),
		time.Friday:    day(8, 11),
	}
}

// dayKeys maps ParseWeek's keys to weekdays.
var dayKeys = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// ParseWeek reads one ParseWindows string per day under the keys mon, tue, wed, thu, fri,
// sat and sun (lowercase). A missing key means the day is closed.
func ParseWeek(m map[string]string) (Week, error) {
	var w Week
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys) // report the same error on every run
	for _, k := range keys {
		day, ok := dayKeys[k]
		if !ok {
			return Week{}, fmt.Errorf("sla: unknown day %q (want mon, tue, wed, thu, fri, sat or sun)", k)
		}
		ws, err := parseWindows(m[k])
		if err != nil {
			return Week{}, fmt.Errorf("sla: %s: %w", k, err)
		}
		w[day] = ws
	}
	return w, nil
}

// ParseWindows parses "08:00-12:00,13:00-15:00". An empty string or "closed" means no
// windows. Windows must be sorted and must not overlap; touching ("-12:00,12:00-") is allowed.
func ParseWindows(s string) ([]Window, error) {
	ws, err := parseWindows(s)
	if err != nil {
		return nil, fmt.Errorf("sla: %w", err)
	}
	return ws, nil
}

func parseWindows(s string) ([]Window, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "closed") {
		return nil, nil
	}
	var ws []Window
	for part := range strings.SplitSeq(s, ",") {
		w, err := parseWindow(strings.TrimSpace(part))
		if err != nil {
			return nil, err
		}
		if n := len(ws); n > 0 && w.Start < ws[n-1].End {
			return nil, fmt.Errorf("windows %s and %s overlap or are out of order", ws[n-1], w)
		}
		ws = append(ws, w)
	}
	return ws, nil
}

func parseWindow(s string) (Window, error) {
	from, to, ok := strings.Cut(s, "-")
	if !ok {
		return Window{}, fmt.Errorf("window %q: want HH:MM-HH:MM", s)
	}
	start, err := parseClock(strings.TrimSpace(from))
	if err != nil {
		return Window{}, fmt.Errorf("window %q: %w", s, err)
	}
	end, err := parseClock(strings.TrimSpace(to))
	if err != nil {
		return Window{}, fmt.Errorf("window %q: %w", s, err)
	}
	if start >= end {
		return Window{}, fmt.Errorf("window %q: start is not before end", s)
	}
	return Window{start, end}, nil
}

// parseClock reads "H:MM" or "HH:MM" up to "24:00".
func parseClock(s string) (time.Duration, error) {
	hh, mm, ok := strings.Cut(s, ":")
	if !ok || len(hh) < 1 || len(hh) > 2 || len(mm) != 2 || !isDigits(hh) || !isDigits(mm) {
		return 0, fmt.Errorf("time %q: want HH:MM", s)
	}
	h, _ := strconv.Atoi(hh)
	m, _ := strconv.Atoi(mm)
	if h > 24 || m > 59 || (h == 24 && m > 0) {
		return 0, fmt.Errorf("time %q is out of range 00:00-24:00", s)
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute, nil
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func formatClock(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// normalizeWindows returns a sorted copy of ws without invalid windows and with overlapping
// ones merged, so that Calendar's loops can rely on that shape whatever the caller built.
func normalizeWindows(ws []Window) []Window {
	var out []Window
	for _, w := range ws {
		w.Start = max(w.Start, 0)
		w.End = min(w.End, 24*time.Hour)
		if w.Start < w.End {
			out = append(out, w)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	merged := out[:0]
	for _, w := range out {
		if n := len(merged); n > 0 && w.Start <= merged[n-1].End {
			merged[n-1].End = max(merged[n-1].End, w.End)
			continue
		}
		merged = append(merged, w)
	}
	if len(merged) == 0 {
		return nil
	}
	return merged
}
