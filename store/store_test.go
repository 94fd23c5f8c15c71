package store_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/internal/testfix"
	"github.com/ketanmu/ketanmu/store"
)

// MustCipher returns a cipher with the tests' data key (testfix.Key).
func MustCipher(tb testing.TB) *store.Cipher {
	tb.Helper()
	c, err := store.NewCipher(testfix.Key)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// MustOpen opens (creating) the database at path on the real clock (testfix.OpenDB) and closes
// it when the test ends.
func MustOpen(tb testing.TB, path string) *store.DB {
	tb.Helper()
	return testfix.OpenDB(tb, path, time.Now)
}

// MustOpenTemp opens a fresh database in a temporary folder.
func MustOpenTemp(tb testing.TB) *store.DB {
	tb.Helper()
	return MustOpen(tb, filepath.Join(tb.TempDir(), "ketanmu.db"))
}

// MustUpdate runs fn in a transaction and fails the test on error.
func MustUpdate(tb testing.TB, db *store.DB, fn func(*store.Tx) error) {
	tb.Helper()
	if err := db.Update(context.Background(), fn); err != nil {
		tb.Fatalf("Update: %v", err)
	}
}

// MustCount returns the result of a SELECT COUNT(*) query.
func MustCount(tb testing.TB, db *store.DB, query string, args ...any) int {
	tb.Helper()
	var n int
	if err := db.SQL().QueryRow(query, args...).Scan(&n); err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
	return n
}

func migrationNames(tb testing.TB) []string {
	tb.Helper()
	names, err := filepath.Glob("migrations/*.sql")
	if err != nil || len(names) == 0 {
		tb.Fatalf("no migrations found: %v", err)
	}
	for i, n := range names {
		names[i] = filepath.Base(n)
	}
	return names
}

type migrationRow struct {
	Version   int
	Name      string
	AppliedAt string
}

func mustMigrationRows(tb testing.TB, db *store.DB) []migrationRow {
	tb.Helper()
	rows, err := db.SQL().Query(`SELECT version, name, applied_at FROM schema_migrations ORDER BY version`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []migrationRow
	for rows.Next() {
		var r migrationRow
		if err := rows.Scan(&r.Version, &r.Name, &r.AppliedAt); err != nil {
			tb.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

func TestMigrations(t *testing.T) {
	t.Run("applied once and recorded", func(t *testing.T) {
		db := MustOpenTemp(t)
		rows := mustMigrationRows(t, db)
		names := migrationNames(t)
		if got, want := len(rows), len(names); got != want {
			t.Fatalf("schema_migrations has %d rows, want %d (%v)", got, want, names)
		}
		for i, r := range rows {
			if got, want := r.Name, names[i]; got != want {
				t.Errorf("migration %d name = %q, want %q", i, got, want)
			}
			// Each change's migration keeps its assigned number, so the files may leave gaps.
			if got, want := r.Version, migrationNumber(t, names[i]); got != want {
				t.Errorf("migration %s version = %d, want %d", r.Name, got, want)
			}
			if r.AppliedAt == "" {
				t.Errorf("migration %s has no applied_at", r.Name)
			}
		}
		for _, table := range []string{"residents", "conversations", "media", "messages", "outbox"} {
			if got := MustCount(t, db, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, table); got != 1 {
				t.Errorf("table %s exists %d times, want 1", table, got)
			}
		}
	})

	t.Run("reopening is a no-op", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "ketanmu.db")
		db, err := store.Open(path, MustCipher(t), time.Now)
		if err != nil {
			t.Fatal(err)
		}
		db.Now = func() time.Time { return time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC) }
		MustUpdate(t, db, func(tx *store.Tx) error {
			_, err := tx.RecordInbound(ketanmu.Inbound{Account: "a", ID: "M1", Chat: "6281200000001", Kind: ketanmu.KindText, Text: "halo"})
			return err
		})
		before := mustMigrationRows(t, db)
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}

		for i := range 2 {
			db := MustOpen(t, path)
			after := mustMigrationRows(t, db)
			if got, want := len(after), len(before); got != want {
				t.Fatalf("reopen %d: %d migration rows, want %d", i, got, want)
			}
			for j := range after {
				if got, want := after[j], before[j]; got != want {
					t.Errorf("reopen %d: migration row %+v, want %+v", i, got, want)
				}
			}
			if got, want := MustCount(t, db, `SELECT COUNT(*) FROM messages WHERE wa_id = 'M1'`), 1; got != want {
				t.Errorf("reopen %d: %d messages, want %d", i, got, want)
			}
			db.Close()
		}
	})

	t.Run("path with URI characters", func(t *testing.T) {
		// A data folder may contain characters that mean something in a SQLite URI.
		dir := filepath.Join(t.TempDir(), "data #1 50% ?x")
		path := filepath.Join(dir, "ketanmu.db")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		db := MustOpen(t, path)
		if got, want := len(mustMigrationRows(t, db)), len(migrationNames(t)); got != want {
			t.Fatalf("%d migration rows, want %d", got, want)
		}
		if _, err := os.Stat(path); err != nil {
			t.Errorf("database not created at %s: %v", path, err)
		}
	})
}

func TestRecordInbound(t *testing.T) {
	t.Run("duplicate returns false and stores nothing", func(t *testing.T) {
		db := MustOpenTemp(t)
		in := ketanmu.Inbound{Account: "kkktp", ID: "DUP1", Chat: "6281200000001", Kind: ketanmu.KindImage,
			Text: "kk", Media: &ketanmu.Media{Mime: "image/jpeg", Filename: "kk.jpg", Data: []byte("first")}}
		var fresh bool
		MustUpdate(t, db, func(tx *store.Tx) (err error) {
			fresh, err = tx.RecordInbound(in)
			return err
		})
		if !fresh {
			t.Fatalf("first RecordInbound = false, want true")
		}
		again := in
		again.Text = "changed"
		again.Media = &ketanmu.Media{Mime: "image/jpeg", Filename: "other.jpg", Data: []byte("second")}
		MustUpdate(t, db, func(tx *store.Tx) (err error) {
			fresh, err = tx.RecordInbound(again)
			return err
		})
		if fresh {
			t.Errorf("second RecordInbound = true, want false")
		}
		if got, want := MustCount(t, db, `SELECT COUNT(*) FROM messages`), 1; got != want {
			t.Errorf("messages = %d, want %d", got, want)
		}
		if got, want := MustCount(t, db, `SELECT COUNT(*) FROM media`), 1; got != want {
			t.Errorf("media = %d, want %d", got, want)
		}
		if got, want := MustCount(t, db, `SELECT COUNT(*) FROM messages WHERE text = 'kk'`), 1; got != want {
			t.Errorf("original message kept %d times, want %d", got, want)
		}
	})

	t.Run("same ID on another account is not a duplicate", func(t *testing.T) {
		db := MustOpenTemp(t)
		for _, acc := range []string{"kkktp", "akta"} {
			var fresh bool
			MustUpdate(t, db, func(tx *store.Tx) (err error) {
				fresh, err = tx.RecordInbound(ketanmu.Inbound{Account: acc, ID: "SAME", Chat: "6281200000001", Kind: ketanmu.KindText, Text: "x"})
				return err
			})
			if !fresh {
				t.Errorf("account %s: RecordInbound = false, want true", acc)
			}
		}
	})
}

func TestResident(t *testing.T) {
	const phone, lid = "6281200000001", "123456789@lid"

	resident := func(t *testing.T, db *store.DB, phone, lid string) int64 {
		t.Helper()
		var id int64
		MustUpdate(t, db, func(tx *store.Tx) (err error) {
			id, err = tx.Resident(phone, lid)
			return err
		})
		return id
	}

	t.Run("phone then LID alias", func(t *testing.T) {
		db := MustOpenTemp(t)
		first := resident(t, db, phone, "")
		if got := resident(t, db, phone, lid); got != first {
			t.Errorf("Resident(phone, lid) = %d, want %d", got, first)
		}
		if got := resident(t, db, "", lid); got != first {
			t.Errorf("Resident(\"\", lid) = %d, want %d", got, first)
		}
		if got := resident(t, db, phone, ""); got != first {
			t.Errorf("Resident(phone, \"\") = %d, want %d", got, first)
		}
		if got, want := MustCount(t, db, `SELECT COUNT(*) FROM residents`), 1; got != want {
			t.Errorf("residents = %d, want %d", got, want)
		}
	})

	t.Run("LID first then phone", func(t *testing.T) {
		db := MustOpenTemp(t)
		first := resident(t, db, "", lid)
		if got := resident(t, db, phone, lid); got != first {
			t.Errorf("Resident(phone, lid) = %d, want %d", got, first)
		}
		if got := resident(t, db, phone, ""); got != first {
			t.Errorf("Resident(phone, \"\") = %d, want %d (the phone was learnt)", got, first)
		}
		if got, want := MustCount(t, db, `SELECT COUNT(*) FROM residents`), 1; got != want {
			t.Errorf("residents = %d, want %d", got, want)
		}
	})

	t.Run("phone and LID known apart are merged", func(t *testing.T) {
		db := MustOpenTemp(t)
		byPhone := resident(t, db, phone, "")
		byLID := resident(t, db, "", lid)
		MustUpdate(t, db, func(tx *store.Tx) error {
			return tx.SaveConversation(store.Conversation{Account: "kkktp", Chat: lid, ResidentID: byLID})
		})
		if _, err := db.SQL().Exec(`INSERT INTO cases (number, account, chat, resident_id, service, created_at, updated_at)
			VALUES ('KTP-261125-0001', 'kkktp', ?, ?, 'kk_ktp', '', '')`, lid, byLID); err != nil {
			t.Fatal(err)
		}
		if got := resident(t, db, phone, lid); got != byPhone {
			t.Fatalf("Resident(phone, lid) = %d, want %d (the phone's resident)", got, byPhone)
		}
		if got := resident(t, db, "", lid); got != byPhone {
			t.Errorf("Resident(\"\", lid) = %d, want %d", got, byPhone)
		}
		if got, want := MustCount(t, db, `SELECT COUNT(*) FROM residents`), 1; got != want {
			t.Errorf("residents = %d, want %d", got, want)
		}
		var conv store.Conversation
		MustUpdate(t, db, func(tx *store.Tx) (err error) {
			conv, err = tx.Conversation("kkktp", lid)
			return err
		})
		if got, want := conv.ResidentID, byPhone; got != want {
			t.Errorf("conversation resident = %d, want %d", got, want)
		}
		if got, want := MustCount(t, db, `SELECT COUNT(*) FROM cases WHERE resident_id = ?`, byPhone), 1; got != want {
			t.Errorf("cases of the merged resident = %d, want %d", got, want)
		}
	})

	t.Run("LID of another phone is not taken over", func(t *testing.T) {
		db := MustOpenTemp(t)
		owner := resident(t, db, "6281200000002", lid)
		other := resident(t, db, phone, "")
		if got := resident(t, db, phone, lid); got != other {
			t.Errorf("Resident(phone, lid) = %d, want %d", got, other)
		}
		if got := resident(t, db, "", lid); got != owner {
			t.Errorf("Resident(\"\", lid) = %d, want %d (its owner)", got, owner)
		}
		if got, want := MustCount(t, db, `SELECT COUNT(*) FROM residents`), 2; got != want {
			t.Errorf("residents = %d, want %d", got, want)
		}
	})

	t.Run("different people stay apart", func(t *testing.T) {
		db := MustOpenTemp(t)
		a := resident(t, db, phone, "")
		b := resident(t, db, "6281200000002", "")
		if a == b {
			t.Errorf("two phones got the same resident %d", a)
		}
	})

	t.Run("needs phone or LID", func(t *testing.T) {
		db := MustOpenTemp(t)
		err := db.Update(context.Background(), func(tx *store.Tx) error {
			_, err := tx.Resident("", "")
			return err
		})
		if err == nil {
			t.Errorf("Resident(\"\", \"\") succeeded, want an error")
		}
	})
}

func TestConversation(t *testing.T) {
	db := MustOpenTemp(t)
	var c store.Conversation
	MustUpdate(t, db, func(tx *store.Tx) (err error) {
		c, err = tx.Conversation("kkktp", "6281200000001")
		return err
	})
	if !c.New || string(c.State) != "{}" {
		t.Fatalf("new conversation = New %v state %s, want New true state {}", c.New, c.State)
	}
	c.State = []byte(`{"greeted":true}`)
	MustUpdate(t, db, func(tx *store.Tx) error { return tx.SaveConversation(c) })
	MustUpdate(t, db, func(tx *store.Tx) (err error) {
		c, err = tx.Conversation("kkktp", "6281200000001")
		return err
	})
	if got, want := string(c.State), `{"greeted":true}`; c.New || got != want {
		t.Errorf("saved conversation = New %v state %s, want New false state %s", c.New, got, want)
	}
}

func TestTranscript(t *testing.T) {
	db := MustOpenTemp(t)
	const acc, chat = "kkktp", "6281200000001"
	clock := time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { clock = clock.Add(time.Second); return clock }

	MustUpdate(t, db, func(tx *store.Tx) error {
		_, err := tx.RecordInbound(ketanmu.Inbound{Account: acc, ID: "IN1", Chat: chat, Kind: ketanmu.KindText, Text: "halo"})
		return err
	})
	MustUpdate(t, db, func(tx *store.Tx) error {
		return tx.Queue(ketanmu.Outbound{ID: "OUT1", Account: acc, Chat: chat, Text: "selamat datang"})
	})
	MustUpdate(t, db, func(tx *store.Tx) error {
		_, err := tx.RecordInbound(ketanmu.Inbound{Account: acc, ID: "IN2", Chat: chat, Kind: ketanmu.KindText, Text: "1"})
		return err
	})
	MustUpdate(t, db, func(tx *store.Tx) error {
		return tx.Queue(ketanmu.Outbound{ID: "OUT2", Account: acc, Chat: chat, Text: "pilih"})
	})
	// Other chats and accounts stay out of this transcript.
	MustUpdate(t, db, func(tx *store.Tx) error {
		if _, err := tx.RecordInbound(ketanmu.Inbound{Account: acc, ID: "X1", Chat: "6281200000009", Kind: ketanmu.KindText, Text: "x"}); err != nil {
			return err
		}
		_, err := tx.RecordInbound(ketanmu.Inbound{Account: "akta", ID: "X2", Chat: chat, Kind: ketanmu.KindText, Text: "x"})
		return err
	})

	msgs, err := db.Transcript(context.Background(), acc, chat)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ id, dir, text string }{
		{"IN1", "in", "halo"}, {"OUT1", "out", "selamat datang"}, {"IN2", "in", "1"}, {"OUT2", "out", "pilih"},
	}
	if got := len(msgs); got != len(want) {
		t.Fatalf("transcript has %d messages, want %d: %+v", got, len(want), msgs)
	}
	for i, w := range want {
		m := msgs[i]
		if m.ID != w.id || m.Direction != w.dir || m.Text != w.text {
			t.Errorf("message %d = %s %s %q, want %s %s %q", i, m.ID, m.Direction, m.Text, w.id, w.dir, w.text)
		}
		if got, want := m.FromMe, w.dir == "out"; got != want {
			t.Errorf("message %d from_me = %v, want %v", i, got, want)
		}
		if i > 0 && !m.At.After(msgs[i-1].At) {
			t.Errorf("message %d at %v, not after %v", i, m.At, msgs[i-1].At)
		}
	}
}

