package nik

import (
	"strings"
	"testing"
)

func TestVillagesMatch(t *testing.T) {
	v := DefaultVillages()
	if n := len(v.In("351606")); n != 19 {
		t.Fatalf("Kecamatan Pungging has %d villages in the embedded list, want 19", n)
	}
	for _, c := range []struct {
		typed string
		want  []string // names, nearest first
		exact bool
	}{
		{"Pungging", []string{"Pungging"}, true},
		{"desa pungging", []string{"Pungging"}, true},
		{"DS. PUNGGING", []string{"Pungging"}, true},
		{"punging", []string{"Pungging"}, false},
		{"Siti Aminah", nil, false},
		{"", nil, false},
		{"tempuran", []string{"Tempuran"}, true},
		{"mojo", []string{"Mojorejo", "Curahmojo"}, false}, // part of two names: a list to choose from
		{"ngr", nil, false},                                // too short to stand for a part of a name
	} {
		var got []string
		found, exact := v.Match("351606", c.typed)
		for _, m := range found {
			got = append(got, m.Name)
		}
		if strings.Join(got, ",") != strings.Join(c.want, ",") || exact != c.exact {
			t.Errorf("Match(Pungging, %q) = %v, %v; want %v, %v", c.typed, got, exact, c.want, c.exact)
		}
	}
	if got, _ := v.Match("351606", "rejo"); len(got) < 2 {
		t.Errorf("Match(Pungging, rejo) = %v, want the villages whose names contain it", got)
	}
	if g, ok := v.Get("3516062011"); !ok || g.Name != "Pungging" || g.Kind != "desa" {
		t.Errorf("Get(3516062011) = %+v, %v", g, ok)
	}
}

func TestParseVillagesRejectsBadRows(t *testing.T) {
	for _, src := range []string{
		"code,name,level\n",
		"code,name,kind\n35.16.06,Pungging,desa\n",
		"code,name,kind\n35.16.06.2011,,desa\n",
		"code,name,kind\n35.16.06.2011,Pungging,dusun\n",
	} {
		if _, err := ParseVillages(strings.NewReader(src)); err == nil {
			t.Errorf("ParseVillages(%q) = nil error", src)
		}
	}
}
