package flows

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ketanmu/ketanmu"
)

// The satisfaction survey (Survei Kepuasan Masyarakat, PermenPANRB 14/2017). When a case is done
// the case service puts the conversation on the invitation (Engine.Invite) and sends the
// invitation right after the done notice. "ya" asks the nine elements U1..U9, each answered
// 1..4 or by one of its answers' words, then one optional suggestion. Every answer is recorded
// as it comes (SurveyAnswer), so a survey left halfway keeps what was answered; it is never
// asked again. menu and batal leave it; any other word that works everywhere leaves it too and
// does what it always does.
const (
	stepSurveyInvite     = "skm@invite"
	stepSurveyQuestion   = "skm@question"
	stepSurveySuggestion = "skm@saran"
)

// SurveyElement is one element of the survey: its code (U1…), question and four answers, worst first.
type SurveyElement struct {
	Code     string
	Question string
	Answers  []string
}

// Survey is the satisfaction survey a resident was invited to, for case Number.
type Survey struct {
	Number string `json:"number"`
	// Next is the index (0..8) of the element to ask.
	Next int `json:"next,omitempty"`
}

// SurveyAnswer records the answer Score (1..4) to element Element (1..9) of case Number's survey.
type SurveyAnswer struct {
	Number  string
	Element int
	Score   int
}

// SurveySuggestion records the survey's free-text suggestion.
type SurveySuggestion struct {
	Number, Text string
}

func (SurveyAnswer) effect()     {}
func (SurveySuggestion) effect() {}

// generalAnswers are words that answer any element, by score.
var generalAnswers = [4][]string{
	{"tidak puas", "sangat tidak puas", "buruk", "sangat buruk", "tidak baik", "jelek"},
	{"kurang puas", "kurang baik", "kurang", "cukup"},
	{"puas", "baik", "bagus"},
	{"sangat puas", "sangat baik", "sangat bagus", "memuaskan", "luar biasa"},
}

// Invite puts a conversation on the survey's invitation for case number. It reports false, and
// leaves the state alone, when the resident is in the middle of something: a survey never
// interrupts an application, a fix or another survey.
func (e *Engine) Invite(st State, number string, now time.Time) (State, bool) {
	if !browsing(st.Step) || len(e.opt.Survey) == 0 {
		return st, false
	}
	// The survey's idle time counts from the invitation, not from the resident's last message.
	st.Greeted, st.LastActive = true, now
	st.Survey = &Survey{Number: number}
	st.Step = stepSurveyInvite
	return st, true
}

// browsing reports whether a step holds nothing being filled in: the menu, or reading
// information or an open case.
func browsing(step string) bool {
	return step == "" || strings.HasPrefix(step, "info@") || strings.HasPrefix(step, "existing@")
}

// leaveSurvey ends the survey; what was answered stays recorded.
func (t *turn) leaveSurvey() {
	t.st.Survey, t.st.Step = nil, ""
}

// surveyWord handles a text message while the survey is on; false lets the usual handling
// answer it (the survey has then ended).
func (t *turn) surveyWord() bool {
	if !strings.HasPrefix(t.st.Step, "skm@") {
		return false
	}
	if t.st.Survey == nil || t.surveyExpired() {
		t.leaveSurvey()
		return false
	}
	sv := *t.st.Survey // the state passed in stays as it was
	t.st.Survey = &sv
	switch t.word {
	case "menu", "mulai", "start", "batal", "cancel", "stop":
		if t.st.Step != stepSurveyInvite {
			t.sayf("skm_left")
		}
		t.leaveSurvey()
		t.say(t.e.menu(t.env.Account))
		return true
	case "bantuan", "help", "tolong":
		t.surveyPrompt()
		return true
	case "kembali", "back", "balik":
		if s := t.st.Survey; t.st.Step == stepSurveySuggestion || (t.st.Step == stepSurveyQuestion && s.Next > 0) {
			t.st.Step, s.Next = stepSurveyQuestion, max(0, min(s.Next, len(t.e.opt.Survey))-1)
		}
		t.surveyPrompt()
		return true
	}
	switch t.st.Step {
	case stepSurveyInvite:
		return t.surveyInvited()
	case stepSurveyQuestion:
		return t.surveyAnswer()
	}
	t.surveySuggestion()
	return true
}

// surveyExpired reports whether the resident left the survey for longer than flows.idle_timeout.
func (t *turn) surveyExpired() bool {
	idle := t.e.opt.IdleTimeout
	return idle > 0 && t.env.Now.Sub(t.st.LastActive) >= idle
}

