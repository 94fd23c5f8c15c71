package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ketanmu/ketanmu/store"
)

// Operators of the example config, by name, with the phone they write from.
var examplePhones = map[string]string{
	"Rina (front office)": "6281200000001", "Agus (validator)": "6281200000002", "Dewi (produksi)": "6281200000003",
	"Bu Kadis": "6281200000004", "Sari (pengaduan)": "6281200000005",
}

// adapterRow is one operator action done twice on identical cases: as a WhatsApp command (sent
// through the simulator, which takes WhatsApp's input path) and through the cases API.
type adapterRow struct {
	name     string
	service  string
	stage    string
	delivery string
	taken    bool   // a person has the resident's chat already
	actor    string // operator name: the command's sender, the API token's owner
	group    string // where the command is typed ("" = the account's operators' group)
	command  string // {n} is the case number
	action   string // the API's /actions body
	refused  bool
}

// TestAdaptersAgree runs every operator action through the WhatsApp commands and the cases API
// on the same case states and compares what they did: the stage, the assignee, the notes, what
// the resident was sent, and, when refused, the refusal itself.
func TestAdaptersAgree(t *testing.T) {
	cfg := mustConfig(t, "")
	brisk(cfg)
	pindah := cfg.Services["pindah_datang"]
	pindah.Profile = "pak_pos" // a profile whose steps need roles
	cfg.Services["pindah_datang"] = pindah
	api := &casesAPI{simEnv: mustSimEnv(t, cfg, apiToken), token: apiToken}
	const complaints = "120363000000000106@g.us"

	rows := []adapterRow{
		{name: "take", service: "kk_ktp", stage: "submitted", actor: "Rina (front office)",
			command: "#ambil {n}", action: `{"action": "take"}`},
		{name: "assign someone else without being supervisor", service: "kk_ktp", stage: "verifying", actor: "Rina (front office)",
			command: "#tugaskan {n} Agus (validator)", action: `{"action": "assign", "assignee": "Agus (validator)"}`, refused: true},
		{name: "assign as supervisor", service: "kk_ktp", stage: "verifying", actor: "Bu Kadis",
			command: "#tugaskan {n} Agus (validator)", action: `{"action": "assign", "assignee": "Agus (validator)"}`},
		{name: "assign an unknown operator", service: "kk_ktp", stage: "verifying", actor: "Bu Kadis",
			command: "#tugaskan {n} Joko", action: `{"action": "assign", "assignee": "Joko"}`, refused: true},
		{name: "advance", service: "kk_ktp", stage: "verifying", delivery: "pickup", actor: "Rina (front office)",
			command: "#proses {n}", action: `{"action": "advance"}`},
		{name: "advance to the post needs a tracking number", service: "kk_ktp", stage: "in_production", delivery: "post",
			actor: "Rina (front office)", command: "#proses {n}", action: `{"action": "advance"}`, refused: true},
		{name: "ask for a fix", service: "kk_ktp", stage: "verifying", actor: "Rina (front office)",
			command: "#kurang {n} foto KK buram", action: `{"action": "fix", "text": "foto KK buram"}`},
		{name: "ask for a fix of a waiting case", service: "kk_ktp", stage: "submitted", actor: "Rina (front office)",
			command: "#kurang {n} foto KTP terpotong", action: `{"action": "fix", "text": "foto KTP terpotong"}`},
		{name: "reject", service: "kk_ktp", stage: "verifying", actor: "Rina (front office)",
			command: "#tolak {n} KK bukan atas nama pemohon", action: `{"action": "reject", "text": "KK bukan atas nama pemohon"}`},
		{name: "ship", service: "kk_ktp", stage: "in_production", delivery: "post", actor: "Rina (front office)",
			command: "#kirim {n} RESI123", action: `{"action": "ship", "tracking": "RESI123"}`},
		{name: "ship a case to be collected", service: "kk_ktp", stage: "in_production", delivery: "pickup", actor: "Rina (front office)",
			command: "#kirim {n} RESI123", action: `{"action": "ship", "tracking": "RESI123"}`, refused: true},
		{name: "ready for pickup", service: "kk_ktp", stage: "in_production", delivery: "pickup", actor: "Rina (front office)",
			command: "#siap {n}", action: `{"action": "pickup"}`},
		{name: "ready for pickup of a case to be posted", service: "kk_ktp", stage: "in_production", delivery: "post",
			actor: "Rina (front office)", command: "#siap {n}", action: `{"action": "pickup"}`, refused: true},
		{name: "close", service: "kk_ktp", stage: "ready_for_pickup", delivery: "pickup", actor: "Rina (front office)",
			command: "#selesai {n}", action: `{"action": "close"}`},
		{name: "close too early", service: "kk_ktp", stage: "submitted", actor: "Rina (front office)",
			command: "#selesai {n}", action: `{"action": "close"}`, refused: true},
		{name: "note", service: "kk_ktp", stage: "verifying", actor: "Dewi (produksi)",
			command: "#catat {n} pemohon minta diambil Jumat", action: `{"action": "note", "text": "pemohon minta diambil Jumat"}`},
		{name: "reply", service: "kk_ktp", stage: "submitted", actor: "Rina (front office)",
			command: "#balas {n} Selamat siang, berkas sedang kami cek.", action: `{"action": "reply", "text": "Selamat siang, berkas sedang kami cek."}`},
		{name: "act on a closed case", service: "kk_ktp", stage: "done", actor: "Rina (front office)",
			command: "#ambil {n}", action: `{"action": "take"}`, refused: true},
		{name: "a step that needs a role", service: "pindah_datang", stage: "verifying", actor: "Rina (front office)",
			command: "#proses {n}", action: `{"action": "advance"}`, refused: true},
		{name: "the role the step needs", service: "pindah_datang", stage: "verifying", actor: "Agus (validator)",
			command: "#proses {n}", action: `{"action": "advance"}`},
		{name: "a complaint is not the front office's", service: "pengaduan", stage: "submitted", actor: "Rina (front office)",
			command: "#ambil {n}", action: `{"action": "take"}`, refused: true},
		{name: "the complaints officer takes a complaint", service: "pengaduan", stage: "submitted", actor: "Sari (pengaduan)",
			group: complaints, command: "#ambil {n}", action: `{"action": "take"}`},
		{name: "the complaints officer answers a complaint", service: "pengaduan", stage: "verifying", actor: "Sari (pengaduan)",
			group: complaints, command: "#selesai {n}", action: `{"action": "close"}`},
		{name: "hand back a chat the bot has", service: "kk_ktp", stage: "verifying", actor: "Rina (front office)",
			command: "#bot", action: `{"action": "handback"}`, refused: true},
		{name: "hand back a taken chat", service: "kk_ktp", stage: "verifying", taken: true, actor: "Rina (front office)",
			command: "#bot", action: `{"action": "handback"}`},
	}
	for i, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			phoneA, phoneB := fmt.Sprintf("6281300%03d001", i), fmt.Sprintf("6281300%03d002", i)
			a := adapterCase(t, api, row, phoneA)
			b := adapterCase(t, api, row, phoneB)

			answerA, sentA := viaWhatsApp(t, api, row, a, phoneA)
			status, answerB, sentB := viaAPI(t, api, row, b, phoneB)

			if row.refused {
				if !strings.HasPrefix(answerA, "⚠️ ") {
					t.Errorf("WhatsApp answered %q, want a refusal", answerA)
				}
				if status < 400 || status >= 500 {
					t.Errorf("API answered %d %s, want a 4xx refusal", status, answerB)
				}
				if got, want := strings.TrimPrefix(answerA, "⚠️ "), answerB; strings.ReplaceAll(got, a, "{n}") != strings.ReplaceAll(want, b, "{n}") {
					t.Errorf("refusals differ:\nWhatsApp: %s\nAPI:      %s", got, want)
				}
			} else if status != http.StatusOK {
				t.Errorf("API answered %d %s, want 200", status, answerB)
			}
			if got, want := caseState(t, api, a), caseState(t, api, b); got != want {
				t.Errorf("case after the action differs:\nWhatsApp: %s\nAPI:      %s", got, want)
			}
			if row.refused && caseState(t, api, a) != row.stage+" ·  · notes 0" {
				t.Errorf("a refused action changed the case: %s", caseState(t, api, a))
			}
			norm := func(msgs []string, number string) []string {
				out := make([]string, len(msgs))
				for i, m := range msgs {
					out[i] = strings.ReplaceAll(m, number, "{n}")
				}
				return out
			}
			if got, want := norm(sentA, a), norm(sentB, b); !slices.Equal(got, want) {
				t.Errorf("the resident was told different things:\nWhatsApp: %q\nAPI:      %q", got, want)
			}
		})
	}
}

