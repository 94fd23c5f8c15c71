// Package intent routes a resident's free-text message to a service when they write instead of
// picking a menu number. It is pure: keywords come in as data (the config), nothing is read or
// logged.
//
// A message is normalised first: lowercased; punctuation and emoji dropped; a registration number
// (KTP-251125-0007) taken out and counted for status; slang and abbreviations mapped (gmn, tdk,
// akte, e-KTP, KTP-el); stretched letters and suffixes (-nya, -e) removed when that gives a known
// word; an idiom that holds a keyword but asks for nothing ("maaf lahir batin") is dropped.
// Keywords are then found left to right, longest phrase first, each message word used once;
// a keyword word of five letters or more also matches a typo (one slip, two from eight letters),
// unless the message word is a known everyday word.
//
// Scoring. A service gets 1 point per message word covered by one of its keywords (0.8 for a
// typo), so a two-word phrase outweighs a single word; each keyword counts once; a registration
// number gives status 3. The decision goes by level, and the first level where anything scored
// decides, a tie there giving unknown:
//
//  1. pengaduan: a complaint stays a complaint whatever document it mentions;
//  2. status and info: a question about a document ("syarat KTP", "KTP sudah jadi belum") is
//     answered by the question's service, the document only names its subject;
//  3. kk_ktp, pindah_datang, akta, validasi_nik and kia.
//
// A problem word (hilang, rusak, salah, …) next to a document means the resident needs the
// document service, not information: each of kk_ktp, pindah_datang, akta and kia that scored gets 1
// more point and info is set to zero ("KTP hilang, syaratnya apa" goes to kk_ktp).
package intent

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/ketanmu/ketanmu/internal/textdist"
)

// Keywords maps a service key to its keywords/phrases (lowercase; a phrase may have several words).
type Keywords map[string][]string

// Unknown is the key Classify returns when a message names no service clearly; the bot then
// shows the menu.
const Unknown = "unknown"

// Service indexes, in menu order; serviceKeys holds their keys.
const (
	kkKTP = iota
	pindahDatang
	akta
	validasiNIK
	kia
	pengaduan
	status
	info
	numServices
)

var serviceKeys = [numServices]string{
	"kk_ktp", "pindah_datang", "akta", "validasi_nik", "kia", "pengaduan", "status", "info",
}

// levels lists the services in the order they decide; see the package comment.
var levels = [][]int{{pengaduan}, {status, info}, {kkKTP, pindahDatang, akta, validasiNIK, kia}}

// subjects are the document services a problem word strengthens.
var subjects = []int{kkKTP, pindahDatang, akta, kia}

// Points are counted in tenths so that sums compare exactly.
const (
	pointsWord      = 10
	pointsTypo      = 8
	pointsRegNumber = 30
	pointsProblem   = 10
)

// Match is one reason behind a decision: a keyword found for a service and the points it gave.
// The scores of one key add up to that service's total.
type Match struct {
	Key, Keyword string
	Score        float64
}

// Classifier routes messages; it is safe for concurrent use.
type Classifier struct {
	words   []word         // distinct keyword words
	wordID  map[string]int // word text -> index in words
	typoOK  map[rune][]int // words that forgive typos, by first letter
	entries []entry
	starts  map[int][]int   // word -> entries beginning with it
	vocab   map[string]bool // every word normalisation may aim for
}

type word struct {
	runes []rune
	typos int
}

type entry struct {
	service int
	keyword string // as configured
	words   []int
}

// New validates keys (only the 7 service keys; the error names the bad key) and prepares the index.
func New(kw Keywords) (*Classifier, error) {
	for _, key := range slices.Sorted(maps.Keys(kw)) {
		if !slices.Contains(serviceKeys[:], key) {
			return nil, fmt.Errorf("intent: unknown service key %q in keywords (want one of %s)",
				key, strings.Join(serviceKeys[:], ", "))
		}
	}
	c := &Classifier{
		wordID: make(map[string]int),
		typoOK: make(map[rune][]int),
		starts: make(map[int][]int),
		vocab:  make(map[string]bool),
	}
	owner := make(map[string]int) // normalised keyword -> service
	for svc, key := range serviceKeys {
		for _, k := range kw[key] {
			ws := normalizeKeyword(k)
			if len(ws) == 0 {
				return nil, fmt.Errorf("intent: keyword %q of %s has no words to match", k, key)
			}
			norm := strings.Join(ws, " ")
			if prev, ok := owner[norm]; ok {
				if prev == svc {
					continue // a spelling variant of a keyword already listed
				}
				return nil, fmt.Errorf("intent: keyword %q is listed under both %s and %s",
					k, serviceKeys[prev], key)
			}
			owner[norm] = svc
			e := entry{service: svc, keyword: k}
			for _, w := range ws {
				e.words = append(e.words, c.intern(w))
			}
			c.starts[e.words[0]] = append(c.starts[e.words[0]], len(c.entries))
			c.entries = append(c.entries, e)
		}
	}
	c.buildVocab()
	return c, nil
}

