package notify

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
)

// Outbox is the part of the store the worker drains. *store.Store
// satisfies it.
type Outbox interface {
	// DueNotifications returns up to limit rows due at or before now.
	DueNotifications(now time.Time, limit int) ([]store.Notification, error)
	// OutboxChanged receives whenever rows are added.
	OutboxChanged() <-chan struct{}
	// Finish records the outcome of one attempt and updates or removes the row.
	Finish(id uint64, o store.Outcome) error
	// RecentDeliveries returns a person's deliveries since a time.
	RecentDeliveries(person string, since time.Time) ([]store.Delivery, error)
}

// Clock tells the time and wakes the worker; tests pass a fake one.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

// WorkerOptions configure NewWorker. Outbox, Policy and Channels are
// required; every other zero value is usable.
type WorkerOptions struct {
	Outbox   Outbox
	Policy   func() *policy.Policy     // the current policy (swapped on reload)
	Channels func() map[string]Channel // the current channels, by reference
	Logger   *slog.Logger              // nil: discard
	Clock    Clock                     // nil: the real clock
	Presence *Presence                 // nil: nobody is ever held
	// Concurrency is how many sequences of rows are served at once; one
	// person's rows go out one at a time, in order, so rate limits count
	// correctly. The email channel shares its few connections among the
	// sends running at once. 0 means 32.
	Concurrency int
	// BaseURL is the web UI base for links; "" means the policy's station url.
	BaseURL string
	// SendTimeout bounds one Send; 0 means 1 minute.
	SendTimeout time.Duration
	// Backoff is the retry schedule for transient failures.
	Backoff Backoff
	// Batch is how many due rows are fetched at once; 0 means 256.
	Batch int
	// Poll is the longest the worker sleeps without news; 0 means 30s.
	Poll time.Duration
	// StopGrace is how long sends in flight when Run's context ends may
	// still finish, so that their outcomes are recorded and a restart
	// does not send them again; after it they are cut short, and their
	// rows stay for the next run. No new send starts once Run is told to
	// stop. 0 means 2s.
	StopGrace time.Duration
}

// Worker delivers the outbox. Build it with NewWorker and run it with Run.
type Worker struct {
	o        WorkerOptions
	renderer *Renderer
	metrics  deliveryCounts

	finishing sync.WaitGroup // outcomes being recorded
	slots     chan struct{}  // bounds finishing
	finished  chan struct{}  // receives when an outcome was recorded

	mu       sync.Mutex
	retries  []time.Time      // the RetryAt times this worker set, not yet passed
	inflight map[uint64]claim // rows attempted since the outbox was last read
	epoch    uint64           // counts reads of the outbox
}

// claim is a row the worker took from the outbox. Its claim lasts until a
// read of the outbox that began after its outcome was recorded, since an
// earlier read may still show the row as it was; and, when the store
// refused the outcome, for Poll.
type claim struct {
	done   bool
	epoch  uint64    // the read count when the outcome was recorded
	failed time.Time // when the store refused the outcome
}

