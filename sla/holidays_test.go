package sla

import (
	"reflect"
	"strings"
	"testing"
)

func TestDefaultHolidays(t *testing.T) {
	hs := DefaultHolidays()
	if got, want := len(hs), 25; got != want {
		t.Errorf("len = %d, want %d", got, want)
	}
	if got, want := hs[0], (Holiday{Date: "2026-01-01", Kind: "libur", Name: "Tahun Baru 2026 Masehi"}); got != want {
		t.Errorf("first = %+v, want %+v", got, want)
	}
	var idulfitri []string
	for _, h := range hs {
		if h.Date >= "2026-03-18" && h.Date <= "2026-03-24" {
			idulfitri = append(idulfitri, h.Date)
		}
	}
	if got, want := len(idulfitri), 7; got != want {
		t.Errorf("closed dates 18–24 March = %v, want %d of them", idulfitri, want)
	}
}

func TestParseHolidaysCSV(t *testing.T) {
	t.Run("good", func(t *testing.T) {
		in := "\ufeffdate,type,name\n2026-08-17,libur,Proklamasi Kemerdekaan\n\n2026-12-24, cuti_bersama ,\"Kelahiran Yesus Kristus, cuti\"\n"
		got, err := ParseHolidaysCSV(strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		want := []Holiday{
			{Date: "2026-08-17", Kind: "libur", Name: "Proklamasi Kemerdekaan"},
			{Date: "2026-12-24", Kind: "cuti_bersama", Name: "Kelahiran Yesus Kristus, cuti"},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %+v, want %+v", got, want)
		}
	})
	t.Run("header only", func(t *testing.T) {
		got, err := ParseHolidaysCSV(strings.NewReader("date,type,name\n"))
		if err != nil || len(got) != 0 {
			t.Errorf("got %v, %v, want no holidays and no error", got, err)
		}
	})
	bad := []struct {
		name, in, wantInErr string
	}{
		{"empty", "", "line 1"},
		{"wrong header", "tanggal,jenis,nama\n", "line 1"},
		{"bad date", "date,type,name\n2026-01-01,libur,A\n2026-13-01,libur,B\n", "line 3"},
		{"slashed date", "date,type,name\n01/01/2026,libur,A\n", "line 2"},
		{"missing field", "date,type,name\n2026-01-01,libur\n", "line 2"},
		{"empty type", "date,type,name\n2026-01-01,,A\n", "line 2"},
		{"empty name", "date,type,name\n2026-01-01,libur, \n", "line 2"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseHolidaysCSV(strings.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.wantInErr) {
				t.Errorf("error = %v, want one containing %q", err, tc.wantInErr)
			}
		})
	}
}
