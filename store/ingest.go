package store

import (
	"context"
	"io"
	"log/slog"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/mauve-alert/mauve/wire"
)

// IngestOptions configure NewIngest. The zero value is usable.
type IngestOptions struct {
	// Logger receives commit failures and drops (at a bounded rate).
	// nil: discard.
	Logger *slog.Logger
	// MaxBatch is the most updates one transaction commits. 0: 4096.
	MaxBatch int
	// MaxPending is how many updates may wait for a commit before Handle
	// blocks (pushing back on the socket buffers). 0: 65536.
	MaxPending int
	// MaxPerSource is how many updates of one source may wait; more from
	// that source are dropped, so a flood cannot crowd out the others.
	// 0: 16384.
	MaxPerSource int
	// Now is the clock for commit latency. nil: time.Now.
	Now func() time.Time
	// Committed, if set, is called after each batch commits with its size.
	Committed func(n int)
}

// Ingest turns received updates into group-committed transactions: Handle
// queues each update under its source; Run takes batches round-robin over
// the sources (each source gets at most a fair share of a batch while
// others wait) and applies each batch with one Store.Apply, as soon as the
// previous commit finishes. An update is accepted when its batch
// committed.
type Ingest struct {
	s    *Store
	opts IngestOptions

	mu      sync.Mutex
	space   *sync.Cond // signalled when pending falls
	queues  map[string]*sourceQueue
	ring    []string // sources with queued updates, in service order
	pending int
	closed  bool
	ready   chan struct{}

	accepted     atomic.Uint64
	droppedFlood atomic.Uint64
	droppedStop  atomic.Uint64
	droppedFail  atomic.Uint64
	lastLog      atomic.Int64

	// metrics holds the histograms below; WriteMetrics writes it.
	metrics   *metrics.Set
	batchSize *metrics.PrometheusHistogram // updates per committed transaction
	commitSec *metrics.PrometheusHistogram // time to apply and commit one batch
	latency   *metrics.PrometheusHistogram // datagram reception to its commit
}

type sourceQueue struct {
	items []Received
	head  int
}

// NewIngest returns an Ingest feeding s. Call Run to start committing.
func NewIngest(s *Store, opts IngestOptions) *Ingest {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = 4096
	}
	if opts.MaxPending <= 0 {
		opts.MaxPending = 65536
	}
	if opts.MaxPerSource <= 0 {
		opts.MaxPerSource = 16384
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	set := metrics.NewSet()
	in := &Ingest{
		s:         s,
		opts:      opts,
		queues:    map[string]*sourceQueue{},
		ready:     make(chan struct{}, 1),
		metrics:   set,
		batchSize: set.NewPrometheusHistogramExt("mauve_commit_batch_size", []float64{1, 4, 16, 64, 256, 1024, 4096, 16384, 65536}),
		commitSec: set.NewPrometheusHistogramExt("mauve_commit_seconds", []float64{.0005, .001, .002, .005, .01, .02, .05, .1, .2, .5, 1, 2, 5}),
		latency: set.NewPrometheusHistogramExt("mauve_ingest_latency_seconds", []float64{.0001, .00025, .0005, .001, .002, .005, .01, .02, .03, .05,
			.075, .1, .15, .2, .3, .5, 1, 2, 5, 10}),
	}
	in.space = sync.NewCond(&in.mu)
	return in
}

// Handle queues one update; its signature is a wire.Handler. It blocks
// while MaxPending updates wait, and drops (and counts) the update when
// its source already has MaxPerSource waiting or Run has stopped.
func (in *Ingest) Handle(u wire.Update, from netip.AddrPort, receivedAt time.Time) {
	in.mu.Lock()
	for in.pending >= in.opts.MaxPending && !in.closed {
		in.space.Wait()
	}
	if in.closed {
		in.mu.Unlock()
		in.droppedStop.Add(1)
		return
	}
	q := in.queues[u.Source]
	if q == nil {
		q = &sourceQueue{}
		in.queues[u.Source] = q
		in.ring = append(in.ring, u.Source)
	}
	if len(q.items)-q.head >= in.opts.MaxPerSource {
		in.mu.Unlock()
		in.droppedFlood.Add(1)
		in.logDrop("source is flooding; update dropped", "source", u.Source, "from", from)
		return
	}
	q.items = append(q.items, Received{Update: u, ReceivedAt: receivedAt})
	in.pending++
	in.mu.Unlock()
	select {
	case in.ready <- struct{}{}:
	default:
	}
}

// logDrop logs at most once a second.
func (in *Ingest) logDrop(msg string, args ...any) {
	now := time.Now().UnixNano()
	last := in.lastLog.Load()
	if now-last < int64(time.Second) || !in.lastLog.CompareAndSwap(last, now) {
		return
	}
	in.opts.Logger.Warn(msg, args...)
}

