package commands

import (
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
