package sla

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestCalendarAddWork(t *testing.T) {
	c := mustCalendar(t, DefaultWeek())
	lunch := mustCalendar(t, mustLunchWeek(t))
	tests := []struct {
		name  string
		c     *Calendar
		start string
		work  time.Duration
		want  string
	}{
		{"same day", c, "2026-03-02 09:00", 2 * time.Hour, "2026-03-02 11:00"},
		{"ends at closing", c, "2026-03-02 13:00", 2 * time.Hour, "2026-03-02 15:00"},
		{"across the night", c, "2026-03-02 14:00", 2 * time.Hour, "2026-03-03 09:00"},
		{"full day from opening", c, "2026-03-02 08:00", 7 * time.Hour, "2026-03-02 15:00"},
		{"friday short day", c, "2026-03-05 14:00", 4 * time.Hour, "2026-03-06 11:00"},
		{"over the weekend", c, "2026-03-05 14:00", 5 * time.Hour, "2026-03-09 09:00"},
		{"friday to monday", c, "2026-03-06 10:00", 2 * time.Hour, "2026-03-09 09:00"},
		{"idulfitri week", c, "2026-03-17 14:00", 2 * time.Hour, "2026-03-25 09:00"},
		{"isra mikraj friday", c, "2026-01-15 14:00", 2 * time.Hour, "2026-01-19 09:00"},
		{"christmas", c, "2026-12-23 14:30", 30 * time.Minute, "2026-12-23 15:00"},
		{"christmas night", c, "2026-12-23 14:30", 31 * time.Minute, "2026-12-28 08:01"},
		{"start saturday", c, "2026-03-07 10:00", time.Hour, "2026-03-09 09:00"},
		{"start 06:00", c, "2026-03-02 06:00", time.Hour, "2026-03-02 09:00"},
		{"start 16:00", c, "2026-03-02 16:00", time.Hour, "2026-03-03 09:00"},
		{"start on holiday", c, "2026-03-19 10:00", 30 * time.Minute, "2026-03-25 08:30"},
		{"seconds", c, "2026-03-02 14:59:59", 2 * time.Second, "2026-03-03 08:00:01"},
		{"zero while open", c, "2026-03-02 10:00", 0, "2026-03-02 10:00"},
		{"zero while closed", c, "2026-03-07 10:00", 0, "2026-03-07 10:00"},
		{"negative is zero", c, "2026-03-02 10:00", -time.Hour, "2026-03-02 10:00"},
		// 300h = 9 holiday-free weeks of 31h (to Mon 2 Nov) + 21h (Mon–Wed).
		{"300h", c, "2026-08-31 08:00", 300 * time.Hour, "2026-11-04 15:00"},
		{"lunch: ends at the break", lunch, "2026-03-02 11:00", time.Hour, "2026-03-02 12:00"},
		{"lunch: across the break", lunch, "2026-03-02 11:00", 2 * time.Hour, "2026-03-02 14:00"},
		{"lunch: start in the break", lunch, "2026-03-02 12:30", time.Hour, "2026-03-02 14:00"},
		{"lunch: across the night", lunch, "2026-03-02 15:30", time.Hour, "2026-03-03 08:30"},
		{"lunch: friday", lunch, "2026-03-05 15:00", 2 * time.Hour, "2026-03-06 08:30"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, want := tc.c.Add(mustTime(t, tc.start), Duration{Work: tc.work}), mustTime(t, tc.want)
			if !got.Equal(want) {
				t.Errorf("Add(%s, %v) = %s, want %s", tc.start, tc.work, got.Format(timeLayout), want.Format(timeLayout))
			}
		})
	}
}

