package nik

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// testNow is a fixed clock: 10 May 2026, 10:00 WIB.
var testNow = time.Date(2026, time.May, 10, 10, 0, 0, 0, time.FixedZone("WIB", 7*3600))

// mojokerto is a valid result for a NIK registered in Jatirejo, Kabupaten Mojokerto.
func mojokerto(nik, birth, sex string) Result {
	return Result{
		NIK: nik, Valid: true, Warnings: []string{},
		Province: "Jawa Timur", Regency: "Kabupaten Mojokerto", District: "Jatirejo",
		BirthDate: birth, Sex: sex,
	}
}

// invalid is a result that failed after the region lookup, in Jatirejo.
func invalid(nik, code, msg string) Result {
	return Result{
		NIK: nik, Warnings: []string{},
		Province: "Jawa Timur", Regency: "Kabupaten Mojokerto", District: "Jatirejo",
		Code: code, Error: msg,
	}
}

func TestCheckNIK(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Result
	}{
		{"valid male", "3516011505900001", mojokerto("3516011505900001", "1990-05-15", "L")},
		{"valid female", "3516015505900002", mojokerto("3516015505900002", "1990-05-15", "P")},
		{"female day 41", "3516014101900001", mojokerto("3516014101900001", "1990-01-01", "P")},
		{"female day 71", "3516017101900001", mojokerto("3516017101900001", "1990-01-31", "P")},
		{"spaces", " 3516 0115 0590 0001 ", mojokerto("3516011505900001", "1990-05-15", "L")},
		{"dots and dashes", "35.16.01-150590-0001", mojokerto("3516011505900001", "1990-05-15", "L")},
		{"non-breaking spaces and en dash", "\u00a03516\u00a00115–0590–0001\n", mojokerto("3516011505900001", "1990-05-15", "L")},
		{"29 Feb leap year 2000", "3516012902000001", mojokerto("3516012902000001", "2000-02-29", "L")},
		{"29 Feb leap year 1996", "3516012902960001", mojokerto("3516012902960001", "1996-02-29", "L")},
		{"29 Feb leap year female", "3516016902040001", mojokerto("3516016902040001", "2004-02-29", "P")},
		{"born today", "3516011005260001", mojokerto("3516011005260001", "2026-05-10", "L")},
		{"yy after this year is 1900s", "3516011506270001", mojokerto("3516011506270001", "1927-06-15", "L")},

		{"15 digits", "351601150590000", Result{NIK: "351601150590000", Warnings: []string{},
			Code: CodeLength, Error: "NIK harus 16 angka, yang Bapak/Ibu kirim 15 angka."}},
		{"17 digits", "35160115059000011", Result{NIK: "35160115059000011", Warnings: []string{},
			Code: CodeLength, Error: "NIK harus 16 angka, yang Bapak/Ibu kirim 17 angka."}},
		{"empty", "  ", Result{Warnings: []string{},
			Code: CodeLength, Error: "NIK belum diisi, mohon kirim 16 angka NIK Bapak/Ibu."}},
		{"letter O for zero", "35160115O5900001", Result{Warnings: []string{},
			Code: CodeChars, Error: "NIK hanya boleh berisi angka."}},
		{"prefix text", "NIK 3516011505900001", Result{Warnings: []string{},
			Code: CodeChars, Error: "NIK hanya boleh berisi angka."}},

		{"29 Feb non-leap year", "3516012902230001",
			invalid("3516012902230001", CodeDate, "Tanggal lahir pada NIK tidak valid (29/02/2023).")},
		{"31 Feb", "3516013102900001",
			invalid("3516013102900001", CodeDate, "Tanggal lahir pada NIK tidak valid (31/02).")},
		{"female 31 Feb", "3516017102900001",
			invalid("3516017102900001", CodeDate, "Tanggal lahir pada NIK tidak valid (31/02).")},
		{"31 Apr", "3516013104900001",
			invalid("3516013104900001", CodeDate, "Tanggal lahir pada NIK tidak valid (31/04).")},
		{"day 00", "3516010001900001",
			invalid("3516010001900001", CodeDate, "Tanggal lahir pada NIK tidak valid (00/01).")},
		{"day 32", "3516013201900001",
			invalid("3516013201900001", CodeDate, "Tanggal lahir pada NIK tidak valid (32/01).")},
		{"day 40", "3516014001900001",
			invalid("3516014001900001", CodeDate, "Tanggal lahir pada NIK tidak valid (40/01).")},
		{"day 72", "3516017201900001",
			invalid("3516017201900001", CodeDate, "Tanggal lahir pada NIK tidak valid (72/01).")},
		{"month 13", "3516011513900001",
			invalid("3516011513900001", CodeDate, "Tanggal lahir pada NIK tidak valid (15/13).")},
		{"month 00", "3516011500900001",
			invalid("3516011500900001", CodeDate, "Tanggal lahir pada NIK tidak valid (15/00).")},
		// A two-digit year that would put the birth in the future is of the 1900s.
		{"20xx in the future falls back to 19xx", "3516011506260001", Result{
			NIK: "3516011506260001", Valid: true, Warnings: []string{},
			Province: "Jawa Timur", Regency: "Kabupaten Mojokerto", District: "Jatirejo",
			BirthDate: "1926-06-15", Sex: "L",
		}},
		{"serial 0000", "3516011505900000", Result{
			NIK: "3516011505900000", Warnings: []string{},
			Province: "Jawa Timur", Regency: "Kabupaten Mojokerto", District: "Jatirejo",
			BirthDate: "1990-05-15", Sex: "L",
			Code: CodeSerial, Error: "Nomor urut pada NIK tidak boleh 0000.",
		}},

		{"unknown district warns", "3516991505900001", Result{
			NIK: "3516991505900001", Valid: true, Warnings: []string{"Kode kecamatan 351699 tidak dikenal."},
			Province: "Jawa Timur", Regency: "Kabupaten Mojokerto", BirthDate: "1990-05-15", Sex: "L",
		}},
		{"unknown regency warns", "3599011505900001", Result{
			NIK: "3599011505900001", Valid: true, Warnings: []string{"Kode kabupaten/kota 3599 tidak dikenal."},
			Province: "Jawa Timur", BirthDate: "1990-05-15", Sex: "L",
		}},
		// The province list is closed: an unknown province code is a typo, not an old region.
		{"unknown province is invalid", "9916011505900001", Result{
			NIK: "9916011505900001", Warnings: []string{},
			Code: CodeRegion, Error: "Dua angka pertama NIK (99) bukan kode provinsi.",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := CheckNIK(tt.in, DefaultRegions(), testNow)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("CheckNIK(%q)\n got %+v\nwant %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestCheckNIKNilRegionsUsesDefault(t *testing.T) {
	got := CheckNIK("3516011505900001", nil, testNow)
	if want := mojokerto("3516011505900001", "1990-05-15", "L"); !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestCheckKK(t *testing.T) {
	kk := func(nik string) Result { return mojokerto(nik, "", "") }
	tests := []struct {
		name string
		in   string
		want Result
	}{
		{"valid", "3516010101200003", kk("3516010101200003")},
		{"valid with separators", "3516 0101 0120 0003", kk("3516010101200003")},
		{"issued today", "3516011005260003", kk("3516011005260003")},
		{"15 digits", "351601010120000", Result{NIK: "351601010120000", Warnings: []string{},
			Code: CodeLength, Error: "Nomor KK harus 16 angka, yang Bapak/Ibu kirim 15 angka."}},
		{"letters", "3516O10101200003", Result{Warnings: []string{},
			Code: CodeChars, Error: "Nomor KK hanya boleh berisi angka."}},
		{"no +40 rule", "3516014101200003",
			invalid("3516014101200003", CodeDate, "Tanggal terbit pada Nomor KK tidak valid (41/01).")},
		{"31 Feb", "3516013102200003",
			invalid("3516013102200003", CodeDate, "Tanggal terbit pada Nomor KK tidak valid (31/02).")},
		{"future", "3516011506260003",
			invalid("3516011506260003", CodeDate, "Tanggal terbit pada Nomor KK tidak valid (15/06/2026 masih di masa depan).")},
		{"serial 0000", "3516010101200000",
			invalid("3516010101200000", CodeSerial, "Nomor urut pada Nomor KK tidak boleh 0000.")},
		{"unknown district warns", "3516990101200003", Result{
			NIK: "3516990101200003", Valid: true, Warnings: []string{"Kode kecamatan 351699 tidak dikenal."},
			Province: "Jawa Timur", Regency: "Kabupaten Mojokerto",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := CheckKK(tt.in, DefaultRegions(), testNow)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("CheckKK(%q)\n got %+v\nwant %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestResultJSON(t *testing.T) {
	tests := []struct {
		name string
		res  Result
		want string
	}{
		{"valid", CheckNIK("3516011505900001", DefaultRegions(), testNow),
			`{"nik":"3516011505900001","valid":true,"warnings":[],"province":"Jawa Timur","regency":"Kabupaten Mojokerto","district":"Jatirejo","birth_date":"1990-05-15","sex":"L","error":""}`},
		{"invalid", CheckNIK("12", DefaultRegions(), testNow),
			`{"nik":"12","valid":false,"warnings":[],"province":"","regency":"","district":"","birth_date":"","sex":"","error":"NIK harus 16 angka, yang Bapak/Ibu kirim 2 angka."}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.res)
			if err != nil {
				t.Fatal(err)
			}
			if got := string(b); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestMaskNIK(t *testing.T) {
	tests := []struct{ in, want string }{
		{"3516011505900001", "351601********01"},
		{"3516 0115 0590 0001", "351601********01"},
		{"35.16.01-150590-0001", "351601********01"},
		{"351601150590000", "351601*******00"},
		{"123456789", "123456*89"},
		{"1234567", "*******"},
		{"12", "**"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := MaskNIK(tt.in); got != tt.want {
				t.Errorf("MaskNIK(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func BenchmarkCheckNIK(b *testing.B) {
	rg := DefaultRegions()
	for b.Loop() {
		CheckNIK("3516 0155 0590 0002", rg, testNow)
	}
}
