package bot

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/store"
)

type sentFunc func(account, id string) error

func (f sentFunc) OutboxByID(_ context.Context, account, id string) (store.OutboxItem, error) {
	return store.OutboxItem{}, f(account, id)
}

func TestIntakeDecidesLikeWhatsApp(t *testing.T) {
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	k := &Intake{MaxMedia: 1000, MaxAge: 24 * time.Hour, Now: func() time.Time { return now },
		Sent: sentFunc(func(_, id string) error {
			if id == "OWN" {
				return nil
			}
			return ketanmu.Errorf(ketanmu.ENOTFOUND, "no such message")
		})}
	file := func(mime string, size int64) *Attachment {
		return &Attachment{Hint: HintOfMime(mime), Mime: mime, Size: size}
	}
	tests := []struct {
		name        string
		r           Received
		skip        Skip
		kind        ketanmu.Kind
		unsupported string
	}{
		{name: "text", r: Received{Text: "halo"}, kind: ketanmu.KindText},
		{name: "photo", r: Received{File: file("image/jpeg", 10)}, kind: ketanmu.KindImage},
		{name: "photo as document", r: Received{File: &Attachment{Hint: HintDocument, Mime: "image/png", Size: 10}}, kind: ketanmu.KindImage},
		{name: "pdf", r: Received{File: file("application/pdf", 10)}, kind: ketanmu.KindDocument},
		{name: "zip", r: Received{File: file("application/zip", 10)}, kind: ketanmu.KindUnsupported, unsupported: UnsupportedFile},
		{name: "oversize", r: Received{Text: "KK", File: file("image/jpeg", 1001)}, kind: ketanmu.KindUnsupported, unsupported: UnsupportedTooLarge},
		{name: "sticker", r: Received{File: file("image/webp", 10)}, kind: ketanmu.KindUnsupported, unsupported: "sticker"},
		{name: "voice note", r: Received{File: file("audio/ogg; codecs=opus", 10)}, kind: ketanmu.KindUnsupported, unsupported: "voice"},
		{name: "own send", r: Received{ID: "OWN", FromMe: true, Text: "Selamat datang"}, skip: SkipOwnSend},
		{name: "typed on the office phone", r: Received{ID: "X", FromMe: true, Text: "Baik Bu"}, kind: ketanmu.KindText},
		{name: "too old", r: Received{Text: "halo", At: now.Add(-25 * time.Hour)}, skip: SkipTooOld},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, skip, err := k.Take(context.Background(), tt.r)
			if err != nil {
				t.Fatal(err)
			}
			if skip != tt.skip || (skip == "" && (in.Kind != tt.kind || in.Unsupported != tt.unsupported)) {
				t.Errorf("got %s/%q skip %q, want %s/%q skip %q", in.Kind, in.Unsupported, skip, tt.kind, tt.unsupported, tt.skip)
			}
			if in.Kind == ketanmu.KindUnsupported && (in.Text != "" || in.Media != nil) {
				t.Errorf("unsupported input keeps text %q / media %v", in.Text, in.Media)
			}
		})
	}
	// A failed outbox look-up decides nothing: the transport tries again later.
	k.Sent = sentFunc(func(string, string) error { return errors.New("database is locked") })
	if _, _, err := k.Take(context.Background(), Received{ID: "Y", FromMe: true, Text: "x"}); err == nil {
		t.Error("look-up failure swallowed")
	}
}

// TestIntakeDistrustsFutureDates: a message stamped far in the future (the year 3000) is dated
// when it was received, so that the retention purge reaches it; a few seconds of drift are kept.
func TestIntakeDistrustsFutureDates(t *testing.T) {
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	k := &Intake{MaxAge: 24 * time.Hour, Now: func() time.Time { return now }}
	for _, tc := range []struct {
		name   string
		at     time.Time
		wantAt time.Time
	}{
		{"year 3000", time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC), now},
		{"an hour ahead", now.Add(time.Hour), now},
		{"30 seconds ahead", now.Add(30 * time.Second), now.Add(30 * time.Second)},
		{"a minute ago", now.Add(-time.Minute), now.Add(-time.Minute)},
	} {
		in, skip, err := k.Take(context.Background(), Received{Account: "a", ID: "X", Chat: "6281", Text: "halo", At: tc.at})
		if err != nil || skip != "" {
			t.Fatalf("%s: skip %q, err %v", tc.name, skip, err)
		}
		if !in.At.Equal(tc.wantAt) {
			t.Errorf("%s: At = %s, want %s", tc.name, in.At, tc.wantAt)
		}
	}
}
