package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// flowStep is one resident message: text, or a photo (with its text as the caption).
type flowStep struct {
	text  string
	photo string // file name; the content is seeded by it
}

func flowSay(s string) flowStep           { return flowStep{text: s} }
func flowPhoto(name, cap string) flowStep { return flowStep{photo: name, text: cap} }

// TestSimCompletesEveryService files one application of every service through POST
// /api/sim/messages, as a tool outside the project would, and checks what it leaves behind: a
// registration number in the replies, a status answer for it, the case row and its documents
// stored encrypted.
func TestSimCompletesEveryService(t *testing.T) {
	fs := newFlowSim(t)
	const nik = "3516131204850003"
	services := []struct {
		service, account, from, prefix string
		steps                          []flowStep
	}{
		{"kk_ktp", "kkktp", "081200000001", "KTP", []flowStep{flowSay("ktp saya hilang"), flowSay("5"), flowSay(nik),
			flowSay("Budi Santoso"), flowPhoto("kk-budi.jpg", "kk"), flowPhoto("surat-hilang.jpg", "surat kehilangan"),
			flowSay("tidak"), flowSay("1"), flowSay("ya")}},
		{"pindah_datang", "pindah", "081200000002", "PDH", []flowStep{flowSay("mau pindah datang"), flowSay("2"), flowSay(nik),
			flowSay("Dewi Lestari"), flowSay("474/123/SKPWNI/2026"), flowSay("tidak"), flowPhoto("skpwni.jpg", "skpwni"), flowPhoto("ktp-dewi.jpg", "ktp"), flowSay("-"),
			flowSay("2"), flowSay("Jl. Raya Sooko No. 12 RT 02 RW 05"), flowSay("sokko"), flowSay("Sooko"), flowSay("61361"), flowSay("ya")}},
		{"akta", "akta", "081200000003", "AKT", []flowStep{flowSay("akta kelahiran anak"), flowSay("1"), flowSay(nik),
			flowSay("Ahmad Fauzi"), flowSay("Muhammad Rizki Fauzi"), flowSay("Mojosari"), flowSay("2-11-2026"),
			flowSay("Siti Aminah"), flowSay("Ahmad Fauzi"), flowPhoto("surat-lahir.jpg", ""), flowPhoto("buku-nikah.jpg", ""),
			flowPhoto("kk-fauzi.jpg", ""), flowSay("tidak"), flowSay("1"), flowSay("ya")}},
		{"validasi_nik", "nik", "081200000004", "NIK", []flowStep{flowSay("nik saya tidak terdaftar di bpjs"), flowSay("1"),
			flowSay(nik), flowPhoto("kk-nik.jpg", "kk"), flowPhoto("ktp-nik.jpg", "ktp"), flowSay("ya")}},
		{"pengaduan", "pengaduan", "081200000005", "ADU", []flowStep{flowSay("pengaduan"), flowSay("3"),
			flowSay("Di loket kecamatan saya dimintai uang untuk cetak KTP."), flowPhoto("kuitansi.jpg", "bukti")}},
	}
	numberRE := regexp.MustCompile(`[A-Z]{2,5}-\d{6}-\d{4}`)
	for _, svc := range services {
		t.Run(svc.service, func(t *testing.T) {
			sent := map[string][]byte{} // sha256 -> the photo's plain bytes
			var last []flowReply
			for _, step := range svc.steps {
				last = fs.post(t, svc.account, svc.from, step, sent)
			}
			var number string
			for _, r := range last {
				if r.To == fs.chat(t, svc.from) {
					if m := numberRE.FindString(r.Text); m != "" {
						number = m
						break
					}
				}
			}
			if !strings.HasPrefix(number, svc.prefix+"-") {
				t.Fatalf("last replies hold no %s-… registration number: %+v", svc.prefix, last)
			}

			status := fs.post(t, svc.account, svc.from, flowSay("status "+number), nil)
			if len(status) == 0 || !strings.Contains(status[0].Text, number) {
				t.Errorf("status %s answered %+v, want that case", number, status)
			}

			fs.checkCase(t, number, svc.service, svc.account, fs.chat(t, svc.from), sent)
		})
	}
}

