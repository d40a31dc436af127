package policy_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
)

// FuzzParse: no input makes the loader panic, and whatever loads can be
// shown and decided on. The good and bad testdata files are its seeds,
// besides testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*/*.hcl")
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, src []byte) {
		p, diags := policy.Parse(src, "fuzz.hcl", testEnv)
		if diags.HasErrors() {
			if p != nil {
				t.Fatalf("got a policy with errors")
			}
			_ = policy.FormatDiagnostics(diags)
			return
		}
		if err := p.Show(discard{}); err != nil {
			t.Fatal(err)
		}
		a := store.Alert{Source: "core-router", ID: "disk-1", Subject: "10.0.0.1", State: store.StateRaised, RaisedAt: now.Add(-2 * time.Hour)}
		d := p.Decide(store.Change{Event: store.EventRaised, After: a, Now: now})
		for _, r := range d.Reminders {
			a.Reminders = append(a.Reminders, r)
			a.Group = d.Group
			p.Decide(store.Change{Event: store.EventReminder, Before: a, After: a, Now: r.At, Block: r.Block})
		}
		_, _ = p.AcknowledgeUntil(a, "2h", policy.CountWorking, now)
	})
}

type discard struct{}

func (discard) Write(b []byte) (int, error) { return len(b), nil }

// FuzzParseDuration: the one duration grammar never panics, never gives a
// negative duration, and reads back what FormatDuration writes.
func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"0", "15m", "1.5h", "1.5d", "1w", "1h30m", "90000ms", ".5m", "2", "-1h", "1e3h", "99999999999999999999d", "1.000000000000000000001s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := policy.ParseDuration(s)
		if err != nil {
			return
		}
		if d < 0 {
			t.Fatalf("ParseDuration(%q) = %v, negative", s, d)
		}
		back, err := policy.ParseDuration(policy.FormatDuration(d))
		if err != nil || back != d {
			t.Fatalf("ParseDuration(%q) = %v, written %q, read back as %v, %v", s, d, policy.FormatDuration(d), back, err)
		}
		if _, err := policy.ParseFor(s); err != nil {
			t.Fatalf("ParseFor(%q): %v, though ParseDuration took it", s, err)
		}
	})
}
