package store_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/wire"
)

var x = store.Key{Source: "host1", ID: "x"}

func TestStore_Actions(t *testing.T) {
	m := time.Minute
	tests := []struct {
		name      string
		run       func(h *harness) (store.Alert, error)
		wantErr   error
		wantState store.State
		wantKinds []store.EventKind // history, oldest first
	}{
		{"acknowledge a cleared alert is refused", func(h *harness) (store.Alert, error) {
			h.send(0, update(alert("x", never, at(0))))
			return h.s.Acknowledge(x, "johnny", at(60*m), "", at(1*m))
		}, store.ErrCleared, "", nil},
		{"acknowledge an unknown alert", func(h *harness) (store.Alert, error) {
			return h.s.Acknowledge(x, "johnny", at(60*m), "", at(1*m))
		}, store.ErrNotFound, "", nil},
		{"acknowledge then unacknowledge resets raised_at", func(h *harness) (store.Alert, error) {
			h.send(0, update(wire.Alert{ID: "x"}))
			h.s.Acknowledge(x, "johnny", at(60*m), "looking", at(1*m))
			a, err := h.s.Unacknowledge(x, "archie", "not fixed", at(5*m))
			if !a.RaisedAt.Equal(at(5 * m)) {
				h.t.Errorf("raised_at got %v, want %v", a.RaisedAt, at(5*m))
			}
			if !slices.Equal(a.Actors, []string{"johnny", "archie"}) {
				h.t.Errorf("actors got %v, want [johnny archie]", a.Actors)
			}
			return a, err
		}, nil, store.StateRaised, []store.EventKind{store.EventRaised, store.EventAcknowledged, store.EventUnacknowledged}},
		{"raise and clear by hand", func(h *harness) (store.Alert, error) {
			h.send(0, update(alert("x", never, at(0))))
			h.s.Raise(x, "johnny", "testing", at(1*m))
			return h.s.Clear(x, "johnny", "done", at(2*m))
		}, nil, store.StateCleared, []store.EventKind{store.EventUpdated, store.EventRaised, store.EventCleared}},
		{"raise by hand drops an acknowledgement", func(h *harness) (store.Alert, error) {
			h.send(0, update(wire.Alert{ID: "x"}))
			h.s.Acknowledge(x, "johnny", at(60*m), "", at(1*m))
			return h.s.Raise(x, "archie", "", at(2*m))
		}, nil, store.StateRaised, []store.EventKind{store.EventRaised, store.EventAcknowledged, store.EventRaised}},
		{"suppress, unsuppress and a note", func(h *harness) (store.Alert, error) {
			h.send(0, update(wire.Alert{ID: "x"}))
			a, _ := h.s.Suppress(x, "johnny", at(30*m), "maintenance", at(1*m))
			if !a.SuppressUntil.Equal(at(30 * m)) {
				h.t.Errorf("suppress_until got %v, want %v", a.SuppressUntil, at(30*m))
			}
			a, _ = h.s.Unsuppress(x, "johnny", "", at(2*m))
			if !a.SuppressUntil.IsZero() {
				h.t.Errorf("suppress_until got %v after unsuppress, want unset", a.SuppressUntil)
			}
			return h.s.AddNote(x, "archie", "called the vendor", at(3*m))
		}, nil, store.StateRaised, []store.EventKind{store.EventRaised, store.EventSuppressed, store.EventUnsuppressed, store.EventNote}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, store.Options{})
			a, err := tt.run(h)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("got error %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if a.State != tt.wantState {
				t.Errorf("state got %s, want %s", a.State, tt.wantState)
			}
			evs, err := h.s.History(x)
			if err != nil {
				t.Fatal(err)
			}
			var kinds []store.EventKind
			for _, e := range evs {
				kinds = append(kinds, e.Kind)
			}
			if !slices.Equal(kinds, tt.wantKinds) {
				t.Errorf("history got %v, want %v", kinds, tt.wantKinds)
			}
		})
	}
}

func TestStore_History_RecordsReasonAndActor(t *testing.T) {
	h := newHarness(t, store.Options{})
	h.send(0, update(wire.Alert{ID: "x"}))
	h.s.Acknowledge(x, "johnny", at(time.Hour), "on it", at(time.Minute))
	evs, _ := h.s.History(x)
	if len(evs) != 2 {
		t.Fatalf("got %d events, want 2", len(evs))
	}
	if e := evs[0]; e.Actor != "host1" || e.Text != "raised by host1" || !e.Time.Equal(at(0)) || e.State != store.StateRaised {
		t.Errorf("first event got %+v", e)
	}
	if e := evs[1]; e.Actor != "johnny" || e.Text != "acknowledged by johnny until 2026-11-25T13:00:00Z: on it" || e.State != store.StateAcknowledged {
		t.Errorf("second event got %+v", e)
	}
	found, err := h.s.SearchHistory(store.HistoryQuery{Text: "ON IT"})
	if err != nil || len(found) != 1 || found[0].Seq != evs[1].Seq {
		t.Errorf("search got %v %v, want the acknowledgement", found, err)
	}
}

func TestStore_List_Filters(t *testing.T) {
	h := newHarness(t, store.Options{})
	h.send(0, update(wire.Alert{ID: "a"}, alert("b", never, at(0))))
	h.send(0, wire.Update{Source: "host2", Alerts: []wire.Alert{{ID: "c", Summary: "Disk FULL"}}})
	for _, c := range []struct {
		f    store.Filter
		want int
	}{
		{store.Filter{}, 3},
		{store.Filter{State: store.StateRaised}, 2},
		{store.Filter{State: store.StateCleared}, 1},
		{store.Filter{Source: "host1"}, 2},
		{store.Filter{Source: "host"}, 0},
		{store.Filter{Source: "host2", State: store.StateRaised}, 1},
		{store.Filter{Active: true}, 2},
		{store.Filter{Active: true, Source: "host1"}, 1},
		{store.Filter{Text: "disk full"}, 1},
		{store.Filter{Text: " HOST "}, 3},
		{store.Filter{Text: "b"}, 1},
		{store.Filter{Text: "b", Active: true}, 0},
		{store.Filter{Text: "nowhere"}, 0},
	} {
		got, err := h.s.List(c.f)
		if err != nil || len(got) != c.want {
			t.Errorf("List(%+v): got %d alerts (%v), want %d", c.f, len(got), err, c.want)
		}
	}
}

func TestStore_ReturnsCopies(t *testing.T) {
	h := newHarness(t, store.Options{Decider: &recordingDecider{}})
	h.send(0, update(wire.Alert{ID: "x", Summary: "one"}))
	a := h.get("x")
	a.Reminders[0].At = at(time.Hour * 99)
	h.send(time.Minute, update(wire.Alert{ID: "x", Summary: "two"}))
	if b := h.get("x"); b.Reminders[0].At.Equal(at(time.Hour*99)) || a.Summary != "one" {
		t.Errorf("returned values share memory with the store")
	}
}
