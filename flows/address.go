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
		var names []string
		for _, code := range d.Choices {
			v, _ := e.villages.Get(code)
			names = append(names, villageLabel(v.Name, v.Code))
		}
		return e.text("desa_choose", "kecamatan", d.Kecamatan) + "\n" + numbered(names) + "\n" + e.text("desa_choose_hint")
	}
	return e.text("ask_postal")
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

func (t *turn) askKecamatan() {
	code := strings.ReplaceAll(t.e.opt.Office.RegencyCode, ".", "")
	dist, ok := t.e.regions.FindDistrict(code, t.text)
	if !ok {
		var names []string
		for _, d := range t.e.regions.Districts(code) {
			names = append(names, d.Name)
		}
		t.sayf("kecamatan_invalid", "regency", t.e.regencyName(), "list", listText(t.e, names))
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
	if step == "desa_pick" && t.pickVillage() {
		return
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
	found, exact := t.e.villages.Match(d.KecCode, t.text)
	if exact {
		t.takeVillage(found[0])
		return
	}
	if len(found) == 0 {
		t.sayf("desa_not_found", "kecamatan", d.Kecamatan)
		found = t.e.villages.In(d.KecCode)
	}
	d.Choices = nil
	for _, v := range found {
		d.Choices = append(d.Choices, v.Code)
	}
	if len(found) < len(t.e.villages.In(d.KecCode)) && len(d.Choices) > maxChoices {
		d.Choices = d.Choices[:maxChoices]
	}
	t.st.Step = d.Service + "@desa_pick"
	t.prompt()
}

// pickVillage takes a number from the list (or "ya" for a list of one); false when the answer
// is not one, so that it is read as a name typed again.
func (t *turn) pickVillage() bool {
	d := t.st.Draft
	n, err := strconv.Atoi(t.word)
	switch {
	case err == nil && n >= 1 && n <= len(d.Choices):
	case err == nil:
		t.sayf("choose_number", "max", strconv.Itoa(len(d.Choices)))
		t.prompt()
		return true
	case len(d.Choices) == 1 && confirms(t.word):
		n = 1
	default:
		return false
	}
	v, ok := t.e.villages.Get(d.Choices[n-1])
	if !ok {
		return false
	}
	t.takeVillage(v)
	return true
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
