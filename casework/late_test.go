package casework_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu"

	"github.com/ketanmu/ketanmu/casework"
	"github.com/ketanmu/ketanmu/lifecycle"
	"github.com/ketanmu/ketanmu/store"
)

// "Late now" is one rule (lifecycle.Overdue), read in Go by the digest, the SLA scan, the
// workspace's clock and the SLA report's late cases (store.LateCases), and in SQL by the cases
// API's overdue filter. At the edges (a deadline a millisecond ago, at this very instant, a
// millisecond ahead; a case waiting on the resident; a closed case) every reader must agree
// with the rule, so that the digest never counts a case the report or the list leaves out.
func TestOneRuleForLateNow(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	kadis := e.actor(t, "Bu Kadis")
	now := e.clock.Now()
	type edge struct {
		name string
		due  time.Time
		act  *casework.Action
	}
	edges := []edge{
		{name: "due a millisecond ago", due: now.Add(-time.Millisecond)},
		{name: "due now", due: now},
		{name: "due in a millisecond", due: now.Add(time.Millisecond)},
		{name: "waiting on the resident", due: now.Add(-time.Hour), act: &casework.Action{Kind: casework.AskFix, Text: "foto KK buram"}},
		{name: "closed", due: now.Add(-time.Hour), act: &casework.Action{Kind: casework.Reject, Text: "data tidak sesuai"}},
	}
	numbers := map[string]string{}
	for i, ed := range edges {
		phone := "62813000001" + string(rune('0'+i)) + "0"
		number := e.newCase(t, "kk_ktp", phone, "Budi Santoso", "3516131204850003")
		if ed.act != nil {
			if _, err := e.svc.Do(ctx, kadis, number, casework.Action{Kind: casework.Take}); err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.Do(ctx, kadis, number, *ed.act); err != nil {
				t.Fatalf("%s: %v", ed.name, err)
			}
		}
		if _, err := e.db.SQL().Exec(`UPDATE cases SET stage_due_at = ? WHERE number = ?`,
			ed.due.UTC().Format("2006-01-02T15:04:05.000Z"), number); err != nil {
			t.Fatal(err)
		}
		numbers[number] = ed.name
	}

	var want, clock []string
	for number, name := range numbers {
		var c ketanmu.Case
		err := e.db.View(ctx, func(tx *store.Tx) error {
			var err error
			c, err = tx.CaseByNumber(number)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if lifecycle.Overdue(c.Stage, c.StageDue, now) {
			want = append(want, name)
		}
		if e.svc.ClockAt(c, now).Late > 0 {
			clock = append(clock, name)
		}
	}
	slices.Sort(want)
	if exp := []string{"due a millisecond ago", "due now"}; !slices.Equal(want, exp) {
		t.Fatalf("lifecycle.Overdue says %v are late, want %v", want, exp)
	}
	slices.Sort(clock)
	if !slices.Equal(clock, want) {
		t.Errorf("the workspace's clock (ClockAt) says %v are late, the rule %v", clock, want)
	}

	late, err := e.db.LateCases(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	var report []string
	for _, c := range late {
		report = append(report, numbers[c.Number])
	}
	slices.Sort(report)
	if !slices.Equal(report, want) {
		t.Errorf("the SLA report's late cases (store.LateCases) are %v, the rule's %v", report, want)
	}

	page, err := e.svc.Queue(ctx, kadis, casework.Filter{Overdue: true})
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, c := range page.Cases {
		listed = append(listed, numbers[c.Number])
	}
	slices.Sort(listed)
	if !slices.Equal(listed, want) {
		t.Errorf("the cases API's overdue filter (SQL) lists %v, the rule %v", listed, want)
	}
}
