package store

import (
	"context"
	"log/slog"
	"time"
)

// SchedulerOptions configure NewScheduler. The zero value is usable.
type SchedulerOptions struct {
	// Logger receives Tick errors. nil: discard.
	Logger *slog.Logger
	// Now is the clock. nil: time.Now.
	Now func() time.Time
	// RetryAfter is the pause after a failed Tick. 0: 5s.
	RetryAfter time.Duration
}

// Scheduler calls Store.Tick whenever something falls due: at the next due
// time Tick returned, or sooner when a commit schedules something earlier.
type Scheduler struct {
	s    *Store
	opts SchedulerOptions
}

// NewScheduler returns a scheduler for s; Run starts it.
func NewScheduler(s *Store, opts SchedulerOptions) *Scheduler {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.RetryAfter <= 0 {
		opts.RetryAfter = 5 * time.Second
	}
	return &Scheduler{s: s, opts: opts}
}

// Run ticks until ctx is done.
func (sc *Scheduler) Run(ctx context.Context) error {
	for {
		if ctx.Err() != nil {
			return nil
		}
		now := sc.opts.Now()
		next, err := sc.s.Tick(now)
		if err != nil {
			sc.opts.Logger.Error("scheduled actions failed; retrying", "err", err, "retry_after", sc.opts.RetryAfter)
			next = now.Add(sc.opts.RetryAfter)
		}
		var fire <-chan time.Time
		var timer *time.Timer
		if !next.IsZero() {
			d := next.Sub(sc.opts.Now())
			if d <= 0 {
				continue
			}
			timer = time.NewTimer(d)
			fire = timer.C
		}
		select {
		case <-ctx.Done():
		case <-fire:
		case <-sc.s.Wake():
		}
		if timer != nil {
			timer.Stop()
		}
	}
}
