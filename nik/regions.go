package nik

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/ketanmu/ketanmu/refdata"
)

// Regions indexes Kemendagri codes (digits without dots: "35", "3516", "351601").
// It is read-only after parsing and safe for concurrent use.
type Regions struct {
	provinces map[string]string
	regencies map[string]string
	districts map[string]string
	// byRegency holds each regency's districts sorted by code, with their match keys.
	byRegency map[string][]districtEntry
}

// District is one kecamatan: its 6-digit code and official name.
type District struct{ Code, Name string }

type districtEntry struct {
	District
	keys []string // normalised spellings FindDistrict compares against
}

// levelDigits maps the CSV level column to the code length without dots.
var levelDigits = map[string]int{"province": 2, "regency": 4, "district": 6}

// ParseRegions reads a wilayah CSV (header "code,name,level", codes dotted like "35.16.01"
// or plain digits). Every regency and district must have its parent in the file.
func ParseRegions(r io.Reader) (*Regions, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 3
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("nik: wilayah line 1: %w", csvErr(err))
	}
	header[0] = strings.TrimPrefix(header[0], "\uFEFF")
	if strings.Join(header, ",") != "code,name,level" {
		return nil, fmt.Errorf("nik: wilayah line 1: header is %q, want \"code,name,level\"", strings.Join(header, ","))
	}

	rg := &Regions{
		provinces: map[string]string{},
		regencies: map[string]string{},
		districts: map[string]string{},
		byRegency: map[string][]districtEntry{},
	}
	lines := map[string]int{} // code -> line, for duplicate and parent errors
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("nik: wilayah: %w", csvErr(err))
		}
		line, _ := cr.FieldPos(0)
		code, name, level := strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1]), strings.TrimSpace(rec[2])
		if err := rg.add(code, name, level, lines); err != nil {
			return nil, fmt.Errorf("nik: wilayah line %d: %w", line, err)
		}
		lines[strings.ReplaceAll(code, ".", "")] = line
	}
	if err := rg.checkParents(lines); err != nil {
		return nil, err
	}
	for _, ds := range rg.byRegency {
		sort.Slice(ds, func(i, j int) bool { return ds[i].Code < ds[j].Code })
	}
	return rg, nil
}

// csvErr keeps encoding/csv's own message, which already names the line.
func csvErr(err error) error {
	if errors.Is(err, io.EOF) {
		return errors.New("empty file")
	}
	return err
}

func (rg *Regions) add(code, name, level string, lines map[string]int) error {
	want, ok := levelDigits[level]
	if !ok {
		return fmt.Errorf("unknown level %q", level)
	}
	digits, ok := plainCode(code)
	if !ok {
		return fmt.Errorf("malformed code %q", code)
	}
	if len(digits) != want {
		return fmt.Errorf("code %q does not fit level %s", code, level)
	}
	if name == "" {
		return fmt.Errorf("empty name for code %q", code)
	}
	if prev, dup := lines[digits]; dup {
		return fmt.Errorf("code %q already on line %d", code, prev)
	}
	switch level {
	case "province":
		rg.provinces[digits] = name
	case "regency":
		rg.regencies[digits] = name
	case "district":
		rg.districts[digits] = name
		reg := digits[:4]
		rg.byRegency[reg] = append(rg.byRegency[reg], districtEntry{
			District: District{Code: digits, Name: name},
			keys:     nameKeys(name),
		})
	}
	return nil
}

func (rg *Regions) checkParents(lines map[string]int) error {
	for code := range rg.regencies {
		if _, ok := rg.provinces[code[:2]]; !ok {
			return fmt.Errorf("nik: wilayah line %d: regency %s has no province %s", lines[code], code, code[:2])
		}
	}
	for code := range rg.districts {
		if _, ok := rg.regencies[code[:4]]; !ok {
			return fmt.Errorf("nik: wilayah line %d: district %s has no regency %s", lines[code], code, code[:4])
		}
	}
	return nil
}

// plainCode turns "35.16.01" (or "351601") into "351601". Dotted parts must be two digits.
func plainCode(code string) (string, bool) {
	parts := strings.Split(code, ".")
	if len(parts) == 1 && len(code)%2 == 0 {
		return code, code != "" && allDigits(code)
	}
	for _, p := range parts {
		if len(p) != 2 || !allDigits(p) {
			return "", false
		}
	}
	return strings.Join(parts, ""), true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

var defaultRegions = sync.OnceValue(func() *Regions {
	rg, err := ParseRegions(bytes.NewReader(refdata.WilayahCSV))
	if err != nil {
		panic("nik: embedded refdata.WilayahCSV is broken: " + err.Error())
	}
	return rg
})

// DefaultRegions returns the regions embedded in package refdata, parsed on first use.
func DefaultRegions() *Regions { return defaultRegions() }

// Province returns the name of a 2-digit province code.
func (r *Regions) Province(code2 string) (string, bool) {
	name, ok := r.provinces[code2]
	return name, ok
}

// Regency returns the name of a 4-digit regency (kabupaten/kota) code.
func (r *Regions) Regency(code4 string) (string, bool) {
	name, ok := r.regencies[code4]
	return name, ok
}

// District returns the name of a 6-digit district (kecamatan) code.
func (r *Regions) District(code6 string) (string, bool) {
	name, ok := r.districts[code6]
	return name, ok
}

// Districts lists a regency's kecamatan (code6 + name) sorted by code; nil for an unknown regency.
func (r *Regions) Districts(code4 string) []District {
	entries := r.byRegency[code4]
	if len(entries) == 0 {
		return nil
	}
	out := make([]District, len(entries))
	for i, e := range entries {
		out[i] = e.District
	}
	return out
}
