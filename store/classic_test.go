package store_test

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/wire"
)

// suppressingDecider tells "ops" of raises and clears the way the policy
// does: nobody while the alert is suppressed after the change, and a clear
// or acknowledgement not when it was suppressed before.
type suppressingDecider struct {
	mu   sync.Mutex
	told []store.EventKind
}

func (d *suppressingDecider) Decide(c store.Change) store.Decision {
	dec := store.Decision{Group: "default", Level: "normal"}
	if c.After.SuppressUntil.After(c.Now) {
		return dec
	}
	switch c.Event {
	case store.EventRaised:
	case store.EventCleared:
		if c.Before.SuppressUntil.After(c.Now) {
			return dec
		}
	default:
		return dec
	}
	d.mu.Lock()
	d.told = append(d.told, c.Event)
	d.mu.Unlock()
	dec.Notifications = []store.Notification{{Person: "ops", Channels: []string{"log"}}}
	return dec
}

func (d *suppressingDecider) events() []store.EventKind {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.told)
}

// A replace that leaves a heartbeat out clears it but keeps it armed: the
// heartbeat still raises when its time comes.
func TestStore_ReplaceKeepsScheduledRaiseOfUnnamed(t *testing.T) {
	m := time.Minute
	h := newHarness(t, store.Options{})
	h.send(0, update(alert("heartbeat", at(5*m), at(0)), wire.Alert{ID: "disk"}))
	u := update(wire.Alert{ID: "load"})
	u.Replace = true
	h.send(1*m, u)
	h.expect("disk", store.StateCleared, never, never, never)
	h.expect("heartbeat", store.StateCleared, never, at(5*m), never)
	h.tick(5 * m)
	h.expect("heartbeat", store.StateRaised, at(5*m), never, never)
}

// An alert the listener took out of a replace update (for an impossible
// time) was still named by its sender, so the replace leaves it raised.
func TestStore_ReplaceKeepsAlertsTheListenerRefused(t *testing.T) {
	m := time.Minute
	h := newHarness(t, store.Options{})
	h.send(0, update(wire.Alert{ID: "disk"}, wire.Alert{ID: "load"}))
	u := update(wire.Alert{ID: "load"})
	u.Replace = true
	u.Refused = []string{"disk"}
	h.send(1*m, u)
	if a := h.get("disk"); a.State != store.StateRaised {
		t.Errorf("disk is %s after a replace that named it, want raised", a.State)
	}
}

// A clear carrying a suppress_until is told to the people told of the
// raise; only a clear of an alert that was suppressed before it is not.
func TestStore_ClearWithSuppressUntilIsNotified(t *testing.T) {
	m := time.Minute
	t.Run("not suppressed before", func(t *testing.T) {
		d := &suppressingDecider{}
		h := newHarness(t, store.Options{Decider: d})
		h.send(0, update(wire.Alert{ID: "x"}))
		h.send(1*m, update(wire.Alert{ID: "x", ClearTime: at(1 * m), SuppressUntil: at(60 * m)}))
		if got, want := d.events(), []store.EventKind{store.EventRaised, store.EventCleared}; !slices.Equal(got, want) {
			t.Errorf("told of %v, want %v", got, want)
		}
		a := h.get("x")
		if a.State != store.StateCleared || !a.SuppressUntil.Equal(at(60*m)) {
			t.Errorf("got %s suppressed until %v, want cleared, suppressed until %v", a.State, a.SuppressUntil, at(60*m))
		}
		// The suppression it carried holds for what follows.
		h.send(2*m, update(wire.Alert{ID: "x"}))
		if got := d.events(); len(got) != 2 {
			t.Errorf("told of %v after a raise inside the suppression, want nothing more", got)
		}
	})
	t.Run("suppressed before", func(t *testing.T) {
		d := &suppressingDecider{}
		h := newHarness(t, store.Options{Decider: d})
		h.send(0, update(wire.Alert{ID: "x", SuppressUntil: at(30 * m)}))
		h.send(1*m, update(wire.Alert{ID: "x", ClearTime: at(1 * m), SuppressUntil: at(60 * m)}))
		if got := d.events(); len(got) != 0 {
			t.Errorf("told of %v, want nothing (suppressed throughout)", got)
		}
	})
}

// A new alert's importance is 50 unless its update says; an update that
// says nothing keeps what is stored.
func TestStore_NewAlertImportanceDefaultsTo50(t *testing.T) {
	h := newHarness(t, store.Options{})
	h.send(0, update(wire.Alert{ID: "plain"}, wire.Alert{ID: "said", Importance: 7}))
	if got := h.get("plain").Importance; got != 50 {
		t.Errorf("plain: importance got %d, want 50", got)
	}
	if got := h.get("said").Importance; got != 7 {
		t.Errorf("said: importance got %d, want 7", got)
	}
	h.send(time.Minute, update(wire.Alert{ID: "said"}))
	if got := h.get("said").Importance; got != 7 {
		t.Errorf("said, refreshed: importance got %d, want 7", got)
	}
}
