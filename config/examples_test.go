package config_test

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestExampleOffices loads both offices' example configs: Mojokerto (config.example.yaml) and
// Wonogiri's PAK POS (docs/examples/wonogiri.yaml), and checks that every fee a text names is
// configured, so no resident reads a bare {fee_…}.
func TestExampleOffices(t *testing.T) {
	moj := MustLoad(t, "")
	won := MustLoad(t, filepath.Join("..", "docs", "examples", "wonogiri.yaml"))
	if got := moj.Office.Fees["send_files"]; !strings.Contains(got, "tanpa biaya") {
		t.Errorf("Mojokerto send_files fee = %q, want free of charge", got)
	}
	for _, key := range []string{"send_files", "cod"} {
		if got := won.Office.Fees[key]; !strings.Contains(got, "Rp10.000") {
			t.Errorf("Wonogiri %s fee = %q, want Rp10.000 (seed 002)", key, got)
		}
	}
	for _, svc := range []string{"kk_ktp", "pindah_datang", "akta", "kia"} {
		if got := won.Services[svc].Profile; got != "pak_pos" {
			t.Errorf("Wonogiri %s profile = %q, want pak_pos", svc, got)
		}
	}
	if won.Services["validasi_nik"].Profile != "validasi_nik" || won.Services["kk_ktp"].Prefix != "KTP" {
		t.Error("the Wonogiri file changed keys it does not name")
	}
	fee := regexp.MustCompile(`\{fee_([a-z_]+)\}`)
	for name, cfg := range map[string]map[string]string{"mojokerto": moj.Office.Fees, "wonogiri": won.Office.Fees} {
		for key, text := range moj.Texts {
			for _, m := range fee.FindAllStringSubmatch(text, -1) {
				if cfg[m[1]] == "" {
					t.Errorf("%s: texts.%s names {fee_%s}, which office.fees does not set", name, key, m[1])
				}
			}
		}
	}
}
