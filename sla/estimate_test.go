package sla

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestEaster(t *testing.T) {
	for year, want := range map[int]string{
		1818: "1818-03-22", 1943: "1943-04-25", 2000: "2000-04-23", 2019: "2019-04-21", 2024: "2024-03-31",
		2025: "2025-04-20", 2026: "2026-04-05", 2027: "2027-03-28", 2038: "2038-04-25",
	} {
		if got := Easter(year).Format(time.DateOnly); got != want {
			t.Errorf("Easter(%d) = %s, want %s", year, got, want)
		}
	}
}

// TestEstimatesAgainstDecrees compares the estimates with the dates of the joint decrees of
// 2023–2026 (refdata/README.md): the Easter-based and fixed dates exactly, the lunar ones
// within a day.
func TestEstimatesAgainstDecrees(t *testing.T) {
	within := func(t *testing.T, what string, got time.Time, want string, slack int) {
		t.Helper()
		w, _ := time.Parse(time.DateOnly, want)
		if d := got.Sub(w).Hours() / 24; d < -float64(slack) || d > float64(slack) {
			t.Errorf("%s = %s, want %s (±%d day)", what, got.Format(time.DateOnly), want, slack)
		}
	}
	for _, tc := range []struct {
		what string
		got  time.Time
		want string
	}{
		{"Idulfitri 1444", HijriDate(1444, 10, 1), "2023-04-22"},
		{"Idulfitri 1445", HijriDate(1445, 10, 1), "2024-04-10"},
		{"Idulfitri 1446", HijriDate(1446, 10, 1), "2025-03-31"},
		{"Idulfitri 1447", HijriDate(1447, 10, 1), "2026-03-21"},
		{"Iduladha 1444", HijriDate(1444, 12, 10), "2023-06-29"},
		{"Iduladha 1445", HijriDate(1445, 12, 10), "2024-06-17"},
		{"Iduladha 1446", HijriDate(1446, 12, 10), "2025-06-06"},
		{"Iduladha 1447", HijriDate(1447, 12, 10), "2026-05-27"},
		{"Isra Mikraj 1447", HijriDate(1447, 7, 27), "2026-01-16"},
		{"1 Muharam 1448", HijriDate(1448, 1, 1), "2026-06-16"},
		{"Maulid 1448", HijriDate(1448, 3, 12), "2026-08-25"},
		{"Imlek 2024", Imlek(2024), "2024-02-10"},
		{"Imlek 2026", Imlek(2026), "2026-02-17"},
		{"Nyepi 2024", Nyepi(2024), "2024-03-11"},
		{"Nyepi 2026", Nyepi(2026), "2026-03-19"},
		{"Waisak 2023", Waisak(2023), "2023-06-04"},
		{"Waisak 2026", Waisak(2026), "2026-05-31"},
	} {
		within(t, tc.what, tc.got, tc.want, 1)
	}
	// The 2026 decree (refdata) against the estimate of 2026: every libur date is estimated,
	// exactly or, for the lunar ones, within a day.
	est := EstimateHolidays(2026)
	for _, h := range DefaultHolidays() {
		if h.Kind != "libur" {
			continue
		}
		i := slices.IndexFunc(est, func(e Holiday) bool { return e.Date == h.Date })
		if i >= 0 {
			continue
		}
		d, _ := time.Parse(time.DateOnly, h.Date)
		near := slices.IndexFunc(est, func(e Holiday) bool {
			ed, _ := time.Parse(time.DateOnly, e.Date)
			return e.Provisional && ed.Sub(d).Abs() <= 24*time.Hour
		})
		if near < 0 {
			t.Errorf("2026 decree's %s %q: no estimate on it, nor a provisional one a day away", h.Date, h.Name)
		}
	}
	for _, h := range est {
		if strings.Contains(h.Name, "Paskah") || strings.Contains(h.Name, "Proklamasi") {
			if h.Provisional {
				t.Errorf("%s is exact, marked provisional", h.Name)
			}
		}
		if strings.Contains(h.Name, "Idulfitri") && !h.Provisional {
			t.Errorf("%s is an estimate, not marked provisional", h.Name)
		}
	}
}

