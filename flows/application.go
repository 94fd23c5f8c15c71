package flows

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/nik"
)

// steps lists an application's steps in order; delivery by post adds the address steps.
func (e *Engine) steps(d *Draft) []string {
	switch d.Service {
	case "validasi_nik":
		return []string{"reason", "nik", "docs", "confirm"}
	case "pengaduan":
		return []string{"category", "description", "photo"}
	}
	var s []string
	if len(e.opt.Services[d.Service].Subtypes) > 0 {
		s = append(s, "subtype")
	}
	s = append(s, "nik", "name")
	s = append(s, e.fieldSteps(d)...)
	s = append(s, "docs", "notes", "delivery")
	if d.Delivery == "post" {
		s = append(s, addressSteps...)
	}
	return append(s, "confirm")
}

func (e *Engine) firstStep(service string) string { return e.steps(&Draft{Service: service})[0] }

// advance moves to the step after the current one (back to the summary when editing).
func (t *turn) advance() {
	d := t.st.Draft
	flow, step, _ := strings.Cut(t.st.Step, "@")
	steps := t.e.steps(d)
	i := slices.Index(steps, step)
	next := "confirm"
	if i >= 0 && i+1 < len(steps) {
		next = steps[i+1]
	}
	if d.Editing && !slices.Contains(addressSteps, next) {
		// Back to the summary, unless the change opened a question or a document still missing.
		next = "confirm"
		for _, s := range steps[i+1:] {
			key, isField := strings.CutPrefix(s, "f_")
			if (isField && d.Fields[key] == "") || (s == "docs" && len(t.e.missingDocs(d)) > 0) {
				next = s
				break
			}
		}
	}
	if flow == "pengaduan" && i+1 >= len(steps) {
		next = "photo"
	}
	t.st.Step = flow + "@" + next
	t.prompt()
}

// back returns to the previous step, or to the menu from the first one (the draft is kept).
func (t *turn) back() {
	d := t.st.Draft
	flow, step, _ := strings.Cut(t.st.Step, "@")
	if d == nil || t.st.Step == "" || flow == "resume" || flow == "info" || flow == "existing" {
		t.st.Step = ""
		t.say(t.e.menu(t.env.Account))
		return
	}
	steps := t.e.steps(d)
	if step == "edit" {
		step = "confirm"
	}
	i := slices.Index(steps, step)
	if i <= 0 {
		d.Paused = t.st.Step
		if d.blank() {
			t.st.Draft = nil // nothing to continue later
		}
		t.st.Step = ""
		t.say(t.e.menu(t.env.Account))
		return
	}
	d.Editing = false
	t.st.Step = flow + "@" + steps[i-1]
	t.prompt()
}

// blank reports whether nothing has been answered yet, so there is nothing worth resuming.
func (d *Draft) blank() bool {
	return d.Subtype == "" && d.Reason == "" && d.Category == "" && d.NIK == "" && d.Name == "" &&
		len(d.Docs) == 0 && len(d.Extras) == 0 && len(d.Fields) == 0
}

// prompt asks the question of the current step.
func (t *turn) prompt() { t.say(t.stepHint()) }

func (t *turn) stepHint() string {
	d := t.st.Draft
	_, step, _ := strings.Cut(t.st.Step, "@")
	e := t.e
	switch step {
	case "subtype":
		return e.text("ask_subtype", "service", e.serviceName(d.Service)) + "\n" + numbered(e.subtypeNames(d.Service))
	case "reason":
		return e.text("ask_reason") + "\n" + numbered(e.opt.Lists["validasi_reasons"])
	case "nik":
		return e.serviceText("ask_nik", d.Service)
	case "nik_married":
		return e.marriedHint(d)
	case "nik_check":
		return e.text("nik_other_region", "regency", "", "office_regency", e.regencyName())
	case "name":
		return e.serviceText("ask_name", d.Service)
	case "docs":
		return e.checklist(d)
	case "notes":
		return e.text("ask_notes")
	case "delivery":
		return e.deliveryHint(d)
	case "address":
		return e.text("ask_address")
	case "desa", "desa_pick", "kecamatan", "postal":
		return e.addressHint(d, step)
	case "confirm":
		return e.summary(d) + "\n\n" + e.text("ask_confirm")
	case "edit":
		return e.text("ask_edit") + "\n" + numbered(e.editLabels(d))
	case "category":
		return e.text("ask_category") + "\n" + numbered(e.opt.Lists["complaint_categories"])
	case "description":
		return e.text("ask_description")
	case "photo":
		return e.text("ask_complaint_photo")
	case "topic":
		return e.text("info_menu")
	}
	if key, ok := strings.CutPrefix(step, "f_"); ok {
		if _, known := e.opt.Fields[key]; known {
			return e.fieldHint(key)
		}
	}
	return e.menu(t.env.Account)
}

