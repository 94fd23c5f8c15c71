package lifecycle_test

import (
	"testing"
	"time"

	"github.com/ketanmu/ketanmu"

	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/lifecycle"
	"github.com/ketanmu/ketanmu/sla"
)

// TestValidatedWaitsOnTheResident: a PAK POS case waiting for the resident's envelope has its
// clock stopped; envelopes that come sooner or later than the allowance move the date by as
// much, and a late envelope is not the office's lateness.
func TestValidatedWaitsOnTheResident(t *testing.T) {
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	p, cal := cfg.Profiles["pak_pos"], cfg.Office.Calendar
	start := time.Date(2026, 11, 25, 9, 0, 0, 0, cfg.Office.Location)
	due := p.Promise(cal, start, lifecycle.Path{Delivery: ketanmu.DeliveryPost})
	in := lifecycle.Timing{Stage: ketanmu.StageVerifying, Due: due}
	validated := p.Enter(cal, start, in, ketanmu.StageValidated)
	allowance := cal.Add(start, sla.Duration{Days: 3})
	for _, c := range []struct {
		name    string
		arrives time.Time
	}{
		{"on the allowance", allowance},
		{"a day early", cal.Add(start, sla.Duration{Days: 2})},
		{"two days late", cal.Add(start, sla.Duration{Days: 5})},
	} {
		t.Run(c.name, func(t *testing.T) {
			posted := p.Enter(cal, c.arrives.Add(-time.Hour), validated, ketanmu.StageAwaitingFiles)
			received := p.Enter(cal, c.arrives, posted, ketanmu.StageFilesReceived)
			shift := cal.Between(allowance, c.arrives) - cal.Between(c.arrives, allowance)
			if got, want := cal.Between(start, received.Due), cal.Between(start, due)+shift; got != want {
				t.Errorf("due after the files came = %s (%s of working time), want %s", received.Due, got, want)
			}
			if lifecycle.ResidentLate(ketanmu.StageValidated, due, c.arrives) || lifecycle.ResidentLate(ketanmu.StageAwaitingFiles, due, c.arrives) {
				t.Error("a case waiting for the resident's files counts as late")
			}
		})
	}
	if !lifecycle.PausesClock(ketanmu.StageValidated) || !lifecycle.PausesClock(ketanmu.StageAwaitingFiles) {
		t.Error("the clock runs while the resident's files are awaited")
	}
}

// TestResumeWithUnknownTimeLeft: a case whose clock migration 016 stopped without recording the
// time left (PausedUnknown) resumes with the time derived from its stage's deadline while that
// is known (validated: the office's time after the resident's allowance), else with the
// configured deadlines of the rest of its path; never with its old due date alone (long past by
// then), unless it was late already.
func TestResumeWithUnknownTimeLeft(t *testing.T) {
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	p, cal := cfg.Profiles["pak_pos"], cfg.Office.Calendar
	filed := time.Date(2026, 11, 2, 9, 0, 0, 0, cfg.Office.Location)
	arrives := time.Date(2026, 11, 25, 9, 0, 0, 0, cfg.Office.Location) // a Wednesday
	post := lifecycle.Path{Delivery: ketanmu.DeliveryPost}
	due := p.Promise(cal, filed, post) // 9 working days
	allowance := cal.Add(filed, sla.Duration{Days: 7})
	if left := cal.Between(allowance, due); left <= 0 || left >= cal.Between(arrives, cal.Add(arrives, sla.Duration{Days: 5})) {
		t.Fatalf("the test needs an allowance ending before the due date with less than the path's rest left; left %s", left)
	}
	for _, tc := range []struct {
		name     string
		from     ketanmu.Stage
		stageDue time.Time // the stage's deadline as the row holds it (zero: none)
		path     lifecycle.Path
		want     time.Time
	}{
		// The allowance ended about 2 days before the due date: that office time is left, not
		// the 5 days the rest of the path would give.
		{"validated, deadline known", ketanmu.StageValidated, allowance, post,
			cal.Add(arrives, sla.Duration{Work: cal.Between(allowance, due)})},
		// The allowance ended after the due date: late it was, late it stays.
		{"validated, late when paused", ketanmu.StageValidated, cal.Add(filed, sla.Duration{Days: 10}), post, due},
		// No deadline of the allowance left in the row: the rest of the path's deadlines (files
		// received 2h, production 5h, signing and signed 3h30m each, printed, shipped, delivered 1d each).
		{"awaiting files, signed document by post", ketanmu.StageAwaitingFiles, time.Time{}, post,
			cal.Add(arrives, sla.Duration{Days: 5})},
		{"awaiting files, card by post", ketanmu.StageAwaitingFiles, time.Time{}, lifecycle.Path{Delivery: ketanmu.DeliveryPost, Card: true},
			cal.Add(arrives, sla.Duration{Days: 4})},
		{"awaiting files, signed PDF in the chat", ketanmu.StageAwaitingFiles, time.Time{}, lifecycle.Path{Delivery: ketanmu.DeliveryElectronic},
			cal.Add(arrives, sla.Duration{Days: 2})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			paused := lifecycle.Timing{Stage: tc.from, StageDue: tc.stageDue, Due: due, Paused: lifecycle.PausedUnknown, Path: tc.path}
			if got := p.Enter(cal, arrives, paused, ketanmu.StageFilesReceived); !got.Due.Equal(tc.want) {
				t.Errorf("due after the files came = %s, want %s (old due %s)", got.Due, tc.want, due)
			}
		})
	}
	// Posting the files (validated -> awaiting_files) keeps what the allowance's deadline told.
	paused := lifecycle.Timing{Stage: ketanmu.StageValidated, StageDue: allowance, Due: due, Paused: lifecycle.PausedUnknown}
	posted := p.Enter(cal, arrives.Add(-time.Hour), paused, ketanmu.StageAwaitingFiles)
	if want := cal.Between(paused.StageDue, due); posted.Paused != want {
		t.Errorf("time left after posting = %s, want %s", posted.Paused, want)
	}
}
