package notify_test

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/store"
)

// fakeClock is a manual clock: time moves only by Advance.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []fakeWaiter
	waiting chan struct{} // receives whenever someone starts waiting
}

type fakeWaiter struct {
	at time.Time
	ch chan time.Time
}

func newFakeClock(now time.Time) *fakeClock {
	return &fakeClock{now: now, waiting: make(chan struct{}, 1)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
		return ch
	}
	c.waiters = append(c.waiters, fakeWaiter{at: c.now.Add(d), ch: ch})
	select {
	case c.waiting <- struct{}{}:
	default:
	}
	return ch
}

// Advance moves the clock on and fires every timer now due.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if w.at.After(c.now) {
			kept = append(kept, w)
			continue
		}
		w.ch <- c.now
	}
	c.waiters = kept
}

// memOutbox is an outbox in memory with the store's documented semantics,
// for worker tests that need to see every outcome as it is recorded.
type memOutbox struct {
	mu         sync.Mutex
	next       uint64
	rows       map[uint64]store.Notification
	history    []finished
	deliveries map[string][]store.Delivery
	changed    chan struct{}
	finished   chan finished
}

type finished struct {
	Row     store.Notification
	Outcome store.Outcome
}

func newMemOutbox() *memOutbox {
	return &memOutbox{
		rows:       make(map[uint64]store.Notification),
		deliveries: make(map[string][]store.Delivery),
		changed:    make(chan struct{}, 1),
		finished:   make(chan finished, 4096),
	}
}

func (o *memOutbox) add(n store.Notification) uint64 {
	o.mu.Lock()
	o.next++
	n.ID = o.next
	n.NextAttempt = n.Created
	o.rows[n.ID] = n
	o.mu.Unlock()
	select {
	case o.changed <- struct{}{}:
	default:
	}
	return n.ID
}

func (o *memOutbox) DueNotifications(now time.Time, limit int) ([]store.Notification, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var due []store.Notification
	for _, n := range o.rows {
		if !n.NextAttempt.After(now) {
			due = append(due, n)
		}
	}
	slices.SortFunc(due, func(a, b store.Notification) int { return int(a.ID) - int(b.ID) })
	if len(due) > limit {
		due = due[:limit]
	}
	return due, nil
}

func (o *memOutbox) OutboxChanged() <-chan struct{} { return o.changed }

func (o *memOutbox) Finish(id uint64, out store.Outcome) error {
	o.mu.Lock()
	n, ok := o.rows[id]
	if !ok {
		o.mu.Unlock()
		return store.ErrNotFound
	}
	rec := finished{Row: n, Outcome: out}
	switch out.Status {
	case store.DeliveryRetry:
		n.Attempts++
		n.NextAttempt = out.RetryAt
		o.rows[id] = n
	case store.DeliveryFallback:
		n.Channel++
		n.Attempts = 0
		n.NextAttempt = out.Now
		o.rows[id] = n
		if n.Channel >= len(n.Channels) {
			delete(o.rows, id)
		}
	case store.DeliveryDelivered:
		o.deliveries[n.Person] = append(o.deliveries[n.Person], store.Delivery{Time: out.Now, Level: n.Level})
		delete(o.rows, id)
	default:
		delete(o.rows, id)
	}
	o.history = append(o.history, rec)
	o.mu.Unlock()
	o.finished <- rec
	return nil
}

func (o *memOutbox) RecentDeliveries(person string, since time.Time) ([]store.Delivery, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var ds []store.Delivery
	for _, d := range o.deliveries[person] {
		if !d.Time.Before(since) {
			ds = append(ds, d)
		}
	}
	return ds, nil
}

func (o *memOutbox) size() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.rows)
}

func (o *memOutbox) row(id uint64) (store.Notification, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	n, ok := o.rows[id]
	return n, ok
}

// waitFinished returns the next recorded outcome, failing after a bounded wait.
func (o *memOutbox) waitFinished(t *testing.T) finished {
	t.Helper()
	select {
	case f := <-o.finished:
		return f
	case <-time.After(10 * time.Second):
		t.Fatal("the worker recorded no outcome within 10s")
		return finished{}
	}
}

// advanceUntil moves the clock on by step until cond holds, for when the
// worker may not yet be waiting on the clock when the test moves it: each
// step fires whatever it waits on by then. Bounded by 10s of real time.
func (c *fakeClock) advanceUntil(t *testing.T, step time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		c.Advance(step)
		time.Sleep(5 * time.Millisecond)
	}
}

func (o *memOutbox) historyLen() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.history)
}
