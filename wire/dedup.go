package wire

import (
	"encoding/binary"
	"sync"
	"time"
)

// dedupCapacity bounds the transmission ids remembered. At 128 Ki ids a
// station would need over 400 updates a second for five minutes before it
// forgets one early; memory stays near 6 MiB whatever arrives (a 2 MiB ring
// and the map's 16-byte slots).
const dedupCapacity = 1 << 17

// dedup remembers transmission ids seen within a window, oldest first.
//
// Times are kept as nanoseconds since the first id seen (base), not as
// time.Time: 8 bytes instead of 24 in both the map and the ring. Offsets are
// taken with time.Time.Sub, so a monotonic clock reading still wins over the
// wall clock exactly as when whole times were compared.
type dedup struct {
	window time.Duration

	mu      sync.Mutex
	started bool             // base is set
	base    time.Time        // when the first id was seen; offsets count from it
	seen    map[uint64]int64 // id → when first seen, ns since base
	ring    []seenID         // FIFO of ids in arrival order, len ≤ capacity
	head    int              // index of the oldest entry in ring
	n       int              // entries in ring
}

type seenID struct {
	id uint64
	at int64 // ns since base
}

func newDedup(window time.Duration, capacity int) *dedup {
	return &dedup{
		window: window,
		seen:   make(map[uint64]int64),
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
	if !d.started {
		d.base, d.started = now, true
	}
	t := int64(now.Sub(d.base))
	d.expire(t)
	if at, ok := d.seen[id]; ok && time.Duration(t-at) < d.window {
		return true
	}
	if d.n == len(d.ring) {
		d.drop()
	}
	d.ring[(d.head+d.n)%len(d.ring)] = seenID{id: id, at: t}
	d.n++
	d.seen[id] = t
	return false
}

// expire forgets the entries at least a window older than t.
func (d *dedup) expire(t int64) {
	for d.n > 0 && time.Duration(t-d.ring[d.head].at) >= d.window {
		d.drop()
	}
}

// drop forgets the oldest entry.
func (d *dedup) drop() {
	old := d.ring[d.head]
	if at, ok := d.seen[old.id]; ok && at == old.at {
		delete(d.seen, old.id)
	}
	d.ring[d.head] = seenID{}
	d.head = (d.head + 1) % len(d.ring)
	d.n--
}

// signedDedup remembers, per source, the signed updates verified with that
// source's key, for as long as a replay of them could still pass
// verification (until their transmission time is a window old). Unlike the
// shared FIFO, no amount of other traffic evicts them: only an update
// signed with a source's key adds to that source's memory, so it is bounded
// by the keyed sources, which the config fixes, and by what they send.
type signedDedup struct {
	window time.Duration

	mu      sync.Mutex
	sources map[string]*signedSeen
}

type signedSeen struct {
	until   map[uint64]time.Time // key → when a replay stops verifying
	sweepAt int                  // sweep expired keys when the map reaches this size
}

func newSignedDedup(window time.Duration) *signedDedup {
	return &signedDedup{window: window, sources: make(map[string]*signedSeen)}
}

// seenBefore records a verified update of source and reports whether it was
// already seen. Its key is the transmission id, or for an id of 0 (which the
// shared FIFO never remembers) the first bytes of the signature, so that a
// signed update without an id cannot be replayed either.
func (d *signedDedup) seenBefore(source string, id uint64, sig []byte, sent, now time.Time) bool {
	key := id
	if key == 0 {
		var b [8]byte
		copy(b[:], sig)
		key = binary.LittleEndian.Uint64(b[:])
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	s := d.sources[source]
	if s == nil {
		s = &signedSeen{until: make(map[uint64]time.Time), sweepAt: 64}
		d.sources[source] = s
	}
	if until, ok := s.until[key]; ok && !now.After(until) {
		return true
	}
	if len(s.until) >= s.sweepAt {
		for k, until := range s.until {
			if now.After(until) {
				delete(s.until, k)
			}
		}
		s.sweepAt = max(64, 2*len(s.until))
	}
	s.until[key] = sent.Add(d.window)
	return false
}
