// Package flows holds the resident conversation flows as pure functions:
// (state, input) -> (state, replies, effects). No SQL, no WhatsApp, no clock of its own: what a
// step may know of the world (the time, the resident's cases) comes in through Env.
//
// States are named "<flow>@<step>" (kk_ktp@nik, validasi_nik@docs); words such as menu, batal,
// kembali, petugas and bantuan work in every state.
package flows

import (
	"time"

	"github.com/ketanmu/ketanmu"
	"github.com/ketanmu/ketanmu/flows/intent"
	"github.com/ketanmu/ketanmu/lifecycle"
	"github.com/ketanmu/ketanmu/nik"
	"github.com/ketanmu/ketanmu/sla"
)

// Input is one resident message as the flows see it. Media carries metadata only: the bytes
// stay with the store.
type Input struct {
	ID          string // message ID, so a case can point at the stored photo
	Kind        ketanmu.Kind
	Text        string
	Media       *Media
	Unsupported string // sticker, voice, video, location, …, or too_large
}

// Media describes an attached photo or file, as checked by the router.
type Media struct {
	Mime     string
	Filename string
	Size     int64
	SHA256   string
	Width    int  // 0 when not an image
	Height   int  //
	Readable bool // the image decoded (or the PDF has a PDF header)
}

// Env is what the flows may know of the world for one step.
type Env struct {
	Now     time.Time
	Account Account
	// Cases are the resident's own cases, newest first. Nothing else is ever shown to them.
	Cases []CaseInfo
	// LoadCases, when set, gives Cases instead: called at most once a step, and only by a step
	// that looks at the resident's cases, so that most messages cost no case query.
	LoadCases func() []CaseInfo
}

// CaseInfo is what a resident may see of one of their cases.
type CaseInfo struct {
	Number    string
	Service   string
	Subtype   string
	Stage     ketanmu.Stage
	CreatedAt time.Time
	Due       time.Time // estimated completion; zero when unknown
	Queue     int       // place in the service's queue while waiting; 0 when not waiting
	History   []CaseEvent
}

// CaseEvent is one step in a case's history.
type CaseEvent struct {
	Stage  ketanmu.Stage
	At     time.Time
	Reason string
}

// Open reports whether the case is still in progress.
func (c CaseInfo) Open() bool { return !lifecycle.Closed(c.Stage) }

// Result is the outcome of one step. Replies may contain {number}, filled in by whoever carries
// out a NewCase effect.
type Result struct {
	State   State
	Replies []string
	Effects []Effect
}

// Effect is something a step asks the router to do in the same transaction as its replies.
type Effect interface{ effect() }

// NewCase asks for a registration number and a case holding the draft's data and photos.
type NewCase struct {
	Service   string
	Subtype   string
	NIK       string
	Name      string
	Documents []DocRef
	Details   map[string]string // delivery, address, notes, category, warnings…
	Due       time.Time         // estimated completion
}

// DocRef points at a stored photo by the ID of the message that carried it.
type DocRef struct {
	Key       string // document key from config, or "lampiran" for an extra photo
	MessageID string
	SHA256    string
}

// AddDocuments attaches photos to one of the resident's open cases (a second photo right after
// a complaint ticket).
type AddDocuments struct {
	Number    string
	Documents []DocRef
}

// NeedHuman marks the chat for an operator: the resident asked for one, or (Stuck) the bot could
// not place their messages.
type NeedHuman struct {
	Reason string
	Stuck  bool
}

func (NewCase) effect()      {}
func (NeedHuman) effect()    {}
func (AddDocuments) effect() {}

// Engine runs the flows with the office's options.
type Engine struct {
	opt      Options
	intents  *intent.Classifier
	regions  *nik.Regions
	villages *nik.Villages
	cal      *sla.Calendar
}

// New returns an engine for opt. A zero Calendar means the default week and holidays in Jakarta
// time; keywords that do not compile (config.Load checks them first) fall back to the defaults.
func New(opt Options) *Engine {
	kw := intent.Keywords(opt.Keywords)
	if len(kw) == 0 {
		kw = intent.DefaultKeywords()
	}
	cls, err := intent.New(kw)
	if err != nil {
		cls, _ = intent.New(intent.DefaultKeywords())
	}
	cal := opt.Calendar
	if cal == nil {
		loc, err := time.LoadLocation("Asia/Jakarta")
		if err != nil {
			loc = time.FixedZone("WIB", 7*3600)
		}
		cal = sla.NewCalendar(loc, sla.DefaultWeek(), sla.DefaultHolidays())
	}
	return &Engine{opt: opt, intents: cls, regions: nik.DefaultRegions(), villages: nik.DefaultVillages(), cal: cal}
}

// Classify exposes the free-text router (for `ketanmu route`).
func (e *Engine) Classify(text string) string { return e.intents.Classify(text) }
