package flows

import (
	"strconv"
	"strings"

	"github.com/ketanmu/ketanmu/nik"
)

// addressSteps are the steps of a postal address in the order asked: the kecamatan before the
// desa, so that the desa is looked up among the kecamatan's own.
var addressSteps = []string{"address", "kecamatan", "desa", "postal"}

func (d *Draft) clearAddress() {
	d.Address, d.Desa, d.DesaCode, d.Kecamatan, d.KecCode, d.Postal, d.Choices = "", "", "", "", "", "", nil
}

// maxChoices is the longest numbered list of villages offered after a typo.
const maxChoices = 9

func (e *Engine) addressHint(d *Draft, step string) string {
	switch step {
	case "kecamatan":
		return e.text("ask_kecamatan", "regency", e.regencyName())
	case "desa":
		return e.text("ask_desa", "kecamatan", d.Kecamatan)
	case "desa_pick":
		return e.villageChoices(d.Kecamatan, d.Choices)
	}
	return e.text("ask_postal")
}

// villageChoices asks which of the villages codes of kecamatan kec was meant, as a numbered list.
func (e *Engine) villageChoices(kec string, codes []string) string {
	var names []string
	for _, code := range codes {
		v, _ := e.villages.Get(code)
		names = append(names, villageLabel(v.Name, v.Code))
	}
	return e.text("desa_choose", "kecamatan", kec) + "\n" + numbered(names) + "\n" + e.text("desa_choose_hint")
}

// villageLabel names a village as on an envelope: "Desa Pungging", "Kelurahan Sooko".
// Kemendagri codes kelurahan with a 1 and desa with a 2 in the village part.
func villageLabel(name, code string) string {
	if len(code) == 10 && code[6] == '1' {
		return "Kelurahan " + name
	}
	if code == "" && (strings.HasPrefix(strings.ToLower(name), "desa ") || strings.HasPrefix(strings.ToLower(name), "kel")) {
		return name // typed by hand where the office's regency has no village list
	}
	return "Desa " + name
}

// postalAddress is the address as the envelope shows it.
func (e *Engine) postalAddress(d *Draft) string {
	parts := []string{d.Address, villageLabel(d.Desa, d.DesaCode), "Kec. " + d.Kecamatan}
	if d.Postal != "" && d.Postal != "-" {
		parts = append(parts, d.Postal)
	}
	return strings.Join(parts, ", ")
}

func (t *turn) askAddress() {
	if len([]rune(t.text)) < 10 {
		t.sayf("address_invalid")
		return
	}
	t.st.Draft.Address = t.text
	t.advance()
}

// findKecamatan reads a kecamatan of the office's regency (typo-tolerant); when there is none by
// that name, it returns what to say (with the list).
func (e *Engine) findKecamatan(text string) (nik.District, string) {
	code := strings.ReplaceAll(e.opt.Office.RegencyCode, ".", "")
	dist, ok := e.regions.FindDistrict(code, text)
	if !ok {
		var names []string
		for _, d := range e.regions.Districts(code) {
			names = append(names, d.Name)
		}
		return dist, e.text("kecamatan_invalid", "regency", e.regencyName(), "list", listText(e, names))
	}
	return dist, ""
}

func (t *turn) askKecamatan() {
	dist, problem := t.e.findKecamatan(t.text)
	if problem != "" {
		t.say(problem)
		return
	}
	d := t.st.Draft
	if d.KecCode != dist.Code {
		d.Desa, d.DesaCode, d.Choices = "", "", nil // the desa is checked against the new kecamatan
	}
	d.Kecamatan, d.KecCode = dist.Name, dist.Code
	t.advance()
}

// askDesa reads the desa/kelurahan: an exact name is taken; a typo, a part of a name or a name
// not in the kecamatan gets a numbered list to choose from.
func (t *turn) askDesa(step string) {
	d := t.st.Draft
	if step != "desa_pick" {
		d.Choices = nil
	}
	if len(t.e.villages.In(d.KecCode)) == 0 {
		// The office's regency has no village list: take what was typed.
		if len([]rune(t.text)) < 3 {
			t.sayf("desa_invalid")
			return
		}
		d.Desa, d.DesaCode = t.text, ""
		t.st.Step = d.Service + "@desa"
		t.advance()
		return
	}
	if v, ok := t.matchVillage(d.KecCode, d.Kecamatan); ok {
		t.takeVillage(v)
		return
	}
	t.st.Step = d.Service + "@desa_pick"
	t.prompt()
}