// checkCase looks at what the database holds for number: the case, and each document stored
// encrypted (not the plain JPEG), decrypting to a photo the resident sent.
func (fs *flowSim) checkCase(t *testing.T, number, service, account, chat string, sent map[string][]byte) {
	t.Helper()
	var id int64
	var gotService, gotAccount, gotChat, stage string
	err := fs.DB.SQL().QueryRow(`SELECT id, service, account, chat, stage FROM cases WHERE number = ?`, number).
		Scan(&id, &gotService, &gotAccount, &gotChat, &stage)
	if err != nil {
		t.Fatalf("case %s: %v", number, err)
	}
	if gotService != service || gotAccount != account || gotChat != chat {
		t.Errorf("case %s = service %q account %q chat %q, want %q %q %q", number, gotService, gotAccount, gotChat,
			service, account, chat)
	}
	if stage == "" || stage == "done" || stage == "rejected" {
		t.Errorf("case %s stage = %q, want an open stage", number, stage)
	}
	rows, err := fs.DB.SQL().Query(`SELECT d.doc_key, m.id, m.sha256, m.data FROM case_documents d
		JOIN media m ON m.id = d.media_id WHERE d.case_id = ? ORDER BY d.id`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	docs := 0
	for rows.Next() {
		var key, sum string
		var mediaID int64
		var blob []byte
		if err := rows.Scan(&key, &mediaID, &sum, &blob); err != nil {
			t.Fatal(err)
		}
		docs++
		plain, ok := sent[sum]
		if !ok {
			t.Errorf("document %s (media %d) has sha256 %s, not one of the photos sent", key, mediaID, sum)
			continue
		}
		if bytes.HasPrefix(blob, []byte{0xFF, 0xD8}) || bytes.Contains(blob, plain[:256]) {
			t.Errorf("document %s (media %d) is stored in the clear", key, mediaID)
		}
		m, err := fs.DB.Media(context.Background(), mediaID)
		if err != nil {
			t.Errorf("document %s: decrypt media %d: %v", key, mediaID, err)
		} else if !bytes.Equal(m.Data, plain) {
			t.Errorf("document %s: media %d decrypts to other bytes than were sent", key, mediaID)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if want := len(sent); docs != want {
		t.Errorf("case %s has %d documents, want %d (one per photo sent)", number, docs, want)
	}
}

// flowSim is the simulator (mustSimEnv) with the example config unchanged, and the count of
// messages posted, which numbers their ids.
type flowSim struct {
	*simEnv
	seq int
}

func newFlowSim(t *testing.T) *flowSim {
	t.Helper()
	return &flowSim{simEnv: mustSimEnv(t, mustConfig(t, ""), "")}
}

type flowReply struct {
	ID   string `json:"id"`
	To   string `json:"to"`
	Text string `json:"text"`
}

// post sends one resident message and returns the replies; photos sent are recorded in sent.
func (fs *flowSim) post(t *testing.T, account, from string, step flowStep, sent map[string][]byte) []flowReply {
	t.Helper()
	fs.seq++
	msg := map[string]any{"account": account, "from": from, "text": step.text, "id": fmt.Sprintf("FLOW%05d", fs.seq)}
	if step.photo != "" {
		data := flowJPEG(t, step.photo)
		sum := sha256.Sum256(data)
		sent[hex.EncodeToString(sum[:])] = data
		msg["media"] = map[string]string{"mime": "image/jpeg", "filename": step.photo,
			"data": base64.StdEncoding.EncodeToString(data)}
	}
	body, err := json.Marshal(msg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.Post(fs.URL+"/api/sim/messages", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("POST %+v: %s %s", step, res.Status, raw)
	}
	var out struct {
		Replies []flowReply `json:"replies"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("POST %+v: %v in %s", step, err, raw)
	}
	if len(out.Replies) == 0 {
		t.Fatalf("POST %+v: no reply", step)
	}
	return out.Replies
}

// chat is the resident's chat as replies address it (628…).
func (fs *flowSim) chat(t *testing.T, from string) string {
	t.Helper()
	if !strings.HasPrefix(from, "0") {
		t.Fatalf("phone %q: want the 08… form", from)
	}
	return "62" + from[1:]
}

// flowJPEG returns a 1200×900 JPEG whose content is seeded by name.
func flowJPEG(t *testing.T, name string) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 1200, 900))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.RGBA{240, 240, 235, 255}), image.Point{}, draw.Src)
	sum := sha256.Sum256([]byte(name))
	for i := 0; i+3 < len(sum); i += 2 {
		x, y := int(sum[i])*4, int(sum[i+1])*3
		c := color.RGBA{sum[i+2] / 2, sum[i+3] / 2, 90, 255}
		draw.Draw(img, image.Rect(x, y, x+200, y+24), image.NewUniform(c), image.Point{}, draw.Src)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
