package store

import (
	"cmp"
	"context"
	"fmt"
	"html"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/mauve-alert/mauve/wire"
)

// LossAlertID is the id of the station's own alert about updates it lost.
const LossAlertID = "ingest-loss"

// maxLossSources bounds how many sources a loss tally names; the rest are
// counted together (a flood of invented source names must not grow it).
const maxLossSources = 1000

// lossTally counts updates lost since Run last looked, by source.
type lossTally struct {
	shed, failed uint64
	others       uint64 // lost from sources beyond maxLossSources
	bySource     map[string]uint64
	first        time.Time
}

func (t *lossTally) add(source string, failed bool, now func() time.Time) {
	if t.shed+t.failed == 0 {
		t.first = now()
	}
	if failed {
		t.failed++
	} else {
		t.shed++
	}
	if t.bySource == nil {
		t.bySource = map[string]uint64{}
	}
	if _, ok := t.bySource[source]; ok || len(t.bySource) < maxLossSources {
		t.bySource[source]++
	} else {
		t.others++
	}
}

// lossReport is Run's view of a loss episode: from the first loss until
// LossClearAfter passes without any. It raises the station's alert while
// loss goes on and clears it after.
type lossReport struct {
	lastCheck  time.Time
	kernelSeen uint64

	active   bool
	since    time.Time
	lastLoss time.Time
	total    lossTally // over the episode
	kernel   uint64    // datagrams, over the episode
}

func (r *lossReport) start(in *Ingest) {
	r.lastCheck = in.opts.Now()
}

// maybeCheck checks when LossEvery has passed: a flood keeps Run
// committing without a pause, and that is when loss is likeliest.
func (r *lossReport) maybeCheck(ctx context.Context, in *Ingest) {
	if in.opts.Now().Sub(r.lastCheck) >= in.opts.LossEvery {
		r.check(ctx, in)
	}
}

// check collects what was lost since the last check; any loss raises (or
// updates) the station's alert, and LossClearAfter without loss clears it.
func (r *lossReport) check(ctx context.Context, in *Ingest) {
	now := in.opts.Now()
	prev := r.lastCheck
	r.lastCheck = now
	in.mu.Lock()
	t := in.loss
	in.loss = lossTally{}
	in.mu.Unlock()
	var kernel uint64
	if in.opts.KernelDrops != nil {
		k := in.opts.KernelDrops()
		if k > r.kernelSeen {
			kernel = k - r.kernelSeen
		}
		r.kernelSeen = k
	}
	if t.shed+t.failed == 0 && kernel == 0 {
		if r.active && now.Sub(r.lastLoss) >= in.opts.LossClearAfter {
			r.clear(ctx, in, now)
		}
		return
	}
	since := prev
	if t.shed+t.failed > 0 {
		since = t.first
	}
	if !r.active {
		*r = lossReport{lastCheck: r.lastCheck, kernelSeen: r.kernelSeen, active: true, since: since}
	}
	r.lastLoss = now
	r.kernel += kernel
	r.total.shed += t.shed
	r.total.failed += t.failed
	r.total.others += t.others
	for src, n := range t.bySource {
		if r.total.bySource == nil {
			r.total.bySource = map[string]uint64{}
		}
		if _, ok := r.total.bySource[src]; ok || len(r.total.bySource) < maxLossSources {
			r.total.bySource[src] += n
		} else {
			r.total.others += n
		}
	}
	summary := r.summary()
	in.opts.Logger.Warn("updates lost before commit", "summary", summary)
	r.apply(ctx, in, now, wire.Alert{ID: LossAlertID, Subject: "ingest", Summary: summary, Detail: r.detail()})
}

func (r *lossReport) clear(ctx context.Context, in *Ingest, now time.Time) {
	summary := fmt.Sprintf("no loss since %s; before, %s", stamp(r.lastLoss), r.summary())
	in.opts.Logger.Info("no more updates lost", "summary", summary)
	r.apply(ctx, in, now, wire.Alert{ID: LossAlertID, ClearTime: now, Summary: summary})
	r.active = false
}

// apply sends the station's alert through the store like any update, so
// the policy decides who is told.
func (r *lossReport) apply(ctx context.Context, in *Ingest, now time.Time, a wire.Alert) {
	if in.opts.LossSource == "" {
		return
	}
	u := wire.Update{Source: in.opts.LossSource, Alerts: []wire.Alert{a}}
	if err := in.s.Apply(ctx, []Received{{Update: u, ReceivedAt: now}}); err != nil {
		in.opts.Logger.Error("cannot record the loss alert", "source", in.opts.LossSource, "id", LossAlertID, "err", err)
	}
}

// summary says how much was lost, how, since when and from whom, short
// enough for an SMS.
func (r *lossReport) summary() string {
	var parts []string
	if r.total.shed > 0 {
		parts = append(parts, fmt.Sprintf("%d updates shed at capacity", r.total.shed))
	}
	if r.total.failed > 0 {
		parts = append(parts, fmt.Sprintf("%d updates in failed commits", r.total.failed))
	}
	if r.kernel > 0 {
		parts = append(parts, fmt.Sprintf("%d datagrams dropped by the kernel (socket buffer full)", r.kernel))
	}
	s := "lost since " + stamp(r.since) + ": " + strings.Join(parts, ", ")
	top := r.topSources(3)
	if len(top) > 0 {
		var names []string
		for _, e := range top {
			names = append(names, fmt.Sprintf("%s (%d)", e.source, e.n))
		}
		s += "; most from " + strings.Join(names, ", ")
		if more := len(r.total.bySource) - len(top); more > 0 || r.total.others > 0 {
			s += fmt.Sprintf(" and %d more sources", more+min(1, int(r.total.others)))
		}
	}
	return s
}

func (r *lossReport) detail() string {
	top := r.topSources(20)
	if len(top) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("<p>Updates lost, by source:</p><ul>")
	for _, e := range top {
		fmt.Fprintf(&b, "<li>%s: %d</li>", html.EscapeString(e.source), e.n)
	}
	b.WriteString("</ul>")
	return b.String()
}

type sourceCount struct {
	source string
	n      uint64
}

func (r *lossReport) topSources(n int) []sourceCount {
	var all []sourceCount
	for src, c := range r.total.bySource {
		all = append(all, sourceCount{src, c})
	}
	slices.SortFunc(all, func(a, b sourceCount) int {
		return cmp.Or(cmp.Compare(b.n, a.n), strings.Compare(a.source, b.source))
	})
	return all[:min(n, len(all))]
}

func stamp(t time.Time) string { return t.Format("2006-01-02 15:04:05 MST") }

// writeLossMetrics writes the queue's estimated size in bytes.
func (in *Ingest) writeLossMetrics(w io.Writer, st IngestStats) {
	metrics.WriteGaugeUint64(w, "mauve_ingest_queued_bytes", uint64(st.QueuedBytes))
}
