package lifecycle_test

import (
	"testing"
	"time"

	"github.com/ketanmu/ketanmu"

	"github.com/ketanmu/ketanmu/lifecycle"
	"github.com/ketanmu/ketanmu/sla"
)

func TestStageRules(t *testing.T) {
	for _, s := range ketanmu.Stages {
		if got, want := lifecycle.Closed(s), s == ketanmu.StageDone || s == ketanmu.StageRejected; got != want {
			t.Errorf("Closed(%s) = %v, want %v", s, got, want)
		}
		residentsTurn := s == ketanmu.StageNeedsFix || s == ketanmu.StageValidated || s == ketanmu.StageAwaitingFiles
		if got, want := lifecycle.PausesClock(s), residentsTurn; got != want {
			t.Errorf("PausesClock(%s) = %v, want %v", s, got, want)
		}
	}
	if lifecycle.Known("approved") || !lifecycle.Known(ketanmu.StagePrinted) {
		t.Error("Known is wrong about approved or printed")
	}
}

func TestHasRole(t *testing.T) {
	op := []ketanmu.Role{ketanmu.RoleOperator}
	sup := []ketanmu.Role{ketanmu.RoleSupervisor}
	for _, tc := range []struct {
		roles []ketanmu.Role
		need  ketanmu.Role
		want  bool
	}{
		{nil, "", false}, // nobody is not staff, even where any operator may act
		{op, "", true},
		{op, ketanmu.RoleValidator, false},
		{[]ketanmu.Role{ketanmu.RoleOperator, ketanmu.RoleValidator}, ketanmu.RoleValidator, true},
		{sup, ketanmu.RoleKepala, true},
		{sup, "", true},
	} {
		if got := lifecycle.HasRole(tc.roles, tc.need); got != tc.want {
			t.Errorf("HasRole(%v, %q) = %v, want %v", tc.roles, tc.need, got, tc.want)
		}
	}
	complaints := lifecycle.Profile{ViewRole: ketanmu.RolePengaduan}
	if complaints.CanSee(op) || !complaints.CanSee(sup) || !complaints.CanSee([]ketanmu.Role{ketanmu.RolePengaduan}) {
		t.Error("only complaints officers and supervisors may see a profile with view role pengaduan")
	}
}

func TestDeliveryConflict(t *testing.T) {
	handing := lifecycle.Profile{Transitions: map[ketanmu.Stage][]ketanmu.Stage{
		ketanmu.StageInProduction: {ketanmu.StageShipped, ketanmu.StageReadyForPickup, ketanmu.StageDone},
	}}
	for _, tc := range []struct {
		from, to ketanmu.Stage
		d        ketanmu.Delivery
		want     bool
	}{
		{ketanmu.StageInProduction, ketanmu.StageShipped, ketanmu.DeliveryPickup, true},
		{ketanmu.StageInProduction, ketanmu.StageReadyForPickup, ketanmu.DeliveryPost, true},
		{ketanmu.StageInProduction, ketanmu.StageShipped, ketanmu.DeliveryPost, false},
		{ketanmu.StageInProduction, ketanmu.StageReadyForPickup, ketanmu.DeliveryPickup, false},
		{ketanmu.StageInProduction, ketanmu.StageShipped, ketanmu.DeliveryNone, false},
		{ketanmu.StageReadyForPickup, ketanmu.StageDone, ketanmu.DeliveryPickup, false},
		{ketanmu.StageShipped, ketanmu.StageDone, ketanmu.DeliveryPost, false},
		{ketanmu.StageDelivered, ketanmu.StageDone, ketanmu.DeliveryPost, false},
		{ketanmu.StageInProduction, ketanmu.StageShipped, ketanmu.DeliveryElectronic, true},
		{ketanmu.StageInProduction, ketanmu.StageDone, ketanmu.DeliveryElectronic, false},
		{ketanmu.StageSigned, ketanmu.StageDone, ketanmu.DeliveryElectronic, false},
		// The PDF's shortcut is not a way to close a paper document's case unseen.
		{ketanmu.StageInProduction, ketanmu.StageDone, ketanmu.DeliveryPost, true},
		{ketanmu.StageSigned, ketanmu.StageDone, ketanmu.DeliveryPickup, true},
		// Services without delivery (validasi NIK, complaints) close from where they are.
		{ketanmu.StageVerifying, ketanmu.StageDone, ketanmu.DeliveryNone, false},
	} {
		if got := handing.DeliveryConflict(tc.from, tc.to, tc.d); got != tc.want {
			t.Errorf("DeliveryConflict(%s, %s, %q) = %v, want %v", tc.from, tc.to, tc.d, got, tc.want)
		}
	}
	// A profile that hands nothing over (complaints) closes whatever a stray detail says.
	complaints := lifecycle.Profile{Transitions: map[ketanmu.Stage][]ketanmu.Stage{
		ketanmu.StageVerifying: {ketanmu.StageDone, ketanmu.StageRejected},
	}}
	if complaints.DeliveryConflict(ketanmu.StageVerifying, ketanmu.StageDone, ketanmu.DeliveryPickup) {
		t.Error("a profile without post or counter refuses done")
	}
}

