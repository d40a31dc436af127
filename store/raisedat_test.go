package store_test

import (
	"testing"
	"time"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/wire"
)

// Every notification names the raise it belongs to, the clear's too,
// though clearing resets the alert's own raise time before the snapshot.
func TestStore_NotificationsCarryTheirRaise(t *testing.T) {
	d := &recordingDecider{}
	h := newHarness(t, store.Options{Decider: d})
	h.send(0, update(wire.Alert{ID: "x"}))
	h.send(time.Second, update(wire.Alert{ID: "x", ClearTime: at(time.Second)}))
	rows, err := h.s.DueNotifications(at(time.Second), 10)
	if err != nil || len(rows) != 2 {
		t.Fatalf("outbox: got %v, %v; want the raise and the clear", rows, err)
	}
	raised := rows[0].Alert.RaisedAt
	if raised.IsZero() {
		t.Fatalf("raise row's snapshot has no raise time")
	}
	for _, n := range rows {
		if !n.RaisedAt.Equal(raised) {
			t.Errorf("%s row: got RaisedAt %v, want %v", n.Event, n.RaisedAt, raised)
		}
	}
	if !rows[1].Alert.RaisedAt.IsZero() {
		t.Errorf("clear row's snapshot: got RaisedAt %v, want zero (the alert is cleared)", rows[1].Alert.RaisedAt)
	}
}
