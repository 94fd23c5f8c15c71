package ketanmu

import "strings"

// Texts is the catalogue of what residents and operators read, by key, with {name} placeholders.
// It comes from the config's texts so that an office can change every word.
type Texts map[string]string

// Get returns the text for key with pairs (name, value, name, value…) filled in. A missing key
// reads "[key]", so that it shows up in tests and transcripts instead of as silence.
func (t Texts) Get(key string, pairs ...string) string {
	s, ok := t[key]
	if !ok {
		return "[" + key + "]"
	}
	return Fill(s, pairs...)
}

// Lookup returns the text for key with pairs filled in, and whether the office has one.
func (t Texts) Lookup(key string, pairs ...string) (string, bool) {
	s, ok := t[key]
	if !ok {
		return "", false
	}
	return Fill(s, pairs...), true
}

// Fill replaces each {name} in s with its value from pairs (name, value, name, value…). It is
// the one placeholder filler: every text anyone reads goes through it.
func Fill(s string, pairs ...string) string {
	if len(pairs) < 2 || !strings.Contains(s, "{") {
		return s
	}
	args := make([]string, 0, len(pairs))
	for i := 0; i+1 < len(pairs); i += 2 {
		args = append(args, "{"+pairs[i]+"}", pairs[i+1])
	}
	return strings.NewReplacer(args...).Replace(s)
}
