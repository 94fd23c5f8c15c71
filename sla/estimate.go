package sla

import (
	"fmt"
	"math"
	"time"
)

// Estimates of the national holidays of a year whose joint decree (SKB) is not published yet.
// Fixed dates and the Easter-based ones are exact; the lunar ones (Islamic holidays, Imlek,
// Nyepi, Waisak) come from the astronomical new and full moons and are marked provisional:
// the government's sighting (rukyat, MABIMS criteria) or the Balinese calendar may put them a
// day away. Collective leave (cuti bersama) is decided each year and is never estimated.

// EstimateHolidays returns the holidays of year that can be known without its decree.
func EstimateHolidays(year int) []Holiday {
	date := func(t time.Time) string { return t.Format(time.DateOnly) }
	fixed := func(m time.Month, d int) string { return date(time.Date(year, m, d, 0, 0, 0, 0, time.UTC)) }
	easter := Easter(year)
	hs := []Holiday{
		{Date: fixed(time.January, 1), Kind: "libur", Name: fmt.Sprintf("Tahun Baru %d Masehi", year)},
		{Date: date(easter.AddDate(0, 0, -2)), Kind: "libur", Name: "Wafat Yesus Kristus"},
		{Date: date(easter), Kind: "libur", Name: "Kebangkitan Yesus Kristus (Paskah)"},
		{Date: fixed(time.May, 1), Kind: "libur", Name: "Hari Buruh Internasional"},
		{Date: date(easter.AddDate(0, 0, 39)), Kind: "libur", Name: "Kenaikan Yesus Kristus"},
		{Date: fixed(time.June, 1), Kind: "libur", Name: "Hari Lahir Pancasila"},
		{Date: fixed(time.August, 17), Kind: "libur", Name: "Proklamasi Kemerdekaan"},
		{Date: fixed(time.December, 25), Kind: "libur", Name: "Kelahiran Yesus Kristus"},
	}
	lunar := func(t time.Time, name string) {
		if t.Year() == year {
			hs = append(hs, Holiday{Date: date(t), Kind: "libur", Name: name, Provisional: true})
		}
	}
	lunar(Imlek(year), fmt.Sprintf("Tahun Baru Imlek %d Kongzili", year+551))
	lunar(Nyepi(year), fmt.Sprintf("Hari Suci Nyepi Tahun Baru Saka %d", year-78))
	lunar(Waisak(year), fmt.Sprintf("Hari Raya Waisak %d BE", year+544))
	for h := year - 580; h <= year-577; h++ {
		lunar(HijriDate(h, 7, 27), "Isra Mikraj Nabi Muhammad SAW")
		lunar(HijriDate(h, 10, 1), fmt.Sprintf("Idulfitri %d H", h))
		lunar(HijriDate(h, 10, 2), fmt.Sprintf("Idulfitri %d H", h))
		lunar(HijriDate(h, 12, 10), fmt.Sprintf("Iduladha %d H", h))
		lunar(HijriDate(h, 1, 1), fmt.Sprintf("1 Muharam Tahun Baru Islam %d H", h))
		lunar(HijriDate(h, 3, 12), "Maulid Nabi Muhammad SAW")
	}
	return hs
}

// Easter returns Easter Sunday of year in the Gregorian calendar (the anonymous algorithm
// of Meeus, Jones and Butcher), at midnight UTC.
func Easter(year int) time.Time {
	a, b, c := year%19, year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}

// Time zones the lunar holidays are reckoned in.
var (
	wib  = time.FixedZone("WIB", 7*3600)
	wita = time.FixedZone("WITA", 8*3600) // Bali; also China's, for Imlek
	ist  = time.FixedZone("IST", 5*3600+1800)
)

