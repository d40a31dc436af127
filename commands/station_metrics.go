package commands

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// errlessMetrics adapts a WriteMetrics that returns an error.
type errlessMetrics struct {
	w interface{ WriteMetrics(io.Writer) error }
}

func (m errlessMetrics) WriteMetrics(w io.Writer) { _ = m.w.WriteMetrics(w) }

// processMetrics reports the station process's memory, so a load test
// (and an operator) can see the resident size.
type processMetrics struct{}

func (processMetrics) WriteMetrics(w io.Writer) {
	if b, err := os.ReadFile("/proc/self/statm"); err == nil {
		var size, resident uint64
		if _, err := fmt.Sscan(string(b), &size, &resident); err == nil {
			fmt.Fprintf(w, "# HELP process_resident_memory_bytes Resident memory size in bytes.\n# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes %d\n", resident*uint64(os.Getpagesize()))
		}
	}
	if b, err := os.ReadFile("/proc/self/stat"); err == nil {
		// Fields after the command name (which may hold spaces): utime
		// and stime are the 12th and 13th, in clock ticks (100 a second
		// on Linux).
		if i := strings.LastIndexByte(string(b), ')'); i > 0 {
			f := strings.Fields(string(b[i+1:]))
			if len(f) > 12 {
				u, _ := strconv.ParseUint(f[11], 10, 64)
				s, _ := strconv.ParseUint(f[12], 10, 64)
				fmt.Fprintf(w, "# HELP process_cpu_seconds_total User and system CPU time spent.\n# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total %g\n", float64(u+s)/100)
			}
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(w, "# HELP go_memstats_heap_inuse_bytes Bytes in in-use heap spans.\n# TYPE go_memstats_heap_inuse_bytes gauge\ngo_memstats_heap_inuse_bytes %d\n", ms.HeapInuse)
}

// udpDrops reports the datagrams the kernel dropped because this
// process's UDP sockets were full: loss that happens before the listener
// can count anything (Linux only; elsewhere it writes nothing).
type udpDrops struct{}

func (udpDrops) WriteMetrics(w io.Writer) {
	if drops, found := socketDrops(); found {
		fmt.Fprintf(w, "# HELP mauve_udp_receive_drops_total Datagrams the kernel dropped because the station's sockets were full.\n# TYPE mauve_udp_receive_drops_total counter\nmauve_udp_receive_drops_total %d\n", drops)
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
