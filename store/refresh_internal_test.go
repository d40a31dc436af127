package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/wire"
)

// A refresh whose subject and detail are the ones that produced the stored
// ones costs no parsing; a new detail is sanitized, and so is a detail that
// the stored one did not come from.
func TestApply_RefreshWithSameDetailIsNotSanitizedAgain(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "mauve.db"), Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	t0 := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	send := func(at time.Duration, detail string) Alert {
		t.Helper()
		u := wire.Update{Source: "host1", Alerts: []wire.Alert{{ID: "x", Subject: "AT&amp;T <b>edge</b>", Summary: "disk full", Detail: detail}}}
		if err := s.Apply(context.Background(), []Received{{Update: u, ReceivedAt: t0.Add(at)}}); err != nil {
			t.Fatal(err)
		}
		a, err := s.Get(Key{Source: "host1", ID: "x"})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	const raw = `<p onclick="x()">98% <b>full</b></p><script>alert(1)</script>`
	first := send(0, raw)
	if got := s.clean.parsed.Load(); got != 2 {
		t.Fatalf("first update: %d parses, want 2 (subject and detail)", got)
	}
	if first.Subject != "AT&T edge" {
		t.Fatalf("subject %q, want %q", first.Subject, "AT&T edge")
	}
	for i := range 10 {
		if a := send(time.Duration(i+1)*time.Second, raw); a.Detail != first.Detail {
			t.Fatalf("refresh %d: detail %q, want %q", i, a.Detail, first.Detail)
		}
	}
	if got := s.clean.parsed.Load(); got != 2 {
		t.Errorf("after 10 identical refreshes: %d parses in all, want 2", got)
	}
	changed := send(time.Minute, `<p>99% <b>full</b><img src=x onerror=y()></p>`)
	if got := s.clean.parsed.Load(); got != 3 {
		t.Errorf("a new detail: %d parses in all, want 3", got)
	}
	if changed.Detail == first.Detail {
		t.Errorf("a new detail was not taken: %q", changed.Detail)
	}
	// The stored detail sent back raw is not what produced it: it is
	// sanitized (to itself).
	if a := send(2*time.Minute, changed.Detail); a.Detail != changed.Detail || s.clean.parsed.Load() != 4 {
		t.Errorf("stored detail sent back: %q after %d parses, want %q after 4", a.Detail, s.clean.parsed.Load(), changed.Detail)
	}
}
