package store

import (
	"bytes"
	"fmt"
	"strings"
	"time"
)

// A change of subject, summary, detail or importance with no change of
// state is recorded as one EventUpdated naming the fields. Monitors put
// figures in summaries that change with every update, so such events do
// not pile up: while the alert's newest event is a content update by the
// same actor, that event is rewritten in place (one trailing update event
// between state changes). It keeps its time, the first change of the run,
// so that history stays in time order (SearchHistory relies on it); its
// text says what the last change was and when.

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

// contentEvent records a content change of a, rewriting the alert's
// newest event when that is a content update by the same actor.
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
				ev.Text, ev.State = text, a.State
				if t.now.After(ev.Time) {
					ev.Text += " (last at " + t.now.UTC().Format(time.RFC3339) + ")"
				}
				if err := t.events.Put(bytes.Clone(seq), appendEvent(nil, &ev)); err != nil {
					return fmt.Errorf("record update of %s: %w", a.Key(), err)
				}
				return nil
			}
		}
	}
	return t.history(a, EventUpdated, actor, text)
}
