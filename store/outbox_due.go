package store

import (
	"bytes"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The outbox's due index: one key per row, ordered by when it may next be
// tried, so that the notify worker's poll reads only the rows due and not
// a backlog waiting out a long outage.
//
//	key = next attempt, unix nanoseconds (8, big endian) | row id (8)

func outboxDueKey(n *Notification) []byte {
	k := make([]byte, 16)
	copy(k, u64(uint64(max(nanos(n.NextAttempt), 0))))
	copy(k[8:], u64(n.ID))
	return k
}

// putRow writes row n and its index entry; old is the row as it was (nil
// for a new row), whose entry goes when the time changed.
func (t *txn) putRow(n, old *Notification) error {
	k := outboxDueKey(n)
	if old != nil {
		if oldKey := outboxDueKey(old); !bytes.Equal(oldKey, k) {
			if err := t.outboxDue.Delete(oldKey); err != nil {
				return err
			}
		}
	}
	if err := t.outbox.Put(u64(n.ID), appendNotification(nil, n)); err != nil {
		return err
	}
	if err := t.outboxDue.Put(k, nil); err != nil {
		return err
	}
	t.notified = true
	return nil
}

// deleteRow removes row n and its index entry.
func (t *txn) deleteRow(n *Notification) error {
	if err := t.outboxDue.Delete(outboxDueKey(n)); err != nil {
		return err
	}
	return t.outbox.Delete(u64(n.ID))
}

// reindexOutbox builds the due index from the rows (a file written before
// it existed).
func reindexOutbox(tx *bolt.Tx) error {
	idx := tx.Bucket(bucketOutboxDue)
	err := tx.Bucket(bucketOutbox).ForEach(func(k, v []byte) error {
		n, err := decodeNotification(v)
		if err != nil || len(k) != 8 {
			return nil // Check reports it; DueNotifications cannot offer it
		}
		n.ID = beUint64(k)
		return idx.Put(outboxDueKey(&n), nil)
	})
	if err != nil {
		return fmt.Errorf("index the outbox: %w", err)
	}
	return nil
}

// DueNotifications returns up to limit (0: all) outbox rows whose
// NextAttempt is at or before now, the earliest due first. OutboxChanged
// says when rows are added. A row that cannot be read is left out (Check
// reports it) rather than stopping every notification.
func (s *Store) DueNotifications(now time.Time, limit int) ([]Notification, error) {
	var out []Notification
	err := s.db.View(func(tx *bolt.Tx) error {
		rows := tx.Bucket(bucketOutbox)
		c := tx.Bucket(bucketOutboxDue).Cursor()
		until := uint64(max(nanos(now), 0))
		for k, _ := c.First(); k != nil && (limit <= 0 || len(out) < limit); k, _ = c.Next() {
			if len(k) != 16 {
				continue
			}
			if beUint64(k) > until {
				break
			}
			v := rows.Get(k[8:])
			if v == nil {
				continue
			}
			n, err := decodeNotification(v)
			if err != nil {
				continue
			}
			n.ID = beUint64(k[8:])
			out = append(out, n)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("due notifications: %w", err)
	}
	return out, nil
}
