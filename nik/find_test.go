package nik

import "testing"

func TestFindDistrict(t *testing.T) {
	tests := []struct {
		name, regency, typed string
		want                 District
		wantOK               bool
	}{
		{"exact", "3516", "Jatirejo", District{"351601", "Jatirejo"}, true},
		{"lower case", "3516", "jatirejo", District{"351601", "Jatirejo"}, true},
		{"upper case and trailing space", "3516", "JATIREJO ", District{"351601", "Jatirejo"}, true},
		{"Kec. prefix", "3516", "Kec. Jatirejo", District{"351601", "Jatirejo"}, true},
		{"Kec. without space", "3516", "kec.jatirejo", District{"351601", "Jatirejo"}, true},
		{"kecamatan prefix", "3516", "Kecamatan  Jatirejo", District{"351601", "Jatirejo"}, true},
		{"one letter missing", "3516", "jatirjo", District{"351601", "Jatirejo"}, true},
		{"transposition", "3516", "jatierjo", District{"351601", "Jatirejo"}, true},
		{"two typos in a long name", "3516", "jatireyo.", District{"351601", "Jatirejo"}, true},
		{"two typos in a long name, again", "3516", "mojosria", District{"351608", "Mojosari"}, true},
		{"space inside a name", "3516", "Dawar Blandong", District{"351617", "Dawarblandong"}, true},
		{"one typo in a short name", "3516", "Pury", District{"351611", "Puri"}, true},
		{"typo and punctuation in a short name", "3516", "Pacit!", District{"351603", "Pacet"}, true},
		{"too many typos in a short name", "3516", "Pxcxt", District{}, false},
		{"three typos", "3516", "jxtxrxjo", District{}, false},
		{"no match", "3516", "Surabaya", District{}, false},
		{"only the prefix", "3516", "Kecamatan", District{}, false},
		{"empty", "3516", "  ", District{}, false},
		{"unknown regency", "3599", "Jatirejo", District{}, false},
		{"other regency's district", "3516", "Pandaan", District{}, false},
		{"exact match beats a one-typo neighbour", "1401", "Kampa", District{"140117", "Kampa"}, true},
		{"ambiguous: one typo from Purwodadi and Purwosari", "3514", "Purwodari", District{}, false},
		{"ambiguous: one typo from Manding and Ganding", "3529", "anding", District{}, false},
		{"alternative spelling after slash", "1107", "Truseb", District{"110721", "Tiro/Truseb"}, true},
		{"alternative in parentheses", "9603", "misool utara", District{"960301", "Misool (Misool Utara)"}, true},
	}
	rg := DefaultRegions()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := rg.FindDistrict(tt.regency, tt.typed)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("FindDistrict(%q, %q) = %+v, %v; want %+v, %v", tt.regency, tt.typed, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestOSADistance(t *testing.T) {
	tests := []struct {
		a, b  string
		limit int
		want  int
	}{
		{"jatirejo", "jatirejo", 2, 0},
		{"jatirjo", "jatirejo", 2, 1},
		{"jatiерjo", "jatirejo", 5, 2}, // Cyrillic letters count as one rune each
		{"ca", "ac", 2, 1},
		{"abc", "ca", 3, 3}, // OSA, not unrestricted Damerau-Levenshtein (which gives 2)
		{"kitten", "sitting", 5, 3},
		{"a", "abcdef", 2, 3}, // length difference alone exceeds the limit
		{"", "ab", 2, 2},
	}
	for _, tt := range tests {
		t.Run(tt.a+"/"+tt.b, func(t *testing.T) {
			if got := osaDistance(tt.a, tt.b, tt.limit); got != tt.want {
				t.Errorf("osaDistance(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.limit, got, tt.want)
			}
		})
	}
}
