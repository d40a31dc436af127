package store

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Filter selects alerts in List. Zero fields match everything.
type Filter struct {
	State  State
	Source string
	Level  Level
	// Active leaves out cleared alerts (raised and acknowledged remain).
	Active bool
	// Text keeps the alerts whose subject, summary, source or id contains
	// it, ignoring case.
	Text string
}

// match reports whether a passes f's filters other than Source (which
// List applies by seeking to the source's keys).
func (f Filter) match(a *Alert, text string) bool {
	switch {
	case f.State != "" && a.State != f.State,
		f.Level != "" && a.Level != f.Level,
		f.Active && a.State == StateCleared:
		return false
	}
	if text == "" {
		return true
	}
	for _, s := range [...]string{a.Subject, a.Summary, a.Source, a.ID} {
		if strings.Contains(strings.ToLower(s), text) {
			return true
		}
	}
	return false
}

// HistoryQuery selects events in SearchHistory.
type HistoryQuery struct {
	From, To time.Time
	Source   string
	Subject  string // substring
	Text     string // substring of the event text or alert summary
	Limit    int
}

// Get returns one alert, or ErrNotFound.
func (s *Store) Get(k Key) (Alert, error) {
	var a Alert
	err := s.db.View(func(tx *bolt.Tx) error {
		var ok bool
		var err error
		a, ok, err = loadAlert(tx.Bucket(bucketAlerts), k)
		if err == nil && !ok {
			err = ErrNotFound
		}
		return err
	})
	if err != nil {
		return Alert{}, fmt.Errorf("get %s: %w", k, err)
	}
	return a, nil
}

// List returns the alerts that match f, most urgent first, then the most
// recently changed first.
func (s *Store) List(f Filter) ([]Alert, error) {
	var out []Alert
	text := strings.ToLower(strings.TrimSpace(f.Text))
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketAlerts).Cursor()
		var prefix []byte
		if f.Source != "" {
			prefix = sourcePrefix(f.Source)
		}
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			a, err := decodeAlert(parseAlertKey(k), v)
			if err != nil {
				// Unreadable records are left out (Check reports them;
				// the next update replaces them) so one cannot hide
				// every other alert.
				continue
			}
			if !f.match(&a, text) {
				continue
			}
			out = append(out, a)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list alerts: %w", err)
	}
	slices.SortStableFunc(out, func(a, b Alert) int {
		if c := cmp.Compare(a.Level.Rank(), b.Level.Rank()); c != 0 {
			return c
		}
		return b.UpdatedAt.Compare(a.UpdatedAt)
	})
	return out, nil
}

// History returns an alert's events, oldest first. An alert with no
// history (or none at all) gives an empty list.
func (s *Store) History(k Key) ([]Event, error) {
	var out []Event
	err := s.db.View(func(tx *bolt.Tx) error {
		events := tx.Bucket(bucketEvents)
		prefix := append(alertKey(k), 0)
		c := tx.Bucket(bucketAlertEvents).Cursor()
		for ik, _ := c.Seek(prefix); ik != nil && bytes.HasPrefix(ik, prefix); ik, _ = c.Next() {
			seq := ik[len(prefix):]
			v := events.Get(seq)
			if v == nil {
				continue
			}
			ev, err := decodeEvent(v)
			if err != nil {
				return &CorruptError{Bucket: string(bucketEvents), Key: fmt.Sprintf("%x", seq), Err: err}
			}
			out = append(out, ev)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", k, err)
	}
	return out, nil
}

// SearchHistory returns events across alerts, newest first, at most
// q.Limit (0: 1000).
func (s *Store) SearchHistory(q HistoryQuery) ([]Event, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = 1000
	}
	var out []Event
	err := s.db.View(func(tx *bolt.Tx) error {
		alerts := tx.Bucket(bucketAlerts)
		c := tx.Bucket(bucketEvents).Cursor()
		for k, v := c.Last(); k != nil && len(out) < limit; k, v = c.Prev() {
			ev, err := decodeEvent(v)
			if err != nil {
				return &CorruptError{Bucket: string(bucketEvents), Key: fmt.Sprintf("%x", k), Err: err}
			}
			if !q.From.IsZero() && ev.Time.Before(q.From) {
				break // older from here on
			}
			if !q.To.IsZero() && ev.Time.After(q.To) {
				continue
			}
			if q.Source != "" && ev.Source != q.Source {
				continue
			}
			if q.Subject != "" || q.Text != "" {
				a, _, err := loadAlert(alerts, Key{Source: ev.Source, ID: ev.ID})
				if err != nil {
					return err
				}
				if q.Subject != "" && !containsFold(a.Subject, q.Subject) {
					continue
				}
				if q.Text != "" && !containsFold(ev.Text, q.Text) && !containsFold(a.Summary, q.Text) {
					continue
				}
			}
			out = append(out, ev)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("search history: %w", err)
	}
	return out, nil
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

// Redecide re-evaluates group, level and reminder schedule of every alert
// with the current Decider, without notifying anyone (after a reload).
func (s *Store) Redecide(now time.Time) error {
	if s.decider == nil {
		return nil
	}
	err := s.update(now, func(t *txn) error {
		var keys []Key
		c := t.alerts.Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			keys = append(keys, parseAlertKey(k))
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
			dec := s.decider.Decide(Change{Event: EventUpdated, Before: before, After: a, Actor: "station", Now: now})
			if dec.Group != "" {
				a.Group = dec.Group
			}
			if dec.Level != "" {
				a.Level = dec.Level
			}
			if a.State == StateRaised {
				setReminders(&a, dec.Reminders, now)
			}
			if err := t.save(&before, &a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("redecide: %w", err)
	}
	return nil
}
