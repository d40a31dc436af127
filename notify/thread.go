package notify

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mauve-alert/mauve/store"
)

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
//     Message-ID of the mail that starts a raise: RAISED, or RE-RAISED and
//     UNACKNOWLEDGED, which start the raise over (the store resets the
//     raise time, so that reminders start over). Reminders,
//     acknowledgements and the clear of that raise answer it (the raise
//     time is the row's RaisedAt: a cleared alert's snapshot no longer has
//     it). The raise time is written in seconds, with the fraction when it
//     has one, so two raises in one second stay apart;
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
	raisedAt := n.RaisedAt
	if raisedAt.IsZero() { // a row queued before the store kept it
		raisedAt = n.Alert.RaisedAt
	}
	if raisedAt.IsZero() {
		id := alert + "/" + idPart(string(n.Event)) + "." + strconv.FormatUint(n.ID, 10) + "@" + host
		return ThreadIDs{MessageID: id, InReplyTo: alertRoot, References: []string{alertRoot}}
	}
	raise := alert + "/" + stamp(raisedAt)
	raiseRoot := raise + "@" + host
	switch n.Event {
	case store.EventRaised, store.EventReRaised, store.EventUnacknowledged:
		return ThreadIDs{MessageID: raiseRoot, InReplyTo: alertRoot, References: []string{alertRoot}}
	}
	id := raise + "/" + idPart(string(n.Event)) + "." + strconv.FormatUint(n.ID, 10) + "@" + host
	return ThreadIDs{MessageID: id, InReplyTo: raiseRoot, References: []string{alertRoot, raiseRoot}}
}

// stamp is t in Unix seconds, with nine digits of fraction when t has one.
func stamp(t time.Time) string {
	s := strconv.FormatInt(t.Unix(), 10)
	if ns := t.Nanosecond(); ns != 0 {
		s += fmt.Sprintf(".%09d", ns)
	}
	return s
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
