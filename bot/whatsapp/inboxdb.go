package whatsapp

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"github.com/ketanmu/ketanmu"
)

// inboxRow is a message acknowledged to WhatsApp and not yet handed to the router.
type inboxRow struct {
	RowID      int64
	In         ketanmu.Inbound
	Media      *mediaRef // nil: nothing to download
	Source     source
	Attempts   int
	MediaRetry bool // a media retry request was sent to the phone
}

// source is the WhatsApp addressing of a message, as a media retry request needs it.
type source struct {
	Chat    string `json:"chat"`
	Sender  string `json:"sender"`
	FromMe  bool   `json:"from_me"`
	IsGroup bool   `json:"is_group"`
}

func sourceOf(info types.MessageInfo) source {
	return source{Chat: info.Chat.String(), Sender: info.Sender.String(), FromMe: info.IsFromMe, IsGroup: info.IsGroup}
}

// messageInfo rebuilds what SendMediaRetryReceipt reads from a message's info.
func (s source) messageInfo(id string) (*types.MessageInfo, error) {
	chat, err := types.ParseJID(s.Chat)
	if err != nil {
		return nil, err
	}
	sender, err := types.ParseJID(s.Sender)
	if err != nil {
		return nil, err
	}
	return &types.MessageInfo{ID: id, MessageSource: types.MessageSource{Chat: chat, Sender: sender,
		IsFromMe: s.FromMe, IsGroup: s.IsGroup}}, nil
}

func (m *mediaRef) marshal() ([]byte, error) {
	if m == nil {
		return nil, nil
	}
	return proto.Marshal(&waE2E.Message{ImageMessage: m.Image, DocumentMessage: m.Document})
}

func unmarshalMedia(b []byte) (*mediaRef, error) {
	if len(b) == 0 {
		return nil, nil
	}
	var m waE2E.Message
	if err := proto.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return &mediaRef{Image: m.ImageMessage, Document: m.DocumentMessage}, nil
}

// putInbox persists a message before it is acknowledged. A message already there (delivered
// twice) is left as it is.
func (d *waDB) putInbox(ctx context.Context, in ketanmu.Inbound, media *mediaRef, src source) error {
	inJSON, err := json.Marshal(in)
	if err != nil {
		return err
	}
	mediaBlob, err := media.marshal()
	if err != nil {
		return err
	}
	srcJSON, err := json.Marshal(src)
	if err != nil {
		return err
	}
	now := formatTime(d.now())
	_, err = d.db.ExecContext(ctx, `INSERT INTO ketanmu_inbox
		(account, wa_id, chat, inbound, media, source, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (account, chat, wa_id) DO NOTHING`,
		in.Account, in.ID, in.Chat, string(inJSON), mediaBlob, string(srcJSON), now, now)
	if err != nil {
		return fmt.Errorf("inbox: %w", err)
	}
	return nil
}

// chatWaiting reports whether a chat has messages in the inbox: a new message of that chat must
// queue behind them so that the router sees the chat in order.
func (d *waDB) chatWaiting(ctx context.Context, account, chat string) (bool, error) {
	var n int
	err := d.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM ketanmu_inbox WHERE account = ? AND chat = ?`, account, chat).Scan(&n)
	return n > 0, err
}

const inboxColumns = `i.id, i.inbound, i.media, i.source, i.attempts, i.media_retry`

func scanInbox(sc interface{ Scan(...any) error }) (inboxRow, error) {
	var r inboxRow
	var inJSON, srcJSON string
	var media []byte
	if err := sc.Scan(&r.RowID, &inJSON, &media, &srcJSON, &r.Attempts, &r.MediaRetry); err != nil {
		return r, err
	}
	if err := json.Unmarshal([]byte(inJSON), &r.In); err != nil {
		return r, fmt.Errorf("inbox row %d: %w", r.RowID, err)
	}
	if srcJSON != "" {
		if err := json.Unmarshal([]byte(srcJSON), &r.Source); err != nil {
			return r, fmt.Errorf("inbox row %d: %w", r.RowID, err)
		}
	}
	var err error
	r.Media, err = unmarshalMedia(media)
	return r, err
}

// dueInbox returns the oldest waiting message of each chat that is due at now.
func (d *waDB) dueInbox(ctx context.Context, now time.Time, limit int) ([]inboxRow, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT `+inboxColumns+` FROM ketanmu_inbox i
		WHERE i.next_attempt_at <= ?
		  AND i.id = (SELECT MIN(h.id) FROM ketanmu_inbox h WHERE h.account = i.account AND h.chat = i.chat)
		ORDER BY i.id LIMIT ?`, formatTime(now), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []inboxRow
	for rows.Next() {
		r, err := scanInbox(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// nextInbox returns when the earliest waiting message is due, or false when none waits.
func (d *waDB) nextInbox(ctx context.Context) (time.Time, bool, error) {
	var next sql.NullString
	if err := d.db.QueryRowContext(ctx, `SELECT MIN(next_attempt_at) FROM ketanmu_inbox`).Scan(&next); err != nil || !next.Valid {
		return time.Time{}, false, err
	}
	return parseTime(next.String), true, nil
}

// inboxByID finds a waiting message by its WhatsApp ID.
func (d *waDB) inboxByID(ctx context.Context, account, waID string) (inboxRow, bool, error) {
	r, err := scanInbox(d.db.QueryRowContext(ctx, `SELECT `+inboxColumns+` FROM ketanmu_inbox i
		WHERE i.account = ? AND i.wa_id = ?`, account, waID))
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	return r, err == nil, err
}

func (d *waDB) doneInbox(ctx context.Context, rowID int64) error {
	_, err := d.db.ExecContext(ctx, `DELETE FROM ketanmu_inbox WHERE id = ?`, rowID)
	return err
}

// retryInbox records a failed try of a row and when to try again.
func (d *waDB) retryInbox(ctx context.Context, r inboxRow, next time.Time, cause string) error {
	_, err := d.db.ExecContext(ctx, `UPDATE ketanmu_inbox SET attempts = ?, media_retry = ?, next_attempt_at = ?,
		last_error = ? WHERE id = ?`, r.Attempts, r.MediaRetry, formatTime(next), cause, r.RowID)
	return err
}

// refreshMedia stores a new download path for a waiting file (after a media retry) and makes
// the row due now.
func (d *waDB) refreshMedia(ctx context.Context, r inboxRow) error {
	blob, err := r.Media.marshal()
	if err != nil {
		return err
	}
	_, err = d.db.ExecContext(ctx, `UPDATE ketanmu_inbox SET media = ?, next_attempt_at = ? WHERE id = ?`,
		blob, formatTime(d.now()), r.RowID)
	return err
}
