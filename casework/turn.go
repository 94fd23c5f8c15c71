package casework

import (
	"slices"

	"github.com/ketanmu/ketanmu"

	"github.com/ketanmu/ketanmu/lifecycle"
	"github.com/ketanmu/ketanmu/store"
)

// Parties whose move a case can wait for besides staff.
const (
	TurnStaff          = "staff"           // one of Turn.Roles takes the next step
	TurnResidentFix    = "resident_fix"    // the resident sends what was asked
	TurnResidentFiles  = "resident_files"  // PAK POS: the resident posts the original files
	TurnPostFiles      = "post_files"      // the files are in the post
	TurnResidentPickup = "resident_pickup" // the document waits at the counter
	TurnPostDelivery   = "post_delivery"   // the courier brings the document
)

// Turn is whose move a case waits for: nobody's once closed.
type Turn struct {
	Party string
	// Roles may take the next step (the front office is lifecycle.RoleOperator); for staff only.
	Roles []ketanmu.Role
}

// TurnOf says whose move case c waits for: the resident or the post while the case waits on
// them, else the roles that may take the next step of its profile's path (a way back — a fix, a
// rejection — is nobody's turn). The queue, the case page and "Tugas saya" all read it here.
func (s *Service) TurnOf(c ketanmu.Case) Turn {
	p, _ := s.cfg.Profile(c.Service)
	return turnOf(p, c.Stage, Delivery(c))
}

func turnOf(p lifecycle.Profile, st ketanmu.Stage, d ketanmu.Delivery) Turn {
	switch {
	case lifecycle.Closed(st):
		return Turn{}
	case st == ketanmu.StageNeedsFix:
		return Turn{Party: TurnResidentFix}
	case st == ketanmu.StageValidated:
		return Turn{Party: TurnResidentFiles}
	case st == ketanmu.StageAwaitingFiles:
		return Turn{Party: TurnPostFiles}
	case st == ketanmu.StageReadyForPickup:
		return Turn{Party: TurnResidentPickup}
	case st == ketanmu.StageShipped:
		return Turn{Party: TurnPostDelivery}
	}
	t := Turn{Party: TurnStaff}
	for _, to := range p.Allowed(st) {
		if to == ketanmu.StageRejected || to == ketanmu.StageNeedsFix || p.DeliveryConflict(st, to, d) {
			continue
		}
		role := p.RoleFor(to)
		if role == "" {
			role = ketanmu.RoleOperator
		}
		if !slices.Contains(t.Roles, role) {
			t.Roles = append(t.Roles, role)
		}
	}
	return t
}

// Mine reports whether the turn is one of actor's roles.
func (t Turn) Mine(actor Actor) bool {
	return t.Party == TurnStaff && slices.ContainsFunc(t.Roles, func(r ketanmu.Role) bool {
		return slices.Contains(actor.Roles, r)
	})
}

// frontOffice reports whether actor's only part in the turn is the front office's: then a case
// someone else has taken is theirs, not actor's.
func (t Turn) frontOffice(actor Actor) bool {
	return !slices.ContainsFunc(t.Roles, func(r ketanmu.Role) bool {
		return r != ketanmu.RoleOperator && slices.Contains(actor.Roles, r)
	})
}

// TaskFor reports whether case c waits on actor ("Tugas saya"): its turn is one of actor's
// roles and, where that is the front office's, nobody else has taken it.
func (s *Service) TaskFor(actor Actor, c ketanmu.Case) bool {
	t := s.TurnOf(c)
	return t.Mine(actor) && (!t.frontOffice(actor) || c.Assignee == "" || c.Assignee == actor.Name)
}

// taskStages is TaskFor as stages of each service actor may see: those where any case is
// actor's, and those where only cases nobody else has taken are.
func (s *Service) taskStages(actor Actor) (theirs, mine []store.ServiceStage) {
	for key := range s.cfg.Services {
		p, ok := s.cfg.Profile(key)
		if !ok || !p.CanSee(actor.Roles) {
			continue
		}
		for _, st := range ketanmu.Stages {
			t := turnOf(p, st, ketanmu.DeliveryNone) // any delivery: the widest set of turns
			if !t.Mine(actor) {
				continue
			}
			ss := store.ServiceStage{Service: key, Stage: st}
			if t.frontOffice(actor) {
				mine = append(mine, ss)
			} else {
				theirs = append(theirs, ss)
			}
		}
	}
	return theirs, mine
}
