package flows_test

import (
	"testing"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/flows"
)

// TestSurveyRules checks what the golden transcripts do not show: an application in progress is
// never interrupted by an invitation, the answer words, a survey left idle ends by itself, and
// a saved survey at a question the office no longer has starts over plainly.
func TestSurveyRules(t *testing.T) {
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	e := flows.New(cfg.FlowOptions())
	acc, _ := cfg.Account("nik")
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, cfg.Office.Location)
	env := flows.Env{Now: now, Account: acc.Flow()}
	say := func(st flows.State, s string) flows.Result {
		return e.Step(env, st, flows.Input{ID: "IN", Kind: ketanmu.KindText, Text: s})
	}

	if _, ok := e.Invite(flows.State{Greeted: true, Step: "validasi_nik@nik", Draft: &flows.Draft{Service: "validasi_nik"}}, "NIK-1", now); ok {
		t.Error("invited in the middle of an application")
	}
	if _, ok := e.Invite(flows.State{Greeted: true, Step: "info@topic"}, "NIK-1", now); !ok {
		t.Error("not invited while reading information")
	}
	invited, ok := e.Invite(flows.State{Greeted: true}, "NIK-1", now)
	if !ok || invited.Step != "skm@invite" {
		t.Fatalf("Invite = %+v, %v", invited, ok)
	}
	asking := say(invited, "ya").State

	for word, want := range map[string]int{"1": 1, "4": 4, "tidak sesuai": 1, "Sangat sesuai!": 4, "puas": 3, "kurang baik": 2, "sangat puas": 4} {
		res := say(asking, word)
		if len(res.Effects) != 1 || res.Effects[0] != (flows.SurveyAnswer{Number: "NIK-1", Element: 1, Score: want}) {
			t.Errorf("U1 %q: effects %+v, want score %d", word, res.Effects, want)
		}
	}
	for _, word := range []string{"5", "0", "tidak", "sesuai sekali", "mudah"} { // "mudah" answers U2, not U1
		if res := say(asking, word); len(res.Effects) != 0 || res.State.Step != "skm@question" {
			t.Errorf("U1 %q: %+v at %s, want no answer and the question again", word, res.Effects, res.State.Step)
		}
	}
	// Another word that works everywhere leaves the survey and does its usual job.
	if res := say(asking, "petugas"); res.State.Step != "" || res.State.Survey != nil || len(res.Effects) != 1 {
		t.Errorf("petugas in the survey: step %q, effects %+v", res.State.Step, res.Effects)
	}
	// Left for longer than flows.idle_timeout: the survey is over, the message is read as usual.
	env.Now = now.Add(cfg.Flows.IdleTimeout + time.Minute)
	if res := say(asking, "3"); res.State.Survey != nil || len(res.Effects) != 0 {
		t.Errorf("a day later, 3 was still taken for the survey: %+v", res)
	}
	env.Now = now
	gone := asking
	gone.Survey = &flows.Survey{Number: "NIK-1", Next: 12}
	if res := say(gone, "3"); res.State.Survey != nil || len(res.Effects) != 0 {
		t.Errorf("a survey at a question the office does not have: %+v", res)
	}
}
