package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/store"
)

// backlogDecider queues one row per raise, due an hour later (as when every
// attempt failed during a long mail outage), except every thousandth, due
// now.
type backlogDecider struct{}

func (backlogDecider) Decide(c store.Change) store.Decision {
	d := store.Decision{Group: "default", Level: "normal"}
	if c.Event == store.EventRaised {
		next := c.Now.Add(time.Hour)
		if c.After.ID[len(c.After.ID)-3:] == "000" {
			next = c.Now
		}
		d.Notifications = []store.Notification{{Person: "ops", Channels: []string{"email"}, NextAttempt: next}}
	}
	return d
}

// BenchmarkDueNotifications reads the due rows of an outbox of 100,000
// rows, as the notify worker does at every poll: 100 due, the rest not.
func BenchmarkDueNotifications(b *testing.B) {
	s, _ := mustOpen(b, store.Options{Decider: backlogDecider{}, NoSync: true})
	const rows = 100000
	ups := benchUpdates(rows, rows, false)
	for i := 0; i < rows; i += 8192 {
		if err := s.Apply(context.Background(), ups[i:min(i+8192, rows)]); err != nil {
			b.Fatal(err)
		}
	}
	now := ups[0].ReceivedAt
	for _, limit := range []int{64, 0} {
		b.Run(fmt.Sprintf("limit=%d", limit), func(b *testing.B) {
			want := 100
			if limit > 0 {
				want = limit
			}
			b.ReportAllocs()
			for b.Loop() {
				got, err := s.DueNotifications(now, limit)
				if err != nil || len(got) != want {
					b.Fatalf("got %d rows, %v; want %d", len(got), err, want)
				}
			}
		})
	}
}
