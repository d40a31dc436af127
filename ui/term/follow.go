package term

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Source is the station as the client follows it.
type Source interface {
	// Alerts returns the current alerts.
	Alerts(ctx context.Context) ([]Alert, error)
	// Watch opens the event stream and blocks while it stays open,
	// calling changed once when it is connected and after every change.
	// It returns the error that ended the stream (nil when ctx ended).
	Watch(ctx context.Context, changed func()) error
}

// FollowOptions configure Follow. The zero value is usable.
type FollowOptions struct {
	// MinBackoff and MaxBackoff bound the wait between reconnection
	// attempts, doubled after each failure; 0 means 1 s and 30 s.
	MinBackoff, MaxBackoff time.Duration
	// Fatal reports errors that retrying cannot mend (a wrong token, an
	// unknown person): Follow returns them. nil: every error is retried.
	Fatal func(error) bool
	// Now is the clock for the times in AlertsMsg; nil means time.Now.
	Now func() time.Time
}

// Follow keeps the client up to date until ctx ends: it watches src,
// emits an AlertsMsg with the whole list after each change, a ConnMsg
// when the connection comes or goes, and reconnects with exponential
// backoff. It returns nil when ctx ends, or the first fatal error.
// emit is called from one goroutine at a time.
func Follow(ctx context.Context, src Source, o FollowOptions, emit func(any)) error {
	if o.MinBackoff <= 0 {
		o.MinBackoff = time.Second
	}
	if o.MaxBackoff < o.MinBackoff {
		o.MaxBackoff = max(30*time.Second, o.MinBackoff)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	backoff := o.MinBackoff
	for {
		connected, err := followOnce(ctx, src, o, emit)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil && o.Fatal != nil && o.Fatal(err) {
			return err
		}
		if connected {
			backoff = o.MinBackoff
		}
		if err == nil {
			err = fmt.Errorf("the station closed the event stream")
		}
		emit(ConnMsg{Err: err, RetryIn: backoff})
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		backoff = min(2*backoff, o.MaxBackoff)
	}
}

// followOnce runs one connection: the watch, and a fetcher that reloads
// the list after changes, coalescing bursts into one request.
func followOnce(ctx context.Context, src Source, o FollowOptions, emit func(any)) (connected bool, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	poke := make(chan struct{}, 1)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		fetchErr error
		up       bool
	)
	wg.Go(func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-poke:
			}
			as, err := src.Alerts(ctx)
			if err != nil {
				if ctx.Err() == nil {
					mu.Lock()
					fetchErr = err
					mu.Unlock()
					cancel() // the list is unreadable: reconnect
				}
				return
			}
			mu.Lock()
			first := !up
			up = true
			mu.Unlock()
			if first {
				emit(ConnMsg{Connected: true})
			}
			emit(AlertsMsg{Alerts: as, At: o.Now()})
		}
	})
	werr := src.Watch(ctx, func() {
		select {
		case poke <- struct{}{}:
		default: // a reload is already pending; it will see this change
		}
	})
	cancel()
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if fetchErr != nil {
		return up, fetchErr
	}
	return up, werr
}
