package sla

import (
	"fmt"
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
