package whatsapp

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/ketanmu/ketanmu/config"
	"github.com/ketanmu/ketanmu/internal/app"
)

// stored is what the router recorded of an inbound message.
type stored struct {
	Kind, Text, Unsupported, Mime, Filename string
	Size                                    int64
	Found                                   bool
}

// parityCase is one message as a resident sends it: as the whatsmeow event WhatsApp would
// deliver and as the simulator request a tool would post.
type parityCase struct {
	name string
	ev   func(id string) *events.Message
	sim  map[string]any
	file []byte // content behind the event's direct path
}

// The same inbound message through the simulator's API and through the whatsmeow adapter is
// stored alike and answered alike: both transports share one input path (bot.Intake).
func TestSimulatorAndWhatsAppAnswerAlike(t *testing.T) {
	const maxMedia = 4096
	photo := tinyPNG(t)
	pdf := []byte("%PDF-1.4\n% akta kelahiran\n%%EOF\n")
	old := epoch.Add(-48 * time.Hour)
	b64 := base64.StdEncoding.EncodeToString
	cases := []parityCase{
		{name: "text", ev: func(id string) *events.Message { return dm(id, residentPN, types.EmptyJID, text("halo")) },
			sim: map[string]any{"text": "halo"}},
		{name: "photo", file: photo,
			ev: func(id string) *events.Message {
				m := imageMsg("", photo, "/v/"+id)
				m.ImageMessage.Mimetype, m.ImageMessage.Caption = ptr("image/png"), nil
				return dm(id, residentPN, types.EmptyJID, m)
			},
			sim: map[string]any{"media": map[string]any{"mime": "image/png", "data": b64(photo)}}},
		{name: "PDF", file: pdf,
			ev: func(id string) *events.Message {
				return dm(id, residentPN, types.EmptyJID, docMsg("application/pdf", "akta.pdf", pdf, "/v/"+id))
			},
			sim: map[string]any{"media": map[string]any{"mime": "application/pdf", "filename": "akta.pdf", "data": b64(pdf)}}},
		{name: "oversize photo",
			ev: func(id string) *events.Message {
				big := bytes.Repeat([]byte{0xff}, maxMedia+1)
				return dm(id, residentPN, types.EmptyJID, imageMsg("KK", big, "/v/"+id))
			},
			sim: map[string]any{"text": "KK", "media": map[string]any{"mime": "image/jpeg", "filename": "kk.jpg", "data": b64(bytes.Repeat([]byte{0xff}, maxMedia+1))}}},
		{name: "zip file",
			ev: func(id string) *events.Message {
				return dm(id, residentPN, types.EmptyJID, docMsg("application/zip", "berkas.zip", []byte("PK\x03\x04"), "/v/"+id))
			},
			sim: map[string]any{"media": map[string]any{"mime": "application/zip", "filename": "berkas.zip", "data": b64([]byte("PK\x03\x04"))}}},
		{name: "sticker",
			ev: func(id string) *events.Message {
				return dm(id, residentPN, types.EmptyJID, &waE2E.Message{StickerMessage: &waE2E.StickerMessage{Mimetype: ptr("image/webp")}})
			},
			sim: map[string]any{"media": map[string]any{"mime": "image/webp", "data": b64([]byte("RIFF0000WEBP"))}}},
		{name: "voice note",
			ev: func(id string) *events.Message {
				return dm(id, residentPN, types.EmptyJID, &waE2E.Message{AudioMessage: &waE2E.AudioMessage{PTT: ptr(true), Mimetype: ptr("audio/ogg; codecs=opus")}})
			},
			sim: map[string]any{"media": map[string]any{"mime": "audio/ogg", "data": b64([]byte("OggS"))}}},
		{name: "too old",
			ev: func(id string) *events.Message {
				ev := dm(id, residentPN, types.EmptyJID, text("halo, masih buka?"))
				ev.Info.Timestamp = old
				return ev
			},
			sim: map[string]any{"text": "halo, masih buka?", "at": old.Format(time.RFC3339)}},
	}

	wa := newEnvWith(t, parityConfig(t, maxMedia))
	simCfg := parityConfig(t, maxMedia)
	sim, err := app.OpenSimulator(simCfg, discard, epoch, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.DB.Close() })
	srv := httptest.NewServer(sim.Server.Handler())
	t.Cleanup(srv.Close)

	for i, tc := range cases {
		id := fmt.Sprintf("3EB0PARITY%04d", i)
		// WhatsApp: the event through the adapter, files fetched by the inbox worker.
		if tc.file != nil {
			wa.dl.mu.Lock()
			if wa.dl.files == nil {
				wa.dl.files = map[string][]byte{}
			}
			wa.dl.files["/v/"+id] = tc.file
			wa.dl.mu.Unlock()
		}
		outBefore := wa.count(t, `SELECT COUNT(*) FROM outbox`)
		if !wa.acc.handleMessage(tc.ev(id)) {
			t.Fatalf("%s: not acknowledged", tc.name)
		}
		if _, err := wa.tr.drainInbox(context.Background()); err != nil {
			t.Fatal(err)
		}
		waReplies := outboxTexts(t, wa.db.SQL(), outBefore)

		// Simulator: the request through the HTTP API.
		req := map[string]any{"account": accKey, "from": resident, "id": id}
		for k, v := range tc.sim {
			req[k] = v
		}
		simReplies := postSim(t, srv.URL, req)

		if got, want := strings.Join(simReplies, "\n---\n"), strings.Join(waReplies, "\n---\n"); got != want {
			t.Errorf("%s: simulator replied\n%s\nWhatsApp replied\n%s", tc.name, got, want)
		}
		if got, want := loadStored(t, sim.DB.SQL(), id), loadStored(t, wa.db.SQL(), id); got != want {
			t.Errorf("%s: simulator stored %+v, WhatsApp stored %+v", tc.name, got, want)
		}
	}
	// Sanity: the cases are not all alike (the comparison above could pass vacuously).
	if s := loadStored(t, wa.db.SQL(), "3EB0PARITY0003"); s.Unsupported != "too_large" {
		t.Errorf("oversize photo stored as %+v, want unsupported too_large", s)
	}
	if s := loadStored(t, wa.db.SQL(), "3EB0PARITY0007"); s.Found {
		t.Errorf("too-old message stored: %+v", s)
	}
	if s := loadStored(t, wa.db.SQL(), "3EB0PARITY0002"); s.Kind != "document" || s.Filename != "akta.pdf" {
		t.Errorf("PDF stored as %+v", s)
	}
}

