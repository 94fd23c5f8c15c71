package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu"

	"github.com/ketanmu/ketanmu/store"
)

func TestSessions(t *testing.T) {
	db := MustOpenTemp(t)
	now := time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	ctx := context.Background()
	ops := []ketanmu.Operator{{Name: "Rina", Phone: "6281200000001", Roles: []ketanmu.Role{ketanmu.RoleOperator}}}
	if err := db.SeedOperators(ctx, ops); err != nil {
		t.Fatal(err)
	}
	rina, err := db.OperatorNamed(ctx, "Rina")
	if err != nil {
		t.Fatal(err)
	}
	const idle = 30 * time.Minute
	if err := db.CreateSession(ctx, rina.ID, "cookie-1", "csrf-1"); err != nil {
		t.Fatal(err)
	}
	if n := MustCount(t, db, `SELECT COUNT(*) FROM ops_sessions WHERE token_hash = 'cookie-1'`); n != 0 {
		t.Error("the cookie is stored in the clear")
	}
	check := func(token string, touch bool, want store.SessionState) store.Session {
		t.Helper()
		s, state, err := db.SessionByToken(ctx, token, idle, touch)
		if err != nil || state != want {
			t.Fatalf("SessionByToken(%s) at %s = %v, %v; want state %v", token, now.Format(time.TimeOnly), state, err, want)
		}
		return s
	}
	if s := check("cookie-1", true, store.SessionValid); s.Operator.Name != "Rina" || s.CSRF != "csrf-1" {
		t.Errorf("session = %+v", s)
	}
	check("cookie-2", true, store.SessionNone)

	now = now.Add(idle - time.Minute)
	check("cookie-1", false, store.SessionValid) // seen, but not touched
	now = now.Add(2 * time.Minute)
	check("cookie-1", true, store.SessionExpired)
	check("cookie-1", true, store.SessionNone) // removed

	if err := db.CreateSession(ctx, rina.ID, "cookie-3", "csrf-3"); err != nil {
		t.Fatal(err)
	}
	now = now.Add(idle - time.Minute)
	check("cookie-3", true, store.SessionValid)
	now = now.Add(idle - time.Minute)
	check("cookie-3", true, store.SessionValid) // touched a moment ago: still valid

	if err := db.SetOperatorPassword(ctx, "Rina", "$2a$10$hash"); err != nil {
		t.Fatal(err)
	}
	check("cookie-3", true, store.SessionNone) // a new password signs out

	if err := db.CreateSession(ctx, rina.ID, "cookie-4", "csrf-4"); err != nil {
		t.Fatal(err)
	}
	if err := db.SeedOperators(ctx, nil); err != nil { // Rina left the config
		t.Fatal(err)
	}
	check("cookie-4", true, store.SessionExpired)
}

func TestLoginFailures(t *testing.T) {
	db := MustOpenTemp(t)
	now := time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	ctx := context.Background()
	for range 3 {
		if err := db.LoginFailure(ctx, "name:rina", "addr:10.0.0.1"); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Minute)
	}
	count := func(key string, since time.Time) int {
		n, err := db.LoginFailures(ctx, key, since)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if got := count("name:rina", now.Add(-15*time.Minute)); got != 3 {
		t.Errorf("%d failures in the window, want 3", got)
	}
	if got := count("name:rina", now.Add(-90*time.Second)); got != 1 {
		t.Errorf("%d failures in the last 90 s, want 1", got)
	}
	if err := db.ClearLoginFailures(ctx, "name:rina"); err != nil {
		t.Fatal(err)
	}
	if got, addr := count("name:rina", time.Time{}), count("addr:10.0.0.1", time.Time{}); got != 0 || addr != 3 {
		t.Errorf("after clearing the name: %d by name, %d by address; want 0 and 3", got, addr)
	}
}
