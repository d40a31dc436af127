package commands

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/VictoriaMetrics/metrics"
)

// Every package writes its metrics through github.com/VictoriaMetrics/metrics
// rather than prometheus/client_golang: measured on `mauve send` (a command
// that never serves metrics but links them), it adds 0.2 ms of package
// initialisation and 108 KiB to the binary, client_golang 1.4 ms and 553
// KiB. It writes no # HELP or # TYPE lines unless switched on for the whole
// process, so none are written; Prometheus reads the families as untyped,
// which changes no query.

// metricsFunc is a function that writes metrics, as a ui.MetricsWriter.
type metricsFunc func(io.Writer)

func (f metricsFunc) WriteMetrics(w io.Writer) { f(w) }

// writeProcessMetrics writes the station process's CPU time, memory and
// Go runtime, so a load test (and an operator) can see the resident size.
func writeProcessMetrics(w io.Writer) { metrics.WriteProcessMetrics(w) }

// udpDrops reports the datagrams the kernel dropped because this
// process's UDP sockets were full: loss that happens before the listener
// can count anything (Linux only; elsewhere it writes nothing).
type udpDrops struct{}

func (udpDrops) WriteMetrics(w io.Writer) {
	if drops, found := socketDrops(); found {
		metrics.WriteCounterUint64(w, "mauve_udp_receive_drops_total", drops)
	}
}

// socketDrops sums the kernel's drop counters of this process's UDP
// sockets; found is false when there are none or /proc cannot tell.
func socketDrops() (drops uint64, found bool) {
	ours := socketInodes()
	if len(ours) == 0 {
		return 0, false
	}
	for _, f := range []string{"/proc/net/udp", "/proc/net/udp6"} {
		fh, err := os.Open(f)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(fh)
		sc.Scan() // header
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) < 13 || !ours[fields[9]] {
				continue
			}
			if n, err := strconv.ParseUint(fields[len(fields)-1], 10, 64); err == nil {
				drops += n
				found = true
			}
		}
		fh.Close()
	}
	return drops, found
}

// socketInodes returns the inodes of this process's sockets.
func socketInodes() map[string]bool {
	links, err := filepath.Glob("/proc/self/fd/*")
	if err != nil {
		return nil
	}
	out := map[string]bool{}
	for _, l := range links {
		t, err := os.Readlink(l)
		if err == nil && strings.HasPrefix(t, "socket:[") {
			out[strings.TrimSuffix(strings.TrimPrefix(t, "socket:["), "]")] = true
		}
	}
	return out
}
