package notify

import (
	"errors"
	"time"

	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
)

// Hold decides what the worker does with notification n for person
// at now, instead of delivering it through their channels:
//
//   - (false, zero): deliver it as usual. The person has no live client, or
//     the alert is urgent and stayed unacknowledged on their client for the
//     hold time, or their client went away while it was held and the alert
//     still wants attention.
//   - (true, recheckAt): a live client shows it; keep the row and ask again
//     at recheckAt (the end of the hold for urgent alerts; one hold period
//     later for others, so a station restart never strands a row).
//   - (true, zero): it was shown on a live client and needs nothing more:
//     the alert was acknowledged, cleared or notified again since, or the
//     notification only tells of a change the client displays anyway.
//
// Hold reads the alert's current state; when that fails it says deliver,
// because a lost email is worse than a duplicate one.
func (p *Presence) Hold(person string, n store.Notification, now time.Time) (hold bool, recheckAt time.Time) {
	if p == nil {
		return false, time.Time{}
	}
	ha := heldAlert{person: person, key: store.Key{Source: n.Source, ID: n.AlertID}}
	p.mu.Lock()
	since, present := p.sinceLocked(person)
	row, wasHeld := p.held[n.ID]
	if row.released {
		// Asked again: should it stay held, a later leave releases it anew.
		row.released = false
		p.held[n.ID] = row
	}
	p.mu.Unlock()
	if !present && !wasHeld {
		return false, time.Time{}
	}
	if !callsForSomeone(n.Event) {
		return present, time.Time{}
	}

	alert, err := p.alerts.Get(ha.key)
	switch {
	case errors.Is(err, store.ErrNotFound):
		p.forget(n.ID)
		return true, time.Time{} // expired while held: nothing to tell
	case err != nil:
		p.forget(n.ID)
		return false, time.Time{}
	case alert.State != store.StateRaised:
		p.forget(n.ID)
		return true, time.Time{} // acknowledged or cleared meanwhile
	}

	p.mu.Lock()
	defer p.mu.Unlock()
	if newest := p.latest[ha]; newest > n.ID {
		p.forgetLocked(n.ID)
		return true, time.Time{} // a newer notification of it is held
	}
	if !present {
		p.forgetLocked(n.ID)
		return false, time.Time{}
	}
	if !wasHeld {
		p.pruneLocked(now)
		// After a restart the registry has forgotten its rows; the
		// alert has been on the client at most since it connected.
		first := n.Created
		if first.Before(since) {
			first = since
		}
		if first.After(now) || first.IsZero() {
			first = now
		}
		row = heldRow{heldAlert: ha, first: first}
		p.held[n.ID] = row
		p.latest[ha] = n.ID
	}
	period := p.holdTime()
	if n.Level != policy.Urgent {
		return true, now.Add(period)
	}
	deadline := row.first.Add(period)
	if !now.Before(deadline) {
		p.forgetLocked(n.ID)
		return false, time.Time{}
	}
	return true, deadline
}

// sinceLocked returns when person's earliest live client connected.
func (p *Presence) sinceLocked(person string) (time.Time, bool) {
	var since time.Time
	for _, at := range p.clients[person] {
		if since.IsZero() || at.Before(since) {
			since = at
		}
	}
	return since, len(p.clients[person]) > 0
}

func (p *Presence) forget(id uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.forgetLocked(id)
}

func (p *Presence) forgetLocked(id uint64) {
	row, ok := p.held[id]
	if !ok {
		return
	}
	delete(p.held, id)
	if p.latest[row.heldAlert] == id {
		delete(p.latest, row.heldAlert)
	}
}

// heldMemory bounds how long the registry remembers a held row it was not
// asked about again (the worker gave it up, or it was deleted). Forgetting
// a row that is still held only means it counts as new when asked again.
const heldMemory = 24 * time.Hour

// pruneLocked forgets rows first held long ago, at most once an hour.
func (p *Presence) pruneLocked(now time.Time) {
	if now.Sub(p.pruned) < time.Hour {
		return
	}
	p.pruned = now
	for id, row := range p.held {
		if now.Sub(row.first) > heldMemory {
			p.forgetLocked(id)
		}
	}
}