// application runs one step of a document service or NIK validation.
func (t *turn) application(step string) {
	if t.st.Draft == nil {
		t.st.Step = ""
		t.idle()
		return
	}
	if step == "docs" {
		t.docs()
		return
	}
	if step == "notes" && (t.in.Kind == ketanmu.KindImage || t.in.Kind == ketanmu.KindDocument) {
		// Photos sent together arrive one by one: those after the last required document land
		// here and are kept (as a replacement or an attachment), not refused.
		t.takeDoc()
		if t.st.Step == t.st.Draft.Service+"@notes" {
			t.prompt()
		}
		return
	}
	if t.in.Kind != ketanmu.KindText {
		t.wrongKind(t.stepHint())
		return
	}
	switch step {
	case "subtype":
		t.chooseSubtype()
	case "reason":
		t.chooseFrom("validasi_reasons", func(v string) { t.st.Draft.Reason = v })
	case "nik":
		t.askNIK()
	case "nik_check":
		t.nikCheck()
	case "nik_married":
		t.married()
	case "name":
		t.askName()
	case "notes":
		t.askNotes()
	case "delivery":
		t.askDelivery()
	case "address":
		t.askAddress()
	case "desa", "desa_pick":
		t.askDesa(step)
	case "kecamatan":
		t.askKecamatan()
	case "postal":
		t.askPostal()
	case "confirm":
		t.confirm()
	case "edit":
		t.edit()
	default:
		if key, ok := strings.CutPrefix(step, "f_"); ok && slices.Contains(t.e.variantFields(t.st.Draft), key) {
			t.askField(key)
			return
		}
		t.st.Step = ""
		t.idle()
	}
}

func (t *turn) chooseSubtype() {
	d := t.st.Draft
	subs := t.e.opt.Services[d.Service].Subtypes
	i := pick(t.word, len(subs), func(i int) string { return subs[i].Name })
	if i >= 0 {
		t.takeSubtype(subs[i].Key)
		return
	}
	// Words instead of a number ("ktp saya ilang") pick the sub-type when they are clear.
	if key := t.e.subtypeFromText(d.Service, t.word); key != "" {
		t.takeSubtype(key)
		return
	}
	t.sayf("choose_number", "max", strconv.Itoa(len(subs)))
	t.prompt()
}

// takeSubtype sets the draft's sub-type, shows its requirements and moves on.
func (t *turn) takeSubtype(key string) {
	d := t.st.Draft
	if d.Subtype != key {
		d.Fields = nil
	}
	d.Subtype = key
	d.Docs, d.Lacks = nil, nil
	t.say(t.e.requirements(d.Service, key))
	t.advance()
}

// subtypeFromText finds the one sub-type of service whose match patterns a message (normalised
// words) meets; "" when none or several do. A pattern is words separated by spaces, each a set
// of alternatives separated by "|", all of which must appear: "ktp|ektp hilang|ilang".
func (e *Engine) subtypeFromText(service, word string) string {
	words := strings.Fields(word)
	found := ""
	for _, st := range e.opt.Services[service].Subtypes {
		if !slices.ContainsFunc(st.Match, func(p string) bool { return matchPattern(p, words) }) {
			continue
		}
		if found != "" {
			return ""
		}
		found = st.Key
	}
	return found
}

