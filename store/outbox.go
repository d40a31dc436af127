package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Outcome is how one delivery attempt of a notification ended.
type Outcome struct {
	Status  DeliveryStatus
	Channel string    // channel reference tried
	Detail  string    // error text or provider id, never a secret
	RetryAt time.Time // for DeliveryRetry
	Now     time.Time
	// Waiting marks a DeliveryRetry that is not a failed attempt (the row
	// is held for a person's live client): Attempts stays as it is, so the
	// retry backoff and give-up of later real attempts start afresh.
	Waiting bool
}

// DeliveryStatus classifies an Outcome.
type DeliveryStatus string

// Delivery outcomes.
const (
	DeliveryDelivered  DeliveryStatus = "delivered"  // row removed
	DeliveryRetry      DeliveryStatus = "retry"      // same channel at RetryAt
	DeliveryFallback   DeliveryStatus = "fallback"   // next channel now; failed when none left
	DeliveryFailed     DeliveryStatus = "failed"     // given up; row removed
	DeliverySuppressed DeliveryStatus = "suppressed" // rate-limited; row removed
	DeliveryHeld       DeliveryStatus = "held"       // shown on a live client instead; row removed
)

// Delivery is one delivered notification in a person's recent log, for
// rate limiting.
type Delivery struct {
	Time  time.Time
	Level Level
}

// keepDeliveries is how long a person's delivery log reaches back; longer
// than any sensible suppress_after period.
const keepDeliveries = 8 * 24 * time.Hour

// Finish records the outcome of a delivery attempt in the alert's history
// and updates or removes the row, in one transaction. A delivered
// notification adds the person to Alert.Told and to their delivery log.
// An unknown id is ErrNotFound (another worker finished it). Concurrent
// calls share a transaction.
func (s *Store) Finish(id uint64, o Outcome) error {
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	err := s.batch(now, func(t *txn) error {
		v := t.outbox.Get(u64(id))
		if v == nil {
			return ErrNotFound
		}
		n, err := decodeNotification(v)
		if err != nil {
			return &CorruptError{Bucket: string(bucketOutbox), Key: fmt.Sprint(id), Err: err}
		}
		n.ID = id
		old := n
		status := o.Status
		switch status {
		case DeliveryRetry:
			if !o.Waiting {
				n.Attempts++
			}
			n.NextAttempt = o.RetryAt
			if n.NextAttempt.Before(now) {
				n.NextAttempt = now
			}
			return t.putRow(&n, &old)
		case DeliveryFallback:
			if n.Channel+1 < len(n.Channels) {
				if err := t.record(&n, o, fmt.Sprintf("%s notification to %s via %s failed, falling back: %s",
					n.Level, n.Person, o.Channel, o.Detail)); err != nil {
					return err
				}
				n.Channel++
				n.Attempts = 0
				n.NextAttempt = now
				return t.putRow(&n, &old)
			}
			status = DeliveryFailed
		}
		text := fmt.Sprintf("%s %s notification to %s via %s %s", n.Event, n.Level, n.Person, o.Channel, status)
		if o.Detail != "" {
			text += ": " + o.Detail
		}
		if err := t.record(&n, o, text); err != nil {
			return err
		}
		if status == DeliveryDelivered {
			if err := t.delivered(&n); err != nil {
				return err
			}
		}
		return t.deleteRow(&n)
	})
	if err != nil {
		return fmt.Errorf("finish notification %d: %w", id, err)
	}
	return nil
}

// record writes a notification outcome into the alert's history.
func (t *txn) record(n *Notification, o Outcome, text string) error {
	a, ok, err := t.load(Key{Source: n.Source, ID: n.AlertID})
	if err != nil || !ok {
		// The alert expired meanwhile, or its record cannot be read:
		// nothing to record on, but the row is still finished (else a
		// delivered notification went out again at every poll).
		return skipCorrupt(err)
	}
	before := cloneAlert(a)
	if o.Status == DeliveryDelivered || o.Status == DeliveryHeld {
		a.Told = addName(a.Told, n.Person)
	}
	updated := a.UpdatedAt
	if err := t.event(before, &a, EventNotification, "station", text); err != nil {
		return err
	}
	a.UpdatedAt = updated // telling someone does not change the alert
	return t.save(&before, &a)
}

// delivered appends to the person's delivery log and prunes old entries.
func (t *txn) delivered(n *Notification) error {
	root := t.tx.Bucket(bucketDeliveries)
	b, err := root.CreateBucketIfNotExists([]byte(n.Person))
	if err != nil {
		return err
	}
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	key := make([]byte, 16)
	binary.BigEndian.PutUint64(key, uint64(max(t.now.UnixNano(), 0)))
	binary.BigEndian.PutUint64(key[8:], seq)
	if err := b.Put(key, []byte(n.Level)); err != nil {
		return err
	}
	cutoff := u64(uint64(max(t.now.Add(-keepDeliveries).UnixNano(), 0)))
	var old [][]byte
	c := b.Cursor()
	for k, _ := c.First(); k != nil && bytes.Compare(k[:8], cutoff) < 0; k, _ = c.Next() {
		old = append(old, bytes.Clone(k))
	}
	for _, k := range old {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// RecentDeliveries returns a person's deliveries since a time, oldest
// first.
func (s *Store) RecentDeliveries(person string, since time.Time) ([]Delivery, error) {
	var out []Delivery
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketDeliveries).Bucket([]byte(person))
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Seek(u64(uint64(max(since.UnixNano(), 0)))); k != nil; k, v = c.Next() {
			if len(k) < 16 {
				continue
			}
			out = append(out, Delivery{Time: time.Unix(0, int64(beUint64(k))).UTC(), Level: Level(v)})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("recent deliveries of %s: %w", person, err)
	}
	return out, nil
}
