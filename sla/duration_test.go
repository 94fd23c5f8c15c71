package sla

import (
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want Duration
	}{
		{"30m", Duration{Work: 30 * time.Minute}},
		{"8h30m", Duration{Work: 8*time.Hour + 30*time.Minute}},
		{"7h", Duration{Work: 7 * time.Hour}},
		{"1.5h", Duration{Work: 90 * time.Minute}},
		{"0s", Duration{}},
		{"1d", Duration{Days: 1}},
		{"3d", Duration{Days: 3}},
		{" 5d ", Duration{Days: 5}},
		{"0d", Duration{}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseDuration(tc.in)
			if err != nil {
				t.Fatalf("ParseDuration(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Errorf("ParseDuration(%q) = %+v, want %+v", tc.in, got, tc.want)
			}
		})
	}
	for _, in := range []string{"", " ", "-1h", "-1d", "1d2h", "2h1d", "d", "1.5d", "+1d", "1D", "abc", "8", "99999d", "99999999999999999999d"} {
		t.Run("bad/"+in, func(t *testing.T) {
			if got, err := ParseDuration(in); err == nil {
				t.Errorf("ParseDuration(%q) = %+v, want an error", in, got)
			}
		})
	}
}

func TestDurationString(t *testing.T) {
	tests := []struct {
		d    Duration
		want string
	}{
		{Duration{}, "0s"},
		{Duration{Days: 3}, "3d"},
		{Duration{Work: 7 * time.Hour}, "7h"},
		{Duration{Work: 30 * time.Minute}, "30m"},
		{Duration{Work: 8*time.Hour + 30*time.Minute}, "8h30m"},
		{Duration{Work: 90 * time.Second}, "1m30s"},
		{Duration{Work: time.Hour + 30*time.Second}, "1h0m30s"},
		{Duration{Days: 1, Work: 2 * time.Hour}, "1d+2h"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			got := tc.d.String()
			if got != tc.want {
				t.Errorf("String() = %q, want %q", got, tc.want)
			}
			if tc.d.Days != 0 && tc.d.Work != 0 {
				return // not a form ParseDuration reads
			}
			if back, err := ParseDuration(got); err != nil || back != tc.d {
				t.Errorf("ParseDuration(%q) = %+v, %v, want %+v", got, back, err, tc.d)
			}
		})
	}
}

func TestDurationIsZero(t *testing.T) {
	for _, tc := range []struct {
		d    Duration
		want bool
	}{{Duration{}, true}, {Duration{Work: -time.Hour}, true}, {Duration{Days: 1}, false}, {Duration{Work: 1}, false}} {
		if got := tc.d.IsZero(); got != tc.want {
			t.Errorf("%+v.IsZero() = %v, want %v", tc.d, got, tc.want)
		}
	}
}