func matchPattern(pattern string, words []string) bool {
	for part := range strings.FieldsSeq(pattern) {
		alts := strings.Split(part, "|")
		if !slices.ContainsFunc(words, func(w string) bool { return slices.Contains(alts, w) }) {
			return false
		}
	}
	return pattern != ""
}

// chooseFrom picks an entry of a configured list by number or by its text.
func (t *turn) chooseFrom(list string, set func(string)) {
	items := t.e.opt.Lists[list]
	i := pick(t.word, len(items), func(i int) string { return items[i] })
	if i < 0 {
		t.sayf("choose_number", "max", strconv.Itoa(len(items)))
		t.prompt()
		return
	}
	set(items[i])
	t.advance()
}

// pick resolves a menu answer: a number in range, or text naming exactly one option.
func pick(word string, n int, label func(int) string) int {
	if i, err := strconv.Atoi(word); err == nil {
		if i >= 1 && i <= n {
			return i - 1
		}
		return -1
	}
	found := -1
	for i := range n {
		if word != "" && strings.Contains(strings.ToLower(label(i)), word) {
			if found >= 0 {
				return -1
			}
			found = i
		}
	}
	return found
}

// nikInText finds a NIK typed inside a sentence ("NIK saya 3516 1312 0485 0003"): the first run
// of digits, spaces, dots and dashes that holds at least 10 digits.
var nikInText = regexp.MustCompile(`\d[\d .\-]{8,}\d`)

func keepDigit(r rune) rune {
	if r >= '0' && r <= '9' {
		return r
	}
	return -1
}

func (t *turn) askNIK() {
	text := t.text
	if t.nikQuestion() {
		return
	}
	if r := nik.CheckNIK(text, t.e.regions, t.env.Now); r.Code == nik.CodeChars {
		if m := nikInText.FindString(text); len(strings.Map(keepDigit, m)) == 16 {
			text = m
		}
	}
	r := nik.CheckNIK(text, t.e.regions, t.env.Now)
	if !r.Valid {
		t.say(r.Error + " " + t.e.text("ask_nik_again"))
		return
	}
	d := t.st.Draft
	d.NIK = r.NIK
	d.Warnings = r.Warnings
	if t.checkAge() {
		return
	}
	t.afterAge()
}

// afterAge goes on with a NIK whose owner may apply: a NIK first issued in another regency is
// asked about, since a mistyped digit looks the same.
func (t *turn) afterAge() {
	d := t.st.Draft
	r := nik.CheckNIK(d.NIK, t.e.regions, t.env.Now)
	office := strings.ReplaceAll(t.e.opt.Office.RegencyCode, ".", "")
	if office != "" && !strings.HasPrefix(r.NIK, office) && d.Service != "pindah_datang" && r.Regency != "" {
		// Residents of other regions are served too, but a mistyped digit looks the same: ask.
		d.Warnings = append(d.Warnings, "NIK pertama kali diterbitkan di "+r.Regency)
		t.st.Step = d.Service + "@nik_check"
		t.sayf("nik_other_region", "regency", r.Regency, "office_regency", t.e.regencyName())
		return
	}
	t.advance()
}

// nikCheck answers the question about a NIK of another region: yes goes on, a new NIK is read.
func (t *turn) nikCheck() {
	d := t.st.Draft
	if confirms(t.word) {
		t.st.Step = d.Service + "@nik"
		t.advance()
		return
	}
	d.NIK, d.Warnings = "", nil
	t.st.Step = d.Service + "@nik"
	if strings.ContainsAny(t.text, "0123456789") {
		t.askNIK()
		return
	}
	t.prompt()
}

func (t *turn) askName() {
	name := strings.Join(strings.Fields(t.text), " ")
	if !isName(name) {
		t.sayf("name_invalid")
		return
	}
	t.st.Draft.Name = name
	t.advance()
}

