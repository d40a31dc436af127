package policy_test

import (
	"testing"
	"time"

	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
)

// SPEC §6 and §11: suppress_after with every rule counting, break-through
// by a higher level, and the start and end notes.
func TestSuppression(t *testing.T) {
	p := reference(t) // archie: { "1h" = 3 }; johnny: { "1m" = 5, "1h" = 60 }
	at := func(h, m, s int) time.Time { return mon(t, h, m).Add(time.Duration(s) * time.Second) }
	log := func(level store.Level, times ...time.Time) []store.Delivery {
		var ds []store.Delivery
		for _, tm := range times {
			ds = append(ds, store.Delivery{Time: tm, Level: level})
		}
		return ds
	}
	three := log("normal", at(10, 0, 0), at(10, 10, 0), at(10, 20, 0))
	var johnnyHour []store.Delivery
	for i := range 60 {
		johnnyHour = append(johnnyHour, store.Delivery{Time: at(10, 0, 0).Add(time.Duration(i) * 55 * time.Second), Level: "low"})
	}
	for _, c := range []struct {
		name     string
		person   string
		level    store.Level
		recent   []store.Delivery
		now      time.Time
		suppress bool
		note     string
	}{
		{"quiet", "archie", "normal", nil, at(10, 0, 0), false, ""},
		{"the third in an hour starts suppression", "archie", "normal", three[:2], at(10, 20, 0), false, policy.NoteSuppressionStarts},
		{"the fourth is suppressed", "archie", "normal", three, at(10, 30, 0), true, ""},
		{"a lower level is suppressed", "archie", "low", three, at(10, 30, 0), true, ""},
		{"a higher level than all of the last 3 breaks through", "archie", "urgent", three, at(10, 30, 0), false, ""},
		{"not higher than all of them", "archie", "urgent", append(three[:2:2], log("urgent", at(10, 20, 0))...), at(10, 30, 0), true, ""},
		{"calm again: normal service has resumed", "archie", "normal", three, at(11, 15, 0), false, policy.NoteSuppressionEnds},
		{"resumed, and at the limit again at once", "archie", "normal", three, at(11, 5, 0), false, policy.NoteSuppressionEnds + "; " + policy.NoteSuppressionStarts},
		{"long after: nothing to say", "archie", "normal", log("normal", at(8, 0, 0)), at(11, 0, 0), false, ""},
		{"johnny: 5 in a minute", "johnny", "normal", log("normal", at(10, 0, 1), at(10, 0, 2), at(10, 0, 3), at(10, 0, 4), at(10, 0, 5)), at(10, 0, 30), true, ""},
		{"johnny: every rule counts (60 in an hour, never 5 a minute)", "johnny", "low", johnnyHour, at(10, 59, 0), true, ""},
		{"johnny: 59 in the hour, the 60th starts it", "johnny", "low", johnnyHour[1:], at(10, 59, 0), false, policy.NoteSuppressionStarts},
		{"no rules", "nobody", "low", three, at(10, 30, 0), false, ""},
	} {
		s, note := p.Suppression(c.person, c.level, c.recent, c.now)
		if s != c.suppress || note != c.note {
			t.Errorf("%s: got %v %q, want %v %q", c.name, s, note, c.suppress, c.note)
		}
	}
	if got, want := p.SuppressionLookback("johnny"), 2*time.Hour; got != want {
		t.Errorf("lookback: got %v, want %v", got, want)
	}
}
