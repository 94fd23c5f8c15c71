package ketanmu

import "time"

// Case is an application or request and where it stands: what a resident submitted, its
// stage and deadlines, and its history. Store maps rows to it; every channel reads it.
type Case struct {
	ID         int64
	Number     string
	Account    string
	Chat       string
	ResidentID int64
	Service    string
	Subtype    string
	Stage      Stage
	NIK        string
	Name       string
	Details    map[string]string
	Assignee   string
	Due        time.Time
	CreatedAt  time.Time
	Events     []CaseEvent
	Queue      int // place among the service's submitted cases; 0 when not waiting
	StageAt    time.Time
	StageDue   time.Time     // deadline of the current stage; zero when none
	Paused     time.Duration // working time left on the case while it waits on the resident
	// FixReturnedAt: the resident answered the fix asked for (zero: not since the last stage change).
	FixReturnedAt time.Time
	// ErasedAt is when retention erased the case's personal data (NIK, name, details, files);
	// zero while they are kept.
	ErasedAt time.Time
}

// CaseEvent is one recorded transition.
type CaseEvent struct {
	From, To                Stage
	Actor, Reason, Tracking string
	At                      time.Time
}