// NewWorker returns a worker; it does nothing until Run.
func NewWorker(o WorkerOptions) *Worker {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Clock == nil {
		o.Clock = realClock{}
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 32
	}
	if o.SendTimeout <= 0 {
		o.SendTimeout = time.Minute
	}
	if o.Batch <= 0 {
		o.Batch = 256
	}
	if o.Poll <= 0 {
		o.Poll = 30 * time.Second
	}
	if o.StopGrace <= 0 {
		o.StopGrace = 2 * time.Second
	}
	o.Backoff = o.Backoff.withDefaults()
	return &Worker{
		o: o, renderer: NewRenderer(),
		slots:    make(chan struct{}, maxFinishing),
		finished: make(chan struct{}, 1),
		inflight: make(map[uint64]claim),
	}
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Run delivers due rows until ctx ends, then returns nil once every send in
// flight has returned (within StopGrace) and every outcome is recorded. A
// row whose send was cut short stays in the outbox and goes out again on
// the next run.
func (w *Worker) Run(ctx context.Context) error {
	defer w.finishing.Wait()
	// Sends run on their own context, which ends StopGrace after ctx.
	sends, cancelSends := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelSends()
	stopSends := context.AfterFunc(ctx, func() { time.AfterFunc(w.o.StopGrace, cancelSends) })
	defer stopSends()
	changed := w.o.Outbox.OutboxChanged()
	gone := w.o.Presence.Changed()
	for {
		now := w.o.Clock.Now()
		read, claimed := w.startRead()
		rows, err := w.o.Outbox.DueNotifications(now, w.o.Batch+claimed)
		if err != nil {
			w.o.Logger.Error("read the outbox", "err", err)
		}
		if rows = w.claim(rows, read, now); len(rows) > 0 {
			w.deliverAll(ctx, sends, rows)
			if ctx.Err() != nil {
				return nil
			}
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-changed:
		case <-w.finished:
		case <-gone:
			w.releaseHeld()
		case <-w.o.Clock.After(w.sleep(now)):
		}
	}
}

// startRead counts a read of the outbox about to begin and says how many
// rows are claimed.
func (w *Worker) startRead() (read uint64, claimed int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.epoch++
	return w.epoch, len(w.inflight)
}

// claim drops the claims that read no longer needs, then returns the rows
// not claimed and claims them.
func (w *Worker) claim(rows []store.Notification, read uint64, now time.Time) []store.Notification {
	w.mu.Lock()
	defer w.mu.Unlock()
	for id, c := range w.inflight {
		if (c.done && c.epoch < read) || (!c.failed.IsZero() && now.Sub(c.failed) >= w.o.Poll) {
			delete(w.inflight, id)
		}
	}
	fresh := rows[:0]
	for _, n := range rows {
		if _, busy := w.inflight[n.ID]; !busy {
			w.inflight[n.ID] = claim{}
			fresh = append(fresh, n)
		}
	}
	return fresh
}

// release marks row n's attempt over: recorded, or refused by the store.
func (w *Worker) release(n store.Notification, recorded bool) {
	w.mu.Lock()
	if recorded {
		w.inflight[n.ID] = claim{done: true, epoch: w.epoch}
	} else {
		w.inflight[n.ID] = claim{failed: w.o.Clock.Now()}
	}
	w.mu.Unlock()
	select {
	case w.finished <- struct{}{}:
	default:
	}
}

// sleep is how long to wait with nothing due: until the earliest retry this
// worker scheduled that is still ahead, at most Poll (which also covers
// rows scheduled by an earlier run).
func (w *Worker) sleep(now time.Time) time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	d := w.o.Poll
	kept := w.retries[:0]
	for _, at := range w.retries {
		if at.After(now) {
			kept = append(kept, at)
			d = min(d, at.Sub(now))
		} else {
			d = 0 // fell due while we were busy
		}
	}
	w.retries = kept
	return d
}

func (w *Worker) send(ctx context.Context, ref string, m Message) error {
	ch := w.o.Channels()[ref]
	if ch == nil {
		return Permanent(fmt.Errorf("channel %q is not configured on this station", ref))
	}
	ctx, cancel := context.WithTimeout(ctx, w.o.SendTimeout)
	defer cancel()
	return ch.Send(ctx, m)
}

// hold is the outcome for a row kept for a live client, or finished as
// held when the client showed it and nothing remains to deliver.
func (w *Worker) hold(ref string, recheck, now time.Time) store.Outcome {
	if recheck.IsZero() {
		return store.Outcome{Status: store.DeliveryHeld, Channel: ref, Detail: heldDetail, Now: now}
	}
	w.retryAt(recheck)
	return store.Outcome{Status: store.DeliveryRetry, Channel: ref, Detail: heldDetail, RetryAt: recheck, Now: now, Waiting: true}
}

// releaseHeld makes the rows held for people whose clients went away due
// now.
func (w *Worker) releaseHeld() {
	now := w.o.Clock.Now()
	for _, id := range w.o.Presence.Released() {
		err := w.o.Outbox.Finish(id, store.Outcome{Status: store.DeliveryRetry, Detail: "live client left", RetryAt: now, Now: now, Waiting: true})
		if err != nil {
			w.o.Logger.Debug("release held notification", "id", id, "err", err)
		}
	}
}

func (w *Worker) retryAt(at time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.retries = append(w.retries, at)
}

// finish records outcome o of row n and logs it. It reports whether the
// store took it.
func (w *Worker) finish(n store.Notification, o store.Outcome) bool {
	w.metrics.count(o.Channel, o.Status)
	if err := w.o.Outbox.Finish(n.ID, o); err != nil {
		w.o.Logger.Error("record notification outcome", "id", n.ID, "person", n.Person, "status", o.Status, "err", err)
		return false
	}
	lvl := slog.LevelInfo
	if o.Status == store.DeliveryRetry || o.Status == store.DeliveryFallback || o.Status == store.DeliveryFailed {
		lvl = slog.LevelWarn
	}
	w.o.Logger.Log(context.Background(), lvl, "notification",
		"alert", n.Source+"/"+n.AlertID, "person", n.Person, "event", n.Event,
		"channel", o.Channel, "status", o.Status, "detail", o.Detail)
	return true
}

// personalChannel reports whether ref reaches a person directly, so a live
// client of theirs may take its place.
func personalChannel(ref string) bool {
	return ref == "email" || ref == "xmpp" || strings.HasPrefix(ref, "sms.")
}

// detail is an error as history shows it: one line, bounded.
func detail(err error) string { return singleLine(err.Error(), 300) }