func parityConfig(t *testing.T, maxMedia int64) *config.Config {
	cfg := mustConfig(t)
	cfg.Storage.MaxMediaBytes = maxMedia
	return cfg
}

type querier interface {
	QueryRow(string, ...any) *sql.Row
	Query(string, ...any) (*sql.Rows, error)
}

func loadStored(tb testing.TB, db querier, id string) stored {
	tb.Helper()
	var s stored
	err := db.QueryRow(`SELECT m.kind, m.text, m.unsupported, IFNULL(md.mime, ''), IFNULL(md.filename, ''), IFNULL(md.size, 0)
		FROM messages m LEFT JOIN media md ON md.id = m.media_id WHERE m.wa_id = ?`, id).
		Scan(&s.Kind, &s.Text, &s.Unsupported, &s.Mime, &s.Filename, &s.Size)
	if errors.Is(err, sql.ErrNoRows) {
		return s
	}
	if err != nil {
		tb.Fatal(err)
	}
	s.Found = true
	return s
}

// outboxTexts returns the texts queued after the first n outbox rows, in order.
func outboxTexts(tb testing.TB, db querier, n int) []string {
	tb.Helper()
	rows, err := db.Query(`SELECT text FROM outbox ORDER BY id LIMIT -1 OFFSET ?`, n)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			tb.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func postSim(tb testing.TB, url string, req map[string]any) []string {
	tb.Helper()
	body, _ := json.Marshal(req)
	res, err := http.Post(url+"/api/sim/messages", "application/json", bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	var ans struct {
		Replies []struct {
			Text string `json:"text"`
		} `json:"replies"`
		Error string `json:"error"`
	}
	if err := json.NewDecoder(res.Body).Decode(&ans); err != nil {
		tb.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		tb.Fatalf("POST /api/sim/messages = %d: %s", res.StatusCode, ans.Error)
	}
	var out []string
	for _, r := range ans.Replies {
		out = append(out, r.Text)
	}
	return out
}

func docMsg(mimeType, name string, data []byte, path string) *waE2E.Message {
	m := imageMsg("", data, path).ImageMessage
	return &waE2E.Message{DocumentMessage: &waE2E.DocumentMessage{Mimetype: &mimeType, FileName: &name,
		FileLength: m.FileLength, FileSHA256: m.FileSHA256, MediaKey: m.MediaKey, DirectPath: m.DirectPath}}
}

func tinyPNG(tb testing.TB) []byte {
	tb.Helper()
	img := image.NewGray(image.Rect(0, 0, 8, 8))
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}
