package commands

import (
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/wire"
)

// metricNames is every series a station served on /metrics, after one
// update and its log notification, before the metrics library came in:
// names, label names and label values (a socket's address stands as *).
// Dashboards depend on these, so each must still be served; the library
// adds process and Go runtime series of its own.
var metricNames = []string{
	`go_memstats_heap_inuse_bytes`,
	`mauve_alerts_cleared_total`,
	`mauve_alerts_raised_total`,
	`mauve_alerts_refused_total{reason="bad_time"}`,
	`mauve_commit_batch_size_bucket{le="+Inf"}`,
	`mauve_commit_batch_size_bucket{le="1"}`,
	`mauve_commit_batch_size_bucket{le="1024"}`,
	`mauve_commit_batch_size_bucket{le="16"}`,
	`mauve_commit_batch_size_bucket{le="16384"}`,
	`mauve_commit_batch_size_bucket{le="256"}`,
	`mauve_commit_batch_size_bucket{le="4"}`,
	`mauve_commit_batch_size_bucket{le="4096"}`,
	`mauve_commit_batch_size_bucket{le="64"}`,
	`mauve_commit_batch_size_bucket{le="65536"}`,
	`mauve_commit_batch_size_count`,
	`mauve_commit_batch_size_sum`,
	`mauve_commit_seconds_bucket{le="+Inf"}`,
	`mauve_commit_seconds_bucket{le="0.0005"}`,
	`mauve_commit_seconds_bucket{le="0.001"}`,
	`mauve_commit_seconds_bucket{le="0.002"}`,
	`mauve_commit_seconds_bucket{le="0.005"}`,
	`mauve_commit_seconds_bucket{le="0.01"}`,
	`mauve_commit_seconds_bucket{le="0.02"}`,
	`mauve_commit_seconds_bucket{le="0.05"}`,
	`mauve_commit_seconds_bucket{le="0.1"}`,
	`mauve_commit_seconds_bucket{le="0.2"}`,
	`mauve_commit_seconds_bucket{le="0.5"}`,
	`mauve_commit_seconds_bucket{le="1"}`,
	`mauve_commit_seconds_bucket{le="2"}`,
	`mauve_commit_seconds_bucket{le="5"}`,
	`mauve_commit_seconds_count`,
	`mauve_commit_seconds_sum`,
	`mauve_datagrams_decoded_total`,
	`mauve_datagrams_duplicate_total`,
	`mauve_datagrams_received_total`,
	`mauve_datagrams_rejected_total{reason="bad_signature"}`,
	`mauve_datagrams_rejected_total{reason="duplicate"}`,
	`mauve_datagrams_rejected_total{reason="empty_id"}`,
	`mauve_datagrams_rejected_total{reason="invalid_utf8"}`,
	`mauve_datagrams_rejected_total{reason="malformed"}`,
	`mauve_datagrams_rejected_total{reason="missing_source"}`,
	`mauve_datagrams_rejected_total{reason="replay"}`,
	`mauve_datagrams_rejected_total{reason="too_large"}`,
	`mauve_datagrams_rejected_total{reason="too_many_alerts"}`,
	`mauve_datagrams_rejected_total{reason="unclean_source"}`,
	`mauve_datagrams_rejected_total{reason="unsigned"}`,
	`mauve_event_stream_resyncs_total`,
	`mauve_event_streams`,
	`mauve_http_connections_refused_total`,
	`mauve_http_responses_total{class="1xx"}`,
	`mauve_http_responses_total{class="2xx"}`,
	`mauve_http_responses_total{class="3xx"}`,
	`mauve_http_responses_total{class="4xx"}`,
	`mauve_http_responses_total{class="5xx"}`,
	`mauve_ingest_dropped_total{reason="commit_failed"}`,
	`mauve_ingest_dropped_total{reason="source_flood"}`,
	`mauve_ingest_dropped_total{reason="stopped"}`,
	`mauve_ingest_latency_seconds_bucket{le="+Inf"}`,
	`mauve_ingest_latency_seconds_bucket{le="0.0001"}`,
	`mauve_ingest_latency_seconds_bucket{le="0.00025"}`,
	`mauve_ingest_latency_seconds_bucket{le="0.0005"}`,
	`mauve_ingest_latency_seconds_bucket{le="0.001"}`,
	`mauve_ingest_latency_seconds_bucket{le="0.002"}`,
	`mauve_ingest_latency_seconds_bucket{le="0.005"}`,
	`mauve_ingest_latency_seconds_bucket{le="0.01"}`,
	`mauve_ingest_latency_seconds_bucket{le="0.02"}`,
	`mauve_ingest_latency_seconds_bucket{le="0.03"}`,
	`mauve_ingest_latency_seconds_bucket{le="0.05"}`,
	`mauve_ingest_latency_seconds_bucket{le="0.075"}`,
	`mauve_ingest_latency_seconds_bucket{le="0.1"}`,
	`mauve_ingest_latency_seconds_bucket{le="0.15"}`,
	`mauve_ingest_latency_seconds_bucket{le="0.2"}`,
	`mauve_ingest_latency_seconds_bucket{le="0.3"}`,
	`mauve_ingest_latency_seconds_bucket{le="0.5"}`,
	`mauve_ingest_latency_seconds_bucket{le="1"}`,
	`mauve_ingest_latency_seconds_bucket{le="10"}`,
	`mauve_ingest_latency_seconds_bucket{le="2"}`,
	`mauve_ingest_latency_seconds_bucket{le="5"}`,
	`mauve_ingest_latency_seconds_count`,
	`mauve_ingest_latency_seconds_sum`,
	`mauve_ingest_queued`,
	`mauve_ingest_queued_bytes`,
	`mauve_login_failures_total`,
	`mauve_notifications_total{channel="log",status="delivered"}`,
	`mauve_udp_receive_buffer_bytes{addr="*"}`,
	`mauve_udp_receive_drops_total`,
	`mauve_updates_accepted_total`,
	`mauve_updates_applied_total`,
	`process_cpu_seconds_total`,
	`process_resident_memory_bytes`,
}

