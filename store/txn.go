package store

import (
	"bytes"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// txn is one write transaction: the buckets, its single `now`, and what
// to announce after it commits. Unexported helpers take it so several
// compose into one transaction.
type txn struct {
	s   *Store
	tx  *bolt.Tx
	now time.Time

	alerts, events, alertEvents, due, outbox, outboxDue *bolt.Bucket

	changes    []Change
	subscribed bool  // someone is subscribed: keep changes
	notified   bool  // outbox rows written
	minDue     int64 // earliest due time written, unix nanoseconds
	raised     int
	cleared    int

	buf []byte // scratch encoding buffer; never handed to bbolt

	removed map[Key]bool // alerts deleted, whose outbox rows go too

	// keepUpdated: the transaction's changes are not updates of the
	// alerts (Postpone, whose now is in the future): UpdatedAt stays.
	keepUpdated bool

	// The record last loaded or saved, so save need not look it up again.
	// bbolt's slices stay valid for the transaction: pages are copied on
	// write, and a Put replaces a value rather than changing it.
	lastKey, lastRaw []byte
}

func (t *txn) bind(tx *bolt.Tx) {
	t.tx = tx
	t.alerts = tx.Bucket(bucketAlerts)
	t.events = tx.Bucket(bucketEvents)
	t.alertEvents = tx.Bucket(bucketAlertEvents)
	t.due = tx.Bucket(bucketDue)
	t.outbox = tx.Bucket(bucketOutbox)
	t.outboxDue = tx.Bucket(bucketOutboxDue)
	// Events and outbox rows are appended in key order: fill pages full.
	t.events.FillPercent = 0.95
	t.outbox.FillPercent = 0.95
}

// load returns the stored alert, or ok=false when there is none.
func (t *txn) load(k Key) (Alert, bool, error) {
	key := alertKey(k)
	v := t.alerts.Get(key)
	t.lastKey, t.lastRaw = key, v
	if v == nil {
		return Alert{}, false, nil
	}
	a, err := decodeAlert(k, v)
	if err != nil {
		return Alert{}, false, &CorruptError{Bucket: string(bucketAlerts), Key: k.String(), Err: err}
	}
	return a, true, nil
}

func loadAlert(b *bolt.Bucket, k Key) (Alert, bool, error) {
	v := b.Get(alertKey(k))
	if v == nil {
		return Alert{}, false, nil
	}
	a, err := decodeAlert(k, v)
	if err != nil {
		return Alert{}, false, &CorruptError{Bucket: string(bucketAlerts), Key: k.String(), Err: err}
	}
	return a, true, nil
}

// save writes after, keeping the due index in step with before (nil for
// a new alert). An alert whose record did not change is not rewritten, so
// a refresh that changes nothing dirties no page.
func (t *txn) save(before *Alert, after *Alert) error {
	k := alertKey(after.Key())
	var oldDue [][]byte
	if before != nil {
		oldDue = dueKeys(before, t.s.expire)
	}
	newDue := dueKeys(after, t.s.expire)
	for _, d := range oldDue {
		if !containsKey(newDue, d) {
			if err := t.due.Delete(d); err != nil {
				return fmt.Errorf("unschedule %s: %w", after.Key(), err)
			}
		}
	}
	for _, d := range newDue {
		if !containsKey(oldDue, d) {
			if err := t.due.Put(d, nil); err != nil {
				return fmt.Errorf("schedule %s: %w", after.Key(), err)
			}
			if at := int64(beUint64(d)); at < t.minDue {
				t.minDue = at
			}
		}
	}
	t.buf = appendAlert(t.buf[:0], after)
	if before != nil {
		old := t.lastRaw
		if !bytes.Equal(t.lastKey, k) {
			old = t.alerts.Get(k)
		}
		if bytes.Equal(old, t.buf) {
			return nil
		}
		if after.UpdatedAt.Equal(before.UpdatedAt) && !t.keepUpdated {
			// UpdatedAt is when the record last changed.
			after.UpdatedAt = t.now
			t.buf = appendAlert(t.buf[:0], after)
		}
	}
	// bbolt keeps the value until commit: the scratch buffer is copied.
	v := bytes.Clone(t.buf)
	if err := t.alerts.Put(k, v); err != nil {
		return fmt.Errorf("save alert %s: %w", after.Key(), err)
	}
	t.lastKey, t.lastRaw = k, v
	return nil
}

// remove deletes an alert with its due entries and its history.
func (t *txn) remove(a *Alert) error {
	for _, d := range dueKeys(a, t.s.expire) {
		if err := t.due.Delete(d); err != nil {
			return err
		}
	}
	prefix := append(alertKey(a.Key()), 0)
	c := t.alertEvents.Cursor()
	var seqs [][]byte
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		seqs = append(seqs, bytes.Clone(k))
	}
	for _, k := range seqs {
		if err := t.alertEvents.Delete(k); err != nil {
			return err
		}
		if err := t.events.Delete(k[len(prefix):]); err != nil {
			return err
		}
	}
	// Rows still waiting to tell of it go too: there is nothing left to
	// link to, and it has been cleared for ExpireCleared.
	// Rows go in one pass over the outbox at the end of the transaction
	// (dropRowsOfRemoved), not one pass per alert: a Tick may expire
	// thousands while a backlog of rows waits out an outage.
	if t.removed == nil {
		t.removed = map[Key]bool{}
	}
	t.removed[a.Key()] = true
	return t.alerts.Delete(alertKey(a.Key()))
}

