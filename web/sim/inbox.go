package sim

import (
	"context"
	"time"

	"github.com/ketanmu/ketanmu"
)

// Inbox is the one input path (bot.Intake, then the router) as the simulator reaches it: the
// same decisions about a message as for WhatsApp. internal/app gives it.
type Inbox interface {
	// Receive decides about rec, with data the content of its file if any, and routes it when
	// it is taken.
	Receive(ctx context.Context, rec Received, data []byte) (Result, error)
}

// Received is a simulator message described as a transport describes what it received.
type Received struct {
	Account string
	ID      string
	Chat    string
	Sender  string
	FromMe  bool
	At      time.Time // when it was sent; zero: now
	Text    string    // text or caption
	Quote   string
	File    *File
}

// File is an uploaded file as announced with the message.
type File struct {
	Mime     string
	Filename string
	Size     int64
}

// Result is what became of a simulator message.
type Result struct {
	ID string
	// Skipped says why the message was not handed to the router (as WhatsApp would not hand
	// it to the bot); "" when it was.
	Skipped   string
	Duplicate bool
	Replies   []ketanmu.Outbound
}
