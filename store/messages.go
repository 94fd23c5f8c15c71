package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ketanmu/ketanmu"
)

// Conversation is the state of one chat on one account.
type Conversation struct {
	Account    string
	Chat       string
	ResidentID int64
	Address    string
	State      json.RawMessage
	UpdatedAt  time.Time
	New        bool // no row existed yet
	// HumanBy names the operator who has the chat (typed on the office phone); HumanAt is
	// their last message. The bot stays silent for the resident meanwhile.
	HumanBy string
	HumanAt time.Time
}

// RecordInbound stores an inbound message (and its media, encrypted). It returns false, and
// stores nothing, when the chat already has a message with this ID: a duplicate delivery.
// (WhatsApp's IDs are unique per sender, so two chats may carry the same one.)
func (tx *Tx) RecordInbound(in ketanmu.Inbound) (bool, error) {
	var mediaID sql.NullInt64
	if in.Media != nil {
		// A file is stored only for a message not seen before.
		var exists int
		err := tx.tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM messages WHERE account = ? AND chat = ? AND wa_id = ?`,
			in.Account, in.Chat, in.ID).Scan(&exists)
		if err != nil {
			return false, fmt.Errorf("check duplicate: %w", err)
		}
		if exists > 0 {
			return false, nil
		}
		if mediaID, err = tx.putMedia(in.Media); err != nil {
			return false, err
		}
	}
	res, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO messages
		(account, chat, wa_id, direction, from_me, sender, kind, text, unsupported, media_id, quote, at)
		VALUES (?, ?, ?, 'in', ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (account, chat, wa_id) DO NOTHING`,
		in.Account, in.Chat, in.ID, in.FromMe, in.Sender, string(in.Kind), in.Text, in.Unsupported,
		mediaID, in.Quote, formatTime(tx.InboundAt(in)))
	if err != nil {
		return false, fmt.Errorf("insert message: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("insert message: %w", err)
	}
	return n == 1, nil
}

// InboundAt is the time an inbound message is stored with: when it was sent, else now.
func (tx *Tx) InboundAt(in ketanmu.Inbound) time.Time {
	if in.At.IsZero() {
		return tx.now
	}
	return in.At
}

// putMedia encrypts and stores m, returning its row id (NULL for no media).
func (tx *Tx) putMedia(m *ketanmu.Media) (sql.NullInt64, error) {
	if m == nil {
		return sql.NullInt64{}, nil
	}
	sum := sha256.Sum256(m.Data)
	m.SHA256 = hex.EncodeToString(sum[:])
	m.Size = int64(len(m.Data))
	sealed := tx.db.cipher.Seal(m.Data, []byte(m.SHA256))
	res, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO media (sha256, mime, filename, size, data, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, m.SHA256, m.Mime, m.Filename, m.Size, sealed, formatTime(tx.now))
	if err != nil {
		return sql.NullInt64{}, fmt.Errorf("insert media: %w", err)
	}
	id, err := res.LastInsertId()
	return sql.NullInt64{Int64: id, Valid: true}, err
}

// Conversation loads the conversation of a chat, or a new empty one.
func (tx *Tx) Conversation(account, chat string) (Conversation, error) {
	c := Conversation{Account: account, Chat: chat}
	var resident sql.NullInt64
	var state, updated, humanAt string
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT resident_id, address, state, updated_at, human_by, human_at
		FROM conversations WHERE account = ? AND chat = ?`, account, chat).
		Scan(&resident, &c.Address, &state, &updated, &c.HumanBy, &humanAt)
	if errors.Is(err, sql.ErrNoRows) {
		c.New = true
		c.State = json.RawMessage("{}")
		return c, nil
	} else if err != nil {
		return c, fmt.Errorf("load conversation: %w", err)
	}
	c.ResidentID = resident.Int64
	c.State = json.RawMessage(state)
	c.UpdatedAt = parseTime(updated)
	c.HumanAt = parseTime(humanAt)
	return c, nil
}

// SaveConversation writes c's state, creating the row if needed.
func (tx *Tx) SaveConversation(c Conversation) error {
	state := c.State
	if len(state) == 0 {
		state = json.RawMessage("{}")
	}
	resident := sql.NullInt64{Int64: c.ResidentID, Valid: c.ResidentID != 0}
	humanAt := ""
	if c.HumanBy != "" {
		humanAt = formatTime(c.HumanAt)
	}
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO conversations (account, chat, resident_id, address, state, updated_at,
			human_by, human_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (account, chat) DO UPDATE SET resident_id = excluded.resident_id,
			address = excluded.address, state = excluded.state, updated_at = excluded.updated_at,
			human_by = excluded.human_by, human_at = excluded.human_at`,
		c.Account, c.Chat, resident, c.Address, string(state), formatTime(tx.now), c.HumanBy, humanAt)
	if err != nil {
		return fmt.Errorf("save conversation: %w", err)
	}
	return nil
}