// dropRowsOfRemoved deletes the outbox rows of the alerts remove deleted.
func (t *txn) dropRowsOfRemoved() error {
	if len(t.removed) == 0 {
		return nil
	}
	var rows []Notification
	c := t.outbox.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		n, err := decodeNotification(v)
		if err == nil && len(k) == 8 && t.removed[Key{Source: n.Source, ID: n.AlertID}] {
			n.ID = beUint64(k)
			rows = append(rows, n)
		}
	}
	for i := range rows {
		if err := t.deleteRow(&rows[i]); err != nil {
			return err
		}
	}
	return nil
}

func containsKey(keys [][]byte, k []byte) bool {
	return slices.ContainsFunc(keys, func(x []byte) bool { return bytes.Equal(x, k) })
}

// event records one history entry for after and, for events that tell
// someone something, asks the Decider and writes the notifications it
// returns to the outbox. It updates after with the decision.
func (t *txn) event(before Alert, after *Alert, kind EventKind, actor, text string) error {
	after.UpdatedAt = t.now
	if err := t.history(after, kind, actor, text); err != nil {
		return err
	}
	switch kind {
	case EventRaised, EventReRaised:
		t.raised++
	case EventCleared:
		t.cleared++
	}
	if kind == EventNotification || kind == EventExpired {
		return nil
	}
	return t.decideBlock(before, after, kind, actor, 0)
}

// history appends one entry to the alert's history, stamped t.now.
func (t *txn) history(a *Alert, kind EventKind, actor, text string) error {
	seq, err := t.events.NextSequence()
	if err != nil {
		return err
	}
	ev := Event{Seq: seq, Time: t.now, Source: a.Source, ID: a.ID, Kind: kind,
		Actor: actor, Text: text, State: a.State}
	v := appendEvent(nil, &ev)
	if err := t.events.Put(u64(seq), v); err != nil {
		return fmt.Errorf("record %s of %s: %w", kind, a.Key(), err)
	}
	ik := append(append(alertKey(a.Key()), 0), u64(seq)...)
	if err := t.alertEvents.Put(ik, nil); err != nil {
		return fmt.Errorf("record %s of %s: %w", kind, a.Key(), err)
	}
	return nil
}

// decideBlock asks the Decider about a change without recording history:
// directly for reminders (a reminder changes nothing; its outcome is
// recorded when delivered), and through event for everything else.
func (t *txn) decideBlock(before Alert, after *Alert, kind EventKind, actor string, block int) error {
	c := Change{Event: kind, Before: before, After: *after, Actor: actor, Now: t.now, Block: block, Raised: t.raisedNow,
		StateChanges: func(since time.Time) int { return t.stateChanges(after.Key(), since) }}
	if d := t.s.decider; d != nil {
		dec := d.Decide(c)
		if dec.Group != "" {
			after.Group = dec.Group
		}
		if dec.Level != "" {
			after.Level = dec.Level
		}
		setReminders(after, dec.Reminders, t.now)
		if err := t.queue(after, before.RaisedAt, kind, dec.Notifications); err != nil {
			return err
		}
	}
	if after.State != StateRaised {
		// Reminders stop on acknowledgement and on clear.
		after.Reminders = nil
	}
	c.After = *after
	t.announce(c)
	return nil
}

