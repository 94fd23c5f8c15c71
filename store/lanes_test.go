package store_test

import (
	"context"
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
