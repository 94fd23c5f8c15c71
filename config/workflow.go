package config

import (
	"fmt"
	"slices"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/lifecycle"
	"github.com/ketanmu/ketanmu/sla"
)

// Workflow is one workflow profile as written in config.
type Workflow struct {
	Transitions map[string][]string `mapstructure:"transitions"`
	Next        map[string]string   `mapstructure:"next"`
	Roles       map[string]string   `mapstructure:"roles"`
	// Deadlines are the time standard of each stage, counted from entering it.
	DeadlinesRaw map[string]string `mapstructure:"deadlines"`
	// ViewRole, when set, limits who sees the profile's cases (complaints: pengaduan).
	ViewRole string `mapstructure:"view_role"`
	// DueWithin, when set, is the case's deadline in calendar hours from the request (privacy
	// requests: 72h, UU 27/2022), not working time.
	DueWithin string `mapstructure:"due_within"`
}

// PrivacyService is the service key of residents' requests about their personal data.
const PrivacyService = "privasi"

// profile reads the workflow named name as lifecycle rules and checks them.
func (w Workflow) profile(name string) (lifecycle.Profile, error) {
	at := "workflows." + name
	p := lifecycle.Profile{Name: name, Transitions: map[ketanmu.Stage][]ketanmu.Stage{},
		Next: map[ketanmu.Stage]ketanmu.Stage{}, Roles: map[ketanmu.Stage]ketanmu.Role{},
		Deadlines: map[ketanmu.Stage]sla.Duration{}, ViewRole: ketanmu.Role(w.ViewRole)}
	for from, tos := range w.Transitions {
		for _, to := range tos {
			p.Transitions[ketanmu.Stage(from)] = append(p.Transitions[ketanmu.Stage(from)], ketanmu.Stage(to))
		}
	}
	for from, to := range w.Next {
		p.Next[ketanmu.Stage(from)] = ketanmu.Stage(to)
	}
	for stage, role := range w.Roles {
		p.Roles[ketanmu.Stage(stage)] = ketanmu.Role(role)
	}
	for stage, raw := range w.DeadlinesRaw {
		d, err := sla.ParseDuration(raw)
		if err != nil || !lifecycle.Known(ketanmu.Stage(stage)) {
			return p, &Error{at + ".deadlines." + stage, fmt.Sprintf("%q is not a duration such as 7h or 1d for a known stage", raw)}
		}
		p.Deadlines[ketanmu.Stage(stage)] = d
	}
	if w.DueWithin != "" {
		d, err := time.ParseDuration(w.DueWithin)
		if err != nil || d <= 0 {
			return p, &Error{at + ".due_within", fmt.Sprintf("%q is not a positive duration in hours such as 72h", w.DueWithin)}
		}
		p.DueWithin = d
	}
	if err := p.Validate(); err != nil {
		return p, &Error{at, err.Error()}
	}
	return p, nil
}

// Operator is a member of staff as the config seeds them; the case service keeps them in the
// database from then on.
type Operator struct {
	Name  string   `mapstructure:"name"`
	Phone string   `mapstructure:"phone"`
	Roles []string `mapstructure:"roles"`
}

// Handoff configures how operators take over chats.
type Handoff struct {
	CommandPrefix  string `mapstructure:"command_prefix"`
	IdleReleaseRaw string `mapstructure:"idle_release"`
	APIToken       string `mapstructure:"api_token"`
	// APIActor is the name the shared api_token acts under, with APIRoles.
	APIActor string   `mapstructure:"api_actor"`
	APIRoles []string `mapstructure:"api_roles"`
	// GroupPhotos posts a case's photos to the operators' group after its card.
	GroupPhotos bool `mapstructure:"group_photos"`
	// FirstResponseRaw is how soon, in working time, a person answers a resident who asked for
	// one ("petugas"); "0s": no deadline.
	FirstResponseRaw string `mapstructure:"first_response"`

	IdleRelease   time.Duration `mapstructure:"-"`
	FirstResponse sla.Duration  `mapstructure:"-"`
}