func TestCalendarAddDays(t *testing.T) {
	c := mustCalendar(t, DefaultWeek())
	lunch := mustCalendar(t, mustLunchWeek(t))
	tests := []struct {
		name  string
		c     *Calendar
		start string
		d     Duration
		want  string
	}{
		{"1d", c, "2026-03-02 10:00", Duration{Days: 1}, "2026-03-03 10:00"},
		{"3d", c, "2026-03-02 10:00", Duration{Days: 3}, "2026-03-05 10:00"},
		{"3d over the weekend", c, "2026-03-04 10:00", Duration{Days: 3}, "2026-03-09 10:00"},
		{"thursday to friday's close", c, "2026-03-05 14:00", Duration{Days: 1}, "2026-03-06 11:00"},
		{"friday to monday", c, "2026-03-06 10:00", Duration{Days: 1}, "2026-03-09 10:00"},
		{"friday afternoon", c, "2026-03-06 14:00", Duration{Days: 1}, "2026-03-09 14:00"},
		{"idulfitri", c, "2026-03-17 10:00", Duration{Days: 1}, "2026-03-25 10:00"},
		{"3d over idulfitri", c, "2026-03-16 14:00", Duration{Days: 3}, "2026-03-26 14:00"},
		{"isra mikraj friday", c, "2026-01-15 14:00", Duration{Days: 1}, "2026-01-19 14:00"},
		{"christmas", c, "2026-12-23 10:00", Duration{Days: 1}, "2026-12-28 10:00"},
		{"after hours", c, "2026-03-02 16:00", Duration{Days: 1}, "2026-03-03 15:00"},
		{"before hours", c, "2026-03-02 06:00", Duration{Days: 1}, "2026-03-03 08:00"},
		{"saturday", c, "2026-03-07 10:00", Duration{Days: 1}, "2026-03-10 08:00"},
		{"sunday night", c, "2026-03-08 23:00", Duration{Days: 1}, "2026-03-10 08:00"},
		{"on a holiday", c, "2026-03-18 10:00", Duration{Days: 1}, "2026-03-26 08:00"},
		{"zero", c, "2026-03-07 10:00", Duration{}, "2026-03-07 10:00"},
		{"days then work", c, "2026-03-02 14:00", Duration{Days: 1, Work: 2 * time.Hour}, "2026-03-04 09:00"},
		{"lunch: in the break", lunch, "2026-03-02 12:30", Duration{Days: 1}, "2026-03-03 12:00"},
		{"lunch: to friday", lunch, "2026-03-05 13:30", Duration{Days: 1}, "2026-03-06 11:30"},
		{"lunch: from friday early", lunch, "2026-03-06 07:45", Duration{Days: 1}, "2026-03-09 08:00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, want := tc.c.Add(mustTime(t, tc.start), tc.d), mustTime(t, tc.want)
			if !got.Equal(want) {
				t.Errorf("Add(%s, %v) = %s, want %s", tc.start, tc.d, got.Format(timeLayout), want.Format(timeLayout))
			}
		})
	}
}

// TestCalendarAddInverse checks Between(t, Add(t, d)) == d for opened starts.
func TestCalendarAddInverse(t *testing.T) {
	c := mustCalendar(t, DefaultWeek())
	lunch := mustCalendar(t, mustLunchWeek(t))
	starts := []string{"2026-03-02 08:00", "2026-03-05 14:59", "2026-03-06 10:30", "2026-03-17 14:00", "2026-05-13 09:15", "2026-12-23 11:11:11"}
	works := []time.Duration{time.Nanosecond, time.Minute, 2 * time.Hour, 7 * time.Hour, 31 * time.Hour, 300 * time.Hour, 2000 * time.Hour}
	for _, cal := range []struct {
		name string
		c    *Calendar
	}{{"default", c}, {"lunch", lunch}} {
		for _, s := range starts {
			for _, w := range works {
				t.Run(cal.name+"/"+s+"/"+w.String(), func(t *testing.T) {
					start := mustTime(t, s)
					if !cal.c.IsOpen(start) {
						t.Fatalf("start %s is not open", s)
					}
					end := cal.c.Add(start, Duration{Work: w})
					if got := cal.c.Between(start, end); got != w {
						t.Errorf("Between(%s, %s) = %v, want %v", s, end.Format(timeLayout), got, w)
					}
				})
			}
		}
	}
}

