package nik

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ketanmu/ketanmu/internal/textdist"
)

// FindDistrict matches a resident's typed kecamatan name within a regency: case-insensitive,
// ignores "kec.", "kecamatan", punctuation and extra spaces, tolerates one or two typos
// (Damerau-Levenshtein ≤ 1 for names up to 5 letters, ≤ 2 longer). Returns the best unique
// match; a tie between two districts is no match, so the bot asks again instead of guessing.
func (r *Regions) FindDistrict(code4, typed string) (District, bool) {
	key := typedKey(typed)
	if key == "" {
		return District{}, false
	}
	best, bestDist, tie := District{}, -1, false
	for _, e := range r.byRegency[code4] {
		d := e.distance(key)
		if d < 0 {
			continue
		}
		switch {
		case bestDist < 0 || d < bestDist:
			best, bestDist, tie = e.District, d, false
		case d == bestDist:
			tie = true
		}
	}
	if bestDist < 0 || tie {
		return District{}, false
	}
	return best, true
}

// distance is the smallest edit distance between key and one of the district's spellings
// that is within that spelling's tolerance, or -1 when none is.
func (e districtEntry) distance(key string) int {
	best := -1
	for _, k := range e.keys {
		limit := 2
		if utf8.RuneCountInString(k) <= 5 {
			limit = 1
		}
		if d := osaDistance(key, k, limit); d <= limit && (best < 0 || d < best) {
			best = d
		}
	}
	return best
}

// typedKey normalises what a resident typed: words "kec"/"kecamatan" dropped, then the
// same folding as the official names.
func typedKey(s string) string {
	words := strings.Fields(foldWords(s))
	kept := words[:0]
	for _, w := range words {
		if w != "kec" && w != "kecamatan" {
			kept = append(kept, w)
		}
	}
	return strings.Join(kept, "")
}

// nameKeys returns the spellings an official name can be matched by: the whole name and, for
// names like "Tiro/Truseb" or "Misool (Misool Utara)", each alternative on its own.
func nameKeys(name string) []string {
	keys := []string{strings.ReplaceAll(foldWords(name), " ", "")}
	if !strings.ContainsAny(name, "/()") {
		return keys
	}
	for _, part := range strings.FieldsFunc(name, func(r rune) bool { return r == '/' || r == '(' || r == ')' }) {
		k := strings.ReplaceAll(foldWords(part), " ", "")
		if k != "" && k != keys[0] {
			keys = append(keys, k)
		}
	}
	return keys
}

// foldWords lower-cases s and turns every run of non-letters/digits into one space.
// Spaces are later removed entirely so "Dawar Blandong" matches "Dawarblandong".
func foldWords(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
			space = false
			continue
		}
		if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimSuffix(b.String(), " ")
}

// osaDistance is textdist.OSA on strings.
func osaDistance(a, b string, limit int) int { return textdist.OSA([]rune(a), []rune(b), limit) }
