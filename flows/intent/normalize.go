package intent

import (
	"regexp"
	"strings"
	"unicode"
)

// regNumber finds a registration number such as KTP-251125-0007 anywhere in a message; residents
// sometimes put spaces around the dashes or type an en dash.
var regNumber = regexp.MustCompile(`(?i)[a-z]{2,5}\s*[-–—]\s*\d{6}\s*[-–—]\s*\d{4}`)

// suffixes are stripped when what remains is a known word: Indonesian -nya/-ku/-mu/-lah/-kah
// and Javanese -ipun/-nipun/-ne/-e ("syaratnya", "ktpne", "biayane").
var suffixes = []string{"nipun", "ipun", "nya", "lah", "kah", "ne", "ku", "mu", "e"}

// splitWords lowercases s and cuts it into runs of letters or runs of digits; everything else
// (punctuation, emoji, spaces) separates words, except apostrophes, which are dropped.
func splitWords(s string) []string {
	var words []string
	var b strings.Builder
	digits := false
	flush := func() {
		if b.Len() > 0 {
			words = append(words, b.String())
			b.Reset()
		}
	}
	for _, r := range strings.ToLower(s) {
		switch {
		case r == '\'' || r == '’' || r == '`' || unicode.IsMark(r):
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if d := unicode.IsDigit(r); d != digits {
				flush()
				digits = d
			}
			b.WriteRune(r)
		default:
			flush()
		}
	}
	flush()
	return words
}

// normalize turns a message (with any registration number already removed) into the words the
// keywords are matched against.
func (c *Classifier) normalize(text string) []string {
	raw := splitWords(text)
	words := make([]string, 0, len(raw))
	for _, w := range raw {
		words = appendSlang(words, c.canonical(w))
	}
	return merge(words)
}

// normalizeKeyword is normalize without the vocabulary-driven steps, which need the keywords
// themselves.
func normalizeKeyword(kw string) []string {
	var words []string
	for _, w := range splitWords(kw) {
		words = appendSlang(words, w)
	}
	return merge(words)
}

func appendSlang(words []string, w string) []string {
	if v, ok := slang[w]; ok {
		return append(words, strings.Fields(v)...)
	}
	return append(words, w)
}

func merge(words []string) []string {
	out := words[:0]
	for i := 0; i < len(words); i++ {
		if i+1 < len(words) {
			if m, ok := merges[[2]string{words[i], words[i+1]}]; ok {
				if m != "" {
					out = append(out, m)
				}
				i++
				continue
			}
		}
		out = append(out, words[i])
	}
	return out
}

// canonical undoes stretched letters and suffixes, but only towards a word the classifier knows:
// "pindahh" becomes "pindah" and "syaratnya" "syarat", while "kk", "saat" and "maaf" keep their
// double letters. An unknown word only loses runs of three or more ("halooo" -> "haloo").
func (c *Classifier) canonical(w string) string {
	if c.vocab[w] {
		return w
	}
	cands := []string{w}
	if hasRun(w) {
		cands = append(cands, squeeze(w, 2), squeeze(w, 1))
		for _, s := range cands[1:] {
			if c.vocab[s] {
				return s
			}
		}
	}
	for _, s := range cands {
		for _, suf := range suffixes {
			base, ok := strings.CutSuffix(s, suf)
			if ok && len(base) >= 2 && c.vocab[base] {
				return base
			}
		}
	}
	return squeeze(w, 2)
}

// hasRun reports whether w has the same letter twice in a row.
func hasRun(w string) bool {
	var prev rune
	for _, r := range w {
		if r == prev && unicode.IsLetter(r) {
			return true
		}
		prev = r
	}
	return false
}

// squeeze shortens every run of one repeated letter to at most limit letters.
func squeeze(w string, limit int) string {
	var b strings.Builder
	var prev rune
	n := 0
	for _, r := range w {
		if r == prev && unicode.IsLetter(r) {
			n++
		} else {
			prev, n = r, 1
		}
		if n <= limit {
			b.WriteRune(r)
		}
	}
	return b.String()
}
