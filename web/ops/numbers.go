package ops

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"rsc.io/qr"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/web/httpx"
	"github.com/ketanmu/ketanmu/web/status"
)

// Linker links an account's WhatsApp number while the service runs (the WhatsApp transport):
// show is called with each QR code or pairing code to present, and with progress.
type Linker interface {
	Link(ctx context.Context, account, phone string, show func(LinkStep)) error
}

// LinkStep is what linking a number asks a person to do now.
type LinkStep struct {
	QR       string        // a QR code's content, to scan with the phone
	QRValid  time.Duration // how long that code is valid
	Code     string        // a pairing code to type on the phone
	Progress string
}

// linkJob is one number being linked from the browser.
type linkJob struct {
	step    LinkStep
	started time.Time
	done    bool
	err     string
	cancel  context.CancelFunc
}

// linkTimeout bounds a linking started from the browser.
const linkTimeout = 3 * time.Minute

type numberView struct {
	Key, Name, Phone, State, Since, Detail, Action string
	NeedsPerson                                    bool
	Outbox                                         int
	Linking                                        bool
}

type numbersView struct {
	Numbers []numberView
	CanLink bool
	Linker  bool
	Backup  backupView
}

// stateTexts say, per connection state, what it means and what a person should do.
var stateTexts = map[ketanmu.ConnState][2]string{
	ketanmu.StateConnected:    {"Terhubung", ""},
	ketanmu.StateConnecting:   {"Menyambung…", "Tunggu sebentar; bila lama, periksa internet server."},
	ketanmu.StateDisconnected: {"Terputus", "Sistem mencoba menyambung lagi sendiri. Bila berlangsung lama, periksa internet server."},
	ketanmu.StateNotPaired:    {"Belum ditautkan", "Tautkan nomor ini dengan tombol \"Tautkan\", lalu pindai kode QR dengan HP kantor."},
	ketanmu.StateLoggedOut:    {"Keluar dari WhatsApp", "Perangkat dilepas dari HP kantor. Tautkan ulang nomor ini."},
	ketanmu.StateReplaced:     {"Digantikan perangkat lain", "Nomor ini dibuka di server lain. Pastikan hanya satu server yang berjalan."},
	ketanmu.StateBanned:       {"Diblokir sementara", "WhatsApp membatasi nomor ini. Tunggu sampai batasnya berakhir; jangan tautkan ulang."},
	ketanmu.StateOutdated:     {"Versi klien usang", "Perbarui ketanmu ke versi terbaru, lalu jalankan ulang."},
}

func (s *Server) opsNumbers(w http.ResponseWriter, r *http.Request, u *opsUser) {
	depth, err := s.db.OutboxDepth(r.Context())
	if err != nil {
		s.opsErr(w, r, u, err)
		return
	}
	v := numbersView{CanLink: u.Supervisor() && s.linker != nil, Linker: s.linker != nil, Backup: s.backupView(u.Supervisor())}
	st := s.opsState()
	st.linkMu.Lock()
	for _, a := range status.Accounts(s.cfg, s.tr) {
		n := numberView{Key: a.Key, Name: a.Name, Phone: a.Phone, State: string(a.State), Detail: a.Detail,
			NeedsPerson: a.NeedsPerson, Outbox: depth[a.Key]}
		if t, ok := stateTexts[a.State]; ok {
			n.State, n.Action = t[0], t[1]
		}
		if a.Since != nil {
			n.Since = officeDate(*a.Since, s.cfg)
		}
		if job := st.links[a.Key]; job != nil && !job.done {
			n.Linking = true
		}
		v.Numbers = append(v.Numbers, n)
	}
	st.linkMu.Unlock()
	s.render(w, http.StatusOK, "numbers", opsView{Title: "Nomor WhatsApp", Nav: "numbers", User: u, Page: v})
}

