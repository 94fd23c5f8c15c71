package config

import (
	"fmt"
	"regexp"
	"time"
)

// WhatsApp configures the whatsmeow transport used by `ketanmu serve` and `ketanmu pair`.
type WhatsApp struct {
	// Version, when set, is the WhatsApp Web version to announce ("2.3000.1012345678"), for when
	// WhatsApp rejects the built-in one as outdated before whatsmeow is updated.
	Version string `mapstructure:"version"`
	// DeviceName is what the phone shows under "Linked devices".
	DeviceName       string `mapstructure:"device_name"`
	OfflineMaxAgeRaw string `mapstructure:"offline_max_age"`
	MarkRead         bool   `mapstructure:"mark_read"`
	Typing           bool   `mapstructure:"typing"`
	PairTimeoutRaw   string `mapstructure:"pair_timeout"`
	MediaRetries     int    `mapstructure:"media_download_retries"`
	MediaRetryMinRaw string `mapstructure:"media_retry_min"`
	DownloadWorkers  int    `mapstructure:"download_workers"`
	LogLevel         string `mapstructure:"log_level"`
	RedeliveryLimit  int    `mapstructure:"redelivery_limit"`
	PhonePingRaw     string `mapstructure:"phone_ping_after"`
	PhoneWarnRaw     string `mapstructure:"phone_warn_after"`

	OfflineMaxAge time.Duration `mapstructure:"-"`
	PairTimeout   time.Duration `mapstructure:"-"`
	MediaRetryMin time.Duration `mapstructure:"-"`
	PhonePing     time.Duration `mapstructure:"-"`
	PhoneWarn     time.Duration `mapstructure:"-"`
}

var waVersionPattern = regexp.MustCompile(`^\d+\.\d+\.\d+$`)

func (c *Config) validateWhatsApp() error {
	w := &c.WhatsApp
	if w.Version != "" && !waVersionPattern.MatchString(w.Version) {
		return &Error{"whatsapp.version", fmt.Sprintf("%q is not a version such as 2.3000.1012345678 (leave empty for the built-in one)", w.Version)}
	}
	if w.DeviceName == "" {
		return &Error{"whatsapp.device_name", "must not be empty"}
	}
	durations := []struct {
		key  string
		raw  string
		out  *time.Duration
		zero bool // zero allowed
	}{
		{"whatsapp.offline_max_age", w.OfflineMaxAgeRaw, &w.OfflineMaxAge, false},
		{"whatsapp.pair_timeout", w.PairTimeoutRaw, &w.PairTimeout, false},
		{"whatsapp.media_retry_min", w.MediaRetryMinRaw, &w.MediaRetryMin, false},
		{"whatsapp.phone_ping_after", w.PhonePingRaw, &w.PhonePing, false},
		{"whatsapp.phone_warn_after", w.PhoneWarnRaw, &w.PhoneWarn, false},
	}
	for _, d := range durations {
		v, err := time.ParseDuration(d.raw)
		if err != nil || v < 0 || (v == 0 && !d.zero) {
			return &Error{d.key, fmt.Sprintf("%q is not a positive duration such as 30s or 24h", d.raw)}
		}
		*d.out = v
	}
	if w.RedeliveryLimit < 1 {
		return &Error{"whatsapp.redelivery_limit", "must be at least 1"}
	}
	if w.PhoneWarn <= w.PhonePing {
		return &Error{"whatsapp.phone_warn_after", "must be later than whatsapp.phone_ping_after"}
	}
	if w.MediaRetries < 1 {
		return &Error{"whatsapp.media_download_retries", "must be at least 1"}
	}
	if w.DownloadWorkers < 1 || w.DownloadWorkers > 16 {
		return &Error{"whatsapp.download_workers", "must be between 1 and 16"}
	}
	switch w.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return &Error{"whatsapp.log_level", fmt.Sprintf("%q is not debug, info, warn or error", w.LogLevel)}
	}
	return nil
}
