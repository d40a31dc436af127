package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/wire"
)

// realisticAlert is what a script sends: a subject, a summary and an HTML
// detail of a few hundred bytes (a table and a link), as mauve-load's
// -realistic mode does.
func realisticAlert(i int) wire.Alert {
	return wire.Alert{
		ID:      fmt.Sprintf("check-%06d", i),
		Subject: fmt.Sprintf("db%03d.example.com", i%500),
		Summary: fmt.Sprintf("disk /var is %d%% full", 80+i%20),
		Detail: fmt.Sprintf(`<p>Filesystem <b>/var</b> on <i>db%03d</i> is filling up.</p>`+
			`<table><tr><th>mount</th><th>used</th><th>free</th></tr>`+
			`<tr><td>/var</td><td>%d%%</td><td>%d GB</td></tr></table>`+
			`<p>See <a href="https://wiki.example.com/runbooks/disk-full" title="runbook">the runbook</a> &amp; the <code>du -sh</code> output.</p>`,
			i%500, 80+i%20, 100-80-i%20),
	}
}

// BenchmarkApplyRealisticRefresh commits batches of 4096 refreshes whose
// content (subject, summary, HTML detail) equals what is stored, into a
// store of 100,000 such alerts, without fsync: the refresh storm a station
// sees every minute. No refresh changes anything, so none should need its
// detail sanitized again.
func BenchmarkApplyRealisticRefresh(b *testing.B) {
	s, _ := mustOpen(b, store.Options{Decider: benchDecider{}, NoSync: true})
	const alerts, batch = 100000, 4096
	ctx := context.Background()
	now := time.Now()
	ups := make([]store.Received, alerts)
	for i := range ups {
		ups[i] = store.Received{ReceivedAt: now, Update: wire.Update{
			Source: fmt.Sprintf("host%03d.example.com", i%100),
			Alerts: []wire.Alert{realisticAlert(i)},
		}}
	}
	for i := 0; i < alerts; i += 8192 {
		if err := s.Apply(ctx, ups[i:min(i+8192, alerts)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		start := (i * batch) % (alerts - batch)
		if err := s.Apply(ctx, ups[start:start+batch]); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "updates/s")
	b.ReportMetric(0, "ns/op")
}