// adapterCase stores a case as row describes, for a resident at phone, and returns its number.
func adapterCase(tb testing.TB, api *casesAPI, row adapterRow, phone string) string {
	tb.Helper()
	var number string
	err := api.DB.Update(context.Background(), func(tx *store.Tx) error {
		rid, err := tx.Resident(phone, "")
		if err != nil {
			return err
		}
		details := map[string]string{}
		if row.delivery != "" {
			details["delivery"] = row.delivery
		}
		number, err = tx.CreateCase(store.NewCase{Account: "nik", Chat: phone, ResidentID: rid, Prefix: api.Cfg.Services[row.service].Prefix,
			Service: row.service, NIK: "3516131204850003", Name: "Budi Santoso", Details: details,
			Due: tx.Now().Add(72 * time.Hour), Day: "261125", Actor: "pemohon"})
		if err != nil {
			return err
		}
		conv, err := tx.Conversation("nik", phone)
		if err != nil {
			return err
		}
		conv.ResidentID = rid
		if row.taken {
			conv.HumanBy, conv.HumanAt = "HP kantor", tx.Now()
		}
		return tx.SaveConversation(conv)
	})
	if err != nil {
		tb.Fatal(err)
	}
	closed := ""
	if row.stage == "done" || row.stage == "rejected" {
		closed = "2026-11-25T02:00:00.000Z"
	}
	if _, err := api.DB.SQL().Exec(`UPDATE cases SET stage = ?, closed_at = ? WHERE number = ?`, row.stage, closed, number); err != nil {
		tb.Fatal(err)
	}
	return number
}

