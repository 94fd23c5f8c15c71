// Package casework is the case service: every operator action on a case (take, assign, advance,
// ask for a fix, reject, ship, ready for pickup, close, note, reply, hand the chat back) and the
// queries every channel needs (the queue, one case, counts). The WhatsApp commands, the cases API
// and the operators' workspace are thin adapters over it: the same action gives the same result
// and the same refusal whichever way it comes.
//
// Every operation takes an authenticated Actor and checks here, once, what the workflow profile,
// the roles and the resident's delivery choice allow. It writes the stage change, the audit record
// and the resident's notification (as outbox rows) in one transaction.
package casework

import (
	"slices"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/lifecycle"
)

// Actor is who does something to a case: a member of staff or one of the system actors.
type Actor struct {
	ID    int64 // operators.id; 0 for system actors
	Name  string
	Phone string
	Roles []ketanmu.Role
}

// Has reports whether the actor may act where role is needed ("" = any member of staff).
func (a Actor) Has(role ketanmu.Role) bool { return lifecycle.HasRole(a.Roles, role) }

// Staff reports whether the actor is a member of staff at all.
func (a Actor) Staff() bool { return a.Has("") }

// OperatorActor is the actor of an operator kept in the database.
func OperatorActor(op ketanmu.Operator) Actor {
	return Actor{ID: op.ID, Name: op.Name, Phone: op.Phone, Roles: op.Roles}
}

// OfficePhone is whoever holds the office phone: the front office.
func OfficePhone() Actor {
	return Actor{Name: "HP kantor", Roles: []ketanmu.Role{ketanmu.RoleOperator}}
}

// OfficePhoneOf is whoever holds acc's phone. On a number that serves only services some roles
// alone may see (the complaints number), the phone is held by those officers: it has their roles.
func OfficePhoneOf(cfg *config.Config, acc config.Account) Actor {
	a := OfficePhone()
	if !onlyRestricted(cfg, acc) {
		return a
	}
	for _, svc := range acc.Services {
		if p, ok := cfg.Profile(svc); ok && !slices.Contains(a.Roles, p.ViewRole) {
			a.Roles = append(a.Roles, p.ViewRole)
		}
	}
	return a
}

// SystemActor is an integration acting with the shared API token, under a configured name.
func SystemActor(name string, roles []ketanmu.Role) Actor { return Actor{Name: name, Roles: roles} }

// residentActor is the resident, recorded when their own answer moves their case.
const residentActor = "pemohon"

// requireStaff refuses an actor who is no member of staff.
func requireStaff(a Actor) error {
	if !a.Staff() {
		return ketanmu.Errorf(ketanmu.EFORBIDDEN, "%s bukan petugas yang terdaftar", a.Name)
	}
	return nil
}

// ConfigOperators are the config's operators as the store keeps them: what `ketanmu sim` and
// `serve` seed at start.
func ConfigOperators(cfg *config.Config) []ketanmu.Operator {
	out := make([]ketanmu.Operator, 0, len(cfg.Operators))
	for _, op := range cfg.Operators {
		out = append(out, ketanmu.Operator{Name: op.Name, Phone: op.Phone, Roles: config.RolesOf(op.Roles)})
	}
	return out
}
