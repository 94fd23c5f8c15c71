package main

import (
	"strings"
	"testing"
)

// TestShortAPITokenRefused: serve and sim do not start with a shared API token shorter than 32
// characters, from the config or the environment, and say how to make one.
func TestShortAPITokenRefused(t *testing.T) {
	for _, tc := range []struct {
		name, cmd, env, config string
	}{
		{"serve, config", "serve", "", "handoff: {api_token: geheim}\n"},
		{"serve, environment", "serve", "0123456789012345678901234567890", ""},
		{"sim, config", "sim", "", "handoff: {api_token: x}\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("KETANMU_API_TOKEN", tc.env)
			code, _, stderr := runCLI(t, tc.cmd, "--config", MustWrite(t, "c.yaml", tc.config+"log: {level: error}\n"),
				"--addr", "127.0.0.1:0", "--data", t.TempDir())
			if code != 2 || !strings.Contains(stderr, "at least 32") || !strings.Contains(stderr, "openssl rand") {
				t.Errorf("exit %d, stderr %q; want 2 and how to make a token", code, stderr)
			}
		})
	}
}
