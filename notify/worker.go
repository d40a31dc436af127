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

// Presence holds a person's personal-channel notifications while a live
// client of theirs shows them (see ui.PresenceRegistry, which satisfies it):
// hold false means deliver; hold true with recheckAt means keep the row and
// ask again then; hold true with a zero recheckAt means the client showed it
// and nothing remains to deliver. Changed receives when a person's last
// client goes away, so held rows are asked about again at once.
type Presence interface {
	Hold(person string, n store.Notification, now time.Time) (hold bool, recheckAt time.Time)
	Changed() <-chan struct{}
}

// heldDetail is the outcome detail of a row kept for a live client; the
// presence registry documents the same text.
const heldDetail = "held for live client"

// WorkerOptions configure NewWorker. Outbox, Policy and Channels are
// required; every other zero value is usable.
type WorkerOptions struct {
	Outbox   Outbox
	Policy   func() *policy.Policy     // the current policy (swapped on reload)
	Channels func() map[string]Channel // the current channels, by reference
	Logger   *slog.Logger              // nil: discard
	Clock    Clock                     // nil: the real clock
	Presence Presence                  // nil: nobody is ever held
	// Concurrency is how many people are served at once; one person's rows
	// go out one at a time, in order, so rate limits count correctly.
	// 0 means 4.
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
}