// dayOf is t's date in loc, at midnight UTC.
func dayOf(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Imlek is the Chinese New Year: the new moon (China's date) from 21 January to 20 February.
func Imlek(year int) time.Time {
	return dayOf(moonIn(year, time.January, 21, 31, false, wita), wita)
}

// Nyepi is the day after Tilem Kesanga, the new moon of Bali's ninth month; it is taken as the
// Bali date of the new moon from 6 March to 5 April.
func Nyepi(year int) time.Time {
	return dayOf(moonIn(year, time.March, 6, 31, false, wita), wita)
}

// Waisak is the full moon from 6 May to 5 June, the window reckoned in India's time, as
// Indonesia's Buddhist councils do; the holiday is its Jakarta date.
func Waisak(year int) time.Time {
	return dayOf(moonIn(year, time.May, 6, 31, true, ist), wib)
}

// moonIn returns the first new (or full) moon at or after day d of month m in loc, searching
// span days.
func moonIn(year int, m time.Month, d, span int, full bool, loc *time.Location) time.Time {
	from := time.Date(year, m, d, 0, 0, 0, 0, loc)
	k := math.Floor((float64(year) + (float64(m)-1)/12 - 2000) * 12.3685)
	for i := -2.0; i < 4; i++ {
		kk := k + i
		if full {
			kk += 0.5
		}
		t := MoonPhase(kk)
		if !t.Before(from) && t.Before(from.AddDate(0, 0, span)) {
			return t
		}
	}
	return time.Time{}
}

// HijriDate estimates day d of month m of Hijri year y in Indonesia: a month starts the day
// after the first evening at which the moon is at least minMoonAge old at sunset in Jakarta.
// The government's sighting (MABIMS: altitude 3°, elongation 6.4°) agrees with this within a
// day.
func HijriDate(y, m, d int) time.Time {
	k := float64(y*12 + m - 1 - hijriLunation0)
	conj := MoonPhase(k)
	day := dayOf(conj, wib)
	sunset := time.Date(day.Year(), day.Month(), day.Day(), 18, 0, 0, 0, wib)
	first := day.AddDate(0, 0, 2)
	if sunset.Sub(conj) >= minMoonAge {
		first = day.AddDate(0, 0, 1)
	}
	return first.AddDate(0, 0, d-1)
}

// hijriLunation0 is the Hijri month count (12·year + month − 1) of the lunation Meeus numbers
// 0, the new moon of 6 January 2000: Syawal 1420.
const hijriLunation0 = 1420*12 + 9

// minMoonAge is the moon's age at sunset from which a new Hijri month is taken to be sighted.
// Ten hours matches the government's dates of 2023–2026 but Iduladha 1446 H (a day early).
const minMoonAge = 10 * time.Hour

// MoonPhase returns the time of the new moon of lunation k (k = 0 on 6 January 2000; k + 0.5
// the full moon after it), after Meeus, Astronomical Algorithms, chapter 49, with the main
// periodic terms: within a few minutes, enough for dates.
func MoonPhase(k float64) time.Time {
	t := k / 1236.85
	jde := 2451550.09766 + 29.530588861*k + 0.00015437*t*t - 0.000000150*t*t*t + 0.00000000073*t*t*t*t
	e := 1 - 0.002516*t - 0.0000074*t*t
	rad := func(deg float64) float64 { return math.Mod(deg, 360) * math.Pi / 180 }
	m := rad(2.5534 + 29.10535670*k - 0.0000014*t*t - 0.00000011*t*t*t)
	mp := rad(201.5643 + 385.81693528*k + 0.0107582*t*t + 0.00001238*t*t*t - 0.000000058*t*t*t*t)
	f := rad(160.7108 + 390.67050284*k - 0.0016118*t*t - 0.00000227*t*t*t + 0.000000011*t*t*t*t)
	om := rad(124.7746 - 1.56375588*k + 0.0020672*t*t + 0.00000215*t*t*t)
	s := math.Sin
	c := [...]float64{-0.40720, 0.17241, 0.01608, 0.01039, 0.00739, -0.00514, 0.00208}
	if k != math.Floor(k) { // full moon
		c = [...]float64{-0.40614, 0.17302, 0.01614, 0.01043, 0.00734, -0.00515, 0.00209}
	}
	jde += c[0]*s(mp) + c[1]*e*s(m) + c[2]*s(2*mp) + c[3]*s(2*f) + c[4]*e*s(mp-m) + c[5]*e*s(mp+m) + c[6]*e*e*s(2*m) -
		0.00111*s(mp-2*f) - 0.00057*s(mp+2*f) + 0.00056*e*s(2*mp+m) - 0.00042*s(3*mp) + 0.00042*e*s(m+2*f) +
		0.00038*e*s(m-2*f) - 0.00024*e*s(2*mp-m) - 0.00017*s(om)
	// Julian day to time; the 69 s between TT and UT do not matter for dates.
	const unixEpochJD = 2440587.5
	return time.Unix(0, 0).UTC().Add(time.Duration((jde - unixEpochJD) * 24 * float64(time.Hour)))
}