func (c *Classifier) intern(w string) int {
	if id, ok := c.wordID[w]; ok {
		return id
	}
	id := len(c.words)
	r := []rune(w)
	c.words = append(c.words, word{runes: r, typos: maxTypos(r)})
	c.wordID[w] = id
	if c.words[id].typos > 0 {
		c.typoOK[r[0]] = append(c.typoOK[r[0]], id)
	}
	return id
}

func (c *Classifier) buildVocab() {
	for w := range c.wordID {
		c.vocab[w] = true
	}
	for k, v := range slang {
		c.vocab[k] = true
		for _, w := range strings.Fields(v) {
			c.vocab[w] = true
		}
	}
	for pair, w := range merges {
		c.vocab[pair[0]], c.vocab[pair[1]] = true, true
		if w != "" {
			c.vocab[w] = true
		}
	}
	for w := range problemWords {
		c.vocab[w] = true
	}
	for w := range everyday {
		c.vocab[w] = true
	}
}

// Classify returns the service key, or "unknown".
func (c *Classifier) Classify(text string) string {
	key, _ := c.decide(text, false)
	return key
}

// Explain returns the key and the matched keywords with scores, for tuning. Besides keywords it
// lists the registration number and the problem-word adjustments, named in words.
func (c *Classifier) Explain(text string) (key string, matches []Match) {
	return c.decide(text, true)
}

// tally collects points per service and, when explaining, the matches behind them.
type tally struct {
	points  [numServices]int
	explain bool
	matches []Match
}

func (t *tally) add(svc int, keyword string, points int) {
	t.points[svc] += points
	if t.explain {
		t.matches = append(t.matches, Match{serviceKeys[svc], keyword, float64(points) / 10})
	}
}

func (c *Classifier) decide(text string, explain bool) (string, []Match) {
	t := tally{explain: explain}
	if loc := regNumber.FindStringIndex(text); loc != nil {
		t.add(status, "registration number "+strings.ToUpper(text[loc[0]:loc[1]]), pointsRegNumber)
		text = regNumber.ReplaceAllString(text, " ")
	}
	words := c.normalize(text)
	c.score(words, &t)
	applyProblem(words, &t)
	return pick(&t.points), t.matches
}

// score finds the keywords in words, left to right and longest first, each counted once.
func (c *Classifier) score(words []string, t *tally) {
	found := make([][]found, len(words))
	for i, w := range words {
		found[i] = c.lookup(w)
	}
	var seen []int
	for i := 0; i < len(words); {
		e, n, points := c.longest(found, i)
		if e < 0 {
			i++
			continue
		}
		if !slices.Contains(seen, e) {
			seen = append(seen, e)
			t.add(c.entries[e].service, c.entries[e].keyword, points)
		}
		i += n
	}
}

// found is one keyword word a message word matched, and the points it is worth.
type found struct {
	word, points int
}

func (c *Classifier) lookup(w string) []found {
	if id, ok := c.wordID[w]; ok {
		return []found{{id, pointsWord}}
	}
	if c.vocab[w] {
		return nil // a known word is not a typo of another
	}
	r := []rune(w)
	var out []found
	for _, id := range c.typoOK[r[0]] {
		kw := c.words[id]
		if textdist.OSA(r, kw.runes, kw.typos) <= kw.typos {
			out = append(out, found{id, pointsTypo})
		}
	}
	return out
}

// longest returns the entry matching the most words from position i (ties: more points, then the
// one listed first), how many words it covers and its points; -1 when none matches.
func (c *Classifier) longest(found [][]found, i int) (best, n, points int) {
	best = -1
	for _, f := range found[i] {
		for _, e := range c.starts[f.word] {
			ws := c.entries[e].words
			if i+len(ws) > len(found) || len(ws) < n {
				continue
			}
			p := f.points
			for k := 1; k < len(ws) && p > 0; k++ {
				q := pointsFor(found[i+k], ws[k])
				if q == 0 {
					p = 0
				}
				p += q
			}
			if p == 0 {
				continue
			}
			if len(ws) > n || p > points || (p == points && e < best) {
				best, n, points = e, len(ws), p
			}
		}
	}
	return best, n, points
}

func pointsFor(fs []found, word int) int {
	for _, f := range fs {
		if f.word == word {
			return f.points
		}
	}
	return 0
}

// applyProblem applies the problem-word rule of the package comment.
func applyProblem(words []string, t *tally) {
	i := slices.IndexFunc(words, func(w string) bool { return problemWords[w] })
	if i < 0 {
		return
	}
	label := fmt.Sprintf("problem word %q", words[i])
	strengthened := false
	for _, svc := range subjects {
		if t.points[svc] > 0 {
			t.add(svc, label, pointsProblem)
			strengthened = true
		}
	}
	if strengthened && t.points[info] > 0 {
		t.add(info, label, -t.points[info])
	}
}

// pick applies the levels of the package comment.
func pick(points *[numServices]int) string {
	for _, level := range levels {
		best := slices.MaxFunc(level, func(a, b int) int { return cmp.Compare(points[a], points[b]) })
		if points[best] <= 0 {
			continue
		}
		for _, svc := range level {
			if svc != best && points[svc] == points[best] {
				return Unknown
			}
		}
		return serviceKeys[best]
	}
	return Unknown
}
