package wire

import (
	"sync"
	"time"
)

// dedupCapacity bounds the transmission ids remembered. At 128 Ki ids a
// station would need over 400 updates a second for five minutes before it
// forgets one early; memory stays near 4 MiB whatever arrives.
const dedupCapacity = 1 << 17

// dedup remembers transmission ids seen within a window, oldest first.
type dedup struct {
	window time.Duration

	mu   sync.Mutex
	seen map[uint64]time.Time // id → when first seen
	ring []seenID             // FIFO of ids in arrival order, len ≤ capacity
	head int                  // index of the oldest entry in ring
	n    int                  // entries in ring
}

type seenID struct {
	id uint64
	at time.Time
}

func newDedup(window time.Duration, capacity int) *dedup {
	return &dedup{
		window: window,
		seen:   make(map[uint64]time.Time),
		ring:   make([]seenID, capacity),
	}
}

// seenBefore records id at now and reports whether it was already seen
// within the window. Zero is never a duplicate and never recorded.
func (d *dedup) seenBefore(id uint64, now time.Time) bool {
	if id == 0 {
		return false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.expire(now)
	if at, ok := d.seen[id]; ok && now.Sub(at) < d.window {
		return true
	}
	if d.n == len(d.ring) {
		d.drop()
	}
	d.ring[(d.head+d.n)%len(d.ring)] = seenID{id: id, at: now}
	d.n++
	d.seen[id] = now
	return false
}

func (d *dedup) expire(now time.Time) {
	for d.n > 0 && now.Sub(d.ring[d.head].at) >= d.window {
		d.drop()
	}
}

// drop forgets the oldest entry.
func (d *dedup) drop() {
	old := d.ring[d.head]
	if at, ok := d.seen[old.id]; ok && at.Equal(old.at) {
		delete(d.seen, old.id)
	}
	d.ring[d.head] = seenID{}
	d.head = (d.head + 1) % len(d.ring)
	d.n--
}