// matchVillage reads an answer naming a desa/kelurahan of kecamatan code kec (kecName in the
// texts): a number from the list offered before (the draft's Choices, or "ya" for a list of
// one), else a name matched with typo tolerance. When no village is decided, Choices holds the
// list to offer (a wrong number has been said); the caller asks with it. The resident's own
// address and a move's destination both read villages here.
func (t *turn) matchVillage(kec, kecName string) (nik.Village, bool) {
	d := t.st.Draft
	if len(d.Choices) > 0 {
		n, err := strconv.Atoi(t.word)
		switch {
		case err == nil && n >= 1 && n <= len(d.Choices):
		case err == nil:
			t.sayf("choose_number", "max", strconv.Itoa(len(d.Choices)))
			return nik.Village{}, false
		case len(d.Choices) == 1 && confirms(t.word):
			n = 1
		default:
			n = 0 // a name typed again
		}
		if v, ok := t.e.villages.Get(pickCode(d.Choices, n)); ok {
			d.Choices = nil
			return v, true
		}
	}
	found, exact := t.e.villages.Match(kec, t.text)
	d.Choices = nil
	if exact {
		return found[0], true
	}
	if len(found) == 0 {
		t.sayf("desa_not_found", "kecamatan", kecName)
		found = t.e.villages.In(kec)
	}
	for _, v := range found {
		d.Choices = append(d.Choices, v.Code)
	}
	if len(found) < len(t.e.villages.In(kec)) && len(d.Choices) > maxChoices {
		d.Choices = d.Choices[:maxChoices]
	}
	return nik.Village{}, false
}

// pickCode is the n-th (from 1) of codes, "" when n is out of range.
func pickCode(codes []string, n int) string {
	if n < 1 || n > len(codes) {
		return ""
	}
	return codes[n-1]
}

func (t *turn) takeVillage(v nik.Village) {
	d := t.st.Draft
	d.Desa, d.DesaCode, d.Choices = v.Name, v.Code, nil
	t.st.Step = d.Service + "@desa"
	t.advance()
}

// askPostal reads the postal code: five digits starting as the regency's do. "gak tau" takes
// the kecamatan's usual code when the office lists one, else leaves it to the Pos.
func (t *turn) askPostal() {
	d := t.st.Draft
	if dontKnow(t.word) || isSkip(t.word) {
		if code, ok := t.e.opt.Office.PostalCodes[strings.ToLower(d.Kecamatan)]; ok {
			d.Postal = code
			t.sayf("postal_usual", "postal", code, "kecamatan", d.Kecamatan)
		} else {
			d.Postal = "-"
			t.sayf("postal_skipped")
		}
		t.advance()
		return
	}
	p := strings.ReplaceAll(t.word, " ", "")
	if len(p) != 5 || strings.Trim(p, "0123456789") != "" || p[0] == '0' {
		t.sayf("postal_invalid")
		return
	}
	if prefixes := t.e.opt.Office.PostalPrefixes; len(prefixes) > 0 &&
		!hasAnyPrefix(p, prefixes) {
		t.sayf("postal_wrong_region", "postal", p, "regency", t.e.regencyName(), "prefix", listText(t.e, prefixes))
		return
	}
	d.Postal = p
	t.advance()
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// dontKnow reads "gak tau", "tidak tahu", "lupa" and the like.
func dontKnow(w string) bool {
	for _, f := range strings.Fields(w) {
		switch f {
		case "tau", "tahu", "tw", "lupa", "ngerti", "weruh", "ngertos":
			return true
		}
	}
	return false
}

// listText joins names as EYD V writes a list: "a, b, dan c".
func listText(e *Engine, items []string) string {
	and := e.text("list_and")
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	case 2:
		return items[0] + " " + and + " " + items[1]
	}
	return strings.Join(items[:len(items)-1], ", ") + ", " + and + " " + items[len(items)-1]
}
