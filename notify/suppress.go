package notify

import (
	"time"

	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
)

// suppressor is the policy's pure per-person rate-limit decision: given the
// person's recent deliveries, whether a notification of level is to be held
// back, and the note to carry ("further alerts suppressed until things calm
// down", "normal service has resumed") if any.
type suppressor interface {
	Suppression(person string, level policy.Level, recent []store.Delivery, now time.Time) (suppress bool, note string)
}

// suppression asks the policy whether row n is suppressed. The deliveries
// read are those within the person's longest suppress_after period; a
// person with no rule is never suppressed. When the store cannot say, the
// notification goes out: a duplicate is better than a silence.
func (w *Worker) suppression(p *policy.Policy, n store.Notification, now time.Time) (bool, string) {
	s, ok := any(p).(suppressor)
	if !ok {
		return false, ""
	}
	person := p.People[n.Person]
	if person == nil || len(person.SuppressAfter) == 0 {
		return false, ""
	}
	var window time.Duration
	for _, r := range person.SuppressAfter {
		window = max(window, r.Period)
	}
	recent, err := w.o.Outbox.RecentDeliveries(n.Person, now.Add(-window))
	if err != nil {
		w.o.Logger.Error("read recent deliveries", "person", n.Person, "err", err)
		return false, ""
	}
	return s.Suppression(n.Person, policy.Level(n.Level), recent, now)
}
