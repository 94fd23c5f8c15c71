// Package config loads ketanmu's configuration: the built-in config.example.yaml as defaults,
// the office's YAML file merged over it, then KETANMU_… environment variables. The result is a
// plain struct passed down explicitly; nothing here is global.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/spf13/viper"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/lifecycle"
	"github.com/ketanmu/ketanmu/sla"
)

// Config is the whole configuration. Fields ending in a parsed type (time.Duration,
// *time.Location) are derived from their string keys by Load.
type Config struct {
	HTTP      HTTP                `mapstructure:"http"`
	Log       Log                 `mapstructure:"log"`
	Storage   Storage             `mapstructure:"storage"`
	Office    Office              `mapstructure:"office"`
	Outbound  Outbound            `mapstructure:"outbound"`
	Accounts  []Account           `mapstructure:"accounts"`
	Documents map[string]Document `mapstructure:"documents"`
	Services  map[string]Service  `mapstructure:"services"`
	Texts     ketanmu.Texts       `mapstructure:"texts"`
	Retention Retention           `mapstructure:"retention"`
	WhatsApp  WhatsApp            `mapstructure:"whatsapp"`
	Flows     Flows               `mapstructure:"flows"`
	Keywords  map[string][]string `mapstructure:"keywords"`
	// Lists are the numbered choices residents pick from (validasi_reasons, complaint_categories).
	Lists     map[string][]string `mapstructure:"lists"`
	Workflows map[string]Workflow `mapstructure:"workflows"`
	// Fields are the data sub-types ask for besides NIK and name.
	Fields map[string]Field `mapstructure:"fields"`
	// Profiles are the workflows as lifecycle rules, built by Load.
	Profiles  map[string]lifecycle.Profile `mapstructure:"-"`
	Operators []Operator                   `mapstructure:"operators"`
	Handoff   Handoff                      `mapstructure:"handoff"`
	SLA       SLA                          `mapstructure:"sla"`
	Ops       Ops                          `mapstructure:"ops"`
	SKM       SKM                          `mapstructure:"skm"`
	Backup    Backup                       `mapstructure:"backup"`

	// Source names the file the config came from ("built-in example" when none).
	Source string `mapstructure:"-"`
}

// HTTP configures the HTTP server.
type HTTP struct {
	Addr string `mapstructure:"addr"`
	// MetricsAddr serves /metrics on its own listener; empty serves it on Addr to loopback only.
	MetricsAddr string `mapstructure:"metrics_addr"`
}

// Log configures log/slog.
type Log struct {
	Format string `mapstructure:"format"`
	Level  string `mapstructure:"level"`
}

// Storage says where data lives and how big inputs may be.
type Storage struct {
	DataDir           string `mapstructure:"data_dir"`
	Database          string `mapstructure:"database"`
	WhatsmeowDatabase string `mapstructure:"whatsmeow_database"`
	KeyFile           string `mapstructure:"key_file"`
	MaxMediaBytes     int64  `mapstructure:"max_media_bytes"`
	MaxPDFPages       int    `mapstructure:"max_pdf_pages"`
	MaxTextChars      int    `mapstructure:"max_text_chars"`
}

// Office describes the office and its working time.
type Office struct {
	Name          string            `mapstructure:"name"`
	ShortName     string            `mapstructure:"short_name"`
	Address       string            `mapstructure:"address"`
	RegencyCode   string            `mapstructure:"regency_code"`
	Timezone      string            `mapstructure:"timezone"`
	Hours         map[string]string `mapstructure:"hours"`
	HolidaysFile  string            `mapstructure:"holidays_file"`
	ExtraHolidays []string          `mapstructure:"extra_holidays"`
	// CutiBersamaClosed closes the office on collective leave days (cuti bersama); some
	// Disdukcapil serve on them.
	CutiBersamaClosed bool   `mapstructure:"cuti_bersama_closed"`
	PickupCounter     string `mapstructure:"pickup_counter"`
	// PostalPrefixes are how the regency's postal codes start; PostalCodes the usual code of
	// each kecamatan, by its official name.
	// ServiceHours are the weekly windows of one desk when they differ from Hours (perekaman,
	// pengambilan), by key; texts hours_<key> name them.
	ServiceHours   map[string]map[string]string `mapstructure:"service_hours"`
	PostalPrefixes []string                     `mapstructure:"postal_prefixes"`
	PostalCodes    map[string]string            `mapstructure:"postal_codes"`
	// Fees are what the resident pays, as texts say it, by key (send_files, cod): {fee_<key>}.
	Fees map[string]string `mapstructure:"fees"`

	Location *time.Location `mapstructure:"-"`
	Calendar *sla.Calendar  `mapstructure:"-"`
}