// TestEnter follows a case's clock: each stage's deadline starts when it is entered, waiting on
// the resident keeps the working time left, and answering gives it back.
func TestEnter(t *testing.T) {
	loc := time.FixedZone("WIB", 7*3600)
	cal := sla.NewCalendar(loc, sla.DefaultWeek(), nil)
	p := lifecycle.Profile{Deadlines: map[ketanmu.Stage]sla.Duration{
		ketanmu.StageSubmitted: {Work: 7 * time.Hour}, ketanmu.StageVerifying: {Work: 90 * time.Minute}}}
	mon9 := time.Date(2026, 11, 23, 9, 0, 0, 0, loc) // Monday
	due := cal.Add(mon9, sla.Duration{Days: 3})

	t0 := p.Enter(cal, mon9, lifecycle.Timing{Due: due}, ketanmu.StageSubmitted)
	if want := cal.Add(mon9, sla.Duration{Work: 7 * time.Hour}); !t0.StageDue.Equal(want) {
		t.Errorf("submitted due %v, want %v", t0.StageDue, want)
	}
	t1 := p.Enter(cal, mon9.Add(time.Hour), t0, ketanmu.StageVerifying)
	if want := mon9.Add(150 * time.Minute); !t1.StageDue.Equal(want) {
		t.Errorf("verifying due %v, want %v", t1.StageDue, want)
	}
	fix := p.Enter(cal, mon9.Add(2*time.Hour), t1, ketanmu.StageNeedsFix)
	if fix.Paused != cal.Between(mon9.Add(2*time.Hour), due) || !fix.StageDue.IsZero() {
		t.Errorf("needs_fix keeps %v (stage due %v), want the working time left to %v", fix.Paused, fix.StageDue, due)
	}
	// The resident answers on Thursday: the time left starts again from then.
	thu9 := time.Date(2026, 11, 26, 9, 0, 0, 0, loc)
	back := p.Enter(cal, thu9, fix, ketanmu.StageSubmitted)
	if want := cal.Add(thu9, sla.Duration{Work: fix.Paused}); !back.Due.Equal(want) {
		t.Errorf("due after the fix = %v, want %v", back.Due, want)
	}
	// A case already late when sent back stays late: nothing was left to keep.
	late := p.Enter(cal, due.Add(24*time.Hour), lifecycle.Timing{Stage: ketanmu.StageVerifying, Due: due}, ketanmu.StageNeedsFix)
	if late.Paused != 0 {
		t.Errorf("a late case keeps %v, want nothing", late.Paused)
	}
	if closed := p.Enter(cal, thu9, fix, ketanmu.StageRejected); !closed.Due.Equal(due) {
		t.Errorf("closing from needs_fix moved the due date to %v", closed.Due)
	}
}
