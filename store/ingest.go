package store

import (
	"container/heap"
	"context"
	"io"
	"log/slog"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/mauve-alert/mauve/wire"
)

// IngestOptions configure NewIngest. The zero value is usable.
type IngestOptions struct {
	// Logger receives commit failures and losses (at a bounded rate).
	// nil: discard.
	Logger *slog.Logger
	// MaxBatch is the most updates one transaction commits. 0: 4096.
	MaxBatch int
	// MaxBatchBytes bounds one transaction by the estimated decoded size
	// of its updates (a batch holds at least one). 0: 4 MiB.
	MaxBatchBytes int
	// MaxPending is how many updates may wait for a commit. 0: 262144.
	MaxPending int
	// MaxPendingBytes is how many bytes of decoded updates (estimated)
	// may wait for a commit. 0: 64 MiB.
	//
	// At either limit Handle sheds: the source holding the most bytes
	// loses its oldest updates until the new one fits; a source with
	// nothing waiting always gets in. Below them nothing is shed, however
	// busy one source is, and Handle never blocks.
	MaxPendingBytes int
	// Now is the clock for commit latency and loss reports. nil: time.Now.
	Now func() time.Time
	// Committed, if set, is called after each batch commits with its size.
	Committed func(n int)

	// LossSource names the station: updates lost before they were
	// committed (shed, a failed commit, or dropped by the kernel) raise the
	// alert LossSource/ingest-loss through the store, so the policy tells
	// someone; it clears after LossClearAfter without loss. "": no alert,
	// only the log and the counters.
	LossSource string
	// KernelDrops returns how many datagrams the kernel has dropped so far
	// on the station's sockets (a counter); nil: not known.
	KernelDrops func() uint64
	// LossEvery is how often loss is looked for and reported. 0: 5s.
	LossEvery time.Duration
	// LossClearAfter is how long without loss clears the alert. 0: 1m.
	LossClearAfter time.Duration
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
	queues  map[string]*sourceQueue
	heap    queueHeap // the queues, the one holding the most bytes first
	ring    []string  // sources with queued updates, in service order
	next    int       // where in ring the next batch starts
	pending int
	bytes   int
	closed  bool
	ready   chan struct{}
	loss    lossTally // guarded by mu

	accepted     atomic.Uint64
	droppedFlood atomic.Uint64
	droppedStop  atomic.Uint64
	droppedFail  atomic.Uint64
	lastLog      atomic.Int64

	// Owned by Run.
	report lossReport

	// metrics holds the histograms below; WriteMetrics writes it.
	metrics   *metrics.Set
	batchSize *metrics.PrometheusHistogram // updates per committed transaction
	commitSec *metrics.PrometheusHistogram // time to apply and commit one batch
	latency   *metrics.PrometheusHistogram // datagram reception to its commit
}

type sourceQueue struct {
	source string
	items  []queued
	head   int
	bytes  int
	index  int // in the heap
}

func (q *sourceQueue) len() int { return len(q.items) - q.head }

type queued struct {
	r    Received
	size int
}

