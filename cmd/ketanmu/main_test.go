package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ketanmu/ketanmu"
)

// runCLI runs the program with args and returns its exit code and output.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// MustWrite writes a file into a temporary folder and returns its path.
func MustWrite(tb testing.TB, name, content string) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

func TestInvalidConfigExits2(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		key  string
	}{
		{"bad duration", "outbound:\n  retry_min: soon\n", "outbound.retry_min"},
		{"bad time zone", "office:\n  timezone: Mars/Olympus\n", "office.timezone"},
		{"missing holidays file", "office:\n  holidays_file: /nonexistent/h.csv\n", "office.holidays_file"},
		{"unknown service", "accounts:\n  - key: kkktp\n    name: KK\n    phone: '6281100000101'\n    services: [paspor]\n", "accounts[0].services[0]"},
		{"duplicate phone", "accounts:\n  - key: a\n    name: A\n    phone: '081100000101'\n    services: [kk_ktp]\n  - key: b\n    name: B\n    phone: '6281100000101'\n    services: [akta]\n", "accounts[1].phone"},
		{"invalid YAML", "office: [\n", "config.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := MustWrite(t, "config.yaml", tt.yaml)
			code, stdout, stderr := runCLI(t, "sim", "--config", path, "--addr", "127.0.0.1:0", "--data", dir)
			if got, want := code, 2; got != want {
				t.Errorf("exit code = %d, want %d", got, want)
			}
			assertOneLine(t, stderr, tt.key)
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing (the simulator must not start)", stdout)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("data folder has %d entries, want none", len(entries))
			}
		})
	}

	t.Run("missing config file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "nope.yaml")
		code, _, stderr := runCLI(t, "sim", "--config", path)
		if got, want := code, 2; got != want {
			t.Errorf("exit code = %d, want %d", got, want)
		}
		assertOneLine(t, stderr, path)
	})

	t.Run("bad --now", func(t *testing.T) {
		code, _, stderr := runCLI(t, "sim", "--now", "tomorrow")
		if got, want := code, 2; got != want {
			t.Errorf("exit code = %d, want %d", got, want)
		}
		assertOneLine(t, stderr, "--now")
	})
}

// assertOneLine checks that stderr is exactly one line naming key, without a stack trace.
func assertOneLine(t *testing.T, stderr, key string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	if len(lines) != 1 || !strings.HasSuffix(stderr, "\n") {
		t.Errorf("stderr = %q, want exactly one line", stderr)
	}
	if !strings.Contains(stderr, key) {
		t.Errorf("stderr = %q, want it to name %q", stderr, key)
	}
	for _, bad := range []string{"goroutine", "panic"} {
		if strings.Contains(stderr, bad) {
			t.Errorf("stderr = %q, contains %q", stderr, bad)
		}
	}
}

func TestCommands(t *testing.T) {
	t.Run("version", func(t *testing.T) {
		code, stdout, _ := runCLI(t, "version")
		if code != 0 || !strings.Contains(stdout, ketanmu.Version) {
			t.Errorf("version = %d, %q; want 0 and %q", code, stdout, ketanmu.Version)
		}
	})

	t.Run("help lists sim", func(t *testing.T) {
		for _, args := range [][]string{{"help"}, {}, {"--help"}} {
			code, stdout, _ := runCLI(t, args...)
			if code != 0 {
				t.Errorf("%v exit code = %d, want 0", args, code)
			}
			for _, cmd := range []string{"sim", "version", "help"} {
				if !strings.Contains(stdout, "  "+cmd+" ") {
					t.Errorf("%v output %q does not list %s", args, stdout, cmd)
				}
			}
		}
	})

	t.Run("unknown command", func(t *testing.T) {
		code, stdout, stderr := runCLI(t, "frobnicate")
		if got, want := code, 2; got != want {
			t.Errorf("exit code = %d, want %d", got, want)
		}
		if !strings.Contains(stderr, `unknown command "frobnicate"`) || !strings.Contains(stderr, "sim") {
			t.Errorf("stderr = %q, want the unknown command named and the list of commands", stderr)
		}
		if stdout != "" {
			t.Errorf("stdout = %q, want nothing", stdout)
		}
	})

	t.Run("bad flag", func(t *testing.T) {
		code, _, stderr := runCLI(t, "sim", "--bogus")
		if got, want := code, 2; got != want {
			t.Errorf("exit code = %d, want %d", got, want)
		}
		if !strings.Contains(stderr, "bogus") {
			t.Errorf("stderr = %q, want it to name the flag", stderr)
		}
	})

	t.Run("sim -h", func(t *testing.T) {
		code, _, stderr := runCLI(t, "sim", "-h")
		if code != 0 || !strings.Contains(stderr, "-config") || !strings.Contains(stderr, "-now") {
			t.Errorf("sim -h = %d, %q; want 0 and the flags", code, stderr)
		}
	})
}

// TestSimKeepsAwayFromRealData: the simulator has no login, so it refuses a non-loopback
// address without --public, and a data folder that `ketanmu serve` has used.
func TestSimKeepsAwayFromRealData(t *testing.T) {
	t.Run("public address", func(t *testing.T) {
		dir := t.TempDir()
		code, _, stderr := runCLI(t, "sim", "--config", MustWrite(t, "c.yaml", ""), "--addr", "0.0.0.0:0", "--data", dir)
		if code != 2 || !strings.Contains(stderr, "--public") {
			t.Errorf("exit %d, stderr %q; want 2 and a hint about --public", code, stderr)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("data folder has %d entries, want none", len(entries))
		}
	})
	t.Run("serve's data folder", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "whatsmeow.db"), nil, 0o600); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := runCLI(t, "sim", "--config", MustWrite(t, "c.yaml", ""), "--addr", "127.0.0.1:0", "--data", dir)
		if code != 2 || !strings.Contains(stderr, "ketanmu serve") {
			t.Errorf("exit %d, stderr %q; want 2 naming ketanmu serve", code, stderr)
		}
		if _, err := os.Stat(filepath.Join(dir, "ketanmu.db")); err == nil {
			t.Error("the simulator created ketanmu.db in serve's data folder")
		}
	})
}

func TestPairingCodeShownAsThePhoneAsksForIt(t *testing.T) {
	// whatsmeow's PairPhone returns the code with its dash already.
	for code, want := range map[string]string{"ABCD-EFGH": "ABCD-EFGH", "ABCDEFGH": "ABCD-EFGH"} {
		if got := pairingCode(code); got != want {
			t.Errorf("pairingCode(%q) = %q, want %q", code, got, want)
		}
	}
}