// surveyInvited answers the invitation: anything but yes or no is not about the survey at all.
func (t *turn) surveyInvited() bool {
	switch t.word {
	case "ya", "y", "iya", "yes", "mau", "bersedia", "boleh", "ok", "oke", "siap":
		t.st.Step, t.st.Survey.Next = stepSurveyQuestion, 0
		t.surveyPrompt()
	case "tidak", "tdk", "gak", "ga", "nggak", "enggak", "no", "tidak bersedia", "lain kali":
		t.leaveSurvey()
		t.sayf("skm_declined")
	default:
		t.leaveSurvey()
		return false
	}
	return true
}

// surveyAnswer takes an answer to the current element.
func (t *turn) surveyAnswer() bool {
	s := t.st.Survey
	if s.Next < 0 || s.Next >= len(t.e.opt.Survey) {
		t.st.Step = stepSurveySuggestion
		t.surveyPrompt()
		return true
	}
	score := t.e.surveyScore(t.e.opt.Survey[s.Next], t.word)
	if score == 0 {
		// Another word that works everywhere (petugas, privasi, status…) leaves the survey.
		saved := *t
		t.leaveSurvey()
		if t.globalWord() {
			return true
		}
		*t = saved
		t.sayf("skm_choose")
		t.surveyPrompt()
		return true
	}
	t.do(SurveyAnswer{Number: s.Number, Element: s.Next + 1, Score: score})
	s.Next++
	if s.Next >= len(t.e.opt.Survey) {
		t.st.Step = stepSurveySuggestion
	}
	t.surveyPrompt()
	return true
}

// surveyScore reads an answer: 1..4, one of the element's own answers, or a general word such
// as "puas". Anything else (including an answer the element's words make ambiguous) is 0.
func (e *Engine) surveyScore(el SurveyElement, word string) int {
	if n, err := strconv.Atoi(word); err == nil {
		if n >= 1 && n <= 4 {
			return n
		}
		return 0
	}
	for i, a := range el.Answers {
		if normalizeWord(a) == word {
			return i + 1
		}
	}
	for i, words := range generalAnswers {
		if slices.Contains(words, word) {
			return i + 1
		}
	}
	return 0
}

// surveySuggestion takes the optional suggestion and ends the survey.
func (t *turn) surveySuggestion() {
	switch t.word {
	case "lewati", "skip", "tidak", "tidak ada", "tdk", "gak", "ga", "-", "cukup", "sudah":
	default:
		if utf8.RuneCountInString(t.text) < 3 {
			t.surveyPrompt()
			return
		}
		t.do(SurveySuggestion{Number: t.st.Survey.Number, Text: t.text})
	}
	t.leaveSurvey()
	t.sayf("skm_thanks")
}

// survey answers a message that is not text while the survey is on: the question again.
func (t *turn) survey() {
	if t.st.Survey == nil {
		t.leaveSurvey()
		t.idle()
		return
	}
	if t.in.Kind != ketanmu.KindText && t.st.Step != stepSurveyInvite {
		t.sayf("skm_choose")
	}
	if t.st.Step == stepSurveyInvite {
		t.leaveSurvey()
		t.idle()
		return
	}
	t.surveyPrompt()
}

// surveyPrompt asks the current question of the survey.
func (t *turn) surveyPrompt() {
	switch t.st.Step {
	case stepSurveyInvite:
		t.sayf("skm_invite")
	case stepSurveySuggestion:
		t.sayf("skm_suggestion")
	default:
		t.say(t.e.surveyQuestion(t.st.Survey.Next))
	}
}

// surveyQuestion is element i's question with its numbered answers.
func (e *Engine) surveyQuestion(i int) string {
	el := e.opt.Survey[i]
	var answers strings.Builder
	for n, a := range el.Answers {
		if n > 0 {
			answers.WriteString("\n")
		}
		answers.WriteString(strconv.Itoa(n+1) + ". " + a)
	}
	return e.text("skm_question", "n", strconv.Itoa(i+1), "total", strconv.Itoa(len(e.opt.Survey)),
		"question", el.Question, "answers", answers.String())
}

// knownSurveyStep reports whether st is a survey step this release has, at a question the
// office's survey has.
func (e *Engine) knownSurveyStep(st State) bool {
	s := st.Survey
	if s == nil || len(e.opt.Survey) == 0 {
		return false
	}
	switch st.Step {
	case stepSurveyInvite, stepSurveySuggestion:
		return true
	case stepSurveyQuestion:
		return s.Next >= 0 && s.Next < len(e.opt.Survey)
	}
	return false
}
