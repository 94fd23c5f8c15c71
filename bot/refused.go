package bot

import (
	"errors"
	"fmt"

	"github.com/ketanmu/ketanmu"
)

// RefusedError is a send that WhatsApp refused for good: the same message would be refused
// again, so it fails at once. Reason names the operators' explanation in texts
// (send_refused_<reason>). It is an EINVALID error.
type RefusedError struct {
	Reason string
	err    *ketanmu.Error
}

// Refused returns a RefusedError for reason with a log-safe detail.
func Refused(reason, format string, args ...any) error {
	return &RefusedError{Reason: reason, err: ketanmu.Errorf(ketanmu.EINVALID, format, args...)}
}

func (e *RefusedError) Error() string { return fmt.Sprintf("refused (%s): %v", e.Reason, e.err) }
func (e *RefusedError) Unwrap() error { return e.err }

// refusedReason is the operators' explanation of why WhatsApp refused a message, or "".
func (r *Router) refusedReason(cause error) string {
	var refused *RefusedError
	if !errors.As(cause, &refused) {
		return ""
	}
	text, ok := r.cfg.Texts.Lookup("send_refused_" + refused.Reason)
	if !ok {
		return ""
	}
	return text
}
