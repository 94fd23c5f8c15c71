package config

import (
	"fmt"
	"github.com/ketanmu/ketanmu/flows"
	"net/netip"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/ketanmu/ketanmu"
)

// ServiceKeys are the services ketanmu knows, in menu order. info and status are answered on
// every number and need no entry under services.
// privasi (a resident's request to correct or delete their personal data) is never in a menu:
// the word "privasi" opens it on every number.
var ServiceKeys = []string{"kk_ktp", "pindah_datang", "akta", "validasi_nik", "kia", "pengaduan", "privasi"}

var (
	keyPattern    = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	prefixPattern = regexp.MustCompile(`^[A-Z]{2,5}$`)
	weekdays      = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}
)

func (c *Config) validate() error {
	checks := []func() error{c.validateBasics, c.validateOffice, c.validateCalendar, c.validateOutbound,
		c.validateServices, c.validateFields, c.validateAddress, c.validateAccounts, c.validateFlows, c.validateWorkflows, c.validateWhatsApp, c.validateSLA, c.validateOps, c.validateSKM,
		c.validateBackup}
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

func (c *Config) validateBasics() error {
	if c.HTTP.Addr == "" {
		return &Error{"http.addr", "must not be empty"}
	}
	for _, p := range c.HTTP.TrustedProxies {
		if _, err := netip.ParsePrefix(strings.TrimSpace(p)); err != nil {
			return &Error{"http.trusted_proxies", fmt.Sprintf("%q is not a CIDR such as 127.0.0.1/32 or 10.0.0.0/8", p)}
		}
	}
	if !slices.Contains([]string{"text", "json"}, c.Log.Format) {
		return &Error{"log.format", fmt.Sprintf("%q is not text or json", c.Log.Format)}
	}
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, c.Log.Level) {
		return &Error{"log.level", fmt.Sprintf("%q is not debug, info, warn or error", c.Log.Level)}
	}
	if c.Storage.DataDir == "" || c.Storage.Database == "" {
		return &Error{"storage.data_dir", "data_dir and database must be set"}
	}
	if c.Storage.MaxMediaBytes <= 0 {
		return &Error{"storage.max_media_bytes", "must be positive"}
	}
	if c.Storage.MaxPDFPages < 0 {
		return &Error{"storage.max_pdf_pages", "must not be negative (0: no limit)"}
	}
	if c.Storage.MaxTextChars <= 0 {
		return &Error{"storage.max_text_chars", "must be positive"}
	}
	d, err := time.ParseDuration(c.Retention.AfterCloseRaw)
	if err != nil || d <= 0 {
		return &Error{"retention.after_close", fmt.Sprintf("%q is not a positive duration such as 8760h", c.Retention.AfterCloseRaw)}
	}
	c.Retention.AfterClose = d
	d, err = time.ParseDuration(c.Retention.AbandonedAfterRaw)
	if err != nil || d <= 0 {
		return &Error{"retention.abandoned_after", fmt.Sprintf("%q is not a positive duration such as 720h", c.Retention.AbandonedAfterRaw)}
	}
	c.Retention.AbandonedAfter = d
	return nil
}

func (c *Config) validateOffice() error {
	loc, err := time.LoadLocation(c.Office.Timezone)
	if err != nil || c.Office.Timezone == "" {
		return &Error{"office.timezone", fmt.Sprintf("%q is not a known time zone such as Asia/Jakarta", c.Office.Timezone)}
	}
	c.Office.Location = loc
	for day := range c.Office.Hours {
		if !slices.Contains(weekdays, day) {
			return &Error{"office.hours." + day, "unknown weekday: use mon, tue, wed, thu, fri, sat, sun"}
		}
	}
	if f := c.Office.HolidaysFile; f != "" {
		if _, err := os.Stat(f); err != nil {
			return &Error{"office.holidays_file", fmt.Sprintf("cannot read %s: file not found", f)}
		}
	}
	for i, d := range c.Office.ExtraHolidays {
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			return &Error{fmt.Sprintf("office.extra_holidays[%d]", i), fmt.Sprintf("%q is not a date YYYY-MM-DD", d)}
		}
	}
	return nil
}

