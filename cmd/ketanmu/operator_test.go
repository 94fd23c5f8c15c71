package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/ketanmu/ketanmu/store"
)

func TestOperatorPasswdAndTokens(t *testing.T) {
	dir := t.TempDir()
	const name = "Rina (front office)"
	withStdin := func(s string) { stdin = strings.NewReader(s) }
	t.Cleanup(func() { withStdin("") })
	open := func() *store.DB {
		db, err := store.Open(filepath.Join(dir, "ketanmu.db"), nil, time.Now)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}

	withStdin("pendek\n")
	if code, _, stderr := runCLI(t, "operator", "passwd", "--data", dir, name); code != 2 || !strings.Contains(stderr, "at least") {
		t.Errorf("short password: exit %d, %q", code, stderr)
	}
	withStdin("kata-sandi-rina-2026\n")
	if code, _, stderr := runCLI(t, "operator", "passwd", "--data", dir, "Nobody"); code != 2 || !strings.Contains(stderr, "tidak dikenal") {
		t.Errorf("unknown operator: exit %d, %q", code, stderr)
	}
	withStdin("kata-sandi-rina-2026\n")
	if code, stdout, stderr := runCLI(t, "operator", "passwd", "--data", dir, name); code != 0 {
		t.Fatalf("passwd: exit %d %s %s", code, stdout, stderr)
	}
	db := open()
	op, err := db.OperatorNamed(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	if bcrypt.CompareHashAndPassword([]byte(op.PasswordHash), []byte("kata-sandi-rina-2026")) != nil {
		t.Errorf("stored hash %q does not match the password", op.PasswordHash)
	}
	if strings.Contains(op.PasswordHash, "kata-sandi") {
		t.Error("the password is stored in the clear")
	}

	code, stdout, stderr := runCLI(t, "operator", "token", "create", "--data", dir, "--label", "laptop", name)
	if code != 0 {
		t.Fatalf("token create: exit %d %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	tok := lines[len(lines)-1]
	got, ok, err := db.OperatorByToken(context.Background(), tok)
	if err != nil || !ok || got.Name != name {
		t.Fatalf("the printed token %q finds %v %v %v, want %s", tok, got.Name, ok, err, name)
	}
	if code, stdout, _ := runCLI(t, "operator", "token", "list", "--data", dir, name); code != 0 || !strings.Contains(stdout, "laptop") || strings.Contains(stdout, tok) {
		t.Errorf("token list: exit %d:\n%s", code, stdout)
	}
	if code, _, stderr := runCLI(t, "operator", "token", "revoke", "--data", dir, name); code != 0 {
		t.Fatalf("token revoke: exit %d %s", code, stderr)
	}
	if _, ok, _ := db.OperatorByToken(context.Background(), tok); ok {
		t.Error("the revoked token still works")
	}
	if code, _, _ := runCLI(t, "operator", "token", "revoke", "--data", dir, name); code != 1 {
		t.Errorf("revoking again: exit %d, want 1", code)
	}
	if code, stdout, _ := runCLI(t, "operator", "list", "--data", dir); code != 0 || !strings.Contains(stdout, name) || !strings.Contains(stdout, "set") {
		t.Errorf("operator list: exit %d:\n%s", code, stdout)
	}
}
