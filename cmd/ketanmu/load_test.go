package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// A short load run opens cases, answers the residents and reports every lane.
func TestLoadScenario(t *testing.T) {
	code, stdout, stderr := runCLI(t, "load", "--config", MustWrite(t, "c.yaml", "log: {level: error}\n"),
		"--rate", "60", "--duration", "4s", "--think", "300ms", "--send-latency", "1ms", "--data", t.TempDir())
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, lane := range []string{"revoke", "reply", "notification", "operators", "bulk"} {
		if !regexp.MustCompile(`(?m)^` + lane + ` +\d+ `).MatchString(stdout) {
			t.Errorf("no line for lane %s:\n%s", lane, stdout)
		}
	}
	m := regexp.MustCompile(`(?m)^reply +(\d+) `).FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("no reply line:\n%s", stdout)
	}
	if n, _ := strconv.Atoi(m[1]); n < 5 {
		t.Errorf("%d replies sent, want the residents answered:\n%s", n, stdout)
	}
	if !strings.Contains(stdout, "cases opened") {
		t.Errorf("no summary line:\n%s", stdout)
	}
}