func (c *Config) validateOutbound() error {
	o := &c.Outbound
	for name := range o.Lanes {
		if !slices.Contains(ketanmu.Lanes, ketanmu.Lane(name)) {
			return &Error{"outbound.lanes." + name, "unknown lane (revoke, reply, notification, operators or bulk)"}
		}
	}
	for _, lane := range ketanmu.Lanes {
		key := "outbound.lanes." + string(lane)
		b := o.Lanes[string(lane)]
		if err := b.check(key); err != nil {
			return err
		}
		// Every queued thing has a maximum age.
		d, err := time.ParseDuration(b.MaxAgeRaw)
		if err != nil || d <= 0 {
			return &Error{key + ".max_age", fmt.Sprintf("%q is not a positive duration such as 1h", b.MaxAgeRaw)}
		}
		b.MaxAge = d
		o.Lanes[string(lane)] = b
	}
	if err := o.Proactive.Budget.check("outbound.proactive"); err != nil {
		return err
	}
	if o.Proactive.MaxAgeRaw != "" {
		return &Error{"outbound.proactive.max_age", "belongs to a lane (outbound.lanes.<lane>.max_age)"}
	}
	if o.Parallel < 1 || o.Parallel > 16 {
		return &Error{"outbound.parallel", "must be between 1 and 16"}
	}
	if o.CombineAt < 0 {
		return &Error{"outbound.combine_cards_at", "must not be negative (0: never combine)"}
	}
	for _, p := range []struct {
		key  string
		raw  string
		out  *time.Duration
		zero bool
	}{{"outbound.retry_min", o.RetryMinRaw, &o.RetryMin, false}, {"outbound.retry_max", o.RetryMaxRaw, &o.RetryMax, false},
		{"outbound.alert_after", o.AlertRaw, &o.AlertAfter, false},
		{"outbound.proactive.window", o.Proactive.WindowRaw, &o.Proactive.Window, false},
		{"outbound.reply_delay.min", o.ReplyDelay.MinRaw, &o.ReplyDelay.Min, true},
		{"outbound.reply_delay.per_char", o.ReplyDelay.PerCharRaw, &o.ReplyDelay.PerChar, true},
		{"outbound.reply_delay.max", o.ReplyDelay.MaxRaw, &o.ReplyDelay.Max, true}} {
		d, err := time.ParseDuration(p.raw)
		if err != nil || d < 0 || (d == 0 && !p.zero) {
			return &Error{p.key, fmt.Sprintf("%q is not a positive duration such as 2s or 5m", p.raw)}
		}
		*p.out = d
	}
	if o.ReplyDelay.Max < o.ReplyDelay.Min {
		return &Error{"outbound.reply_delay.max", "must not be shorter than min"}
	}
	if o.RetryMax < o.RetryMin {
		return &Error{"outbound.retry_max", "must not be shorter than retry_min"}
	}
	if o.MaxAttempts < 1 {
		return &Error{"outbound.max_attempts", "must be at least 1"}
	}
	return nil
}

func (b Budget) check(key string) error {
	if b.PerMinute <= 0 {
		return &Error{key + ".per_minute", "must be positive"}
	}
	if b.Burst < 1 {
		return &Error{key + ".burst", "must be at least 1"}
	}
	return nil
}

func (c *Config) validateServices() error {
	prefixes := map[string]string{}
	for key, s := range c.Services {
		at := "services." + key
		if !slices.Contains(ServiceKeys, key) {
			return &Error{at, fmt.Sprintf("unknown service; known: %v", ServiceKeys)}
		}
		if !prefixPattern.MatchString(s.Prefix) {
			return &Error{at + ".prefix", fmt.Sprintf("%q must be 2 to 5 capital letters", s.Prefix)}
		}
		if other, dup := prefixes[s.Prefix]; dup {
			return &Error{at + ".prefix", fmt.Sprintf("%q is also the prefix of %s", s.Prefix, other)}
		}
		prefixes[s.Prefix] = key
		if s.Output != "" && s.Output != flows.OutputTTE && s.Output != flows.OutputCard {
			return &Error{at + ".output", fmt.Sprintf("%q is not tte or card", s.Output)}
		}
		if err := c.checkDocuments(at+".documents", s.Documents); err != nil {
			return err
		}
		for i, rd := range s.ReasonDocuments {
			rat := fmt.Sprintf("%s.reason_documents[%d]", at, i)
			if !slices.Contains(c.Lists["validasi_reasons"], rd.Reason) {
				return &Error{rat + ".reason", fmt.Sprintf("%q is not one of lists.validasi_reasons", rd.Reason)}
			}
			if err := c.checkDocuments(rat+".documents", rd.Documents); err != nil {
				return err
			}
		}
		if err := c.checkSubtypes(at, key, s.Subtypes); err != nil {
			return err
		}
	}
	return nil
}