func (c *Config) validateWorkflows() error {
	c.Profiles = map[string]lifecycle.Profile{}
	for name, w := range c.Workflows {
		p, err := w.profile(name)
		if err != nil {
			return err
		}
		c.Profiles[name] = p
	}
	if s, ok := c.Services[PrivacyService]; ok && c.Profiles[s.Profile].DueWithin <= 0 {
		return &Error{"workflows." + s.Profile + ".due_within", "must be set: the hours the office has to answer a request about personal data (UU 27/2022: 72h)"}
	}
	for key, s := range c.Services {
		if _, ok := c.Profiles[s.Profile]; !ok {
			return &Error{"services." + key + ".profile", fmt.Sprintf("unknown workflow profile %q", s.Profile)}
		}
	}
	phones := map[string]bool{}
	names := map[string]bool{}
	for i, op := range c.Operators {
		at := fmt.Sprintf("operators[%d]", i)
		if op.Name == "" {
			return &Error{at + ".name", "must not be empty"}
		}
		if names[op.Name] {
			return &Error{at + ".name", "duplicate operator name " + op.Name}
		}
		names[op.Name] = true
		phone, err := ketanmu.NormalizePhone(op.Phone)
		if err != nil {
			return &Error{at + ".phone", ketanmu.ErrorMessage(err)}
		}
		if phones[phone] {
			return &Error{at + ".phone", "duplicate operator phone " + op.Phone}
		}
		phones[phone] = true
		c.Operators[i].Phone = phone
		if err := checkRoles(op.Roles); err != nil {
			return &Error{at + ".roles", err.Error()}
		}
	}
	h := &c.Handoff
	if h.CommandPrefix == "" {
		return &Error{"handoff.command_prefix", "must not be empty"}
	}
	d, err := time.ParseDuration(h.IdleReleaseRaw)
	if err != nil || d <= 0 {
		return &Error{"handoff.idle_release", fmt.Sprintf("%q is not a positive duration such as 2h", h.IdleReleaseRaw)}
	}
	h.IdleRelease = d
	if h.FirstResponse, err = sla.ParseDuration(h.FirstResponseRaw); err != nil {
		return &Error{"handoff.first_response", fmt.Sprintf("%q is not a working duration such as 1h or 1d", h.FirstResponseRaw)}
	}
	if h.APIActor == "" {
		return &Error{"handoff.api_actor", "must not be empty: the name changes made with api_token are recorded under"}
	}
	if err := checkRoles(h.APIRoles); err != nil {
		return &Error{"handoff.api_roles", err.Error()}
	}
	return nil
}

func checkRoles(roles []string) error {
	for _, r := range roles {
		if !slices.Contains(ketanmu.Roles, ketanmu.Role(r)) {
			return fmt.Errorf("unknown role %q; known: %v", r, ketanmu.Roles)
		}
	}
	return nil
}

// Profile returns the workflow profile of a service.
func (c *Config) Profile(service string) (lifecycle.Profile, bool) {
	s, ok := c.Services[service]
	if !ok {
		return lifecycle.Profile{}, false
	}
	p, ok := c.Profiles[s.Profile]
	return p, ok
}

// RolesOf converts role names from config.
func RolesOf(names []string) []ketanmu.Role {
	out := make([]ketanmu.Role, len(names))
	for i, n := range names {
		out[i] = ketanmu.Role(n)
	}
	return out
}

// Promise is the completion date promised to a resident of service who submits at now on path
// (lifecycle.Profile.Promise); zero for an unknown service.
func (c *Config) Promise(service string, path lifecycle.Path, now time.Time) time.Time {
	p, ok := c.Profile(service)
	if !ok {
		return time.Time{}
	}
	return p.Promise(c.Office.Calendar, now, path)
}
