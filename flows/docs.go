package flows

import (
	"slices"
	"strconv"
	"strings"

	"github.com/ketanmu/ketanmu"
)

// slots lists the draft's requirements. Each is one or more document keys that serve equally in
// law (the KK or the deceased's KTP-el; the birth letter or its SPTJM), the first asked for first.
func (e *Engine) slots(d *Draft) [][]string {
	svc := e.opt.Services[d.Service]
	docs := svc.Documents
	if r, ok := svc.ReasonDocuments[d.Reason]; ok {
		docs = r
	}
	for _, st := range svc.Subtypes {
		if st.Key == d.Subtype {
			docs = st.Documents
		}
	}
	docs = append(slices.Clip(docs), e.fieldDocs(d)...)
	out := make([][]string, len(docs))
	for i, s := range docs {
		out[i] = strings.Split(s, "|")
	}
	return out
}

// Requirements lists a submitted case's requirements as slots of document keys that serve
// equally in law: the rule the resident's checklist follows, from the case's service, sub-type
// and details (its reason and its fields' answers).
func (e *Engine) Requirements(service, subtype string, details map[string]string) [][]string {
	return e.slots(&Draft{Service: service, Subtype: subtype, Reason: details["reason"], Fields: details})
}

// received returns the document received for a slot, if any.
func (d *Draft) received(slot []string) (DocRef, bool) {
	for _, r := range d.Docs {
		if slices.Contains(slot, r.Key) {
			return r, true
		}
	}
	return DocRef{}, false
}

// asked is the document to ask for in a slot: the first the resident has not said they lack;
// false when they lack them all.
func (d *Draft) asked(slot []string) (string, bool) {
	for _, k := range slot {
		if !slices.Contains(d.Lacks, k) {
			return k, true
		}
	}
	return slot[len(slot)-1], false
}

// requiredDocs lists, per requirement, the document received or the one asked for.
func (e *Engine) requiredDocs(d *Draft) []string {
	var out []string
	for _, slot := range e.slots(d) {
		if r, ok := d.received(slot); ok {
			out = append(out, r.Key)
			continue
		}
		k, _ := d.asked(slot)
		out = append(out, k)
	}
	return out
}

// missingDocs lists the documents asked for and not yet received, in order.
func (e *Engine) missingDocs(d *Draft) []string {
	var missing []string
	for _, slot := range e.slots(d) {
		if _, ok := d.received(slot); !ok {
			k, _ := d.asked(slot)
			missing = append(missing, k)
		}
	}
	return missing
}

// nextDoc is the document to ask for now: the first missing one the resident has not said they
// lack (a person helps with those). False when only such documents are missing.
func (e *Engine) nextDoc(d *Draft) (string, bool) {
	for _, k := range e.missingDocs(d) {
		if !slices.Contains(d.Lacks, k) {
			return k, true
		}
	}
	return "", false
}

// slotOf returns the requirement a document key meets.
func (e *Engine) slotOf(d *Draft, key string) []string {
	for _, slot := range e.slots(d) {
		if slices.Contains(slot, key) {
			return slot
		}
	}
	return nil
}

// allDocs lists every document key that meets one of the draft's requirements.
func (e *Engine) allDocs(d *Draft) []string {
	var out []string
	for _, slot := range e.slots(d) {
		out = append(out, slot...)
	}
	return out
}

// docs collects the document photos, one requirement after another.
func (t *turn) docs() {
	d := t.st.Draft
	if d.Pending != nil && t.answerWhich() {
		return
	}
	switch t.in.Kind {
	case ketanmu.KindImage, ketanmu.KindDocument:
		t.takeDoc()
	case ketanmu.KindText:
		missing := t.e.missingDocs(d)
		if len(missing) == 0 {
			t.advance()
			return
		}
		if lacking(t.word) {
			t.lacks(missing)
			return
		}
		if next, ok := t.e.nextDoc(d); ok {
			t.sayf("doc_expected", "doc", t.e.docName(next))
			return
		}
		t.sayf("doc_with_person", "doc", t.e.docName(missing[0]))
	default:
		t.wrongKind(t.nextDocHint())
	}
}

// lackWords are how residents say they do not have a document.
var lackWords = []string{"tidak punya", "tidak ada", "gak punya", "ga punya", "nggak punya", "ngga punya", "enggak punya",
	"tdk punya", "gak ada", "ga ada", "nggak ada", "belum punya", "blm punya", "tidak memiliki", "belum ada",
	"ora duwe", "ora nduwe", "mboten gadhah", "mboten wonten", "dereng gadhah", "hilang"}

func lacking(word string) bool {
	return slices.ContainsFunc(lackWords, func(w string) bool { return strings.Contains(" "+word+" ", " "+w+" ") })
}

// lacks answers "tidak punya": the law's alternative for that document when there is one,
// else a person. It never repeats the request for the photo the resident cannot send.
func (t *turn) lacks(missing []string) {
	d := t.st.Draft
	doc := missing[0]
	if next, ok := t.e.nextDoc(d); ok {
		doc = next
	}
	if named := t.e.docFromCaption(t.text, missing); named != "" {
		doc = named
	}
	slot := t.e.slotOf(d, doc)
	if !slices.Contains(d.Lacks, doc) {
		d.Lacks = append(d.Lacks, doc)
	}
	if alt, ok := d.asked(slot); ok {
		t.sayf("doc_alternative", "doc", t.e.docName(doc), "alt", t.e.docName(alt))
		if note := t.e.opt.Documents[alt].Note; note != "" {
			t.say(note)
		}
		t.sayf("doc_next", "doc", t.e.docName(alt))
		return
	}
	t.do(NeedHuman{Reason: "no_document:" + doc})
	t.sayf("doc_no_alternative", "doc", t.e.docName(doc), "hours", t.e.hoursText())
	if next, ok := t.e.nextDoc(d); ok {
		t.sayf("doc_meanwhile", "doc", t.e.docName(next))
	}
}