// checkSubtypes checks a service's sub-types: unique keys, their documents, ages and output.
func (c *Config) checkSubtypes(at, service string, subtypes []Subtype) error {
	seen := map[string]bool{}
	for i, st := range subtypes {
		sat := fmt.Sprintf("%s.subtypes[%d]", at, i)
		if !keyPattern.MatchString(st.Key) || seen[st.Key] {
			return &Error{sat + ".key", fmt.Sprintf("%q must be a unique lower-case key", st.Key)}
		}
		seen[st.Key] = true
		if err := c.checkDocuments(sat+".documents", st.Documents); err != nil {
			return err
		}
		if st.MinAge < 0 || st.MaxAge < 0 || (st.MaxAge > 0 && st.MaxAge <= st.MinAge) {
			return &Error{sat + ".max_age", fmt.Sprintf("ages %d to %d: want 0 (no limit) or min_age < max_age", st.MinAge, st.MaxAge)}
		}
		if st.Output != "" && st.Output != flows.OutputTTE && st.Output != flows.OutputCard {
			return &Error{sat + ".output", fmt.Sprintf("%q is not tte or card", st.Output)}
		}
		if st.AgeInstead != "" && !slices.ContainsFunc(subtypes, func(o Subtype) bool { return o.Key == st.AgeInstead && o.Key != st.Key }) {
			return &Error{sat + ".age_instead", fmt.Sprintf("%q is not another sub-type of %s", st.AgeInstead, service)}
		}
	}
	return nil
}

// checkDocuments checks a list of required documents. An entry "a|b" is one requirement that
// either document meets (the law's alternatives, such as the SPTJM for a missing birth letter).
func (c *Config) checkDocuments(at string, docs []string) error {
	for i, slot := range docs {
		for d := range strings.SplitSeq(slot, "|") {
			if _, ok := c.Documents[d]; !ok {
				return &Error{fmt.Sprintf("%s[%d]", at, i), fmt.Sprintf("unknown document %q (not under documents)", d)}
			}
		}
	}
	return nil
}

func (c *Config) validateAccounts() error {
	if len(c.Accounts) == 0 {
		return &Error{"accounts", "at least one account is needed"}
	}
	keys, phones, groups := map[string]bool{}, map[string]string{}, map[string]string{}
	for i, a := range c.Accounts {
		at := fmt.Sprintf("accounts[%d]", i)
		if !keyPattern.MatchString(a.Key) {
			return &Error{at + ".key", fmt.Sprintf("%q must be a lower-case key such as kkktp", a.Key)}
		}
		if keys[a.Key] {
			return &Error{at + ".key", fmt.Sprintf("duplicate account key %q", a.Key)}
		}
		keys[a.Key] = true
		phone, err := ketanmu.NormalizePhone(a.Phone)
		if err != nil {
			return &Error{at + ".phone", ketanmu.ErrorMessage(err)}
		}
		if other, dup := phones[phone]; dup {
			return &Error{at + ".phone", fmt.Sprintf("duplicate phone %s (also account %s)", a.Phone, other)}
		}
		phones[phone] = a.Key
		c.Accounts[i].Phone = phone
		if len(a.Services) == 0 {
			return &Error{at + ".services", "list at least one service"}
		}
		for j, s := range a.Services {
			if s == "info" || s == "status" {
				continue
			}
			if _, ok := c.Services[s]; !ok {
				return &Error{fmt.Sprintf("%s.services[%d]", at, j), fmt.Sprintf("unknown service %q", s)}
			}
		}
		for _, g := range []struct{ key, id string }{{"operators_group", a.OperatorsGroup}, {"complaints_group", a.ComplaintsGroup}} {
			if g.id == "" {
				continue
			}
			if !ketanmu.IsGroup(g.id) {
				return &Error{at + "." + g.key, fmt.Sprintf("%q is not a group id ending in @g.us", g.id)}
			}
			if other, dup := groups[g.id]; dup {
				return &Error{at + "." + g.key, fmt.Sprintf("group %s is also used by account %s", g.id, other)}
			}
			groups[g.id] = a.Key
		}
	}
	return nil
}

// Groups lists the account's operator groups: its operators' group and its complaints group.
func (a Account) Groups() []string {
	var out []string
	for _, g := range []string{a.OperatorsGroup, a.ComplaintsGroup} {
		if g != "" {
			out = append(out, g)
		}
	}
	return out
}

// Account returns the account with the given key.
func (c *Config) Account(key string) (Account, bool) {
	for _, a := range c.Accounts {
		if a.Key == key {
			return a, true
		}
	}
	return Account{}, false
}

// Text returns the configured text for key, or the key in brackets so a missing text shows up
// in tests and transcripts instead of silence.
func (c *Config) Text(key string) string { return c.Texts.Get(key) }
