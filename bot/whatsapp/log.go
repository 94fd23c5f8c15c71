package whatsapp

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"

	waLog "go.mau.fi/whatsmeow/util/log"

	"github.com/ketanmu/ketanmu"
)

// slogLogger adapts slog to whatsmeow's logger. whatsmeow formats its own messages, which name
// phone numbers inside JIDs; they are masked before they reach the log.
type slogLogger struct {
	log    *slog.Logger
	module string
	min    slog.Level
}

var _ waLog.Logger = (*slogLogger)(nil)

// newWALogger returns a whatsmeow logger writing to log at level (debug, info, warn, error) and above.
func newWALogger(log *slog.Logger, module, level string) waLog.Logger {
	var min slog.Level
	_ = min.UnmarshalText([]byte(level))
	return &slogLogger{log: log, module: module, min: min}
}

func (l *slogLogger) Errorf(msg string, args ...any) { l.emit(slog.LevelError, msg, args) }
func (l *slogLogger) Warnf(msg string, args ...any)  { l.emit(slog.LevelWarn, msg, args) }
func (l *slogLogger) Infof(msg string, args ...any)  { l.emit(slog.LevelInfo, msg, args) }
func (l *slogLogger) Debugf(msg string, args ...any) { l.emit(slog.LevelDebug, msg, args) }

func (l *slogLogger) Sub(module string) waLog.Logger {
	return &slogLogger{log: l.log, module: l.module + "/" + module, min: l.min}
}

func (l *slogLogger) emit(level slog.Level, msg string, args []any) {
	if level < l.min || !l.log.Enabled(context.Background(), level) {
		return
	}
	l.log.Log(context.Background(), level, maskNumbers(fmt.Sprintf(msg, args...)), "module", l.module)
}

// phoneLike matches the user part of a phone-number JID (628…@s.whatsapp.net) and bare
// international numbers of 10 to 15 digits.
var phoneLike = regexp.MustCompile(`\b\d{10,15}\b`)

// maskNumbers masks every phone-like number in a free-form log message. LIDs are masked too: they
// are as personal as the number they stand for.
func maskNumbers(s string) string {
	return phoneLike.ReplaceAllStringFunc(s, ketanmu.MaskPhone)
}
