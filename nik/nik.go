// Package nik checks Indonesian NIK (Nomor Induk Kependudukan) and KK (Kartu Keluarga) numbers
// against their structure and the Kemendagri region codes, and matches typed kecamatan names.
// It is pure: no I/O beyond the embedded reference data, and the clock is passed in.
package nik

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Machine codes of Result.Code.
const (
	CodeLength = "length" // not 16 digits (also: nothing sent)
	CodeChars  = "chars"  // something other than digits and separators
	CodeDate   = "date"   // day/month impossible, date does not exist, or in the future
	CodeSerial = "serial" // serial number 0000
	CodeRegion = "region" // the first two digits are no province code
)

// Result describes one checked NIK or KK number.
type Result struct {
	NIK       string   `json:"nik"`      // digits only; "" when the input held other characters
	Valid     bool     `json:"valid"`    // structure is right; unknown region codes only warn
	Warnings  []string `json:"warnings"` // for operators; never nil
	Province  string   `json:"province"` // region names, filled when 16 digits were sent and the code is known
	Regency   string   `json:"regency"`
	District  string   `json:"district"`
	BirthDate string   `json:"birth_date"` // YYYY-MM-DD, NIK only ("" for KK)
	Sex       string   `json:"sex"`        // "L"/"P", NIK only
	Error     string   `json:"error"`      // Indonesian, one sentence, "" when valid
	Code      string   `json:"-"`          // machine code of the error, one of the Code constants

	unknownProvince bool
}

// kind holds what differs between a NIK and a KK number.
type kind struct {
	noun     string // how messages name the number
	dateName string // what the DDMMYY digits mean
	personal bool   // NIK: +40 on the day for women, birth date and sex reported
}

var (
	kindNIK = kind{noun: "NIK", dateName: "Tanggal lahir", personal: true}
	kindKK  = kind{noun: "Nomor KK", dateName: "Tanggal terbit"}
)

// CheckNIK checks a NIK (PP KK CC DDMMYY SSSS; women have 40 added to the day). Spaces, dots
// and dashes are ignored. A nil regions means DefaultRegions.
func CheckNIK(s string, regions *Regions, now time.Time) Result {
	return check(s, regions, now, kindNIK)
}

// CheckKK checks a Kartu Keluarga number (PP KK CC DDMMYY SSSS, DDMMYY being the issue date).
// A nil regions means DefaultRegions.
func CheckKK(s string, regions *Regions, now time.Time) Result {
	return check(s, regions, now, kindKK)
}

func check(s string, regions *Regions, now time.Time, k kind) Result {
	res := Result{Warnings: []string{}}
	digits, ok := clean(s)
	if !ok {
		return res.fail(CodeChars, k.noun+" hanya boleh berisi angka.")
	}
	res.NIK = digits
	switch {
	case digits == "":
		return res.fail(CodeLength, fmt.Sprintf("%s belum diisi, mohon kirim 16 angka %s Bapak/Ibu.", k.noun, k.noun))
	case len(digits) != 16:
		return res.fail(CodeLength, fmt.Sprintf("%s harus 16 angka, yang Bapak/Ibu kirim %d angka.", k.noun, len(digits)))
	}

	if regions == nil {
		regions = DefaultRegions()
	}
	res.fillRegions(regions, digits)
	if res.unknownProvince {
		res.unknownProvince = false
		return res.fail(CodeRegion, fmt.Sprintf("Dua angka pertama %s (%s) bukan kode provinsi.", k.noun, digits[:2]))
	}
	date, female, msg := decodeDate(digits[6:12], now, k.personal)
	if msg != "" {
		return res.fail(CodeDate, fmt.Sprintf("%s pada %s tidak valid (%s).", k.dateName, k.noun, msg))
	}
	if k.personal {
		res.BirthDate = date.Format(time.DateOnly)
		res.Sex = "L"
		if female {
			res.Sex = "P"
		}
	}
	if digits[12:] == "0000" {
		return res.fail(CodeSerial, fmt.Sprintf("Nomor urut pada %s tidak boleh 0000.", k.noun))
	}
	res.Valid = true
	return res
}

