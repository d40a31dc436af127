package notify

import (
	"fmt"
	"strconv"
	"strings"

	mail "github.com/wneessen/go-mail"

	"github.com/mauve-alert/mauve/store"
)

// Mail headers mauve adds besides the standard ones.
const (
	headerAlert         mail.Header = "X-Mauve-Alert"
	headerEvent         mail.Header = "X-Mauve-Event"
	headerLevel         mail.Header = "X-Mauve-Level"
	headerAutoSubmitted mail.Header = "Auto-Submitted"
)

// compose builds the mail for m. Every message of an alert carries the
// alert's thread root in References, and the messages of one raise also the
// raise's root, so a mail client threads raise, reminders, acknowledgement
// and clear together (clear's snapshot may no longer know the raise time;
// the alert root still ties it in).
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
		msg.SetGenHeader(headerLevel, m.Notification.Level)
	}
	msg.SetGenHeader(headerAutoSubmitted, "auto-generated")
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	return msg, nil
}

// ThreadIDs are the Message-ID and threading references of one mail, each
// without angle brackets.
type ThreadIDs struct {
	MessageID  string
	InReplyTo  string
	References []string
}

// Thread returns the threading ids of the mail for row n from station:
//
//   - the alert root "<source>/<id>@<station>", never sent itself, ties
//     every mail of an alert together across raises;
//   - the raise root "<source>/<id>/<raised-at>@<station>" is the
//     Message-ID of the RAISED mail, so reminders, acknowledgements and
//     re-raises of that raise answer it;
//   - every other mail gets its own "<source>/<id>/<raised-at>/<event>.<row>@<station>".
//
// Sending the same row twice gives the same Message-ID, so a repeat after
// a crash is recognisable as one.
func Thread(n store.Notification, station string) ThreadIDs {
	host := idPart(station)
	if host == "" {
		host = "mauve"
	}
	alert := idPart(n.Source) + "/" + idPart(n.AlertID)
	alertRoot := alert + "@" + host
	raisedAt := n.Alert.RaisedAt
	if raisedAt.IsZero() {
		id := alert + "/" + idPart(string(n.Event)) + "." + strconv.FormatUint(n.ID, 10) + "@" + host
		return ThreadIDs{MessageID: id, InReplyTo: alertRoot, References: []string{alertRoot}}
	}
	raise := alert + "/" + strconv.FormatInt(raisedAt.Unix(), 10)
	raiseRoot := raise + "@" + host
	if n.Event == store.EventRaised {
		return ThreadIDs{MessageID: raiseRoot, InReplyTo: alertRoot, References: []string{alertRoot}}
	}
	id := raise + "/" + idPart(string(n.Event)) + "." + strconv.FormatUint(n.ID, 10) + "@" + host
	return ThreadIDs{MessageID: id, InReplyTo: raiseRoot, References: []string{alertRoot, raiseRoot}}
}

// idPart makes s safe inside a Message-ID: letters, digits and "-_+" stay,
// every other byte becomes "=XX", so distinct sources and ids stay distinct
// and the result is always an RFC 5322 dot-atom without dots.
func idPart(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '+':
			b.WriteByte(c)
		case c == '.' && i > 0 && i < len(s)-1 && s[i-1] != '.':
			b.WriteByte(c) // a single inner dot keeps host names readable
		default:
			fmt.Fprintf(&b, "=%02X", c)
		}
	}
	return b.String()
}
