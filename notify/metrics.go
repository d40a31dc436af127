package notify

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"sync"

	"github.com/VictoriaMetrics/metrics"

	"github.com/mauve-alert/mauve/store"
)

// deliveryCounts counts delivery outcomes by channel and status.
type deliveryCounts struct {
	mu     sync.Mutex
	counts map[metricKey]uint64
}

type metricKey struct {
	channel string
	status  store.DeliveryStatus
}

func (m *deliveryCounts) count(channel string, status store.DeliveryStatus) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.counts == nil {
		m.counts = make(map[metricKey]uint64)
	}
	m.counts[metricKey{channel, status}]++
}

// WriteMetrics writes the worker's counters in the Prometheus text format:
// delivery attempts by channel and outcome.
func (w *Worker) WriteMetrics(out io.Writer) {
	w.metrics.mu.Lock()
	counts := maps.Clone(w.metrics.counts)
	w.metrics.mu.Unlock()
	keys := slices.SortedFunc(maps.Keys(counts), func(a, b metricKey) int {
		return cmp.Or(cmp.Compare(a.channel, b.channel), cmp.Compare(a.status, b.status))
	})
	for _, k := range keys {
		metrics.WriteCounterUint64(out, fmt.Sprintf("mauve_notifications_total{channel=%q,status=%q}", k.channel, k.status), counts[k])
	}
}
