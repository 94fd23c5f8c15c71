package nik

import "testing"

func TestMaskNIKs(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"NIK saya 3515010101900001 salah", "NIK saya 351501********01 salah"},
		{"3515 0101 0190 0001.", "351501********01."},
		{"3515-0101-0190-0001", "351501********01"},
		{"telepon 081234567890", "telepon 081234567890"},
		{"rekening 35150101019000011", "rekening 35150101019000011"},
		{"dua: 3515010101900001, 3201010101900002", "dua: 351501********01, 320101********02"},
		{"tanggal 12 3 2026 pukul 10", "tanggal 12 3 2026 pukul 10"},
		{"", ""},
	} {
		if got := MaskInText(tc.in); got != tc.want {
			t.Errorf("MaskInText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
