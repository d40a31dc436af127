package notify

import (
	"context"
	"fmt"
	"sync"

	"github.com/mauve-alert/mauve/store"
)

// maxFinishing bounds the outcomes being recorded at once. The store folds
// concurrent Finish calls into shared transactions, so recording many at
// once costs about one commit.
const maxFinishing = 512

// deliverAll makes one attempt at each of rows (claimed by Run) and returns
// when every send has returned; outcomes may still be being recorded, and
// the rows stay claimed until they are, so the next read of the outbox
// never attempts a row twice.
//
// Rows that must go out one after another share a sequence: all of one
// person's rows when suppress_after rules count their deliveries (each
// outcome is recorded before the next is decided), else the rows of one
// alert for one person (so a clear never overtakes its raise). Up to
// Concurrency sequences run at once. No attempt starts after ctx ends;
// those under way send on sends, which ends a grace period later.
func (w *Worker) deliverAll(ctx, sends context.Context, rows []store.Notification) {
	seqs := w.sequences(rows)
	queue := make(chan sequence)
	var senders sync.WaitGroup
	for range min(w.o.Concurrency, len(seqs)) {
		senders.Go(func() {
			for seq := range queue {
				for _, n := range seq.rows {
					o, ok := store.Outcome{}, false
					if ctx.Err() == nil {
						o, ok = w.attempt(sends, n)
					}
					switch {
					case !ok:
						w.release(n, true) // untouched: the next run tries it
					case seq.counted:
						w.release(n, w.finish(n, o))
					default:
						w.recordLater(n, o)
					}
				}
			}
		})
	}
	for _, s := range seqs {
		queue <- s
	}
	close(queue)
	senders.Wait()
}

// recordLater records an outcome on its own goroutine. The store folds
// concurrent Finish calls into shared transactions, so a burst costs about
// one commit, and the next send need not wait for this one's.
func (w *Worker) recordLater(n store.Notification, o store.Outcome) {
	w.slots <- struct{}{}
	w.finishing.Go(func() {
		defer func() { <-w.slots }()
		w.release(n, w.finish(n, o))
	})
}

// sequence is rows to attempt in order; counted says the person's
// deliveries are counted for suppression.
type sequence struct {
	rows    []store.Notification
	counted bool
}

func (w *Worker) sequences(rows []store.Notification) []sequence {
	p := w.o.Policy()
	index := make(map[string]int)
	var seqs []sequence
	for _, n := range rows {
		counted := p.SuppressionLookback(n.Person) > 0
		key := "person\x00" + n.Person
		if !counted {
			key = "alert\x00" + n.Person + "\x00" + n.Source + "\x00" + n.AlertID
		}
		i, ok := index[key]
		if !ok {
			i = len(seqs)
			index[key] = i
			seqs = append(seqs, sequence{counted: counted})
		}
		seqs[i].rows = append(seqs[i].rows, n)
	}
	return seqs
}

// attempt makes one attempt at row n and returns its outcome; ok is false
// when ctx cut the send short, and then the row stays as it was.
func (w *Worker) attempt(ctx context.Context, n store.Notification) (o store.Outcome, ok bool) {
	now := w.o.Clock.Now()
	if n.Channel >= len(n.Channels) {
		return store.Outcome{Status: store.DeliveryFailed, Detail: "no channel left to try", Now: now}, true
	}
	ref := n.Channels[n.Channel]
	if personalChannel(ref) {
		if hold, recheck := w.o.Presence.Hold(n.Person, n, now); hold {
			return w.hold(ref, recheck, now), true
		}
	}
	p := w.o.Policy()
	suppress, note := w.suppression(p, n, now)
	if suppress {
		if note == "" {
			note = "suppressed: too many notifications"
		}
		return store.Outcome{Status: store.DeliverySuppressed, Channel: ref, Detail: note, Now: now}, true
	}
	m := w.renderer.Render(p, n, w.o.BaseURL, note, now)
	err := w.send(ctx, ref, m)
	if ctx.Err() != nil {
		return store.Outcome{}, false // the row stays; the next run sends it again
	}
	now = w.o.Clock.Now()
	switch {
	case err == nil:
		return store.Outcome{Status: store.DeliveryDelivered, Channel: ref, Now: now}, true
	case IsPermanent(err):
		return store.Outcome{Status: store.DeliveryFallback, Channel: ref, Detail: detail(err), Now: now}, true
	case w.o.Backoff.GiveUp(n.Attempts + 1):
		d := fmt.Sprintf("gave up after %d attempts: %s", n.Attempts+1, detail(err))
		return store.Outcome{Status: store.DeliveryFallback, Channel: ref, Detail: d, Now: now}, true
	default:
		at := now.Add(w.o.Backoff.Delay(n.Attempts + 1))
		w.retryAt(at)
		return store.Outcome{Status: store.DeliveryRetry, Channel: ref, Detail: detail(err), RetryAt: at, Now: now}, true
	}
}
