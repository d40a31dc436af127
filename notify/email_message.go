package notify

import (
	"fmt"
	"strings"

	mail "github.com/wneessen/go-mail"

	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
)

// Mail headers mauve adds besides the standard ones.
const (
	headerAlert         mail.Header = "X-Mauve-Alert"
	headerEvent         mail.Header = "X-Mauve-Event"
	headerLevel         mail.Header = "X-Mauve-Level"
	headerAutoSubmitted mail.Header = "Auto-Submitted"
	// Exchange and Outlook answer with out-of-office replies unless told
	// not to; Auto-Submitted tells the rest (RFC 3834).
	headerAutoResponseSuppress mail.Header = "X-Auto-Response-Suppress"
)

// compose builds the mail for m. Every message of an alert carries the
// alert's thread root in References, and the messages of one raise also the
// raise's root, so a mail client threads raise, reminders, acknowledgement
// and clear together.
func (e *Email) compose(m Message) (*mail.Msg, error) {
	msg := mail.NewMsg(mail.WithNoDefaultUserAgent())
	if err := msg.From(e.from); err != nil {
		return nil, fmt.Errorf("email: sender %q: %w", e.from, err)
	}
	if err := msg.To(m.Person.Email); err != nil {
		return nil, fmt.Errorf("email: address %q of %s: %w", m.Person.Email, m.Notification.Person, err)
	}
	ids := Thread(m.Notification, m.StationName)
	msg.Subject(m.Subject)
	msg.SetDateWithValue(m.Time)
	msg.SetMessageIDWithValue(ids.MessageID)
	if ids.InReplyTo != "" {
		msg.SetGenHeader(mail.HeaderInReplyTo, "<"+ids.InReplyTo+">")
	}
	refs := make([]string, len(ids.References))
	for i, r := range ids.References {
		refs[i] = "<" + r + ">"
	}
	msg.SetGenHeaderPreformatted(mail.HeaderReferences, strings.Join(refs, " "))
	msg.SetGenHeader(headerAlert, m.Notification.Source+"/"+m.Notification.AlertID)
	msg.SetGenHeader(headerEvent, string(m.Notification.Event))
	if m.Notification.Level != "" {
		msg.SetGenHeader(headerLevel, string(m.Notification.Level))
	}
	msg.SetGenHeader(headerAutoSubmitted, "auto-generated")
	msg.SetGenHeader(headerAutoResponseSuppress, "All")
	if m.Notification.Level == policy.Urgent && callsForSomeone(m.Notification.Event) {
		msg.SetImportance(mail.ImportanceHigh) // flagged in mail clients
	}
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	return msg, nil
}

// callsForSomeone reports whether a notification of event ev asks for
// someone to act: a raise, a reminder, a raise started over, or an
// acknowledgement that ran out. Acknowledgements and clears are news, not
// calls: a mail of one is not flagged, and a live client showing one
// leaves nothing to deliver.
func callsForSomeone(ev store.EventKind) bool {
	switch ev {
	case store.EventRaised, store.EventReminder, store.EventReRaised, store.EventUnacknowledged:
		return true
	}
	return false
}
