package config

import (
	"fmt"
	"time"

	"github.com/robfig/cron/v3"
)

// SLA configures the reminder scan, the morning digest and when reminders go out (the sla:
// section). Rules parses it; Load validates it through validateSLA.
type SLA struct {
	// Scan is the cron spec of the reminder scan ("@every 1m", "* * * * *"); empty turns
	// reminders off.
	Scan string `mapstructure:"scan"`
	// Digest is the cron spec of the morning digest, in the office's time zone; empty turns it off.
	Digest string `mapstructure:"digest"`
	// WarnAt is the share of a stage's working time after which the assignee is warned (0: never).
	WarnAt float64 `mapstructure:"warn_at"`
	// RepeatEveryRaw is the working time between two repeats of a breach notice.
	RepeatEveryRaw string `mapstructure:"repeat_every"`
	MaxRepeats     int    `mapstructure:"max_repeats"`
	// EscalateAtRepeat is the repeat that also goes to the supervisors (0: never).
	EscalateAtRepeat int `mapstructure:"escalate_at_repeat"`
	// NotifyResident sends the resident one short update when their case is late.
	NotifyResident bool `mapstructure:"notify_resident"`
}

// SLARules is the sla: section parsed.
type SLARules struct {
	Scan             cron.Schedule // nil: no reminders
	Digest           cron.Schedule // nil: no digest
	WarnAt           float64
	RepeatEvery      time.Duration // working time; 0: no repeats
	MaxRepeats       int
	EscalateAtRepeat int
	NotifyResident   bool
}

// Rules parses the cron specs and durations. Errors are *Error naming the key.
func (s SLA) Rules() (SLARules, error) {
	r := SLARules{WarnAt: s.WarnAt, MaxRepeats: s.MaxRepeats, EscalateAtRepeat: s.EscalateAtRepeat,
		NotifyResident: s.NotifyResident}
	var err error
	if r.Scan, err = parseSpec("sla.scan", s.Scan); err != nil {
		return r, err
	}
	if r.Digest, err = parseSpec("sla.digest", s.Digest); err != nil {
		return r, err
	}
	if s.WarnAt < 0 || s.WarnAt >= 1 {
		return r, &Error{"sla.warn_at", fmt.Sprintf("%v is not a share from 0 (no warning) to below 1, such as 0.8", s.WarnAt)}
	}
	if s.RepeatEveryRaw != "" {
		d, err := time.ParseDuration(s.RepeatEveryRaw)
		if err != nil || d < 0 {
			return r, &Error{"sla.repeat_every", fmt.Sprintf("%q is not a duration such as 1h (working time)", s.RepeatEveryRaw)}
		}
		r.RepeatEvery = d
	}
	if s.MaxRepeats < 0 {
		return r, &Error{"sla.max_repeats", "must not be negative"}
	}
	if s.EscalateAtRepeat < 0 || (s.EscalateAtRepeat > 0 && (s.EscalateAtRepeat > s.MaxRepeats || r.RepeatEvery == 0)) {
		return r, &Error{"sla.escalate_at_repeat", fmt.Sprintf("%d is not a repeat that happens (0 to max_repeats %d, with repeat_every set)",
			s.EscalateAtRepeat, s.MaxRepeats)}
	}
	return r, nil
}

// parseSpec reads a standard five-field cron spec or a descriptor such as @every 1m; "" is nil.
func parseSpec(key, spec string) (cron.Schedule, error) {
	if spec == "" {
		return nil, nil
	}
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, &Error{key, fmt.Sprintf("%q is not a cron spec such as \"30 7 * * 1-5\" or \"@every 1m\": %v", spec, err)}
	}
	return sched, nil
}

func (c *Config) validateSLA() error {
	_, err := c.SLA.Rules()
	return err
}