// notNameWords never appear in a name: a question or a sentence is not one.
var notNameWords = []string{"apa", "bagaimana", "gimana", "kenapa", "mengapa", "kapan", "dimana", "berapa", "siapa",
	"saya", "aku", "mau", "ingin", "tidak", "bisa", "tolong", "mohon", "yang", "untuk", "dengan", "sudah", "belum",
	"what", "how", "why", "when", "where", "who", "is", "are", "my", "the", "name", "please", "i", "you", "this"}

// isName reports whether text reads as a person's name: letters (and ' . , -) only, two to
// seven words at most… or one, no question and no sentence words.
func isName(name string) bool {
	letters := 0
	for _, r := range name {
		switch {
		case unicode.IsLetter(r):
			letters++
		case r == ' ' || r == '\'' || r == '.' || r == ',' || r == '-':
		default:
			return false // digits, question marks, emoji
		}
	}
	words := strings.Fields(strings.ToLower(trimPunct.Replace(name)))
	if letters < 3 || len(name) > 100 || len(words) > 7 {
		return false
	}
	return !slices.ContainsFunc(words, func(w string) bool { return slices.Contains(notNameWords, w) })
}

func (t *turn) askNotes() {
	notes := t.text
	if declines(t.word) {
		notes = ""
	}
	t.st.Draft.Notes = notes
	t.advance()
}

func isSkip(w string) bool {
	return slices.Contains([]string{"-", "tidak", "tidak ada", "lewati", "skip", "ga", "gak", "nggak", "ngga", "enggak", "tdk",
		"tidak ada catatan", "gak ada", "ga ada", "nggak ada", "ngga ada", "enggak ada", "tdk ada", "ndak ada", "belum ada",
		"tidak usah", "gak usah", "ga usah", "cukup", "kosong", "no", "none", "ora", "ora ono", "ora ana", "mboten",
		"mboten wonten", "tidak ada kak", "tidak ada bu", "tidak ada pak", "gak ada catatan"}, w)
}

func (t *turn) askDelivery() {
	d := t.st.Draft
	switch {
	case t.word == "1" || strings.Contains(t.word, "ambil"):
		d.Delivery = "pickup"
		d.clearAddress()
	case t.e.electronic(d) && electronicWord(t.word):
		d.Delivery = string(ketanmu.DeliveryElectronic)
		d.clearAddress()
	case t.word == "2" || strings.Contains(t.word, "pos") || strings.Contains(t.word, "kirim"):
		d.Delivery = "post"
	default:
		t.sayf("choose_number", "max", strconv.Itoa(t.e.deliveryChoices(d)))
		t.prompt()
		return
	}
	t.advance()
}

// yesWords confirm a summary, whole or as the start of a longer answer ("iya sudah benar").
var yesWords = []string{"ya", "y", "iya", "iyo", "iyaa", "yes", "benar", "betul", "kirim", "ok", "oke", "okay", "setuju",
	"nggih", "nggeh", "enggih", "inggih", "sampun", "sampun leres", "leres", "sudah benar", "sdh benar", "bener", "wis bener"}

func confirms(word string) bool {
	if slices.Contains(yesWords, word) {
		return true
	}
	first, rest, _ := strings.Cut(word, " ")
	return slices.Contains(yesWords, first) && (rest == "" || slices.Contains(yesWords, rest) ||
		slices.Contains([]string{"sudah benar", "sudah betul", "benar", "betul", "sudah", "leres", "bener", "sampun leres"}, rest))
}

func (t *turn) confirm() {
	verb, field, _ := strings.Cut(t.word, " ")
	switch {
	case confirms(t.word):
		t.submit()
	case t.word == "ubah" || t.word == "edit" || t.word == "ganti":
		t.st.Step = t.st.Draft.Service + "@edit"
		t.prompt()
	case (verb == "ubah" || verb == "ganti" || verb == "edit") && t.editField(field):
		// "ubah nama" goes straight to the name.
	default:
		t.sayf("confirm_again")
	}
}