// TestCalendarAddMatchesReference compares Add with a minute-by-minute walk.
func TestCalendarAddMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	base := mustTime(t, "2026-01-01 00:00")
	for _, c := range []*Calendar{mustCalendar(t, DefaultWeek()), mustCalendar(t, mustLunchWeek(t))} {
		for range 40 {
			start := base.Add(time.Duration(rng.IntN(365*24*60)) * time.Minute)
			work := time.Duration(1+rng.IntN(16*60)) * time.Minute
			got, want := c.Add(start, Duration{Work: work}), referenceAdd(c, start, work)
			if !got.Equal(want) {
				t.Errorf("Add(%s, %v) = %s, want %s", start.Format(timeLayout), work, got.Format(timeLayout), want.Format(timeLayout))
			}
		}
	}
}

// referenceAdd walks minute by minute; start and work must be whole minutes, work > 0.
func referenceAdd(c *Calendar, start time.Time, work time.Duration) time.Time {
	t := start
	for work > 0 {
		if c.IsOpen(t) {
			work -= time.Minute
		}
		t = t.Add(time.Minute)
	}
	return t
}

func BenchmarkAdd(b *testing.B) {
	c := mustCalendar(b, DefaultWeek())
	start := mustTime(b, "2026-03-02 10:00")
	for _, d := range []Duration{{Work: 8 * time.Hour}, {Work: 2000 * time.Hour}, {Days: 3}, {Days: 250}} {
		b.Run(d.String(), func(b *testing.B) {
			for b.Loop() {
				c.Add(start, d)
			}
		})
	}
}

func FuzzAdd(f *testing.F) {
	f.Add(uint32(0), uint32(120), uint16(1), false)
	f.Add(uint32(109*24*60+14*60), uint32(120), uint16(60), false) // 17 March 14:00
	f.Add(uint32(1000), uint32(300*60), uint16(0), true)
	f.Add(uint32(500000), uint32(1), uint16(5000), true)
	calendars := map[bool]*Calendar{false: mustCalendar(f, DefaultWeek()), true: mustCalendar(f, mustLunchWeek(f))}
	base := mustTime(f, "2025-12-01 00:00")
	f.Fuzz(func(t *testing.T, startSec, workSec uint32, shiftMin uint16, lunch bool) {
		c := calendars[lunch]
		start := base.Add(time.Duration(startSec%(3*365*24*3600)) * time.Second)
		work := time.Duration(workSec%(2000*3600)) * time.Second
		shift := time.Duration(shiftMin) * time.Minute

		end := c.Add(start, Duration{Work: work})
		if got := c.Between(start, end); got != work {
			t.Fatalf("Between(%v, Add(%v)) = %v, want %v", start, work, got, work)
		}
		if work > 0 && !c.IsOpen(end.Add(-time.Nanosecond)) {
			t.Fatalf("Add(%v, %v) = %v, which does not close an open stretch", start, work, end)
		}
		if later := c.Add(start.Add(shift), Duration{Work: work}); later.Before(end) {
			t.Fatalf("Add not monotonic in start: Add(%v) = %v before %v", start.Add(shift), later, end)
		}
		if longer := c.Add(start, Duration{Work: work + shift}); longer.Before(end) {
			t.Fatalf("Add not monotonic in work: +%v = %v before %v", work+shift, longer, end)
		}

		days := Duration{Days: int(workSec % 30)}
		due := c.Add(start, days)
		if later := c.Add(start.Add(shift), days); later.Before(due) {
			t.Fatalf("Add(%v) not monotonic in start: %v then %v", days, due, later)
		}
		if days.Days > 0 && !c.IsWorkingDay(due) {
			t.Fatalf("Add(%v, %v) = %v, not a working day", start, days, due)
		}
	})
}
