package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu/config"
)

func TestSKMDefaults(t *testing.T) {
	for _, path := range []string{"", "../docs/examples/wonogiri.yaml"} {
		cfg := MustLoad(t, path)
		s := cfg.SKM
		if !s.Enabled || s.MinInterval != 30*24*time.Hour || len(s.Elements) != 9 {
			t.Errorf("%q: skm = enabled %v, min_interval %v, %d elements; want on, 30 days, 9", path, s.Enabled, s.MinInterval, len(s.Elements))
		}
		for svc, want := range map[string]bool{"kk_ktp": true, "validasi_nik": true, "pengaduan": false, "privasi": false} {
			if got := s.Surveys(svc); got != want {
				t.Errorf("%q: Surveys(%s) = %v, want %v", path, svc, got, want)
			}
		}
	}
	if won := MustLoad(t, "../docs/examples/wonogiri.yaml"); !strings.Contains(won.SKM.Elements[3].Question, "Pos") {
		t.Errorf("Wonogiri U4 = %q, want the question about the post's fees", won.SKM.Elements[3].Question)
	}
	s := config.SKM{Enabled: true, IncludeComplaints: true, IncludePrivacy: true}
	if !s.Surveys("pengaduan") || !s.Surveys("privasi") {
		t.Error("include_complaints and include_privacy do not survey them")
	}
	if (config.SKM{}).Surveys("kk_ktp") {
		t.Error("a disabled survey surveys")
	}
}

func TestSKMValidation(t *testing.T) {
	for name, tt := range map[string]struct{ yaml, key string }{
		"interval":      {"skm:\n  min_interval: sebulan\n", "skm.min_interval"},
		"too few":       {"skm:\n  elements:\n    - {code: U1, name: a, question: b, answers: [1, 2, 3, 4]}\n", "skm.elements"},
		"out of order":  {"skm:\n  elements:\n" + strings.Repeat("    - {code: U2, name: a, question: b, answers: [1, 2, 3, 4]}\n", 9), "skm.elements[0].code"},
		"three answers": {"skm:\n  elements:\n" + elements(9, "[1, 2, 3]"), "skm.elements[0].answers"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := config.Load(MustWrite(t, tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.key) {
				t.Errorf("Load = %v, want an error naming %s", err, tt.key)
			}
		})
	}
	if _, err := config.Load(MustWrite(t, "skm:\n  elements:\n"+elements(9, "[a, b, c, d]"))); err != nil {
		t.Errorf("nine elements in order: %v", err)
	}
}

func elements(n int, answers string) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		b.WriteString("    - {code: U" + string(rune('0'+i)) + ", name: a, question: b, answers: " + answers + "}\n")
	}
	return b.String()
}
