package sla

import (
	"reflect"
	"testing"
	"time"
	_ "time/tzdata" // tests must not depend on the host's zoneinfo
)

// jakarta is the office's zone; the embedded tzdata makes loading it infallible in tests.
var jakarta = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		panic(err)
	}
	return loc
}()

// mustTime parses "2026-03-17 14:00" (optionally with ":05" seconds) in Asia/Jakarta.
func mustTime(tb testing.TB, s string) time.Time {
	tb.Helper()
	layout := "2006-01-02 15:04"
	if len(s) > len(layout) {
		layout += ":05"
	}
	t, err := time.ParseInLocation(layout, s, jakarta)
	if err != nil {
		tb.Fatalf("mustTime(%q): %v", s, err)
	}
	return t
}

// mustCalendar returns a Jakarta calendar for week with the real 2026 holidays.
func mustCalendar(tb testing.TB, week Week) *Calendar {
	tb.Helper()
	return NewCalendar(jakarta, week, DefaultHolidays())
}

// mustLunchWeek has a lunch break Mon–Thu and a short Friday.
func mustLunchWeek(tb testing.TB) Week {
	tb.Helper()
	w, err := ParseWeek(map[string]string{
		"mon": "08:00-12:00,13:00-16:00",
		"tue": "08:00-12:00,13:00-16:00",
		"wed": "08:00-12:00,13:00-16:00",
		"thu": "08:00-12:00,13:00-16:00",
		"fri": "07:30-11:30",
		"sat": "closed",
	})
	if err != nil {
		tb.Fatal(err)
	}
	return w
}

const timeLayout = "Mon 2006-01-02 15:04:05"

func TestCalendarIsWorkingDayAndIsOpen(t *testing.T) {
	c := mustCalendar(t, DefaultWeek())
	tests := []struct {
		at          string
		working     bool
		open        bool
		holidayName string
	}{
		{"2026-03-02 07:59", true, false, ""},
		{"2026-03-02 08:00", true, true, ""},
		{"2026-03-02 14:59:59", true, true, ""},
		{"2026-03-02 15:00", true, false, ""},
		{"2026-03-06 10:59", true, true, ""},
		{"2026-03-06 11:00", true, false, ""}, // Friday's short day
		{"2026-03-07 10:00", false, false, ""},
		{"2026-03-08 10:00", false, false, ""},
		{"2026-03-18 10:00", false, false, "Hari Suci Nyepi"},
		{"2026-03-20 10:00", false, false, "Idulfitri 1447 H"},
		{"2026-03-25 10:00", true, true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.at, func(t *testing.T) {
			tm := mustTime(t, tc.at)
			if got := c.IsWorkingDay(tm); got != tc.working {
				t.Errorf("IsWorkingDay = %v, want %v", got, tc.working)
			}
			if got := c.IsOpen(tm); got != tc.open {
				t.Errorf("IsOpen = %v, want %v", got, tc.open)
			}
			name, ok := c.HolidayName(tm)
			if name != tc.holidayName || ok != (tc.holidayName != "") {
				t.Errorf("HolidayName = %q, %v, want %q", name, ok, tc.holidayName)
			}
		})
	}
}

func TestCalendarConvertsToItsLocation(t *testing.T) {
	c := mustCalendar(t, DefaultWeek())
	// 01:30 UTC is 08:30 in Jakarta: open, although the UTC clock reads before opening.
	utc := time.Date(2026, 3, 2, 1, 30, 0, 0, time.UTC)
	if !c.IsOpen(utc) {
		t.Errorf("IsOpen(%v) = false, want true", utc)
	}
	// Sunday 20:00 UTC is Monday 03:00 in Jakarta: a working day.
	if sun := time.Date(2026, 3, 1, 20, 0, 0, 0, time.UTC); !c.IsWorkingDay(sun) {
		t.Errorf("IsWorkingDay(%v) = false, want true", sun)
	}
	got := c.Add(utc, Duration{Work: time.Hour})
	if want := mustTime(t, "2026-03-02 09:30"); !got.Equal(want) || got.Location() != jakarta {
		t.Errorf("Add = %v, want %v in Asia/Jakarta", got, want)
	}
}

