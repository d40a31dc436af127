package store

// This file is the contract the other packages code against while the store
// is being written. The store's owner replaces every body here with the real
// one (moving methods into their own files) and deletes this file.

import (
	"context"
	"errors"
	"time"

	"github.com/mauve-alert/mauve/wire"
)

// Sentinel errors.
var (
	// ErrNotFound is returned when no alert (session, token) has that key.
	ErrNotFound = errors.New("not found")
	// ErrCleared is returned when an action needs a raised alert.
	ErrCleared = errors.New("alert is cleared")
	// ErrLocked is returned by Open when another process holds the file.
	ErrLocked = errors.New("database is in use by another mauve serve")
	errTODO   = errors.New("store: not implemented yet")
)

// Options configure Open. The zero value is usable.
type Options struct {
	Decider       Decider       // nil: nobody is told anything
	ExpireCleared time.Duration // 0: 30 days
	LockTimeout   time.Duration // 0: 1s
}

// Store is the station's memory in one bbolt file.
type Store struct{}

// Received is one accepted datagram's update with its reception time.
type Received struct {
	Update     wire.Update
	ReceivedAt time.Time
}

// Filter selects alerts in List. Zero fields match everything.
type Filter struct {
	State  State
	Source string
	Level  string
}

// HistoryQuery selects events in SearchHistory.
type HistoryQuery struct {
	From, To time.Time
	Source   string
	Subject  string // substring
	Text     string // substring of the event text or alert summary
	Limit    int
}

// Outcome is how one delivery attempt of a notification ended.
type Outcome struct {
	Status  DeliveryStatus
	Channel string    // channel reference tried
	Detail  string    // error text or provider id, never a secret
	RetryAt time.Time // for DeliveryRetry
	Now     time.Time
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
	Level string
}

// Open opens (creating if need be) the store at path.
func Open(path string, opts Options) (*Store, error) { return nil, errTODO }

// Close closes the file.
func (s *Store) Close() error { return errTODO }

// Apply applies a batch of received updates in one transaction (group
// commit); the updates count as accepted only when it returns nil.
func (s *Store) Apply(ctx context.Context, batch []Received) error { return errTODO }

// Get returns one alert.
func (s *Store) Get(k Key) (Alert, error) { return Alert{}, errTODO }

// List returns the alerts that match f, most urgent and newest first.
func (s *Store) List(f Filter) ([]Alert, error) { return nil, errTODO }

// History returns an alert's events, oldest first.
func (s *Store) History(k Key) ([]Event, error) { return nil, errTODO }

// SearchHistory returns events across alerts, newest first.
func (s *Store) SearchHistory(q HistoryQuery) ([]Event, error) { return nil, errTODO }

// Acknowledge acknowledges a raised alert until a time.
func (s *Store) Acknowledge(k Key, person string, until time.Time, note string, now time.Time) (Alert, error) {
	return Alert{}, errTODO
}

// Unacknowledge returns an acknowledged alert to raised.
func (s *Store) Unacknowledge(k Key, person, note string, now time.Time) (Alert, error) {
	return Alert{}, errTODO
}

// Raise raises an alert by hand.
func (s *Store) Raise(k Key, person, note string, now time.Time) (Alert, error) {
	return Alert{}, errTODO
}

// Clear clears an alert by hand.
func (s *Store) Clear(k Key, person, note string, now time.Time) (Alert, error) {
	return Alert{}, errTODO
}

// Suppress holds notifications of an alert until a time.
func (s *Store) Suppress(k Key, person string, until time.Time, note string, now time.Time) (Alert, error) {
	return Alert{}, errTODO
}

// Unsuppress lifts a suppression.
func (s *Store) Unsuppress(k Key, person, note string, now time.Time) (Alert, error) {
	return Alert{}, errTODO
}

// AddNote records a note.
func (s *Store) AddNote(k Key, person, text string, now time.Time) (Alert, error) {
	return Alert{}, errTODO
}

// Tick performs everything due at or before now (scheduled raises and
// clears, acknowledgement expiries, reminders) and returns when next
// something falls due (zero: nothing scheduled).
func (s *Store) Tick(now time.Time) (time.Time, error) { return time.Time{}, errTODO }

// Postpone moves every due time earlier than until to until (initial sleep).
func (s *Store) Postpone(until time.Time) error { return errTODO }

// Redecide re-evaluates group and level of every raised alert with the
// current Decider without notifying anyone (after a reload).
func (s *Store) Redecide(now time.Time) error { return errTODO }

// Subscribe returns a channel that receives each change after it commits,
// and a function to stop.
func (s *Store) Subscribe() (<-chan Change, func()) { return nil, func() {} }

// DueNotifications returns up to limit outbox rows whose NextAttempt is at
// or before now, oldest first, and a channel closed when new rows are added.
func (s *Store) DueNotifications(now time.Time, limit int) ([]Notification, error) {
	return nil, errTODO
}

// OutboxChanged returns a channel that receives a value whenever rows are
// added to the outbox.
func (s *Store) OutboxChanged() <-chan struct{} { return nil }

// Finish records the outcome of a delivery attempt in the alert's history
// and updates or removes the row, in one transaction.
func (s *Store) Finish(id uint64, o Outcome) error { return errTODO }

// RecentDeliveries returns a person's deliveries since a time.
func (s *Store) RecentDeliveries(person string, since time.Time) ([]Delivery, error) {
	return nil, errTODO
}

// CreateSession starts a web session for a person and returns its id.
func (s *Store) CreateSession(person string, ttl time.Duration, now time.Time) (string, error) {
	return "", errTODO
}

// SessionPerson returns the person of a live session.
func (s *Store) SessionPerson(id string, now time.Time) (string, error) { return "", errTODO }

// DeleteSession ends a session.
func (s *Store) DeleteSession(id string) error { return errTODO }

// CreateToken makes a new API token for a person and returns its secret;
// only a hash of it is stored.
func (s *Store) CreateToken(person, name string, now time.Time) (string, error) {
	return "", errTODO
}

// TokenPerson returns the person a token secret belongs to.
func (s *Store) TokenPerson(secret string, now time.Time) (string, error) { return "", errTODO }
