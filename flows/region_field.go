package flows

// readRegion reads a field naming a kecamatan of the office's regency, or a desa/kelurahan of the
// kecamatan field f.Of (a move within the regency), with the same list and typo-tolerant
// matching as the resident's own address. A village not decided leaves the numbered list to
// choose from as the problem.
func (t *turn) readRegion(f Field) (string, string) {
	if f.Kind == KindKecamatan {
		dist, problem := t.e.findKecamatan(t.text)
		return dist.Name, problem
	}
	d := t.st.Draft
	dist, problem := t.e.findKecamatan(d.Fields[f.Of])
	if problem != "" || len(t.e.villages.In(dist.Code)) == 0 {
		// The office's regency has no village list: take what was typed.
		if len([]rune(t.text)) < 3 {
			return "", t.e.text("desa_invalid")
		}
		return t.text, ""
	}
	if v, ok := t.matchVillage(dist.Code, dist.Name); ok {
		return villageLabel(v.Name, v.Code), ""
	}
	return "", t.e.villageChoices(dist.Name, d.Choices)
}

// dropDesaOf forgets the answers of the desa fields of kecamatan field key, which changed.
func (e *Engine) dropDesaOf(d *Draft, key string) {
	for _, other := range e.variantFields(d) {
		if f := e.opt.Fields[other]; f.Kind == KindDesa && f.Of == key {
			delete(d.Fields, other)
		}
	}
	d.Choices = nil
}
