package store

import (
	"fmt"
	"io"
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// storeStats are counters kept since Open.
type storeStats struct {
	applied atomic.Uint64 // updates in committed Apply batches
	raised  atomic.Uint64 // raised and re-raised events committed
	cleared atomic.Uint64 // cleared events committed
}

// Stats is a snapshot of the store's counters since Open.
type Stats struct {
	UpdatesApplied uint64
	AlertsRaised   uint64
	AlertsCleared  uint64
}

// Stats returns the counters since Open.
func (s *Store) Stats() Stats {
	return Stats{
		UpdatesApplied: s.stats.applied.Load(),
		AlertsRaised:   s.stats.raised.Load(),
		AlertsCleared:  s.stats.cleared.Load(),
	}
}

// WriteMetrics writes the store's counters in the Prometheus text format.
func (s *Store) WriteMetrics(w io.Writer) {
	st := s.Stats()
	counter(w, "mauve_updates_applied_total", "Updates committed to the store.", st.UpdatesApplied)
	counter(w, "mauve_alerts_raised_total", "Alerts raised or re-raised.", st.AlertsRaised)
	counter(w, "mauve_alerts_cleared_total", "Alerts cleared.", st.AlertsCleared)
}

func counter(w io.Writer, name, help string, v uint64) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n%s %d\n", name, help, name, name, v)
}

func gauge(w io.Writer, name, help string, v float64) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n%s %g\n", name, help, name, name, v)
}

// histogram is a Prometheus histogram with fixed upper bounds.
type histogram struct {
	mu     sync.Mutex
	bounds []float64
	counts []uint64 // per bucket, not cumulative; the last is +Inf
	sum    float64
	n      uint64
}

func newHistogram(bounds []float64) *histogram {
	return &histogram{bounds: bounds, counts: make([]uint64, len(bounds)+1)}
}

func (h *histogram) observe(v float64) {
	h.mu.Lock()
	h.observeLocked(v)
	h.mu.Unlock()
}

func (h *histogram) observeLocked(v float64) {
	i := 0
	for i < len(h.bounds) && v > h.bounds[i] {
		i++
	}
	h.counts[i]++
	h.sum += v
	h.n++
}

// observeDurations records many latencies under one lock.
func (h *histogram) observeDurations(now time.Time, from []time.Time) {
	h.mu.Lock()
	for _, t := range from {
		h.observeLocked(now.Sub(t).Seconds())
	}
	h.mu.Unlock()
}

// quantile estimates the q-quantile by linear interpolation within the
// bucket it falls in, as Prometheus' histogram_quantile does.
func (h *histogram) quantile(q float64) float64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.n == 0 {
		return math.NaN()
	}
	rank := q * float64(h.n)
	var cum float64
	for i, c := range h.counts {
		if cum+float64(c) >= rank && c > 0 {
			lo := 0.0
			if i > 0 {
				lo = h.bounds[i-1]
			}
			if i == len(h.bounds) {
				return lo
			}
			return lo + (h.bounds[i]-lo)*(rank-cum)/float64(c)
		}
		cum += float64(c)
	}
	return h.bounds[len(h.bounds)-1]
}

func (h *histogram) write(w io.Writer, name, help string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s histogram\n", name, help, name)
	var cum uint64
	for i, b := range h.bounds {
		cum += h.counts[i]
		fmt.Fprintf(w, "%s_bucket{le=\"%g\"} %d\n", name, b, cum)
	}
	fmt.Fprintf(w, "%s_bucket{le=\"+Inf\"} %d\n%s_sum %g\n%s_count %d\n", name, h.n, name, h.sum, name, h.n)
}
