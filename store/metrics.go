package store

import (
	"io"
	"sync/atomic"

	"github.com/VictoriaMetrics/metrics"
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

// WriteMetrics writes the store's counters in the Prometheus text format:
// updates committed, alerts raised or re-raised, alerts cleared.
func (s *Store) WriteMetrics(w io.Writer) {
	st := s.Stats()
	metrics.WriteCounterUint64(w, "mauve_updates_applied_total", st.UpdatesApplied)
	metrics.WriteCounterUint64(w, "mauve_alerts_raised_total", st.AlertsRaised)
	metrics.WriteCounterUint64(w, "mauve_alerts_cleared_total", st.AlertsCleared)
}
