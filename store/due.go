package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"
)

// The due index: one key per pending scheduled action, ordered by time, so
// Tick reads only what is due and the next due time is the first key.
//
//	key = unix nanoseconds (8, big endian) | kind (1) | block (4) | source NUL id

type dueKind byte

const (
	dueRaise  dueKind = 1 // WillRaiseAt
	dueClear  dueKind = 2 // WillClearAt
	dueUnack  dueKind = 3 // AcknowledgedUntil
	dueRemind dueKind = 4 // Reminders[i]
	dueExpire dueKind = 5 // ClearedAt + ExpireCleared
)

const dueHeader = 8 + 1 + 4

// maxTick bounds the work of one Tick transaction; the rest is done by the
// next, which the scheduler runs at once.
const maxTick = 5000

type dueEntry struct {
	key   []byte
	at    time.Time
	kind  dueKind
	block int
	alert Key
}

func dueKey(at time.Time, kind dueKind, block int, k Key) []byte {
	ns := max(nanos(at), 0)
	b := make([]byte, dueHeader, dueHeader+len(k.Source)+1+len(k.ID))
	binary.BigEndian.PutUint64(b, uint64(ns))
	b[8] = byte(kind)
	binary.BigEndian.PutUint32(b[9:], uint32(block))
	b = append(b, k.Source...)
	b = append(b, 0)
	return append(b, k.ID...)
}

func parseDueKey(b []byte) (dueEntry, error) {
	if len(b) < dueHeader+1 {
		return dueEntry{}, &CorruptError{Bucket: string(bucketDue), Key: fmt.Sprintf("%x", b), Err: errShort}
	}
	return dueEntry{
		key:   bytes.Clone(b),
		at:    time.Unix(0, int64(beUint64(b))).UTC(),
		kind:  dueKind(b[8]),
		block: int(binary.BigEndian.Uint32(b[9:])),
		alert: parseAlertKey(b[dueHeader:]),
	}, nil
}

func beUint64(b []byte) uint64 { return binary.BigEndian.Uint64(b) }

// dueKeys lists the due entries an alert in this state needs.
func dueKeys(a *Alert, expire time.Duration) [][]byte {
	k := a.Key()
	var keys [][]byte
	if !a.WillRaiseAt.IsZero() {
		keys = append(keys, dueKey(a.WillRaiseAt, dueRaise, 0, k))
	}
	if !a.WillClearAt.IsZero() {
		keys = append(keys, dueKey(a.WillClearAt, dueClear, 0, k))
	}
	switch a.State {
	case StateAcknowledged:
		if !a.AcknowledgedUntil.IsZero() {
			keys = append(keys, dueKey(a.AcknowledgedUntil, dueUnack, 0, k))
		}
	case StateRaised:
		for _, r := range a.Reminders {
			keys = append(keys, dueKey(r.At, dueRemind, r.Block, k))
		}
	case StateCleared:
		if !a.ClearedAt.IsZero() {
			keys = append(keys, dueKey(a.ClearedAt.Add(expire), dueExpire, 0, k))
		}
	}
	return keys
}

