package lifecycle_test

import (
	"testing"
	"time"

	"github.com/ketanmu/ketanmu"

	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/lifecycle"
	"github.com/ketanmu/ketanmu/sla"
)

// TestPromiseAgreesWithStages walks every profile's usual path, entering each stage at the
// deadline of the one before: the case must close exactly on the date promised to the resident.
func TestPromiseAgreesWithStages(t *testing.T) {
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	cal := cfg.Office.Calendar
	starts := []string{"2026-11-25T09:00:00+07:00", "2026-11-27T10:00:00+07:00", "2026-11-28T10:00:00+07:00", "2026-11-26T14:50:00+07:00"}
	for name, p := range cfg.Profiles {
		if len(p.Deadlines) == 0 {
			// No stage deadlines (privasi): the profile promises nothing; the case carries the
			// deadline set when it is opened.
			if got := p.Promise(cal, time.Now(), lifecycle.Path{}); !got.IsZero() {
				t.Errorf("%s has no deadlines but promises %s", name, got)
			}
			continue
		}
		paths := []lifecycle.Path{{Delivery: ketanmu.DeliveryPost, Card: true}, {Delivery: ketanmu.DeliveryPickup, Card: true}}
		for _, d := range []ketanmu.Delivery{ketanmu.DeliveryPost, ketanmu.DeliveryPickup, ketanmu.DeliveryElectronic, ketanmu.DeliveryNone} {
			paths = append(paths, lifecycle.Path{Delivery: d})
		}
		for _, d := range paths {
			for _, start := range starts {
				now, _ := time.Parse(time.RFC3339, start)
				promise := p.Promise(cal, now, d)
				tm := p.Enter(cal, now, lifecycle.Timing{}, ketanmu.StageSubmitted)
				at := now
				for !lifecycle.Closed(tm.Stage) {
					if !tm.StageDue.IsZero() {
						at = tm.StageDue
					}
					next, ok := p.NextStage(tm.Stage, d)
					if !ok {
						t.Fatalf("%s: no next stage from %s", name, tm.Stage)
					}
					tm = p.Enter(cal, at, tm, next)
				}
				if !at.Equal(promise) {
					t.Errorf("%s/%+v from %s: last stage deadline %s, promised %s", name, d, start, at, promise)
				}
			}
		}
	}
}

// TestPromiseTimeStandards checks the promises against the offices' time standards.
func TestPromiseTimeStandards(t *testing.T) {
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	cal := cfg.Office.Calendar
	wed, _ := time.Parse(time.RFC3339, "2026-11-25T09:00:00+07:00")
	post, pickup, pdf := ketanmu.DeliveryPost, ketanmu.DeliveryPickup, ketanmu.DeliveryElectronic
	for _, tc := range []struct {
		profile string
		d       lifecycle.Path
		want    sla.Duration
	}{
		{"pos_ketanmu", lifecycle.Path{Delivery: post}, sla.Duration{Days: 3}}, // POS KETANMU: 3 working days
		{"pos_ketanmu", lifecycle.Path{Delivery: pickup}, sla.Duration{Days: 1}},
		{"validasi_nik", lifecycle.Path{}, sla.Duration{Work: 30 * time.Minute}},
		{"pengaduan", lifecycle.Path{}, sla.Duration{Days: 5}},
		// PAK POS: a day at the front office, 3 days for the files by post, a day each for
		// production, the signature and the printing, and by post 2 more.
		{"pak_pos", lifecycle.Path{Delivery: post}, sla.Duration{Days: 9}},
		{"pak_pos", lifecycle.Path{Delivery: pickup}, sla.Duration{Days: 7}},
		// A card (KTP-el, KIA) is printed after production: no day for the signature.
		{"pak_pos", lifecycle.Path{Delivery: post, Card: true}, sla.Duration{Days: 8}},
		{"pak_pos", lifecycle.Path{Delivery: pickup, Card: true}, sla.Duration{Days: 6}},
		// A signed PDF in the chat closes once signed: no printing, no post, no counter.
		{"pak_pos", lifecycle.Path{Delivery: pdf}, sla.Duration{Days: 6}},
	} {
		got := cfg.Profiles[tc.profile].Promise(cal, wed, tc.d)
		if want := cal.Add(wed, tc.want); !got.Equal(want) {
			t.Errorf("%s/%+v promise from %s = %s, want %s (%s)", tc.profile, tc.d, wed, got, want, tc.want)
		}
	}
}

func TestResidentLate(t *testing.T) {
	due, _ := time.Parse(time.RFC3339, "2026-11-30T09:00:00+07:00")
	before, after := due.Add(-time.Minute), due.Add(time.Minute)
	for _, tc := range []struct {
		stage ketanmu.Stage
		now   time.Time
		want  bool
	}{
		{ketanmu.StageVerifying, before, false}, // a stage overrun before the promised date: operators only
		{ketanmu.StageVerifying, after, true},
		{ketanmu.StageInProduction, due, true},
		{ketanmu.StageNeedsFix, after, false},      // waits on the resident
		{ketanmu.StageAwaitingFiles, after, false}, // the resident's files are in the post
		{ketanmu.StageValidated, after, false},     // the resident is to post the files
		{ketanmu.StageSigned, after, true},
		{ketanmu.StageReadyForPickup, after, false}, // the document is ready
		{ketanmu.StageDone, after, false},
	} {
		if got := lifecycle.ResidentLate(tc.stage, due, tc.now); got != tc.want {
			t.Errorf("ResidentLate(%s, due %s, now %s) = %v, want %v", tc.stage, due, tc.now, got, tc.want)
		}
	}
	if lifecycle.ResidentLate(ketanmu.StageVerifying, time.Time{}, after) {
		t.Error("a case without a promised date is never late for the resident")
	}
}

// TestPromiseAcrossTheYear checks that a case filed at the end of the published holidays is
// promised a working day of the next year, not its New Year's Day.
func TestPromiseAcrossTheYear(t *testing.T) {
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	filed := time.Date(2026, 12, 29, 9, 0, 0, 0, cfg.Office.Location)
	got := cfg.Promise("kk_ktp", lifecycle.Path{Delivery: ketanmu.DeliveryPost}, filed)
	if want := time.Date(2027, 1, 4, 9, 0, 0, 0, cfg.Office.Location); !got.Equal(want) {
		t.Errorf("promise for 29 December 2026 = %s, want %s (1 January 2027 is a holiday)", got, want)
	}
}
