package lifecycle_test

import (
	"testing"
	"time"

	"github.com/ketanmu/ketanmu/lifecycle"
	"github.com/ketanmu/ketanmu/sla"
)

func TestStageRules(t *testing.T) {
	for _, s := range lifecycle.Stages {
		if got, want := lifecycle.Closed(s), s == lifecycle.Done || s == lifecycle.Rejected; got != want {
			t.Errorf("Closed(%s) = %v, want %v", s, got, want)
		}
		residentsTurn := s == lifecycle.NeedsFix || s == lifecycle.Validated || s == lifecycle.AwaitingFiles
		if got, want := lifecycle.PausesClock(s), residentsTurn; got != want {
			t.Errorf("PausesClock(%s) = %v, want %v", s, got, want)
		}
	}
	if lifecycle.Known("approved") || !lifecycle.Known(lifecycle.Printed) {
		t.Error("Known is wrong about approved or printed")
	}
}

func TestHasRole(t *testing.T) {
	op := []lifecycle.Role{lifecycle.RoleOperator}
	sup := []lifecycle.Role{lifecycle.RoleSupervisor}
	for _, tc := range []struct {
		roles []lifecycle.Role
		need  lifecycle.Role
		want  bool
	}{
		{nil, "", false}, // nobody is not staff, even where any operator may act
		{op, "", true},
		{op, lifecycle.RoleValidator, false},
		{[]lifecycle.Role{lifecycle.RoleOperator, lifecycle.RoleValidator}, lifecycle.RoleValidator, true},
		{sup, lifecycle.RoleKepala, true},
		{sup, "", true},
	} {
		if got := lifecycle.HasRole(tc.roles, tc.need); got != tc.want {
			t.Errorf("HasRole(%v, %q) = %v, want %v", tc.roles, tc.need, got, tc.want)
		}
	}
	complaints := lifecycle.Profile{ViewRole: lifecycle.RolePengaduan}
	if complaints.CanSee(op) || !complaints.CanSee(sup) || !complaints.CanSee([]lifecycle.Role{lifecycle.RolePengaduan}) {
		t.Error("only complaints officers and supervisors may see a profile with view role pengaduan")
	}
}

func TestDeliveryConflict(t *testing.T) {
	handing := lifecycle.Profile{Transitions: map[lifecycle.Stage][]lifecycle.Stage{
		lifecycle.InProduction: {lifecycle.Shipped, lifecycle.ReadyForPickup, lifecycle.Done},
	}}
	for _, tc := range []struct {
		from, to lifecycle.Stage
		d        lifecycle.Delivery
		want     bool
	}{
		{lifecycle.InProduction, lifecycle.Shipped, lifecycle.DeliveryPickup, true},
		{lifecycle.InProduction, lifecycle.ReadyForPickup, lifecycle.DeliveryPost, true},
		{lifecycle.InProduction, lifecycle.Shipped, lifecycle.DeliveryPost, false},
		{lifecycle.InProduction, lifecycle.ReadyForPickup, lifecycle.DeliveryPickup, false},
		{lifecycle.InProduction, lifecycle.Shipped, lifecycle.DeliveryNone, false},
		{lifecycle.ReadyForPickup, lifecycle.Done, lifecycle.DeliveryPickup, false},
		{lifecycle.Shipped, lifecycle.Done, lifecycle.DeliveryPost, false},
		{lifecycle.Delivered, lifecycle.Done, lifecycle.DeliveryPost, false},
		{lifecycle.InProduction, lifecycle.Shipped, lifecycle.DeliveryElectronic, true},
		{lifecycle.InProduction, lifecycle.Done, lifecycle.DeliveryElectronic, false},
		{lifecycle.Signed, lifecycle.Done, lifecycle.DeliveryElectronic, false},
		// The PDF's shortcut is not a way to close a paper document's case unseen.
		{lifecycle.InProduction, lifecycle.Done, lifecycle.DeliveryPost, true},
		{lifecycle.Signed, lifecycle.Done, lifecycle.DeliveryPickup, true},
		// Services without delivery (validasi NIK, complaints) close from where they are.
		{lifecycle.Verifying, lifecycle.Done, lifecycle.DeliveryNone, false},
	} {
		if got := handing.DeliveryConflict(tc.from, tc.to, tc.d); got != tc.want {
			t.Errorf("DeliveryConflict(%s, %s, %q) = %v, want %v", tc.from, tc.to, tc.d, got, tc.want)
		}
	}
	// A profile that hands nothing over (complaints) closes whatever a stray detail says.
	complaints := lifecycle.Profile{Transitions: map[lifecycle.Stage][]lifecycle.Stage{
		lifecycle.Verifying: {lifecycle.Done, lifecycle.Rejected},
	}}
	if complaints.DeliveryConflict(lifecycle.Verifying, lifecycle.Done, lifecycle.DeliveryPickup) {
		t.Error("a profile without post or counter refuses done")
	}
}

// TestEnter follows a case's clock: each stage's deadline starts when it is entered, waiting on
// the resident keeps the working time left, and answering gives it back.
func TestEnter(t *testing.T) {
	loc := time.FixedZone("WIB", 7*3600)
	cal := sla.NewCalendar(loc, sla.DefaultWeek(), nil)
	p := lifecycle.Profile{Deadlines: map[lifecycle.Stage]sla.Duration{
		lifecycle.Submitted: {Work: 7 * time.Hour}, lifecycle.Verifying: {Work: 90 * time.Minute}}}
	mon9 := time.Date(2026, 11, 23, 9, 0, 0, 0, loc) // Monday
	due := cal.Add(mon9, sla.Duration{Days: 3})

	t0 := p.Enter(cal, mon9, lifecycle.Timing{Due: due}, lifecycle.Submitted)
	if want := cal.Add(mon9, sla.Duration{Work: 7 * time.Hour}); !t0.StageDue.Equal(want) {
		t.Errorf("submitted due %v, want %v", t0.StageDue, want)
	}
	t1 := p.Enter(cal, mon9.Add(time.Hour), t0, lifecycle.Verifying)
	if want := mon9.Add(150 * time.Minute); !t1.StageDue.Equal(want) {
		t.Errorf("verifying due %v, want %v", t1.StageDue, want)
	}
	fix := p.Enter(cal, mon9.Add(2*time.Hour), t1, lifecycle.NeedsFix)
	if fix.Paused != cal.Between(mon9.Add(2*time.Hour), due) || !fix.StageDue.IsZero() {
		t.Errorf("needs_fix keeps %v (stage due %v), want the working time left to %v", fix.Paused, fix.StageDue, due)
	}
	// The resident answers on Thursday: the time left starts again from then.
	thu9 := time.Date(2026, 11, 26, 9, 0, 0, 0, loc)
	back := p.Enter(cal, thu9, fix, lifecycle.Submitted)
	if want := cal.Add(thu9, sla.Duration{Work: fix.Paused}); !back.Due.Equal(want) {
		t.Errorf("due after the fix = %v, want %v", back.Due, want)
	}
	// A case already late when sent back stays late: nothing was left to keep.
	late := p.Enter(cal, due.Add(24*time.Hour), lifecycle.Timing{Stage: lifecycle.Verifying, Due: due}, lifecycle.NeedsFix)
	if late.Paused != 0 {
		t.Errorf("a late case keeps %v, want nothing", late.Paused)
	}
	if closed := p.Enter(cal, thu9, fix, lifecycle.Rejected); !closed.Due.Equal(due) {
		t.Errorf("closing from needs_fix moved the due date to %v", closed.Due)
	}
}