// Outbound paces and retries sends: a budget per lane of each number, the proactive rule, the
// reply delay, and when a backlog is combined or reported.
type Outbound struct {
	// Lanes holds the budget of each lane (revoke, reply, notification, operators, bulk).
	Lanes       map[string]Budget `mapstructure:"lanes"`
	Proactive   Proactive         `mapstructure:"proactive"`
	ReplyDelay  ReplyDelay        `mapstructure:"reply_delay"`
	Parallel    int               `mapstructure:"parallel"`
	CombineAt   int               `mapstructure:"combine_cards_at"`
	AlertRaw    string            `mapstructure:"alert_after"`
	RetryMinRaw string            `mapstructure:"retry_min"`
	RetryMaxRaw string            `mapstructure:"retry_max"`
	MaxAttempts int               `mapstructure:"max_attempts"`

	AlertAfter time.Duration `mapstructure:"-"`
	RetryMin   time.Duration `mapstructure:"-"`
	RetryMax   time.Duration `mapstructure:"-"`
}

// Budget is a token bucket: PerMinute messages a minute on average, up to Burst at once. For a
// lane, MaxAge is how long a message may wait in it: older, it is marked expired, never sent
// (zero, as in tests that build a Budget by hand: no limit).
type Budget struct {
	PerMinute float64 `mapstructure:"per_minute"`
	Burst     int     `mapstructure:"burst"`
	MaxAgeRaw string  `mapstructure:"max_age"`

	MaxAge time.Duration `mapstructure:"-"`
}

// Proactive is the rule for messages nobody just asked for: to a resident who has not written
// within Window. They spend this budget on top of their lane's.
type Proactive struct {
	Budget    `mapstructure:",squash"`
	WindowRaw string        `mapstructure:"window"`
	Window    time.Duration `mapstructure:"-"`
}

// ReplyDelay is the short pause before a reply, Min plus PerChar for each character of its
// text, at most Max: long enough to look typed, short enough to feel like a conversation.
type ReplyDelay struct {
	MinRaw     string `mapstructure:"min"`
	PerCharRaw string `mapstructure:"per_char"`
	MaxRaw     string `mapstructure:"max"`

	Min     time.Duration `mapstructure:"-"`
	PerChar time.Duration `mapstructure:"-"`
	Max     time.Duration `mapstructure:"-"`
}

// For returns the delay before a reply of n characters.
func (d ReplyDelay) For(n int) time.Duration {
	return min(d.Min+time.Duration(n)*d.PerChar, d.Max)
}

// Account is one WhatsApp number of the office.
type Account struct {
	Key            string   `mapstructure:"key"`
	Name           string   `mapstructure:"name"`
	Phone          string   `mapstructure:"phone"`
	Services       []string `mapstructure:"services"`
	OperatorsGroup string   `mapstructure:"operators_group"`
	// ComplaintsGroup is where complaints of this number go, when it serves other services too:
	// a complaint about a member of staff must not reach their group.
	ComplaintsGroup string `mapstructure:"complaints_group"`
}

// Document is a kind of document residents photograph.
type Document struct {
	Name    string   `mapstructure:"name"`
	Aliases []string `mapstructure:"aliases"`
	// Note tells a resident who is to send this document in place of another how to get it
	// (which form, who signs).
	Note string `mapstructure:"note"`
}

