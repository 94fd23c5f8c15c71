package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/store"
)

// TestMissedChatsAndLastIn: the missed-chats list after a logout and the proactive rule's "when
// did the resident last write" both take the resident's latest message, whatever the bot and
// the office phone wrote after it; staff chats, groups and chats where only the bot wrote are
// not residents' chats that wrote.
func TestMissedChatsAndLastIn(t *testing.T) {
	db := MustOpenTemp(t)
	ctx := context.Background()
	since := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	if err := db.SeedOperators(ctx, []ketanmu.Operator{{Name: "Sari", Phone: "6289999999999",
		Roles: []ketanmu.Role{ketanmu.RoleOperator}, Active: true}}); err != nil {
		t.Fatal(err)
	}
	db.Now = func() time.Time { return since.Add(-20 * 24 * time.Hour) }
	number, _ := mustCaseWithPhoto(t, db, "6282222222222", "CASE1") // an open case, written long ago
	at := func(d time.Duration) time.Time { return since.Add(d) }
	msgs := []ketanmu.Inbound{
		{Chat: "6281111111111", ID: "A1", At: at(-3 * time.Hour)},
		{Chat: "6281111111111", ID: "A2", At: at(-2 * time.Hour)}, // A's latest
		{Chat: "6281111111111", ID: "A3", At: at(-time.Hour), FromMe: true},
		{Chat: "6283333333333", ID: "C1", At: at(-30 * 24 * time.Hour)}, // outside the lookback, no case
		{Chat: "6284444444444", ID: "D1", At: at(-5 * time.Hour)},
		{Chat: "120363000000000001@g.us", ID: "G1", At: at(-time.Hour)},
		{Chat: "6289999999999", ID: "S1", At: at(-time.Hour)}, // the operator's own phone
	}
	MustUpdate(t, db, func(tx *store.Tx) error {
		for _, m := range msgs {
			m.Account, m.Kind, m.Text = "kkktp", ketanmu.KindText, "halo"
			if _, err := tx.RecordInbound(m); err != nil {
				return err
			}
		}
		// What the bot writes after the resident does not make them write later.
		return tx.Queue(ketanmu.Outbound{Account: "kkktp", Chat: "6281111111111", ID: "OUT1", Text: "balasan"})
	})

	got, err := db.MissedChats(ctx, "kkktp", since, 7*24*time.Hour, 10)
	if err != nil {
		t.Fatal(err)
	}
	var list []string
	for _, c := range got {
		list = append(list, c.Chat+"@"+c.LastIn.Format("01-02T15")+"#"+c.Case)
	}
	want := []string{"6281111111111@11-25T07#", "6284444444444@11-25T04#", "6282222222222@11-05T09#" + number}
	if strings.Join(list, " ") != strings.Join(want, " ") {
		t.Errorf("MissedChats = %v\nwant %v", list, want)
	}

	MustUpdate(t, db, func(tx *store.Tx) error {
		for chat, want := range map[string]string{"6281111111111": "11-25T07", "6283333333333": "10-26T09", "6285555555555": ""} {
			last, wrote, _, err := tx.ChatContact("kkktp", chat)
			if err != nil {
				return err
			}
			got := ""
			if wrote {
				got = last.Format("01-02T15")
			}
			if got != want {
				t.Errorf("ChatContact(%s) last = %q, want %q", chat, got, want)
			}
		}
		return nil
	})
}

// TestLastInPlans: finding a resident's latest message seeks the chat in the unique
// (account, chat, wa_id) index, and the missed-chats list does so once per chat: neither reads
// the whole transcript.
func TestLastInPlans(t *testing.T) {
	db := MustOpenTemp(t)
	for name, q := range map[string]string{
		"last in": store.LastInSQL("?2"),
		"missed":  store.MissedQuery,
	} {
		rows, err := db.SQL().Query(`EXPLAIN QUERY PLAN `+q, "kkktp", "6281111111111", 10)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		joined := strings.Join(plan, "\n")
		if strings.Contains(joined, "SCAN messages") || !strings.Contains(joined, "SEARCH messages USING INDEX sqlite_autoindex_messages_1 (account=? AND chat=?)") {
			t.Errorf("%s query plan reads the transcript:\n%s", name, joined)
		}
	}
}
