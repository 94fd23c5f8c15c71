package web_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

// TestHealthHolidays checks that /healthz tells when the published holidays run out: on the
// simulator's 25 November 2026 they end within 60 days, and the estimates are listed.
func TestHealthHolidays(t *testing.T) {
	e := mustSimEnv(t, mustConfig(t, ""), "")
	get := func() map[string]json.RawMessage {
		resp, err := http.Get(e.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d, want 200: running out of holidays is no outage", resp.StatusCode)
		}
		var body map[string]json.RawMessage
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			t.Fatal(err)
		}
		return body
	}
	var h struct {
		KnownUntil  string `json:"known_until"`
		Provisional []struct{ Date, Name string }
		Warning     string
	}
	if err := json.Unmarshal(get()["holidays"], &h); err != nil {
		t.Fatalf("holidays: %v", err)
	}
	if h.KnownUntil != "2026-12-31" || len(h.Provisional) == 0 || h.Provisional[0].Date < "2027-01-01" || h.Warning == "" {
		t.Errorf("holidays = %+v, want known until 2026-12-31 with the 2027 estimates", h)
	}
	// An office that added the 2027 decree has a year left: nothing to say.
	dir := t.TempDir()
	csv := filepath.Join(dir, "libur.csv")
	if err := os.WriteFile(csv, []byte("date,type,name\n2027-01-01,libur,Tahun Baru 2027 Masehi\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	yaml := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(yaml, []byte("office:\n  holidays_file: "+csv+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	e = mustSimEnv(t, mustConfig(t, yaml), "")
	if _, ok := get()["holidays"]; ok {
		t.Error("with the 2027 list: /healthz reports the holidays, want nothing")
	}
}
