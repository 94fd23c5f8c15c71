package casework_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ketanmu/ketanmu"

	"github.com/ketanmu/ketanmu/casework"
	"github.com/ketanmu/ketanmu/lifecycle"
	"github.com/ketanmu/ketanmu/store"
)

// TestTakeLeavesWaiting: whatever the service, an operator who takes a waiting case is then
// working on it, and the stage shown says so: a privacy (PDP) request read "Menunggu diperiksa"
// after Ambil because its profile had no stage for being checked. A privacy request keeps the
// 72-hour deadline it was made with.
func TestTakeLeavesWaiting(t *testing.T) {
	for _, path := range []string{"", filepath.Join("..", "docs", "examples", "wonogiri.yaml")} {
		e := newEnvFrom(t, path)
		ctx := context.Background()
		kadis := e.actor(t, "Bu Kadis")
		keys := make([]string, 0, len(e.cfg.Services))
		for k := range e.cfg.Services {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !slices.Contains(keys, "privasi") {
			t.Fatalf("config %q has no privasi service", path)
		}
		for i, service := range keys {
			due := e.cfg.Promise(service, lifecycle.Path{Delivery: ketanmu.DeliveryPickup}, e.clock.Now())
			if p, _ := e.cfg.Profile(service); p.DueWithin > 0 {
				due = e.clock.Now().Add(p.DueWithin) // as bot/privacy.go makes it: calendar hours
			}
			number := e.newCaseDue(t, service, fmt.Sprintf("62813000001%02d", i), "Budi Santoso", "3516131204850003", due)
			if _, err := e.svc.Do(ctx, kadis, number, casework.Action{Kind: casework.Take}); err != nil {
				t.Fatalf("%s %s: take: %v", path, service, err)
			}
			var c ketanmu.Case
			if err := e.db.View(ctx, func(tx *store.Tx) error {
				var err error
				c, err = tx.CaseByNumber(number)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if lifecycle.Waiting(c.Stage) || c.Assignee != kadis.Name {
				t.Errorf("%q %s after Ambil: %s (%s) by %q, want a working stage taken by %s",
					path, service, c.Stage, e.svc.StageName(c.Stage), c.Assignee, kadis.Name)
			}
			if !c.Due.Equal(due) {
				t.Errorf("%q %s after Ambil: due %v, want %v kept", path, service, c.Due, due)
			}
		}
	}
}