// series reads Prometheus text and returns each sample's name and labels,
// sorted and without repeats, with the addr label's value masked.
func series(text string) []string {
	addr := regexp.MustCompile(`addr="[^"]*"`)
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, _, _ := strings.Cut(line, " ")
		out = append(out, addr.ReplaceAllString(name, `addr="*"`))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func getMetrics(t *testing.T, rs *runningStation) string {
	t.Helper()
	resp, err := http.Get("http://" + rs.http + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("GET /metrics: status %d: %s", resp.StatusCode, b)
	}
	return string(b)
}

// The station's /metrics serves every series it served before the metrics
// library came in, under the same names and labels, and mauve's own series
// are exactly those: a rename or a new label would break a dashboard.
func TestServe_MetricNamesUnchanged(t *testing.T) {
	rs := startTestStation(t, &serveOptions{})
	rs.send(t, wire.Update{Source: "db1", Alerts: []wire.Alert{{ID: "disk"}}})
	// The raise is committed, then notified through the default log
	// channel: wait until both are counted.
	deadline := time.Now().Add(10 * time.Second)
	var text string
	for {
		text = getMetrics(t, rs)
		if strings.Contains(text, "mauve_updates_applied_total 1") && strings.Contains(text, "mauve_notifications_total{") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the update was not applied and notified in 10s:\n%s", text)
		}
		time.Sleep(20 * time.Millisecond)
	}
	got := series(text)
	for _, name := range metricNames {
		if _, found := slices.BinarySearch(got, name); !found {
			t.Errorf("/metrics lacks %s", name)
		}
	}
	isOurs := func(s string) bool { return strings.HasPrefix(s, "mauve_") }
	want := slices.DeleteFunc(slices.Clone(metricNames), func(s string) bool { return !isOurs(s) })
	ours := slices.DeleteFunc(got, func(s string) bool { return !isOurs(s) })
	for _, name := range ours {
		if _, found := slices.BinarySearch(want, name); !found {
			t.Errorf("/metrics has %s, which it did not have before", name)
		}
	}
	if t.Failed() {
		t.Logf("/metrics:\n%s", text)
	}
}
