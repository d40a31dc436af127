package notify

import (
	"fmt"
	"io"
	"sort"
	"sync"

	"github.com/mauve-alert/mauve/store"
)

// metrics counts delivery outcomes by channel and status.
type metrics struct {
	mu     sync.Mutex
	counts map[metricKey]uint64
}

type metricKey struct {
	channel string
	status  store.DeliveryStatus
}

func (m *metrics) count(channel string, status store.DeliveryStatus) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.counts == nil {
		m.counts = make(map[metricKey]uint64)
	}
	m.counts[metricKey{channel, status}]++
}

// WriteMetrics writes the worker's counters in the Prometheus text format.
func (w *Worker) WriteMetrics(out io.Writer) error {
	w.metrics.mu.Lock()
	keys := make([]metricKey, 0, len(w.metrics.counts))
	for k := range w.metrics.counts {
		keys = append(keys, k)
	}
	counts := make(map[metricKey]uint64, len(keys))
	for _, k := range keys {
		counts[k] = w.metrics.counts[k]
	}
	w.metrics.mu.Unlock()
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].channel != keys[j].channel {
			return keys[i].channel < keys[j].channel
		}
		return keys[i].status < keys[j].status
	})
	if _, err := fmt.Fprint(out, "# HELP mauve_notifications_total Notification delivery attempts by channel and outcome.\n"+
		"# TYPE mauve_notifications_total counter\n"); err != nil {
		return err
	}
	for _, k := range keys {
		if _, err := fmt.Fprintf(out, "mauve_notifications_total{channel=%q,status=%q} %d\n", k.channel, k.status, counts[k]); err != nil {
			return err
		}
	}
	return nil
}
