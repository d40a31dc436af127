package ui

// The presence registry: the station's record of live `mauve client`s.
//
// The contract with the other parts of the station, agreed here:
//
//   - The event stream (stream.go) registers a person while a client holds
//     GET /api/v1/events?client=1 open, through the server's Presence
//     interface (server.go): leave := s.presence.Arrive(person) once the
//     person is authenticated, then defer leave(). *PresenceRegistry
//     satisfies it; Join does the same and also records the User-Agent.
//
//   - The notify worker declares, in notify/worker.go, the interface it
//     consumes; *PresenceRegistry satisfies it:
//
//     type Presence interface {
//         Hold(person string, n store.Notification, now time.Time) (hold bool, recheckAt time.Time)
//         Changed() <-chan struct{}
//     }
//
//     Before delivering a row through email, SMS, XMPP (any channel but
//     "log"), the worker asks Hold:
//       hold == false: deliver as usual.
//       hold == true, recheckAt set: leave the row in the outbox with
//         store.Outcome{Status: DeliveryRetry, RetryAt: recheckAt,
//         Detail: HeldDetail}; remember the row's id; ask again when it
//         falls due.
//       hold == true, recheckAt zero: the live client showed it and nothing
//         remains to deliver (acknowledged, cleared, superseded, or only
//         news of a change): finish it with store.Outcome{Status:
//         DeliveryHeld}; the row is removed.
//     Changed receives when a person's last client went away: the worker
//     makes the rows it holds due now (Finish with DeliveryRetry and
//     RetryAt = now) so that Hold is asked about them at once.
//
//   - The web UI shows who is present with (*PresenceRegistry).List
//     (pages: add List() []Present to the server's Presence interface).

import (
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/mauve-alert/mauve/store"
)

// HeldDetail is the outcome detail the worker records for a held row.
const HeldDetail = "held for live client"

// DefaultClientHold is how long an urgent alert may stay unacknowledged on a
// live client before its person's normal channels are used anyway.
const DefaultClientHold = 5 * time.Minute

// PresenceAlerts is what the registry reads to decide whether a held
// notification still needs delivering. *store.Store satisfies it.
type PresenceAlerts interface {
	Get(k store.Key) (store.Alert, error)
}

// PresenceOptions configure NewPresenceRegistry. The zero value of each field is
// usable except Alerts.
type PresenceOptions struct {
	// Alerts gives the current state of an alert (required).
	Alerts PresenceAlerts
	// Hold is how long an urgent alert shown on a live client may stay
	// unacknowledged before normal delivery resumes; 0 means
	// DefaultClientHold. Less urgent alerts are held while the client stays.
	Hold time.Duration
	// HoldFrom, when set, is asked for the hold time at each decision
	// instead of Hold, so a policy reload (station client_hold) takes
	// effect at once; a result of 0 means DefaultClientHold.
	HoldFrom func() time.Duration
	// Now is the clock for Join and List; nil means time.Now.
	Now func() time.Time
}

// Present is one person with at least one live client.
type Present struct {
	Person  string
	Since   time.Time // when the earliest of their live clients connected
	Clients int
	Agents  []string // the clients' User-Agents, sorted, deduplicated
}

// PresenceRegistry is the registry of connected live clients and the hold decisions
// that follow from it. Safe for concurrent use. Its zero value is not
// usable; a nil *PresenceRegistry holds nothing and lists no one.
type PresenceRegistry struct {
	alerts  PresenceAlerts
	hold    time.Duration
	holdFn  func() time.Duration
	now     func() time.Time
	changed chan struct{}

	mu      sync.Mutex
	nextID  uint64
	clients map[string]map[uint64]client // person → connection id → client
	held    map[uint64]heldRow           // notification id → when first held
	latest  map[heldAlert]uint64         // newest held row per person and alert
	pruned  time.Time                    // when held was last pruned
}

type client struct {
	agent string
	since time.Time
}

type heldAlert struct {
	person string
	key    store.Key
}

type heldRow struct {
	heldAlert
	first time.Time
}

// NewPresenceRegistry returns an empty registry.
func NewPresenceRegistry(o PresenceOptions) (*PresenceRegistry, error) {
	if o.Alerts == nil {
		return nil, errors.New("presence: no alert reader")
	}
	p := &PresenceRegistry{
		alerts:  o.Alerts,
		hold:    o.Hold,
		holdFn:  o.HoldFrom,
		now:     o.Now,
		changed: make(chan struct{}, 1),
		clients: map[string]map[uint64]client{},
		held:    map[uint64]heldRow{},
		latest:  map[heldAlert]uint64{},
	}
	if p.hold <= 0 {
		p.hold = DefaultClientHold
	}
	if p.now == nil {
		p.now = time.Now
	}
	return p, nil
}

// holdTime is the hold time in force.
func (p *PresenceRegistry) holdTime() time.Duration {
	if p.holdFn != nil {
		if d := p.holdFn(); d > 0 {
			return d
		}
		return DefaultClientHold
	}
	return p.hold
}

// Join records that person has a live client connected, described by agent
// (its User-Agent), and returns the function to call when it disconnects.
// Calling leave more than once is harmless.
func (p *PresenceRegistry) Join(person, agent string) (leave func()) {
	if p == nil || person == "" {
		return func() {}
	}
	p.mu.Lock()
	p.nextID++
	id := p.nextID
	if p.clients[person] == nil {
		p.clients[person] = map[uint64]client{}
	}
	p.clients[person][id] = client{agent: agent, since: p.now()}
	p.mu.Unlock()
	var once sync.Once
	return func() { once.Do(func() { p.leave(person, id) }) }
}

// Arrive is Join without a User-Agent.
func (p *PresenceRegistry) Arrive(person string) (leave func()) { return p.Join(person, "") }

func (p *PresenceRegistry) leave(person string, id uint64) {
	p.mu.Lock()
	delete(p.clients[person], id)
	gone := len(p.clients[person]) == 0
	if gone {
		delete(p.clients, person)
	}
	p.mu.Unlock()
	if gone {
		select {
		case p.changed <- struct{}{}:
		default: // a wake-up is already pending
		}
	}
}

// Changed returns a channel that receives after a person's last live client
// disconnected, so rows held for them should be asked about again now.
func (p *PresenceRegistry) Changed() <-chan struct{} {
	if p == nil {
		return nil
	}
	return p.changed
}

// List returns who is present, by person name.
func (p *PresenceRegistry) List() []Present {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]Present, 0, len(p.clients))
	for person, cs := range p.clients {
		pr := Present{Person: person, Clients: len(cs)}
		for _, c := range cs {
			if pr.Since.IsZero() || c.since.Before(pr.Since) {
				pr.Since = c.since
			}
			if c.agent != "" && !slices.Contains(pr.Agents, c.agent) {
				pr.Agents = append(pr.Agents, c.agent)
			}
		}
		slices.Sort(pr.Agents)
		out = append(out, pr)
	}
	slices.SortFunc(out, func(a, b Present) int {
		switch {
		case a.Person < b.Person:
			return -1
		case a.Person > b.Person:
			return 1
		}
		return 0
	})
	return out
}

// IsPresent reports whether person has a live client connected.
func (p *PresenceRegistry) IsPresent(person string) bool {
	if p == nil {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.clients[person]) > 0
}
