package flows_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/flows"
)

// TestStateFromAnotherRelease replays drafts as an older release saved them (no version field):
// a step this release still has resumes as it was; a step it no longer has resumes at the
// draft's first unanswered question with a plain word; a service it no longer has tells the
// resident to start again. Never a silent jump to the menu.
func TestStateFromAnotherRelease(t *testing.T) {
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	engine := flows.New(cfg.FlowOptions())
	acc, _ := cfg.Account("nik")
	env := flows.Env{Now: time.Date(2026, 11, 25, 9, 0, 0, 0, cfg.Office.Location), Account: acc.Flow()}
	text := func(s string) flows.Input { return flows.Input{ID: "IN1", Kind: ketanmu.KindText, Text: s} }
	tests := []struct {
		name, saved, input string
		wantStep           string
		wantSay            []string // texts keys whose text must be in the replies
		wantDraft          bool
	}{
		{"a step that still exists", `{"greeted":true,"step":"kk_ktp@name","last_active":"2026-11-25T08:59:00+07:00","draft":{"service":"kk_ktp","subtype":"kk_baru","nik":"3516131204850003"}}`,
			"Budi Santoso", "kk_ktp@docs", nil, true},
		{"a step that is gone", `{"greeted":true,"step":"kk_ktp@parents","draft":{"service":"kk_ktp","subtype":"kk_baru","nik":"3516131204850003"}}`,
			"halo", "kk_ktp@name", []string{"state_changed", "ask_name"}, true},
		{"a paused step that is gone", `{"greeted":true,"step":"resume","draft":{"service":"kk_ktp","subtype":"kk_baru","paused":"kk_ktp@parents"}}`,
			"1", "kk_ktp@nik", []string{"state_changed", "ask_nik"}, true},
		{"a service that is gone", `{"greeted":true,"step":"paspor@nik","draft":{"service":"paspor"}}`,
			"halo", "", []string{"state_restart"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := flows.LoadState([]byte(tt.saved))
			if err != nil {
				t.Fatal(err)
			}
			res := engine.Step(env, st, text(tt.input))
			if res.State.Step != tt.wantStep {
				t.Errorf("step = %q, want %q; replies %q", res.State.Step, tt.wantStep, res.Replies)
			}
			if got := res.State.Draft != nil; got != tt.wantDraft {
				t.Errorf("draft kept = %v, want %v", got, tt.wantDraft)
			}
			all := strings.Join(res.Replies, "\n")
			for _, key := range tt.wantSay {
				if want := cfg.Texts.Get(key); !strings.Contains(all, strings.Split(want, "{")[0]) {
					t.Errorf("replies %q lack %s (%q)", res.Replies, key, want)
				}
			}
			saved, err := flows.SaveState(res.State)
			if err != nil {
				t.Fatal(err)
			}
			again, err := flows.LoadState(saved)
			if err != nil || again.V != flows.StateVersion {
				t.Errorf("saved state reads back as version %d (%v), want %d", again.V, err, flows.StateVersion)
			}
		})
	}
	if _, err := flows.LoadState([]byte(`{"step": "kk_ktp@nik"`)); err == nil {
		t.Error("LoadState of a truncated state = nil error, want an error (never a silent fresh start)")
	}
}
