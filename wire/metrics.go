package wire

import (
	"fmt"
	"io"
	"sync/atomic"

	"github.com/VictoriaMetrics/metrics"
)

// ListenerStats is a snapshot of a Listener's counters since it was built.
// Received = Decoded + the sum of Rejected.
type ListenerStats struct {
	// Received counts datagrams read.
	Received uint64
	// Decoded counts datagrams accepted and handed to the Handler.
	Decoded uint64
	// Rejected counts refused datagrams by reason (every reason of
	// Reasons is present), duplicates included.
	Rejected map[string]uint64
	// Duplicates counts datagrams dropped as repeats (Rejected["duplicate"]).
	Duplicates uint64
	// BadTimes counts alerts taken out of accepted updates because their
	// raise or clear time was before 2000 or more than ten years ahead.
	BadTimes uint64
}

type counters struct {
	received atomic.Uint64
	decoded  atomic.Uint64
	rejected [len(reasonTable)]atomic.Uint64
	badTimes atomic.Uint64
}

func (c *counters) reject(reason string) {
	for i, r := range reasonTable {
		if r.reason == reason {
			c.rejected[i].Add(1)
			return
		}
	}
	c.rejected[1].Add(1) // malformed
}

// Stats returns the listener's counters. Safe to call while Run runs.
func (l *Listener) Stats() ListenerStats {
	s := ListenerStats{
		Received: l.stats.received.Load(),
		Decoded:  l.stats.decoded.Load(),
		Rejected: make(map[string]uint64, len(reasonTable)),
	}
	for i, r := range reasonTable {
		s.Rejected[r.reason] = l.stats.rejected[i].Load()
	}
	s.Duplicates = s.Rejected[ReasonDuplicate]
	s.BadTimes = l.stats.badTimes.Load()
	return s
}

// WriteMetrics writes the listener's counters in the Prometheus text
// exposition format: datagrams read, accepted, refused by reason and
// dropped as repeats, and each socket's receive buffer.
func (l *Listener) WriteMetrics(w io.Writer) {
	s := l.Stats()
	metrics.WriteCounterUint64(w, "mauve_datagrams_received_total", s.Received)
	metrics.WriteCounterUint64(w, "mauve_datagrams_decoded_total", s.Decoded)
	for _, r := range reasonTable {
		metrics.WriteCounterUint64(w, fmt.Sprintf("mauve_datagrams_rejected_total{reason=%q}", r.reason), s.Rejected[r.reason])
	}
	metrics.WriteCounterUint64(w, "mauve_datagrams_duplicate_total", s.Duplicates)
	metrics.WriteCounterUint64(w, `mauve_alerts_refused_total{reason="bad_time"}`, s.BadTimes)
	for i, c := range l.conns {
		// The buffer the kernel granted (getsockopt SO_RCVBUF).
		metrics.WriteGaugeUint64(w, fmt.Sprintf("mauve_udp_receive_buffer_bytes{addr=%q}", addrString(c)), uint64(l.bufs[i].Load()))
	}
}