// opsLinkStart starts linking a number (supervisors): a QR code, or with phone a pairing code.
func (s *Server) opsLinkStart(w http.ResponseWriter, r *http.Request, u *opsUser) {
	if !u.Supervisor() {
		s.opsFail(w, r, u, http.StatusForbidden, "Hanya supervisor yang boleh menautkan nomor WhatsApp.")
		return
	}
	if s.linker == nil {
		s.opsFail(w, r, u, http.StatusConflict, "Simulator: nomor tidak perlu ditautkan.")
		return
	}
	acc, ok := s.cfg.Account(r.PathValue("key"))
	if !ok {
		s.opsFail(w, r, u, http.StatusNotFound, "Nomor tidak dikenal.")
		return
	}
	phone := ""
	if r.PostFormValue("mode") == "code" {
		phone = acc.Phone
	}
	st := s.opsState()
	st.linkMu.Lock()
	if job := st.links[acc.Key]; job != nil && !job.done {
		st.linkMu.Unlock()
		http.Redirect(w, r, "/ops/numbers#"+acc.Key, http.StatusSeeOther)
		return
	}
	ctx, cancel := context.WithTimeout(st.streams, linkTimeout)
	job := &linkJob{started: time.Now(), cancel: cancel, step: LinkStep{Progress: "Menyiapkan…"}}
	st.links[acc.Key] = job
	st.linkMu.Unlock()
	s.log.Info("Linking a number from the workspace", "account", acc.Key, "operator", u.Actor.Name)
	go func() {
		defer cancel()
		err := s.linker.Link(ctx, acc.Key, phone, func(step LinkStep) {
			st.linkMu.Lock()
			defer st.linkMu.Unlock()
			if step.Progress != "" && step.QR == "" && step.Code == "" {
				job.step.Progress = step.Progress
				return
			}
			job.step = step
		})
		st.linkMu.Lock()
		defer st.linkMu.Unlock()
		job.done = true
		if err != nil {
			job.err = "Gagal menautkan: " + ketanmu.ErrorMessage(err)
			s.log.Warn("Linking from the workspace failed", "account", acc.Key, "error", err)
			return
		}
		job.step = LinkStep{Progress: "Nomor berhasil ditautkan."}
	}()
	http.Redirect(w, r, "/ops/numbers#"+acc.Key, http.StatusSeeOther)
}

// opsLinkState answers the state of a linking as JSON for the numbers page: the QR code as SVG,
// or the pairing code, progress, the end.
func (s *Server) opsLinkState(w http.ResponseWriter, r *http.Request, u *opsUser) {
	if !u.Supervisor() {
		httpx.Error(w, http.StatusForbidden, "Hanya supervisor yang boleh menautkan nomor WhatsApp.")
		return
	}
	st := s.opsState()
	st.linkMu.Lock()
	job := st.links[r.PathValue("key")]
	var out map[string]any
	if job != nil {
		out = map[string]any{"progress": job.step.Progress, "code": formatPairCode(job.step.Code), "done": job.done,
			"error": job.err, "qr_svg": "", "valid_seconds": int(job.step.QRValid.Seconds())}
		if job.step.QR != "" {
			out["qr_svg"] = string(qrSVG(job.step.QR))
		}
	}
	st.linkMu.Unlock()
	if out == nil {
		httpx.Error(w, http.StatusNotFound, "Tidak ada penautan yang berjalan untuk nomor ini.")
		return
	}
	httpx.JSON(w, http.StatusOK, out)
}

func formatPairCode(code string) string {
	if len(code) == 8 {
		return code[:4] + "-" + code[4:]
	}
	return code
}

// qrSVG draws a QR code as an SVG image, one path of dark modules with a quiet zone.
func qrSVG(text string) template.HTML {
	c, err := qr.Encode(text, qr.L)
	if err != nil {
		return ""
	}
	var b strings.Builder
	n := c.Size + 8
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="264" height="264" role="img" aria-label="Kode QR untuk menautkan nomor" shape-rendering="crispEdges"><rect width="100%%" height="100%%" fill="#fff"/><path fill="#000" d="`, n, n)
	for y := 0; y < c.Size; y++ {
		for x := 0; x < c.Size; x++ {
			if c.Black(x, y) {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x+4, y+4)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return template.HTML(b.String())
}
