package config

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
)

// Ops configures the operators' workspace in the browser (/ops/).
type Ops struct {
	// PublicURL is where staff reach the server (https://ketanmu.example.go.id); links in the
	// operators' group point there. Empty: http:// and http.addr.
	PublicURL string `mapstructure:"public_url"`
	// IdleTimeoutRaw signs a person out after this long without a request.
	IdleTimeoutRaw string `mapstructure:"idle_timeout"`
	// RejectReasons are the reasons offered when rejecting a case (editable before sending).
	RejectReasons []string `mapstructure:"reject_reasons"`
	// Replies are canned replies offered in the reply, fix and reject forms (editable before
	// sending); {office}, {address}, {hours} and, on a case, {number} and {name} are filled.
	Replies []CannedReply `mapstructure:"replies"`
	// MaxFailedLogins in a quarter of an hour for one name locks that name for the rest of it.
	MaxFailedLogins int `mapstructure:"max_failed_logins"`
	// SessionMaxRaw signs a person out this long after they signed in, however active.
	SessionMaxRaw string `mapstructure:"session_max"`

	IdleTimeout time.Duration `mapstructure:"-"`
	SessionMax  time.Duration `mapstructure:"-"`
}

// CannedReply is a ready-made text an operator picks by its title.
type CannedReply struct {
	Title string `mapstructure:"title"`
	Text  string `mapstructure:"text"`
}

func (c *Config) validateOps() error {
	o := &c.Ops
	for i, r := range o.Replies {
		if strings.TrimSpace(r.Title) == "" || strings.TrimSpace(r.Text) == "" {
			return &Error{fmt.Sprintf("ops.replies[%d]", i), "needs a title and a text"}
		}
	}
	d, err := time.ParseDuration(o.IdleTimeoutRaw)
	if err != nil || d < time.Minute {
		return &Error{"ops.idle_timeout", fmt.Sprintf("%q is not a duration of at least a minute such as 30m", o.IdleTimeoutRaw)}
	}
	o.IdleTimeout = d
	if d, err = time.ParseDuration(o.SessionMaxRaw); err != nil || d < o.IdleTimeout {
		return &Error{"ops.session_max", fmt.Sprintf("%q is not a duration of at least ops.idle_timeout such as 12h", o.SessionMaxRaw)}
	}
	o.SessionMax = d
	if o.MaxFailedLogins <= 0 {
		return &Error{"ops.max_failed_logins", "must be positive"}
	}
	o.PublicURL = strings.TrimRight(strings.TrimSpace(o.PublicURL), "/")
	if o.PublicURL != "" {
		u, err := url.Parse(o.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return &Error{"ops.public_url", fmt.Sprintf("%q is not an http(s) address such as https://ketanmu.example.go.id", o.PublicURL)}
		}
	}
	return nil
}

// WorkspaceURL is the address of the workspace's page at path (which starts with /ops/).
func (c *Config) WorkspaceURL(path string) string {
	base := c.Ops.PublicURL
	if base == "" {
		host, port, err := net.SplitHostPort(c.HTTP.Addr)
		if err == nil && (host == "" || host == "0.0.0.0" || host == "::") {
			host = "127.0.0.1"
		}
		base = "http://" + net.JoinHostPort(host, port)
		if err != nil {
			base = "http://" + c.HTTP.Addr
		}
	}
	return base + path
}
