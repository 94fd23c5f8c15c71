package flows

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/ketanmu/ketanmu/nik"
	"github.com/ketanmu/ketanmu/sla"
)

// Field is one piece of data a service variant asks for besides the applicant's NIK and name
// (the child's date of birth, the destination of a move). Its question is texts.ask_<key>,
// its label texts.field_<key>.
type Field struct {
	// Kind says how an answer is read: name, text, date (not in the future), nik, niks (one or
	// more NIKs), kk (a KK number), choice (from Lists[List]) or yesno.
	Kind string
	List string
	// Optional fields take "tidak ada" (and variants) as no answer: "-".
	Optional bool
	// When "other=value", the field is asked only when field other was answered value.
	When string
	// Documents are required in addition when a yesno field is answered "ya" (joining a
	// household: its KK and the owner's statement).
	Documents []string
	// Instead, "value=subtype", switches the application to another variant of the service
	// when the field is answered value (a move within the regency needs no SKPWNI).
	Instead string
	// Of is, for a desa field, the kecamatan field asked before it whose villages it is
	// matched among.
	Of string
}

// Field kinds.
const (
	KindName   = "name"
	KindText   = "text"
	KindDate   = "date"
	KindNIK    = "nik"
	KindNIKs   = "niks"
	KindKK     = "kk"
	KindChoice = "choice"
	KindYesNo  = "yesno"
	// KindKecamatan is a kecamatan of the office's regency, KindDesa a desa/kelurahan of the
	// kecamatan field named by Of: checked against the Kemendagri list as the resident's own
	// address is, and stored by their official names.
	KindKecamatan = "kecamatan"
	KindDesa      = "desa"
)

// FieldKinds are the kinds a Field may have.
var FieldKinds = []string{KindName, KindText, KindDate, KindNIK, KindNIKs, KindKK, KindChoice, KindYesNo, KindKecamatan, KindDesa}

// fieldStep is the step name of field key.
func fieldStep(key string) string { return "f_" + key }

// variantFields are the fields of the draft's sub-type, in order.
func (e *Engine) variantFields(d *Draft) []string {
	for _, st := range e.opt.Services[d.Service].Subtypes {
		if st.Key == d.Subtype {
			return st.Fields
		}
	}
	return nil
}

// fieldSteps are the steps of the fields the draft asks for: those whose condition its earlier
// answers meet.
func (e *Engine) fieldSteps(d *Draft) []string {
	var out []string
	for _, key := range e.variantFields(d) {
		if e.fieldApplies(d, key) {
			out = append(out, fieldStep(key))
		}
	}
	return out
}

func (e *Engine) fieldApplies(d *Draft, key string) bool {
	other, value, ok := strings.Cut(e.opt.Fields[key].When, "=")
	return !ok || d.Fields[other] == value
}

// allFieldSteps are the steps of every field of a service, for states saved mid-question.
func (e *Engine) allFieldSteps(service string) []string {
	var out []string
	for _, st := range e.opt.Services[service].Subtypes {
		for _, key := range st.Fields {
			out = append(out, fieldStep(key))
		}
	}
	return out
}

// fieldDocs are the documents the draft's answers add to its requirements.
func (e *Engine) fieldDocs(d *Draft) []string {
	var out []string
	for _, key := range e.variantFields(d) {
		if f := e.opt.Fields[key]; f.Kind == KindYesNo && d.Fields[key] == "ya" && e.fieldApplies(d, key) {
			out = append(out, f.Documents...)
		}
	}
	return out
}

func (e *Engine) fieldHint(key string) string {
	f := e.opt.Fields[key]
	s := e.text("ask_"+key, "regency", e.regencyName())
	switch f.Kind {
	case KindChoice:
		s += "\n" + numbered(e.opt.Lists[f.List])
	case KindYesNo:
		s += "\n" + e.text("ask_yesno")
	}
	if f.Optional {
		s += "\n" + e.text("ask_optional")
	}
	return s
}

