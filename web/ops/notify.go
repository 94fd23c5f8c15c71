package ops

import (
	"net/http"
	"strconv"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/casework"
	"github.com/ketanmu/ketanmu/store"
	"github.com/ketanmu/ketanmu/web/httpx"
)

// The workspace's browser notifications (web/ops/static/notify.js, off until the person turns
// them on): GET /ops/notify lists what may call for one, each with a key that stays the same
// while it is the same event, so that the page notifies each once.

type notifyItem struct {
	Key   string `json:"key"`
	Title string `json:"title"`
	Body  string `json:"body"`
	URL   string `json:"url"`
}

// notifyMax bounds the cases read for the returned fixes: one page of the person's own cases.
const notifyMax = 100

func (s *Server) opsNotify(w http.ResponseWriter, r *http.Request, u *opsUser) {
	chats, err := s.cases().Chats(r.Context(), u.Actor)
	if err != nil {
		s.opsErr(w, r, u, err)
		return
	}
	items := []notifyItem{}
	for _, ch := range chats {
		// A chat someone took has a person already; one still waiting for a first answer needs one.
		if ch.Reason == store.ChatTaken || !ch.AnsweredAt.IsZero() {
			continue
		}
		items = append(items, notifyItem{Key: "chat-" + strconv.FormatInt(ch.ID, 10), Title: "Chat menunggu petugas",
			Body: "Pemohon " + ketanmu.MaskPhone(ch.Chat) + " menunggu dibalas.", URL: "/ops/chats/" + strconv.FormatInt(ch.ID, 10)})
	}
	page, err := s.cases().Queue(r.Context(), u.Actor, casework.Filter{Mine: true, Open: true, PerPage: notifyMax})
	if err != nil {
		s.opsErr(w, r, u, err)
		return
	}
	for _, c := range page.Cases {
		if c.FixReturnedAt.IsZero() {
			continue
		}
		items = append(items, notifyItem{Key: "fix-" + c.Number + "-" + strconv.FormatInt(c.FixReturnedAt.Unix(), 10),
			Title: "Perbaikan masuk", Body: "Pemohon sudah mengirim perbaikan untuk " + c.Number + ".", URL: "/ops/cases/" + c.Number})
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"items": items})
}
