package sla

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseWindows(t *testing.T) {
	h := time.Hour
	tests := []struct {
		in   string
		want []Window
	}{
		{"08:00-12:00,13:00-15:00", []Window{{8 * h, 12 * h}, {13 * h, 15 * h}}},
		{"08:00-15:00", []Window{{8 * h, 15 * h}}},
		{" 7:30 - 11:45 ", []Window{{7*h + 30*time.Minute, 11*h + 45*time.Minute}}},
		{"00:00-24:00", []Window{{0, 24 * h}}},
		{"08:00-12:00,12:00-15:00", []Window{{8 * h, 12 * h}, {12 * h, 15 * h}}},
		{"", nil},
		{"closed", nil},
		{"Closed", nil},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseWindows(tc.in)
			if err != nil {
				t.Fatalf("ParseWindows(%q): %v", tc.in, err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ParseWindows(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
	bad := []string{
		"08:00", "8-15", "08:00-08:00", "15:00-08:00",
		"08:00-12:00,11:00-15:00", "13:00-15:00,08:00-12:00",
		"25:00-26:00", "08:00-24:30", "08:60-09:00", "08:00-12:00,",
		"ab:cd-12:00", "008:00-09:00", "08:0-09:00", "-1:00-09:00", "08:00-12:00-13:00",
	}
	for _, in := range bad {
		t.Run("bad/"+in, func(t *testing.T) {
			if got, err := ParseWindows(in); err == nil {
				t.Errorf("ParseWindows(%q) = %v, want an error", in, got)
			}
		})
	}
}

func TestParseWeek(t *testing.T) {
	t.Run("default", func(t *testing.T) {
		got, err := ParseWeek(map[string]string{
			"mon": "08:00-15:00", "tue": "08:00-15:00", "wed": "08:00-15:00",
			"thu": "08:00-15:00", "fri": "08:00-11:00", "sat": "closed",
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := DefaultWeek(); !reflect.DeepEqual(got, want) {
			t.Errorf("ParseWeek = %v, want %v", got, want)
		}
	})
	t.Run("lunch break", func(t *testing.T) {
		got := mustLunchWeek(t)
		if n := len(got[time.Wednesday]); n != 2 {
			t.Errorf("Wednesday has %d windows, want 2", n)
		}
		if got[time.Sunday] != nil || got[time.Saturday] != nil {
			t.Errorf("weekend = %v, %v, want closed", got[time.Saturday], got[time.Sunday])
		}
	})
	bad := []struct {
		name, key, value, wantInErr string
	}{
		{"unknown day", "monday", "08:00-15:00", `"monday"`},
		{"uppercase", "Mon", "08:00-15:00", `"Mon"`},
		{"bad windows", "tue", "08:00-07:00", "tue:"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseWeek(map[string]string{"mon": "08:00-15:00", tc.key: tc.value})
			if err == nil || !strings.Contains(err.Error(), tc.wantInErr) {
				t.Errorf("ParseWeek error = %v, want one containing %s", err, tc.wantInErr)
			}
		})
	}
}

func TestWindowString(t *testing.T) {
	if got, want := (Window{8 * time.Hour, 24 * time.Hour}).String(), "08:00-24:00"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
