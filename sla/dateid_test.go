package sla

import (
	"testing"
	"time"
)

func TestFormatDateID(t *testing.T) {
	tests := []struct {
		at, date, dateTime string
	}{
		{"2026-11-27 10:30", "Jumat, 27 November 2026", "Jumat, 27 November 2026 pukul 10.30"},
		{"2026-11-28 08:05", "Sabtu, 28 November 2026", "Sabtu, 28 November 2026 pukul 08.05"},
		{"2026-03-01 00:00", "Minggu, 1 Maret 2026", "Minggu, 1 Maret 2026 pukul 00.00"},
		{"2026-01-01 15:00", "Kamis, 1 Januari 2026", "Kamis, 1 Januari 2026 pukul 15.00"},
		{"2026-03-25 09:00", "Rabu, 25 Maret 2026", "Rabu, 25 Maret 2026 pukul 09.00"},
		{"2026-08-17 23:59", "Senin, 17 Agustus 2026", "Senin, 17 Agustus 2026 pukul 23.59"},
		{"2026-12-22 12:00", "Selasa, 22 Desember 2026", "Selasa, 22 Desember 2026 pukul 12.00"},
	}
	for _, tc := range tests {
		t.Run(tc.at, func(t *testing.T) {
			tm := mustTime(t, tc.at)
			if got := FormatDateID(tm); got != tc.date {
				t.Errorf("FormatDateID = %q, want %q", got, tc.date)
			}
			if got := FormatDateTimeID(tm); got != tc.dateTime {
				t.Errorf("FormatDateTimeID = %q, want %q", got, tc.dateTime)
			}
		})
	}
	t.Run("uses the time's own location", func(t *testing.T) {
		utc := time.Date(2026, 11, 27, 20, 0, 0, 0, time.UTC) // Saturday 03:00 in Jakarta
		if got, want := FormatDateID(utc), "Jumat, 27 November 2026"; got != want {
			t.Errorf("FormatDateID(UTC) = %q, want %q", got, want)
		}
		if got, want := FormatDateID(utc.In(jakarta)), "Sabtu, 28 November 2026"; got != want {
			t.Errorf("FormatDateID(Jakarta) = %q, want %q", got, want)
		}
	})
}

func TestFormatDurationID(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0m", 45 * time.Minute: "45m", 7 * time.Hour: "7j00m", 8*time.Hour + 30*time.Minute: "8j30m",
		90*time.Second + 30*time.Hour: "30j02m",
	} {
		if got := FormatDurationID(d); got != want {
			t.Errorf("FormatDurationID(%v) = %q, want %q", d, got, want)
		}
	}
}