func TestMedia(t *testing.T) {
	db := MustOpenTemp(t)
	data := []byte("\xff\xd8\xff\xe0 a photo of a KK, plainly readable")
	MustUpdate(t, db, func(tx *store.Tx) error {
		_, err := tx.RecordInbound(ketanmu.Inbound{Account: "kkktp", ID: "IMG1", Chat: "6281200000001",
			Kind: ketanmu.KindImage, Media: &ketanmu.Media{Mime: "image/jpeg", Filename: "kk.jpg", Data: data}})
		return err
	})
	msgs, err := db.Transcript(context.Background(), "kkktp", "6281200000001")
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || msgs[0].MediaID == 0 {
		t.Fatalf("transcript = %+v, want one message with media", msgs)
	}
	m := msgs[0]
	if m.Mime != "image/jpeg" || m.Filename != "kk.jpg" || m.Size != int64(len(data)) {
		t.Errorf("transcript media = %s %s %d, want image/jpeg kk.jpg %d", m.Mime, m.Filename, m.Size, len(data))
	}

	t.Run("decrypts", func(t *testing.T) {
		got, err := db.Media(context.Background(), m.MediaID)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Data, data) {
			t.Errorf("Media data = %q, want %q", got.Data, data)
		}
		if got.Mime != "image/jpeg" || got.Filename != "kk.jpg" {
			t.Errorf("Media = %s %s, want image/jpeg kk.jpg", got.Mime, got.Filename)
		}
	})

	t.Run("encrypted at rest", func(t *testing.T) {
		var blob []byte
		if err := db.SQL().QueryRow(`SELECT data FROM media WHERE id = ?`, m.MediaID).Scan(&blob); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(blob, []byte("plainly readable")) {
			t.Errorf("media stored in plain text")
		}
	})

	t.Run("unknown id", func(t *testing.T) {
		_, err := db.Media(context.Background(), m.MediaID+100)
		if got, want := ketanmu.ErrorCode(err), ketanmu.ENOTFOUND; got != want {
			t.Errorf("Media(unknown) code = %q (%v), want %q", got, err, want)
		}
	})

	t.Run("other key cannot read", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "k.db")
		db1 := MustOpen(t, path)
		MustUpdate(t, db1, func(tx *store.Tx) error {
			_, err := tx.RecordInbound(ketanmu.Inbound{Account: "kkktp", ID: "IMG1", Chat: "6281200000001",
				Kind: ketanmu.KindImage, Media: &ketanmu.Media{Mime: "image/jpeg", Data: data}})
			return err
		})
		db1.Close()
		other, err := store.NewCipher(bytes.Repeat([]byte{9}, 32))
		if err != nil {
			t.Fatal(err)
		}
		db2, err := store.Open(path, other, time.Now)
		if err != nil {
			t.Fatal(err)
		}
		defer db2.Close()
		if _, err := db2.Media(context.Background(), 1); err == nil {
			t.Errorf("Media with another key succeeded, want an error")
		}
	})
}

func TestUpdateRollsBack(t *testing.T) {
	db := MustOpenTemp(t)
	boom := errors.New("boom")
	err := db.Update(context.Background(), func(tx *store.Tx) error {
		if _, err := tx.RecordInbound(ketanmu.Inbound{Account: "kkktp", ID: "R1", Chat: "6281200000001", Kind: ketanmu.KindText, Text: "x"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v, want %v", err, boom)
	}
	if got := MustCount(t, db, `SELECT COUNT(*) FROM messages`); got != 0 {
		t.Errorf("messages = %d after a failed transaction, want 0", got)
	}
}

// migrationNumber is the number a migration's file name starts with ("016_x.sql": 16).
func migrationNumber(tb testing.TB, name string) int {
	tb.Helper()
	n, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
	if err != nil {
		tb.Fatalf("migration %s: no number: %v", name, err)
	}
	return n
}
