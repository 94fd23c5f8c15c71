package sla

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ketanmu/ketanmu/refdata"
)

// Holiday is one closed date.
type Holiday struct {
	Date string // YYYY-MM-DD
	Kind string // "libur" (public holiday) or "cuti_bersama" (collective leave) in refdata
	Name string
}

// ParseHolidaysCSV reads a holidays CSV with the header "date,type,name" and ISO dates, as in
// refdata/holidays_2026.csv. Errors name the offending line.
func ParseHolidaysCSV(r io.Reader) ([]Holiday, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 3
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("sla: holidays line 1: empty file, want header \"date,type,name\"")
	}
	if err != nil {
		return nil, fmt.Errorf("sla: holidays: %w", err)
	}
	header[0] = strings.TrimPrefix(header[0], "\ufeff") // spreadsheets like to add a BOM
	if got := strings.Join(header, ","); got != "date,type,name" {
		return nil, fmt.Errorf("sla: holidays line 1: header is %q, want \"date,type,name\"", got)
	}
	var hs []Holiday
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return hs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("sla: holidays: %w", err) // csv.ParseError names the line
		}
		line, _ := cr.FieldPos(0)
		h := Holiday{Date: strings.TrimSpace(rec[0]), Kind: strings.TrimSpace(rec[1]), Name: strings.TrimSpace(rec[2])}
		if err := checkHoliday(h); err != nil {
			return nil, fmt.Errorf("sla: holidays line %d: %w", line, err)
		}
		hs = append(hs, h)
	}
}

func checkHoliday(h Holiday) error {
	if _, err := time.Parse(time.DateOnly, h.Date); err != nil {
		return fmt.Errorf("date %q: want YYYY-MM-DD", h.Date)
	}
	if h.Kind == "" {
		return fmt.Errorf("empty type for %s", h.Date)
	}
	if h.Name == "" {
		return fmt.Errorf("empty name for %s", h.Date)
	}
	return nil
}

// DefaultHolidays returns the 2026 national holidays and collective leave shipped in refdata.
func DefaultHolidays() []Holiday {
	hs, err := ParseHolidaysCSV(bytes.NewReader(refdata.Holidays2026CSV))
	if err != nil {
		panic("sla: embedded holidays: " + err.Error()) // covered by tests; cannot happen at run time
	}
	return hs
}
