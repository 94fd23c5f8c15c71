package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu/config"
)

// loadSLA loads the example config with yaml merged over it and parses its sla: section.
func loadSLA(tb testing.TB, yaml string) (*config.Config, config.SLARules, error) {
	tb.Helper()
	path := ""
	if yaml != "" {
		path = filepath.Join(tb.TempDir(), "config.yaml")
		if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
			tb.Fatal(err)
		}
	}
	cfg, err := config.Load(path)
	if err != nil {
		return nil, config.SLARules{}, err
	}
	rules, err := cfg.SLA.Rules()
	return cfg, rules, err
}

func TestSLADefaults(t *testing.T) {
	cfg, r, err := loadSLA(t, "")
	if err != nil {
		t.Fatal(err)
	}
	if r.Scan == nil || r.Digest == nil {
		t.Fatalf("rules %+v, want a scan and a digest", r)
	}
	if r.WarnAt != 0.8 || r.RepeatEvery != time.Hour || r.MaxRepeats != 3 || r.EscalateAtRepeat != 1 || !r.NotifyResident {
		t.Errorf("rules %+v, want warn 0.8, every 1h, 3 repeats, escalate at 1, notify the resident", r)
	}
	loc := cfg.Office.Location
	wed := time.Date(2026, 11, 25, 9, 0, 0, 0, loc)
	if got, want := r.Scan.Next(wed), wed.Add(time.Minute); !got.Equal(want) {
		t.Errorf("scan after %v = %v, want %v", wed, got, want)
	}
	// The digest is at 07:30 in the office's time zone, Monday to Friday.
	if got, want := r.Digest.Next(wed), time.Date(2026, 11, 26, 7, 30, 0, 0, loc); !got.Equal(want) {
		t.Errorf("digest after %v = %v, want %v", wed, got, want)
	}
	fri := time.Date(2026, 11, 27, 8, 0, 0, 0, loc)
	if got, want := r.Digest.Next(fri), time.Date(2026, 11, 30, 7, 30, 0, 0, loc); !got.Equal(want) {
		t.Errorf("digest after %v = %v, want %v (Monday)", fri, got, want)
	}
	for _, key := range []string{"sla_warning", "sla_breach", "sla_escalation", "sla_resident_breach", "digest", "digest_empty",
		"sla_line", "sla_left", "sla_late", "sla_repeat", "sla_more", "sla_footer", "digest_stage", "digest_oldest"} {
		if _, ok := cfg.Texts[key]; !ok {
			t.Errorf("texts.%s is missing from the example config", key)
		}
	}
}

func TestSLAOff(t *testing.T) {
	_, r, err := loadSLA(t, "sla:\n  scan: \"\"\n  digest: \"\"\n  warn_at: 0\n  escalate_at_repeat: 0\n  max_repeats: 0\n")
	if err != nil {
		t.Fatal(err)
	}
	if r.Scan != nil || r.Digest != nil || r.WarnAt != 0 || r.EscalateAtRepeat != 0 {
		t.Errorf("rules %+v, want everything off", r)
	}
}

func TestSLAInvalid(t *testing.T) {
	tests := []struct{ name, yaml, key string }{
		{"bad scan", "sla: {scan: every minute}\n", "sla.scan"},
		{"bad digest", "sla: {digest: \"30 25 * * 1-5\"}\n", "sla.digest"},
		{"warn_at of 1", "sla: {warn_at: 1}\n", "sla.warn_at"},
		{"negative warn_at", "sla: {warn_at: -0.5}\n", "sla.warn_at"},
		{"bad repeat_every", "sla: {repeat_every: hourly}\n", "sla.repeat_every"},
		{"negative max_repeats", "sla: {max_repeats: -1, escalate_at_repeat: 0}\n", "sla.max_repeats"},
		{"escalation after the last repeat", "sla: {max_repeats: 2, escalate_at_repeat: 3}\n", "sla.escalate_at_repeat"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Load reports it once validateSLA runs among its checks; Rules reports it always.
			_, _, err := loadSLA(t, tt.yaml)
			var ce *config.Error
			if !errors.As(err, &ce) {
				t.Fatalf("error = %v, want a *config.Error", err)
			}
			if ce.Key != tt.key {
				t.Errorf("error key = %q, want %q (%v)", ce.Key, tt.key, err)
			}
		})
	}
}
