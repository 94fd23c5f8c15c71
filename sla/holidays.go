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

// Holiday is one closed date. Dates are YYYY-MM-DD (checked by ParseHolidaysCSV).
type Holiday struct {
	Date string // YYYY-MM-DD
	Kind string // "libur" (public holiday) or "cuti_bersama" (collective leave) in refdata
	Name string
	// Provisional marks an estimate (EstimateHolidays) of a year whose decree is not published.
	Provisional bool
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

// DefaultHolidays returns the published national holidays and collective leave shipped in refdata.
func DefaultHolidays() []Holiday {
	hs, err := ParseHolidaysCSV(bytes.NewReader(refdata.Holidays2026CSV))
	if err != nil {
		panic("sla: embedded holidays: " + err.Error()) // covered by tests; cannot happen at run time
	}
	return hs
}

// estimateYears is how many years past the last published list a plan estimates: the calendar
// never runs out, while the warnings ask for the real list long before the estimates matter.
const estimateYears = 30

// PlanHolidays returns the closed dates a calendar uses. For each year the office's own list
// wins where it has one, then the published one; every other year from the first known up to
// estimateYears past the last known is estimated (EstimateHolidays, lunar dates provisional).
// Without cutiBersama, collective leave (Kind "cuti_bersama") does not close the office.
func PlanHolidays(published, office []Holiday, cutiBersama bool) []Holiday {
	byYear := func(hs []Holiday) map[string][]Holiday {
		m := map[string][]Holiday{}
		for _, h := range hs {
			m[h.Date[:4]] = append(m[h.Date[:4]], h)
		}
		return m
	}
	pub, own := byYear(published), byYear(office)
	first, last := 0, 0
	for _, m := range []map[string][]Holiday{pub, own} {
		for y := range m {
			var n int
			fmt.Sscan(y, &n)
			if first == 0 || n < first {
				first = n
			}
			last = max(last, n)
		}
	}
	var out []Holiday
	for y := first; first > 0 && y <= last+estimateYears; y++ {
		key := fmt.Sprintf("%04d", y)
		hs, ok := own[key]
		if !ok {
			hs, ok = pub[key]
		}
		if !ok {
			hs = EstimateHolidays(y)
		}
		for _, h := range hs {
			if cutiBersama || h.Kind != "cuti_bersama" {
				out = append(out, h)
			}
		}
	}
	return out
}
