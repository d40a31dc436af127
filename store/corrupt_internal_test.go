package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mauve-alert/mauve/wire"
)

// A record that cannot be decoded neither stops ingest nor the schedule of
// other alerts.
func TestStore_CorruptRecordDoesNotStopTheStation(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "mauve.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	t0 := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	bad := plantCorruptAlert(t, s, t0)
	apply := func(u wire.Update) {
		t.Helper()
		if err := s.Apply(context.Background(), []Received{{Update: u, ReceivedAt: t0}}); err != nil {
			t.Fatalf("apply: %v", err)
		}
	}
	apply(wire.Update{Source: "h", Alerts: []wire.Alert{{ID: "good", ClearTime: t0, RaiseTime: t0.Add(2 * time.Minute)}}})
	if _, err := s.Tick(t0.Add(3 * time.Minute)); err != nil {
		t.Fatalf("tick past a corrupt alert's schedule: %v", err)
	}
	if a, _ := s.Get(Key{Source: "h", ID: "good"}); a.State != StateRaised {
		t.Errorf("good: got %s, want raised on schedule", a.State)
	}
	apply(wire.Update{Source: "h", Alerts: []wire.Alert{{ID: "bad", Summary: "back"}}})
	if a, err := s.Get(bad); err != nil || a.State != StateRaised || a.Summary != "back" {
		t.Errorf("bad after an update: got %+v, %v; want raised with the new summary", a, err)
	}
	if err := s.Check(); err != nil {
		t.Errorf("check: %v", err)
	}
}

// Work over many alerts passes over an unreadable record: a replace from
// its source (else every batch holding one failed, and the updates of all
// its sources were dropped), the initial sleep (else the station did not
// start) and a reload's redecide.
func TestStore_CorruptRecordIsPassedOver(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "mauve.db"), Options{Decider: levelDecider{}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	t0 := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	apply := func(us ...wire.Update) error {
		var batch []Received
		for _, u := range us {
			batch = append(batch, Received{Update: u, ReceivedAt: t0})
		}
		return s.Apply(context.Background(), batch)
	}
	if err := apply(wire.Update{Source: "h", Alerts: []wire.Alert{{ID: "old"}, {ID: "later", RaiseTime: t0.Add(time.Minute), ClearTime: t0}}}); err != nil {
		t.Fatal(err)
	}
	plantCorruptAlert(t, s, t0)
	err = apply(wire.Update{Source: "other", Alerts: []wire.Alert{{ID: "x"}}},
		wire.Update{Source: "h", Replace: true, Alerts: []wire.Alert{{ID: "new"}}})
	if err != nil {
		t.Fatalf("apply a replace past a corrupt record: %v", err)
	}
	for _, c := range []struct {
		k    Key
		want State
	}{{Key{"other", "x"}, StateRaised}, {Key{"h", "new"}, StateRaised}, {Key{"h", "old"}, StateCleared}} {
		if a, err := s.Get(c.k); err != nil || a.State != c.want {
			t.Errorf("%s: got %s, %v; want %s", c.k, a.State, err, c.want)
		}
	}
	if err := s.Postpone(t0.Add(5 * time.Minute)); err != nil {
		t.Errorf("postpone past a corrupt record: %v", err)
	}
	if err := s.Redecide(t0); err != nil {
		t.Errorf("redecide past a corrupt record: %v", err)
	}
	if a, _ := s.Get(Key{"other", "x"}); a.Level != "low" {
		t.Errorf("other/x after redecide: level got %q, want low", a.Level)
	}
}

// plantCorruptAlert writes an alert record that cannot be decoded, h/bad,
// with a raise due a minute after t0.
func plantCorruptAlert(t *testing.T, s *Store, t0 time.Time) Key {
	t.Helper()
	bad := Key{Source: "h", ID: "bad"}
	err := s.db.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketAlerts).Put(alertKey(bad), []byte{1, 200}); err != nil {
			return err
		}
		return tx.Bucket(bucketDue).Put(dueKey(t0.Add(time.Minute), dueRaise, 0, bad), nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	return bad
}

type levelDecider struct{}

func (levelDecider) Decide(Change) Decision { return Decision{Group: "g", Level: "low"} }

type notifyDecider struct{}

func (notifyDecider) Decide(c Change) Decision {
	d := Decision{Group: "g", Level: "normal"}
	if c.Event == EventRaised {
		d.Notifications = []Notification{{Person: "ops", Channels: []string{"log"}}}
	}
	return d
}

// A malformed due entry no longer fails every Tick (stopping every
// schedule), and a delivered notification of an alert whose record went
// bad is finished (not sent again at every poll).
func TestStore_CorruptDueEntryAndAlertOfANotification(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "mauve.db"), Options{Decider: notifyDecider{}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	t0 := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	batch := []Received{{ReceivedAt: t0, Update: wire.Update{Source: "h", Alerts: []wire.Alert{
		{ID: "bad"}, {ID: "good", ClearTime: t0, RaiseTime: t0.Add(time.Minute)}}}}}
	if err := s.Apply(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	short := []byte{0, 0, 0, 0, 0}
	err = s.db.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketAlerts).Put(alertKey(Key{"h", "bad"}), []byte{1, 200}); err != nil {
			return err
		}
		return tx.Bucket(bucketDue).Put(short, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Tick(t0.Add(time.Minute)); err != nil {
		t.Fatalf("tick past a malformed due entry: %v", err)
	}
	if a, _ := s.Get(Key{"h", "good"}); a.State != StateRaised {
		t.Errorf("good: got %s, want raised on schedule", a.State)
	}
	rows, err := s.DueNotifications(t0.Add(time.Minute), 0)
	if err != nil || len(rows) != 2 {
		t.Fatalf("due rows: got %d, %v; want 2", len(rows), err)
	}
	for _, n := range rows {
		if err := s.Finish(n.ID, Outcome{Status: DeliveryDelivered, Channel: "log", Now: t0.Add(time.Minute)}); err != nil {
			t.Errorf("finish the row of %s: %v", n.AlertID, err)
		}
	}
	if rows, _ := s.DueNotifications(t0.Add(time.Hour), 0); len(rows) != 0 {
		t.Errorf("rows left: got %d, want 0", len(rows))
	}
	s.db.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketDue).Get(short) != nil {
			t.Errorf("malformed due entry still there")
		}
		return nil
	})
}
