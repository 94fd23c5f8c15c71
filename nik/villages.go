package nik

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/ketanmu/ketanmu/refdata"
)

// Village is one desa or kelurahan: its 10-digit code, official name and kind.
type Village struct {
	Code, Name string
	Kind       string // desa | kelurahan
}

type villageEntry struct {
	Village
	keys []string
}

// Villages indexes desa/kelurahan by their kecamatan (6-digit code). Read-only after parsing.
type Villages struct {
	byDistrict map[string][]villageEntry
}

// ParseVillages reads a wilayah_desa CSV (header "code,name,kind", codes "35.16.06.2011").
func ParseVillages(r io.Reader) (*Villages, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 3
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("nik: desa line 1: %w", csvErr(err))
	}
	if h := strings.TrimPrefix(strings.Join(header, ","), "\uFEFF"); h != "code,name,kind" {
		return nil, fmt.Errorf("nik: desa line 1: header is %q, want \"code,name,kind\"", h)
	}
	v := &Villages{byDistrict: map[string][]villageEntry{}}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return v, nil
		}
		if err != nil {
			return nil, fmt.Errorf("nik: desa: %w", err)
		}
		line, _ := cr.FieldPos(0)
		code := strings.ReplaceAll(strings.TrimSpace(rec[0]), ".", "")
		ok := allDigits(code)
		name, kind := strings.TrimSpace(rec[1]), strings.TrimSpace(rec[2])
		if !ok || len(code) != 10 || name == "" || (kind != "desa" && kind != "kelurahan") {
			return nil, fmt.Errorf("nik: desa line %d: want a 10-digit code, a name and desa or kelurahan, got %q", line, strings.Join(rec, ","))
		}
		d := code[:6]
		v.byDistrict[d] = append(v.byDistrict[d], villageEntry{Village{code, name, kind}, nameKeys(name)})
	}
}

var defaultVillages = sync.OnceValue(func() *Villages {
	v, err := ParseVillages(bytes.NewReader(refdata.DesaCSV))
	if err != nil {
		panic("nik: embedded refdata.DesaCSV is broken: " + err.Error())
	}
	return v
})

// DefaultVillages returns the villages embedded in package refdata, parsed on first use.
func DefaultVillages() *Villages { return defaultVillages() }

// In lists a kecamatan's villages in code order; nil when the list does not cover it.
func (v *Villages) In(district6 string) []Village {
	var out []Village
	for _, e := range v.byDistrict[district6] {
		out = append(out, e.Village)
	}
	return out
}

// Get returns the village of a 10-digit code.
func (v *Villages) Get(code10 string) (Village, bool) {
	if len(code10) != 10 {
		return Village{}, false
	}
	for _, e := range v.byDistrict[code10[:6]] {
		if e.Code == code10 {
			return e.Village, true
		}
	}
	return Village{}, false
}

// Match finds what a resident typed among a kecamatan's villages, ignoring "desa", "kel.",
// "kelurahan", case and punctuation. An exact spelling is the one answer; otherwise every
// village within a typo or two (one for names up to 5 letters), or whose name contains what was
// typed or the other way round, nearest first. Empty when nothing is close. exact reports an
// exact spelling.
func (v *Villages) Match(district6, typed string) (found []Village, exact bool) {
	key := villageKey(typed)
	if key == "" {
		return nil, false
	}
	type scored struct {
		Village
		d int
	}
	var near []scored
	for _, e := range v.byDistrict[district6] {
		best := -1
		for _, k := range e.keys {
			limit := 2
			if utf8.RuneCountInString(k) <= 5 {
				limit = 1
			}
			d := osaDistance(key, k, limit)
			if d > limit && len(key) >= 4 && (strings.Contains(k, key) || strings.Contains(key, k)) {
				d = limit + 1 // a part of the name: after the typos
			} else if d > limit {
				continue
			}
			if best < 0 || d < best {
				best = d
			}
		}
		if best == 0 {
			return []Village{e.Village}, true
		}
		if best > 0 {
			near = append(near, scored{e.Village, best})
		}
	}
	slices.SortStableFunc(near, func(a, b scored) int { return a.d - b.d })
	for _, f := range near {
		found = append(found, f.Village)
	}
	return found, false
}

// villageKey normalises a typed desa name: the words for desa and kelurahan dropped.
func villageKey(s string) string {
	words := strings.Fields(foldWords(s))
	kept := words[:0]
	for _, w := range words {
		if !slices.Contains([]string{"desa", "ds", "kel", "kelurahan", "kalurahan", "dsn"}, w) {
			kept = append(kept, w)
		}
	}
	return strings.Join(kept, "")
}
