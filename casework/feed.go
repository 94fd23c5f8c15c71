package casework

import (
	"context"
	"slices"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/lifecycle"
	"github.com/ketanmu/ketanmu/store"
)

// ChangeMark changes whenever any case, its history, notes, audit or chat changes; the
// workspace's live updates compare it to know when to look again. It says nothing about any
// case, so it needs no actor.
func (s *Service) ChangeMark(ctx context.Context) (string, error) { return s.db.ChangeMark(ctx) }

// Committed returns a channel closed at the next commit: when the ChangeMark may have moved.
func (s *Service) Committed() <-chan struct{} { return s.db.Committed() }

// AuditLog lists who viewed or changed which case and document, newest first: for supervisors,
// and only about cases they may see.
func (s *Service) AuditLog(ctx context.Context, actor Actor, f store.AuditFilter) ([]ketanmu.AuditEntry, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	if !slices.Contains(actor.Roles, ketanmu.RoleSupervisor) {
		return nil, ketanmu.Errorf(ketanmu.EFORBIDDEN, "hanya supervisor yang boleh melihat audit")
	}
	f.Services = s.visibleServices(actor)
	return s.db.AuditLog(ctx, f)
}

// RoleStages are the stages whose next step needs a role the actor holds beyond the front
// office's (validator, production, head of office, complaints): the steps that are theirs.
func (s *Service) RoleStages(actor Actor) []ketanmu.Stage {
	var out []ketanmu.Stage
	for _, p := range s.usedProfiles() {
		for from, tos := range p.Transitions {
			for _, to := range tos {
				role := p.RoleFor(to)
				if role == "" || role == ketanmu.RoleOperator || !slices.Contains(actor.Roles, role) {
					continue
				}
				if !slices.Contains(out, from) && !lifecycle.Closed(from) {
					out = append(out, from)
				}
			}
		}
	}
	// In the order of the stage table.
	var ordered []ketanmu.Stage
	for _, st := range ketanmu.Stages {
		if slices.Contains(out, st) {
			ordered = append(ordered, st)
		}
	}
	return ordered
}

// usedProfiles are the workflow profiles some service uses: a profile no service has (PAK POS
// in an office that runs POS KETANMU) gives nobody a step to take.
func (s *Service) usedProfiles() []lifecycle.Profile {
	var out []lifecycle.Profile
	seen := map[string]bool{}
	for key := range s.cfg.Services {
		if p, ok := s.cfg.Profile(key); ok && !seen[p.Name] {
			seen[p.Name] = true
			out = append(out, p)
		}
	}
	return out
}

// Staff lists the active operators an actor may assign cases to.
func (s *Service) Staff(ctx context.Context, actor Actor) ([]ketanmu.Operator, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	var ops []ketanmu.Operator
	err := s.db.View(ctx, func(tx *store.Tx) (err error) {
		ops, err = tx.Operators()
		return err
	})
	return ops, err
}

// CanSeeService reports whether actor may see cases of service at all (complaints only for
// their officers and supervisors).
func (s *Service) CanSeeService(actor Actor, service string) bool { return s.canSee(actor, service) }
