package ketanmu

import "time"

// Operator is a member of staff who signs in to the workspace or acts from WhatsApp.
type Operator struct {
	ID           int64
	Name         string
	Phone        string // 628…; empty for staff without WhatsApp
	Roles        []Role
	PasswordHash string
	Active       bool
}

// Audit actions that are not stage changes.
const (
	AuditViewDocument = "view_document"
)

// Audit is one line of the audit log: who did what to which case.
type Audit struct {
	Actor      string
	Action     string
	CaseID     int64
	DocumentID int64
	Detail     string
	At         time.Time
}

// AuditEntry is a line of the audit log with the number and service of its case.
type AuditEntry struct {
	Audit
	ID      int64
	Number  string
	Service string
	DocKey  string // the document's key, when the line is about one
}