// Resident returns the id of the resident with this phone (628…) or LID, creating one, and
// records the LID as an alias of the phone when both are known. A resident first known only by
// the LID learns the phone; when the phone and the LID were two residents, the LID-only one is
// merged into the phone's, so that one person stays one resident.
func (tx *Tx) Resident(phone, lid string) (int64, error) {
	if phone == "" && lid == "" {
		return 0, errors.New("resident needs a phone or a LID")
	}
	byPhone, err := tx.residentBy("phone", phone)
	if err != nil {
		return 0, err
	}
	byLID, err := tx.residentBy("lid", lid)
	if err != nil {
		return 0, err
	}
	switch {
	case byPhone == 0 && byLID == 0:
		res, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO residents (phone, lid, created_at) VALUES (?, ?, ?)`,
			nullString(phone), nullString(lid), formatTime(tx.now))
		if err != nil {
			return 0, fmt.Errorf("insert resident: %w", err)
		}
		return res.LastInsertId()
	case byPhone == 0:
		if phone != "" {
			if _, err := tx.tx.ExecContext(tx.ctx, `UPDATE residents SET phone = ? WHERE id = ? AND phone IS NULL`,
				phone, byLID); err != nil {
				return 0, fmt.Errorf("learn resident phone: %w", err)
			}
		}
		return byLID, nil
	case byLID != 0 && byLID != byPhone:
		if err := tx.mergeResident(byLID, byPhone); err != nil {
			return 0, err
		}
	}
	if lid != "" {
		// Only while no one else holds the LID (a LID row with its own phone is not merged).
		if _, err := tx.tx.ExecContext(tx.ctx, `UPDATE residents SET lid = ? WHERE id = ? AND lid IS NULL
			AND NOT EXISTS (SELECT 1 FROM residents WHERE lid = ?)`, lid, byPhone, lid); err != nil {
			return 0, fmt.Errorf("alias resident: %w", err)
		}
	}
	return byPhone, nil
}

// residentBy returns the id of the resident whose column (phone or lid) is value, or 0.
func (tx *Tx) residentBy(column, value string) (int64, error) {
	if value == "" {
		return 0, nil
	}
	var id int64
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT id FROM residents WHERE `+column+` = ?`, value).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	} else if err != nil {
		return 0, fmt.Errorf("find resident by %s: %w", column, err)
	}
	return id, nil
}

// mergeResident folds a resident known only by its LID into the phone's resident. A LID row
// that has a phone of its own is another person's and is left alone.
func (tx *Tx) mergeResident(from, into int64) error {
	for _, table := range []string{"conversations", "cases"} {
		if _, err := tx.tx.ExecContext(tx.ctx, `UPDATE `+table+` SET resident_id = ?
			WHERE resident_id = ? AND (SELECT phone FROM residents WHERE id = ?) IS NULL`, into, from, from); err != nil {
			return fmt.Errorf("merge resident: %w", err)
		}
	}
	if _, err := tx.tx.ExecContext(tx.ctx, `DELETE FROM residents WHERE id = ? AND phone IS NULL`, from); err != nil {
		return fmt.Errorf("merge resident: %w", err)
	}
	return nil
}

// TranscriptMessage is one message of a chat as the simulator shows it.
type TranscriptMessage struct {
	ID          string
	Direction   string
	FromMe      bool
	Sender      string
	Kind        string
	Text        string
	Unsupported string
	MediaID     int64
	Mime        string
	Filename    string
	Size        int64
	Quote       string
	Revoked     bool
	At          time.Time
	// Status is the delivery of an outgoing message (queued, sent or failed), SentAt when sent.
	Status string
	SentAt time.Time
}

// Transcript returns a chat's messages, oldest first.
func (db *DB) Transcript(ctx context.Context, account, chat string) ([]TranscriptMessage, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT m.wa_id, m.direction, m.from_me, m.sender, m.kind, m.text,
			m.unsupported, IFNULL(m.media_id, 0), IFNULL(d.mime, ''), IFNULL(d.filename, ''), IFNULL(d.size, 0),
			m.quote, m.revoked, m.at, IFNULL(o.status, ''), IFNULL(o.sent_at, '')
		FROM messages m LEFT JOIN media d ON d.id = m.media_id
		LEFT JOIN outbox o ON m.direction = 'out' AND o.account = m.account AND o.wa_id = m.wa_id
		WHERE m.account = ? AND m.chat = ? ORDER BY m.id`, account, chat)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []TranscriptMessage{}
	for rows.Next() {
		var m TranscriptMessage
		var at, status, sentAt string
		if err := rows.Scan(&m.ID, &m.Direction, &m.FromMe, &m.Sender, &m.Kind, &m.Text, &m.Unsupported,
			&m.MediaID, &m.Mime, &m.Filename, &m.Size, &m.Quote, &m.Revoked, &at, &status, &sentAt); err != nil {
			return nil, err
		}
		m.At = parseTime(at)
		m.Status = map[string]string{"pending": "queued", "sent": "sent", "failed": "failed", "expired": "expired"}[status]
		if sentAt != "" {
			m.SentAt = parseTime(sentAt)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Media returns a stored file, decrypted.
func (db *DB) Media(ctx context.Context, id int64) (*ketanmu.Media, error) {
	var m ketanmu.Media
	var sealed []byte
	err := db.db.QueryRowContext(ctx, `SELECT sha256, mime, filename, size, data FROM media WHERE id = ?`, id).
		Scan(&m.SHA256, &m.Mime, &m.Filename, &m.Size, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("media")
	} else if err != nil {
		return nil, err
	}
	if len(sealed) == 0 {
		return nil, errErased
	}
	m.Data, err = db.cipher.Open(sealed, []byte(m.SHA256))
	if err != nil {
		return nil, fmt.Errorf("decrypt media %d: %w", id, err)
	}
	return &m, nil
}

// ChatSummary is one chat of an account with its latest activity.
type ChatSummary struct {
	Chat   string
	LastAt time.Time
	Count  int
}

// Chats lists an account's chats, most recently active first.
func (db *DB) Chats(ctx context.Context, account string) ([]ChatSummary, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT chat, MAX(at), COUNT(*) FROM messages WHERE account = ?
		GROUP BY chat ORDER BY MAX(id) DESC`, account)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []ChatSummary{}
	for rows.Next() {
		var c ChatSummary
		var at string
		if err := rows.Scan(&c.Chat, &at, &c.Count); err != nil {
			return nil, err
		}
		c.LastAt = parseTime(at)
		out = append(out, c)
	}
	return out, rows.Err()
}
