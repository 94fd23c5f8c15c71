package sla

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// maxDays caps ParseDuration's working days (about 40 years): a larger value is a typo, and
// Add walks day by day.
const maxDays = 10000

// Duration is either a working duration (Work, e.g. 8h30m of open time) or a count of
// working days (Days). ParseDuration never sets both; Add applies Days first, then Work.
type Duration struct {
	Work time.Duration
	Days int
}

// ParseDuration accepts Go durations ("30m", "8h30m", "7h") and working days ("1d", "3d").
// Zero ("0s", "0d") is accepted; negative, empty and mixed ("1d2h") values are errors.
func ParseDuration(s string) (Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Duration{}, errors.New("sla: empty duration")
	}
	if digits, ok := strings.CutSuffix(s, "d"); ok && digits != "" && isDigits(digits) {
		n, err := strconv.Atoi(digits)
		if err != nil || n > maxDays {
			return Duration{}, fmt.Errorf("sla: duration %q: at most %dd", s, maxDays)
		}
		return Duration{Days: n}, nil
	}
	if strings.Contains(s, "d") {
		return Duration{}, fmt.Errorf("sla: duration %q: want working days (\"3d\") or a duration (\"8h30m\"), not both", s)
	}
	w, err := time.ParseDuration(s)
	if err != nil {
		return Duration{}, fmt.Errorf("sla: duration %q: want \"3d\" or a duration like \"8h30m\"", s)
	}
	if w < 0 {
		return Duration{}, fmt.Errorf("sla: duration %q is negative", s)
	}
	return Duration{Work: w}, nil
}

// String formats d the way ParseDuration reads it ("3d", "8h30m", "0s"). A Duration with
// both fields set, which ParseDuration never returns, prints as "1d+2h".
func (d Duration) String() string {
	switch {
	case d.Days != 0 && d.Work != 0:
		return strconv.Itoa(d.Days) + "d+" + shortDuration(d.Work)
	case d.Days != 0:
		return strconv.Itoa(d.Days) + "d"
	}
	return shortDuration(d.Work)
}

// IsZero reports whether d adds nothing.
func (d Duration) IsZero() bool { return d.Work <= 0 && d.Days <= 0 }

// shortDuration drops the zero units time.Duration.String keeps: 7h0m0s → 7h.
func shortDuration(w time.Duration) string {
	s := w.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// Add returns the deadline d after t, in the calendar's location. Negative fields count
// as zero, and a zero Duration returns t unchanged (even outside opening hours). It returns
// the zero time if the calendar does not open within about two years of a step.
//
// Work consumes open time only: from t if the office is open, else from the next opening.
// A deadline that falls exactly on a window's end is that end (Thursday 15:00), not the
// next opening.
//
// Days N gives the same time of day on the Nth working day after t's date. A time outside
// that day's hours is clamped to them: after the last window it becomes that window's end,
// in a break the end of the window before it, before the first window that window's start.
// So Thursday 14:00 + 1d is Friday 11:00 and Monday 06:00 + 1d is Tuesday 08:00. A t on a
// closed day (weekend, holiday) starts from the next opening instead, so that the office
// gets N whole days: Saturday 10:00 + 1d is Tuesday 08:00.
func (c *Calendar) Add(t time.Time, d Duration) time.Time {
	t = t.In(c.loc)
	if d.Days > 0 {
		t = c.addDays(t, d.Days)
		if t.IsZero() {
			return t
		}
	}
	if d.Work > 0 {
		t = c.addWork(t, d.Work)
	}
	return t
}

func (c *Calendar) addWork(t time.Time, rem time.Duration) time.Time {
	day := civilOf(t)
	for closed := 0; closed < searchDays; day = day.next() {
		ws := c.windowsOn(day)
		if len(ws) == 0 {
			closed++
			continue
		}
		closed = 0
		for _, w := range ws {
			s, e := c.bounds(day, w)
			if !e.After(t) {
				continue
			}
			if s.Before(t) {
				s = t
			}
			if avail := e.Sub(s); rem > avail {
				rem -= avail
				continue
			}
			return s.Add(rem)
		}
	}
	return time.Time{}
}

func (c *Calendar) addDays(t time.Time, n int) time.Time {
	if !c.IsWorkingDay(t) {
		if t = c.NextOpening(t); t.IsZero() {
			return t
		}
	}
	day, clock := civilOf(t), clockOf(t)
	for closed := 0; n > 0; {
		day = day.next()
		if len(c.windowsOn(day)) == 0 {
			if closed++; closed >= searchDays {
				return time.Time{}
			}
			continue
		}
		closed = 0
		n--
	}
	return c.at(day, clampClock(c.windowsOn(day), clock))
}

// clampClock moves clock to the working-time boundary at or before it within ws (sorted,
// non-empty), or to the first window's start when clock precedes them all.
func clampClock(ws []Window, clock time.Duration) time.Duration {
	if clock < ws[0].Start {
		return ws[0].Start
	}
	for i, w := range ws {
		if clock < w.Start {
			return ws[i-1].End
		}
		if clock < w.End {
			return clock
		}
	}
	return ws[len(ws)-1].End
}
