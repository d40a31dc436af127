package policy

import (
	"time"

	"github.com/mauve-alert/mauve/store"
)

// reminderHorizon is how far ahead the search for a notify block's next
// reminder looks before giving up, as classic did.
const reminderHorizon = 8 * 24 * time.Hour

var _ store.Decider = (*Policy)(nil)

// GroupOf returns the alert group an alert belongs to and its level: the
// first group whose includes is true, else the last group.
func (p *Policy) GroupOf(a store.Alert) (name string, level Level) {
	g := p.groupOf(p.newEvalEnv(a))
	if g == nil {
		return "", Normal
	}
	return g.Name, g.Level
}

func (p *Policy) groupOf(e *evalEnv) *Group {
	for i, g := range p.Groups {
		if i == len(p.Groups)-1 || g.Includes == nil || evalBool(g.Includes, e.includesContext()) {
			return g
		}
	}
	return nil
}

// Decide decides who is told of a change and when each notify block of the
// alert's group next reminds. It is a pure function of the policy and the
// change (c.Now is the only clock it reads), fast enough to run inside the
// store's write transaction.
//
//   - raised, re-raised, unacknowledged: every notify block whose during
//     holds at c.Now tells its people (each person once), and so do the
//     people who acted on the alert before;
//   - acknowledged, cleared: everyone told of the alert since it was
//     raised, and everyone who acted on it, is told; no more reminders;
//   - reminder: the due block tells its people if its during still holds;
//   - while the alert is suppressed nobody is told and reminders wait
//     until the suppression ends.
//
// A block that spoke reminds next at the first instant at or after
// c.Now+every at which its during holds; a block that did not speak (its
// during was false) speaks at the first instant its during holds. The
// search gives up after 8 days. Reminders exist only while the alert is
// raised and unacknowledged.
func (p *Policy) Decide(c store.Change) store.Decision {
	e := p.newEvalEnv(c.After)
	g := p.groupOf(e)
	if g == nil {
		return store.Decision{}
	}
	d := store.Decision{Group: g.Name, Level: g.Level}
	now := c.Now
	a := c.After
	active := a.State == store.StateRaised
	suppressed := a.SuppressUntil.After(now)
	t := teller{p: p, c: c, level: g.Level}
	if fd, ok := p.flapping(e, g, c, d); ok {
		return fd
	}

	switch c.Event {
	case store.EventRaised, store.EventReRaised, store.EventUnacknowledged:
		if !active {
			return d
		}
		if at := p.quietUntil(e, g, c); !at.IsZero() {
			d.Reminders = quietReminders(g, at)
			return d
		}
		spoke := make([]bool, len(g.Notify))
		if !suppressed {
			for i, nb := range g.Notify {
				if ok, _ := e.during(nb, now); ok {
					spoke[i] = true
					t.tell(nb.People...)
				}
			}
			if c.Event != store.EventRaised {
				t.tell(c.Before.Actors...)
			}
		}
		d.Reminders = p.schedule(e, g, a, now, spoke)
	case store.EventAcknowledged, store.EventCleared:
		if !suppressed && !c.Before.SuppressUntil.After(now) {
			t.tell(c.Before.Told...)
			t.tell(c.Before.Actors...)
			t.tell(c.Actor)
		}
	case store.EventReminder:
		if !active {
			return d
		}
		d.Reminders = p.keep(e, g, c)
		if c.Block < 0 || c.Block >= len(g.Notify) || c.Before.Group != g.Name {
			return d
		}
		if at := p.quietUntil(e, g, c); !at.IsZero() {
			d.Reminders = replaceReminder(d.Reminders, c.Block, at)
			return d
		}
		nb := g.Notify[c.Block]
		ok, _ := e.during(nb, now)
		if !suppressed && ok {
			t.tell(nb.People...)
		}
		d.Reminders = replaceReminder(d.Reminders, c.Block, p.next(e, nb, a, now, ok && !suppressed))
	case store.EventUnsuppressed:
		if active {
			d.Reminders = p.schedule(e, g, a, now, make([]bool, len(g.Notify)))
		}
	default: // updated, suppressed, scheduled, note, expired, notification
		if active {
			d.Reminders = p.keep(e, g, c)
		}
	}
	d.Notifications = t.out
	return d
}