func TestCalendarNextOpening(t *testing.T) {
	c := mustCalendar(t, DefaultWeek())
	lunch := mustCalendar(t, mustLunchWeek(t))
	tests := []struct {
		name string
		c    *Calendar
		at   string
		want string
	}{
		{"open", c, "2026-03-02 10:00", "2026-03-02 10:00"},
		{"early", c, "2026-03-02 06:00", "2026-03-02 08:00"},
		{"evening", c, "2026-03-02 16:00", "2026-03-03 08:00"},
		{"at close", c, "2026-03-02 15:00", "2026-03-03 08:00"},
		{"friday afternoon", c, "2026-03-06 12:00", "2026-03-09 08:00"},
		{"idulfitri", c, "2026-03-17 15:00", "2026-03-25 08:00"},
		{"lunch break", lunch, "2026-03-02 12:30", "2026-03-02 13:00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, want := tc.c.NextOpening(mustTime(t, tc.at)), mustTime(t, tc.want)
			if !got.Equal(want) {
				t.Errorf("NextOpening(%s) = %s, want %s", tc.at, got.Format(timeLayout), want.Format(timeLayout))
			}
		})
	}
	t.Run("never opens", func(t *testing.T) {
		never := NewCalendar(jakarta, Week{}, nil)
		if got := never.NextOpening(mustTime(t, "2026-03-02 10:00")); !got.IsZero() {
			t.Errorf("NextOpening = %v, want zero time", got)
		}
		if got := never.Add(mustTime(t, "2026-03-02 10:00"), Duration{Work: time.Hour}); !got.IsZero() {
			t.Errorf("Add work = %v, want zero time", got)
		}
		if got := never.Add(mustTime(t, "2026-03-02 10:00"), Duration{Days: 1}); !got.IsZero() {
			t.Errorf("Add days = %v, want zero time", got)
		}
	})
}

func TestCalendarWindows(t *testing.T) {
	c := mustCalendar(t, DefaultWeek())
	tests := []struct {
		at   string
		want []Window
	}{
		{"2026-03-02 00:00", []Window{{8 * time.Hour, 15 * time.Hour}}},
		{"2026-03-06 23:59", []Window{{8 * time.Hour, 11 * time.Hour}}},
		{"2026-03-07 10:00", nil},
		{"2026-03-19 10:00", nil}, // Nyepi falls on a Thursday
	}
	for _, tc := range tests {
		t.Run(tc.at, func(t *testing.T) {
			if got := c.Windows(mustTime(t, tc.at)); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Windows = %v, want %v", got, tc.want)
			}
		})
	}
	t.Run("returns a copy", func(t *testing.T) {
		mon := mustTime(t, "2026-03-02 10:00")
		c.Windows(mon)[0].End = time.Hour * 23
		if got, want := c.Windows(mon)[0].End, 15*time.Hour; got != want {
			t.Errorf("after modifying the result, End = %v, want %v", got, want)
		}
	})
}

func TestNewCalendar(t *testing.T) {
	t.Run("nil location is UTC", func(t *testing.T) {
		if got := NewCalendar(nil, DefaultWeek(), nil).Location(); got != time.UTC {
			t.Errorf("Location = %v, want UTC", got)
		}
	})
	t.Run("normalises windows", func(t *testing.T) {
		var w Week
		w[time.Monday] = []Window{{13 * time.Hour, 15 * time.Hour}, {9 * time.Hour, 8 * time.Hour}, {8 * time.Hour, 14 * time.Hour}}
		c := NewCalendar(jakarta, w, []Holiday{{Date: "not a date", Kind: "libur", Name: "x"}})
		got, want := c.Windows(mustTime(t, "2026-03-02 10:00")), []Window{{8 * time.Hour, 15 * time.Hour}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Windows = %v, want %v", got, want)
		}
	})
	t.Run("two holidays on one date", func(t *testing.T) {
		c := NewCalendar(jakarta, DefaultWeek(), []Holiday{
			{Date: "2026-03-02", Kind: "libur", Name: "A"},
			{Date: "2026-03-02", Kind: "cuti_bersama", Name: "B"},
		})
		if got, _ := c.HolidayName(mustTime(t, "2026-03-02 10:00")); got != "A / B" {
			t.Errorf("HolidayName = %q, want %q", got, "A / B")
		}
	})
}

