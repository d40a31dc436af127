package notify_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/notify"
	"github.com/mauve-alert/mauve/notify/mtatest"
)

// TestEmail_RealMTA: a burst from many senders at once reaches a real
// postfix, which queues each message on disk and delivers it once; its
// refusals come back permanent (550) and transient (451), and it refuses
// to relay.
func TestEmail_RealMTA(t *testing.T) {
	mta := mtatest.Start(t)
	p := testPolicy(t, mta.Addr)
	e := newEmail(t, p.Email, notify.EmailOptions{Timeout: 30 * time.Second})
	const n = 40
	ms := make([]notify.Message, n)
	for i := range ms {
		ms[i] = burstMessage(t, p, i, "johnny@example.com")
	}
	for i, err := range sendAll(e, ms)() {
		if err != nil {
			t.Errorf("message %d: %v", i, err)
		}
	}
	got := mta.WaitCount(t, n, 60*time.Second)
	seen := map[string]int{}
	for _, m := range got {
		seen[m.Header("X-Mauve-Alert")]++
	}
	for i := range n {
		if id := fmt.Sprintf("core-router/link-%03d", i); seen[id] != 1 {
			t.Errorf("%s delivered %d times, want once", id, seen[id])
		}
	}
	for _, tc := range []struct {
		to            string
		wantPermanent bool
	}{
		{mtatest.RejectAddr, true},
		{mtatest.DeferAddr, false},
		{"johnny@elsewhere.example.org", true}, // the test MTA relays nowhere
	} {
		err := e.Send(context.Background(), burstMessage(t, p, 100, tc.to))
		if err == nil || notify.IsPermanent(err) != tc.wantPermanent {
			t.Errorf("send to %s: got %v, want an error with IsPermanent %v", tc.to, err, tc.wantPermanent)
		}
	}
	// The refusals left the connection fit for the next message.
	if err := e.Send(context.Background(), burstMessage(t, p, 101, "johnny@example.com")); err != nil {
		t.Fatalf("send after the refusals: %v", err)
	}
	mta.WaitCount(t, n+1, 60*time.Second)
}
