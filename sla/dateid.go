package sla

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

var (
	dayNamesID   = [7]string{"Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"}
	monthNamesID = [12]string{
		"Januari", "Februari", "Maret", "April", "Mei", "Juni",
		"Juli", "Agustus", "September", "Oktober", "November", "Desember",
	}
)

// FormatDateID formats t's date in Indonesian, "Jumat, 27 November 2026", in t's own
// location: convert with t.In(cal.Location()) first.
func FormatDateID(t time.Time) string {
	y, m, d := t.Date()
	return fmt.Sprintf("%s, %d %s %d", dayNamesID[t.Weekday()], d, monthNamesID[m-1], y)
}

// FormatDateTimeID formats t as "Jumat, 27 November 2026 pukul 10.30" (Indonesian writes
// times with a dot), in t's own location.
func FormatDateTimeID(t time.Time) string {
	return fmt.Sprintf("%s pukul %02d.%02d", FormatDateID(t), t.Hour(), t.Minute())
}

// FormatDurationID writes a working duration the short way operators read it: "7j05m" (j for
// jam, hours) or "45m".
func FormatDurationID(d time.Duration) string {
	d = d.Round(time.Minute)
	if d >= time.Hour {
		return fmt.Sprintf("%dj%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	return fmt.Sprintf("%dm", int(d/time.Minute))
}

// FormatDayID formats t's date without the weekday, "27 November 2026", as a date of birth or
// death is written.
func FormatDayID(t time.Time) string {
	y, m, d := t.Date()
	return fmt.Sprintf("%d %s %d", d, monthNamesID[m-1], y)
}

// ParseDateID reads a date as residents type it: "12-04-2025", "12/4/2025", "12.04.2025" or
// "12 April 2025" (Indonesian or English month names, or their first three letters; "Agt"
// too). The result is midnight UTC of that date.
func ParseDateID(s string) (time.Time, bool) {
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return r == ' ' || r == '-' || r == '/' || r == '.' || r == ','
	})
	if len(f) != 3 {
		return time.Time{}, false
	}
	d, err1 := strconv.Atoi(f[0])
	y, err2 := strconv.Atoi(f[2])
	m, err3 := strconv.Atoi(f[1])
	if err3 != nil {
		m = monthByName(f[1])
	}
	if err1 != nil || err2 != nil || m < 1 || m > 12 || y < 1000 || y > 9999 || d < 1 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d { // 31 April
		return time.Time{}, false
	}
	return t, true
}

var monthNamesEN = [12]string{"january", "february", "march", "april", "may", "june", "july", "august",
	"september", "october", "november", "december"}

func monthByName(w string) int {
	if w == "agt" {
		return 8
	}
	for i := range monthNamesID {
		id, en := strings.ToLower(monthNamesID[i]), monthNamesEN[i]
		if w == id || w == en || (len(w) == 3 && (strings.HasPrefix(id, w) || strings.HasPrefix(en, w))) {
			return i + 1
		}
	}
	return 0
}
