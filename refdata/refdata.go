// Package refdata embeds the public reference data ketanmu ships with: Kemendagri region codes
// down to kecamatan and the 2026 national holidays (later years are estimated in sla). Sources and licences are in README.md.
package refdata

import _ "embed"

// WilayahCSV is wilayah_kecamatan.csv: header "code,name,level", dotted Kemendagri codes.
//
//go:embed wilayah_kecamatan.csv
var WilayahCSV []byte

// Holidays2026CSV is holidays_2026.csv: header "date,type,name", ISO dates.
//
//go:embed holidays_2026.csv
var Holidays2026CSV []byte

// DesaCSV is wilayah_desa.csv for the regencies of the shipped configs (Kabupaten Mojokerto
// 35.16, Kabupaten Wonogiri 33.12): header "code,name,kind", codes "PP.KK.CC.DDDD", kind desa
// or kelurahan. An office elsewhere adds its regency's rows from the shared list (README.md).
//
//go:embed wilayah_desa.csv
var DesaCSV []byte