func (res Result) fail(code, msg string) Result {
	res.Valid, res.Code, res.Error = false, code, msg
	return res
}

// fillRegions names the region codes. An unknown code is only a warning: a NIK keeps the
// region of its first registration, which may since have been split or renumbered. Only the
// first unknown level is reported, as the levels below it cannot be known either.
func (res *Result) fillRegions(rg *Regions, digits string) {
	var ok bool
	if res.Province, ok = rg.Province(digits[:2]); !ok {
		// The province list is closed: codes are never renumbered, only new provinces added.
		res.unknownProvince = true
		return
	}
	if res.Regency, ok = rg.Regency(digits[:4]); !ok {
		res.Warnings = append(res.Warnings, fmt.Sprintf("Kode kabupaten/kota %s tidak dikenal.", digits[:4]))
		return
	}
	if res.District, ok = rg.District(digits[:6]); !ok {
		res.Warnings = append(res.Warnings, fmt.Sprintf("Kode kecamatan %s tidak dikenal.", digits[:6]))
	}
}

// decodeDate reads DDMMYY. The century is the latest one that does not put the date after
// now (a "12" in December of '26 read on 25 November 2026 is 1926); a date that is still in the
// future is rejected. On failure msg says what is
// wrong, to go inside the error's parentheses.
func decodeDate(ddmmyy string, now time.Time, personal bool) (date time.Time, female bool, msg string) {
	day := atoi2(ddmmyy[0:2])
	month := atoi2(ddmmyy[2:4])
	yy := atoi2(ddmmyy[4:6])
	if personal && day > 40 {
		day, female = day-40, true
	}
	shown := fmt.Sprintf("%02d/%s", day, ddmmyy[2:4])
	if day < 1 || day > 31 || month < 1 || month > 12 {
		if day < 1 || day > 31 {
			shown = ddmmyy[0:2] + "/" + ddmmyy[2:4] // the raw digits: the decoded day means nothing
		}
		return time.Time{}, false, shown
	}

	ny, nm, nd := now.Date()
	year := ny - ny%100 + yy
	if yy > ny%100 {
		year -= 100
	}
	date = time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	today := time.Date(ny, nm, nd, 0, 0, 0, 0, time.UTC)
	if personal && date.After(today) {
		// A person born "on the 15th of June '26" read in November 2026 was born in 1926.
		year -= 100
		date = time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	}
	if date.Day() != day { // time.Date normalised an impossible day into the next month
		if month == 2 && day == 29 {
			return time.Time{}, false, fmt.Sprintf("%s/%d", shown, year)
		}
		return time.Time{}, false, shown
	}
	if date.After(today) {
		return time.Time{}, false, fmt.Sprintf("%s/%d masih di masa depan", shown, year)
	}
	return date, female, ""
}

func atoi2(s string) int { return int(s[0]-'0')*10 + int(s[1]-'0') }

// clean removes separators a resident may type or paste (whitespace including non-breaking
// spaces, dots, dashes of any kind, zero-width characters) and reports whether only ASCII
// digits remain.
func clean(s string) (string, bool) {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case isSeparator(r):
		default:
			return "", false
		}
	}
	return b.String(), true
}

func isSeparator(r rune) bool {
	switch r {
	case '.', '\u2212', '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF':
		return true
	}
	return unicode.IsSpace(r) || unicode.Is(unicode.Pd, r)
}

// MaskNIK hides a NIK for logs (UU 27/2022 on personal data): separators are dropped, the first
// 6 characters (the region) and the last 2 are kept, e.g. "351601********01". Anything shorter
// than 8 characters becomes all stars of the same length.
func MaskNIK(s string) string {
	var rs []rune
	for _, r := range s {
		if !isSeparator(r) {
			rs = append(rs, r)
		}
	}
	if len(rs) < 8 {
		return strings.Repeat("*", len(rs))
	}
	return string(rs[:6]) + strings.Repeat("*", len(rs)-8) + string(rs[len(rs)-2:])
}
