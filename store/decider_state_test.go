package store_test

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/wire"
)

// askingDecider asks, inside each decision, whether "parent" is raised
// and how many times the alert changed state since t0, as a policy with
// depends_on and flapping does.
type askingDecider struct {
	mu      sync.Mutex
	answers []string
}

func (d *askingDecider) Decide(c store.Change) store.Decision {
	parent := c.Raised(store.Key{Source: c.After.Source, ID: "parent"})
	n := c.StateChanges(t0)
	d.mu.Lock()
	d.answers = append(d.answers, string(c.Event)+" "+c.After.ID+" parent:"+map[bool]string{true: "raised", false: "not"}[parent]+" changes:"+string(rune('0'+n)))
	d.mu.Unlock()
	return store.Decision{Group: "default", Level: "normal"}
}

func TestStore_DeciderSeesParentAndStateChanges(t *testing.T) {
	d := &askingDecider{}
	h := newHarness(t, store.Options{Decider: d})
	h.send(0, update(wire.Alert{ID: "parent"}))
	h.send(time.Second, update(wire.Alert{ID: "child"}))
	h.send(2*time.Second, update(wire.Alert{ID: "child", ClearTime: at(2 * time.Second)}))
	h.send(3*time.Second, update(wire.Alert{ID: "child"}))
	h.send(4*time.Second, update(wire.Alert{ID: "parent", ClearTime: at(4 * time.Second)}))
	h.send(5*time.Second, update(wire.Alert{ID: "child", ClearTime: at(5 * time.Second)}))
	d.mu.Lock()
	defer d.mu.Unlock()
	want := []string{
		"raised parent parent:not changes:1", // decided before the raise is stored
		"raised child parent:raised changes:1",
		"cleared child parent:raised changes:2",
		"raised child parent:raised changes:3",
		"cleared parent parent:raised changes:2", // its own record is saved after the decision
		"cleared child parent:not changes:4",
	}
	if !slices.Equal(d.answers, want) {
		t.Errorf("answers:\ngot  %q\nwant %q", d.answers, want)
	}
}
