package store_test

import (
	"testing"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/wire"
)

// Control characters never reach stored plain text: an escape sequence in
// a source, id, subject or summary (raw, or as an HTML entity) would
// retitle or clear the terminal that shows it. The summary keeps its line
// breaks; the one-line fields turn them into spaces.
func TestStore_PlainTextHasNoControlCharacters(t *testing.T) {
	h := newHarness(t, store.Options{})
	h.send(0, wire.Update{Source: "core\x1b]0;owned\x07-router", Alerts: []wire.Alert{{
		ID:      "bgp\x1b[2J\u009b2J",
		Subject: "edge1\tport 3\r\n&#27;[31mred\u0085",
		Summary: "line one\r\nline two\nline\tthree\x7f\u009d&#x1b;c\rend",
	}}})
	as, err := h.s.List(store.Filter{})
	if err != nil || len(as) != 1 {
		t.Fatalf("list: %d alerts, %v; want 1", len(as), err)
	}
	a := as[0]
	want := store.Alert{Source: "core]0;owned-router", ID: "bgp[2J2J",
		Subject: "edge1 port 3 [31mred ", Summary: "line one\nline two\nline threec\nend"}
	if a.Source != want.Source || a.ID != want.ID || a.Subject != want.Subject || a.Summary != want.Summary {
		t.Errorf("got source %q id %q subject %q summary %q,\nwant source %q id %q subject %q summary %q",
			a.Source, a.ID, a.Subject, a.Summary, want.Source, want.ID, want.Subject, want.Summary)
	}
}