// Service is one civil-registration service.
type Service struct {
	Name      string    `mapstructure:"name"`
	Prefix    string    `mapstructure:"prefix"`
	Profile   string    `mapstructure:"profile"`
	Subtypes  []Subtype `mapstructure:"subtypes"`
	Documents []string  `mapstructure:"documents"` // for services without sub-types
	// ReasonDocuments replace Documents for a reason of lists.validasi_reasons (a school's
	// check of a child's NIK: the child has no KTP-el).
	ReasonDocuments []ReasonDocuments `mapstructure:"reason_documents"`
	// TimeStandardRaw is the key of older releases. The promised completion date now comes from
	// the profile's stage deadlines (lifecycle.Profile.Promise); a config that still sets it is
	// refused, so that no office believes it promises what it does not.
	TimeStandardRaw string `mapstructure:"time_standard"`
	// Output is what the office hands over: tte (a document signed electronically, which may be
	// sent as a PDF in the chat) or card (a printed card); a sub-type may say otherwise.
	Output string `mapstructure:"output"`
}

// ReasonDocuments are the documents a reason needs instead of the service's.
type ReasonDocuments struct {
	Reason    string   `mapstructure:"reason"`
	Documents []string `mapstructure:"documents"`
}

// Subtype is a variant of a service with its own required documents.
type Subtype struct {
	Key       string   `mapstructure:"key"`
	Name      string   `mapstructure:"name"`
	Documents []string `mapstructure:"documents"`
	Visit     string   `mapstructure:"visit"`
	// Match are free-text patterns naming this variant: words separated by spaces, each with
	// alternatives separated by "|", all present ("ktp|ektp hilang|ilang").
	Match []string `mapstructure:"match"`
	// Fields are the keys of fields this variant asks for, in order.
	Fields []string `mapstructure:"fields"`
	// MinAge, MaxAge and MarriedOK say who may apply, by the birth date in the NIK: from
	// MinAge years (or younger when married and MarriedOK), under MaxAge years; 0 is no limit.
	MinAge    int  `mapstructure:"min_age"`
	MaxAge    int  `mapstructure:"max_age"`
	MarriedOK bool `mapstructure:"married_ok"`
	// AgeInstead is the variant of the same service taken when the age does not fit this one.
	AgeInstead string `mapstructure:"age_instead"`
	// Output overrides the service's output for this variant (a KTP-el is a card, a KK is TTE).
	Output string `mapstructure:"output"`
}

// Retention says how long personal data is kept after a case closes.
type Retention struct {
	AfterCloseRaw string        `mapstructure:"after_close"`
	Text          string        `mapstructure:"text"`
	AfterClose    time.Duration `mapstructure:"-"`
	// AbandonedAfter erases unfinished drafts and chats that never became a case.
	AbandonedAfterRaw string        `mapstructure:"abandoned_after"`
	AbandonedAfter    time.Duration `mapstructure:"-"`
}

// Error is an invalid configuration: Key names the offending key.
type Error struct {
	Key string
	Msg string
}

func (e *Error) Error() string { return fmt.Sprintf("config: %s: %s", e.Key, e.Msg) }

// ErrNotFound is returned (wrapped) when the named config file does not exist.
var ErrNotFound = errors.New("config file not found")

// Load reads the built-in defaults, merges the file at path over them (path "" means defaults
// only), applies KETANMU_… environment overrides, and validates the result.
func Load(path string) (*Config, error) {
	v := viper.New()
	v.SetConfigType("yaml")
	if err := v.ReadConfig(bytes.NewReader(ketanmu.ExampleConfig)); err != nil {
		return nil, fmt.Errorf("built-in config: %w", err)
	}
	source := "built-in example"
	if path != "" {
		data, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("config: %s: %w", path, ErrNotFound)
		} else if err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
		if err := v.MergeConfig(bytes.NewReader(data)); err != nil {
			return nil, &Error{Key: path, Msg: "not valid YAML: " + oneLine(err.Error())}
		}
		source = path
	}
	v.SetEnvPrefix("KETANMU")
	v.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))
	v.AutomaticEnv()

	var c Config
	if err := v.Unmarshal(&c); err != nil {
		return nil, &Error{Key: source, Msg: oneLine(err.Error())}
	}
	c.Source = source
	if err := c.validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
