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
	bad := Key{Source: "h", ID: "bad"}
	err = s.db.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketAlerts).Put(alertKey(bad), []byte{1, 200}); err != nil {
			return err
		}
		return tx.Bucket(bucketDue).Put(dueKey(t0.Add(time.Minute), dueRaise, 0, bad), nil)
	})
	if err != nil {
		t.Fatal(err)
	}
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
	bad := Key{Source: "h", ID: "bad"}
	err = s.db.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketAlerts).Put(alertKey(bad), []byte{1, 200}); err != nil {
			return err
		}
		return tx.Bucket(bucketDue).Put(dueKey(t0.Add(time.Minute), dueRaise, 0, bad), nil)
	})
	if err != nil {
		t.Fatal(err)
	}
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

type levelDecider struct{}

func (levelDecider) Decide(Change) Decision { return Decision{Group: "g", Level: "low"} }
