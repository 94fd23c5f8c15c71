// Package lifecycle holds the rules of a case's life as data and pure functions over the
// vocabulary of the root package (ketanmu.Stage, ketanmu.Role, ketanmu.Delivery): which stages
// close a case or stop its clock, the transitions each workflow profile allows, the role each
// needs, and the deadlines. Nothing else in ketanmu decides "closed" or who may move a case;
// profiles come from config.
package lifecycle

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ketanmu/ketanmu"

	"github.com/ketanmu/ketanmu/sla"
)

// Known reports whether s is a stage.
func Known(s ketanmu.Stage) bool { return slices.Contains(ketanmu.Stages, s) }

// Closed reports whether a stage ends the case.
func Closed(s ketanmu.Stage) bool { return s == ketanmu.StageDone || s == ketanmu.StageRejected }

// PausesClock reports whether the case's clock stops in s: the case waits on the resident, for
// a fix or for the original files they post (PAK POS: validated, then awaiting_files).
func PausesClock(s ketanmu.Stage) bool {
	return s == ketanmu.StageNeedsFix || s == ketanmu.StageValidated || s == ketanmu.StageAwaitingFiles
}

// Waiting reports whether s is the stage a case waits in for an operator to take it.
func Waiting(s ketanmu.Stage) bool { return s == ketanmu.StageSubmitted }

// StageKeys returns the keys of stages, for messages that list them.
func StageKeys(stages []ketanmu.Stage) []string { return Keys(stages) }

