package bot

import (
	"time"

	"github.com/ketanmu/ketanmu"
)

// InboundObserver is told of every inbound message the router handled (metrics).
type InboundObserver interface {
	Handled(in ketanmu.Inbound, took time.Duration)
}

// observe reports a handled message to the router's observer.
func (r *Router) observe(in ketanmu.Inbound, start time.Time) {
	r.observer.Handled(in, time.Since(start))
}