// raisedNow says whether the stored alert k is raised, for the Decider's
// dependency holds; an unreadable record reads as not raised, so a
// corrupt parent never silences its children.
func (t *txn) raisedNow(k Key) bool {
	a, ok, err := loadAlert(t.alerts, k)
	return err == nil && ok && a.State == StateRaised
}

// maxStateChanges bounds the history a flapping count reads.
const maxStateChanges = 1000

// stateChanges counts k's raised, re-raised and cleared events at or after
// since, newest first, reading at most maxStateChanges entries.
func (t *txn) stateChanges(k Key, since time.Time) int {
	prefix := append(alertKey(k), 0)
	c := t.alertEvents.Cursor()
	key, _ := c.Seek(append(alertKey(k), 1))
	if key == nil {
		key, _ = c.Last()
	} else {
		key, _ = c.Prev()
	}
	n := 0
	for i := 0; key != nil && bytes.HasPrefix(key, prefix) && i < maxStateChanges; i++ {
		v := t.events.Get(key[len(prefix):])
		ev, err := decodeEvent(v)
		if err != nil || ev.Time.Before(since) {
			break
		}
		switch ev.Kind {
		case EventRaised, EventReRaised, EventCleared:
			n++
		}
		key, _ = c.Prev()
	}
	return n
}

// announce keeps a change for the subscribers, if there are any.
func (t *txn) announce(c Change) {
	if !t.subscribed {
		return
	}
	c.Before = cloneAlert(c.Before)
	c.After = cloneAlert(c.After)
	t.changes = append(t.changes, c)
}

// queue writes notifications to the outbox.
// raisedBefore is the alert's raise time before the change: a clear resets
// it, yet its mail belongs to that raise.
func (t *txn) queue(a *Alert, raisedBefore time.Time, kind EventKind, ns []Notification) error {
	for _, n := range ns {
		id, err := t.outbox.NextSequence()
		if err != nil {
			return err
		}
		n.ID = id
		n.Source, n.AlertID = a.Source, a.ID
		if n.Event == "" {
			n.Event = kind
		}
		if n.Level == "" {
			n.Level = a.Level
		}
		n.Alert = cloneAlert(*a)
		n.Alert.Reminders = nil
		n.RaisedAt = a.RaisedAt
		if n.RaisedAt.IsZero() {
			n.RaisedAt = raisedBefore
		}
		n.Created = t.now
		if n.NextAttempt.IsZero() {
			n.NextAttempt = t.now
		}
		if err := t.putRow(&n, nil); err != nil {
			return fmt.Errorf("queue notification of %s: %w", a.Key(), err)
		}
		// Told counts from the queueing, not the delivery: a clear that
		// comes while the raise is still in the outbox (a burst, or SMTP
		// down) must follow it to the same people.
		a.Told = addName(a.Told, n.Person)
	}
	return nil
}

// setReminders replaces the alert's reminders with a copy of rs. A
// reminder in the past would fall due again at once: the earliest is a
// second from now.
func setReminders(a *Alert, rs []Reminder, now time.Time) {
	a.Reminders = slices.Clone(rs)
	soonest := now.Add(time.Second)
	for i, r := range a.Reminders {
		if r.At.Before(soonest) {
			a.Reminders[i].At = soonest
		}
	}
}

func cloneAlert(a Alert) Alert {
	a.Told = slices.Clone(a.Told)
	a.Actors = slices.Clone(a.Actors)
	a.Reminders = slices.Clone(a.Reminders)
	return a
}

func addName(names []string, name string) []string {
	if name == "" || slices.Contains(names, name) {
		return names
	}
	return append(names, name)
}