// schedule computes every block's next reminder after an event at now;
// spoke says which blocks told their people.
func (p *Policy) schedule(e *evalEnv, g *Group, a store.Alert, now time.Time, spoke []bool) []store.Reminder {
	var rs []store.Reminder
	for i, nb := range g.Notify {
		rs = replaceReminder(rs, i, p.next(e, nb, a, now, spoke[i]))
	}
	return rs
}

// keep carries the alert's reminders over an event that does not restart
// them: unchanged when the group is the same (moved past a suppression),
// recomputed when the group changed.
func (p *Policy) keep(e *evalEnv, g *Group, c store.Change) []store.Reminder {
	a := c.After
	if c.Before.Group != g.Name {
		// A new group (a reload, or fields that moved the alert): blocks
		// whose people were all told already keep their pace from now;
		// the others speak as soon as their during holds.
		spoke := make([]bool, len(g.Notify))
		for i, nb := range g.Notify {
			spoke[i] = len(nb.People) > 0
			for _, person := range nb.People {
				spoke[i] = spoke[i] && contains(c.Before.Told, person)
			}
		}
		return p.schedule(e, g, a, c.Now, spoke)
	}
	var rs []store.Reminder
	for _, r := range c.Before.Reminders {
		if r.Block < 0 || r.Block >= len(g.Notify) {
			continue
		}
		if r.At.Before(a.SuppressUntil) {
			at, ok := e.firstHolding(g.Notify[r.Block], a.SuppressUntil)
			if !ok {
				continue
			}
			r.At = at
		}
		rs = append(rs, r)
	}
	return rs
}

// next is one block's next reminder: the first instant at or after
// now+every (spoke) or now (did not speak) at which during holds, and not
// before a suppression ends. The zero time means none.
func (p *Policy) next(e *evalEnv, nb *NotifyBlock, a store.Alert, now time.Time, spoke bool) time.Time {
	start := now
	if spoke {
		if nb.Every == 0 {
			return time.Time{}
		}
		start = now.Add(nb.Every)
	}
	if a.SuppressUntil.After(start) {
		start = a.SuppressUntil
	}
	if start.After(now.Add(reminderHorizon)) {
		return time.Time{}
	}
	at, ok := e.firstHolding(nb, start)
	if !ok || at.After(now.Add(reminderHorizon)) {
		return time.Time{}
	}
	return at
}

// firstHolding finds the first instant at or after start at which nb's
// during holds, jumping between the instants at which its functions may
// change value; it gives up after the reminder horizon.
func (e *evalEnv) firstHolding(nb *NotifyBlock, start time.Time) (time.Time, bool) {
	limit := start.Add(reminderHorizon)
	t := start
	for i := 0; i < 8*24*60 && !t.After(limit); i++ {
		ok, next := e.during(nb, t)
		if ok {
			return t, true
		}
		if next.IsZero() {
			return time.Time{}, false
		}
		if !next.After(t) {
			next = t.Add(time.Minute)
		}
		t = next
	}
	return time.Time{}, false
}

// replaceReminder sets block's reminder in rs (zero at: none).
func replaceReminder(rs []store.Reminder, block int, at time.Time) []store.Reminder {
	out := rs[:0:0]
	for _, r := range rs {
		if r.Block != block {
			out = append(out, r)
		}
	}
	if !at.IsZero() {
		i := len(out)
		for i > 0 && out[i-1].Block > block {
			i--
		}
		out = append(out[:i], append([]store.Reminder{{Block: block, At: at}}, out[i:]...)...)
	}
	return out
}

// teller collects the notifications of one decision, each person once.
type teller struct {
	p     *Policy
	c     store.Change
	level Level
	out   []store.Notification
}

func (t *teller) tell(people ...string) {
	for _, name := range people {
		person := t.p.People[name]
		if person == nil {
			continue // not (or no longer) a person of this policy
		}
		if !person.NotifyWhenAway && person.IsAway(t.c.Now) {
			continue
		}
		dup := false
		for _, n := range t.out {
			dup = dup || n.Person == name
		}
		chans := person.Channels[t.level]
		if dup || len(chans) == 0 {
			continue
		}
		t.out = append(t.out, store.Notification{
			Source:   t.c.After.Source,
			AlertID:  t.c.After.ID,
			Person:   name,
			Event:    t.c.Event,
			Level:    t.level,
			Channels: append([]string(nil), chans...),
		})
	}
}
