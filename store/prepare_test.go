package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/bot/sim"
	"github.com/ketanmu/ketanmu/internal/app"
	"github.com/ketanmu/ketanmu/internal/testfix"
	"github.com/ketanmu/ketanmu/store"
)

// A resident message compiles no SQL once the writers' connection has seen the same turn: each
// statement is prepared once and then taken from the connection's cache. Compiling the case
// list again on every status question cost 46 µs of the writers' turn, where its run takes 3:
// the driver clears a cached statement's parameters, and SQLite then re-prepares any
// statement whose plan it let a parameter's value steer (see store.go, "Parameters").
func TestMessagePathPreparesOnce(t *testing.T) {
	cfg := testfix.Config(t, "")
	db := testfix.DB(t, cfg, testfix.NewClock(testfix.Start).Now)
	core, err := app.Wire(db, cfg, testfix.Log, &sim.Transport{})
	if err != nil {
		t.Fatal(err)
	}
	account := cfg.Accounts[0].Key
	inputs := []string{"halo", "1", "3", "menu", "cek", "terima kasih", "2", "batal", "status", "KTP-261125-0001"}
	talk := func(chat string) {
		for i, s := range inputs {
			in := ketanmu.Inbound{Account: account, ID: fmt.Sprintf("%s-%d", chat, i), Chat: chat,
				Kind: ketanmu.KindText, Text: s}
			if _, err := core.Router.Handle(context.Background(), in); err != nil {
				t.Fatalf("Handle(%q): %v", s, err)
			}
		}
	}
	compilesOnce(t, db, talk)
}

// The lookups the queueing rules and the operators' commands make inside the writers' turn
// compile once too, whatever chat they are asked about.
func TestChatLookupsPrepareOnce(t *testing.T) {
	db := MustOpenTemp(t)
	ask := func(chat string) {
		err := db.Update(context.Background(), func(tx *store.Tx) error {
			if _, _, _, err := tx.ChatContact("kkktp", chat); err != nil {
				return err
			}
			if _, _, err := tx.LatestOpenCase("kkktp", chat); err != nil {
				return err
			}
			if _, err := tx.ResidentCases(7, 20); err != nil {
				return err
			}
			if _, err := tx.CaseEvents(int64(len(chat))); err != nil {
				return err
			}
			if _, err := tx.CaseDocuments(int64(len(chat))); err != nil {
				return err
			}
			_, _, err := tx.KeptCaseFile(int64(len(chat)), chat)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	compilesOnce(t, db, ask)
}

// compilesOnce runs the same work for two chats, watching the writers' connection: the first
// compiles every statement of it (the watch expires what was cached), the second none.
func compilesOnce(t *testing.T, db *store.DB, work func(chat string)) {
	t.Helper()
	var seen []string
	if err := store.WatchPrepares(db, func(what string) { seen = append(seen, what) }); err != nil {
		t.Fatal(err)
	}
	work("6281200000001")
	if len(seen) == 0 {
		t.Fatal("no statement compiled after the watch began: the watch sees nothing")
	}
	seen = nil
	work("6281200000002")
	if len(seen) > 0 {
		slices.Sort(seen)
		t.Errorf("the same work for a second chat compiled SQL again, touching %v", slices.Compact(seen))
	}
}
