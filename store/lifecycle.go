package store

import "time"

// The state transitions of the classic station. Each reports whether the
// alert's raised/cleared state changed; the caller records the event.

// raiseAlert: a raised alert stays raised (and an acknowledged one stays
// acknowledged); otherwise it becomes raised now, and those told of and
// acting on its previous life are forgotten.
func raiseAlert(a *Alert, now time.Time) bool {
	a.WillRaiseAt = time.Time{}
	if a.State == StateRaised || a.State == StateAcknowledged {
		return false
	}
	a.State = StateRaised
	a.RaisedAt = now
	a.ClearedAt = time.Time{}
	clearAck(a)
	a.Told, a.Actors = nil, nil
	return true
}

// clearAlert: clears acknowledgement and raised_at, sets cleared_at (kept when
// already cleared), cancels reminders.
func clearAlert(a *Alert, now time.Time) bool {
	a.WillClearAt = time.Time{}
	if a.State == StateCleared {
		return false
	}
	a.State = StateCleared
	a.ClearedAt = now
	a.RaisedAt = time.Time{}
	clearAck(a)
	a.Reminders = nil
	return true
}

// reRaise returns an acknowledged alert to raised, with raised_at reset so
// that reminders and escalations start over.
func reRaise(a *Alert, now time.Time) {
	a.State = StateRaised
	a.RaisedAt = now
	clearAck(a)
}

func clearAck(a *Alert) {
	a.AcknowledgedBy = ""
	a.AcknowledgedAt = time.Time{}
	a.AcknowledgedUntil = time.Time{}
}

// isRaised reports whether the alert is raised, acknowledged or not.
func isRaised(a *Alert) bool { return a.State == StateRaised || a.State == StateAcknowledged }
