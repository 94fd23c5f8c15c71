package flows_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/flows"
)

// TestFixRoundTrip: the resident's answers to a fix. Ticked documents are asked one by one with
// the count filled ("1 dari 2"); a fix asked in words takes any photo or text as the answer, at
// once, and asks for no document.
func TestFixRoundTrip(t *testing.T) {
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	engine := flows.New(cfg.FlowOptions())
	acc, _ := cfg.Account("kkktp")
	env := flows.Env{Now: time.Date(2026, 11, 25, 9, 0, 0, 0, cfg.Office.Location), Account: acc.Flow()}
	photo := func(id, caption string) flows.Input {
		return flows.Input{ID: id, Kind: ketanmu.KindImage, Text: caption, Media: &flows.Media{Mime: "image/jpeg",
			Filename: id + ".jpg", Size: 90000, SHA256: id, Width: 1200, Height: 900, Readable: true}}
	}
	text := func(s string) flows.Input { return flows.Input{ID: "T", Kind: ketanmu.KindText, Text: s} }
	reopen := func(what string, docs ...string) flows.State {
		return engine.Reopen(flows.State{Greeted: true}, flows.FixRequest{Number: "KTP-261125-0001", Service: "kk_ktp", What: what, Docs: docs})
	}
	noPlaceholder := func(t *testing.T, res flows.Result) {
		t.Helper()
		for _, r := range res.Replies {
			if m := placeholder.FindString(r); m != "" && m != "{number}" {
				t.Errorf("unfilled %s in %q", m, r)
			}
		}
	}

	t.Run("ticked documents", func(t *testing.T) {
		st := reopen("foto buram", "kk", "ktp_el")
		res := engine.Step(env, st, photo("P1", ""))
		noPlaceholder(t, res)
		if all := strings.Join(res.Replies, "\n"); !strings.Contains(all, "(1 dari 2)") {
			t.Errorf("after the first of two documents: %q", all)
		}
		if fixDone(res) != nil {
			t.Fatal("the fix ended with one of two documents")
		}
		res = engine.Step(env, res.State, photo("P2", ""))
		noPlaceholder(t, res)
		done := fixDone(res)
		if done == nil || len(done.Documents) != 2 || done.Documents[0].Key != "kk" || done.Documents[1].Key != "ktp_el" {
			t.Fatalf("after both documents: %+v", done)
		}
	})
	t.Run("in words, a photo", func(t *testing.T) {
		res := engine.Step(env, reopen("Mohon kirim foto akta kelahiran Ibu"), photo("P1", "ini pak"))
		noPlaceholder(t, res)
		done := fixDone(res)
		if done == nil || len(done.Documents) != 1 || done.Documents[0].Key != "lampiran" {
			t.Fatalf("the photo did not answer the fix: %+v, replies %q", done, res.Replies)
		}
		if res.State.Fix != nil || len(res.Replies) != 1 {
			t.Errorf("after the answer: fix %+v, replies %q", res.State.Fix, res.Replies)
		}
	})
	t.Run("in words, a text", func(t *testing.T) {
		res := engine.Step(env, reopen("Nama ibu kandung siapa?"), text("Siti Aminah"))
		noPlaceholder(t, res)
		if done := fixDone(res); done == nil || done.Note != "Siti Aminah" || len(done.Documents) != 0 {
			t.Fatalf("the text did not answer the fix: %+v", done)
		}
	})
}

func fixDone(res flows.Result) *flows.FixDone {
	for _, e := range res.Effects {
		if d, ok := e.(flows.FixDone); ok {
			return &d
		}
	}
	return nil
}
