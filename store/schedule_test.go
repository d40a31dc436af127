package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/wire"
)

// A raise or clear time past what int64 nanoseconds hold (year 2262) once
// wrapped into the past: the entry fell due at once, never matched its
// alert, and Tick returned a time before now forever (the scheduler spun).
func TestStore_Tick_FarFutureTimesDoNotFallDue(t *testing.T) {
	for _, year := range []int{2262, 2300, 3000, 10000} {
		far := time.Date(year, 6, 1, 0, 0, 0, 0, time.UTC)
		limit := time.Date(2262, 1, 1, 0, 0, 0, 0, time.UTC)
		h := newHarness(t, store.Options{})
		h.send(0, update(alert("x", at(0), far), alert("y", far, never)))
		h.restart()
		for _, id := range []string{"x", "y"} {
			a := h.get(id)
			if w := a.WillClearAt; !w.IsZero() && w.Before(limit) {
				t.Errorf("year %d: %s will_clear_at got %v, want after %v", year, id, w, limit)
			}
			if w := a.WillRaiseAt; !w.IsZero() && w.Before(limit) {
				t.Errorf("year %d: %s will_raise_at got %v, want after %v", year, id, w, limit)
			}
		}
		next := h.tick(time.Minute)
		if !next.After(at(time.Minute)) {
			t.Errorf("year %d: next due got %v, want after now (else the scheduler spins)", year, next)
		}
		h.expect("x", store.StateRaised, at(0), never, h.get("x").WillClearAt)
		if got := h.get("y").State; got != store.StateCleared {
			t.Errorf("year %d: y state got %s, want cleared", year, got)
		}
	}
}

// A raise and a clear that both fell due while the station was down end
// as they would have: the later one wins, once.
func TestStore_Postpone_RaiseAndClearBothDue(t *testing.T) {
	m := time.Minute
	tests := []struct {
		name         string
		raise, clear time.Duration
		want         store.State
		wantEvents   []string
	}{
		{"clear then raise ends raised", 10 * m, 5 * m, store.StateRaised,
			[]string{"scheduled: first heard of, scheduled, from host1", "raised: raised as scheduled"}},
		{"raise then clear ends cleared", 5 * m, 10 * m, store.StateCleared,
			[]string{"scheduled: first heard of, scheduled, from host1"}},
		{"at the same time: the clear wins", 5 * m, 5 * m, store.StateCleared,
			[]string{"scheduled: first heard of, scheduled, from host1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, store.Options{Decider: &recordingDecider{}})
			h.send(0, update(alert("x", at(tc.raise), at(tc.clear))))
			h.restart() // down until +20m
			if err := h.s.Postpone(at(25 * m)); err != nil {
				t.Fatal(err)
			}
			h.tick(25 * m)
			h.expect("x", tc.want, h.get("x").RaisedAt, never, never)
			if got := kindsAndTexts(t, h.s, x); fmt.Sprint(got) != fmt.Sprint(tc.wantEvents) {
				t.Errorf("history got %q, want %q", got, tc.wantEvents)
			}
		})
	}
}

// Expiring alerts takes their waiting outbox rows with them (one pass over
// the outbox per Tick), and leaves other alerts' rows.
func TestStore_Tick_ExpiryRemovesTheAlertsRows(t *testing.T) {
	h := newHarness(t, store.Options{Decider: &recordingDecider{}, ExpireCleared: time.Hour})
	h.send(0, update(wire.Alert{ID: "a"}, wire.Alert{ID: "b"}, wire.Alert{ID: "keep"}))
	h.send(time.Minute, update(alert("a", never, at(time.Minute)), alert("b", never, at(time.Minute))))
	rows, err := h.s.DueNotifications(at(time.Hour), 0)
	if err != nil || len(rows) != 5 {
		t.Fatalf("rows before expiry: got %d, %v; want 5", len(rows), err)
	}
	h.tick(2 * time.Hour)
	rows, err = h.s.DueNotifications(at(3*time.Hour), 0)
	if err != nil || len(rows) == 0 {
		t.Fatalf("rows after expiry: got %d, %v; want keep's", len(rows), err)
	}
	for _, n := range rows {
		if n.AlertID != "keep" {
			t.Errorf("row %d of %s after expiry: want keep's only", n.ID, n.AlertID)
		}
	}
}

// Postponing is not an update of the alert: its updated_at does not move
// (to the end of the initial sleep, in the future).
func TestStore_Postpone_KeepsUpdatedAt(t *testing.T) {
	h := newHarness(t, store.Options{Decider: &recordingDecider{}})
	h.send(0, update(alert("hb", at(10*time.Minute), at(0)), wire.Alert{ID: "up"}))
	h.restart()
	if err := h.s.Postpone(at(25 * time.Minute)); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"hb", "up"} {
		if got := h.get(id).UpdatedAt; !got.Equal(at(0)) {
			t.Errorf("%s: updated_at got %v, want %v", id, got, at(0))
		}
	}
	h.expect("hb", store.StateCleared, never, at(25*time.Minute), never)
}
