// Package sla counts time the way the office's service standards do: in working time (weekly
// opening windows minus holidays) rather than wall-clock time, and formats deadlines for
// residents in Indonesian.
package sla

import (
	"time"
)

// searchDays bounds every forward search: a calendar with no opening for this many
// consecutive days is treated as never opening again.
const searchDays = 2*366 + 1

// Calendar answers working-time questions. It is pure (no clock inside: every time is
// passed in), read-only after NewCalendar and safe for concurrent use. All computation
// happens in the calendar's location; results are returned in it too.
type Calendar struct {
	loc      *time.Location
	week     Week
	holidays map[civil]string // date → name(s)
	// provisional are the estimated holidays (Holiday.Provisional), for Outlook.
	provisional map[civil]Holiday
}

// NewCalendar returns a calendar for loc (UTC if nil), the weekly windows and the closed
// dates. Windows are copied, sorted and merged where they overlap; windows with Start >= End
// after clipping to [0, 24h] are dropped. Holidays whose Date does not parse are ignored
// (ParseHolidaysCSV reports them); two holidays on one date keep both names.
func NewCalendar(loc *time.Location, week Week, holidays []Holiday) *Calendar {
	if loc == nil {
		loc = time.UTC
	}
	c := &Calendar{loc: loc, holidays: make(map[civil]string, len(holidays))}
	for i, ws := range week {
		c.week[i] = normalizeWindows(ws)
	}
	for _, h := range holidays {
		d, err := time.Parse(time.DateOnly, h.Date)
		if err != nil {
			continue
		}
		key := civilOf(d)
		if h.Provisional {
			if c.provisional == nil {
				c.provisional = map[civil]Holiday{}
			}
			c.provisional[key] = h
		}
		if prev, ok := c.holidays[key]; ok && prev != h.Name {
			c.holidays[key] = prev + " / " + h.Name
			continue
		}
		c.holidays[key] = h.Name
	}
	return c
}

// Location returns the calendar's time zone.
func (c *Calendar) Location() *time.Location { return c.loc }

// IsWorkingDay reports whether t's date (in the calendar's location) has opening windows
// and is not a holiday.
func (c *Calendar) IsWorkingDay(t time.Time) bool {
	return len(c.windowsOn(civilOf(t.In(c.loc)))) > 0
}

// IsOpen reports whether t lies inside one of its date's windows [Start, End).
func (c *Calendar) IsOpen(t time.Time) bool {
	t = t.In(c.loc)
	day := civilOf(t)
	for _, w := range c.windowsOn(day) {
		s, e := c.bounds(day, w)
		if !t.Before(s) && t.Before(e) {
			return true
		}
	}
	return false
}

// NextOpening returns t itself if the office is open at t, else the start of the next
// window. It returns the zero time if nothing opens within about two years.
func (c *Calendar) NextOpening(t time.Time) time.Time {
	t = t.In(c.loc)
	day := civilOf(t)
	for range searchDays {
		for _, w := range c.windowsOn(day) {
			s, e := c.bounds(day, w)
			if !e.After(t) {
				continue
			}
			if s.After(t) {
				return s
			}
			return t
		}
		day = day.next()
	}
	return time.Time{}
}

// LastOpen returns the last instant before t at which the office was open (the end of the
// latest window that started before t, less a millisecond; t itself when open at t), and false
// if nothing was open within about two years.
func (c *Calendar) LastOpen(t time.Time) (time.Time, bool) {
	if c.IsOpen(t) {
		return t, true
	}
	t = t.In(c.loc)
	day := civilOf(t)
	for range searchDays {
		ws := c.windowsOn(day)
		for i := len(ws) - 1; i >= 0; i-- {
			s, e := c.bounds(day, ws[i])
			if s.Before(t) {
				return e.Add(-time.Millisecond), true
			}
		}
		day = day.prev()
	}
	return time.Time{}, false
}

// HolidayName returns the name of the holiday on t's date, if it is one.
func (c *Calendar) HolidayName(t time.Time) (string, bool) {
	name, ok := c.holidays[civilOf(t.In(c.loc))]
	return name, ok
}

// Windows returns a copy of the windows of t's date: nil on holidays and closed days.
func (c *Calendar) Windows(t time.Time) []Window {
	ws := c.windowsOn(civilOf(t.In(c.loc)))
	if len(ws) == 0 {
		return nil
	}
	return append([]Window(nil), ws...)
}

// Between returns the working time in [a, b): the overlaps of that interval with the
// windows of each working day. It is 0 if b is not after a.
func (c *Calendar) Between(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	a, b = a.In(c.loc), b.In(c.loc)
	var sum time.Duration
	last := civilOf(b)
	for day := civilOf(a); !last.before(day); day = day.next() {
		for _, w := range c.windowsOn(day) {
			s, e := c.bounds(day, w)
			if s.Before(a) {
				s = a
			}
			if e.After(b) {
				e = b
			}
			if e.After(s) {
				sum += e.Sub(s)
			}
		}
	}
	return sum
}

// windowsOn returns the calendar's own slice of day's windows (callers must not modify it):
// nil on holidays.
func (c *Calendar) windowsOn(day civil) []Window {
	if _, ok := c.holidays[day]; ok {
		return nil
	}
	return c.week[day.weekday()]
}

// bounds returns w's start and end on day as instants. It goes through the wall clock
// (time.Date) rather than adding to midnight, so windows keep their face value on days
// where a DST zone shifts.
func (c *Calendar) bounds(day civil, w Window) (start, end time.Time) {
	return c.at(day, w.Start), c.at(day, w.End)
}

// at returns the instant of wall-clock offset off (0..24h) on day.
func (c *Calendar) at(day civil, off time.Duration) time.Time {
	h := off / time.Hour
	off -= h * time.Hour
	m := off / time.Minute
	off -= m * time.Minute
	s := off / time.Second
	off -= s * time.Second
	return time.Date(day.y, day.m, day.d, int(h), int(m), int(s), int(off), c.loc)
}

// clockOf returns t's wall-clock offset from its midnight.
func clockOf(t time.Time) time.Duration {
	h, m, s := t.Clock()
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute +
		time.Duration(s)*time.Second + time.Duration(t.Nanosecond())
}

// civil is a calendar date without a time zone.
type civil struct {
	y int
	m time.Month
	d int
}

func civilOf(t time.Time) civil {
	y, m, d := t.Date()
	return civil{y, m, d}
}

// noon anchors date arithmetic in UTC, where every day has 24 hours.
func (d civil) noon() time.Time { return time.Date(d.y, d.m, d.d, 12, 0, 0, 0, time.UTC) }

func (d civil) next() civil {
	if d.d < 28 { // every month has a 28th: skip the normalising round trip
		return civil{d.y, d.m, d.d + 1}
	}
	return civilOf(d.noon().AddDate(0, 0, 1))
}

func (d civil) prev() civil {
	if d.d > 1 {
		return civil{d.y, d.m, d.d - 1}
	}
	return civilOf(d.noon().AddDate(0, 0, -1))
}

func (d civil) weekday() time.Weekday { return d.noon().Weekday() }

func (d civil) before(o civil) bool {
	if d.y != o.y {
		return d.y < o.y
	}
	if d.m != o.m {
		return d.m < o.m
	}
	return d.d < o.d
}
