package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mauve-alert/mauve/wire"
)

// Received is one accepted datagram's update with its reception time.
type Received struct {
	Update     wire.Update
	ReceivedAt time.Time
}

// tolerance: a raise or clear time this close to now happens now.
const tolerance = 5 * time.Second

// defaultImportance is a new alert's importance when its update gives none.
const defaultImportance = 50

// Apply applies a batch of received updates in one transaction (group
// commit); the updates count as accepted only when it returns nil. Each
// update is applied as of its ReceivedAt. Updates without a source are
// skipped (the listener rejects them first); alerts without an id likewise.
func (s *Store) Apply(ctx context.Context, batch []Received) error {
	if len(batch) == 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	now := batch[len(batch)-1].ReceivedAt
	err := s.update(now, func(t *txn) error {
		for i := range batch {
			if err := t.applyUpdate(&batch[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("apply %d updates: %w", len(batch), err)
	}
	s.stats.applied.Add(uint64(len(batch)))
	return nil
}

func (t *txn) applyUpdate(r *Received) error {
	u := &r.Update
	if !r.ReceivedAt.IsZero() {
		t.now = r.ReceivedAt
	}
	source := t.s.clean.text(u.Source, maxSource)
	if source == "" {
		return nil
	}
	// The sender's clock may be off: shift its times by the difference
	// between our clock and its clock at transmission.
	var offset time.Duration
	if !u.TransmissionTime.IsZero() {
		offset = t.now.Sub(u.TransmissionTime)
	}
	var named map[string]bool
	if u.Replace {
		named = make(map[string]bool, len(u.Alerts))
	}
	for i := range u.Alerts {
		id := t.s.clean.text(u.Alerts[i].ID, maxID)
		if id == "" {
			continue
		}
		if named != nil {
			named[id] = true
		}
		if err := t.applyAlert(source, id, &u.Alerts[i], offset); err != nil {
			return err
		}
	}
	if u.Replace {
		// An alert the listener took out (an impossible time) was still
		// named by the sender: replace leaves it as it is.
		for _, id := range u.Refused {
			named[t.s.clean.text(id, maxID)] = true
		}
		return t.replace(source, named)
	}
	return nil
}

func shift(at time.Time, offset time.Duration) time.Time {
	if at.IsZero() {
		return at
	}
	return at.Add(offset)
}

func (t *txn) applyAlert(source, id string, wa *wire.Alert, offset time.Duration) error {
	now := t.now
	k := Key{Source: source, ID: id}
	a, exists, err := t.load(k)
	var corrupt *CorruptError
	if errors.As(err, &corrupt) {
		// A record that cannot be read is replaced by what the sender
		// says now, rather than refusing every batch that names it.
		a, exists, err = Alert{}, false, nil
	}
	if err != nil {
		return err
	}
	// A shallow copy is enough: nothing below changes the elements of
	// a's slices in place (they are replaced or appended to).
	before := a
	if !exists {
		// A new alert's importance is 50 unless the sender says, as in
		// classic mauve: 0 would rank it below everything that says.
		a = Alert{Source: source, ID: id, CreatedAt: now, UpdatedAt: now, Importance: defaultImportance}
	}

	// Subject defaults to the source; summary, detail and importance are
	// kept when the update leaves them empty.
	if subj := t.s.clean.textOf(source, id, fieldSubject, wa.Subject, a.Subject, maxSubject, false); subj != "" {
		a.Subject = subj
	} else if a.Subject == "" {
		a.Subject = source
	}
	if sum := t.s.clean.textOf(source, id, fieldSummary, wa.Summary, a.Summary, maxSummary, true); sum != "" {
		a.Summary = sum
	}
	if det := t.s.clean.detailOf(source, id, wa.Detail, a.Detail); det != "" {
		a.Detail = det
	}
	if wa.Importance != 0 {
		a.Importance = wa.Importance
	}
	contentChanged := exists && (a.Subject != before.Subject || a.Summary != before.Summary ||
		a.Detail != before.Detail || a.Importance != before.Importance)

	raiseAt, clearAt := shift(wa.RaiseTime, offset), shift(wa.ClearTime, offset)
	if raiseAt.IsZero() && clearAt.IsZero() {
		raiseAt = now
	}
	soon := now.Add(tolerance)
	raiseNow := !raiseAt.IsZero() && !raiseAt.After(soon)
	clearNow := !clearAt.IsZero() && !clearAt.After(soon)
	var wantRaise, wantClear bool
	switch {
	case raiseNow && clearNow:
		wantRaise = raiseAt.After(clearAt)
		wantClear = !wantRaise
	case raiseNow:
		wantRaise = true
	case clearNow:
		wantClear = true
	case clearAt.IsZero():
		// A lone future raise: not raised until then.
		wantClear = true
	}
	// A lone future clear leaves the state as it is until then.
	a.WillRaiseAt, a.WillClearAt = time.Time{}, time.Time{}
	if !raiseAt.IsZero() && !raiseNow {
		a.WillRaiseAt = raiseAt
	}
	if !clearAt.IsZero() && !clearNow {
		a.WillClearAt = clearAt
	}

	var kind EventKind
	var text string
	switch {
	case wantRaise && raiseAlert(&a, now):
		kind, text = EventRaised, "raised by "+source
	case wantClear && clearAlert(&a, now):
		if exists {
			kind, text = EventCleared, "cleared by "+source
		} else {
			kind, text = EventUpdated, "first heard of, cleared, from "+source
		}
	case !exists:
		// Neither raised nor cleared yet: both are in the future.
		a.State = StateCleared
		kind, text = EventScheduled, "first heard of, scheduled, from "+source
	}
	// suppress_until is taken only on a change of state, and never
	// shortens a suppression already running. A raise takes it before the
	// Decider hears of it (so nobody is told of the raise); a clear after
	// (so the people told of the raise hear of the clear, unless the alert
	// was suppressed already), as in classic mauve.
	takeSuppress := (kind == EventRaised || kind == EventCleared) && !wa.SuppressUntil.IsZero() && !before.SuppressUntil.After(now)
	if takeSuppress && kind == EventRaised {
		a.SuppressUntil = wa.SuppressUntil
	}
	switch {
	case kind != "":
		if err := t.event(before, &a, kind, source, text); err != nil {
			return err
		}
		if takeSuppress && kind == EventCleared {
			a.SuppressUntil = wa.SuppressUntil
		}
	case contentChanged:
		// Recorded without asking the Decider (a new summary tells
		// nobody anything), and bounded: see contentEvent.
		a.UpdatedAt = now
		if err := t.contentEvent(&a, source, contentText(&before, &a, source)); err != nil {
			return err
		}
		t.announce(Change{Event: EventUpdated, Before: before, After: a, Actor: source, Now: now})
	}
	if !exists {
		return t.save(nil, &a)
	}
	return t.save(&before, &a)
}

// replace clears every alert of source that the update did not name. Their
// scheduled raises stay: a heartbeat left out of the list is still armed
// (classic mauve did the same), and a pending clear is moot once cleared.
func (t *txn) replace(source string, named map[string]bool) error {
	prefix := sourcePrefix(source)
	var keys []Key
	c := t.alerts.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		key := parseAlertKey(k)
		if !named[key.ID] {
			keys = append(keys, key)
		}
	}
	for _, k := range keys {
		a, ok, err := t.load(k)
		if err != nil || !ok {
			if err = skipCorrupt(err); err != nil {
				return err
			}
			continue
		}
		before := cloneAlert(a)
		if clearAlert(&a, t.now) {
			if err := t.event(before, &a, EventCleared, source, "cleared by "+source+" (replaced)"); err != nil {
				return err
			}
		}
		if err := t.save(&before, &a); err != nil {
			return err
		}
	}
	return nil
}
