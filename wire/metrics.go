package wire

import (
	"fmt"
	"io"
	"sync/atomic"
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
// exposition format. Write errors are the writer's to report (an HTTP
// response), so they are not returned.
func (l *Listener) WriteMetrics(w io.Writer) {
	s := l.Stats()
	var err error
	p := func(format string, args ...any) {
		if err == nil {
			_, err = fmt.Fprintf(w, format, args...)
		}
	}
	p("# HELP mauve_datagrams_received_total UDP datagrams read by the listener.\n")
	p("# TYPE mauve_datagrams_received_total counter\n")
	p("mauve_datagrams_received_total %d\n", s.Received)
	p("# HELP mauve_datagrams_decoded_total Datagrams decoded, verified and accepted.\n")
	p("# TYPE mauve_datagrams_decoded_total counter\n")
	p("mauve_datagrams_decoded_total %d\n", s.Decoded)
	p("# HELP mauve_datagrams_rejected_total Datagrams refused, by reason (duplicates included).\n")
	p("# TYPE mauve_datagrams_rejected_total counter\n")
	for _, r := range reasonTable {
		p("mauve_datagrams_rejected_total{reason=%q} %d\n", r.reason, s.Rejected[r.reason])
	}
	p("# HELP mauve_datagrams_duplicate_total Datagrams dropped as repeats of a recent transmission id.\n")
	p("# TYPE mauve_datagrams_duplicate_total counter\n")
	p("mauve_datagrams_duplicate_total %d\n", s.Duplicates)
	p("# HELP mauve_alerts_refused_total Alerts taken out of accepted updates, by reason.\n")
	p("# TYPE mauve_alerts_refused_total counter\n")
	p("mauve_alerts_refused_total{reason=\"bad_time\"} %d\n", s.BadTimes)
	if err == nil {
		_ = l.writeBufferMetrics(w)
	}
}
