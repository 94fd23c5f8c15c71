package ketanmu

import (
	"regexp"
	"strings"
)

// NormalizePhone turns 08…, 628…, +62 8…, 62-8… into the 628… form WhatsApp uses. It accepts
// other country codes written with + and returns them digits only.
func NormalizePhone(s string) (string, error) {
	s = strings.TrimSpace(s)
	plus := strings.HasPrefix(s, "+")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' || r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
		default:
			return "", Errorf(EINVALID, "phone number %q has characters other than digits", s)
		}
	}
	d := b.String()
	switch {
	case strings.HasPrefix(d, "0"):
		d = "62" + d[1:]
	case strings.HasPrefix(d, "8") && !plus:
		d = "62" + d
	}
	if len(d) < 8 || len(d) > 15 {
		return "", Errorf(EINVALID, "phone number %q must have 8 to 15 digits", s)
	}
	return d, nil
}

var longNumber = regexp.MustCompile(`\d{8,}`)

// MaskNumbers masks every run of eight or more digits in s (phone numbers inside a library's
// error text, for instance) the way MaskPhone does.
func MaskNumbers(s string) string { return longNumber.ReplaceAllStringFunc(s, MaskPhone) }

// IsGroup reports whether a chat id names a WhatsApp group.
func IsGroup(chat string) bool { return strings.HasSuffix(chat, "@g.us") }

// MaskPhone keeps the country code and the last three digits: 6281******789. Logs use it.
func MaskPhone(p string) string {
	if IsGroup(p) {
		return p
	}
	if i := strings.IndexByte(p, '@'); i >= 0 {
		return MaskPhone(p[:i]) + p[i:]
	}
	if len(p) <= 6 {
		return strings.Repeat("*", len(p))
	}
	return p[:4] + strings.Repeat("*", len(p)-7) + p[len(p)-3:]
}