// editField opens the field of the summary a label names ("nama", "alamat"); false when none.
func (t *turn) editField(label string) bool {
	d := t.st.Draft
	fields := t.e.editFields(d)
	i := slices.IndexFunc(fields, func(f string) bool { return strings.ToLower(t.e.fieldLabel(f)) == label })
	if i < 0 {
		i = pick(label, len(fields), func(i int) string { return t.e.fieldLabel(fields[i]) })
	}
	if i < 0 {
		return false
	}
	t.openField(fields[i])
	return true
}

// editFields are the parts of a draft the resident can change from the summary.
func (e *Engine) editFields(d *Draft) []string {
	if d.Service == "validasi_nik" {
		return []string{"reason", "nik", "docs"}
	}
	f := append([]string{"nik", "name"}, e.fieldSteps(d)...)
	f = append(f, "docs", "notes", "delivery")
	if len(e.opt.Services[d.Service].Subtypes) > 0 {
		f = append([]string{"subtype"}, f...)
	}
	return f
}

func (e *Engine) editLabels(d *Draft) []string {
	var out []string
	for _, f := range e.editFields(d) {
		out = append(out, e.fieldLabel(f))
	}
	return out
}

func (t *turn) edit() {
	d := t.st.Draft
	fields := t.e.editFields(d)
	i := pick(t.word, len(fields), func(i int) string { return t.e.fieldLabel(fields[i]) })
	if i < 0 {
		t.sayf("choose_number", "max", strconv.Itoa(len(fields)))
		t.prompt()
		return
	}
	t.openField(fields[i])
}

// openField goes back to one field of the draft from the summary.
func (t *turn) openField(f string) {
	d := t.st.Draft
	if f == "docs" || f == "subtype" {
		d.Docs, d.Extras, d.Lacks = nil, nil, nil
	}
	d.Editing = f != "subtype"
	t.st.Step = d.Service + "@" + f
	t.prompt()
}

// submit turns the draft into a NewCase effect and thanks the resident with its number.
func (t *turn) submit() {
	d := t.st.Draft
	svc := t.e.opt.Services[d.Service]
	due := t.e.due(d, t.env.Now)
	details := map[string]string{}
	for k, v := range map[string]string{"notes": d.Notes, "delivery": d.Delivery, "address": d.Address,
		"desa": d.Desa, "desa_code": d.DesaCode, "kecamatan": d.Kecamatan, "postal_code": d.Postal, "reason": d.Reason,
		"category": d.Category, "description": d.Description, "warnings": strings.Join(d.Warnings, "; ")} {
		if v != "" {
			details[k] = v
		}
	}
	for _, st := range t.e.fieldSteps(d) {
		key := strings.TrimPrefix(st, "f_")
		details[key] = d.Fields[key]
	}
	docs := append(append([]DocRef(nil), d.Docs...), d.Extras...)
	t.do(NewCase{Service: d.Service, Subtype: d.Subtype, NIK: d.NIK, Name: d.Name, Documents: docs,
		Details: details, Due: due})
	key := "case_created"
	switch d.Service {
	case "validasi_nik":
		key = "nik_case_created"
	case "pengaduan":
		key = "complaint_created"
	}
	reply := t.e.text(key, "service", svc.Name, "due", t.e.dueText(due), "delivery", t.e.deliveryText(d))
	if d.Service == "validasi_nik" && !t.e.cal.IsOpen(t.env.Now) {
		reply += "\n\n" + t.e.text("outside_hours", "next", t.e.dateTimeText(t.e.cal.NextOpening(t.env.Now)))
	}
	if v := t.e.visitText(d); v != "" {
		reply += "\n\n⚠️ " + v
	}
	if s, ok := t.e.opt.Texts.Lookup("case_created_"+svc.Profile.Name, "office", t.e.opt.Office.Name,
		"address", t.e.opt.Office.Address, "documents", t.e.docNames(d)); ok {
		reply += "\n\n" + s // what the workflow asks of the resident next (PAK POS: the envelope)
	}
	t.say(reply)
	t.st.Draft, t.st.Step = nil, ""
}
