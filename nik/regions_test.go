package nik

import (
	"reflect"
	"strings"
	"testing"
)

func TestDefaultRegionsCounts(t *testing.T) {
	rg := DefaultRegions()
	tests := []struct {
		name      string
		got, want int
	}{
		{"provinces", len(rg.provinces), 38},
		{"regencies", len(rg.regencies), 514},
		{"districts", len(rg.districts), 7285},
		{"districts of 3516", len(rg.Districts("3516")), 18},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %d, want %d", tt.got, tt.want)
			}
		})
	}
}

func TestRegionLookups(t *testing.T) {
	rg := DefaultRegions()
	tests := []struct {
		name   string
		lookup func(string) (string, bool)
		code   string
		want   string
		wantOK bool
	}{
		{"province", rg.Province, "35", "Jawa Timur", true},
		{"regency", rg.Regency, "3516", "Kabupaten Mojokerto", true},
		{"city", rg.Regency, "3576", "Kota Mojokerto", true},
		{"district", rg.District, "351601", "Jatirejo", true},
		{"last district of 3516", rg.District, "351618", "Mojoanyar", true},
		{"unknown province", rg.Province, "99", "", false},
		{"dotted code is not a key", rg.Regency, "35.16", "", false},
		{"district code given to Regency", rg.Regency, "351601", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.lookup(tt.code)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("lookup(%q) = %q, %v; want %q, %v", tt.code, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestDistricts(t *testing.T) {
	ds := DefaultRegions().Districts("3516")
	if len(ds) != 18 {
		t.Fatalf("got %d districts, want 18", len(ds))
	}
	if got, want := ds[0], (District{"351601", "Jatirejo"}); got != want {
		t.Errorf("first = %+v, want %+v", got, want)
	}
	if got, want := ds[17], (District{"351618", "Mojoanyar"}); got != want {
		t.Errorf("last = %+v, want %+v", got, want)
	}
	for i := 1; i < len(ds); i++ {
		if ds[i-1].Code >= ds[i].Code {
			t.Errorf("not sorted at %d: %s before %s", i, ds[i-1].Code, ds[i].Code)
		}
	}
	if got := DefaultRegions().Districts("3599"); got != nil {
		t.Errorf("unknown regency: got %v, want nil", got)
	}
	// Callers may modify the returned slice without touching the index.
	ds[0].Name = "changed"
	if got := DefaultRegions().Districts("3516")[0].Name; got != "Jatirejo" {
		t.Errorf("index changed through returned slice: %q", got)
	}
}

func TestParseRegions(t *testing.T) {
	const header = "code,name,level\n"
	t.Run("valid, unsorted, plain and dotted codes, BOM", func(t *testing.T) {
		in := "\uFEFF" + header + "35.16.02,Gondang,district\n35,Jawa Timur,province\n3516,Kabupaten Mojokerto,regency\n351601,Jatirejo,district\n"
		rg, err := ParseRegions(strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		got := rg.Districts("3516")
		want := []District{{"351601", "Jatirejo"}, {"351602", "Gondang"}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
	})

	tests := []struct {
		name, in, wantErr string
	}{
		{"empty file", "", "line 1: empty file"},
		{"bad header", "kode,nama,level\n", "line 1: header"},
		{"wrong field count", header + "35,Jawa Timur\n", "line 2"},
		{"unknown level", header + "35,Jawa Timur,provinsi\n", "line 2: unknown level"},
		{"malformed code", header + "35,Jawa Timur,province\n35.1,X,regency\n", "line 3: malformed code"},
		{"letters in code", header + "3A,X,province\n", "line 2: malformed code"},
		{"code does not fit level", header + "35.16,X,province\n", "line 2: code \"35.16\" does not fit level province"},
		{"empty name", header + "35, ,province\n", "line 2: empty name"},
		{"duplicate", header + "35,A,province\n36,B,province\n35,C,province\n", "line 4: code \"35\" already on line 2"},
		{"regency without province", header + "35,A,province\n36.01,B,regency\n", "line 3: regency 3601 has no province 36"},
		{"district without regency", header + "35,A,province\n35.01.01,B,district\n", "line 3: district 350101 has no regency 3501"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseRegions(strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("got error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}
