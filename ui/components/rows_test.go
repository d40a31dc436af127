package components

import (
	"html"
	"testing"
)

// TestAppendEscaped: the list's hand-written rows escape exactly as
// html.EscapeString does, for every hostile string.
func TestAppendEscaped(t *testing.T) {
	for _, s := range []string{
		"", "plain", `<script>alert(1)</script>`, `" onmouseover="alert(1)`, `' autofocus onfocus='x`,
		"a & b &amp; c", "<<>>\"\"''&&", "ünïcödé <b>", "\x00<", "end with <",
	} {
		if got, want := string(appendEscaped(nil, s)), html.EscapeString(s); got != want {
			t.Errorf("appendEscaped(%q): got %q, want %q", s, got, want)
		}
	}
}
