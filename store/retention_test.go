package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/store"
)

// mustCaseWithPhoto stores a resident's photo message and a case holding it; it returns the
// case number and the photo's media id.
func mustCaseWithPhoto(t *testing.T, db *store.DB, chat, msgID string) (string, int64) {
	t.Helper()
	ctx := context.Background()
	var number string
	err := db.Update(ctx, func(tx *store.Tx) error {
		in := ketanmu.Inbound{Account: "kkktp", ID: msgID, Chat: chat, Kind: ketanmu.KindImage,
			Media: &ketanmu.Media{Mime: "image/jpeg", Filename: "kk.jpg", Data: []byte("photo of " + chat)}}
		if _, err := tx.RecordInbound(in); err != nil {
			return err
		}
		rid, err := tx.Resident(chat, "")
		if err != nil {
			return err
		}
		number, err = tx.CreateCase(store.NewCase{Account: "kkktp", Chat: chat, ResidentID: rid, Prefix: "KTP",
			Service: "kk_ktp", NIK: "3516010101900001", Name: "Budi", Day: "261125",
			Documents: []store.CaseDocument{{Key: "kk", MessageID: msgID}}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var mediaID int64
	if err := db.SQL().QueryRow(`SELECT media_id FROM messages WHERE wa_id = ?`, msgID).Scan(&mediaID); err != nil {
		t.Fatal(err)
	}
	return number, mediaID
}

func TestPurgeClosed(t *testing.T) {
	db := MustOpenTemp(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }

	closedNumber, closedMedia := mustCaseWithPhoto(t, db, "6281111111111", "M1")
	_, openMedia := mustCaseWithPhoto(t, db, "6282222222222", "M2")
	mustClose(t, db, closedNumber)

	// Before the retention ends nothing is erased.
	if p, err := db.Purge(ctx, retention(now.Add(-time.Hour))); err != nil || p.Any() {
		t.Fatalf("Purge before retention = %+v, %v; want nothing, nil", p, err)
	}
	p, err := db.Purge(ctx, retention(now.Add(time.Hour)))
	if err != nil || p.Files != 1 || p.Cases != 1 {
		t.Fatalf("Purge = %+v, %v; want 1 file and 1 case erased", p, err)
	}
	if _, err := db.Media(ctx, closedMedia); ketanmu.ErrorCode(err) != ketanmu.EGONE {
		t.Errorf("closed case's photo: err = %v, want EGONE (erased)", err)
	}
	if m, err := db.Media(ctx, openMedia); err != nil || string(m.Data) != "photo of 6282222222222" {
		t.Errorf("open case's photo = %v, %v; want it untouched", m, err)
	}
	var nik, name string
	if err := db.SQL().QueryRow(`SELECT nik, name FROM cases WHERE number = ?`, closedNumber).Scan(&nik, &name); err != nil {
		t.Fatal(err)
	}
	if got, want := nik, "351601********01"; got != want || name != "" {
		t.Errorf("closed case nik, name = %q, %q; want %q, \"\"", got, name, want)
	}
	// A second run finds nothing left to erase.
	if p, err := db.Purge(ctx, retention(now.Add(time.Hour))); err != nil || p.Any() {
		t.Errorf("second Purge = %+v, %v; want nothing", p, err)
	}
}

// mustClose moves the case from submitted to done.
func mustClose(t *testing.T, db *store.DB, number string) {
	t.Helper()
	MustUpdate(t, db, func(tx *store.Tx) error {
		c, err := tx.CaseByNumber(number)
		if err != nil {
			return err
		}
		return tx.SetStage(c.ID, store.StageChange{From: "submitted", To: "done", Actor: "test"})
	})
}

// retention cuts closed cases and abandoned drafts at the same instant.
func retention(cutoff time.Time) store.Retention {
	return store.Retention{Closed: cutoff, Abandoned: cutoff}
}

// TestPurgeAbandonedDraft: a draft left longer than the abandoned cutoff, and the messages of a
// chat that never became a case, are erased; a draft in progress and its chat are kept.
func TestPurgeAbandonedDraft(t *testing.T) {
	db := MustOpenTemp(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	draft := json.RawMessage(`{"greeted":true,"step":"kk_ktp@name","draft":{"service":"kk_ktp","nik":"3516010101900001"}}`)
	for i, chat := range []string{"6281111111111", "6282222222222"} {
		MustUpdate(t, db, func(tx *store.Tx) error {
			in := ketanmu.Inbound{Account: "kkktp", ID: "M" + chat, Chat: chat, Kind: ketanmu.KindText, Text: "3516010101900001"}
			if _, err := tx.RecordInbound(in); err != nil {
				return err
			}
			return tx.SaveConversation(store.Conversation{Account: "kkktp", Chat: chat, State: draft})
		})
		if i == 0 {
			now = now.Add(40 * 24 * time.Hour) // the first resident left 40 days ago
		}
	}
	p, err := db.Purge(ctx, store.Retention{Closed: now.Add(-365 * 24 * time.Hour), Abandoned: now.Add(-30 * 24 * time.Hour)})
	if err != nil || p.Drafts != 1 || p.Messages != 1 {
		t.Fatalf("Purge = %+v, %v; want 1 draft and 1 message erased", p, err)
	}
	for chat, want := range map[string]int{"6281111111111": 0, "6282222222222": 2} {
		if got := MustCount(t, db, `SELECT COUNT(*) FROM messages m JOIN conversations c USING (account, chat)
			WHERE chat = ? AND (instr(m.text, '3516010101900001') > 0) + (instr(c.state, '3516010101900001') > 0)`, chat); got != min(want, 1) {
			t.Errorf("chat %s: rows holding the NIK = %d, want %v", chat, got, want > 0)
		}
	}
}

// TestPurgeUnsentReplies: a reply still queued past retention (the number was down for good)
// expires and loses its text and file like a sent one; one queued recently stays queued.
func TestPurgeUnsentReplies(t *testing.T) {
	db := MustOpenTemp(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	for i, chat := range []string{"6281111111111", "6282222222222"} {
		MustUpdate(t, db, func(tx *store.Tx) error {
			in := ketanmu.Inbound{Account: "kkktp", ID: "M" + chat, Chat: chat, Kind: ketanmu.KindText, Text: "halo"}
			if _, err := tx.RecordInbound(in); err != nil {
				return err
			}
			return tx.Queue(ketanmu.Outbound{Account: "kkktp", Chat: chat, ID: "R" + chat,
				Text: "NIK 3516010101900001 atas nama Budi", Media: &ketanmu.Media{Mime: "application/pdf", Filename: "a.pdf", Data: []byte("pdf")}})
		})
		if i == 0 {
			now = now.Add(400 * 24 * time.Hour)
		}
	}
	if _, err := db.Purge(ctx, retention(now.Add(-365*24*time.Hour))); err != nil {
		t.Fatal(err)
	}
	for chat, want := range map[string]string{"6281111111111": "expired", "6282222222222": "pending"} {
		status, _, err := db.OutboxStatus(ctx, "kkktp", "R"+chat)
		if err != nil || status != want {
			t.Errorf("chat %s: reply status %q (%v), want %q", chat, status, err, want)
		}
		holds := MustCount(t, db, `SELECT COUNT(*) FROM outbox o JOIN media m ON m.id = o.media_id
			WHERE o.chat = ? AND (instr(o.text, '3516010101900001') > 0 OR length(m.data) > 0)`, chat)
		if got, keep := holds, want == "pending"; (got > 0) != keep {
			t.Errorf("chat %s: reply holds its text or file = %v, want %v", chat, got > 0, keep)
		}
	}
}

// TestPurgeBesideAReaderThatHoldsOn: a reader that keeps a transaction open on the database
// (Litestream does, between its syncs) keeps the purge from truncating the WAL. The erasure
// still commits, Purge says ErrWALKept, and the writers are not held off while it tries: the
// TRUNCATE checkpoint used to wait out the 10 s busy timeout on every try, and no write could
// begin meanwhile. Once the reader lets go, the next purge truncates the WAL.
func TestPurgeBesideAReaderThatHoldsOn(t *testing.T) {
	defer store.SetTruncateRetry(20, 50*time.Millisecond)() // 1 s of tries
	path := filepath.Join(t.TempDir(), "ketanmu.db")
	db := MustOpen(t, path)
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	number, _ := mustCaseWithPhoto(t, db, "6281111111111", "M1")
	mustClose(t, db, number)

	other, err := sql.Open("sqlite3", "file:"+path+"?_txlock=deferred")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	reader, err := other.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Rollback()
	var seen int
	if err := reader.QueryRow(`SELECT COUNT(*) FROM cases`).Scan(&seen); err != nil || seen != 1 {
		t.Fatalf("the reader sees %d cases, %v; want 1", seen, err)
	}

	type result struct {
		p   store.Purged
		err error
	}
	purged := make(chan result, 1)
	go func() {
		p, err := db.Purge(ctx, retention(now.Add(time.Hour)))
		purged <- result{p, err}
	}()
	// Writes go on while the purge tries to truncate (or after it: either way, they are not
	// held off for a busy timeout).
	for i := range 5 {
		time.Sleep(100 * time.Millisecond)
		start := time.Now()
		MustUpdate(t, db, func(tx *store.Tx) error {
			_, err := tx.RecordInbound(ketanmu.Inbound{Account: "kkktp", ID: fmt.Sprintf("W%d", i), Chat: "6283333333333",
				Kind: ketanmu.KindText, Text: "halo"})
			return err
		})
		if took := time.Since(start); took > 500*time.Millisecond {
			t.Errorf("write %d beside the purge took %s, want it not held off", i, took)
		}
	}
	r := <-purged
	if !errors.Is(r.err, store.ErrWALKept) || r.p.Cases != 1 {
		t.Fatalf("Purge beside a reader = %+v, %v; want 1 case erased and ErrWALKept", r.p, r.err)
	}
	var nik string
	if err := db.SQL().QueryRow(`SELECT nik FROM cases WHERE number = ?`, number).Scan(&nik); err != nil || nik != "351601********01" {
		t.Errorf("nik after the purge = %q, %v; want it erased though the WAL was kept", nik, err)
	}

	if err := reader.Rollback(); err != nil {
		t.Fatal(err)
	}
	// The messages written beside the first purge are past retention too: the next one erases
	// them, and now truncates the WAL.
	if p, err := db.Purge(ctx, retention(now.Add(time.Hour))); err != nil || p.Messages != 5 {
		t.Fatalf("Purge once the reader let go = %+v, %v; want the 5 messages erased and the WAL truncated", p, err)
	}
	if info, err := os.Stat(path + "-wal"); err != nil || info.Size() != 0 {
		t.Errorf("WAL after the purge: %v, %v; want it truncated to 0 bytes", info.Size(), err)
	}
}
