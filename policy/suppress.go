package policy

import (
	"time"

	"github.com/mauve-alert/mauve/store"
)

// The notes a notification carries when per-person suppression starts and
// ends.
const (
	NoteSuppressionStarts = "further alerts suppressed until things calm down"
	NoteSuppressionEnds   = "normal service has resumed"
)

// SuppressionLookback is how far back Suppression needs a person's
// delivery log: twice their longest suppress_after period (0: no rules).
func (p *Policy) SuppressionLookback(person string) time.Duration {
	var longest time.Duration
	if ps := p.People[person]; ps != nil {
		for _, r := range ps.SuppressAfter {
			longest = max(longest, r.Period)
		}
	}
	return 2 * longest
}

// Suppression decides whether a notification of level to person at now is
// held back by their suppress_after rules, given their delivered (not
// suppressed) notifications since now - SuppressionLookback(person).
//
// Every rule counts: when N notifications were delivered within a rule's
// period, the next is suppressed unless its level is higher than all of
// the last N. The notification that brings a rule to its limit carries
// NoteSuppressionStarts; the first delivered after a suppression carries
// NoteSuppressionEnds. Whether a suppression was under way is read from
// the log: the previous delivery brought a rule to its limit.
func (p *Policy) Suppression(person string, level Level, recent []store.Delivery, now time.Time) (suppress bool, note string) {
	ps := p.People[person]
	if ps == nil || len(ps.SuppressAfter) == 0 {
		return false, ""
	}
	log := make([]store.Delivery, 0, len(recent))
	for _, d := range recent {
		if !d.Time.After(now) {
			log = append(log, d)
		}
	}
	sortDeliveries(log)

	limited, reaches := false, false
	for _, r := range ps.SuppressAfter {
		in := within(log, now, r.Period)
		if len(in) >= r.Count {
			limited = true
			last := in[len(in)-r.Count:]
			for _, d := range last {
				if !level.MoreUrgent(d.Level) {
					return true, ""
				}
			}
		} else if len(in)+1 >= r.Count {
			reaches = true
		}
	}
	if limited {
		return false, "" // breaks through: more urgent than everything that filled the limit
	}
	wasSuppressing := false
	if n := len(log); n > 0 {
		prev := log[n-1]
		for _, r := range ps.SuppressAfter {
			wasSuppressing = wasSuppressing || len(within(log[:n-1], prev.Time, r.Period))+1 >= r.Count
		}
	}
	switch {
	case wasSuppressing && reaches:
		return false, NoteSuppressionEnds + "; " + NoteSuppressionStarts
	case wasSuppressing:
		return false, NoteSuppressionEnds
	case reaches:
		return false, NoteSuppressionStarts
	}
	return false, ""
}

// within returns the deliveries of log (sorted) in (at-period, at].
func within(log []store.Delivery, at time.Time, period time.Duration) []store.Delivery {
	from := at.Add(-period)
	i := len(log)
	for i > 0 && log[i-1].Time.After(from) {
		i--
	}
	j := len(log)
	for j > i && log[j-1].Time.After(at) {
		j--
	}
	return log[i:j]
}

// sortDeliveries sorts a log oldest first (insertion sort: logs are short
// and usually sorted already).
func sortDeliveries(log []store.Delivery) {
	for i := 1; i < len(log); i++ {
		for j := i; j > 0 && log[j].Time.Before(log[j-1].Time); j-- {
			log[j], log[j-1] = log[j-1], log[j]
		}
	}
}
