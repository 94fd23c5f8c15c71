package flows

import (
	"slices"
	"strings"
)

// Pending is a photo whose caption named another document than the one asked for: the resident
// is asked which it is before it is filed.
type Pending struct {
	Ref   DocRef `json:"ref"`
	Asked string `json:"asked"` // the document the bot asked for
	Named string `json:"named"` // the document the caption named
}

// captionDoc decides what a photo's caption says: the key of a document of this application it
// clearly names (a missing one, or the very one already received, to replace it), or, when it
// names a known document the application does not hold a place for, that one as a contradiction.
func (e *Engine) captionDoc(d *Draft, caption string) (key, contradicts string) {
	if key = e.docFromCaption(caption, e.missingDocs(d)); key != "" {
		return key, ""
	}
	if k := e.docFromCaption(caption, e.allDocs(d)); k != "" {
		if old, ok := d.received(e.slotOf(d, k)); ok && old.Key == k {
			return k, "" // a clearer photo of what was sent
		}
		return "", k // its place is taken by another document: ask
	}
	all := make([]string, 0, len(e.opt.Documents))
	for k := range e.opt.Documents {
		all = append(all, k)
	}
	slices.Sort(all)
	return "", e.docFromCaption(caption, all)
}

// askWhich keeps the photo aside and asks whether it is the document asked for or the one the
// caption named.
func (t *turn) askWhich(ref DocRef, asked, named string) {
	t.st.Draft.Pending = &Pending{Ref: ref, Asked: asked, Named: named}
	t.sayf("doc_which", "asked", t.e.docName(asked), "named", t.e.docName(named))
}

// answerWhich reads the answer to askWhich: 1 or the asked document's name files the photo as
// it; 2 or the other's name keeps it as an extra under that name. It reports whether the
// message was an answer; anything else asks again, and a new photo forgets the question.
func (t *turn) answerWhich() bool {
	d := t.st.Draft
	p := d.Pending
	if t.in.Media != nil {
		d.Pending = nil
		return false
	}
	w := strings.TrimSpace(t.word)
	switch {
	case w == "1" || (w != "2" && t.e.docFromCaption(t.text, []string{p.Asked}) != ""):
		d.Pending = nil
		p.Ref.Key = p.Asked
		d.Docs = append(d.Docs, p.Ref)
		t.docFiled(p.Asked)
	case w == "2" || t.e.docFromCaption(t.text, []string{p.Named}) != "":
		d.Pending = nil
		p.Ref.Key = p.Named
		d.Extras = append(d.Extras, p.Ref)
		t.sayf("doc_extra_named", "doc", t.e.docName(p.Named))
		if next, ok := t.e.nextDoc(d); ok {
			t.sayf("doc_next", "doc", t.e.docName(next))
		}
	default:
		t.sayf("doc_which", "asked", t.e.docName(p.Asked), "named", t.e.docName(p.Named))
	}
	return true
}
