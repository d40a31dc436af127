package commands

import (
	"strings"
	"testing"
)

// TestAck_ListEscapes: a sender's escape sequences in the source, id or
// summary (one would retitle the terminal, one clear the screen) reach
// neither `mauve ack --list` nor what `mauve ack` says it did: they are
// shown escaped (the store already strips them; this checks the whole
// path).
func TestAck_ListEscapes(t *testing.T) {
	const (
		retitle = "\x1b]0;pwned\x07"
		clear   = "\x1b[2J"
		c1      = "\u009b2J"
	)
	st := startAckStation(t, currentUser(t))
	st.raise(t, "edge"+retitle, "bgp"+clear, "session down"+c1+retitle)
	// The store strips control characters on the way in, so the key is
	// the cleaned one; the terminal escaping is the second line of
	// defence, tested with raw escapes in ui/term.
	a := st.state(t, "edge]0;pwned", "bgp[2J")
	key := a.Source + "/" + a.ID

	code, out, errOut := runMauve(t, "", nil, "ack", "--list", "--config", st.config)
	if code != 0 || !strings.Contains(out, "bgp") {
		t.Fatalf("ack --list: got %d, %q, %q", code, out, errOut)
	}
	for _, bad := range []string{"\x1b", "\x07", "\u009b"} {
		if strings.Contains(out, bad) {
			t.Errorf("ack --list writes %q to the terminal:\n%q", bad, out)
		}
	}
	code, out, errOut = runMauve(t, "", nil, "ack", key, "--for", "1h", "--config", st.config)
	if code != 0 || !strings.Contains(out, "acknowledged by johnny") {
		t.Fatalf("ack: got %d, %q, %q", code, out, errOut)
	}
	for _, bad := range []string{"\x1b", "\x07", "\u009b"} {
		if strings.Contains(out, bad) {
			t.Errorf("ack writes %q to the terminal:\n%q", bad, out)
		}
	}
	t.Logf("stored key %q, shown %q", key, out)
}
