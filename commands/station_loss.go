package commands

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/mauve-alert/mauve/store"
)

// ingestOptions configure the station's ingest: what it loses before a
// commit (shed at capacity, a failed commit, or dropped by the kernel on
// its sockets) raises the alert <station name>/ingest-loss, which the
// policy tells people of like any other.
func (st *station) ingestOptions() store.IngestOptions {
	return store.IngestOptions{
		Logger:     st.log,
		Now:        st.now,
		LossSource: st.policy.Load().Station.Name,
		KernelDrops: func() uint64 {
			n, _ := socketDrops()
			return n
		},
	}
}

// residentSplit reports the station's resident memory split into its own
// (anonymous) pages and file-backed ones (the database's mapped pages,
// which are page cache the kernel can reclaim), from /proc/self/status.
type residentSplit struct{}

func (residentSplit) WriteMetrics(w io.Writer) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return
	}
	for line := range strings.Lines(string(b)) {
		for _, f := range [...]struct{ field, name, help string }{
			{"RssAnon:", "mauve_process_resident_anon_bytes", "Resident anonymous memory (heap, stacks) in bytes."},
			{"RssFile:", "mauve_process_resident_file_bytes", "Resident file-backed memory (the mapped database) in bytes."},
		} {
			if v, ok := strings.CutPrefix(line, f.field); ok {
				if kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64); err == nil {
					fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n%s %d\n", f.name, f.help, f.name, f.name, kb<<10)
				}
			}
		}
	}
}
