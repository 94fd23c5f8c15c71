package lifecycle_test

import (
	"testing"
	"time"

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
	due := p.Promise(cal, start, lifecycle.Path{Delivery: lifecycle.DeliveryPost})
	in := lifecycle.Timing{Stage: lifecycle.Verifying, Due: due}
	validated := p.Enter(cal, start, in, lifecycle.Validated)
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
			posted := p.Enter(cal, c.arrives.Add(-time.Hour), validated, lifecycle.AwaitingFiles)
			received := p.Enter(cal, c.arrives, posted, lifecycle.FilesReceived)
			shift := cal.Between(allowance, c.arrives) - cal.Between(c.arrives, allowance)
			if got, want := cal.Between(start, received.Due), cal.Between(start, due)+shift; got != want {
				t.Errorf("due after the files came = %s (%s of working time), want %s", received.Due, got, want)
			}
			if lifecycle.ResidentLate(lifecycle.Validated, due, c.arrives) || lifecycle.ResidentLate(lifecycle.AwaitingFiles, due, c.arrives) {
				t.Error("a case waiting for the resident's files counts as late")
			}
		})
	}
	if !lifecycle.PausesClock(lifecycle.Validated) || !lifecycle.PausesClock(lifecycle.AwaitingFiles) {
		t.Error("the clock runs while the resident's files are awaited")
	}
}

// TestResumeWithUnknownTimeLeft: a case whose clock migration 016 stopped without recording the
// time left (PausedUnknown) gets, when the files come, the configured deadlines of the rest of its
// path, not its old due date (long past by then); a case that was late when it was paused stays
// late.
func TestResumeWithUnknownTimeLeft(t *testing.T) {
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	p, cal := cfg.Profiles["pak_pos"], cfg.Office.Calendar
	filed := time.Date(2026, 11, 2, 9, 0, 0, 0, cfg.Office.Location)
	arrives := time.Date(2026, 11, 25, 9, 0, 0, 0, cfg.Office.Location) // a Wednesday
	post := lifecycle.DeliveryPost
	for _, tc := range []struct {
		name string
		from lifecycle.Stage
		path lifecycle.Path
		rest sla.Duration // the office's time after the files come, as the promise counts it
	}{
		// files received 2h, production 5h, signing 3h30m, signed 3h30m, printed, shipped, delivered 1d each
		{"signed document by post", lifecycle.Validated, lifecycle.Path{Delivery: post}, sla.Duration{Days: 5}},
		{"card by post", lifecycle.AwaitingFiles, lifecycle.Path{Delivery: post, Card: true}, sla.Duration{Days: 4}},
		{"signed PDF in the chat", lifecycle.Validated, lifecycle.Path{Delivery: lifecycle.DeliveryElectronic}, sla.Duration{Days: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			old := p.Promise(cal, filed, tc.path)
			paused := lifecycle.Timing{Stage: tc.from, Due: old, Paused: lifecycle.PausedUnknown, Path: tc.path}
			got := p.Enter(cal, arrives, paused, lifecycle.FilesReceived)
			if want := cal.Add(arrives, tc.rest); !got.Due.Equal(want) {
				t.Errorf("due after the files came = %s, want %s (%s after they came; old due %s)", got.Due, want, tc.rest, old)
			}
		})
	}
	late := lifecycle.Timing{Stage: lifecycle.Validated, Due: filed, Paused: 0}
	if got := p.Enter(cal, arrives, late, lifecycle.FilesReceived); !got.Due.Equal(filed) {
		t.Errorf("a case late when paused moved its due to %s; want it kept at %s", got.Due, filed)
	}
}