// viaWhatsApp types the row's command as its actor and returns the answer to the operator and
// what was queued for the resident.
func viaWhatsApp(tb testing.TB, api *casesAPI, row adapterRow, number, resident string) (string, []string) {
	tb.Helper()
	before := lastOutboxID(tb, api)
	msg := map[string]any{"account": "nik", "text": strings.ReplaceAll(row.command, "{n}", number)}
	answerTo := row.group
	switch {
	case row.command == "#bot":
		// #bot is typed on the office phone in the resident's chat; answers go to the group.
		msg["from"], msg["from_me"] = resident, true
		answerTo = "120363000000000104@g.us"
	default:
		if answerTo == "" {
			answerTo = "120363000000000104@g.us"
		}
		msg["from"], msg["sender"] = answerTo, examplePhones[row.actor]
	}
	body, err := json.Marshal(msg)
	if err != nil {
		tb.Fatal(err)
	}
	status, _, data := api.call(tb, http.MethodPost, "/api/sim/messages", string(body), "Content-Type", "application/json")
	if status != http.StatusOK {
		tb.Fatalf("POST /api/sim/messages = %d %s", status, data)
	}
	var res struct {
		Replies []struct{ To, Text string } `json:"replies"`
	}
	if err := json.Unmarshal(data, &res); err != nil {
		tb.Fatal(err)
	}
	answer := ""
	for _, r := range res.Replies {
		if r.To == answerTo {
			answer = r.Text
		}
	}
	return answer, sentSince(tb, api, resident, before)
}

// viaAPI does the row's action with its actor's token and returns the status, the error (or
// "" when it succeeded) and what was queued for the resident.
func viaAPI(tb testing.TB, api *casesAPI, row adapterRow, number, resident string) (int, string, []string) {
	tb.Helper()
	before := lastOutboxID(tb, api)
	status, _, data := api.as(tb, row.actor).call(tb, http.MethodPost, "/api/cases/"+number+"/actions", row.action)
	var ans struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal(data, &ans); err != nil {
		tb.Fatalf("answer %s: %v", data, err)
	}
	return status, ans.Error, sentSince(tb, api, resident, before)
}

func lastOutboxID(tb testing.TB, api *casesAPI) int64 {
	tb.Helper()
	var id int64
	if err := api.DB.SQL().QueryRow(`SELECT COALESCE(MAX(id), 0) FROM outbox`).Scan(&id); err != nil {
		tb.Fatal(err)
	}
	return id
}

// sentSince lists what was queued for chat after outbox row id (revokes as "[revoke]").
func sentSince(tb testing.TB, api *casesAPI, chat string, id int64) []string {
	tb.Helper()
	rows, err := api.DB.SQL().Query(`SELECT text, revoke FROM outbox WHERE chat = ? AND id > ? ORDER BY id`, chat, id)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var text, revoke string
		if err := rows.Scan(&text, &revoke); err != nil {
			tb.Fatal(err)
		}
		if revoke != "" {
			continue // the command typed in the chat, deleted: the API has none to delete
		}
		out = append(out, text)
	}
	return out
}

// caseState is what an action may change: stage, assignee, and the notes with who wrote them.
func caseState(tb testing.TB, api *casesAPI, number string) string {
	tb.Helper()
	var stage, assignee, human string
	var notes int
	err := api.DB.SQL().QueryRow(`SELECT c.stage, c.assignee, (SELECT COUNT(*) FROM case_notes n WHERE n.case_id = c.id),
			COALESCE((SELECT human_by FROM conversations v WHERE v.account = c.account AND v.chat = c.chat), '')
		FROM cases c WHERE c.number = ?`, number).Scan(&stage, &assignee, &notes, &human)
	if err != nil {
		tb.Fatal(err)
	}
	return fmt.Sprintf("%s · %s · notes %d", stage, assignee, notes) + strings.Repeat(" · chat taken", min(len(human), 1))
}