// askField reads the answer to field key.
func (t *turn) askField(key string) {
	f := t.e.opt.Fields[key]
	value, problem := t.readField(f)
	if f.Optional && value == "" && problem != "" && declines(t.word) {
		value, problem = "-", ""
	}
	if problem != "" {
		t.say(problem)
		return
	}
	d := t.st.Draft
	if d.Fields == nil {
		d.Fields = map[string]string{}
	}
	before := d.Fields[key]
	d.Fields[key] = value
	if f.Kind == KindKecamatan && before != value {
		t.e.dropDesaOf(d, key) // the desa is checked against the new kecamatan
	}
	if want, sub, ok := strings.Cut(f.Instead, "="); ok && value == want {
		t.switchSubtype(sub)
		return
	}
	if f.Kind == KindYesNo && before != value {
		// The answer may add or drop questions and documents: the ones it drops go.
		for _, other := range t.e.variantFields(d) {
			if !t.e.fieldApplies(d, other) {
				delete(d.Fields, other)
			}
		}
	}
	t.advance()
}

// readField returns the answer as stored, or what is wrong with it.
func (t *turn) readField(f Field) (string, string) {
	text := strings.Join(strings.Fields(t.text), " ")
	switch f.Kind {
	case KindName:
		if !isName(text) {
			return "", t.e.text("name_invalid")
		}
		return text, ""
	case KindDate:
		d, ok := sla.ParseDateID(text)
		if !ok {
			return "", t.e.text("date_invalid")
		}
		if d.After(t.env.Now) || d.Year() < 1900 {
			return "", t.e.text("date_future")
		}
		return sla.FormatDayID(d), ""
	case KindNIK, KindKK:
		check := nik.CheckNIK
		if f.Kind == KindKK {
			check = nik.CheckKK
		}
		if m := nikInText.FindString(text); len(strings.Map(keepDigit, m)) == 16 {
			text = m
		}
		r := check(text, t.e.regions, t.env.Now)
		if !r.Valid {
			return "", r.Error
		}
		return r.NIK, ""
	case KindNIKs:
		return t.readNIKs(text)
	case KindKecamatan, KindDesa:
		return t.readRegion(f)
	case KindChoice:
		items := t.e.opt.Lists[f.List]
		i := pick(t.word, len(items), func(i int) string { return items[i] })
		if i < 0 {
			return "", t.e.text("choose_number", "max", strconv.Itoa(len(items)))
		}
		return items[i], ""
	case KindYesNo:
		switch {
		case confirms(t.word):
			return "ya", ""
		case isSkip(t.word) || slices.Contains([]string{"bukan", "tidak", "no", "belum"}, t.word):
			return "tidak", ""
		}
		return "", t.e.text("yesno_invalid")
	}
	if len([]rune(text)) < 3 || len([]rune(text)) > 200 {
		return "", t.e.text("field_text_invalid")
	}
	return text, ""
}

var notDigits = regexp.MustCompile(`[^\d .\-]+`)

// readNIKs reads one or more NIKs, separated by anything but digits (new lines, commas, "dan").
func (t *turn) readNIKs(text string) (string, string) {
	var niks []string
	for _, run := range notDigits.Split(text, -1) {
		digits := strings.Map(keepDigit, run)
		if digits == "" {
			continue
		}
		// Several NIKs on one line without separators other than spaces: 16 digits each.
		if len(digits)%16 == 0 && len(digits) > 16 {
			for i := 0; i < len(digits); i += 16 {
				niks = append(niks, digits[i:i+16])
			}
			continue
		}
		niks = append(niks, digits)
	}
	if len(niks) == 0 {
		return "", t.e.text("niks_invalid")
	}
	for _, n := range niks {
		if r := nik.CheckNIK(n, t.e.regions, t.env.Now); !r.Valid {
			return "", r.Error + " (" + nik.MaskNIK(n) + ")"
		}
	}
	var out []string
	for _, n := range niks {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return strings.Join(out, ", "), ""
}

// fieldLabel is the label of a step that can be edited from the summary (field_<key>).
func (e *Engine) fieldLabel(step string) string {
	return e.text("field_" + strings.TrimPrefix(step, "f_"))
}