// Worker delivers the outbox. Build it with NewWorker and run it with Run.
type Worker struct {
	o        WorkerOptions
	renderer *Renderer
	metrics  metrics

	mu        sync.Mutex
	nextRetry time.Time           // earliest RetryAt this worker set
	held      map[uint64]struct{} // rows kept for a live client
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
		o.Concurrency = 4
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
	o.Backoff = o.Backoff.withDefaults()
	return &Worker{o: o, renderer: NewRenderer(), held: make(map[uint64]struct{})}
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Run delivers due rows until ctx ends, then returns nil once every send in
// flight has returned. A row whose send was cut short stays in the outbox
// and goes out again on the next run.
func (w *Worker) Run(ctx context.Context) error {
	changed := w.o.Outbox.OutboxChanged()
	var gone <-chan struct{}
	if w.o.Presence != nil {
		gone = w.o.Presence.Changed()
	}
	for {
		now := w.o.Clock.Now()
		rows, err := w.o.Outbox.DueNotifications(now, w.o.Batch)
		if err != nil {
			w.o.Logger.Error("read the outbox", "err", err)
		}
		if len(rows) > 0 {
			progress := w.deliverAll(ctx, rows)
			if ctx.Err() != nil {
				return nil
			}
			if progress {
				continue
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-changed:
		case <-gone:
			w.releaseHeld()
		case <-w.o.Clock.After(w.sleep(now)):
		}
	}
}

// sleep is how long to wait with nothing due: until the earliest retry this
// worker scheduled, at most Poll.
func (w *Worker) sleep(now time.Time) time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	d := w.o.Poll
	if !w.nextRetry.IsZero() {
		if until := w.nextRetry.Sub(now); until < d {
			d = max(until, 0)
		}
		if !w.nextRetry.After(now) {
			w.nextRetry = time.Time{}
		}
	}
	return d
}

// deliverAll delivers rows, one person's rows in order on one goroutine,
// up to Concurrency people at once. It reports whether any row's outcome
// was recorded.
func (w *Worker) deliverAll(ctx context.Context, rows []store.Notification) bool {
	var order []string
	byPerson := make(map[string][]store.Notification)
	for _, n := range rows {
		if _, ok := byPerson[n.Person]; !ok {
			order = append(order, n.Person)
		}
		byPerson[n.Person] = append(byPerson[n.Person], n)
	}
	queue := make(chan []store.Notification)
	var wg sync.WaitGroup
	var mu sync.Mutex
	progress := false
	for range min(w.o.Concurrency, len(order)) {
		wg.Go(func() {
			for list := range queue {
				for _, n := range list {
					if ctx.Err() != nil {
						break
					}
					if w.deliver(ctx, n) {
						mu.Lock()
						progress = true
						mu.Unlock()
					}
				}
			}
		})
	}
	for _, person := range order {
		queue <- byPerson[person]
	}
	close(queue)
	wg.Wait()
	return progress
}

// deliver makes one attempt at row n and records its outcome. It reports
// whether the outcome was recorded; a send cut short by ctx records none.
func (w *Worker) deliver(ctx context.Context, n store.Notification) bool {
	now := w.o.Clock.Now()
	if n.Channel >= len(n.Channels) {
		return w.finish(n, "", store.Outcome{Status: store.DeliveryFailed, Detail: "no channel left to try", Now: now})
	}
	ref := n.Channels[n.Channel]
	if w.o.Presence != nil && personalChannel(ref) {
		if hold, recheck := w.o.Presence.Hold(n.Person, n, now); hold {
			return w.hold(n, ref, recheck, now)
		}
	}
	p := w.o.Policy()
	suppress, note := w.suppression(p, n, now)
	if suppress {
		if note == "" {
			note = "suppressed: too many notifications"
		}
		return w.finish(n, ref, store.Outcome{Status: store.DeliverySuppressed, Detail: note, Now: now})
	}
	m := w.renderer.Render(p, n, w.o.BaseURL, note, now)
	err := w.send(ctx, ref, m)
	if ctx.Err() != nil {
		return false // the row stays; the next run sends it again
	}
	now = w.o.Clock.Now()
	switch {
	case err == nil:
		return w.finish(n, ref, store.Outcome{Status: store.DeliveryDelivered, Now: now})
	case IsPermanent(err):
		return w.finish(n, ref, store.Outcome{Status: store.DeliveryFallback, Detail: detail(err), Now: now})
	case w.o.Backoff.GiveUp(n.Attempts + 1):
		d := fmt.Sprintf("gave up after %d attempts: %s", n.Attempts+1, detail(err))
		return w.finish(n, ref, store.Outcome{Status: store.DeliveryFallback, Detail: d, Now: now})
	default:
		at := now.Add(w.o.Backoff.Delay(n.Attempts + 1))
		w.retryAt(at)
		return w.finish(n, ref, store.Outcome{Status: store.DeliveryRetry, Detail: detail(err), RetryAt: at, Now: now})
	}
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

// hold keeps row n for a live client, or finishes it as held when the
// client showed it and nothing remains to deliver.
func (w *Worker) hold(n store.Notification, ref string, recheck, now time.Time) bool {
	if recheck.IsZero() {
		w.mu.Lock()
		delete(w.held, n.ID)
		w.mu.Unlock()
		return w.finish(n, ref, store.Outcome{Status: store.DeliveryHeld, Detail: heldDetail, Now: now})
	}
	w.mu.Lock()
	w.held[n.ID] = struct{}{}
	w.mu.Unlock()
	w.retryAt(recheck)
	return w.finish(n, ref, store.Outcome{Status: store.DeliveryRetry, Detail: heldDetail, RetryAt: recheck, Now: now, Waiting: true})
}

// releaseHeld makes every held row due now, after a client went away.
func (w *Worker) releaseHeld() {
	w.mu.Lock()
	ids := make([]uint64, 0, len(w.held))
	for id := range w.held {
		ids = append(ids, id)
	}
	clear(w.held)
	w.mu.Unlock()
	now := w.o.Clock.Now()
	for _, id := range ids {
		err := w.o.Outbox.Finish(id, store.Outcome{Status: store.DeliveryRetry, Detail: "live client left", RetryAt: now, Now: now, Waiting: true})
		if err != nil {
			w.o.Logger.Debug("release held notification", "id", id, "err", err)
		}
	}
}

func (w *Worker) retryAt(at time.Time) {
	w.mu.Lock()
	if w.nextRetry.IsZero() || at.Before(w.nextRetry) {
		w.nextRetry = at
	}
	w.mu.Unlock()
}

func (w *Worker) finish(n store.Notification, ref string, o store.Outcome) bool {
	o.Channel = ref
	w.metrics.count(ref, o.Status)
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
		"channel", ref, "status", o.Status, "detail", o.Detail)
	return true
}

// personalChannel reports whether ref reaches a person directly, so a live
// client of theirs may take its place.
func personalChannel(ref string) bool {
	return ref == "email" || ref == "xmpp" || strings.HasPrefix(ref, "sms.")
}

// detail is an error as history shows it: one line, bounded.
func detail(err error) string { return singleLine(err.Error(), 300) }
