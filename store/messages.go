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
}

// RecordInbound stores an inbound message (and its media, encrypted). It returns false, and
// stores nothing, when the account already has a message with this ID: a duplicate delivery.
func (tx *Tx) RecordInbound(in ketanmu.Inbound) (bool, error) {
	var exists int
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM messages WHERE account = ? AND wa_id = ?`,
		in.Account, in.ID).Scan(&exists)
	if err != nil {
		return false, fmt.Errorf("check duplicate: %w", err)
	}
	if exists > 0 {
		return false, nil
	}
	mediaID, err := tx.putMedia(in.Media)
	if err != nil {
		return false, err
	}
	at := in.At
	if at.IsZero() {
		at = tx.now
	}
	_, err = tx.tx.ExecContext(tx.ctx, `INSERT INTO messages
		(account, chat, wa_id, direction, from_me, sender, kind, text, unsupported, media_id, quote, at)
		VALUES (?, ?, ?, 'in', ?, ?, ?, ?, ?, ?, ?, ?)`,
		in.Account, in.Chat, in.ID, in.FromMe, in.Sender, string(in.Kind), in.Text, in.Unsupported,
		mediaID, in.Quote, formatTime(at))
	if err != nil {
		return false, fmt.Errorf("insert message: %w", err)
	}
	return true, nil
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
	var state, updated string
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT resident_id, address, state, updated_at
		FROM conversations WHERE account = ? AND chat = ?`, account, chat).
		Scan(&resident, &c.Address, &state, &updated)
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
	return c, nil
}

// SaveConversation writes c's state, creating the row if needed.
func (tx *Tx) SaveConversation(c Conversation) error {
	state := c.State
	if len(state) == 0 {
		state = json.RawMessage("{}")
	}
	resident := sql.NullInt64{Int64: c.ResidentID, Valid: c.ResidentID != 0}
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO conversations (account, chat, resident_id, address, state, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (account, chat) DO UPDATE SET resident_id = excluded.resident_id,
			address = excluded.address, state = excluded.state, updated_at = excluded.updated_at`,
		c.Account, c.Chat, resident, c.Address, string(state), formatTime(tx.now))
	if err != nil {
		return fmt.Errorf("save conversation: %w", err)
	}
	return nil
}

// Resident returns the id of the resident with this phone (628…) or LID, creating one, and
// records the LID as an alias of the phone when both are known.
func (tx *Tx) Resident(phone, lid string) (int64, error) {
	if phone == "" && lid == "" {
		return 0, errors.New("resident needs a phone or a LID")
	}
	var id int64
	var gotLID sql.NullString
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT id, lid FROM residents WHERE phone = ? OR lid = ?
		ORDER BY phone IS NULL LIMIT 1`, nullString(phone), nullString(lid)).Scan(&id, &gotLID)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		res, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO residents (phone, lid, created_at) VALUES (?, ?, ?)`,
			nullString(phone), nullString(lid), formatTime(tx.now))
		if err != nil {
			return 0, fmt.Errorf("insert resident: %w", err)
		}
		return res.LastInsertId()
	case err != nil:
		return 0, fmt.Errorf("find resident: %w", err)
	}
	if lid != "" && !gotLID.Valid {
		if _, err := tx.tx.ExecContext(tx.ctx, `UPDATE residents SET lid = ? WHERE id = ?`, lid, id); err != nil {
			return 0, fmt.Errorf("alias resident: %w", err)
		}
	}
	return id, nil
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
}

// Transcript returns a chat's messages, oldest first.
func (db *DB) Transcript(ctx context.Context, account, chat string) ([]TranscriptMessage, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT m.wa_id, m.direction, m.from_me, m.sender, m.kind, m.text,
			m.unsupported, IFNULL(m.media_id, 0), IFNULL(d.mime, ''), IFNULL(d.filename, ''), IFNULL(d.size, 0),
			m.quote, m.revoked, m.at
		FROM messages m LEFT JOIN media d ON d.id = m.media_id
		WHERE m.account = ? AND m.chat = ? ORDER BY m.id`, account, chat)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []TranscriptMessage{}
	for rows.Next() {
		var m TranscriptMessage
		var at string
		if err := rows.Scan(&m.ID, &m.Direction, &m.FromMe, &m.Sender, &m.Kind, &m.Text, &m.Unsupported,
			&m.MediaID, &m.Mime, &m.Filename, &m.Size, &m.Quote, &m.Revoked, &at); err != nil {
			return nil, err
		}
		m.At = parseTime(at)
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
	m.Data, err = db.cipher.Open(sealed, []byte(m.SHA256))
	if err != nil {
		return nil, fmt.Errorf("decrypt media %d: %w", id, err)
	}
	return &m, nil
}
