package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mauve-alert/mauve/wire"
)

// A file written before the outbox's due index existed gets one on Open;
// Check finds an index out of step with the rows.
func TestStore_OutboxDueIndex_BuiltForOlderFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mauve.db")
	s, err := Open(path, Options{Decider: notifyDecider{}})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	batch := []Received{{ReceivedAt: t0, Update: wire.Update{Source: "h", Alerts: []wire.Alert{{ID: "a"}, {ID: "b"}}}}}
	if err := s.Apply(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	rows, _ := s.DueNotifications(t0, 0)
	if err := s.Finish(rows[0].ID, Outcome{Status: DeliveryRetry, RetryAt: t0.Add(time.Hour), Now: t0}); err != nil {
		t.Fatal(err)
	}
	err = s.db.Update(func(tx *bolt.Tx) error { return tx.DeleteBucket(bucketOutboxDue) })
	if err != nil {
		t.Fatal(err)
	}
	if err := s.db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket(bucketOutboxDue); return err }); err != nil {
		t.Fatal(err)
	}
	if err := s.Check(); err == nil {
		t.Errorf("check with an empty outbox index: got nil, want missing entries")
	}
	if err := s.db.Update(func(tx *bolt.Tx) error { return tx.DeleteBucket(bucketOutboxDue) }); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s, err = Open(path, Options{Decider: notifyDecider{}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Check(); err != nil {
		t.Errorf("check after reopening: %v", err)
	}
	for _, c := range []struct {
		at   time.Time
		want int
	}{{t0, 1}, {t0.Add(time.Hour), 2}} {
		if got, err := s.DueNotifications(c.at, 0); err != nil || len(got) != c.want {
			t.Errorf("due at %v: got %d rows, %v; want %d", c.at, len(got), err, c.want)
		}
	}
}
