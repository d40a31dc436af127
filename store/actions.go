package store

import (
	"fmt"
	"time"
)

// The actions people take on one alert. Each is one transaction, records
// the person in the alert's history and in Alert.Actors, and returns the
// alert as it is after the action. An unknown alert is ErrNotFound.

// act loads k, lets fn change it, and saves it.
func (s *Store) act(verb string, k Key, now time.Time, fn func(t *txn, before Alert, a *Alert) error) (Alert, error) {
	var out Alert
	err := s.update(now, func(t *txn) error {
		a, ok, err := t.load(k)
		if err != nil {
			return err
		}
		if !ok {
			return ErrNotFound
		}
		before := cloneAlert(a)
		if err := fn(t, before, &a); err != nil {
			return err
		}
		if err := t.save(&before, &a); err != nil {
			return err
		}
		out = cloneAlert(a)
		return nil
	})
	if err != nil {
		return Alert{}, fmt.Errorf("%s %s: %w", verb, k, err)
	}
	return out, nil
}

func withNote(text, note string) string {
	if note == "" {
		return text
	}
	return text + ": " + note
}

// Acknowledge acknowledges a raised alert until a time; an acknowledged
// one has its acknowledgement replaced. A cleared alert is ErrCleared.
// Capping until is the caller's business (the policy's maximum).
func (s *Store) Acknowledge(k Key, person string, until time.Time, note string, now time.Time) (Alert, error) {
	return s.act("acknowledge", k, now, func(t *txn, before Alert, a *Alert) error {
		if !isRaised(a) {
			return ErrCleared
		}
		a.State = StateAcknowledged
		a.AcknowledgedBy = person
		a.AcknowledgedAt = now
		a.AcknowledgedUntil = until
		a.Actors = addName(a.Actors, person)
		text := withNote(fmt.Sprintf("acknowledged by %s until %s", person, until.UTC().Format(time.RFC3339)), note)
		return t.event(before, a, EventAcknowledged, person, text)
	})
}

// Unacknowledge returns an acknowledged alert to raised, with raised_at
// reset to now so that reminders start over. A raised alert is left as it
// is; a cleared one is ErrCleared.
func (s *Store) Unacknowledge(k Key, person, note string, now time.Time) (Alert, error) {
	return s.act("unacknowledge", k, now, func(t *txn, before Alert, a *Alert) error {
		switch a.State {
		case StateCleared:
			return ErrCleared
		case StateRaised:
			return nil
		}
		reRaise(a, now)
		a.Actors = addName(a.Actors, person)
		return t.event(before, a, EventUnacknowledged, person, withNote("unacknowledged by "+person, note))
	})
}

// Raise raises an alert by hand, dropping any acknowledgement and any
// scheduled raise. An alert already raised only gets the note.
func (s *Store) Raise(k Key, person, note string, now time.Time) (Alert, error) {
	return s.act("raise", k, now, func(t *txn, before Alert, a *Alert) error {
		if a.State == StateAcknowledged {
			reRaise(a, now)
			a.WillRaiseAt = time.Time{}
		} else if !raiseAlert(a, now) {
			return t.note(before, a, person, note)
		}
		a.Actors = addName(a.Actors, person)
		return t.event(before, a, EventRaised, person, withNote("raised by "+person, note))
	})
}

// Clear clears an alert by hand and cancels a scheduled clear. An alert
// already cleared only gets the note.
func (s *Store) Clear(k Key, person, note string, now time.Time) (Alert, error) {
	return s.act("clear", k, now, func(t *txn, before Alert, a *Alert) error {
		if !clearAlert(a, now) {
			return t.note(before, a, person, note)
		}
		a.Actors = addName(a.Actors, person)
		return t.event(before, a, EventCleared, person, withNote("cleared by "+person, note))
	})
}

// Suppress holds notifications of an alert until a time.
func (s *Store) Suppress(k Key, person string, until time.Time, note string, now time.Time) (Alert, error) {
	return s.act("suppress", k, now, func(t *txn, before Alert, a *Alert) error {
		a.SuppressUntil = until
		a.Actors = addName(a.Actors, person)
		text := withNote(fmt.Sprintf("suppressed by %s until %s", person, until.UTC().Format(time.RFC3339)), note)
		return t.event(before, a, EventSuppressed, person, text)
	})
}

// Unsuppress lifts a suppression.
func (s *Store) Unsuppress(k Key, person, note string, now time.Time) (Alert, error) {
	return s.act("unsuppress", k, now, func(t *txn, before Alert, a *Alert) error {
		a.SuppressUntil = time.Time{}
		a.Actors = addName(a.Actors, person)
		return t.event(before, a, EventUnsuppressed, person, withNote("unsuppressed by "+person, note))
	})
}

// AddNote records a note.
func (s *Store) AddNote(k Key, person, text string, now time.Time) (Alert, error) {
	return s.act("note on", k, now, func(t *txn, before Alert, a *Alert) error {
		return t.note(before, a, person, text)
	})
}

func (t *txn) note(before Alert, a *Alert, person, text string) error {
	if text == "" {
		return nil
	}
	a.Actors = addName(a.Actors, person)
	return t.event(before, a, EventNote, person, text)
}
