package store

import (
	"testing"
	"time"
)

// TestReadEventHead checks the in-place reader of HistoryCounts against
// the codec: a change to appendEvent that it does not follow fails here.
func TestReadEventHead(t *testing.T) {
	at := time.Date(2026, 10, 25, 1, 30, 0, 123, time.UTC)
	for _, ev := range []Event{
		{Seq: 1, Time: at, Source: "core-router", ID: "bgp", Kind: EventRaised, Actor: "core-router", Text: "raised", State: StateRaised},
		{Seq: 1 << 40, Time: at, Source: "", ID: "x", Kind: EventReRaised, State: StateRaised},
		{Seq: 7, Time: at, Source: "web1", ID: "ü/ñ", Kind: EventCleared, Text: "cleared", State: StateCleared},
	} {
		b := appendEvent(nil, &ev)
		h, ok := readEventHead(b)
		if !ok {
			t.Fatalf("%+v: not read", ev)
		}
		if !h.time().Equal(ev.Time) || string(h.source) != ev.Source || string(h.id) != ev.ID || string(h.kind) != string(ev.Kind) {
			t.Errorf("got time %s source %q id %q kind %q, want %+v", h.time(), h.source, h.id, h.kind, ev)
		}
		if got, want := h.raise(), ev.Kind == EventRaised || ev.Kind == EventReRaised; got != want {
			t.Errorf("%s: raise got %v, want %v", ev.Kind, got, want)
		}
		bare := ev
		bare.Actor, bare.Text = "", ""
		head := len(appendEvent(nil, &bare)) - 3 // less actor, text and state
		for n := range head {
			if _, ok := readEventHead(b[:n]); ok {
				t.Errorf("%s: a record cut to %d bytes was read", ev.Kind, n)
			}
		}
	}
}
