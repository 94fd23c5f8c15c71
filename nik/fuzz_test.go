package nik

import (
	"strings"
	"testing"
	"time"
)

func FuzzCheckNIK(f *testing.F) {
	for _, s := range []string{
		"3516011505900001", "3516015505900002", "351601150590000", "35160115059000011",
		"35.16.01-150590-0001", "\u00a03516\u00a00115–0590–0001", "3516012902230001",
		"3516017102900001", "3516011506260001", "3516011505900000", "9916011505900001",
		"", "NIK: 3516011505900001", "٣٥١٦٠١١٥٠٥٩٠٠٠٠١", "\xff\xfe",
	} {
		f.Add(s)
	}
	rg := DefaultRegions()
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range []struct {
			name  string
			check func(string, *Regions, time.Time) Result
		}{{"CheckNIK", CheckNIK}, {"CheckKK", CheckKK}} {
			name, res := c.name, c.check(s, rg, testNow)
			if res.Warnings == nil {
				t.Errorf("%s(%q): Warnings is nil", name, s)
			}
			if res.Valid {
				if len(res.NIK) != 16 || strings.Trim(res.NIK, "0123456789") != "" {
					t.Errorf("%s(%q): valid with NIK %q", name, s, res.NIK)
				}
				if res.Error != "" || res.Code != "" {
					t.Errorf("%s(%q): valid with error %q (%s)", name, s, res.Error, res.Code)
				}
				if got, want := MaskNIK(s), res.NIK[:6]+"********"+res.NIK[14:]; got != want {
					t.Errorf("MaskNIK(%q) = %q, want %q", s, got, want)
				}
			} else if res.Error == "" || res.Code == "" {
				t.Errorf("%s(%q): invalid without error (code %q, error %q)", name, s, res.Code, res.Error)
			}
		}
	})
}
