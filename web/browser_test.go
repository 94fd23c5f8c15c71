package web_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

const chromiumPath = "/usr/bin/chromium"

// TestBrowserSimulator uses the simulator page in headless Chromium as a person does: opens a
// chat by typing the resident's number, types in the composer and clicks send, then reads the
// replies, the delivery ticks and a photo as the page renders them. Set KETANMU_SCREENSHOTS to
// a folder to keep the screenshot.
func TestBrowserSimulator(t *testing.T) {
	srv := mustSimEnv(t, mustConfig(t, ""), "")
	b := newBrowser(t, 1280, 800)
	const resident = "081234567890"
	messages := `document.querySelector("#messages")`

	t.Run("send from the composer", func(t *testing.T) {
		b.load(chromedp.Navigate(srv.URL + "/?account=kkktp"))
		b.do(chromedp.WaitVisible(chromedp.CSS("#new-chat-phone")),
			chromedp.SendKeys(chromedp.CSS("#new-chat-phone"), resident),
			chromedp.Click(chromedp.CSS("#open-chat")),
			chromedp.WaitVisible(chromedp.CSS("#composer-text")),
			chromedp.SendKeys(chromedp.CSS("#composer-text"), "halo"),
			chromedp.Click(chromedp.CSS("#send")))
		b.wait("the greeting", messages+`.innerText.includes("Selamat datang")`)
		if got := b.eval(`document.querySelector("#composer-text").value`); got != "" {
			t.Errorf("composer still holds %q after sending", got)
		}
		msgs := b.eval(messages + `.innerHTML`)
		for _, want := range []string{`class="row in first"`, ">halo<", `class="row out first"`, "Selamat datang"} {
			if !strings.Contains(msgs, want) {
				t.Errorf("#messages lacks %q:\n%s", want, msgs)
			}
		}
		if !strings.Contains(msgs, "<strong>") {
			t.Errorf("#messages has no bold text; the greeting's *…* should be rendered bold:\n%s", msgs)
		}

		got := transcript(t, srv.URL, "kkktp", resident)
		if len(got) < 2 || got[0].Direction != "in" || got[0].Text != "halo" ||
			got[1].Direction != "out" || !strings.Contains(got[1].Text, "Selamat datang") {
			t.Errorf("transcript = %+v, want the resident's halo, then the bot's greeting", got)
		}
		for _, m := range got[1:] {
			if m.Direction != "out" || !strings.Contains(msgs, `data-id="`+m.ID+`"`) {
				t.Errorf("bot reply %s (%s) not rendered in #messages", m.ID, m.Direction)
			}
		}
	})

	t.Run("delivery ticks", func(t *testing.T) {
		// The outbox sends the replies; the page's poll turns each clock into a sent tick.
		b.wait("every reply sent", messages+`.querySelectorAll(".tick.sent").length >= 2 && !`+
			messages+`.querySelector(".tick.queued")`)
	})

	t.Run("screenshot with a photo", func(t *testing.T) {
		postImage(t, srv.URL, "kkktp", resident)
		b.wait("the photo", messages+`.innerText.includes("foto KK saya") && [...`+messages+
			`.querySelectorAll("img")].some((i) => i.complete && i.naturalWidth > 0)`)
		b.screenshot("sim-screenshot", 1280)
	})
}

type entry struct {
	ID        string `json:"id"`
	Direction string `json:"direction"`
	FromMe    bool   `json:"from_me"`
	Text      string `json:"text"`
	Media     *struct {
		Mime string `json:"mime"`
		URL  string `json:"url"`
	} `json:"media"`
}

func transcript(t *testing.T, base, account, chat string) []entry {
	t.Helper()
	res, err := http.Get(base + "/api/sim/messages?" + url.Values{"account": {account}, "chat": {chat}}.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET transcript: %s", res.Status)
	}
	var out []entry
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// postImage sends a small generated photo of a document, with a caption, as the resident.
func postImage(t *testing.T, base, account, from string) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 320, 200))
	for y := range 200 {
		for x := range 320 {
			c := color.RGBA{R: 220, G: 230, B: 245, A: 255}
			if y < 40 {
				c = color.RGBA{R: 30, G: 90, B: 160, A: 255}
			} else if y%24 < 3 && x > 20 && x < 300 {
				c = color.RGBA{R: 120, G: 120, B: 120, A: 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{"account": account, "from": from, "text": "foto KK saya",
		"media": map[string]string{"mime": "image/png", "filename": "kk.png",
			"data": base64.StdEncoding.EncodeToString(buf.Bytes())}})
	res, err := http.Post(base+"/api/sim/messages", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(res.Body)
		t.Fatalf("POST image: %s %s", res.Status, msg)
	}
}

// between returns the part of s after the first start and before the next end after it.
func between(s, start, end string) string {
	_, s, _ = strings.Cut(s, start)
	s, _, _ = strings.Cut(s, end)
	return s
}