// Keys returns the string values of stages or roles.
func Keys[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// HasRole reports whether someone holding roles may act where need is required ("" = any member
// of staff). Supervisors may do everything.
func HasRole(roles []ketanmu.Role, need ketanmu.Role) bool {
	if len(roles) == 0 {
		return false
	}
	return need == "" || slices.Contains(roles, ketanmu.RoleSupervisor) || slices.Contains(roles, need)
}

// Path is what decides the way a case takes through its profile: how the resident receives the
// document, and whether it is a card (anything not signed electronically: a KTP-el, a KIA), which
// goes from production straight to printing and never passes the signing stages.
type Path struct {
	Delivery ketanmu.Delivery
	Card     bool
}

// Profile is one workflow: what may follow what, who may do it, and how long each stage may take.
type Profile struct {
	Name string
	// Transitions maps a stage to the stages that may follow it.
	Transitions map[ketanmu.Stage][]ketanmu.Stage
	// Next is the usual path: the stage "advance" moves to.
	Next map[ketanmu.Stage]ketanmu.Stage
	// Roles maps a target stage to the role needed to move a case into it ("" = any operator).
	Roles map[ketanmu.Stage]ketanmu.Role
	// Deadlines are the time standard of each stage, counted from entering it.
	Deadlines map[ketanmu.Stage]sla.Duration
	// ViewRole, when set, is the role needed to see the profile's cases at all (complaints may
	// be about a member of staff).
	ViewRole ketanmu.Role
	// DueWithin, when set, is the case's deadline counted in calendar time from the request (a
	// law that counts hours, not working days: privacy requests).
	DueWithin time.Duration
}

// Allowed lists the stages that may follow from.
func (p Profile) Allowed(from ketanmu.Stage) []ketanmu.Stage { return p.Transitions[from] }

// TransitionError is a move the profile does not allow.
type TransitionError struct {
	From, To ketanmu.Stage
	Allowed  []ketanmu.Stage
}

func (e *TransitionError) Error() string {
	if len(e.Allowed) == 0 {
		return fmt.Sprintf("case is %s: no further change is possible", e.From)
	}
	return fmt.Sprintf("cannot go from %s to %s; allowed: %s", e.From, e.To, strings.Join(StageKeys(e.Allowed), ", "))
}

// Check returns nil when from -> to is allowed, else a *TransitionError listing what is.
func (p Profile) Check(from, to ketanmu.Stage) error {
	allowed := p.Allowed(from)
	if slices.Contains(allowed, to) {
		return nil
	}
	return &TransitionError{From: from, To: to, Allowed: allowed}
}

// NextStage returns the usual next stage from from on the case's path. A case collected at the
// office skips the post: where the path says shipped, it goes to ready_for_pickup when that is
// allowed; a card is printed where the path says signing; a signed PDF sent in the chat closes
// the case where paper would be printed or handed over.
func (p Profile) NextStage(from ketanmu.Stage, path Path) (ketanmu.Stage, bool) {
	next, ok := p.Next[from]
	if !ok {
		return "", false
	}
	d := path.Delivery
	if path.Card && next == ketanmu.StageSigning && slices.Contains(p.Allowed(from), ketanmu.StagePrinted) {
		next = ketanmu.StagePrinted // a card is printed, not signed electronically
	}
	if d == ketanmu.DeliveryPickup && next == ketanmu.StageShipped && slices.Contains(p.Allowed(from), ketanmu.StageReadyForPickup) {
		next = ketanmu.StageReadyForPickup
	}
	if d == ketanmu.DeliveryElectronic && handsOver(next) && slices.Contains(p.Allowed(from), ketanmu.StageDone) {
		next = ketanmu.StageDone // the signed PDF is sent instead of printing and handing over paper
	}
	return next, true
}

// handsOver reports whether s is a step of handing over paper: printing, the post, the counter.
func handsOver(s ketanmu.Stage) bool {
	return s == ketanmu.StagePrinted || s == ketanmu.StageShipped || s == ketanmu.StageReadyForPickup || s == ketanmu.StageDelivered
}

// RoleFor returns the role needed to move a case into stage ("" when any operator may).
func (p Profile) RoleFor(s ketanmu.Stage) ketanmu.Role { return p.Roles[s] }

// CanSee reports whether someone holding roles may see the profile's cases.
func (p Profile) CanSee(roles []ketanmu.Role) bool { return HasRole(roles, p.ViewRole) }

// DeliveryConflict reports whether moving from one stage to another contradicts the resident's
// choice: a case to be collected is never shipped, a case to be posted never waits at the
// counter, a case whose signed PDF goes in the chat does neither, and where the profile hands
// paper documents over (by post or at the counter), a case whose resident chose that is not done
// before it was handed over: done straight from production or signing is the PDF's path.
func (p Profile) DeliveryConflict(from, to ketanmu.Stage, d ketanmu.Delivery) bool {
	paper := d == ketanmu.DeliveryPost || d == ketanmu.DeliveryPickup
	handedOver := from == ketanmu.StageShipped || from == ketanmu.StageDelivered || from == ketanmu.StageReadyForPickup
	return (to == ketanmu.StageShipped && d == ketanmu.DeliveryPickup) || (to == ketanmu.StageReadyForPickup && d == ketanmu.DeliveryPost) ||
		(d == ketanmu.DeliveryElectronic && (to == ketanmu.StageShipped || to == ketanmu.StageReadyForPickup)) ||
		(to == ketanmu.StageDone && paper && !handedOver && p.handsOver())
}

// handsOver reports whether the profile's path leads to the post or the counter.
func (p Profile) handsOver() bool {
	for _, tos := range p.Transitions {
		if slices.Contains(tos, ketanmu.StageShipped) || slices.Contains(tos, ketanmu.StageReadyForPickup) {
			return true
		}
	}
	return false
}

// Timing is a case's clock: the current stage's deadline, the case's overall due time, the
// working time that was left when its clock stopped, and the path the case takes.
type Timing struct {
	Stage    ketanmu.Stage
	StageDue time.Time
	Due      time.Time
	Paused   time.Duration
	Path     Path
}

// PausedUnknown is the Paused of a case whose clock stopped without the working time it had left
// being recorded: migration 016 stopped the clock of the PAK POS cases already waiting for the
// resident's files, and that time is working time on the office's calendar, which SQL cannot
// count (migration 020 marks them, paused_ms -1). While such a case is still in the stage whose
// deadline was the resident's allowance (validated), its time left is derived as Enter counts it
// for any case: the office's time from that deadline to the due date. Otherwise (the stage's
// deadline is no longer known, as in awaiting_files) it gets, when it resumes, the configured
// deadlines of the rest of its path.
const PausedUnknown = -time.Millisecond

// timeLeft is the working time a case waiting on the resident had left: as recorded, else derived
// from its stage's deadline (PausedUnknown), else still PausedUnknown.
func timeLeft(cal *sla.Calendar, t Timing) time.Duration {
	if t.Paused >= 0 || t.StageDue.IsZero() {
		return t.Paused
	}
	return cal.Between(t.StageDue, t.Due)
}

// Enter returns the timing of a case that moves from t.Stage to to at now. The new stage's
// deadline starts now; a case waiting on the resident keeps its remaining working time, which
// is added again when it moves on (a case that was already late stays late).
func (p Profile) Enter(cal *sla.Calendar, now time.Time, t Timing, to ketanmu.Stage) Timing {
	out := Timing{Stage: to, Due: t.Due}
	if d, ok := p.Deadlines[to]; ok {
		out.StageDue = cal.Add(now, d)
	}
	left := timeLeft(cal, t)
	switch {
	case PausesClock(to) && PausesClock(t.Stage):
		out.Paused = left // still the resident's turn: the time left is what it was
	case PausesClock(to):
		// The resident's own allowance in this stage (posting the files) is not the office's
		// time: what is kept is the office's time after it, so that files that come sooner
		// bring the date forward and files that come later push it back.
		from := now
		if d, ok := p.Deadlines[to]; ok {
			from = cal.Add(now, d)
		}
		out.Paused = cal.Between(from, t.Due)
	case PausesClock(t.Stage) && left > 0 && !Closed(to):
		out.Due = cal.Add(now, sla.Duration{Work: left})
	case PausesClock(t.Stage) && left < 0 && !Closed(to):
		out.Due = p.promiseFrom(cal, now, to, t.Path) // PausedUnknown, not derivable
	}
	return out
}

// Validate checks that every stage named is known, every Next step is an allowed transition and
// every role exists.
func (p Profile) Validate() error {
	for from, tos := range p.Transitions {
		if !Known(from) {
			return fmt.Errorf("transitions: unknown stage %q", from)
		}
		for _, to := range tos {
			if !Known(to) {
				return fmt.Errorf("transitions.%s: unknown stage %q", from, to)
			}
		}
	}
	for from, to := range p.Next {
		if !slices.Contains(p.Transitions[from], to) {
			return fmt.Errorf("next.%s: %s is not an allowed transition from %s", from, to, from)
		}
	}
	for stage, role := range p.Roles {
		if !Known(stage) {
			return fmt.Errorf("roles: unknown stage %q", stage)
		}
		if !slices.Contains(ketanmu.Roles, role) {
			return fmt.Errorf("roles.%s: unknown role %q", stage, role)
		}
	}
	for stage := range p.Deadlines {
		if !Known(stage) {
			return fmt.Errorf("deadlines: unknown stage %q", stage)
		}
	}
	if p.ViewRole != "" && !slices.Contains(ketanmu.Roles, p.ViewRole) {
		return fmt.Errorf("view_role: unknown role %q", p.ViewRole)
	}
	return nil
}

// Promise is the completion date promised to a resident who submits at now on path: the deadlines
// of the stages the case will pass (NextStage), added one after another from now. A case that keeps
// to every stage deadline is therefore done by the promised date, and the promise never
// contradicts the stages. The zero time means the profile sets no deadline on that path.
func (p Profile) Promise(cal *sla.Calendar, now time.Time, path Path) time.Time {
	return p.promiseFrom(cal, now, ketanmu.StageSubmitted, path)
}

// promiseFrom adds the deadlines of the stages on path from stage s on, from now.
func (p Profile) promiseFrom(cal *sla.Calendar, now time.Time, s ketanmu.Stage, path Path) time.Time {
	t, set := now, false
	for range ketanmu.Stages { // a path visits each stage at most once; this also bounds a cycle
		if Closed(s) {
			break
		}
		if dl, ok := p.Deadlines[s]; ok {
			t, set = cal.Add(t, dl), true
		}
		next, ok := p.NextStage(s, path)
		if !ok {
			break
		}
		s = next
	}
	if !set {
		return time.Time{}
	}
	return t
}

// ResidentLate reports whether a resident should be told their case is late: the date promised
// to them has passed while the case waits on the office. A stage overrun alone is the operators'
// business; a case waiting on the resident (a fix, their files to be posted or in the post, a
// document ready at the counter) is not late.
func ResidentLate(s ketanmu.Stage, due, now time.Time) bool {
	if Closed(s) || PausesClock(s) || s == ketanmu.StageValidated || s == ketanmu.StageAwaitingFiles || s == ketanmu.StageReadyForPickup || due.IsZero() {
		return false
	}
	return !now.Before(due)
}

// Resume is the stage a case goes to when the resident has sent the fix asked for in asked: the
// step that asked (the front office checking, production checking the draft) gets the case back
// where it was when the profile allows it, with its assignee; otherwise it returns to the queue.
func (p Profile) Resume(asked ketanmu.Stage) ketanmu.Stage {
	if asked != "" && !Waiting(asked) && p.Check(ketanmu.StageNeedsFix, asked) == nil {
		return asked
	}
	return ketanmu.StageSubmitted
}