// nextDocHint names the one document to send now: shorter than the checklist after a wrong kind
// of message.
func (t *turn) nextDocHint() string {
	if next, ok := t.e.nextDoc(t.st.Draft); ok {
		return t.e.text("doc_next", "doc", t.e.docName(next))
	}
	return t.e.checklist(t.st.Draft)
}

func (t *turn) takeDoc() {
	d, m := t.st.Draft, t.in.Media
	if m == nil {
		t.wrongKind(t.nextDocHint())
		return
	}
	if problem := t.e.mediaProblem(m); problem != "" {
		t.say(problem)
		return
	}
	all := append(append([]DocRef(nil), d.Docs...), d.Extras...)
	if i := slices.IndexFunc(all, func(r DocRef) bool { return r.SHA256 == m.SHA256 }); i >= 0 {
		t.sayf("doc_duplicate", "doc", t.e.docName(all[i].Key))
		return
	}
	missing := t.e.missingDocs(d)
	key, named := t.e.captionDoc(d, t.text)
	ref := DocRef{MessageID: t.in.ID, SHA256: m.SHA256}
	if named != "" {
		if asked, ok := t.e.nextDoc(d); ok && asked != named {
			t.askWhich(ref, asked, named)
			return
		}
	}
	if key != "" {
		if old, ok := d.received(t.e.slotOf(d, key)); ok {
			// A clearer photo of a requirement already met replaces it.
			i := slices.IndexFunc(d.Docs, func(r DocRef) bool { return r.MessageID == old.MessageID })
			ref.Key = key
			d.Docs[i] = ref
			t.sayf("doc_replaced", "doc", t.e.docName(key))
			return
		}
	}
	switch {
	case key == "" && len(missing) > 0:
		key = missing[0]
		if next, ok := t.e.nextDoc(d); ok {
			key = next
		}
	case key == "":
		ref.Key = "lampiran"
		d.Extras = append(d.Extras, ref)
		t.sayf("doc_extra")
		return
	}
	ref.Key = key
	d.Docs = append(d.Docs, ref)
	t.docFiled(key)
}

// docFiled tells the resident a document came in and what is next, or moves on once complete.
func (t *turn) docFiled(key string) {
	d := t.st.Draft
	total := len(t.e.slots(d))
	if left := t.e.missingDocs(d); len(left) > 0 {
		t.sayf("doc_received", "doc", t.e.docName(key), "done", strconv.Itoa(total-len(left)), "total", strconv.Itoa(total))
		if next, ok := t.e.nextDoc(d); ok {
			t.sayf("doc_next", "doc", t.e.docName(next))
		} else {
			t.sayf("doc_with_person", "doc", t.e.docName(left[0]))
		}
		return
	}
	t.sayf("doc_complete")
	t.advance()
}

// mediaProblem says, in the resident's words, what is wrong with a file; "" when it is usable.
func (e *Engine) mediaProblem(m *Media) string {
	if m == nil { // a photo or file whose content never arrived
		return e.text("doc_unreadable")
	}
	switch m.Mime {
	case "image/jpeg", "image/png", "application/pdf":
	default:
		return e.text("doc_bad_type")
	}
	if !m.Readable {
		return e.text("doc_unreadable")
	}
	minW, minH := e.opt.MinImageWidth, e.opt.MinImageHeight
	if m.Mime == "application/pdf" {
		return ""
	}
	long, short := max(m.Width, m.Height), min(m.Width, m.Height)
	if long < max(minW, minH) || short < min(minW, minH) {
		return e.text("doc_too_small", "size", strconv.Itoa(m.Width)+"×"+strconv.Itoa(m.Height),
			"min", strconv.Itoa(minW)+"×"+strconv.Itoa(minH))
	}
	return ""
}

// docFromCaption finds the document a caption names, among keys.
func (e *Engine) docFromCaption(caption string, keys []string) string {
	c := " " + normalizeWord(caption) + " "
	if strings.TrimSpace(c) == "" {
		return ""
	}
	best, bestLen := "", 0
	for _, k := range keys {
		doc := e.opt.Documents[k]
		for _, alias := range append([]string{k, strings.ToLower(doc.Name)}, doc.Aliases...) {
			a := normalizeWord(alias)
			if a != "" && strings.Contains(c, " "+a+" ") && len(a) > bestLen {
				best, bestLen = k, len(a)
			}
		}
	}
	return best
}

// checklist lists the documents to photograph, with the ones already in, once when the step
// opens (after each photo the resident reads only what came in and what is next).
func (e *Engine) checklist(d *Draft) string {
	var b strings.Builder
	b.WriteString(e.text("doc_checklist"))
	missing := e.missingDocs(d)
	for i, k := range e.requiredDocs(d) {
		mark := "✅"
		if slices.Contains(missing, k) {
			mark = "⬜"
		}
		b.WriteString("\n" + mark + " " + strconv.Itoa(i+1) + ". " + e.docName(k))
	}
	if len(missing) > 0 {
		b.WriteString("\n\n" + e.text("doc_next", "doc", e.docName(missing[0])))
		b.WriteString("\n" + e.text("doc_lacking_hint"))
	}
	return b.String()
}

func (e *Engine) docName(key string) string {
	if key == "lampiran" {
		return e.text("doc_extra_name")
	}
	if d, ok := e.opt.Documents[key]; ok {
		return d.Name
	}
	return key
}
