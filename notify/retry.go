package notify

import (
	"math/rand/v2"
	"time"
)

// Backoff is the retry schedule of one channel of one notification after
// transient failures: Initial, doubling to at most Max, each delay moved by
// up to ±Jitter of itself so that a burst of failures does not retry in
// lockstep. After GiveUpAfter of nominal waiting the channel counts as
// failed and the worker falls back to the person's next channel.
type Backoff struct {
	Initial     time.Duration // 0: 30s
	Max         time.Duration // 0: 10m
	GiveUpAfter time.Duration // 0: 1h
	Jitter      float64       // fraction, 0: 0.2; negative: none
}

func (b Backoff) withDefaults() Backoff {
	if b.Initial <= 0 {
		b.Initial = 30 * time.Second
	}
	if b.Max <= 0 {
		b.Max = 10 * time.Minute
	}
	if b.Max < b.Initial {
		b.Max = b.Initial
	}
	if b.GiveUpAfter <= 0 {
		b.GiveUpAfter = time.Hour
	}
	if b.Jitter == 0 {
		b.Jitter = 0.2
	}
	if b.Jitter < 0 {
		b.Jitter = 0
	}
	return b
}

// nominal is the delay after the attempt-th failure (1-based), no jitter.
func (b Backoff) nominal(attempt int) time.Duration {
	d := b.Initial
	for i := 1; i < attempt && d < b.Max; i++ {
		d *= 2
	}
	return min(d, b.Max)
}

// Delay is the wait after the attempt-th consecutive failure (1-based).
func (b Backoff) Delay(attempt int) time.Duration {
	d := b.nominal(attempt)
	if b.Jitter > 0 {
		d += time.Duration((rand.Float64()*2 - 1) * b.Jitter * float64(d)) //nolint:gosec // jitter, not crypto
	}
	return d
}

// GiveUp reports whether, after the attempt-th consecutive failure, the
// nominal waiting so far has reached GiveUpAfter.
func (b Backoff) GiveUp(attempt int) bool {
	var waited time.Duration
	for i := 1; i <= attempt; i++ {
		waited += b.nominal(i)
		if waited >= b.GiveUpAfter {
			return true
		}
	}
	return false
}