func TestCalendarBetween(t *testing.T) {
	c := mustCalendar(t, DefaultWeek())
	lunch := mustCalendar(t, mustLunchWeek(t))
	tests := []struct {
		name string
		c    *Calendar
		a, b string
		want time.Duration
	}{
		{"one day", c, "2026-03-02 08:00", "2026-03-02 15:00", 7 * time.Hour},
		{"whole week", c, "2026-03-02 00:00", "2026-03-09 00:00", 31 * time.Hour},
		{"over the weekend", c, "2026-03-06 10:00", "2026-03-09 09:00", 2 * time.Hour},
		{"weekend only", c, "2026-03-07 00:00", "2026-03-09 00:00", 0},
		{"idulfitri", c, "2026-03-17 14:00", "2026-03-25 09:00", 2 * time.Hour},
		{"outside hours", c, "2026-03-02 16:00", "2026-03-03 07:00", 0},
		{"seconds", c, "2026-03-02 14:59:30", "2026-03-03 08:00:15", 45 * time.Second},
		{"empty", c, "2026-03-02 10:00", "2026-03-02 10:00", 0},
		{"reversed", c, "2026-03-03 10:00", "2026-03-02 10:00", 0},
		{"lunch break", lunch, "2026-03-02 11:00", "2026-03-02 14:00", 2 * time.Hour},
		{"lunch week", lunch, "2026-03-02 00:00", "2026-03-09 00:00", 4*7*time.Hour + 4*time.Hour},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.c.Between(mustTime(t, tc.a), mustTime(t, tc.b)); got != tc.want {
				t.Errorf("Between(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.want)
			}
		})
	}
}

// TestCalendarDST checks that a zone with daylight saving time does not break the
// arithmetic: windows keep their wall-clock value and Add stays Between's inverse.
func TestCalendarDST(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	var week Week
	for d := range week {
		week[d] = []Window{{0, 24 * time.Hour}}
	}
	week[time.Sunday] = []Window{{time.Hour, 4 * time.Hour}}
	c := NewCalendar(berlin, week, nil)
	tests := []struct {
		name   string
		a, b   time.Time
		want   time.Duration
		sunday time.Duration
		end    time.Time // Add(a, want): Sunday's window end, not b
	}{
		// 29 March 2026: 02:00 jumps to 03:00, so Sunday's 01:00–04:00 lasts 2h.
		{"spring", time.Date(2026, 3, 28, 0, 0, 0, 0, berlin), time.Date(2026, 3, 30, 0, 0, 0, 0, berlin), 26 * time.Hour, 2 * time.Hour, time.Date(2026, 3, 29, 4, 0, 0, 0, berlin)},
		// 25 October 2026: 03:00 falls back to 02:00, so it lasts 4h.
		{"autumn", time.Date(2026, 10, 24, 0, 0, 0, 0, berlin), time.Date(2026, 10, 26, 0, 0, 0, 0, berlin), 28 * time.Hour, 4 * time.Hour, time.Date(2026, 10, 25, 4, 0, 0, 0, berlin)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.Between(tc.a, tc.b); got != tc.want {
				t.Errorf("Between = %v, want %v", got, tc.want)
			}
			if got := c.Add(tc.a, Duration{Work: tc.want}); !got.Equal(tc.end) {
				t.Errorf("Add = %v, want %v", got, tc.end)
			}
			sun := tc.a.AddDate(0, 0, 1)
			if got := c.Between(sun, sun.AddDate(0, 0, 1)); got != tc.sunday {
				t.Errorf("Between over Sunday = %v, want %v", got, tc.sunday)
			}
		})
	}
}

func TestLastOpen(t *testing.T) {
	loc := time.FixedZone("WIB", 7*3600)
	cal := NewCalendar(loc, DefaultWeek(), []Holiday{{Date: "2026-11-30", Kind: "test", Name: "test"}})
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct{ now, want string }{
		{"2026-11-26 10:00", "2026-11-26 10:00"}, // open: now itself
		{"2026-11-26 15:01", "2026-11-26 14:59"}, // Thursday after closing
		{"2026-11-28 09:00", "2026-11-27 10:59"}, // Saturday: Friday's close (11:00)
		{"2026-12-01 07:00", "2026-11-27 10:59"}, // Tuesday before opening, Monday a holiday
		{"2026-11-26 07:59", "2026-11-25 14:59"}, // before Thursday's opening
	} {
		got, ok := cal.LastOpen(at(tc.now))
		if !ok || got.Truncate(time.Minute) != at(tc.want) {
			t.Errorf("LastOpen(%s) = %v, %v; want %s", tc.now, got, ok, tc.want)
		}
	}
}
