package notify

import (
	"time"

	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
)

// suppression asks the policy whether row n is held back by its person's
// suppress_after rules, and which note it carries. The deliveries read are
// those the policy asks for; a person with no rule costs no read. When the
// store cannot say, the notification goes out: a duplicate is better than
// a silence.
func (w *Worker) suppression(p *policy.Policy, n store.Notification, now time.Time) (bool, string) {
	lookback := p.SuppressionLookback(n.Person)
	if lookback <= 0 {
		return false, ""
	}
	recent, err := w.o.Outbox.RecentDeliveries(n.Person, now.Add(-lookback))
	if err != nil {
		w.o.Logger.Error("read recent deliveries", "person", n.Person, "err", err)
		return false, ""
	}
	return p.Suppression(n.Person, n.Level, recent, now)
}
