package store

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Check verifies the file: bbolt's own page consistency, then mauve's
// invariants (every record decodes; the due index and the history index
// match the alerts exactly, and the outbox's due index its rows; every
// outbox row names an alert; states are
// coherent). It returns every problem found, joined.
func (s *Store) Check() error {
	var errs []error
	err := s.db.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			errs = append(errs, fmt.Errorf("bbolt: %w", err))
		}
		errs = append(errs, checkInvariants(tx, s.expire)...)
		return nil
	})
	if err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func checkInvariants(tx *bolt.Tx, exp time.Duration) []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	wantDue := map[string]bool{}
	alerts := tx.Bucket(bucketAlerts)
	_ = alerts.ForEach(func(k, v []byte) error {
		key := parseAlertKey(k)
		a, err := decodeAlert(parseAlertKey(k), v)
		if err != nil {
			bad("alert %s: %v", key, err)
			return nil
		}
		if a.Key() != key {
			bad("alert %s: record names %s", key, a.Key())
		}
		switch a.State {
		case StateRaised:
			if a.RaisedAt.IsZero() {
				bad("alert %s: raised without raised_at", key)
			}
		case StateAcknowledged:
			if a.AcknowledgedBy == "" || a.AcknowledgedUntil.IsZero() {
				bad("alert %s: acknowledged without who or until", key)
			}
		case StateCleared:
			if a.AcknowledgedBy != "" || len(a.Reminders) > 0 {
				bad("alert %s: cleared but acknowledged or with reminders", key)
			}
		default:
			bad("alert %s: state %q", key, a.State)
		}
		for _, d := range dueKeys(&a, exp) {
			wantDue[string(d)] = true
		}
		return nil
	})
	_ = tx.Bucket(bucketDue).ForEach(func(k, _ []byte) error {
		if !wantDue[string(k)] {
			e, _ := parseDueKey(k)
			bad("due entry %s kind %d at %s: no alert needs it", e.alert, e.kind, e.at)
		}
		delete(wantDue, string(k))
		return nil
	})
	for k := range wantDue {
		e, _ := parseDueKey([]byte(k))
		bad("alert %s: due entry kind %d at %s missing", e.alert, e.kind, e.at)
	}
	events := tx.Bucket(bucketEvents)
	indexed := map[string]bool{}
	_ = tx.Bucket(bucketAlertEvents).ForEach(func(k, _ []byte) error {
		if len(k) < 9 {
			bad("history index key %x too short", k)
			return nil
		}
		seq := k[len(k)-8:]
		indexed[string(seq)] = true
		v := events.Get(seq)
		if v == nil {
			bad("history index %x names no event", k)
			return nil
		}
		ev, err := decodeEvent(v)
		if err != nil {
			bad("event %x: %v", seq, err)
			return nil
		}
		if !bytes.Equal(k[:len(k)-9], alertKey(Key{Source: ev.Source, ID: ev.ID})) {
			bad("history index %x names event of %s/%s", k, ev.Source, ev.ID)
		}
		return nil
	})
	_ = events.ForEach(func(k, _ []byte) error {
		if !indexed[string(k)] {
			bad("event %x is not in the history index", k)
		}
		return nil
	})
	wantOutboxDue := map[string]bool{}
	_ = tx.Bucket(bucketOutbox).ForEach(func(k, v []byte) error {
		n, err := decodeNotification(v)
		if err != nil {
			bad("outbox row %x: %v", k, err)
			return nil
		}
		if len(k) == 8 {
			n.ID = beUint64(k)
			wantOutboxDue[string(outboxDueKey(&n))] = true
		}
		if alerts.Get(alertKey(Key{Source: n.Source, ID: n.AlertID})) == nil {
			bad("outbox row %d names no alert (%s/%s)", n.ID, n.Source, n.AlertID)
		}
		if n.Person == "" || len(n.Channels) == 0 || n.Channel >= len(n.Channels) {
			bad("outbox row %d: person %q, channel %d of %v", n.ID, n.Person, n.Channel, n.Channels)
		}
		return nil
	})
	_ = tx.Bucket(bucketOutboxDue).ForEach(func(k, _ []byte) error {
		if !wantOutboxDue[string(k)] {
			bad("outbox due entry %x names no row due then", k)
		}
		delete(wantOutboxDue, string(k))
		return nil
	})
	for k := range wantOutboxDue {
		bad("outbox row %d: due entry %x missing", beUint64([]byte(k)[8:]), k)
	}
	return errs
}
