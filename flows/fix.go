package flows

import (
	"slices"
	"strconv"
	"strings"

	"github.com/ketanmu/ketanmu"
)

// FixDone hands back what the resident resent for a case in needs_fix.
type FixDone struct {
	Number    string
	Documents []DocRef
	Note      string
}

func (FixDone) effect() {}

// FixRequest is an operator's request that the resident resend items of a case.
type FixRequest struct {
	Number, Service string
	// What is the operator's words to the resident.
	What string
	// Docs are the document keys to resend; none means any answer in text or photo.
	Docs []string
}

// Reopen puts a conversation on the items an operator asked for (needs_fix). A draft in
// progress is kept paused.
func (e *Engine) Reopen(st State, r FixRequest) State {
	st.Greeted = true
	if st.Draft != nil && st.Step != "" && !strings.HasPrefix(st.Step, "fix") && !strings.HasPrefix(st.Step, "resume") {
		st.Draft.Paused = st.Step
	}
	st.Fix = &Fix{Number: r.Number, Service: r.Service, What: r.What, Docs: slices.Clone(r.Docs), Prev: st.Step}
	st.Step = "fix@items"
	return st
}

// DropFix forgets a request to resend items of case number, once the case has left needs_fix
// another way; it reports whether there was one.
func (st *State) DropFix(number string) bool {
	if st.Fix == nil || st.Fix.Number != number {
		return false
	}
	st.Fix = nil
	if strings.HasPrefix(st.Step, "fix") {
		st.Step = ""
	}
	return true
}

// Fix is an operator's request to resend items of a submitted case.
type Fix struct {
	Number   string   `json:"number"`
	Service  string   `json:"service"`
	What     string   `json:"what"`
	Docs     []string `json:"docs,omitempty"`
	Received []DocRef `json:"received,omitempty"`
	Prev     string   `json:"prev,omitempty"`
}

func (f *Fix) missing() []string {
	var out []string
	for _, k := range f.Docs {
		if !slices.ContainsFunc(f.Received, func(r DocRef) bool { return r.Key == k }) {
			out = append(out, k)
		}
	}
	return out
}

// fix collects what the operator asked for and returns the case to the queue.
func (t *turn) fix() {
	f := t.st.Fix
	if f == nil {
		t.st.Step = ""
		t.idle()
		return
	}
	switch {
	case t.in.Kind == ketanmu.KindImage || t.in.Kind == ketanmu.KindDocument:
		if p := t.e.mediaProblem(t.in.Media); p != "" {
			t.say(p)
			return
		}
		key := t.e.docFromCaption(t.text, f.missing())
		if key == "" {
			if m := f.missing(); len(m) > 0 {
				key = m[0]
			} else {
				key = "lampiran"
			}
		}
		f.Received = append(f.Received, DocRef{Key: key, MessageID: t.in.ID, SHA256: t.in.Media.SHA256})
		if len(f.missing()) > 0 {
			done := strconv.Itoa(len(f.Docs) - len(f.missing()))
			t.sayf("doc_received", "doc", t.e.docName(key), "done", done, "total", strconv.Itoa(len(f.Docs)))
			t.say(t.fixPrompt())
			return
		}
	case t.in.Kind == ketanmu.KindText && len(f.Docs) == 0 && t.text != "":
	case t.in.Kind == ketanmu.KindText:
		t.say(t.fixPrompt())
		return
	default:
		t.wrongKind(t.fixPrompt())
		return
	}
	note := ""
	if t.in.Kind == ketanmu.KindText {
		note = t.text
	} else if t.text != "" {
		note = t.text
	}
	t.do(FixDone{Number: f.Number, Documents: f.Received, Note: note})
	t.sayf("fix_received", "number", f.Number)
	t.st.Fix = nil
	t.st.Step = ""
}

func (t *turn) fixPrompt() string {
	f := t.st.Fix
	if len(f.Docs) == 0 {
		return t.e.text("fix_ask_any", "number", f.Number, "what", f.What)
	}
	var names []string
	for _, k := range f.missing() {
		names = append(names, t.e.docName(k))
	}
	return t.e.text("fix_ask_docs", "number", f.Number, "what", f.What) + "\n" + numbered(names)
}
