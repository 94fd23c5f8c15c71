package config

import (
	"strings"

	"github.com/robfig/cron/v3"
)

// Backup configures `ketanmu backup` and the scheduled backups of `serve` and `sim`.
type Backup struct {
	// Recipients are the age public keys (age1…) backups are encrypted to. The server holds no
	// identity, so it cannot read its own old backups.
	Recipients []string `mapstructure:"recipients"`
	// Dir is where scheduled and pre-migration backups are written.
	Dir string `mapstructure:"dir"`
	// Schedule lists cron specs (office time zone); empty: no scheduled backups.
	Schedule []string        `mapstructure:"schedule"`
	Keep     BackupKeep      `mapstructure:"keep"`
	Specs    []cron.Schedule `mapstructure:"-"`
}

// BackupKeep is how many scheduled backups pruning keeps: the newest of each of the last Hourly
// hours and of each of the last Daily days.
type BackupKeep struct {
	Hourly int `mapstructure:"hourly"`
	Daily  int `mapstructure:"daily"`
}

func (c *Config) validateBackup() error {
	b := &c.Backup
	if strings.TrimSpace(b.Dir) == "" {
		return &Error{"backup.dir", "must not be empty"}
	}
	if b.Keep.Hourly < 1 || b.Keep.Daily < 0 {
		return &Error{"backup.keep", "hourly must be at least 1 and daily at least 0"}
	}
	b.Specs = nil
	for _, spec := range b.Schedule {
		s, err := cron.ParseStandard(spec)
		if err != nil {
			return &Error{"backup.schedule", "\"" + spec + "\": " + err.Error()}
		}
		b.Specs = append(b.Specs, s)
	}
	for _, r := range b.Recipients {
		if r = strings.TrimSpace(r); r != "" && !strings.HasPrefix(r, "age1") {
			return &Error{"backup.recipients", "\"" + r + "\" is not an age public key (age1…)"}
		}
	}
	return nil
}
