package store

import (
	"reflect"
	"testing"
	"time"
)

func TestCodec_RoundTrip(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 12, 0, 0, 123456789, time.UTC)
	full := Alert{
		Source: "core-router", ID: "bgp", Subject: "edge1", Summary: "BGP down", Detail: "<p>x</p>", Importance: 7,
		State: StateAcknowledged, RaisedAt: t0, AcknowledgedBy: "johnny", AcknowledgedAt: t0.Add(time.Minute),
		AcknowledgedUntil: t0.Add(time.Hour), WillClearAt: t0.Add(2 * time.Hour), SuppressUntil: t0.Add(3 * time.Hour),
		CreatedAt: t0.Add(-time.Hour), UpdatedAt: t0, Group: "core", Level: "urgent",
		Told: []string{"johnny", "archie"}, Actors: []string{"johnny"},
		Reminders: []Reminder{{Block: 1, At: t0.Add(15 * time.Minute)}},
	}
	for _, a := range []Alert{full, {Source: "h", ID: "x", Subject: "h", State: StateCleared}} {
		got, err := decodeAlert(a.Key(), appendAlert(nil, &a))
		if err != nil || !reflect.DeepEqual(got, a) {
			t.Errorf("alert round trip: got %+v, %v; want %+v", got, err, a)
		}
	}
	n := Notification{ID: 9, Source: "core-router", AlertID: "bgp", Person: "johnny", Event: EventRaised,
		Level: "urgent", Channels: []string{"sms.twilio", "email"}, Alert: full, Created: t0,
		Channel: 1, Attempts: 2, NextAttempt: t0.Add(time.Minute), RaisedAt: t0.Add(-time.Minute)}
	got, err := decodeNotification(appendNotification(nil, &n))
	if err != nil || !reflect.DeepEqual(got, n) {
		t.Errorf("notification round trip: got %+v, %v; want %+v", got, err, n)
	}
	// A row written before RaisedAt was kept ends after NextAttempt.
	noRaise := n
	noRaise.RaisedAt = time.Time{}
	old := appendNotification(nil, &noRaise)
	old = old[:len(old)-1] // an unset time is one zero byte
	if got, err := decodeNotification(old); err != nil || !got.RaisedAt.IsZero() || !got.NextAttempt.Equal(n.NextAttempt) {
		t.Errorf("notification without a raise time: got %+v, %v", got, err)
	}
	ev := Event{Seq: 3, Time: t0, Source: "s", ID: "i", Kind: EventNote, Actor: "a", Text: "hello", State: StateRaised}
	gotEv, err := decodeEvent(appendEvent(nil, &ev))
	if err != nil || gotEv != ev {
		t.Errorf("event round trip: got %+v, %v; want %+v", gotEv, err, ev)
	}
	// Truncated records are errors, never panics.
	b := appendAlert(nil, &full)
	for i := range b {
		if _, err := decodeAlert(full.Key(), b[:i]); err == nil && i > 1 {
			t.Errorf("alert truncated to %d bytes decoded without error", i)
		}
	}
}

// FuzzDecodeRecords: no byte string makes a decoder panic; what decodes
// encodes back to a record that decodes to the same value.
func FuzzDecodeRecords(f *testing.F) {
	t0 := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	a := Alert{Source: "s", ID: "i", Subject: "x", Summary: "y", State: StateRaised, RaisedAt: t0,
		Told: []string{"a"}, Reminders: []Reminder{{Block: 2, At: t0}}}
	f.Add(appendAlert(nil, &a))
	f.Add(appendEvent(nil, &Event{Seq: 1, Time: t0, Kind: EventRaised}))
	f.Add(appendNotification(nil, &Notification{ID: 1, Channels: []string{"email"}, Alert: a}))
	f.Add([]byte{1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f})
	f.Fuzz(func(t *testing.T, b []byte) {
		k := Key{Source: "s", ID: "i"}
		if got, err := decodeAlert(k, b); err == nil {
			again, err := decodeAlert(k, appendAlert(nil, &got))
			if err != nil || !reflect.DeepEqual(again, got) {
				t.Errorf("alert re-encoding: got %+v, %v; want %+v", again, err, got)
			}
		}
		decodeEvent(b)
		decodeNotification(b)
	})
}
