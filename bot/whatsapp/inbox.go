package whatsapp

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"sync"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/bot"
)

// fetcher downloads files; *whatsmeow.Client satisfies it.
type fetcher interface {
	Download(ctx context.Context, msg whatsmeow.DownloadableMessage) ([]byte, error)
	SendMediaRetryReceipt(ctx context.Context, message *types.MessageInfo, mediaKey []byte) error
	IsLoggedIn() bool
}

var _ fetcher = (*whatsmeow.Client)(nil)

// waitForPhone is how long a media retry request gets before the next plain try.
const waitForPhone = 2 * time.Minute

func (m *mediaRef) downloadable() interface {
	whatsmeow.DownloadableMessage
	GetMediaKey() []byte
} {
	if m.Image != nil {
		return m.Image
	}
	return m.Document
}

// setDirectPath points the file at a new location; the old URL has expired.
func (m *mediaRef) setDirectPath(path string) {
	if m.Image != nil {
		m.Image.DirectPath, m.Image.URL = &path, nil
	} else if m.Document != nil {
		m.Document.DirectPath, m.Document.URL = &path, nil
	}
}

// busyChats marks chats whose oldest inbox message a worker is handling.
type busyChats struct {
	mu    sync.Mutex
	chats map[string]bool
}

func (b *busyChats) claim(key string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.chats == nil {
		b.chats = map[string]bool{}
	}
	if b.chats[key] {
		return false
	}
	b.chats[key] = true
	return true
}

func (b *busyChats) release(key string) {
	b.mu.Lock()
	delete(b.chats, key)
	b.mu.Unlock()
}

func (t *Transport) kickInbox() {
	select {
	case t.kick <- struct{}{}:
	default:
	}
}

// inboxWorker hands inbox messages to the router, oldest first in each chat, downloading files
// on the way. Several workers share the inbox; a chat is worked on by one at a time.
func (t *Transport) inboxWorker(ctx context.Context) {
	const idle = 2 * time.Second
	for ctx.Err() == nil {
		if n, err := t.drainInbox(ctx); err != nil && ctx.Err() == nil {
			t.log.Error("Inbox pass failed", "error", err)
		} else if n > 0 {
			continue
		}
		wait := idle
		if next, ok, err := t.db.nextInbox(ctx); err == nil && ok {
			wait = min(max(next.Sub(t.Now()), 10*time.Millisecond), idle)
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
		case <-t.kick:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// drainInbox handles the due messages no other worker has taken and returns how many.
func (t *Transport) drainInbox(ctx context.Context) (int, error) {
	rows, err := t.db.dueInbox(ctx, t.Now(), 20)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range rows {
		key := r.In.Account + "\x00" + r.In.Chat
		if !t.busy.claim(key) {
			continue
		}
		err := t.deliver(ctx, r)
		t.busy.release(key)
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// deliver fetches a row's file if it has one, hands the message to the router and removes the
// row. Failures are recorded on the row for a later try; only store errors are returned.
func (t *Transport) deliver(ctx context.Context, r inboxRow) error {
	in := r.In
	if r.Media != nil {
		a := t.accounts[in.Account]
		var dl fetcher
		if a != nil {
			dl = a.fetcher()
		}
		if dl == nil || !dl.IsLoggedIn() {
			// Not a failed try: the file waits for the connection.
			return t.db.retryInbox(ctx, r, t.Now().Add(10*time.Second), "not connected")
		}
		data, err := fetch(ctx, dl, r.Media)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return t.downloadFailed(ctx, dl, r, err)
		}
		in = t.intake.WithData(in, data)
	}
	if err := t.handOver(ctx, in); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		r.Attempts++
		t.log.Error("Handing a message to the router failed", "account", in.Account, "chat", ketanmu.MaskPhone(in.Chat),
			"message_id", in.ID, "attempt", r.Attempts, "error", err)
		return t.db.retryInbox(ctx, r, t.Now().Add(t.mediaBackoff(r.Attempts)), err.Error())
	}
	return t.db.doneInbox(ctx, r.RowID)
}

// downloadFailed plans the next try of a file: a media retry request to the phone when the link
// has expired, a plain retry with backoff otherwise, and after the last try the message goes
// to the router without the file, so the resident hears that it could not be read.
func (t *Transport) downloadFailed(ctx context.Context, dl fetcher, r inboxRow, cause error) error {
	r.Attempts++
	in := r.In
	log := t.log.With("account", in.Account, "chat", ketanmu.MaskPhone(in.Chat), "message_id", in.ID, "attempt", r.Attempts)
	if expired(cause) && !r.MediaRetry {
		info, err := r.Source.messageInfo(in.ID)
		if err == nil {
			err = dl.SendMediaRetryReceipt(ctx, info, r.Media.downloadable().GetMediaKey())
		}
		if err == nil {
			log.Info("File link expired, asked the phone to upload it again")
			r.MediaRetry = true
			return t.db.retryInbox(ctx, r, t.Now().Add(waitForPhone), cause.Error())
		}
		log.Warn("Media retry request failed", "error", err)
	}
	if r.Attempts < t.cfg.WhatsApp.MediaRetries {
		log.Warn("Download failed, will try again", "error", cause)
		return t.db.retryInbox(ctx, r, t.Now().Add(t.mediaBackoff(r.Attempts)), cause.Error())
	}
	log.Error("Download failed for good; the resident is asked to send the file again", "error", cause)
	in = bot.DownloadFailed(in)
	if err := t.handOver(ctx, in); err != nil {
		return t.db.retryInbox(ctx, r, t.Now().Add(t.mediaBackoff(r.Attempts)), err.Error())
	}
	return t.db.doneInbox(ctx, r.RowID)
}

// mediaBackoff doubles from whatsapp.media_retry_min, up to an hour.
func (t *Transport) mediaBackoff(attempts int) time.Duration {
	d := t.cfg.WhatsApp.MediaRetryMin
	for i := 1; i < attempts && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// expired reports a download refused because WhatsApp no longer keeps the file at that link.
func expired(err error) bool {
	return errors.Is(err, whatsmeow.ErrMediaDownloadFailedWith403) ||
		errors.Is(err, whatsmeow.ErrMediaDownloadFailedWith404) ||
		errors.Is(err, whatsmeow.ErrMediaDownloadFailedWith410)
}

// Files that cannot be trusted: not what the sender announced, or announced without a hash
// to check them against.
var (
	errHashMismatch = errors.New("file does not match its sha256")
	errNoHash       = errors.New("file announced without a sha256")
)

// fetch downloads and decrypts a file and checks it against the SHA-256 the sender announced;
// a file announced without one is refused. whatsmeow's own length and hash warnings are
// settled by that check.
func fetch(ctx context.Context, dl fetcher, m *mediaRef) ([]byte, error) {
	msg := m.downloadable()
	data, err := dl.Download(ctx, msg)
	warning := errors.Is(err, whatsmeow.ErrFileLengthMismatch) || errors.Is(err, whatsmeow.ErrInvalidMediaSHA256)
	if err != nil && !(warning && data != nil) {
		return nil, err
	}
	want := msg.GetFileSHA256()
	if len(want) != sha256.Size {
		return nil, errNoHash
	}
	if got := sha256.Sum256(data); !bytes.Equal(got[:], want) {
		return nil, errHashMismatch
	}
	return data, nil
}
