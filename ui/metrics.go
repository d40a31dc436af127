package ui

import (
	"bufio"
	"fmt"
	"net/http"
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
	fmt.Fprintln(bw, "# HELP mauve_http_responses_total HTTP responses by status class.")
	fmt.Fprintln(bw, "# TYPE mauve_http_responses_total counter")
	for c := 1; c <= 5; c++ {
		fmt.Fprintf(bw, "mauve_http_responses_total{class=\"%dxx\"} %d\n", c, s.stats.requests[c].Load())
	}
	fmt.Fprintln(bw, "# HELP mauve_login_failures_total Failed logins (form and HTTP Basic).")
	fmt.Fprintln(bw, "# TYPE mauve_login_failures_total counter")
	fmt.Fprintf(bw, "mauve_login_failures_total %d\n", s.stats.loginFailures.Load())
	fmt.Fprintln(bw, "# HELP mauve_event_streams Open event streams.")
	fmt.Fprintln(bw, "# TYPE mauve_event_streams gauge")
	fmt.Fprintf(bw, "mauve_event_streams %d\n", s.stats.streams.Load())
	fmt.Fprintln(bw, "# HELP mauve_event_stream_resyncs_total Times an event stream fell behind and was told to fetch the list again.")
	fmt.Fprintln(bw, "# TYPE mauve_event_stream_resyncs_total counter")
	fmt.Fprintf(bw, "mauve_event_stream_resyncs_total %d\n", s.stats.resyncs.Load())
	fmt.Fprintln(bw, "# HELP mauve_http_connections_refused_total Connections beyond the cap, answered apart (/healthz) or refused.")
	fmt.Fprintln(bw, "# TYPE mauve_http_connections_refused_total counter")
	fmt.Fprintf(bw, "mauve_http_connections_refused_total %d\n", s.stats.connsRefused.Load())
	for _, m := range s.metrics {
		m.WriteMetrics(bw)
	}
	if err := bw.Flush(); err != nil {
		s.log.Debug("write metrics", "err", err)
	}
}
