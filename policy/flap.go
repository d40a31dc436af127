package policy

import (
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/mauve-alert/mauve/store"
)

// decodeRaiseAfter decodes raise_after = "5m": nobody is told of a raise
// until the alert has stayed raised that long. The raise is recorded at
// once, as every raise is.
func (l *loader) decodeRaiseAfter(as hcl.Attributes, g *Group) {
	if l.duration(as, "raise_after", &g.RaiseAfter) && g.RaiseAfter < 0 {
		l.diags = append(l.diags, errorAt(as["raise_after"].Expr.Range(), "Invalid duration", "raise_after must not be negative"))
	}
}

// raisePending returns when a fresh raise of a group with raise_after may
// first be told; zero once it may (or nobody was to wait).
func raisePending(g *Group, told []string, raisedAt, now time.Time) time.Time {
	if g.RaiseAfter <= 0 || len(told) > 0 || raisedAt.IsZero() {
		return time.Time{}
	}
	if at := raisedAt.Add(g.RaiseAfter); at.After(now) {
		return at
	}
	return time.Time{}
}

// decodeFlapping decodes flapping = 6 and flapping_within = "10m": an
// alert that changes state more than 6 times within 10 minutes is
// flapping.
func (l *loader) decodeFlapping(as hcl.Attributes, g *Group) {
	g.FlappingWithin = 10 * time.Minute
	if l.integer(as, "flapping", &g.Flapping) && g.Flapping < 1 {
		l.diags = append(l.diags, errorAt(as["flapping"].Expr.Range(), "Invalid number", "flapping must be at least 1 (state changes)"))
	}
	if l.duration(as, "flapping_within", &g.FlappingWithin) && g.FlappingWithin < time.Minute {
		l.diags = append(l.diags, errorAt(as["flapping_within"].Expr.Range(), "Invalid duration", "flapping_within must be at least 1m"))
	}
	if _, ok := as["flapping_within"]; ok && g.Flapping == 0 {
		l.diags = append(l.diags, errorAt(as["flapping_within"].Expr.Range(), "Missing flapping", "flapping_within needs flapping = N, the number of state changes"))
	}
}

// flapping decides a raise, clear or reminder of a flapping alert: the
// change that first passes the group's count tells everyone once that
// it is flapping; after that nobody is told until it settles, and then a
// raised alert is told by its next reminder. ok is false when the alert
// is not flapping (or the group does not look).
func (p *Policy) flapping(e *evalEnv, g *Group, c store.Change, d store.Decision) (store.Decision, bool) {
	if g.Flapping == 0 || c.StateChanges == nil {
		return d, false
	}
	switch c.Event {
	case store.EventRaised, store.EventReRaised, store.EventCleared, store.EventReminder:
	default:
		return d, false
	}
	n := c.StateChanges(c.Now.Add(-g.FlappingWithin))
	if n <= g.Flapping {
		return d, false
	}
	if n == g.Flapping+1 && c.Event != store.EventReminder {
		fc := c
		fc.Event = store.EventFlapping
		t := teller{p: p, c: fc, level: g.Level}
		for _, nb := range g.Notify {
			if ok, _ := e.during(nb, c.Now); ok {
				t.tell(nb.People...)
			}
		}
		t.tell(c.Before.Told...)
		d.Notifications = t.out
	}
	if c.After.State == store.StateRaised {
		d.Reminders = quietReminders(g, c.Now.Add(holdRecheck))
	}
	return d, true
}
