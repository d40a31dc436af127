package ui

import (
	"time"

	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
)

// acknowledgeUntil asks the policy when an acknowledgement for spec counted
// in mode ends.
//
// TODO(api): call p.AcknowledgeUntil directly once policy has it; until
// then, count wall-clock time capped by max_acknowledgement.
func acknowledgeUntil(p *policy.Policy, a store.Alert, spec, mode string, now time.Time) (time.Time, error) {
	if ap, ok := any(p).(interface {
		AcknowledgeUntil(store.Alert, string, string, time.Time) (time.Time, error)
	}); ok {
		return ap.AcknowledgeUntil(a, spec, mode, now)
	}
	d := time.Hour
	if spec != "" {
		var err error
		if d, err = parseDuration("for", spec); err != nil {
			return time.Time{}, err
		}
	}
	if max := p.Station.MaxAcknowledgement; max > 0 && d > max {
		d = max
	}
	return now.Add(d), nil
}
