package flows

import (
	"github.com/ketanmu/ketanmu"
)

// complaint runs the pengaduan flow: category, description, optional photo, ticket.
func (t *turn) complaint(step string) {
	d := t.st.Draft
	if d == nil {
		t.st.Step = ""
		t.idle()
		return
	}
	if step == "photo" {
		t.complaintPhoto()
		return
	}
	if t.in.Kind != ketanmu.KindText {
		t.wrongKind(t.stepHint())
		return
	}
	switch step {
	case "category":
		t.chooseFrom("complaint_categories", func(v string) { d.Category = v })
	case "description":
		if len([]rune(t.text)) < 10 {
			t.sayf("description_short")
			return
		}
		d.Description = t.text
		t.advance()
	default:
		t.st.Step = ""
		t.idle()
	}
}

func (t *turn) complaintPhoto() {
	d := t.st.Draft
	switch t.in.Kind {
	case ketanmu.KindImage, ketanmu.KindDocument:
		if p := t.e.mediaProblem(t.in.Media); p != "" {
			t.say(p)
			return
		}
		d.Extras = append(d.Extras, DocRef{Key: "lampiran", MessageID: t.in.ID, SHA256: t.in.Media.SHA256})
		t.submit()
	case ketanmu.KindText:
		if declines(t.word) || t.word == "selesai" || t.word == "kirim" {
			t.submit()
			return
		}
		t.prompt()
	default:
		t.wrongKind(t.stepHint())
	}
}
