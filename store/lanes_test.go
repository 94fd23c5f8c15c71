package store_test

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/store"
)

// The transcript tells each outgoing message's delivery: queued, sent (with when) or failed;
// incoming messages have none.
func TestTranscriptDeliveryStatus(t *testing.T) {
	db := MustOpenTemp(t)
	now := time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	const acc, chat = "kkktp", "6281234567890"
	MustUpdate(t, db, func(tx *store.Tx) error {
		if _, err := tx.RecordInbound(ketanmu.Inbound{Account: acc, ID: "IN", Chat: chat, Kind: ketanmu.KindText, Text: "halo"}); err != nil {
			return err
		}
		for _, id := range []string{"Q", "S", "F"} {
			if err := tx.Queue(ketanmu.Outbound{ID: id, Account: acc, Chat: chat, Text: id, Lane: ketanmu.LaneReply}); err != nil {
				return err
			}
		}
		return nil
	})
	ctx := context.Background()
	items, err := db.PendingOutbox(ctx, acc, 10)
	if err != nil || len(items) != 3 {
		t.Fatalf("PendingOutbox = %d items, %v; want 3", len(items), err)
	}
	if items[0].Msg.Lane != ketanmu.LaneReply || !items[0].CreatedAt.Equal(now) {
		t.Errorf("item = %+v, want the reply lane and created at %v", items[0], now)
	}
	now = now.Add(3 * time.Second)
	if err := db.MarkSent(ctx, items[1]); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkRetry(ctx, items[2], now, true, "not on WhatsApp"); err != nil {
		t.Fatal(err)
	}
	msgs, err := db.Transcript(ctx, acc, chat)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"IN": "", "Q": "queued", "S": "sent", "F": "failed"}
	for _, m := range msgs {
		if m.Status != want[m.ID] {
			t.Errorf("%s status = %q, want %q", m.ID, m.Status, want[m.ID])
		}
		if sent := m.ID == "S"; sent != !m.SentAt.IsZero() || (sent && !m.SentAt.Equal(now)) {
			t.Errorf("%s sent_at = %v, want %v only when sent", m.ID, m.SentAt, now)
		}
	}
	backlog, err := db.OutboxBacklog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(backlog) != 1 || backlog[0].Lane != ketanmu.LaneReply || backlog[0].Depth != 1 || !backlog[0].Oldest.Equal(now.Add(-3*time.Second)) {
		t.Errorf("backlog = %+v, want one reply waiting since it was queued", backlog)
	}
}

// PendingLanes names exactly the lanes with something pending for the account: not a lane
// whose messages were all sent, nor another account's.
func TestPendingLanes(t *testing.T) {
	db := MustOpenTemp(t)
	ctx := context.Background()
	queue := func(acc, id string, lane ketanmu.Lane) {
		MustUpdate(t, db, func(tx *store.Tx) error {
			return tx.Queue(ketanmu.Outbound{ID: id, Account: acc, Chat: "6281234567890", Text: id, Lane: lane})
		})
	}
	lanes := func(acc string) map[ketanmu.Lane]bool {
		t.Helper()
		got, err := db.PendingLanes(ctx, acc)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := lanes("kkktp"); len(got) != 0 {
		t.Fatalf("PendingLanes of an empty outbox = %v", got)
	}
	queue("kkktp", "B1", ketanmu.LaneBulk)
	queue("kkktp", "B2", ketanmu.LaneBulk)
	queue("kkktp", "R1", ketanmu.LaneReply)
	queue("kkktp", "O1", ketanmu.LaneOperators)
	queue("nik", "N1", ketanmu.LaneNotification)
	want := map[ketanmu.Lane]bool{ketanmu.LaneBulk: true, ketanmu.LaneReply: true, ketanmu.LaneOperators: true}
	if got := lanes("kkktp"); !maps.Equal(got, want) {
		t.Fatalf("PendingLanes = %v, want %v", got, want)
	}
	items, err := db.PendingOutbox(ctx, "kkktp", 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.Msg.Lane == ketanmu.LaneReply {
			if err := db.MarkSent(ctx, it); err != nil {
				t.Fatal(err)
			}
		}
	}
	delete(want, ketanmu.LaneReply)
	if got := lanes("kkktp"); !maps.Equal(got, want) {
		t.Fatalf("PendingLanes after the reply was sent = %v, want %v", got, want)
	}
	if got := lanes("nik"); !maps.Equal(got, map[ketanmu.Lane]bool{ketanmu.LaneNotification: true}) {
		t.Fatalf("PendingLanes of the other account = %v", got)
	}
}
