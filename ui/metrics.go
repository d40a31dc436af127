package ui

import (
	"bufio"
	"fmt"
	"net/http"

	"github.com/VictoriaMetrics/metrics"
)

// handleMetrics: GET /metrics in the Prometheus text format: the server's
// own counters, then each Options.Metrics writer's. Loopback clients need
// no person (a local Prometheus); others authenticate like the API (a
// Prometheus elsewhere sends a bearer token from `mauve token create`). A
// request with X-Forwarded-For or Forwarded is not loopback, so a reverse
// proxy on the same host must send one of them (nginx: proxy_set_header
// X-Forwarded-For $proxy_add_x_forwarded_for) or /metrics is open through it.
// The counters hold no alert content, names or secrets.
func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	bw := bufio.NewWriter(w)
	for c := 1; c <= 5; c++ {
		metrics.WriteCounterUint64(bw, fmt.Sprintf("mauve_http_responses_total{class=\"%dxx\"}", c), s.stats.requests[c].Load())
	}
	metrics.WriteCounterUint64(bw, "mauve_login_failures_total", s.stats.loginFailures.Load())
	metrics.WriteGaugeUint64(bw, "mauve_event_streams", uint64(max(s.stats.streams.Load(), 0)))
	// Times an event stream fell behind and was told to fetch the list again.
	metrics.WriteCounterUint64(bw, "mauve_event_stream_resyncs_total", s.stats.resyncs.Load())
	metrics.WriteCounterUint64(bw, "mauve_http_connections_refused_total", s.stats.connsRefused.Load())
	for _, m := range s.metrics {
		m.WriteMetrics(bw)
	}
	if err := bw.Flush(); err != nil {
		s.log.Debug("write metrics", "err", err)
	}
}
