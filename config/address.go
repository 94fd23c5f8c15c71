package config

import (
	"fmt"
	"strings"
)

// validateAddress checks office.postal_prefixes and office.postal_codes: digits only, a code
// of five. Kecamatan names are not checked against the regency, since an office's file is
// merged over the example's.
func (c *Config) validateAddress() error {
	for i, p := range c.Office.PostalPrefixes {
		if p == "" || len(p) > 5 || strings.Trim(p, "0123456789") != "" {
			return &Error{fmt.Sprintf("office.postal_prefixes[%d]", i), fmt.Sprintf("%q is not the start of a postal code, such as 613", p)}
		}
	}
	for name, code := range c.Office.PostalCodes {
		if len(code) != 5 || strings.Trim(code, "0123456789") != "" {
			return &Error{"office.postal_codes." + name, fmt.Sprintf("%q is not a postal code of 5 digits", code)}
		}
	}
	return nil
}

// postalCodes are office.postal_codes keyed by the lower-cased kecamatan name (viper lower-cases
// keys; the flows look the official name up lower-cased).
func (c *Config) postalCodes() map[string]string {
	out := map[string]string{}
	for name, code := range c.Office.PostalCodes {
		out[strings.ToLower(name)] = code
	}
	return out
}
