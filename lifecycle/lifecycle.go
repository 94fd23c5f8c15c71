// Package lifecycle holds the rules of a case's life: the stages, the transitions each workflow
// profile allows, which role may make them, and the next stage of the profile's usual path.
// It is pure: profiles come from config.
package lifecycle

import (
	"fmt"
	"slices"
	"strings"
)

// Stages is every stage a case can be in, in the order of a case's life.
var Stages = []string{"submitted", "verifying", "needs_fix", "validated", "awaiting_files",
	"files_received", "in_production", "signing", "ready_for_pickup", "shipped", "delivered",
	"done", "rejected"}

// Closed reports whether a stage ends the case.
func Closed(stage string) bool { return stage == "done" || stage == "rejected" }

// Profile is one workflow: what may follow what, and who may do it.
type Profile struct {
	Name string
	// Transitions maps a stage to the stages that may follow it.
	Transitions map[string][]string
	// Next is the usual path: the stage `#proses` / `#lanjut` moves to.
	Next map[string]string
	// Roles maps a target stage to the role needed to move a case into it ("" = any operator).
	Roles map[string]string
}

// Allowed lists the stages that may follow from.
func (p Profile) Allowed(from string) []string { return p.Transitions[from] }

// Check returns nil when from -> to is allowed, else an error listing what is.
func (p Profile) Check(from, to string) error {
	allowed := p.Allowed(from)
	if slices.Contains(allowed, to) {
		return nil
	}
	if len(allowed) == 0 {
		return fmt.Errorf("case is %s: no further change is possible", from)
	}
	return fmt.Errorf("cannot go from %s to %s; allowed: %s", from, to, strings.Join(allowed, ", "))
}

// NextStage returns the usual next stage from from. A case collected at the office skips the
// post: where the path says shipped, it goes to ready_for_pickup when that is allowed.
func (p Profile) NextStage(from string, pickup bool) (string, bool) {
	next, ok := p.Next[from]
	if !ok {
		return "", false
	}
	if pickup && next == "shipped" && slices.Contains(p.Allowed(from), "ready_for_pickup") {
		next = "ready_for_pickup"
	}
	return next, true
}

// RoleFor returns the role needed to move a case into stage ("" when any operator may).
func (p Profile) RoleFor(stage string) string { return p.Roles[stage] }

// Validate checks that every stage named is known and every Next step is an allowed transition.
func (p Profile) Validate() error {
	known := func(s string) bool { return slices.Contains(Stages, s) }
	for from, tos := range p.Transitions {
		if !known(from) {
			return fmt.Errorf("transitions: unknown stage %q", from)
		}
		for _, to := range tos {
			if !known(to) {
				return fmt.Errorf("transitions.%s: unknown stage %q", from, to)
			}
		}
	}
	for from, to := range p.Next {
		if !slices.Contains(p.Transitions[from], to) {
			return fmt.Errorf("next.%s: %s is not an allowed transition from %s", from, to, from)
		}
	}
	for stage := range p.Roles {
		if !known(stage) {
			return fmt.Errorf("roles: unknown stage %q", stage)
		}
	}
	return nil
}
