package flows

import (
	"slices"
	"strings"
)

// output is what the draft's variant hands over: OutputTTE, OutputCard or "".
func (e *Engine) output(d *Draft) string {
	if sub, ok := e.subtypeOf(d); ok && sub.Output != "" {
		return sub.Output
	}
	return e.opt.Services[d.Service].Output
}

// electronic reports whether the draft's document may be sent as the signed PDF in the chat.
func (e *Engine) electronic(d *Draft) bool { return e.output(d) == OutputTTE }

// deliveryChoices is how many ways of receiving the document the draft offers.
func (e *Engine) deliveryChoices(d *Draft) int {
	if e.electronic(d) {
		return 3
	}
	return 2
}

func (e *Engine) deliveryHint(d *Draft) string {
	if e.electronic(d) {
		return e.text("ask_delivery_tte", "fee", e.text("fee_delivery"))
	}
	return e.text("ask_delivery", "fee", e.text("fee_delivery"))
}

// electronicWord reads the choice of the PDF in the chat: 3, "pdf", "lewat wa".
func electronicWord(w string) bool {
	if w == "3" {
		return true
	}
	words := strings.Fields(w)
	return slices.ContainsFunc(words, func(x string) bool {
		return slices.Contains([]string{"pdf", "wa", "whatsapp", "elektronik", "online", "email", "file"}, x)
	})
}

// ResendOutput asks for the finished PDF of the resident's newest case that has one to be sent
// again; the router answers, since only the store knows whether one is kept.
type ResendOutput struct{}

func (ResendOutput) effect() {}

// resendWord handles "kirim ulang" (the PDF again) in any state; it reports whether it did.
func (t *turn) resendWord() bool {
	switch t.word {
	case "kirim ulang", "kirim lagi", "kirim ulang pdf", "kirim ulang dokumen", "kirim pdf lagi", "minta kirim ulang":
		t.do(ResendOutput{})
		return true
	}
	return false
}

// docNames names the documents a draft holds, each once, as a list ("a, b, dan c").
func (e *Engine) docNames(d *Draft) string {
	var names []string
	for _, r := range d.Docs {
		if n := e.docName(r.Key); !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return listText(e, names)
}

// switchSubtype moves the application to another variant of its service after an answer that
// decides it (a move within the regency), keeping the NIK and the name, and asks what the new
// variant needs.
func (t *turn) switchSubtype(key string) {
	d := t.st.Draft
	d.Subtype, d.Fields, d.Docs, d.Lacks, d.Editing = key, nil, nil, nil, false
	t.say(t.e.serviceText("subtype_switched", d.Service, "subtype", t.e.subtypeName(d.Service, key)))
	t.say(t.e.requirements(d.Service, key))
	t.st.Step = d.Service + "@" + t.e.firstUnanswered(d)
	t.prompt()
}

// deskHours are one desk's hours (office.service_hours.<key>), else the office's.
func (e *Engine) deskHours(key string) string {
	if h, ok := e.opt.Office.ServiceHours[key]; ok {
		return HoursLine(h, e.text("closed"))
	}
	return e.hoursText()
}

// serviceHoursText lists the desks whose hours differ from the office's, one line each
// ("• Perekaman KTP-el: Senin–Kamis 08.00–14.00, …"), in the order of their keys.
func (e *Engine) serviceHoursText() string {
	keys := make([]string, 0, len(e.opt.Office.ServiceHours))
	for k := range e.opt.Office.ServiceHours {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var lines []string
	for _, k := range keys {
		lines = append(lines, "• "+e.text("hours_"+k)+": "+e.deskHours(k))
	}
	if s, ok := e.opt.Texts.Lookup("hours_note"); ok && s != "" {
		lines = append(lines, s)
	}
	return strings.Join(lines, "\n")
}
