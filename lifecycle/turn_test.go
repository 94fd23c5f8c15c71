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
