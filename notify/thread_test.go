package notify_test

import (
	"regexp"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/notify"
	"github.com/mauve-alert/mauve/store"
)

// msgID is RFC 5322's msg-id without brackets: dot-atom-text "@" dot-atom-text.
var msgID = regexp.MustCompile("^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")

func TestThread_IDsAreValidAndDistinct(t *testing.T) {
	tests := []struct{ source, id, station string }{
		{"core-router", "link-eth0", "alerts1.example.com"},
		{"web server", "disk /var", "alerts1.example.com"},
		{"a.", ".b", "station..name"},
		{"x@y", "<z>", ""},
		{"ünïcode", "ид", "alerts1.example.com"},
	}
	seen := map[string]string{}
	for _, tt := range tests {
		a := store.Alert{Source: tt.source, ID: tt.id, RaisedAt: t0}
		for _, ev := range []store.EventKind{store.EventRaised, store.EventReminder, store.EventCleared} {
			n := store.Notification{ID: 7, Source: tt.source, AlertID: tt.id, Event: ev, Alert: a}
			if ev == store.EventCleared {
				n.Alert.RaisedAt = time.Time{}
			}
			ids := notify.Thread(n, tt.station)
			for _, id := range append([]string{ids.MessageID, ids.InReplyTo}, ids.References...) {
				if !msgID.MatchString(id) {
					t.Errorf("%s/%s %s: %q is not a valid msg-id", tt.source, tt.id, ev, id)
				}
			}
			key := tt.source + "\x00" + tt.id + "\x00" + string(ev)
			if other, dup := seen[ids.MessageID]; dup && other != key {
				t.Errorf("Message-ID %q for both %q and %q", ids.MessageID, other, key)
			}
			seen[ids.MessageID] = key
		}
	}
}

// The clear and the acknowledgement answer the raise they end, though the
// cleared alert's snapshot has no raise time: the row's RaisedAt names it.
func TestThread_ClearAnswersItsRaise(t *testing.T) {
	raise := store.Notification{ID: 1, Source: "s", AlertID: "x", Event: store.EventRaised,
		Alert: store.Alert{Source: "s", ID: "x", RaisedAt: t0}, RaisedAt: t0}
	raiseID := notify.Thread(raise, "st").MessageID
	for _, ev := range []store.EventKind{store.EventReminder, store.EventAcknowledged, store.EventCleared} {
		n := store.Notification{ID: 2, Source: "s", AlertID: "x", Event: ev,
			Alert: store.Alert{Source: "s", ID: "x", RaisedAt: t0}, RaisedAt: t0}
		if ev == store.EventCleared {
			n.Alert.RaisedAt = time.Time{}
		}
		ids := notify.Thread(n, "st")
		if ids.InReplyTo != raiseID {
			t.Errorf("%s: got In-Reply-To %q, want the raise %q", ev, ids.InReplyTo, raiseID)
		}
		if want := []string{"s/x@st", raiseID}; len(ids.References) != 2 || ids.References[0] != want[0] || ids.References[1] != want[1] {
			t.Errorf("%s: got References %q, want %q", ev, ids.References, want)
		}
	}
}

// A re-raise (the acknowledgement ran out) and an unacknowledgement start
// the raise over: their mail is the new raise's root, which its reminders
// and clear answer, and it stays apart from the first raise's mail even
// within the same second.
func TestThread_ReRaiseStartsARaise(t *testing.T) {
	first := store.Notification{ID: 1, Source: "s", AlertID: "x", Event: store.EventRaised, RaisedAt: t0}
	firstID := notify.Thread(first, "st").MessageID
	for _, ev := range []store.EventKind{store.EventReRaised, store.EventUnacknowledged} {
		for _, again := range []time.Time{t0.Add(time.Hour), t0.Add(300 * time.Millisecond)} {
			n := store.Notification{ID: 2, Source: "s", AlertID: "x", Event: ev, RaisedAt: again}
			ids := notify.Thread(n, "st")
			if ids.MessageID == firstID {
				t.Errorf("%s at %v: Message-ID %q is the first raise's", ev, again, ids.MessageID)
			}
			if !msgID.MatchString(ids.MessageID) {
				t.Errorf("%s at %v: %q is not a valid msg-id", ev, again, ids.MessageID)
			}
			if ids.InReplyTo != "s/x@st" || len(ids.References) != 1 || ids.References[0] != "s/x@st" {
				t.Errorf("%s: In-Reply-To %q, References %q: want the alert root alone", ev, ids.InReplyTo, ids.References)
			}
			for _, later := range []store.EventKind{store.EventReminder, store.EventAcknowledged, store.EventCleared} {
				l := notify.Thread(store.Notification{ID: 3, Source: "s", AlertID: "x", Event: later, RaisedAt: again}, "st")
				if l.InReplyTo != ids.MessageID {
					t.Errorf("%s after %s: In-Reply-To %q, want the %s mail %q", later, ev, l.InReplyTo, ev, ids.MessageID)
				}
			}
		}
	}
}
