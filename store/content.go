package store

import (
	"bytes"
	"fmt"
	"strings"
)

// A change of subject, summary, detail or importance with no change of
// state is recorded as one EventUpdated naming the fields. Monitors put
// figures in summaries that change with every update, so such events do
// not pile up: while the alert's newest event is a content update by the
// same actor, the new one takes its place (one trailing update event
// between state changes).

// contentFields are the field names content texts start with; they tell a
// content update from other EventUpdated entries ("first heard of, ...").
var contentFields = [...]string{"subject changed", "summary changed", "detail changed", "importance changed"}

// contentText says what changed from before to after, or "" if nothing did.
func contentText(before, after *Alert, actor string) string {
	var parts []string
	if after.Subject != before.Subject {
		parts = append(parts, fmt.Sprintf("subject changed to %q", after.Subject))
	}
	if after.Summary != before.Summary {
		parts = append(parts, fmt.Sprintf("summary changed to %q", after.Summary))
	}
	if after.Detail != before.Detail {
		parts = append(parts, "detail changed")
	}
	if after.Importance != before.Importance {
		parts = append(parts, fmt.Sprintf("importance changed to %d", after.Importance))
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, ", ") + " by " + actor
}

func isContentUpdate(ev *Event) bool {
	if ev.Kind != EventUpdated {
		return false
	}
	for _, f := range contentFields {
		if strings.HasPrefix(ev.Text, f) {
			return true
		}
	}
	return false
}

// contentEvent records a content change of a. When the alert's newest
// event is a content update by the same actor, that event is removed and
// the new one appended in its place: it moves to the end of the history
// rather than being rewritten under its old sequence number, so that
// sequence order stays time order (SearchHistory relies on it).
func (t *txn) contentEvent(a *Alert, actor, text string) error {
	prefix := append(alertKey(a.Key()), 0)
	end := append(bytes.Clone(prefix), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)
	c := t.alertEvents.Cursor()
	k, _ := c.Seek(end)
	if k == nil {
		k, _ = c.Last()
	} else {
		k, _ = c.Prev()
	}
	if k != nil && bytes.HasPrefix(k, prefix) && len(k) == len(prefix)+8 {
		seq := k[len(prefix):]
		if v := t.events.Get(seq); v != nil {
			ev, err := decodeEvent(v)
			if err == nil && ev.Actor == actor && isContentUpdate(&ev) {
				ik := bytes.Clone(k)
				if err := t.events.Delete(ik[len(prefix):]); err != nil {
					return fmt.Errorf("replace update of %s: %w", a.Key(), err)
				}
				if err := t.alertEvents.Delete(ik); err != nil {
					return fmt.Errorf("replace update of %s: %w", a.Key(), err)
				}
			}
		}
	}
	return t.history(a, EventUpdated, actor, text)
}
