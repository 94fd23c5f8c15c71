package flows

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ketanmu/ketanmu/nik"
	"github.com/ketanmu/ketanmu/sla"
)

// AgeRule says who may apply for a variant, by the age in completed years on the day of the
// application, read from the birth date in the NIK.
type AgeRule struct {
	Min, Max int // from Min years, under Max years; 0 is no limit
	// MarriedOK admits someone younger than Min who is or was married (KTP-el, pisah KK).
	MarriedOK bool
	// Instead is the variant of the same service to take when the age does not fit this one
	// (a KIA for a child under 5 asked for a child of 7).
	Instead string
}

// AgeOn is the age in completed years, on the day of on, of someone born on the day of birth.
// Someone born on 29 February is a year older on 1 March of a common year.
func AgeOn(birth, on time.Time) int {
	by, bm, bd := birth.Date()
	y, m, d := on.Date()
	age := y - by
	if m < bm || (m == bm && d < bd) {
		age--
	}
	return age
}

// ageVerdict is what an AgeRule says of an applicant.
type ageVerdict int

const (
	ageOK ageVerdict = iota
	ageTooYoung
	ageTooOld
	ageAskMarried // too young unless married: ask
)

func (r AgeRule) verdict(age int, married bool) ageVerdict {
	switch {
	case r.Max > 0 && age >= r.Max:
		return ageTooOld
	case r.Min > 0 && age < r.Min && r.MarriedOK && married:
		return ageOK
	case r.Min > 0 && age < r.Min && r.MarriedOK:
		return ageAskMarried
	case r.Min > 0 && age < r.Min:
		return ageTooYoung
	}
	return ageOK
}

// Admits reports whether someone of age (married or not) may apply.
func (r AgeRule) Admits(age int, married bool) bool { return r.verdict(age, married) == ageOK }

func (e *Engine) subtypeOf(d *Draft) (Subtype, bool) {
	subs := e.opt.Services[d.Service].Subtypes
	i := slices.IndexFunc(subs, func(s Subtype) bool { return s.Key == d.Subtype })
	if i < 0 {
		return Subtype{}, false
	}
	return subs[i], true
}

// birthOf is the birth date a NIK holds, in the office's time zone.
func (e *Engine) birthOf(n string, now time.Time) (time.Time, bool) {
	r := nik.CheckNIK(n, e.regions, now)
	if r.BirthDate == "" {
		return time.Time{}, false
	}
	b, err := time.ParseInLocation(time.DateOnly, r.BirthDate, e.cal.Location())
	return b, err == nil
}

// checkAge applies the variant's age rule to the NIK just taken. It reports whether it
// answered (a refusal, a question, or a change of variant that moved on).
func (t *turn) checkAge() bool {
	d := t.st.Draft
	sub, ok := t.e.subtypeOf(d)
	if !ok || (sub.Age == AgeRule{}) {
		return false
	}
	birth, ok := t.e.birthOf(d.NIK, t.env.Now)
	if !ok {
		return false
	}
	age := AgeOn(birth, t.env.Now.In(t.e.cal.Location()))
	switch sub.Age.verdict(age, false) {
	case ageOK:
		return false
	case ageAskMarried:
		t.st.Step = d.Service + "@nik_married"
		t.prompt()
		return true
	}
	if alt, ok := t.e.ageInstead(d.Service, sub, age); ok {
		d.Subtype = alt.Key
		t.e.keepFor(d)
		t.sayf("age_switched", "age", strconv.Itoa(age), "subtype", alt.Name)
		t.say(t.e.requirements(d.Service, alt.Key))
		return false
	}
	t.refuseAge(sub, birth, age)
	return true
}

// ageInstead is the variant to take instead of sub for someone of age, when there is one.
func (e *Engine) ageInstead(service string, sub Subtype, age int) (Subtype, bool) {
	if sub.Age.Instead == "" {
		return Subtype{}, false
	}
	alt, ok := e.subtypeOf(&Draft{Service: service, Subtype: sub.Age.Instead})
	return alt, ok && alt.Age.Admits(age, false)
}

// refuseAge says why the NIK's owner may not apply and what to do instead, and asks again.
func (t *turn) refuseAge(sub Subtype, birth time.Time, age int) {
	d := t.st.Draft
	d.NIK, d.Warnings = "", nil
	t.st.Step = d.Service + "@nik"
	key := "age_too_old"
	pairs := []string{"subtype", sub.Name, "age", strconv.Itoa(age), "min", strconv.Itoa(sub.Age.Min),
		"max", strconv.Itoa(sub.Age.Max), "date", sla.FormatDateID(birth.AddDate(sub.Age.Min, 0, 0))}
	if sub.Age.Min > 0 && age < sub.Age.Min {
		key = "age_too_young"
	}
	if s, ok := t.e.opt.Texts.Lookup(key+"_"+sub.Key, pairs...); ok {
		t.say(s)
	} else {
		t.sayf(key, pairs...)
	}
	t.sayf("age_other_nik")
}

// married answers the question whether an applicant under the age is or was married.
func (t *turn) married() {
	d := t.st.Draft
	sub, _ := t.e.subtypeOf(d)
	birth, ok := t.e.birthOf(d.NIK, t.env.Now)
	switch {
	case !ok:
		t.st.Step = d.Service + "@nik"
		t.prompt()
	case strings.ContainsAny(t.text, "0123456789"):
		d.NIK, d.Warnings = "", nil // another NIK instead of an answer
		t.st.Step = d.Service + "@nik"
		t.askNIK()
	case confirms(t.word) || strings.HasPrefix(t.word, "sudah") || strings.HasPrefix(t.word, "pernah"):
		d.Warnings = append(d.Warnings, t.e.text("age_married_note"))
		t.st.Step = d.Service + "@nik"
		t.afterAge()
	case isNo(t.word):
		t.refuseAge(sub, birth, AgeOn(birth, t.env.Now.In(t.e.cal.Location())))
	default:
		t.sayf("yesno_invalid")
		t.prompt()
	}
}

// isNo reads a plain "no" to a yes/no question.
func isNo(w string) bool {
	first, _, _ := strings.Cut(w, " ")
	return slices.Contains([]string{"tidak", "belum", "bukan", "no", "enggak", "nggak", "gak", "ga", "ndak", "tdk", "blm", "mboten", "dereng"}, first)
}

// marriedHint asks whether an applicant under the age is or was married.
func (e *Engine) marriedHint(d *Draft) string {
	sub, _ := e.subtypeOf(d)
	return e.text("age_ask_married", "subtype", sub.Name, "min", strconv.Itoa(sub.Age.Min))
}

// serviceText is the text key_<service> when the office has one (the KIA asks for the child's
// NIK), else key.
func (e *Engine) serviceText(key, service string, pairs ...string) string {
	if s, ok := e.opt.Texts.Lookup(key+"_"+service, pairs...); ok {
		return s
	}
	return e.text(key, pairs...)
}

// nikQuestion answers a question instead of a NIK ("nik anak apa nik saya?"): whose NIK the
// service asks for. It reports whether it answered.
func (t *turn) nikQuestion() bool {
	if strings.ContainsAny(t.text, "0123456789") {
		return false
	}
	words := strings.Fields(t.word)
	if !strings.Contains(t.text, "?") && !slices.ContainsFunc(words, func(w string) bool {
		return slices.Contains([]string{"siapa", "anak", "saya", "apa", "mana", "yg", "yang", "ortu", "bapak", "ibu"}, w)
	}) {
		return false
	}
	t.say(t.e.serviceText("nik_whose", t.st.Draft.Service))
	return true
}
