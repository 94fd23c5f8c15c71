package sla

import (
	"sort"
	"time"
)

// WarnBefore is how long before the published holidays run out the office is told so.
const WarnBefore = 60 * 24 * time.Hour

// Outlook is what the office should know about its holiday list at a moment.
type Outlook struct {
	// KnownUntil is the last day of the published lists: the day before the first estimated
	// year. Zero when the calendar estimates nothing.
	KnownUntil time.Time
	// Provisional are the estimated dates of the coming year, in date order.
	Provisional []Holiday
	// Warn is set from WarnBefore before KnownUntil on, and while estimates are in use.
	Warn bool
}

// Outlook describes the calendar's holidays as seen at now.
func (c *Calendar) Outlook(now time.Time) Outlook {
	if len(c.provisional) == 0 {
		return Outlook{}
	}
	first := civil{}
	for d := range c.provisional {
		if first.y == 0 || d.before(first) {
			first = d
		}
	}
	o := Outlook{KnownUntil: time.Date(first.y-1, time.December, 31, 0, 0, 0, 0, c.loc)}
	now = now.In(c.loc)
	today := civilOf(now)
	end := civilOf(now.AddDate(1, 0, 0))
	for d, h := range c.provisional {
		if !d.before(today) && d.before(end) {
			o.Provisional = append(o.Provisional, h)
		}
	}
	sort.Slice(o.Provisional, func(i, j int) bool { return o.Provisional[i].Date < o.Provisional[j].Date })
	o.Warn = !now.Before(o.KnownUntil.AddDate(0, 0, 1).Add(-WarnBefore))
	return o
}
