package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/wire"
)

// kindsAndTexts lists an alert's history as "kind: text".
func kindsAndTexts(t *testing.T, s *store.Store, k store.Key) []string {
	t.Helper()
	evs, err := s.History(k)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		out = append(out, fmt.Sprintf("%s: %s", e.Kind, e.Text))
	}
	return out
}

func TestStore_ContentChange_RecordedWithActorAndReason(t *testing.T) {
	m := time.Minute
	tests := []struct {
		name   string
		second wire.Update
		want   []string
	}{
		{"summary", wire.Update{Source: "host1", Alerts: []wire.Alert{{ID: "x", Summary: "disk 98% full"}}},
			[]string{"raised: raised by host1", `updated: summary changed to "disk 98% full" by host1`}},
		{"detail", wire.Update{Source: "host1", Alerts: []wire.Alert{{ID: "x", Detail: "<p>more</p>"}}},
			[]string{"raised: raised by host1", "updated: detail changed by host1"}},
		{"subject and importance", wire.Update{Source: "host1", Alerts: []wire.Alert{{ID: "x", Subject: "db1", Importance: 3}}},
			[]string{"raised: raised by host1", `updated: subject changed to "db1", importance changed to 3 by host1`}},
		{"nothing changed: a heartbeat refresh writes nothing", wire.Update{Source: "host1", Alerts: []wire.Alert{{ID: "x", Summary: "disk 90% full"}}},
			[]string{"raised: raised by host1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, store.Options{Decider: &recordingDecider{}})
			h.send(0, update(wire.Alert{ID: "x", Summary: "disk 90% full"}))
			before := h.get("x")
			h.send(1*m, tc.second)
			got := kindsAndTexts(t, h.s, x)
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("history got %q, want %q", got, tc.want)
			}
			evs, _ := h.s.History(x)
			if last := evs[len(evs)-1]; len(evs) == 2 && (last.Actor != "host1" || !last.Time.Equal(at(m)) || last.State != store.StateRaised) {
				t.Errorf("update event got %+v, want actor host1 at +1m, raised", last)
			}
			if len(tc.want) == 1 {
				if after := h.get("x"); !after.UpdatedAt.Equal(before.UpdatedAt) {
					t.Errorf("updated_at after a refresh got %v, want %v", after.UpdatedAt, before.UpdatedAt)
				}
			}
		})
	}
}

func TestStore_ContentChange_ThousandSummariesLeaveOneEvent(t *testing.T) {
	d := &recordingDecider{}
	h := newHarness(t, store.Options{Decider: d, NoSync: true})
	h.send(0, update(wire.Alert{ID: "x", Summary: "disk 0% full"}))
	// Half one transaction each, half in one batch.
	for i := 1; i <= 500; i++ {
		h.send(time.Duration(i)*time.Second, update(wire.Alert{ID: "x", Summary: fmt.Sprintf("disk %d%% full", i)}))
	}
	var batch []store.Received
	for i := 501; i <= 1000; i++ {
		batch = append(batch, store.Received{ReceivedAt: at(time.Duration(i) * time.Second),
			Update: update(wire.Alert{ID: "x", Summary: fmt.Sprintf("disk %d%% full", i)})})
	}
	if err := h.s.Apply(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	want := []string{"raised: raised by host1", `updated: summary changed to "disk 1000% full" by host1 (last at 2026-11-25T12:16:40Z)`}
	if got := kindsAndTexts(t, h.s, x); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("history got %q, want %q", got, want)
	}
	// The Decider is not asked about content changes: nobody is told.
	if got := d.events(); len(got) != 1 {
		t.Errorf("decider asked about %v, want only the raise", got)
	}
	found, err := h.s.SearchHistory(store.HistoryQuery{Text: "changed to"})
	// The event keeps the time of the run's first change.
	if err != nil || len(found) != 1 || !found[0].Time.Equal(at(time.Second)) {
		t.Errorf("search got %+v %v, want the one update event at +1s", found, err)
	}
}

func TestStore_ContentChange_StateChangeStartsANewUpdateEvent(t *testing.T) {
	h := newHarness(t, store.Options{Decider: &recordingDecider{}})
	h.send(0, update(wire.Alert{ID: "x", Summary: "a"}))
	h.send(1*time.Minute, update(wire.Alert{ID: "x", Summary: "b"}))
	h.send(2*time.Minute, update(wire.Alert{ID: "x", Summary: "c"}))
	h.send(3*time.Minute, update(wire.Alert{ID: "x", ClearTime: at(3 * time.Minute)}))
	h.send(4*time.Minute, update(wire.Alert{ID: "x", Summary: "d", ClearTime: at(4 * time.Minute)}))
	h.send(5*time.Minute, update(wire.Alert{ID: "x", Summary: "e", ClearTime: at(5 * time.Minute)}))
	h.send(6*time.Minute, update(wire.Alert{ID: "x", Summary: "f", ClearTime: at(6 * time.Minute)}))
	want := []string{
		"raised: raised by host1",
		`updated: summary changed to "c" by host1 (last at 2026-11-25T12:02:00Z)`,
		"cleared: cleared by host1",
		`updated: summary changed to "f" by host1 (last at 2026-11-25T12:06:00Z)`,
	}
	if got := kindsAndTexts(t, h.s, x); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("history got %q, want %q", got, want)
	}
	// Sequence order is time order.
	evs, _ := h.s.History(x)
	for i := 1; i < len(evs); i++ {
		if evs[i].Seq <= evs[i-1].Seq || evs[i].Time.Before(evs[i-1].Time) {
			t.Errorf("event %d: seq %d at %v after seq %d at %v", i, evs[i].Seq, evs[i].Time, evs[i-1].Seq, evs[i-1].Time)
		}
	}
	found, err := h.s.SearchHistory(store.HistoryQuery{Source: "host1", From: at(150 * time.Second)})
	if err != nil || len(found) != 2 || found[0].Text != `summary changed to "f" by host1 (last at 2026-11-25T12:06:00Z)` {
		t.Errorf("search from +2.5m got %+v %v, want the newest update and the clear", found, err)
	}
}

func TestStore_ContentChange_FirstHeardOfIsKept(t *testing.T) {
	h := newHarness(t, store.Options{})
	h.send(0, update(wire.Alert{ID: "x", Summary: "a", ClearTime: at(0)}))
	h.send(time.Minute, update(wire.Alert{ID: "x", Summary: "b", ClearTime: at(time.Minute)}))
	want := []string{
		"updated: first heard of, cleared, from host1",
		`updated: summary changed to "b" by host1`,
	}
	if got := kindsAndTexts(t, h.s, x); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("history got %q, want %q", got, want)
	}
}
