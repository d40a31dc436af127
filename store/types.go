package store

import (
	"fmt"
	"time"
)

// State is where an alert is in its lifecycle.
type State string

// The states of an alert. A raised alert that someone acknowledged is
// StateAcknowledged until the acknowledgement expires or the alert clears.
const (
	StateRaised       State = "raised"
	StateAcknowledged State = "acknowledged"
	StateCleared      State = "cleared"
)

// Key names one alert: the id is unique per source.
type Key struct {
	Source string
	ID     string
}

// String returns "source/id", the form people type in `mauve ack`.
func (k Key) String() string { return fmt.Sprintf("%s/%s", k.Source, k.ID) }

// Alert is the station's state of one alert. Zero times mean "not set".
// Values returned by the store are copies the caller may keep.
type Alert struct {
	Source     string
	ID         string
	Subject    string
	Summary    string
	Detail     string // sanitized HTML
	Importance uint32

	State     State
	RaisedAt  time.Time // first raised since last cleared (reset on re-raise)
	ClearedAt time.Time

	AcknowledgedBy    string
	AcknowledgedAt    time.Time
	AcknowledgedUntil time.Time

	WillRaiseAt   time.Time
	WillClearAt   time.Time
	SuppressUntil time.Time

	CreatedAt time.Time
	UpdatedAt time.Time

	// Group and Level are what the policy decided at the last change.
	Group string
	Level Level

	// Told lists the people notified of this alert since it was last
	// raised (counted when a notification is queued for them, delivered or
	// not yet); Actors the people who acted on it (acked, noted, raised or
	// cleared by hand) since then. Both are cleared when it is raised anew.
	Told   []string
	Actors []string

	// Reminders are the pending reminder times, one per notify block of
	// the alert's group that keeps a pace, as the Decider last returned.
	Reminders []Reminder
}

// Key returns the alert's key.
func (a Alert) Key() Key { return Key{Source: a.Source, ID: a.ID} }

// Reminder is the next time one notify block of a group wants to remind.
type Reminder struct {
	Block int // index of the notify block within its group
	At    time.Time
}

// EventKind says what happened to an alert; it is also the event a
// notification tells of.
type EventKind string

// Kinds of events recorded in history and told in notifications.
const (
	EventRaised         EventKind = "raised"
	EventCleared        EventKind = "cleared"
	EventAcknowledged   EventKind = "acknowledged"
	EventUnacknowledged EventKind = "unacknowledged" // by hand
	EventReRaised       EventKind = "re-raised"      // acknowledgement expired
	EventReminder       EventKind = "reminder"
	EventUpdated        EventKind = "updated" // fields changed, state did not
	EventScheduled      EventKind = "scheduled"
	EventSuppressed     EventKind = "suppressed"
	EventUnsuppressed   EventKind = "unsuppressed"
	EventNote           EventKind = "note"
	EventNotification   EventKind = "notification" // a delivery attempt's outcome
	EventExpired        EventKind = "expired"
	EventFlapping       EventKind = "flapping" // told only: the alert changes state too often
)

// Event is one entry of an alert's history.
type Event struct {
	Seq    uint64 // increasing per store
	Time   time.Time
	Source string
	ID     string
	Kind   EventKind
	Actor  string // person, "station", or the sending source
	Text   string // human reason: "raised by core-router", "acknowledged until 14:00: on it"
	State  State  // alert state after the event
}

// Notification is one outbox row: one person to be told of one event of one
// alert, through an ordered list of channels (later ones are fallbacks).
type Notification struct {
	ID       uint64 // assigned by the store
	Source   string
	AlertID  string
	Person   string
	Event    EventKind
	Level    Level
	Channels []string // channel references, e.g. "sms.twilio", "email"
	Alert    Alert    // snapshot of the alert at the event
	Created  time.Time
	RaisedAt time.Time // of the raise this event belongs to (a clear's snapshot no longer has it)

	// Delivery state, kept by the store as the worker reports outcomes.
	Channel     int       // index into Channels now being tried
	Attempts    int       // attempts on the current channel
	NextAttempt time.Time // not before
}

// Change is what the store hands its Decider for every state change of an
// alert, and for every due reminder, inside the transaction that makes it.
type Change struct {
	Event  EventKind
	Before Alert // zero Alert when the alert is new
	After  Alert // with the new state applied
	Actor  string
	Now    time.Time
	// Block is the notify block whose reminder fell due (Event == EventReminder).
	Block int
	// Raised says whether another stored alert is raised now, so that a
	// Decider can hold an alert behind a raised parent; nil means unknown
	// (every alert reads as not raised).
	Raised func(Key) bool
	// StateChanges counts the alert's raises and clears recorded at or
	// after since, this change's included, so a Decider can tell a
	// flapping alert; nil means unknown (none).
	StateChanges func(since time.Time) int
}

// Decision is the Decider's answer: the alert's group and level, who to
// tell now, and the reminder schedule from now on.
type Decision struct {
	Group         string
	Level         Level
	Notifications []Notification // ID, Alert and Created are filled by the store
	Reminders     []Reminder     // replaces the alert's Reminders
}

// Decider decides who is told of a change. The store calls it inside its
// write transaction, so it must be fast and do no I/O. *policy.Policy
// satisfies it; the station wraps it so a reload swaps it atomically.
type Decider interface {
	Decide(c Change) Decision
}