// take moves up to MaxBatch queued updates into buf, round-robin over
// sources, each taking at most an equal share while others have some.
func (in *Ingest) take(buf []Received) []Received {
	in.mu.Lock()
	defer in.mu.Unlock()
	max := in.opts.MaxBatch
	for len(buf) < max && len(in.ring) > 0 {
		share := (max - len(buf) + len(in.ring) - 1) / len(in.ring)
		for i := 0; i < len(in.ring) && len(buf) < max; {
			src := in.ring[i]
			q := in.queues[src]
			n := min(share, len(q.items)-q.head, max-len(buf))
			buf = append(buf, q.items[q.head:q.head+n]...)
			clear(q.items[q.head : q.head+n])
			q.head += n
			if q.head == len(q.items) {
				delete(in.queues, src)
				in.ring = slices.Delete(in.ring, i, i+1)
				continue
			}
			if q.head > 4096 && q.head*2 > len(q.items) {
				k := copy(q.items, q.items[q.head:])
				clear(q.items[k:])
				q.items = q.items[:k]
				q.head = 0
			}
			i++
		}
	}
	// The next batch starts with the next source.
	if len(in.ring) > 1 {
		in.ring = append(in.ring[1:], in.ring[0])
	}
	in.pending -= len(buf)
	in.space.Broadcast()
	return buf
}

// Run commits queued updates until ctx is done, then commits what is
// still queued and returns. Handle drops updates that arrive after.
func (in *Ingest) Run(ctx context.Context) error {
	var batch []Received
	// A batch taken from the queue is committed even when ctx ends
	// meanwhile: stopping means draining, not dropping.
	drain := context.WithoutCancel(ctx)
	for {
		select {
		case <-ctx.Done():
			for {
				batch = in.take(batch[:0])
				if len(batch) == 0 {
					break
				}
				in.commit(drain, batch)
			}
			in.mu.Lock()
			in.closed = true
			in.space.Broadcast()
			in.mu.Unlock()
			// Anything queued between the last take and closing.
			for batch = in.take(batch[:0]); len(batch) > 0; batch = in.take(batch[:0]) {
				in.commit(drain, batch)
			}
			return nil
		case <-in.ready:
		}
		for {
			batch = in.take(batch[:0])
			if len(batch) == 0 {
				break
			}
			in.commit(drain, batch)
		}
	}
}

// commit applies one batch, retrying once after a short pause: a batch
// that cannot be committed is dropped and counted, never half-applied.
func (in *Ingest) commit(ctx context.Context, batch []Received) {
	start := in.opts.Now()
	err := in.s.Apply(ctx, batch)
	if err != nil {
		in.opts.Logger.Error("commit failed; retrying once", "updates", len(batch), "err", err)
		time.Sleep(100 * time.Millisecond)
		err = in.s.Apply(ctx, batch)
	}
	if err != nil {
		in.droppedFail.Add(uint64(len(batch)))
		in.opts.Logger.Error("commit failed; updates dropped", "updates", len(batch), "err", err)
		return
	}
	end := in.opts.Now()
	in.accepted.Add(uint64(len(batch)))
	if in.opts.Committed != nil {
		in.opts.Committed(len(batch))
	}
	in.batchSize.Update(float64(len(batch)))
	in.commitSec.Update(end.Sub(start).Seconds())
	for i := range batch {
		// The histogram drops negative values: a clock stepped back counts
		// as no wait, so every committed update is in the count.
		in.latency.Update(max(0, end.Sub(batch[i].ReceivedAt).Seconds()))
	}
}

// IngestStats is a snapshot of an Ingest's counters.
type IngestStats struct {
	Accepted     uint64 // committed
	Queued       int    // waiting for a commit
	DroppedFlood uint64 // source had MaxPerSource waiting
	DroppedStop  uint64 // arrived after Run stopped
	DroppedFail  uint64 // their commit failed
}

// Stats returns the counters since NewIngest.
func (in *Ingest) Stats() IngestStats {
	in.mu.Lock()
	queued := in.pending
	in.mu.Unlock()
	return IngestStats{
		Accepted:     in.accepted.Load(),
		Queued:       queued,
		DroppedFlood: in.droppedFlood.Load(),
		DroppedStop:  in.droppedStop.Load(),
		DroppedFail:  in.droppedFail.Load(),
	}
}

// WriteMetrics writes the ingest counters and histograms in the Prometheus
// text format.
func (in *Ingest) WriteMetrics(w io.Writer) {
	st := in.Stats()
	metrics.WriteCounterUint64(w, "mauve_updates_accepted_total", st.Accepted)
	metrics.WriteGaugeUint64(w, "mauve_ingest_queued", uint64(st.Queued))
	metrics.WriteCounterUint64(w, `mauve_ingest_dropped_total{reason="source_flood"}`, st.DroppedFlood)
	metrics.WriteCounterUint64(w, `mauve_ingest_dropped_total{reason="stopped"}`, st.DroppedStop)
	metrics.WriteCounterUint64(w, `mauve_ingest_dropped_total{reason="commit_failed"}`, st.DroppedFail)
	in.metrics.WritePrometheus(w)
}