func TestMoonPhase(t *testing.T) {
	for _, tc := range []struct {
		k    float64
		want string // UT, published by timeanddate.com / USNO
	}{
		{324, "2026-03-19T01:23:00Z"}, // new moon
		{303, "2024-07-05T22:57:00Z"},
		{-283, "1977-02-18T03:37:00Z"},  // Meeus's example 49.a: 3h37m TT
		{324.5, "2026-04-02T02:12:00Z"}, // full moon
	} {
		want, _ := time.Parse(time.RFC3339, tc.want)
		if got := MoonPhase(tc.k); got.Sub(want).Abs() > 5*time.Minute {
			t.Errorf("MoonPhase(%v) = %s, want %s ± 5 min", tc.k, got, want)
		}
	}
}

func TestPlanHolidays(t *testing.T) {
	own := []Holiday{{Date: "2027-01-01", Kind: "libur", Name: "Tahun Baru 2027 Masehi"},
		{Date: "2027-03-10", Kind: "libur", Name: "Idulfitri 1448 H (SKB)"}}
	for _, tc := range []struct {
		name        string
		own         []Holiday
		cuti        bool
		date        string
		want        bool
		provisional bool
	}{
		{"published 2026", nil, true, "2026-03-20", true, false},
		{"cuti bersama open", nil, false, "2026-03-20", false, false},
		{"cuti bersama open, libur closed", nil, false, "2026-03-21", true, false},
		{"2027 estimated", nil, true, "2027-01-01", true, false},
		{"2027 lunar estimate", nil, true, "2027-03-10", true, true},
		{"the office's 2027 wins", own, true, "2027-03-10", true, false},
		{"the office's 2027 replaces the estimate", own, true, "2027-03-11", false, false},
		{"far ahead", nil, true, "2050-12-25", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hs := PlanHolidays(DefaultHolidays(), tc.own, tc.cuti)
			i := slices.IndexFunc(hs, func(h Holiday) bool { return h.Date == tc.date })
			if got := i >= 0; got != tc.want {
				t.Fatalf("%s closed = %v, want %v", tc.date, got, tc.want)
			}
			if i >= 0 && hs[i].Provisional != tc.provisional {
				t.Errorf("%s provisional = %v, want %v", tc.date, hs[i].Provisional, tc.provisional)
			}
		})
	}
}

func TestOutlook(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Jakarta")
	week, _ := ParseWeek(map[string]string{"mon": "08:00-15:00", "tue": "08:00-15:00", "wed": "08:00-15:00",
		"thu": "08:00-15:00", "fri": "08:00-11:00"})
	cal := NewCalendar(loc, week, PlanHolidays(DefaultHolidays(), nil, true))
	for _, tc := range []struct {
		now  string
		warn bool
	}{
		{"2026-10-01T09:00:00+07:00", false},
		{"2026-11-01T09:00:00+07:00", false}, // 61 days before 1 January
		{"2026-11-02T09:00:00+07:00", true},  // 60 days
		{"2027-02-01T09:00:00+07:00", true},  // estimates in use
	} {
		now, _ := time.Parse(time.RFC3339, tc.now)
		o := cal.Outlook(now)
		if o.Warn != tc.warn {
			t.Errorf("Outlook(%s).Warn = %v, want %v", tc.now, o.Warn, tc.warn)
		}
		if got := o.KnownUntil.Format(time.DateOnly); got != "2026-12-31" {
			t.Errorf("KnownUntil = %s, want 2026-12-31", got)
		}
		if len(o.Provisional) == 0 || !o.Provisional[0].Provisional || o.Provisional[0].Date < now.Format(time.DateOnly) {
			t.Errorf("Outlook(%s).Provisional = %v, want the coming estimates", tc.now, o.Provisional)
		}
	}
	// A calendar with only published dates has nothing to warn about.
	if o := NewCalendar(loc, week, DefaultHolidays()).Outlook(time.Now()); o.Warn || !o.KnownUntil.IsZero() {
		t.Errorf("published only: %+v, want no outlook", o)
	}
	// A case filed on 29 December 2026 with 3 working days is not promised New Year's Day.
	filed := time.Date(2026, 12, 29, 9, 0, 0, 0, loc)
	if got := cal.Add(filed, Duration{Days: 3}); got.Format(time.DateOnly) != "2027-01-04" {
		t.Errorf("3 working days from 29 December 2026 = %s, want Monday 4 January 2027", got)
	}
}
