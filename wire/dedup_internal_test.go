package wire

import (
	"testing"
	"time"
)

func TestDedup_BoundedAndWindowed(t *testing.T) {
	t0 := time.Unix(1764000000, 0)
	d := newDedup(time.Minute, 3)
	steps := []struct {
		id   uint64
		at   time.Duration
		want bool // seen before
	}{
		{1, 0, false},
		{1, 10 * time.Second, true},
		{0, 10 * time.Second, false}, // zero is never a duplicate
		{0, 10 * time.Second, false},
		{2, 20 * time.Second, false},
		{3, 20 * time.Second, false},
		{4, 20 * time.Second, false}, // full: forgets 1, the oldest
		{1, 30 * time.Second, false},
		{4, 30 * time.Second, true},
		{4, 81 * time.Second, false}, // the window has passed
	}
	for i, s := range steps {
		if got := d.seenBefore(s.id, t0.Add(s.at)); got != s.want {
			t.Errorf("step %d: id %d at +%v: got %v, want %v", i, s.id, s.at, got, s.want)
		}
		if len(d.seen) > 3 || d.n > 3 {
			t.Fatalf("step %d: remembers %d ids (ring %d), want at most 3", i, len(d.seen), d.n)
		}
	}
}

// TestDedup_WindowEdges pins the window's edges to the nanosecond, from a
// zero clock, and with the clock stepping back: times are kept as offsets
// from the first id seen, and must compare as whole times did.
func TestDedup_WindowEdges(t *testing.T) {
	var t0 time.Time // the zero time is a valid clock reading too
	d := newDedup(time.Minute, 4)
	steps := []struct {
		id   uint64
		at   time.Duration
		want bool // seen before
	}{
		{7, 0, false},
		{7, time.Minute - 1, true}, // a nanosecond inside the window
		{7, time.Minute, false},    // the window is half-open: now it is new
		{7, time.Minute + 1, true},
		{8, 2 * time.Minute, false},
		{8, time.Minute + 30*time.Second, true}, // the clock stepped back
		{9, -time.Hour, false},
		{9, -time.Hour, true},
	}
	for i, s := range steps {
		if got := d.seenBefore(s.id, t0.Add(s.at)); got != s.want {
			t.Errorf("step %d: id %d at %+v: got %v, want %v", i, s.id, s.at, got, s.want)
		}
	}
}
