package notify

import (
	"context"
	"errors"
	"time"

	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
)

// Message is one notification rendered for one person, in every form the
// channels need. Channels pick the form that suits them.
type Message struct {
	Notification store.Notification
	Person       *policy.Person
	StationName  string
	URL          string // link to the alert in the web UI
	Subject      string // one line: "[mauve] RAISED (urgent): subj: summary -- source"
	Text         string // plain-text body
	HTML         string // HTML body, detail as the store sanitized it
	Short        string // the classic short (SMS) form, unsplit
	Note         string // suppression note ("further alerts suppressed…"), if any
	Time         time.Time
}

// Channel delivers a message to a person. Send returns nil on delivery, a
// *PermanentError when retrying the same channel cannot help (the worker
// falls back to the next channel), and any other error for a transient
// failure (the worker retries with backoff). Errors never carry secrets.
type Channel interface {
	Send(ctx context.Context, m Message) error
}

// PermanentError marks a failure that retrying will not mend: a 4xx from a
// provider, a rejected address, a person with no address for the channel.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// Permanent wraps err as a PermanentError.
func Permanent(err error) error { return &PermanentError{Err: err} }

// IsPermanent reports whether err is, or wraps, a PermanentError.
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}
