package flows

import (
	"slices"
	"strconv"
	"strings"

	"github.com/ketanmu/ketanmu"
)

// requiredDocs lists the document keys the draft needs.
func (e *Engine) requiredDocs(d *Draft) []string {
	svc := e.opt.Services[d.Service]
	for _, st := range svc.Subtypes {
		if st.Key == d.Subtype {
			return st.Documents
		}
	}
	return svc.Documents
}

// missingDocs lists the required documents not yet received, in order.
func (e *Engine) missingDocs(d *Draft) []string {
	var missing []string
	for _, k := range e.requiredDocs(d) {
		if !slices.ContainsFunc(d.Docs, func(r DocRef) bool { return r.Key == k }) {
			missing = append(missing, k)
		}
	}
	return missing
}

// docs collects the document photos with a running checklist.
func (t *turn) docs() {
	d := t.st.Draft
	switch t.in.Kind {
	case ketanmu.KindImage, ketanmu.KindDocument:
		t.takeDoc()
	case ketanmu.KindText:
		missing := t.e.missingDocs(d)
		if len(missing) == 0 {
			t.advance()
			return
		}
		t.sayf("doc_expected", "doc", t.e.docName(missing[0]))
		t.say(t.e.checklist(d))
	default:
		t.wrongKind(t.nextDocHint())
	}
}

// nextDocHint names the one document to send now: shorter than the checklist after a wrong kind
// of message.
func (t *turn) nextDocHint() string {
	if missing := t.e.missingDocs(t.st.Draft); len(missing) > 0 {
		return t.e.text("doc_next", "doc", t.e.docName(missing[0]))
	}
	return t.e.checklist(t.st.Draft)
}

func (t *turn) takeDoc() {
	d, m := t.st.Draft, t.in.Media
	if m == nil {
		t.wrongKind(t.e.checklist(d))
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
	key := t.e.docFromCaption(t.text, t.e.requiredDocs(d))
	ref := DocRef{MessageID: t.in.ID, SHA256: m.SHA256}
	switch {
	case key != "" && !slices.Contains(missing, key):
		// A clearer photo of a document already received replaces it.
		i := slices.IndexFunc(d.Docs, func(r DocRef) bool { return r.Key == key })
		ref.Key = key
		d.Docs[i] = ref
		t.sayf("doc_replaced", "doc", t.e.docName(key))
		return
	case key == "" && len(missing) > 0:
		key = missing[0]
	case key == "":
		ref.Key = "lampiran"
		d.Extras = append(d.Extras, ref)
		t.sayf("doc_extra")
		return
	}
	ref.Key = key
	d.Docs = append(d.Docs, ref)
	if left := t.e.missingDocs(d); len(left) > 0 {
		t.sayf("doc_received", "doc", t.e.docName(key))
		t.say(t.e.checklist(d))
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

// checklist shows which documents are in and which are still missing.
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
