package main

import (
	"regexp"
	"strconv"
	"testing"
)

// The API load run answers through the simulator's JSON API and prints every figure it promises.
func TestLoadAPI(t *testing.T) {
	code, stdout, stderr := runCLI(t, "load", "--api", "--config", MustWrite(t, "c.yaml", "log: {level: error}\n"),
		"--api-rate", "50", "--api-duration", "1s", "--api-clients", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, re := range []string{
		`(?m)^bare SQLite: \d+ single-row commits/s$`,
		`(?m)^simulator API at 50 msg/s: \d+ answered \(0 failed\), p50 \S+, p99 \S+, max \S+; peak RSS \d+ MB; CPU \S+ a message$`,
		`(?m)^simulator API, 2 clients: \d+ msg/s \(0 failed\) = \d+\.\d+x bare SQLite; peak RSS \d+ MB; CPU \S+ a message$`,
	} {
		if !regexp.MustCompile(re).MatchString(stdout) {
			t.Errorf("no line matching %s:\n%s", re, stdout)
		}
	}
	n := regexp.MustCompile(`at 50 msg/s: (\d+) answered`).FindStringSubmatch(stdout)
	if n == nil {
		t.Fatalf("no answered count:\n%s", stdout)
	}
	if got, _ := strconv.Atoi(n[1]); got < 40 {
		t.Errorf("%d messages answered in 1 s at 50 msg/s, want about 50:\n%s", got, stdout)
	}
}
