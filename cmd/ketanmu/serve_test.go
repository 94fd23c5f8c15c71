package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu/config"
)

func TestPairRefusesBadInput(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown account", []string{"--account", "nope"}, `unknown account "nope"`},
		{"no account", nil, "--account KEY is required"},
		{"another number", []string{"--account", "akta", "--phone", "081299999999"}, "is not the number of account akta"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"pair", "--data", t.TempDir()}, tt.args...)
			code, _, stderr := runCLI(t, args...)
			if code != 2 {
				t.Errorf("exit code = %d, want 2", code)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr = %q, want it to say %q", stderr, tt.want)
			}
		})
	}
}

// syncBuffer is a bytes.Buffer safe to write from one goroutine and read from another.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// With no number paired, serve still runs: it reports every account as not paired, on the
// console and over HTTP, and stops cleanly.
func TestServeWithoutPairedAccounts(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir()}, &stdout, &stderr)
	}()
	urlPattern := regexp.MustCompile(`http://[0-9.:]+/`)
	var base string
	for deadline := time.Now().Add(10 * time.Second); base == "" && time.Now().Before(deadline); {
		base = urlPattern.FindString(stdout.String())
		time.Sleep(20 * time.Millisecond)
	}
	if base == "" {
		t.Fatalf("serve did not start; stdout %q, stderr %q", stdout.String(), stderr.String())
	}
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	n := len(cfg.Accounts)
	if !strings.Contains(stdout.String(), fmt.Sprintf("0 of %d accounts paired", n)) ||
		!strings.Contains(stdout.String(), "ketanmu pair --account "+cfg.Accounts[0].Key) {
		t.Errorf("stdout = %q, want the unpaired accounts reported", stdout.String())
	}

	var accounts []struct {
		Key         string `json:"key"`
		State       string `json:"state"`
		NeedsPerson bool   `json:"needs_person"`
	}
	getJSON(t, base+"api/accounts", http.StatusOK, &accounts)
	if len(accounts) != n {
		t.Fatalf("accounts = %d, want %d", len(accounts), n)
	}
	for _, a := range accounts {
		if a.State != "not_paired" || !a.NeedsPerson {
			t.Errorf("account %s = %s (needs person %v), want not_paired", a.Key, a.State, a.NeedsPerson)
		}
	}
	var health struct {
		Status      string            `json:"status"`
		Accounts    map[string]string `json:"accounts"`
		NeedsPerson []struct {
			Key string `json:"key"`
		} `json:"needs_person"`
	}
	getJSON(t, base+"healthz", http.StatusOK, &health)
	if health.Status != "ok" || len(health.NeedsPerson) != n || health.Accounts[cfg.Accounts[0].Key] != "not_paired" {
		t.Errorf("healthz = %+v", health)
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit code = %d, want 0; stderr %q", code, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
}

func getJSON(t *testing.T, url string, wantStatus int, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != wantStatus {
		t.Fatalf("GET %s = %d, want %d", url, resp.StatusCode, wantStatus)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}
