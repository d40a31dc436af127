package notify

// The presence hold: while a person has a live `mauve client` connected,
// their personal-channel notifications (email, SMS, XMPP) are kept back,
// because the client shows the alert; they go out when the client leaves,
// or, for urgent alerts, when the alert stays unacknowledged for the hold
// time.

import (
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/mauve-alert/mauve/store"
)

// heldDetail is the outcome detail of a row kept for a live client.
const heldDetail = "held for live client"

// DefaultClientHold is how long an urgent alert may stay unacknowledged on a
// live client before its person's normal channels are used anyway.
const DefaultClientHold = 5 * time.Minute

// PresenceAlerts is what the hold reads to decide whether a held
// notification still needs delivering. *store.Store satisfies it.
type PresenceAlerts interface {
	Get(k store.Key) (store.Alert, error)
}

// PresenceOptions configure NewPresence. The zero value of each field is
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
	// Now is the clock for Join; nil means time.Now.
	Now func() time.Time
}

// Presence is the registry of connected live clients and the hold
// decisions that follow from it. Safe for concurrent use. Its zero value is
// not usable; a nil *Presence holds nothing and lists no one.
type Presence struct {
	alerts  PresenceAlerts
	hold    time.Duration
	holdFn  func() time.Duration
	now     func() time.Time
	changed chan struct{}

	mu      sync.Mutex
	nextID  uint64
	clients map[string]map[uint64]time.Time // person → connection id → when it connected
	held    map[uint64]heldRow              // notification id → the row held
	latest  map[heldAlert]uint64            // newest held row per person and alert
	pruned  time.Time                       // when held was last pruned
}

type heldAlert struct {
	person string
	key    store.Key
}

type heldRow struct {
	heldAlert
	first    time.Time // when it was first held
	released bool      // its person left and it was made due again
}

// NewPresence returns an empty registry.
func NewPresence(o PresenceOptions) (*Presence, error) {
	if o.Alerts == nil {
		return nil, errors.New("presence: no alert reader")
	}
	p := &Presence{
		alerts:  o.Alerts,
		hold:    o.Hold,
		holdFn:  o.HoldFrom,
		now:     o.Now,
		changed: make(chan struct{}, 1),
		clients: map[string]map[uint64]time.Time{},
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
func (p *Presence) holdTime() time.Duration {
	if p.holdFn != nil {
		if d := p.holdFn(); d > 0 {
			return d
		}
		return DefaultClientHold
	}
	return p.hold
}

// Join records that person has a live client connected and returns the
// function to call when it disconnects. Calling leave more than once is
// harmless.
func (p *Presence) Join(person string) (leave func()) {
	if p == nil || person == "" {
		return func() {}
	}
	p.mu.Lock()
	p.nextID++
	id := p.nextID
	if p.clients[person] == nil {
		p.clients[person] = map[uint64]time.Time{}
	}
	p.clients[person][id] = p.now()
	p.mu.Unlock()
	var once sync.Once
	return func() { once.Do(func() { p.leave(person, id) }) }
}

func (p *Presence) leave(person string, id uint64) {
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
// disconnected, so rows held for them should be asked about again now (see
// Released).
func (p *Presence) Changed() <-chan struct{} {
	if p == nil {
		return nil
	}
	return p.changed
}

// Released returns, once each, the rows held for people who no longer have
// a live client, so that they are made due now and Hold is asked about them
// at once.
func (p *Presence) Released() []uint64 {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	var ids []uint64
	for id, row := range p.held {
		if !row.released && len(p.clients[row.person]) == 0 {
			row.released = true
			p.held[id] = row
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// List returns the people with a live client connected, sorted.
func (p *Presence) List() []string {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]string, 0, len(p.clients))
	for person := range p.clients {
		out = append(out, person)
	}
	slices.Sort(out)
	return out
}

// IsPresent reports whether person has a live client connected.
func (p *Presence) IsPresent(person string) bool {
	if p == nil {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.clients[person]) > 0
}
