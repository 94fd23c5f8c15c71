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

	Deadlines map[string]sla.Duration `mapstructure:"-"`
}

// Operator is a member of staff who may move cases from WhatsApp.
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

	IdleRelease time.Duration `mapstructure:"-"`
}

// Roles operators can have.
var Roles = []string{"operator", "validator", "produksi", "kepala", "supervisor", "pengaduan"}

func (c *Config) validateWorkflows() error {
	for name, w := range c.Workflows {
		at := "workflows." + name
		if err := c.profile(name, w).Validate(); err != nil {
			return &Error{at, err.Error()}
		}
		for stage, role := range w.Roles {
			if !slices.Contains(Roles, role) {
				return &Error{at + ".roles." + stage, fmt.Sprintf("unknown role %q; known: %v", role, Roles)}
			}
		}
		w.Deadlines = map[string]sla.Duration{}
		for stage, raw := range w.DeadlinesRaw {
			d, err := sla.ParseDuration(raw)
			if err != nil || !slices.Contains(lifecycle.Stages, stage) {
				return &Error{at + ".deadlines." + stage, fmt.Sprintf("%q is not a duration such as 7h or 1d for a known stage", raw)}
			}
			w.Deadlines[stage] = d
		}
		c.Workflows[name] = w
	}
	for key, s := range c.Services {
		if _, ok := c.Workflows[s.Profile]; !ok {
			return &Error{"services." + key + ".profile", fmt.Sprintf("unknown workflow profile %q", s.Profile)}
		}
	}
	phones := map[string]bool{}
	for i, op := range c.Operators {
		at := fmt.Sprintf("operators[%d]", i)
		phone, err := ketanmu.NormalizePhone(op.Phone)
		if err != nil {
			return &Error{at + ".phone", ketanmu.ErrorMessage(err)}
		}
		if phones[phone] {
			return &Error{at + ".phone", "duplicate operator phone " + op.Phone}
		}
		phones[phone] = true
		c.Operators[i].Phone = phone
		for _, r := range op.Roles {
			if !slices.Contains(Roles, r) {
				return &Error{at + ".roles", fmt.Sprintf("unknown role %q; known: %v", r, Roles)}
			}
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
	return nil
}

func (c *Config) profile(name string, w Workflow) lifecycle.Profile {
	return lifecycle.Profile{Name: name, Transitions: w.Transitions, Next: w.Next, Roles: w.Roles}
}

// Workflow returns the lifecycle profile with the given name.
func (c *Config) Workflow(name string) (lifecycle.Profile, bool) {
	w, ok := c.Workflows[name]
	if !ok {
		return lifecycle.Profile{}, false
	}
	return c.profile(name, w), true
}

// Operator finds an operator by phone (628… form).
func (c *Config) Operator(phone string) (Operator, bool) {
	for _, op := range c.Operators {
		if op.Phone == phone {
			return op, true
		}
	}
	return Operator{}, false
}

// HasRole reports whether the operator may act with role ("" = any operator). Supervisors may
// do everything.
func (o Operator) HasRole(role string) bool {
	if role == "" || slices.Contains(o.Roles, "supervisor") {
		return true
	}
	return slices.Contains(o.Roles, role)
}
