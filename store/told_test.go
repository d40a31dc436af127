package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/wire"
)

// A clear that comes while the raise's notification is still in the
// outbox (undelivered: a burst, or the mail server down) is decided with
// that person among those told, so their CLEARED follows their RAISED.
func TestStore_ToldCountsQueuedNotifications(t *testing.T) {
	d := &recordingDecider{}
	h := newHarness(t, store.Options{Decider: d})
	h.send(0, update(wire.Alert{ID: "x"}))
	if rows, err := h.s.DueNotifications(at(0), 10); err != nil || len(rows) != 1 {
		t.Fatalf("due rows after the raise: %v, %v; want 1", rows, err)
	}
	if got := h.get("x").Told; !slices.Equal(got, []string{"ops"}) {
		t.Errorf("told after queueing the raise: got %v, want [ops]", got)
	}
	h.send(time.Second, update(wire.Alert{ID: "x", ClearTime: at(time.Second)}))
	d.mu.Lock()
	last := d.changes[len(d.changes)-1]
	d.mu.Unlock()
	if last.Event != store.EventCleared || !slices.Equal(last.Before.Told, []string{"ops"}) {
		t.Errorf("clear decided with event %s and told %v, want cleared with [ops]", last.Event, last.Before.Told)
	}
	rows, err := h.s.DueNotifications(at(time.Second), 10)
	if err != nil || len(rows) != 2 || rows[0].Event != store.EventRaised || rows[1].Event != store.EventCleared {
		t.Errorf("outbox: got %v, %v; want the raise then the clear", rows, err)
	}
}
