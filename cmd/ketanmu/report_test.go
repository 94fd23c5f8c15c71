package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu/internal/testfix"
	"github.com/ketanmu/ketanmu/store"
)

// reportData writes a database into a fresh data folder: two Validasi NIK requests filed on
// Monday 23 November 2026 at 09:00, one done at 09:20 (on time), one still waiting (late).
func reportData(tb testing.TB) (dir, late string) {
	tb.Helper()
	dir = tb.TempDir()
	jakarta, _ := time.LoadLocation("Asia/Jakarta")
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, jakarta)
	db := testfix.OpenDB(tb, filepath.Join(dir, "ketanmu.db"), func() time.Time { return now })
	defer db.Close()
	var numbers []string
	var first int64
	for i, phone := range []string{"6281234567801", "6281234567802"} {
		err := db.Update(context.Background(), func(tx *store.Tx) error {
			rid, err := tx.Resident(phone, "")
			if err != nil {
				return err
			}
			due := now.Add(30 * time.Minute)
			number, err := tx.CreateCase(store.NewCase{Account: "nik", Chat: phone, ResidentID: rid, Prefix: "NIK",
				Service: "validasi_nik", Day: "261123", Due: due, StageDue: due})
			numbers = append(numbers, number)
			if i == 0 {
				c, err := tx.CaseByNumber(number)
				first = c.ID
				return err
			}
			return err
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	now = now.Add(20 * time.Minute)
	if err := db.Update(context.Background(), func(tx *store.Tx) error {
		return tx.SetStage(first, store.StageChange{From: "submitted", To: "done", Actor: "t"})
	}); err != nil {
		tb.Fatal(err)
	}
	return dir, numbers[1]
}

// reportCLI runs `ketanmu report args…`. Until the command is listed in commands(), it calls
// runReport and reports its outcome the way run does.
func reportCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	for _, c := range commands() {
		if c.name == "report" {
			return runCLI(t, append([]string{"report"}, args...)...)
		}
	}
	var out, errb bytes.Buffer
	err := runReport(context.Background(), args, &out, &errb)
	var ee *exitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		fmt.Fprintln(&errb, "ketanmu:", ee.msg)
		code = ee.code
	default:
		fmt.Fprintln(&errb, "ketanmu:", err)
		code = 1
	}
	return code, out.String(), errb.String()
}

func TestReportCommand(t *testing.T) {
	dir, late := reportData(t)
	cfg := MustWrite(t, "config.yaml", "log: {level: error}\n")
	args := []string{"--config", cfg, "--data", dir, "--from", "2026-11-23", "--to", "2026-11-27"}

	t.Run("table", func(t *testing.T) {
		code, stdout, stderr := reportCLI(t, args...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		// Compare words, not the columns' padding.
		var lines []string
		for line := range strings.SplitSeq(stdout, "\n") {
			lines = append(lines, strings.Join(strings.Fields(line), " "))
		}
		for _, want := range []string{"SLA report 2026-11-23 to 2026-11-27 (Asia/Jakarta)", "SERVICE OPENED CLOSED ON TIME LATE NOW",
			"validasi_nik 2 1 1 (100%) 1", "akta 0 0 - 0", "validasi_nik submitted 1 20m 20m",
			"Late now (validasi_nik): [" + late + "]"} {
			if !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, want) }) {
				t.Errorf("output lacks a line %q:\n%s", want, stdout)
			}
		}
	})
	t.Run("json", func(t *testing.T) {
		code, stdout, stderr := reportCLI(t, append(args, "--json")...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var rep struct {
			Services []struct {
				Service  string   `json:"service"`
				Opened   int      `json:"opened"`
				Closed   int      `json:"closed"`
				Breaches []string `json:"breaches"`
			} `json:"services"`
		}
		if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
			t.Fatalf("%s: %v", stdout, err)
		}
		found := false
		for _, s := range rep.Services {
			if s.Service == "validasi_nik" {
				found = true
				if s.Opened != 2 || s.Closed != 1 || len(s.Breaches) != 1 || s.Breaches[0] != late {
					t.Errorf("validasi_nik %+v, want 2 opened, 1 closed, %s late", s, late)
				}
			}
		}
		if !found {
			t.Errorf("no validasi_nik in %s", stdout)
		}
	})
	for _, tt := range []struct {
		name string
		args []string
		key  string
	}{
		{"bad date", []string{"--config", cfg, "--data", dir, "--from", "23-11-2026", "--to", "2026-11-27"}, "--from"},
		{"to before from", []string{"--config", cfg, "--data", dir, "--from", "2026-11-27", "--to", "2026-11-23"}, "before"},
		{"missing dates", []string{"--config", cfg, "--data", dir}, "--from"},
		{"no database", []string{"--config", cfg, "--data", t.TempDir(), "--from", "2026-11-23", "--to", "2026-11-27"}, "no database"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := reportCLI(t, tt.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			assertOneLine(t, stderr, tt.key)
			if stdout != "" {
				t.Errorf("stdout %q, want nothing", stdout)
			}
		})
	}
}