// Tick performs everything due at or before now (scheduled raises and
// clears, acknowledgement expiries, reminders, expiry of long-cleared
// alerts) in one transaction and returns when next something falls due
// (zero: nothing scheduled). A returned time at or before now means more
// was due than one transaction does: call Tick again.
func (s *Store) Tick(now time.Time) (time.Time, error) {
	var next time.Time
	err := s.update(now, func(t *txn) error {
		var due []dueEntry
		var bad [][]byte
		c := t.due.Cursor()
		limit := uint64(max(nanos(now), 0))
		for k, _ := c.First(); k != nil && len(due) < maxTick; k, _ = c.Next() {
			if len(k) >= 8 && beUint64(k) > limit {
				break
			}
			e, err := parseDueKey(k)
			if err != nil {
				// An entry that names no alert can do nothing; kept,
				// it would fail every Tick and so stop every schedule.
				bad = append(bad, bytes.Clone(k))
				continue
			}
			due = append(due, e)
		}
		for _, k := range bad {
			if err := t.due.Delete(k); err != nil {
				return err
			}
		}
		// Group by alert, keeping time order within each.
		order := []Key{}
		byAlert := map[Key][]dueEntry{}
		for _, e := range due {
			if _, ok := byAlert[e.alert]; !ok {
				order = append(order, e.alert)
			}
			byAlert[e.alert] = append(byAlert[e.alert], e)
		}
		for _, k := range order {
			if err := t.fire(k, byAlert[k]); err != nil {
				return err
			}
		}
		if err := t.dropRowsOfRemoved(); err != nil {
			return err
		}
		if k, _ := t.due.Cursor().First(); len(k) >= 8 {
			next = time.Unix(0, int64(beUint64(k))).UTC()
		}
		// Noted inside the transaction: write transactions are
		// serialised, so a commit after this one compares its due times
		// with this next, and one before it was seen by this Tick.
		s.noteNext(next)
		return nil
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("tick at %s: %w", now.Format(time.RFC3339), err)
	}
	return next, nil
}

// noteNext records the next due time so that commits scheduling something
// earlier wake the scheduler.
func (s *Store) noteNext(next time.Time) {
	if next.IsZero() {
		s.nextDue.Store(1<<63 - 1)
		return
	}
	s.nextDue.Store(nanos(next))
}

// fire performs the due entries of one alert, in time order. Entries that
// no longer match the alert (left by an older schedule) are dropped.
func (t *txn) fire(k Key, entries []dueEntry) error {
	a, ok, err := t.load(k)
	var corrupt *CorruptError
	if errors.As(err, &corrupt) {
		// Nothing can be done for a record that cannot be read; its
		// schedule must not block everyone else's.
		return t.dropDue(entries, nil)
	}
	if err != nil {
		return err
	}
	if !ok {
		return t.dropDue(entries, nil)
	}
	orig := cloneAlert(a)
	for _, e := range entries {
		before := cloneAlert(a)
		switch e.kind {
		case dueRaise:
			if !sameTime(a.WillRaiseAt, e.at) {
				continue
			}
			if raiseAlert(&a, t.now) {
				if err := t.event(before, &a, EventRaised, "station", "raised as scheduled"); err != nil {
					return err
				}
			}
		case dueClear:
			if !sameTime(a.WillClearAt, e.at) {
				continue
			}
			if clearAlert(&a, t.now) {
				if err := t.event(before, &a, EventCleared, "station", "cleared as scheduled"); err != nil {
					return err
				}
			}
		case dueUnack:
			if a.State != StateAcknowledged || !sameTime(a.AcknowledgedUntil, e.at) {
				continue
			}
			reRaise(&a, t.now)
			if err := t.event(before, &a, EventReRaised, "station", "acknowledgement expired"); err != nil {
				return err
			}
		case dueRemind:
			i := slices.IndexFunc(a.Reminders, func(r Reminder) bool { return r.Block == e.block && sameTime(r.At, e.at) })
			if a.State != StateRaised || i < 0 {
				continue
			}
			a.Reminders = slices.Delete(a.Reminders, i, i+1)
			if err := t.decideBlock(before, &a, EventReminder, "station", e.block); err != nil {
				return err
			}
		case dueExpire:
			if a.State != StateCleared || a.ClearedAt.Add(t.s.expire).After(t.now) {
				continue
			}
			if err := t.remove(&orig); err != nil {
				return fmt.Errorf("expire %s: %w", k, err)
			}
			return t.dropDue(entries, nil)
		}
	}
	if err := t.save(&orig, &a); err != nil {
		return err
	}
	return t.dropDue(entries, &a)
}

// dropDue deletes performed entries that the alert's new state does not
// need again.
func (t *txn) dropDue(entries []dueEntry, a *Alert) error {
	var keep [][]byte
	if a != nil {
		keep = dueKeys(a, t.s.expire)
	}
	for _, e := range entries {
		if containsKey(keep, e.key) {
			continue
		}
		if err := t.due.Delete(e.key); err != nil {
			return err
		}
	}
	return nil
}

// sameTime compares as the due index keys times (dueKey), so that an entry
// always matches the alert time it was made from.
func sameTime(a, b time.Time) bool { return !a.IsZero() && max(nanos(a), 0) == max(nanos(b), 0) }

// nanos is t in unix nanoseconds, saturated where int64 ends (years 1678
// and 2262) instead of wrapping: a sender may name any year, and a wrapped
// time would be stored as some other time, or fall due at once and never
// match its alert again.
func nanos(t time.Time) int64 {
	const limit = int64(math.MaxInt64 / 1_000_000_000)
	switch s := t.Unix(); {
	case s >= limit:
		return math.MaxInt64
	case s <= -limit:
		return math.MinInt64
	}
	return t.UnixNano()
}

// Postpone moves every due time earlier than until to until (the initial
// sleep after a restart), so that what fell due while the station was down
// happens once, after late senders have had time to speak.
func (s *Store) Postpone(until time.Time) error {
	err := s.update(until, func(t *txn) error {
		t.keepUpdated = true
		var keys []Key
		seen := map[Key]bool{}
		c := t.due.Cursor()
		limit := uint64(max(nanos(until), 0))
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			if len(k) < 8 || beUint64(k) >= limit {
				break
			}
			e, err := parseDueKey(k)
			if err != nil {
				return err
			}
			if !seen[e.alert] {
				seen[e.alert] = true
				keys = append(keys, e.alert)
			}
		}
		for _, k := range keys {
			if err := t.postpone(k, until); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("postpone until %s: %w", until.Format(time.RFC3339), err)
	}
	return nil
}

func (t *txn) postpone(k Key, until time.Time) error {
	a, ok, err := t.load(k)
	if err != nil || !ok {
		return skipCorrupt(err)
	}
	before := cloneAlert(a)
	later := func(x time.Time) time.Time {
		if !x.IsZero() && x.Before(until) {
			return until
		}
		return x
	}
	// A raise and a clear that both fell due would fire together, raise
	// first, whichever was meant to come last: only the later one (the
	// clear on a tie, as when they arrive together) is kept, so the alert
	// ends as it would have.
	if r, c := a.WillRaiseAt, a.WillClearAt; !r.IsZero() && !c.IsZero() && r.Before(until) && c.Before(until) {
		if r.After(c) {
			a.WillClearAt = time.Time{}
		} else {
			a.WillRaiseAt = time.Time{}
		}
	}
	a.WillRaiseAt = later(a.WillRaiseAt)
	a.WillClearAt = later(a.WillClearAt)
	if a.State == StateAcknowledged {
		a.AcknowledgedUntil = later(a.AcknowledgedUntil)
	}
	for i := range a.Reminders {
		a.Reminders[i].At = later(a.Reminders[i].At)
	}
	// Expiry of cleared alerts is not a notification; it may run late
	// without harm, so it is left alone.
	return t.save(&before, &a)
}