// NewIngest returns an Ingest feeding s. Call Run to start committing.
func NewIngest(s *Store, opts IngestOptions) *Ingest {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = 4096
	}
	if opts.MaxBatchBytes <= 0 {
		opts.MaxBatchBytes = 4 << 20
	}
	if opts.MaxPending <= 0 {
		opts.MaxPending = 1 << 18
	}
	if opts.MaxPendingBytes <= 0 {
		opts.MaxPendingBytes = 64 << 20
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.LossEvery <= 0 {
		opts.LossEvery = 5 * time.Second
	}
	if opts.LossClearAfter <= 0 {
		opts.LossClearAfter = time.Minute
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
	return in
}

// Per-value overheads of a decoded update in memory, in bytes: the
// structs themselves (wire.Update about 120, wire.Alert about 150, with
// Received and the queue slot) and an allocation header for each string.
const (
	updateOverhead = 192
	alertOverhead  = 160
	stringOverhead = 16
)

// updateSize estimates the memory a queued update holds.
func updateSize(u *wire.Update) int {
	n := updateOverhead + len(u.Source) + len(u.Signature)
	for i := range u.Alerts {
		a := &u.Alerts[i]
		n += alertOverhead
		for _, s := range [...]string{a.ID, a.Subject, a.Summary, a.Detail} {
			if s != "" {
				n += stringOverhead + len(s)
			}
		}
	}
	return n
}

// Handle queues one update; its signature is a wire.Handler. It never
// blocks: at capacity (MaxPending updates or MaxPendingBytes waiting) it
// sheds the oldest updates of the source holding the most, and counts
// them; a source with nothing waiting is never the one shed. It drops
// (and counts) updates that arrive after Run has stopped.
func (in *Ingest) Handle(u wire.Update, from netip.AddrPort, receivedAt time.Time) {
	size := updateSize(&u)
	in.mu.Lock()
	if in.closed {
		in.mu.Unlock()
		in.droppedStop.Add(1)
		return
	}
	q := in.queues[u.Source]
	if q == nil {
		q = &sourceQueue{source: u.Source}
		in.queues[u.Source] = q
		in.ring = append(in.ring, u.Source)
		heap.Push(&in.heap, q)
	}
	var shed int
	var shedFrom string
	for in.pending > 0 && (in.pending+1 > in.opts.MaxPending || in.bytes+size > in.opts.MaxPendingBytes) {
		victim := in.heap[0]
		if victim.len() == 0 {
			break // only the new source's empty queue is left
		}
		in.dropOldest(victim)
		shed++
		shedFrom = victim.source
	}
	q.items = append(q.items, queued{r: Received{Update: u, ReceivedAt: receivedAt}, size: size})
	q.bytes += size
	in.pending++
	in.bytes += size
	heap.Fix(&in.heap, q.index)
	in.mu.Unlock()
	if shed > 0 {
		in.logDrop("station at capacity; shed the oldest updates of the busiest source",
			"source", shedFrom, "shed", shed, "queued_bytes", in.opts.MaxPendingBytes)
	}
	select {
	case in.ready <- struct{}{}:
	default:
	}
}

// dropOldest sheds q's oldest update, counting it as lost. Called with mu
// held; q stays in the ring and the heap (take removes emptied queues).
func (in *Ingest) dropOldest(q *sourceQueue) {
	it := &q.items[q.head]
	q.bytes -= it.size
	in.bytes -= it.size
	in.pending--
	*it = queued{}
	q.head++
	heap.Fix(&in.heap, q.index)
	in.droppedFlood.Add(1)
	in.loss.add(q.source, false, in.opts.Now)
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

// take moves up to MaxBatch queued updates (and MaxBatchBytes, but at
// least one) into buf, round-robin over sources, each taking at most an
// equal share while others have some. Each batch starts where the last one
// stopped, so with more sources than a batch holds every source is served
// in turn.
func (in *Ingest) take(buf []Received) []Received {
	in.mu.Lock()
	defer in.mu.Unlock()
	max := in.opts.MaxBatch
	bytes := 0
	full := func() bool { return len(buf) >= max || (len(buf) > 0 && bytes >= in.opts.MaxBatchBytes) }
	emptied := 0
	for !full() && len(in.ring)-emptied > 0 {
		share := (max - len(buf) + len(in.ring) - emptied - 1) / (len(in.ring) - emptied)
		for visited := 0; visited < len(in.ring) && !full(); visited++ {
			if in.next >= len(in.ring) {
				in.next = 0
			}
			src := in.ring[in.next]
			in.next++
			if src == "" {
				continue
			}
			q := in.queues[src]
			for n := 0; n < share && q.len() > 0 && !full(); n++ {
				it := &q.items[q.head]
				buf = append(buf, it.r)
				bytes += it.size
				q.bytes -= it.size
				in.bytes -= it.size
				in.pending--
				*it = queued{}
				q.head++
			}
			if q.len() == 0 {
				delete(in.queues, src)
				heap.Remove(&in.heap, q.index)
				in.ring[in.next-1] = ""
				emptied++
				continue
			}
			heap.Fix(&in.heap, q.index)
			if q.head > 4096 && q.head*2 > len(q.items) {
				k := copy(q.items, q.items[q.head:])
				clear(q.items[k:])
				q.items = q.items[:k]
				q.head = 0
			}
		}
	}
	// Sources that were shed to nothing have an empty queue too.
	for i, src := range in.ring {
		if q := in.queues[src]; src != "" && q.len() == 0 {
			delete(in.queues, src)
			heap.Remove(&in.heap, q.index)
			in.ring[i] = ""
			emptied++
		}
	}
	if emptied > 0 {
		// Compact the ring, keeping the place of the next source.
		k, next := 0, 0
		for i, src := range in.ring {
			if i == in.next {
				next = k
			}
			if src != "" {
				in.ring[k] = src
				k++
			}
		}
		if in.next >= len(in.ring) {
			next = k
		}
		clear(in.ring[k:])
		in.ring, in.next = in.ring[:k], next
	}
	return buf
}

// queueHeap orders source queues by bytes held, most first.
type queueHeap []*sourceQueue

func (h queueHeap) Len() int           { return len(h) }
func (h queueHeap) Less(i, j int) bool { return h[i].bytes > h[j].bytes }
func (h queueHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *queueHeap) Push(x any) {
	q := x.(*sourceQueue)
	q.index = len(*h)
	*h = append(*h, q)
}
func (h *queueHeap) Pop() any {
	old := *h
	q := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return q
}

// Run commits queued updates until ctx is done, then commits what is
// still queued and returns. Handle drops updates that arrive after. Every
// LossEvery it reports what was lost since the last look (see
// IngestOptions.LossSource), also while a flood keeps it committing.
func (in *Ingest) Run(ctx context.Context) error {
	var batch []Received
	// A batch taken from the queue is committed even when ctx ends
	// meanwhile: stopping means draining, not dropping.
	drain := context.WithoutCancel(ctx)
	in.report.start(in)
	tick := time.NewTicker(in.opts.LossEvery)
	defer tick.Stop()
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
			in.mu.Unlock()
			// Anything queued between the last take and closing.
			for batch = in.take(batch[:0]); len(batch) > 0; batch = in.take(batch[:0]) {
				in.commit(drain, batch)
			}
			return nil
		case <-tick.C:
			in.report.check(drain, in)
		case <-in.ready:
		}
		for {
			batch = in.take(batch[:0])
			if len(batch) == 0 {
				break
			}
			in.commit(drain, batch)
			in.report.maybeCheck(drain, in)
		}
	}
}

// commit applies one batch, retrying once after a short pause: a batch
// that cannot be committed is dropped and counted (and reported as lost),
// never half-applied.
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
		in.mu.Lock()
		for i := range batch {
			in.loss.add(batch[i].Update.Source, true, in.opts.Now)
		}
		in.mu.Unlock()
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
	QueuedBytes  int    // their estimated size
	DroppedFlood uint64 // shed at capacity from the busiest source
	DroppedStop  uint64 // arrived after Run stopped
	DroppedFail  uint64 // their commit failed
}

// Stats returns the counters since NewIngest.
func (in *Ingest) Stats() IngestStats {
	in.mu.Lock()
	queued, queuedBytes := in.pending, in.bytes
	in.mu.Unlock()
	return IngestStats{
		Accepted:     in.accepted.Load(),
		Queued:       queued,
		QueuedBytes:  queuedBytes,
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
	in.writeLossMetrics(w, st)
}
